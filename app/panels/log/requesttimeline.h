#pragma once

#include "logging/logentry.h"
#include "runtime/run.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <array>

namespace ango::runtime {
class RunRegistry;
}

namespace ango::app {

// The steps of one plugin request, in the order the runtime goes through them.
enum class RequestStep { Request, Callback, Result, Validation, Delivery, Other };
inline constexpr std::array kRequestSteps{RequestStep::Request, RequestStep::Callback,
                                          RequestStep::Result, RequestStep::Validation,
                                          RequestStep::Delivery};
QString requestStepName(RequestStep step);

// The step a typed stage of a run belongs to.
RequestStep requestStepOf(runtime::RequestStage stage);
// Log lines only add context to the steps (which come from the runs' typed stages, never from
// log text): lines of the author's code (category "plugin"/"callback") belong to the callback,
// the rest is "other".
RequestStep requestStepOf(const logging::LogEntry &entry);
// An error level, or a status that says so ("failed", "error", "timeout", HTTP >= 400).
bool isFailure(const logging::LogEntry &entry);

// One session as it happened: the typed stages of its runs (request → callback → result →
// validation → delivery, a replay marked as such) merged by time with the session's log lines.
// Fed by the log panel with the selected session's runs and entries. The log's own "request"
// entries (its copy of the stages) are left out.
class RequestTimelineModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestTimelineModel)

public:
    enum Column {
        StepColumn,
        OffsetColumn,
        KindColumn,
        StatusColumn,
        DurationColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role { StepRole = Qt::UserRole + 1, SeqRole, FailedRole };
    enum class StepState { NotReached, Reached, Failed };

    static constexpr int kMaxItems = 2000; // a session is tens of entries; this bounds a flood

    explicit RequestTimelineModel(QObject *parent = nullptr);

    QString session() const { return m_session; }
    // entries: (seq, entry) pairs of one session, oldest first.
    void setSession(const QString &session,
                    const QList<std::pair<quint64, logging::LogEntry>> &entries);
    // Adds entries of the current session (others are ignored).
    void appendEntries(const QList<std::pair<quint64, logging::LogEntry>> &entries);
    // Where the typed stages come from: the runs of the session are shown with its entries,
    // and their new stages as they happen.
    void setRunRegistry(runtime::RunRegistry *runs);
    void clear();

    StepState stepState(RequestStep step) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

Q_SIGNALS:
    void stepsChanged();

private:
    struct Item
    {
        quint64 seq = 0;
        qint64 timeMs = 0;
        RequestStep step = RequestStep::Other;
        bool failed = false;
        QString kind;
        QString status;
        qint64 durationMs = -1;
        QString message;
    };
    static Item itemFrom(quint64 seq, const logging::LogEntry &entry);
    static Item itemFrom(const runtime::Run &run, const runtime::RunStage &stage);
    static bool shows(const logging::LogEntry &entry);
    void appendStage(quint64 runId, const runtime::RunStage &stage);

    QString m_session;
    QList<Item> m_items;
    QPointer<runtime::RunRegistry> m_runs;
};

} // namespace ango::app
