#pragma once

#include "logging/logentry.h"

#include <QAbstractTableModel>

#include <array>

namespace ango::app {

// The steps of one plugin request, in the order the runtime goes through them.
enum class RequestStep { Request, Callback, Result, Validation, Delivery, Other };
inline constexpr std::array kRequestSteps{RequestStep::Request, RequestStep::Callback,
                                          RequestStep::Result, RequestStep::Validation,
                                          RequestStep::Delivery};
QString requestStepName(RequestStep step);

// Which step a log entry documents. Exact for category "request" entries, whose kind is the
// runtime's stage name (runtime::stageName: "received", "callback started", "callback
// finished", "validated", "held", "delivered", "failed"...); otherwise read from the runtime's
// conventions: an incoming "plugin" event is the request, category "plugin"/"callback" lines
// come from the author's code, "result problem" lines from validation, an outgoing "response"
// or a REST call (annotate) is the delivery.
RequestStep requestStepOf(const logging::LogEntry &entry);
// An error level, or a status that says so ("failed", "error", "timeout", HTTP >= 400).
bool isFailure(const logging::LogEntry &entry);

// The log entries of one session, each with its step: request → callback → result →
// validation → delivery. Fed by the log panel with the entries of the selected session.
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

    QString m_session;
    QList<Item> m_items;
};

} // namespace ango::app
