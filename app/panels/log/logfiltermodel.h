#pragma once

#include "logging/logentry.h"
#include "textmatcher.h"

#include <QAbstractProxyModel>
#include <QStringList>

#include <deque>
#include <optional>
#include <vector>

namespace ango::app {

class LogModel;

struct LogFilter
{
    QString text;                               // case-insensitive, in any text field or detail
    QStringList kinds;                          // empty: any kind
    QStringList statuses;                       // empty: any status
    std::optional<logging::Level> minimumLevel; // unset: any level
    QString session;                            // exact; empty: any session

    bool isEmpty() const;
    friend bool operator==(const LogFilter &, const LogFilter &) = default;
};

// Filter over a LogModel. Unlike QSortFilterProxyModel it knows that the log only grows at the
// end and shrinks at the front, so a new batch costs only its own rows, an eviction is one
// removal, and a new filter is one pass over the store (a million rows well under 300 ms)
// followed by a reset instead of one signal per removed range.
class LogFilterModel final : public QAbstractProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogFilterModel)

public:
    explicit LogFilterModel(QObject *parent = nullptr);

    // Only a LogModel is accepted; anything else leaves the proxy empty.
    void setSourceModel(QAbstractItemModel *sourceModel) override;
    LogModel *logModel() const { return m_log; }

    LogFilter filter() const { return m_filter; }
    void setFilter(const LogFilter &filter);
    void setFilterText(const QString &text);
    void setKinds(const QStringList &kinds);
    void setStatuses(const QStringList &statuses);
    void setMinimumLevel(std::optional<logging::Level> level);
    void setSession(const QString &session);

    // True when the source row passes the current filter.
    bool acceptsSourceRow(int sourceRow) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex &index) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;

private:
    void rebuild();
    void resetCaches() const;
    bool pooledPasses(std::vector<qint8> &cache, quint32 index, const QStringList &allowed) const;
    bool pooledMatchesText(quint32 index) const;
    bool sessionMatchesText(const QString &session) const;

    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onRowsRemoved();
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                       const QList<int> &roles);

    LogModel *m_log = nullptr;
    LogFilter m_filter;
    TextMatcher m_matcher;
    std::deque<quint64> m_seqs; // accepted entries, ascending
    qsizetype m_removing = 0;   // proxy rows announced by onRowsAboutToBeRemoved
    bool m_resetting = false;
    QList<QMetaObject::Connection> m_connections;

    // Per string-pool index: -1 not decided yet, 0 rejected, 1 accepted.
    mutable std::vector<qint8> m_kindCache, m_statusCache, m_textCache;
    mutable quint64 m_cacheGeneration = ~quint64(0);
    mutable const QChar *m_lastSessionText = nullptr;
    mutable bool m_lastSessionMatched = false;
};

} // namespace ango::app
