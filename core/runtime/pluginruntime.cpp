#include "runtime/pluginruntime_p.h"

#include "common/networkfault.h"
#include "runtime/resthubapi.h"
#include "runtime/socketiotransport.h"

namespace ango::runtime {

// ---------------------------------------------------------------------------------------------
// Setup and connection

void PluginRuntime::Private::createClients(RuntimeServices services)
{
    if (!services.transport) {
        socketio::ClientOptions clientOptions;
        clientOptions.url = options.hubUrl;
        clientOptions.reconnection = true;
        clientOptions.reconnectionDelay = options.reconnectDelay;
        clientOptions.reconnectionDelayMax = options.reconnectDelayMax;
        clientOptions.verifyTls = options.verifyTls;
        clientOptions.openTimeout = options.connectTimeout;
        clientOptions.maxQueuedEmits = kMaxOutbox;
        clientOptions.maxIncomingMessageBytes = options.maxIncomingMessageBytes;
        clientOptions.maxEventsBeforeConnect = options.maxEventsBeforeConnect;
        clientOptions.connectAckTimeout = options.connectAckTimeout;
        services.transport = std::make_unique<SocketIoTransport>(clientOptions);
    }
    if (!services.api) {
        rest::RetryPolicy restPolicy;
        restPolicy.callTimeout = options.restCallTimeout;
        restPolicy.maxResponseBytes = options.maxResponseBytes;
        services.api = std::make_unique<RestHubApi>(options.apiHost, restPolicy);
    }
    client = services.transport.release();
    client->setParent(q);
    rest = services.api.release();
    rest->setParent(q);

    QObject::connect(client, &HubTransport::stateChanged, q,
                     [this](HubTransport::State state) { onStateChanged(state); });
    QObject::connect(
        client, &HubTransport::reconnectScheduled, q, [this](int attempt, int delayMs) {
            if (stopping)
                return;
            status.reconnectAttempt = attempt;
            status.reconnectInMs = delayMs;
            status.reconnectAt = QDateTime::currentDateTimeUtc().addMSecs(delayMs);
            log(logging::Level::Info, QStringLiteral("hub"),
                QStringLiteral("reconnecting in %1 ms (attempt %2)").arg(delayMs).arg(attempt));
            statusTouched();
        });
    QObject::connect(client, &HubTransport::namespaceConnected, q, [this](const QString &nsp) {
        if (nsp == kNamespace)
            onNamespaceConnected(nsp);
    });
    QObject::connect(client, &HubTransport::namespaceConnectError, q,
                     [this](const QString &nsp, const QString &message) {
                         if (nsp != kNamespace)
                             return;
                         // In the words of every other connection failure; never the secret.
                         net::FaultContext context = net::FaultContext::of(options.hubUrl);
                         context.pluginId = options.pluginId;
                         context.detail = message;
                         status.lastError = net::describeNetworkFault(
                             net::NetworkFault::WrongCredentials, context);
                         log(logging::Level::Error, QStringLiteral("hub"), status.lastError);
                         onNamespaceLost(status.lastError);
                         scheduleRejoin();
                     });
    QObject::connect(client, &HubTransport::namespaceDisconnected, q,
                     [this](const QString &nsp, const QString &reason) {
                         if (nsp != kNamespace || stopped)
                             return;
                         onNamespaceLost(reason);
                         // The client reconnects after transport loss by itself, never after the
                         // server dropped the namespace: then it is our job to come back.
                         if (reason.startsWith(QLatin1String("io server disconnect"))) {
                             status.lastError = QStringLiteral("the hub closed %1").arg(nsp);
                             log(logging::Level::Warning, QStringLiteral("hub"), status.lastError);
                             scheduleRejoin();
                         }
                     });
    QObject::connect(client, &HubTransport::disconnected, q, [this](const QString &reason) {
        if (stopping)
            return; // expected, or irrelevant now
        status.lastError = status.connectedSince.isValid() || everConnected
                               ? QStringLiteral("connection lost: %1").arg(reason)
                               : QStringLiteral("cannot reach the hub at %1: %2")
                                     .arg(options.hubUrl.toString(QUrl::RemoveQuery), reason);
        log(logging::Level::Warning, QStringLiteral("hub"), status.lastError);
        statusTouched();
    });
    QObject::connect(client, &HubTransport::eventReceived, q,
                     [this](const QString &nsp, const QString &name, const json &args) {
                         onEvent(nsp, name, args);
                     });
    QObject::connect(client, &HubTransport::protocolError, q, [this](const QString &message) {
        status.lastError = QStringLiteral("protocol error: %1").arg(message);
        log(logging::Level::Error, QStringLiteral("hub"), status.lastError);
        statusTouched();
    });
    QObject::connect(
        client, &HubTransport::queueOverflow, q, [this](const QString &, const QString &event) {
            log(logging::Level::Error, QStringLiteral("hub"),
                QStringLiteral(
                    "the hub is unreachable and the send queue is full: a \"%1\" event was not "
                    "sent")
                    .arg(event));
        });
    QObject::connect(
        client, &HubTransport::emitFailed, q,
        [this](const QString &, const QString &event, const QString &message) {
            log(logging::Level::Error, QStringLiteral("hub"),
                QStringLiteral("a queued \"%1\" event could not be sent: %2").arg(event, message));
        });

    // A zero interval would spin; the SDK's 60 s is the fallback for nonsense values.
    if (options.heartbeatInterval.count() <= 0)
        options.heartbeatInterval = std::chrono::milliseconds{60000};
    heartbeatTimer.setInterval(options.heartbeatInterval);
    QObject::connect(&heartbeatTimer, &QTimer::timeout, q, [this] { sendHeartbeat(); });
    rejoinTimer.setSingleShot(true);
    QObject::connect(&rejoinTimer, &QTimer::timeout, q, [this] {
        if (stopping || stopped)
            return;
        log(logging::Level::Info, QStringLiteral("hub"),
            QStringLiteral("joining %1 again").arg(kNamespace));
        status.reconnectInMs = -1;
        status.reconnectAt = {};
        // A refused or server-closed namespace goes back to pending; open() starts a fresh
        // connection when the client closed it (no namespace was left).
        client->joinNamespace(kNamespace);
        if (client->state() == HubTransport::State::Disconnected)
            client->open();
        statusTouched();
    });
    drainTimer.setSingleShot(true);
    QObject::connect(&drainTimer, &QTimer::timeout, q, [this] {
        // The drain bound is over: whatever still runs is cancelled and answered.
        std::vector<quint64> ids;
        for (const auto &[id, request] : active)
            ids.push_back(id);
        for (const quint64 id : ids) {
            auto it = active.find(id);
            if (it == active.end())
                continue;
            if (it->second.delivering) {
                log(logging::Level::Warning, QStringLiteral("runtime"),
                    QStringLiteral(
                        "stopping while the delivery of this result is still in progress"),
                    it->second.target.session);
                finish(id);
                continue;
            }
            if (it->second.callId != 0 && callback)
                callback->cancel(it->second.callId);
            fail(id, QStringLiteral("the plugin stopped before the callback finished"));
        }
        finalizeStop();
    });
    monotonic.start();
    deadlineTimer.setSingleShot(true);
    deadlineTimer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&deadlineTimer, &QTimer::timeout, q, [this] { onDeadlineTimer(); });
    statusTimer.setSingleShot(true);
    statusTimer.setInterval(kStatusCoalesce);
    QObject::connect(&statusTimer, &QTimer::timeout, q,
                     [this] { Q_EMIT q->statusChanged(q->status()); });
    closeTimer.setSingleShot(true);
    QObject::connect(&closeTimer, &QTimer::timeout, q, [this] { markStopped(); });
}

void PluginRuntime::Private::onStateChanged(HubTransport::State state)
{
    switch (state) {
    case HubTransport::State::Disconnected:
        status.state = stopping ? ConnectionState::Stopping : ConnectionState::Reconnecting;
        if (stopping && closeTimer.isActive()) {
            closeTimer.stop();
            markStopped();
            return;
        }
        break;
    case HubTransport::State::Connecting:
        status.state = ConnectionState::Connecting;
        break;
    case HubTransport::State::Reconnecting:
        status.state = ConnectionState::Reconnecting;
        break;
    case HubTransport::State::Connected:
        // The transport is up; "connected" for us means /plugin joined.
        if (!client->isNamespaceConnected(kNamespace))
            status.state = ConnectionState::Connecting;
        break;
    }
    statusTouched();
}

void PluginRuntime::Private::onNamespaceConnected(const QString &nsp)
{
    rejoinAttempt = 0;
    rejoinTimer.stop();
    everConnected = true;
    status.state = ConnectionState::Connected;
    status.connectedSince = QDateTime::currentDateTimeUtc();
    status.reconnectAttempt = 0;
    status.reconnectInMs = -1;
    status.reconnectAt = {};
    log(logging::Level::Info, QStringLiteral("hub"),
        QStringLiteral("connected to %1 (namespace %2)")
            .arg(options.hubUrl.toString(QUrl::RemoveQuery), nsp));
    // As the SDK: one heartbeat at once on every (re)connect, then one per interval.
    sendHeartbeat();
    heartbeatTimer.start();
    flushOutbox();
    statusTouched();
}

void PluginRuntime::Private::onNamespaceLost(const QString &why)
{
    Q_UNUSED(why)
    heartbeatTimer.stop();
    status.connectedSince = {};
    if (!stopping && !stopped)
        status.state = ConnectionState::Reconnecting;
    statusTouched();
}

void PluginRuntime::Private::scheduleRejoin()
{
    if (stopping || stopped || rejoinTimer.isActive())
        return;
    const auto base = std::max<qint64>(options.reconnectDelay.count(), 1);
    const qint64 delay
        = std::min<qint64>(base << std::min(rejoinAttempt, 16),
                           std::max<qint64>(options.reconnectDelayMax.count(), base));
    ++rejoinAttempt;
    rejoinTimer.start(int(delay));
    status.reconnectAttempt = rejoinAttempt;
    status.reconnectInMs = int(delay);
    status.reconnectAt = QDateTime::currentDateTimeUtc().addMSecs(delay);
    log(logging::Level::Info, QStringLiteral("hub"),
        QStringLiteral("joining %1 again in %2 ms (attempt %3)")
            .arg(kNamespace)
            .arg(delay)
            .arg(rejoinAttempt));
    statusTouched();
}

void PluginRuntime::Private::sendHeartbeat()
{
    // Heartbeats are not queued while offline: a stale one tells the hub nothing.
    if (!client->isNamespaceConnected(kNamespace))
        return;
    const json beat
        = {{"id", options.pluginId.toStdString()}, {"secret", options.secret.toStdString()}};
    if (auto sent = client->emitEvent(kNamespace, QStringLiteral("heartbeat"), json::array({beat}));
        !sent) {
        status.lastError = QStringLiteral("heartbeat not sent: %1").arg(sent.error().message);
        log(logging::Level::Warning, QStringLiteral("hub"), status.lastError);
    } else {
        status.lastHeartbeat = QDateTime::currentDateTimeUtc();
        log(logging::Level::Debug, QStringLiteral("hub"), QStringLiteral("heartbeat"), {}, nullptr,
            QStringLiteral("out"), QStringLiteral("heartbeat"));
    }
    statusTouched();
}

// ---------------------------------------------------------------------------------------------
// Status and shutdown

void PluginRuntime::Private::statusTouched()
{
    if (!statusTimer.isActive())
        statusTimer.start();
}

void PluginRuntime::Private::checkDrained()
{
    if (!stopping || stopped || !active.empty() || closeTimer.isActive())
        return;
    drainTimer.stop();
    finalizeStop();
}

void PluginRuntime::Private::finalizeStop()
{
    if (stopped || closeTimer.isActive())
        return;
    heartbeatTimer.stop();
    rejoinTimer.stop();
    if (!outbox.empty())
        log(logging::Level::Warning, QStringLiteral("runtime"),
            QStringLiteral(
                "%1 events for the hub were never sent: it did not come back before the stop")
                .arg(outbox.size()));
    if (client && client->state() != HubTransport::State::Disconnected) {
        // The socket.io server dispatches events on the next tick and drops those that arrive
        // in the same read as a namespace DISCONNECT: the last responses would be lost if we
        // closed at once. Linger briefly, then close; stopped() waits for the socket to close.
        closeTimer.start(kCloseGrace);
        QTimer::singleShot(kCloseLinger, q, [this] { client->close(); });
        return;
    }
    markStopped();
}

void PluginRuntime::Private::markStopped()
{
    if (stopped)
        return;
    stopped = true;
    status.state = ConnectionState::Stopped;
    log(logging::Level::Info, QStringLiteral("runtime"), QStringLiteral("stopped"));
    statusTouched();
    // Queued, so a caller of stop() that reacts to stopped() is not re-entered.
    QTimer::singleShot(0, q, [this] { Q_EMIT q->stopped(); });
}

// ---------------------------------------------------------------------------------------------
// Public API

PluginRuntime::PluginRuntime(RuntimeOptions options, callbacks::Callback *callback, QObject *parent)
    : PluginRuntime(std::move(options), RuntimeServices{}, callback, parent)
{}

PluginRuntime::PluginRuntime(RuntimeOptions options, RuntimeServices services,
                             callbacks::Callback *callback, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(options), callback))
{
    qRegisterMetaType<ango::runtime::RuntimeStatus>();
    qRegisterMetaType<ango::runtime::RequestEvent>();
    qRegisterMetaType<ango::runtime::RequestResult>();
    d->redactor.addSecret(d->options.secret);
    d->createClients(std::move(services));
    d->watchCallback();
}

PluginRuntime::~PluginRuntime()
{
    // Late results are ignored (QPointer guards); the adapters may free what the calls hold.
    for (auto &[id, entry] : d->active) {
        if (entry.callId != 0 && d->callback)
            d->callback->cancel(entry.callId);
    }
    // The clients go before `d`: their last signals must not reach a half-destroyed runtime.
    QObject::disconnect(d->client, nullptr, this, nullptr);
    QObject::disconnect(d->rest, nullptr, this, nullptr);
    delete d->client;
    delete d->rest;
    d->client = nullptr;
    d->rest = nullptr;
}

const RuntimeOptions &PluginRuntime::options() const
{
    return d->options;
}

void PluginRuntime::setCallback(callbacks::Callback *callback)
{
    d->callback = callback;
    d->watchCallback();
}

callbacks::Callback *PluginRuntime::callback() const
{
    return d->callback;
}

void PluginRuntime::setReviewPolicy(ReviewPolicy policy)
{
    d->options.review = policy;
}

void PluginRuntime::setConcurrency(int interactive, int workflow)
{
    d->options.interactiveConcurrency = interactive;
    d->options.workflowConcurrency = workflow;
    d->queue.setLimits(interactive, workflow);
    d->pump();
}

void PluginRuntime::start()
{
    if (d->started)
        return;
    d->started = true;
    if (auto loaded = d->store.load(); !loaded) {
        d->status.lastError = loaded.error().message;
        d->log(logging::Level::Error, QStringLiteral("runtime"), loaded.error().message);
    } else if (!d->store.items().isEmpty()) {
        d->log(logging::Level::Info, QStringLiteral("runtime"),
               QStringLiteral("%1 held results waiting for review").arg(d->store.items().size()));
    }
    d->status.pending = int(d->store.items().size());
    if (!d->store.items().isEmpty())
        Q_EMIT pendingChanged();
    d->status.state = ConnectionState::Connecting;
    d->log(logging::Level::Info, QStringLiteral("runtime"),
           QStringLiteral(
               "plugin %1: connecting to %2 (REST %3), heartbeat every %4 s, %5 interactive / %6 "
               "workflow at a time, timeout %7 s, review %8")
               .arg(d->options.pluginId, d->options.hubUrl.toString(QUrl::RemoveQuery),
                    d->options.apiHost.toString(QUrl::RemoveQuery),
                    seconds(d->options.heartbeatInterval))
               .arg(d->options.interactiveConcurrency)
               .arg(d->options.workflowConcurrency)
               .arg(seconds(d->options.requestTimeout), d->options.review == ReviewPolicy::Hold
                                                            ? QStringLiteral("hold")
                                                            : QStringLiteral("auto")));
    d->client->joinNamespace(kNamespace);
    d->client->open();
    d->statusTouched();
}

void PluginRuntime::stop(std::chrono::milliseconds drainBound)
{
    if (d->stopping || d->stopped) {
        if (d->stopped)
            QTimer::singleShot(0, this, [this] { Q_EMIT stopped(); });
        return;
    }
    d->stopping = true;
    d->status.state = ConnectionState::Stopping;
    d->rejoinTimer.stop();
    const QList<QueuedRun> notRun = d->queue.takeAllQueued();
    d->log(
        logging::Level::Info, QStringLiteral("runtime"),
        QStringLiteral("stopping: %1 running, %2 queued (answered as not run); waiting up to %3 s")
            .arg(d->status.running)
            .arg(notRun.size())
            .arg(seconds(drainBound)));
    for (const QueuedRun &run : notRun)
        d->fail(run.requestId, QStringLiteral("the plugin stopped before running this request"));
    if (d->active.empty()) {
        d->finalizeStop();
        return;
    }
    d->drainTimer.start(drainBound);
}

bool PluginRuntime::isStopped() const
{
    return d->stopped;
}

RuntimeStatus PluginRuntime::status() const
{
    RuntimeStatus s = d->status;
    s.queued = d->queue.queuedCount();
    s.pending = int(d->store.items().size());
    return s;
}

quint64 PluginRuntime::runLocal(const json &payload, LocalDone done, quint64 replayOf)
{
    return d->accept(payload, true, std::move(done), replayOf);
}

quint64 PluginRuntime::reviewOutsideResult(const json &request, json result, LocalDone done)
{
    return d->acceptOutside(request, std::move(result), std::move(done));
}

Result<void> PluginRuntime::cancel(quint64 requestId, const QString &reason)
{
    auto it = d->active.find(requestId);
    if (it == d->active.end())
        return makeError(
            QStringLiteral("request %1 is not running (finished or unknown)").arg(requestId));
    ActiveRequest &entry = it->second;
    if (entry.delivering)
        return makeError(QStringLiteral("request %1 is being delivered already").arg(requestId));
    if (entry.callId != 0) {
        d->stage(entry.target, RequestStage::CallbackFinished, false, entry.clock.elapsed(),
                 QStringLiteral("cancelled"));
        if (d->callback)
            d->callback->cancel(entry.callId);
    } else if (!d->queue.removeQueued(requestId)) {
        return makeError(QStringLiteral("request %1 is not running (its result is held for "
                                        "review: discard it there)")
                             .arg(requestId));
    }
    d->fail(requestId, reason);
    d->pump();
    return {};
}

QList<PendingResult> PluginRuntime::pendingResults() const
{
    return d->store.items();
}

Result<void> PluginRuntime::approve(const QString &pendingId)
{
    return d->approve(pendingId, std::nullopt);
}

Result<void> PluginRuntime::approveEdited(const QString &pendingId, const json &editedResult)
{
    return d->approve(pendingId, editedResult);
}

Result<void> PluginRuntime::discard(const QString &pendingId)
{
    return d->discard(pendingId);
}

Result<void> PluginRuntime::setPendingApiKey(const QString &pendingId, const QString &apiKey)
{
    if (!d->store.find(pendingId))
        return makeError(QStringLiteral("no pending result with id %1").arg(pendingId));
    if (apiKey.isEmpty())
        return makeError(QStringLiteral("the apiKey is empty"));
    d->rememberApiKey(apiKey);
    d->pendingApiKeys.insert(pendingId, apiKey);
    return {};
}

bool PluginRuntime::pendingHasApiKey(const QString &pendingId) const
{
    return d->pendingApiKeys.contains(pendingId);
}

HubTransport *PluginRuntime::transport() const
{
    return d->client;
}

rest::RestClient *PluginRuntime::restClient() const
{
    const auto *api = qobject_cast<RestHubApi *>(d->rest);
    return api ? api->client() : nullptr;
}

} // namespace ango::runtime
