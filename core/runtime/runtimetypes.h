#pragma once

#include "annotation/annotation.h"
#include "logging/logentry.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <vector>

// Value types of the plugin runtime's API: options, status and per-request progress.
namespace ango::runtime {

enum class ReviewPolicy { Auto, Hold };

struct RuntimeOptions
{
    QString pluginId;
    QString secret;
    QUrl hubUrl{QStringLiteral("https://plugin.imerit.ango.ai")};
    QUrl apiHost{QStringLiteral("https://imeritapi.ango.ai")};
    std::chrono::milliseconds heartbeatInterval{60000};
    int interactiveConcurrency = 4;
    int workflowConcurrency = 1; // the SDK's behaviour; above 1 keeps the order per task
    std::chrono::milliseconds requestTimeout{120000}; // from arrival, time in the queue included
    // Hub requests waiting for a slot at most; beyond it a request is answered "busy" at once.
    int maxQueuedRequests = 1000;
    ReviewPolicy review = ReviewPolicy::Auto;
    QString pendingStorePath; // empty: held results live in memory only
    // Transport reconnection (after a lost connection) and re-joining /plugin after the hub
    // refused or dropped the namespace.
    std::chrono::milliseconds reconnectDelay{1000};
    std::chrono::milliseconds reconnectDelayMax{5000};
    // How long one connection attempt may take (TCP, TLS, WebSocket and Engine.IO handshakes)
    // before it is abandoned and retried: a hub that accepts but never answers must not stall us.
    std::chrono::milliseconds connectTimeout{20000};
    bool verifyTls = true;
    // Limits on what the hub and the REST API may send; each refusal names its option. See
    // socketio::ClientOptions and rest::RetryPolicy for what each one covers.
    qint64 maxIncomingMessageBytes = 100LL * 1024 * 1024;
    int maxEventsBeforeConnect = 1000;
    std::chrono::milliseconds connectAckTimeout{20000};
    std::chrono::milliseconds restCallTimeout{60000};
    qint64 maxResponseBytes = 256LL * 1024 * 1024;
    // Log entries below this level are not even built (the runner's LOGLEVEL); the GUI keeps all.
    logging::Level minimumLogLevel = logging::Level::Debug;
};

enum class ConnectionState { Stopped, Connecting, Connected, Reconnecting, Stopping };

struct RuntimeStatus
{
    ConnectionState state = ConnectionState::Stopped;
    int reconnectAttempt = 0;
    int reconnectInMs = -1;  // delay of the scheduled attempt; -1: none scheduled
    QDateTime reconnectAt;   // when it fires (invalid: none)
    QDateTime lastHeartbeat; // invalid: none sent yet
    QDateTime connectedSince;
    QString lastError;
    int running = 0; // callbacks running
    int queued = 0;  // waiting for a slot
    int pending = 0; // held for review
    quint64 received = 0;
    quint64 delivered = 0;
    quint64 failed = 0;
};

enum class RequestStage {
    Received, // a `plugin` event (or a local run) arrived
    Dropped,  // not answerable (malformed) or a duplicate of a session in flight
    Queued,   // waiting for a concurrency slot
    CallbackStarted,
    CallbackFinished, // ok or not: see `ok`
    Validated,        // the result was read and checked; detail = problem count
    Held,             // waiting in the review gate; detail = pending id
    Delivered,        // response emitted / annotate accepted / local result returned
    Failed,           // an error response was sent (interactive) or logged (workflow)
    Discarded,        // the reviewer discarded the held result; the hub got an error response
};

struct RequestEvent
{
    quint64 requestId = 0;
    QString session;
    RequestStage stage = RequestStage::Received;
    QDateTime time;
    bool workflow = false;
    bool local = false; // runLocal(), not from the hub
    bool ok = true;
    qint64 durationMs = -1; // callback duration at CallbackFinished, total at Delivered/Failed
    QString detail;
    quint64 replayOf = 0; // a local run that re-sends the request of this run
    // At Received: the payload as received (apiKey included: keep it out of logs and files).
    nlohmann::json request;
};

struct LocalRunResult
{
    quint64 requestId = 0;
    QString error;         // empty on success: why the run failed otherwise
    nlohmann::json result; // the callback's result as returned (null when it failed)
    std::optional<annotation::Answer> answer; // the result normalised
    std::vector<annotation::Problem> problems;
    qint64 durationMs = -1;
};

// A callback's result once read and checked, before delivery or review: what views such as the
// preview show for runs that users start on the hub.
struct RequestResult
{
    quint64 requestId = 0;
    QString session;
    bool workflow = false;
    bool local = false;
    nlohmann::json request; // the payload as received; apiKey included, so redact before showing
    nlohmann::json result;  // as the callback returned it
    annotation::Answer answer;
    std::vector<annotation::Problem> problems;
};

QString stageName(RequestStage stage);
QString connectionStateName(ConnectionState state);

} // namespace ango::runtime

Q_DECLARE_METATYPE(ango::runtime::RuntimeStatus)
Q_DECLARE_METATYPE(ango::runtime::RequestEvent)
Q_DECLARE_METATYPE(ango::runtime::RequestResult)
Q_DECLARE_METATYPE(ango::runtime::LocalRunResult)
