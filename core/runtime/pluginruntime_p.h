#pragma once

// The runtime's internals, shared by its source files (pluginruntime.cpp: connection, status,
// public API; requestflow.cpp: requests and delivery; reviewgate.cpp; pluginlogger.cpp).

#include "runtime/pluginruntime.h"

#include "annotation/annotation.h"
#include "logging/redact.h"
#include "runtime/dispatchqueue.h"
#include "runtime/pluginrequest.h"
#include "runtime/run.h"

#include <QElapsedTimer>
#include <QMetaMethod>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <map>
#include <optional>

namespace ango::runtime {

using nlohmann::json;

namespace detail {

inline const QString kNamespace = QStringLiteral("/plugin");
inline constexpr int kMaxRememberedApiKeys = 64;
inline constexpr int kMaxOutbox = 10000;
inline constexpr int kMaxProblemsLogged = 10;
inline constexpr std::chrono::milliseconds kStatusCoalesce{20};
inline constexpr std::chrono::milliseconds kCloseGrace{2000};
inline constexpr std::chrono::milliseconds kCloseLinger{200};

inline QString seconds(std::chrono::milliseconds duration)
{
    return QString::number(double(duration.count()) / 1000.0, 'g', 6);
}

} // namespace detail

using namespace detail;

// Who gets the outcome of a run and how the plugin logger tags its lines. Kept separately from
// the request so held results can be delivered after a restart.
struct DeliveryTarget
{
    quint64 requestId = 0;
    QString session;
    json sessionValue;
    bool workflow = false;
    bool local = false;
    QString taskId;
    QString orgId;
    QString runBy;
    quint64 replayOf = 0;

    // Whom the request names (its session, task, organisation, user).
    void fillFrom(const PluginRequest &request)
    {
        session = request.session;
        sessionValue = request.sessionValue;
        workflow = request.workflow;
        taskId = request.taskId;
        orgId = request.orgId;
        runBy = request.runBy;
    }
};

struct ActiveRequest
{
    DeliveryTarget target;
    PluginRequest request;
    PluginRuntime::LocalDone localDone;
    QElapsedTimer clock;
    quint64 callId = 0; // the running callback call; 0 when none
    // Its entry in Private::deadlines while the callback runs (one timer for all requests: a
    // QTimer each costs an allocation and a posted deletion per request).
    std::optional<std::multimap<qint64, quint64>::iterator> deadline;
    bool holdsSlot = false;
    bool delivering = false;
    qint64 callbackMs = -1;
};

class PluginRuntime::Private
{
public:
    Private(PluginRuntime *q, RuntimeOptions options, callbacks::Callback *callback)
        : q(q)
        , options(std::move(options))
        , callback(callback)
        , queue(this->options.interactiveConcurrency, this->options.workflowConcurrency)
        , store(this->options.pendingStorePath)
    {
        queue.setMaxQueued(this->options.maxQueuedRequests);
    }

    // Setup and connection
    void createClients(RuntimeServices services);
    void onStateChanged(HubTransport::State state);
    void onNamespaceConnected(const QString &nsp);
    void onNamespaceLost(const QString &why);
    void scheduleRejoin();
    void sendHeartbeat();

    // Requests
    void onEvent(const QString &nsp, const QString &name, const json &args);
    quint64 accept(const json &payload, bool local, LocalDone localDone, quint64 replayOf = 0);
    void pump();
    void startRun(quint64 id);
    void onCallbackDone(quint64 id, quint64 callId, Result<json> result);
    void onTimeout(quint64 id);
    void armDeadline(ActiveRequest &entry);
    void clearDeadline(ActiveRequest &entry);
    void onDeadlineTimer();
    void startDeadlineTimer(qint64 at, qint64 now);
    void onResult(ActiveRequest &active, json result);
    void deliver(quint64 id, json result, const annotation::Answer &answer);
    void fail(quint64 id, const QString &message);
    void finish(quint64 id);
    void releaseSlot(ActiveRequest &active);

    // Delivery shared by live runs and approved pending results
    Result<void> send(const QString &event, json payload, const QString &session);
    void flushOutbox();
    Result<void> emitResponse(const DeliveryTarget &target, json result);
    void emitError(const DeliveryTarget &target, const QString &message);
    void annotate(const DeliveryTarget &target, const QString &apiKey,
                  const annotation::Answer &answer, std::function<void(Result<void>)> done);

    // Review gate
    void hold(ActiveRequest &active, json result, const std::vector<annotation::Problem> &problems);
    quint64 acceptOutside(const json &payload, json result, LocalDone done);
    Result<void> approve(const QString &pendingId, std::optional<json> edited);
    Result<void> discard(const QString &pendingId);
    void pendingTouched();

    // Logging
    void log(logging::Level level, const QString &category, const QString &message,
             const QString &session = {}, json detail = nullptr, const QString &direction = {},
             const QString &kind = {});
    // Hot paths skip building messages nobody will see (the runner's LOGLEVEL).
    bool wants(logging::Level level) const { return level >= options.minimumLogLevel; }
    // Results are copied for resultReady() only while someone listens (the runner does not).
    bool resultsObserved() const
    {
        static const QMetaMethod signal = QMetaMethod::fromSignal(&PluginRuntime::resultReady);
        return q->isSignalConnected(signal);
    }
    void pluginLog(const DeliveryTarget &target, callbacks::LogLevel level, const QString &message);
    void rememberApiKey(const QString &apiKey);
    void watchCallback();
    void stage(const DeliveryTarget &target, RequestStage stage, bool ok = true,
               qint64 durationMs = -1, const QString &detail = {}, const json &request = {});

    // Status and shutdown
    void statusTouched();
    void checkDrained();
    void finalizeStop();
    void markStopped();

    PluginRuntime *q;
    RuntimeOptions options;
    QPointer<callbacks::Callback> callback;
    QMetaObject::Connection callbackOutput;
    QMetaObject::Connection callbackState;
    HubTransport *client = nullptr; // owned; deleted before the rest of Private
    HubApi *rest = nullptr;         // owned; likewise
    QTimer heartbeatTimer;
    QTimer rejoinTimer;
    QTimer drainTimer;
    QTimer statusTimer;
    QTimer closeTimer;
    QTimer deadlineTimer;
    QElapsedTimer monotonic;
    std::multimap<qint64, quint64> deadlines; // ms on `monotonic` → request id
    qint64 deadlineTimerAt = 0;               // when deadlineTimer is due, while it is active
    int rejoinAttempt = 0;

    DispatchQueue queue;
    PendingStore store;
    QHash<QString, QString> pendingApiKeys;
    // Local runs held for review: whom their outcome goes to once approved or discarded.
    struct HeldLocal
    {
        LocalDone done;
        qint64 callbackMs = -1;
    };
    QHash<QString, HeldLocal> heldLocal;
    // The sessions of recent callback calls, so an adapter's output line (which may arrive
    // just after its call's result) is logged with its run.
    std::deque<std::pair<quint64, QString>> recentCalls;
    static constexpr std::size_t kMaxRecentCalls = 256;
    QString sessionOfCall(quint64 callId) const;
    logging::Redactor redactor;
    QStringList rememberedApiKeys;

    // Events the client refused while the hub had closed or refused /plugin (the client queues
    // by itself only while the transport is down); sent in order once /plugin is back.
    struct OutboxEntry
    {
        QString event;
        json payload;
        QString session;
    };
    std::deque<OutboxEntry> outbox;

    std::map<quint64, ActiveRequest> active;
    QHash<QString, quint64> sessionsInFlight;
    RuntimeStatus status;
    quint64 nextRequestId = 0;
    quint64 nextCallId = 0;
    quint64 nextLogId = 0;
    bool started = false;
    bool everConnected = false;
    bool stopping = false;
    bool stopped = false;
};

} // namespace ango::runtime
