#include "requesttimeline.h"

#include "runtime/runregistry.h"

#include <QColor>

#include <algorithm>

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

RequestStep requestStepOf(runtime::RequestStage stage)
{
    switch (stage) {
    case runtime::RequestStage::Received:
    case runtime::RequestStage::Queued:
    case runtime::RequestStage::Dropped:
        return RequestStep::Request;
    case runtime::RequestStage::CallbackStarted:
        return RequestStep::Callback;
    case runtime::RequestStage::CallbackFinished:
        return RequestStep::Result;
    case runtime::RequestStage::Validated:
        return RequestStep::Validation;
    case runtime::RequestStage::Held:
    case runtime::RequestStage::Delivered:
    case runtime::RequestStage::Failed:
    case runtime::RequestStage::Discarded:
        return RequestStep::Delivery;
    }
    return RequestStep::Other;
}

RequestStep requestStepOf(const logging::LogEntry &entry)
{
    if (entry.category == u"plugin" || entry.category == u"callback")
        return RequestStep::Callback;
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

RequestTimelineModel::Item RequestTimelineModel::itemFrom(const runtime::Run &run,
                                                          const runtime::RunStage &stage)
{
    Item item;
    item.timeMs = stage.time.isValid() ? stage.time.toMSecsSinceEpoch() : 0;
    item.step = requestStepOf(stage.stage);
    item.failed = !stage.ok || stage.stage == runtime::RequestStage::Failed;
    item.kind = runtime::stageName(stage.stage);
    item.status = item.failed ? QStringLiteral("failed") : QStringLiteral("ok");
    item.durationMs = stage.durationMs;
    item.message = run.source == runtime::RunSource::Replay
                       ? tr("replay of run %1").arg(run.replayOf)
                             + (stage.detail.isEmpty() ? QString() : QStringLiteral(": "))
                             + stage.detail
                       : stage.detail;
    return item;
}

bool RequestTimelineModel::shows(const logging::LogEntry &entry)
{
    return entry.category != u"request"; // the log's copy of the typed stages
}

void RequestTimelineModel::setRunRegistry(runtime::RunRegistry *runs)
{
    if (m_runs)
        disconnect(m_runs, nullptr, this, nullptr);
    m_runs = runs;
    if (runs)
        connect(runs, &runtime::RunRegistry::runChanged, this, &RequestTimelineModel::appendStage);
    setSession(m_session, {});
}

void RequestTimelineModel::appendStage(quint64 runId, const runtime::RunStage &stage)
{
    const runtime::Run *run = m_runs ? m_runs->run(runId) : nullptr;
    if (!run || m_session.isEmpty() || run->session != m_session || m_items.size() >= kMaxItems)
        return;
    beginInsertRows({}, int(m_items.size()), int(m_items.size()));
    m_items.append(itemFrom(*run, stage));
    endInsertRows();
    Q_EMIT stepsChanged();
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
        if (shows(entry))
            m_items.append(itemFrom(seq, entry));
    }
    if (m_runs) {
        for (const runtime::Run *run : m_runs->runsOfSession(session))
            for (const runtime::RunStage &stage : run->stages)
                if (m_items.size() < kMaxItems)
                    m_items.append(itemFrom(*run, stage));
        std::stable_sort(m_items.begin(), m_items.end(),
                         [](const Item &a, const Item &b) { return a.timeMs < b.timeMs; });
    }
    endResetModel();
    Q_EMIT stepsChanged();
}

void RequestTimelineModel::appendEntries(
    const QList<std::pair<quint64, logging::LogEntry>> &entries)
{
    QList<Item> added;
    for (const auto &[seq, entry] : entries) {
        if (!m_session.isEmpty() && entry.session == m_session && shows(entry)
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
