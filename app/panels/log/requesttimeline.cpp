#include "requesttimeline.h"

#include <QColor>

namespace ango::app {

QString requestStepName(RequestStep step)
{
    switch (step) {
    case RequestStep::Request:
        return QObject::tr("Request");
    case RequestStep::Callback:
        return QObject::tr("Callback");
    case RequestStep::Result:
        return QObject::tr("Result");
    case RequestStep::Validation:
        return QObject::tr("Validation");
    case RequestStep::Delivery:
        return QObject::tr("Delivery");
    case RequestStep::Other:
        return QObject::tr("Other");
    }
    return {};
}

RequestStep requestStepOf(const logging::LogEntry &entry)
{
    const QString kind = entry.kind.toLower();
    if (entry.category == u"request") {
        if (kind == u"received" || kind == u"queued" || kind == u"dropped")
            return RequestStep::Request;
        if (kind == u"callback started")
            return RequestStep::Callback;
        if (kind == u"callback finished")
            return RequestStep::Result;
        if (kind == u"validated")
            return RequestStep::Validation;
        if (kind == u"held" || kind == u"delivered" || kind == u"failed")
            return RequestStep::Delivery;
        return RequestStep::Other;
    }
    if (entry.direction == u"in" && kind == u"plugin")
        return RequestStep::Request;
    if (entry.category == u"plugin" || entry.category == u"callback")
        return RequestStep::Callback;
    if (entry.category == u"validation" || entry.message.startsWith(u"result problem"))
        return RequestStep::Validation;
    if (entry.message.startsWith(u"result held for review"))
        return RequestStep::Delivery;
    if (entry.direction == u"out" && (kind == u"response" || entry.category == u"rest"))
        return RequestStep::Delivery;
    return RequestStep::Other;
}

bool isFailure(const logging::LogEntry &entry)
{
    if (entry.level == logging::Level::Error)
        return true;
    const QString status = entry.status.toLower();
    if (status == u"failed" || status == u"error" || status == u"timeout")
        return true;
    bool numeric = false;
    const int code = status.toInt(&numeric);
    return numeric && code >= 400;
}

RequestTimelineModel::RequestTimelineModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

RequestTimelineModel::Item RequestTimelineModel::itemFrom(quint64 seq,
                                                          const logging::LogEntry &entry)
{
    Item item;
    item.seq = seq;
    item.timeMs = entry.time.isValid() ? entry.time.toMSecsSinceEpoch() : 0;
    item.step = requestStepOf(entry);
    item.failed = isFailure(entry);
    item.kind = entry.kind;
    item.status = entry.status;
    item.durationMs = entry.durationMs;
    item.message = entry.message.section(u'\n', 0, 0);
    return item;
}

void RequestTimelineModel::setSession(const QString &session,
                                      const QList<std::pair<quint64, logging::LogEntry>> &entries)
{
    beginResetModel();
    m_session = session;
    m_items.clear();
    for (const auto &[seq, entry] : entries) {
        if (m_items.size() == kMaxItems)
            break;
        m_items.append(itemFrom(seq, entry));
    }
    endResetModel();
    Q_EMIT stepsChanged();
}

void RequestTimelineModel::appendEntries(
    const QList<std::pair<quint64, logging::LogEntry>> &entries)
{
    QList<Item> added;
    for (const auto &[seq, entry] : entries) {
        if (!m_session.isEmpty() && entry.session == m_session
            && m_items.size() + added.size() < kMaxItems) {
            added.append(itemFrom(seq, entry));
        }
    }
    if (added.isEmpty())
        return;
    beginInsertRows({}, int(m_items.size()), int(m_items.size() + added.size()) - 1);
    m_items.append(added);
    endInsertRows();
    Q_EMIT stepsChanged();
}

void RequestTimelineModel::clear()
{
    setSession(QString(), {});
}

RequestTimelineModel::StepState RequestTimelineModel::stepState(RequestStep step) const
{
    StepState state = StepState::NotReached;
    for (const Item &item : m_items) {
        if (item.step != step)
            continue;
        if (item.failed)
            return StepState::Failed;
        state = StepState::Reached;
    }
    return state;
}

int RequestTimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int RequestTimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestTimelineModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Item &item = m_items.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case StepColumn:
            return requestStepName(item.step);
        case OffsetColumn:
            return QStringLiteral("+%1 ms").arg(item.timeMs - m_items.first().timeMs);
        case KindColumn:
            return item.kind;
        case StatusColumn:
            return item.status;
        case DurationColumn:
            return item.durationMs >= 0 ? QStringLiteral("%1 ms").arg(item.durationMs) : QString();
        case MessageColumn:
            return item.message;
        case ColumnCount:
            break;
        }
        return {};
    case Qt::ForegroundRole:
        return item.failed ? QVariant(QColor(0xd0, 0x30, 0x30)) : QVariant();
    case StepRole:
        return int(item.step);
    case SeqRole:
        return item.seq;
    case FailedRole:
        return item.failed;
    }
    return {};
}

QVariant RequestTimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case StepColumn:
        return tr("Step");
    case OffsetColumn:
        return tr("At");
    case KindColumn:
        return tr("Kind");
    case StatusColumn:
        return tr("Status");
    case DurationColumn:
        return tr("Duration");
    case MessageColumn:
        return tr("Message");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ango::app
