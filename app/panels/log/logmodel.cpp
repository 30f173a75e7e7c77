#include "logmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>
#include <QSet>

namespace ango::app {

namespace {

QString timeText(qint64 ms)
{
    if (ms == std::numeric_limits<qint64>::min())
        return QString();
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.zzz"));
}

QString durationText(qint64 ms)
{
    if (ms < 0)
        return QString();
    if (ms < 10'000)
        return QStringLiteral("%1 ms").arg(ms);
    return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
}

QString sizeText(qint64 bytes)
{
    if (bytes < 0)
        return QString();
    return QLocale::system().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString directionText(const QString &direction)
{
    if (direction == u"in")
        return QStringLiteral("→ in");
    if (direction == u"out")
        return QStringLiteral("← out");
    return direction;
}

QVariant levelForeground(logging::Level level)
{
    switch (level) {
    case logging::Level::Error:
        return QColor(0xd0, 0x30, 0x30);
    case logging::Level::Warning:
        return QColor(0xc0, 0x80, 0x00);
    case logging::Level::Debug:
    case logging::Level::Info:
        return {};
    }
    return {};
}

} // namespace

LogModel::LogModel(QObject *parent)
    : LogModel(kDefaultCapacity, parent)
{}

LogModel::LogModel(qsizetype capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(capacity)
{
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(kCoalesceMs);
    connect(&m_coalesce, &QTimer::timeout, this, &LogModel::flush);
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_store.size());
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const qsizetype row = index.row();
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case TimeColumn:
            return timeText(m_store.timeMs(row));
        case LevelColumn:
            return logging::levelName(m_store.level(row));
        case CategoryColumn:
            return m_store.category(row);
        case DirectionColumn:
            return directionText(m_store.direction(row));
        case KindColumn:
            return m_store.kind(row);
        case SessionColumn:
            return m_store.session(row);
        case StatusColumn:
            return m_store.status(row);
        case DurationColumn:
            return durationText(m_store.durationMs(row));
        case SizeColumn:
            return sizeText(m_store.sizeBytes(row));
        case MessageColumn: {
            // One line per row: the detail pane shows the rest.
            QString text = m_store.message(row);
            const qsizetype newline = text.indexOf(u'\n');
            if (newline >= 0)
                text = text.left(newline) + QStringLiteral(" …");
            return text;
        }
        case ColumnCount:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == MessageColumn || index.column() == SessionColumn)
            return data(index, Qt::DisplayRole);
        if (index.column() == TimeColumn
            && m_store.timeMs(row) != std::numeric_limits<qint64>::min())
            return QDateTime::fromMSecsSinceEpoch(m_store.timeMs(row)).toString(Qt::ISODateWithMs);
        return {};
    case Qt::ForegroundRole:
        return levelForeground(m_store.level(row));
    case Qt::TextAlignmentRole:
        if (index.column() == DurationColumn || index.column() == SizeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SeqRole:
        return seqOfRow(int(row));
    case EntryIdRole:
        return m_store.id(row);
    case LevelRole:
        return int(m_store.level(row));
    case SessionRole:
        return m_store.session(row);
    case KindRole:
        return m_store.kind(row);
    case StatusRole:
        return m_store.status(row);
    case DetailJsonRole:
        return m_store.detailJson(row).toByteArray();
    }
    return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case TimeColumn:
        return tr("Time");
    case LevelColumn:
        return tr("Level");
    case CategoryColumn:
        return tr("Category");
    case DirectionColumn:
        return tr("Dir");
    case KindColumn:
        return tr("Kind");
    case SessionColumn:
        return tr("Session");
    case StatusColumn:
        return tr("Status");
    case DurationColumn:
        return tr("Duration");
    case SizeColumn:
        return tr("Size");
    case MessageColumn:
        return tr("Message");
    case ColumnCount:
        break;
    }
    return {};
}

void LogModel::setCapacity(qsizetype capacity)
{
    flush();
    capacity = std::max<qsizetype>(1, capacity);
    if (m_store.size() > capacity) {
        beginRemoveRows({}, 0, int(m_store.size() - capacity) - 1);
        m_store.setCapacity(capacity);
        endRemoveRows();
    } else {
        m_store.setCapacity(capacity);
    }
}

void LogModel::appendBatch(std::span<const logging::LogEntry> entries)
{
    if (!m_pending.empty())
        flush();
    // Of a batch larger than the whole buffer only the newest entries would survive.
    if (qsizetype(entries.size()) > m_store.capacity())
        entries = entries.last(std::size_t(m_store.capacity()));
    if (entries.empty())
        return;

    const qsizetype overflow = m_store.size() + qsizetype(entries.size()) - m_store.capacity();
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_store.evictFront(overflow);
        endRemoveRows();
    }
    const int first = int(m_store.size());
    beginInsertRows({}, first, first + int(entries.size()) - 1);
    m_store.append(entries);
    endInsertRows();
}

void LogModel::append(const logging::LogEntry &entry)
{
    m_pending.push_back(entry);
    if (qsizetype(m_pending.size()) >= kMaxPending)
        flush();
    else if (!m_coalesce.isActive())
        m_coalesce.start();
}

void LogModel::flush()
{
    m_coalesce.stop();
    if (m_pending.empty())
        return;
    std::vector<logging::LogEntry> pending;
    pending.swap(m_pending);
    appendBatch(pending);
}

void LogModel::clear()
{
    m_coalesce.stop();
    beginResetModel();
    m_pending.clear();
    m_store.clear();
    endResetModel();
}

int LogModel::rowOfSeq(quint64 seq) const
{
    if (seq < m_store.firstSeq() || seq >= m_store.endSeq())
        return -1;
    return int(seq - m_store.firstSeq());
}

QStringList LogModel::distinctValues(Column column) const
{
    if (column == SessionColumn) {
        QSet<QString> sessions;
        for (qsizetype row = 0; row < m_store.size(); ++row) {
            if (!m_store.session(row).isEmpty())
                sessions.insert(m_store.session(row));
        }
        QStringList values(sessions.cbegin(), sessions.cend());
        values.sort(Qt::CaseInsensitive);
        return values;
    }
    quint32 (LogStore::*field)(qsizetype) const = nullptr;
    switch (column) {
    case KindColumn:
        field = &LogStore::kindIndex;
        break;
    case StatusColumn:
        field = &LogStore::statusIndex;
        break;
    case CategoryColumn:
        field = &LogStore::categoryIndex;
        break;
    default:
        return {};
    }
    std::vector<bool> seen(std::size_t(m_store.poolSize()), false);
    QStringList values;
    for (qsizetype row = 0; row < m_store.size(); ++row) {
        const quint32 index = (m_store.*field)(row);
        if (index != 0 && !seen[index]) {
            seen[index] = true;
            values.append(m_store.pooledString(index));
        }
    }
    values.sort(Qt::CaseInsensitive);
    return values;
}

} // namespace ango::app
