#include "logfiltermodel.h"

#include "logmodel.h"

#include <algorithm>

namespace ango::app {

bool LogFilter::isEmpty() const
{
    return text.isEmpty() && kinds.isEmpty() && statuses.isEmpty() && !minimumLevel
           && session.isEmpty();
}

LogFilterModel::LogFilterModel(QObject *parent)
    : QAbstractProxyModel(parent)
{}

void LogFilterModel::setSourceModel(QAbstractItemModel *sourceModel)
{
    beginResetModel();
    for (const QMetaObject::Connection &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    m_log = qobject_cast<LogModel *>(sourceModel);
    QAbstractProxyModel::setSourceModel(m_log);
    if (m_log) {
        m_connections = {
            connect(m_log, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                    &LogFilterModel::onRowsAboutToBeRemoved),
            connect(m_log, &QAbstractItemModel::rowsRemoved, this, &LogFilterModel::onRowsRemoved),
            connect(m_log, &QAbstractItemModel::rowsInserted, this,
                    &LogFilterModel::onRowsInserted),
            connect(m_log, &QAbstractItemModel::dataChanged, this, &LogFilterModel::onDataChanged),
            connect(m_log, &QAbstractItemModel::modelAboutToBeReset, this,
                    [this] {
                        m_resetting = true;
                        beginResetModel();
                    }),
            connect(m_log, &QAbstractItemModel::modelReset, this,
                    [this] {
                        rebuild();
                        m_resetting = false;
                        endResetModel();
                    }),
            connect(m_log, &QAbstractItemModel::layoutChanged, this,
                    [this] {
                        beginResetModel();
                        rebuild();
                        endResetModel();
                    }),
        };
    }
    rebuild();
    endResetModel();
}

void LogFilterModel::setFilter(const LogFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    m_matcher = TextMatcher(filter.text);
    resetCaches();
    beginResetModel();
    rebuild();
    endResetModel();
}

void LogFilterModel::setFilterText(const QString &text)
{
    LogFilter filter = m_filter;
    filter.text = text;
    setFilter(filter);
}

void LogFilterModel::setKinds(const QStringList &kinds)
{
    LogFilter filter = m_filter;
    filter.kinds = kinds;
    setFilter(filter);
}

void LogFilterModel::setStatuses(const QStringList &statuses)
{
    LogFilter filter = m_filter;
    filter.statuses = statuses;
    setFilter(filter);
}

void LogFilterModel::setMinimumLevel(std::optional<logging::Level> level)
{
    LogFilter filter = m_filter;
    filter.minimumLevel = level;
    setFilter(filter);
}

void LogFilterModel::setSession(const QString &session)
{
    LogFilter filter = m_filter;
    filter.session = session;
    setFilter(filter);
}

void LogFilterModel::resetCaches() const
{
    m_kindCache.clear();
    m_statusCache.clear();
    m_textCache.clear();
    m_lastSessionText = nullptr;
    if (m_log)
        m_cacheGeneration = m_log->store().poolGeneration();
}

bool LogFilterModel::pooledPasses(std::vector<qint8> &cache, quint32 index,
                                  const QStringList &allowed) const
{
    if (index >= cache.size())
        cache.resize(std::size_t(m_log->store().poolSize()), -1);
    qint8 &decision = cache[index];
    if (decision < 0)
        decision = allowed.contains(m_log->store().pooledString(index)) ? 1 : 0;
    return decision == 1;
}

bool LogFilterModel::pooledMatchesText(quint32 index) const
{
    if (index == 0)
        return false;
    if (index >= m_textCache.size())
        m_textCache.resize(std::size_t(m_log->store().poolSize()), -1);
    qint8 &decision = m_textCache[index];
    if (decision < 0)
        decision = m_matcher.matches(m_log->store().pooledString(index)) ? 1 : 0;
    return decision == 1;
}

bool LogFilterModel::sessionMatchesText(const QString &session) const
{
    // Entries of a session share one text, and come in runs: remember the last answer.
    if (session.isEmpty())
        return false;
    if (session.constData() != m_lastSessionText) {
        m_lastSessionText = session.constData();
        m_lastSessionMatched = m_matcher.matches(session);
    }
    return m_lastSessionMatched;
}

bool LogFilterModel::acceptsSourceRow(int sourceRow) const
{
    if (!m_log)
        return false;
    const LogStore &store = m_log->store();
    if (store.poolGeneration() != m_cacheGeneration)
        resetCaches();
    if (m_filter.minimumLevel && store.level(sourceRow) < *m_filter.minimumLevel)
        return false;
    if (!m_filter.kinds.isEmpty()
        && !pooledPasses(m_kindCache, store.kindIndex(sourceRow), m_filter.kinds)) {
        return false;
    }
    if (!m_filter.statuses.isEmpty()
        && !pooledPasses(m_statusCache, store.statusIndex(sourceRow), m_filter.statuses)) {
        return false;
    }
    if (!m_filter.session.isEmpty() && store.session(sourceRow) != m_filter.session)
        return false;
    if (m_matcher.isEmpty())
        return true;
    return sessionMatchesText(store.session(sourceRow))
           || pooledMatchesText(store.kindIndex(sourceRow))
           || pooledMatchesText(store.statusIndex(sourceRow))
           || pooledMatchesText(store.categoryIndex(sourceRow))
           || m_matcher.matches(store.messageUtf8(sourceRow))
           || m_matcher.matches(store.detailJson(sourceRow));
}

void LogFilterModel::rebuild()
{
    m_lastSessionText = nullptr; // a freed session's memory may hold a new one by now
    m_seqs.clear();
    m_removing = 0;
    if (!m_log)
        return;
    const int rows = m_log->rowCount();
    const quint64 first = m_log->store().firstSeq();
    if (m_filter.isEmpty()) {
        for (int row = 0; row < rows; ++row)
            m_seqs.push_back(first + quint64(row));
        return;
    }
    for (int row = 0; row < rows; ++row) {
        if (acceptsSourceRow(row))
            m_seqs.push_back(first + quint64(row));
    }
}

void LogFilterModel::onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid() || m_resetting)
        return;
    if (first != 0) {
        // The log only evicts from the front; anything else is handled the slow, safe way.
        m_resetting = true;
        beginResetModel();
        return;
    }
    const quint64 endSeq = m_log->seqOfRow(last) + 1;
    const auto end = std::lower_bound(m_seqs.cbegin(), m_seqs.cend(), endSeq);
    m_removing = end - m_seqs.cbegin();
    if (m_removing > 0)
        beginRemoveRows({}, 0, int(m_removing) - 1);
}

void LogFilterModel::onRowsRemoved()
{
    if (m_resetting) {
        // Only reached for removals that are not at the front (see above).
        rebuild();
        m_resetting = false;
        endResetModel();
        return;
    }
    if (m_removing > 0) {
        m_seqs.erase(m_seqs.begin(), m_seqs.begin() + m_removing);
        m_removing = 0;
        endRemoveRows();
    }
}

void LogFilterModel::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid() || m_resetting)
        return;
    const quint64 firstSeq = m_log->seqOfRow(first);
    if (last != m_log->rowCount() - 1 || (!m_seqs.empty() && m_seqs.back() >= firstSeq)) {
        beginResetModel();
        rebuild();
        endResetModel();
        return;
    }
    m_lastSessionText = nullptr;
    std::vector<quint64> accepted;
    for (int row = first; row <= last; ++row) {
        if (acceptsSourceRow(row))
            accepted.push_back(m_log->seqOfRow(row));
    }
    if (accepted.empty())
        return;
    const int start = int(m_seqs.size());
    beginInsertRows({}, start, start + int(accepted.size()) - 1);
    m_seqs.insert(m_seqs.end(), accepted.cbegin(), accepted.cend());
    endInsertRows();
}

void LogFilterModel::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                   const QList<int> &roles)
{
    // Entries never change once stored; forward the change for the rows that are shown.
    const auto from
        = std::lower_bound(m_seqs.cbegin(), m_seqs.cend(), m_log->seqOfRow(topLeft.row()));
    const auto to
        = std::upper_bound(m_seqs.cbegin(), m_seqs.cend(), m_log->seqOfRow(bottomRight.row()));
    if (from == to)
        return;
    Q_EMIT dataChanged(index(int(from - m_seqs.cbegin()), topLeft.column()),
                       index(int(to - m_seqs.cbegin()) - 1, bottomRight.column()), roles);
}

QModelIndex LogFilterModel::index(int row, int column, const QModelIndex &parent) const
{
    return hasIndex(row, column, parent) ? createIndex(row, column) : QModelIndex();
}

QModelIndex LogFilterModel::parent(const QModelIndex &) const
{
    return {};
}

QModelIndex LogFilterModel::sibling(int row, int column, const QModelIndex &) const
{
    return index(row, column);
}

int LogFilterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_seqs.size());
}

int LogFilterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_log ? 0 : m_log->columnCount();
}

bool LogFilterModel::hasChildren(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_seqs.empty();
}

QModelIndex LogFilterModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!m_log || !proxyIndex.isValid() || proxyIndex.row() >= int(m_seqs.size()))
        return {};
    const int row = m_log->rowOfSeq(m_seqs[std::size_t(proxyIndex.row())]);
    return row < 0 ? QModelIndex() : m_log->index(row, proxyIndex.column());
}

QModelIndex LogFilterModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!m_log || !sourceIndex.isValid())
        return {};
    const quint64 seq = m_log->seqOfRow(sourceIndex.row());
    const auto it = std::lower_bound(m_seqs.cbegin(), m_seqs.cend(), seq);
    if (it == m_seqs.cend() || *it != seq)
        return {};
    return index(int(it - m_seqs.cbegin()), sourceIndex.column());
}

} // namespace ango::app
