#include "hub/localhubprivate.h"

#include "hub/printable.h"
#include "hub/runpayload.h"
#include "socketio/client.h"

#include <QUrlQuery>
#include <QWebSocket>

namespace ango::hub {

using nlohmann::json;

namespace {

QString fromJsonString(const json &value)
{
    return value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString();
}

// The SDK's PluginLogger levels ("INFO", "WARNING", ...) as the console's.
logging::Level pluginLevel(const json &payload)
{
    const QString name = fromJsonString(payload.value("level", json())).toLower();
    if (name == QLatin1String("critical") || name == QLatin1String("fatal"))
        return logging::Level::Error;
    if (name == QLatin1String("warn"))
        return logging::Level::Warning;
    return logging::levelFromName(name).value_or(logging::Level::Info);
}

} // namespace

LocalHub::Private::Private(LocalHub *q, HubOptions hubOptions)
    : q(q)
    , options(std::move(hubOptions))
{
    if (options.apiKey.isEmpty())
        options.apiKey = QStringLiteral("local-") + randomId(32);
    redactor.addSecret(options.apiKey);

    rest = new RestApi(&assets, q);
    rest->setApiKey(options.apiKey);
    rest->setProjectId(options.projectId);
    rest->setMaxUploadBytes(options.maxUploadBytes);
    QObject::connect(rest, &RestApi::logged, q,
                     [this](const logging::LogEntry &entry) { emitLog(entry); });
    QObject::connect(rest, &RestApi::annotated, q, [this](const QString &taskId, const json &body) {
        onAnnotated(taskId, body);
    });
    QObject::connect(rest, &RestApi::pluginLogPosted, q, [this](const json &body) {
        onPluginLog(body, QStringLiteral("POST /v2/pluginLog"));
    });
    QObject::connect(rest, &RestApi::pluginResponsePosted, q, [this](const json &body) {
        onResponse(body, QStringLiteral("POST /v2/pluginResponse"));
    });
    QObject::connect(rest, &RestApi::labelsImported, q, [this](const json &body) {
        Q_EMIT this->q->labelsImported(redactor.redact(body));
    });

    registry = new PluginRegistry(options.staleAfter, q);
    QObject::connect(registry, &PluginRegistry::added, q, [this](const ConnectedPlugin &plugin) {
        Q_EMIT this->q->pluginConnected(plugin);
    });
    QObject::connect(registry, &PluginRegistry::changed, q, [this](const ConnectedPlugin &plugin) {
        if (plugin.state == PluginState::Stale)
            log(logging::Level::Warning, QStringLiteral("hub"), {}, QStringLiteral("heartbeat"),
                QStringLiteral("plugin %1 is stale: no heartbeat for %2 s")
                    .arg(plugin.pluginId)
                    .arg(double(options.staleAfter.count()) / 1000.0));
        Q_EMIT this->q->pluginChanged(plugin);
        if (plugin.state == PluginState::Refused)
            Q_EMIT this->q->pluginRefused(plugin);
    });
    QObject::connect(registry, &PluginRegistry::removed, q, [this](const ConnectedPlugin &plugin) {
        Q_EMIT this->q->pluginDisconnected(plugin);
    });
}

void LocalHub::Private::log(logging::Level level, const QString &category, const QString &direction,
                            const QString &kind, const QString &message, const QString &session,
                            json detail)
{
    logging::LogEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.level = level;
    entry.category = category;
    entry.direction = direction;
    entry.kind = kind;
    entry.session = session;
    entry.message = message;
    entry.detail = std::move(detail);
    emitLog(std::move(entry));
}

void LocalHub::Private::emitLog(logging::LogEntry entry)
{
    // Paths, queries, ids and event names in these lines come from whoever connects.
    entry.message = printable(entry.message);
    entry.kind = printable(entry.kind);
    Q_EMIT q->logged(logging::redactEntry(redactor, std::move(entry)));
}

HttpReply LocalHub::Private::onHttp(const HttpRequest &request)
{
    if (request.path == QLatin1String("/socket.io/") || request.path == QLatin1String("/socket.io"))
        return onPolling(request);
    return rest->handle(request);
}

void LocalHub::Private::acceptSockets()
{
    while (auto socket = front->nextWebSocket())
        accept(std::move(socket));
}

void LocalHub::Private::accept(std::unique_ptr<QWebSocket> socket)
{
    if (!socket)
        return;
    const QUrl requestUrl = socket->requestUrl();
    const QUrlQuery query(requestUrl);
    const QString peer
        = QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
    QString problem;
    if (requestUrl.path() != QLatin1String("/socket.io/"))
        problem = QStringLiteral("WebSocket to %1 refused: Socket.IO lives at /socket.io/")
                      .arg(requestUrl.path());
    else if (query.queryItemValue(QStringLiteral("EIO")) != QLatin1String("4"))
        problem = QStringLiteral(
                      "WebSocket refused: Engine.IO version \"%1\" is not supported (EIO=4 only: "
                      "python-socketio 5.x, socket.io-client 3.x/4.x)")
                      .arg(query.queryItemValue(QStringLiteral("EIO")));
    else if (query.queryItemValue(QStringLiteral("transport")) != QLatin1String("websocket"))
        problem = QStringLiteral("WebSocket refused: transport must be \"websocket\"");
    else if (const QString sid = query.queryItemValue(QStringLiteral("sid")); !sid.isEmpty()) {
        SocketSession *polling = sessions.value(sid);
        if (polling && polling->isPolling()) {
            log(logging::Level::Debug, QStringLiteral("hub"), QStringLiteral("in"),
                QStringLiteral("upgrade"),
                QStringLiteral("connection %1 probes the websocket upgrade").arg(sid));
            polling->upgrade(std::move(socket));
            return;
        }
        problem
            = QStringLiteral("WebSocket refused: no long-polling session %1 to upgrade (unknown, "
                             "closed or already upgraded)")
                  .arg(sid);
    }
    if (!problem.isEmpty()) {
        log(logging::Level::Warning, QStringLiteral("hub"), QStringLiteral("in"),
            QStringLiteral("connect"), problem + QStringLiteral(" (from %1)").arg(peer));
        QWebSocket *raw = socket.release();
        QObject::connect(raw, &QWebSocket::disconnected, raw, &QObject::deleteLater);
        // Queued: QWebSocketServer is still reading the handshake when it hands the socket over.
        QMetaObject::invokeMethod(
            raw,
            [raw, problem] {
                raw->close(QWebSocketProtocol::CloseCodeProtocolError, problem.left(80));
            },
            Qt::QueuedConnection);
        return;
    }

    adopt(new SocketSession(std::move(socket), sessionLimits(), q));
}

SessionLimits LocalHub::Private::sessionLimits() const
{
    SessionLimits limits;
    limits.pingInterval = options.pingInterval;
    limits.pingTimeout = options.pingTimeout;
    limits.connectTimeout = options.connectTimeout;
    limits.maxPayload = options.maxPayload;
    limits.namespaces = {QStringLiteral("/"), kPluginNamespace};
    return limits;
}

// Engine.IO long-polling: the handshake GET opens a session; GET and POST with its sid carry
// the packets until the client upgrades to a WebSocket (accept()).
HttpReply LocalHub::Private::onPolling(const HttpRequest &request)
{
    const auto refuse = [&](int code, const QString &message) {
        log(logging::Level::Warning, QStringLiteral("hub"), QStringLiteral("in"),
            QString::fromLatin1(request.method),
            QStringLiteral("refused an Engine.IO request from %1 (%2): %3")
                .arg(request.peer, request.displayQuery(), message));
        HttpReply reply = jsonReply(400, json{{"code", code}, {"message", message.toStdString()}});
        reply.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
        return reply;
    };
    if (request.queryValue(QStringLiteral("EIO")) != QLatin1String("4"))
        return refuse(5, QStringLiteral("Unsupported protocol version: EIO=4 only (python-socketio "
                                        "5.x, socket.io-client 3.x/4.x)"));
    if (request.queryValue(QStringLiteral("transport")) != QLatin1String("polling"))
        return refuse(0, QStringLiteral("Transport unknown"));
    const QString sid = request.queryValue(QStringLiteral("sid"));
    if (sid.isEmpty()) {
        if (request.method != "GET")
            return refuse(2, QStringLiteral("Bad handshake method"));
        auto *session = new SocketSession(
            request.peer, QString::fromUtf8(request.header("User-Agent")), sessionLimits(), q);
        adopt(session);
        return session->handlePoll(request);
    }
    SocketSession *session = sessions.value(sid);
    if (!session)
        return refuse(1, QStringLiteral("Session ID unknown"));
    if (request.method == "GET")
        return session->handlePoll(request);
    if (request.method == "POST")
        return session->handlePost(request);
    return refuse(3, QStringLiteral("Bad request: long-polling uses GET and POST"));
}

void LocalHub::Private::adopt(SocketSession *session)
{
    const QString sid = session->sid();
    sessions.insert(sid, session);

    QObject::connect(
        session, &SocketSession::namespaceJoined, q,
        [this, session](const QString &nsp, const json &) {
            if (nsp != kPluginNamespace)
                return;
            registry->add(session->sid(), session->peer(), session->userAgent());
            log(logging::Level::Info, QStringLiteral("hub"), QStringLiteral("in"),
                QStringLiteral("connect"),
                QStringLiteral(
                    "a plugin joined %1 from %2 (connection %3%4); waiting for its heartbeat")
                    .arg(nsp, session->peer(), session->sid(),
                         session->userAgent().isEmpty()
                             ? QString()
                             : QStringLiteral(", ") + session->userAgent()));
        });
    QObject::connect(session, &SocketSession::namespaceLeft, q,
                     [this, session](const QString &nsp, const QString &reason) {
                         if (nsp == kPluginNamespace)
                             onConnectionGone(session->sid(), reason);
                     });
    QObject::connect(session, &SocketSession::namespaceRefused, q,
                     [this, session](const QString &nsp) {
                         log(logging::Level::Warning, QStringLiteral("hub"), QStringLiteral("in"),
                             QStringLiteral("connect"),
                             QStringLiteral("%1 tried to join %2: the hub serves %3 (CONNECT_ERROR "
                                            "\"Invalid namespace\" sent)")
                                 .arg(session->peer(), nsp, kPluginNamespace));
                     });
    QObject::connect(session, &SocketSession::eventReceived, q,
                     [this, session](const socketio::Event &event) { onEvent(session, event); });
    QObject::connect(
        session, &SocketSession::closed, q,
        [this, session, sid](const QString &reason, bool fault) {
            const QString plugin = connectionPlugins.take(sid);
            const QString who = plugin.isEmpty()
                                    ? session->peer()
                                    : QStringLiteral("plugin %1 (%2)").arg(plugin, session->peer());
            log(fault ? logging::Level::Error : logging::Level::Info, QStringLiteral("hub"), {},
                QStringLiteral("disconnect"),
                fault ? QStringLiteral("dropped the connection of %1: %2").arg(who, reason)
                      : QStringLiteral("connection of %1 closed: %2").arg(who, reason));
            onConnectionGone(sid, reason);
            sessions.remove(sid);
            session->deleteLater();
        });
    log(logging::Level::Debug, QStringLiteral("hub"), QStringLiteral("in"),
        QStringLiteral("connect"),
        QStringLiteral("Engine.IO connection %1 from %2 (%3)")
            .arg(sid, session->peer(),
                 session->isPolling() ? QStringLiteral("long-polling")
                                      : QStringLiteral("websocket")));
    session->open();
}

void LocalHub::Private::onEvent(SocketSession *session, const socketio::Event &event)
{
    if (event.nsp != kPluginNamespace || !session->isJoined(kPluginNamespace)) {
        log(logging::Level::Debug, QStringLiteral("hub"), QStringLiteral("in"), event.name,
            QStringLiteral("ignored \"%1\" on %2 from %3: not a joined /plugin connection")
                .arg(event.name, event.nsp, session->peer()));
        return;
    }
    const json first = event.args.empty() ? json() : event.args.front();
    if (event.name == QLatin1String("heartbeat")) {
        onHeartbeat(session, first);
    } else if (event.name == QLatin1String("response")) {
        onResponse(first, QStringLiteral("response event"));
    } else if (event.name == QLatin1String("log")) {
        onPluginLog(first, QStringLiteral("log event"));
    } else {
        log(logging::Level::Warning, QStringLiteral("hub"), QStringLiteral("in"), event.name,
            QStringLiteral(
                "unexpected event \"%1\" from %2: the hub only reads heartbeat, response and log")
                .arg(event.name, session->peer()),
            {}, redactor.redact(event.args));
    }
}

void LocalHub::Private::onHeartbeat(SocketSession *session, const json &beat)
{
    const QString sid = session->sid();
    QString pluginId;
    QString refusal;
    if (beat.is_string()) {
        pluginId = fromJsonString(beat);
        refusal = QStringLiteral(
            "heartbeat without a secret (the earliest SDK's form): send {\"id\", \"secret\"}");
    } else if (!beat.is_object() || !beat.value("id", json()).is_string()) {
        refusal = QStringLiteral("malformed heartbeat: expected {\"id\", \"secret\"}");
    } else {
        pluginId = fromJsonString(beat["id"]);
        const QString secret = fromJsonString(beat.value("secret", json()));
        // The reply goes to whoever connected: it must not tell a stranger which id to use.
        if (!secrets.contains(pluginId))
            refusal = QStringLiteral("unknown plugin id \"%1\": this local hub does not serve it")
                          .arg(pluginId);
        else if (secret != secrets.value(pluginId))
            refusal = QStringLiteral("wrong secret for plugin %1").arg(pluginId);
    }

    if (!refusal.isEmpty()) {
        // A CONNECT_ERROR on the joined namespace: python-socketio logs "Connection to namespace
        // /plugin was rejected" and drops it, so its next heartbeat fails and the SDK exits; the
        // JS client fires connect_error. Either way no run is ever sent to it.
        session->refuse(kPluginNamespace, json{{"message", refusal.toStdString()},
                                               {"data", {{"pluginId", pluginId.toStdString()}}}});
        log(logging::Level::Error, QStringLiteral("hub"), QStringLiteral("in"),
            QStringLiteral("heartbeat"),
            QStringLiteral("refused the plugin on %1: %2").arg(session->peer(), refusal));
        // Kept in the list as refused (with the reason) until its connection closes.
        connectionPlugins.insert(sid, pluginId);
        registry->refuse(sid, pluginId, refusal);
        failRunsOf(sid, refusal);
        return;
    }

    connectionPlugins.insert(sid, pluginId);
    const auto before = registry->find(sid);
    // Logged before the registry says so: whoever listens may send a run at once.
    if (before && before->state != PluginState::Live)
        log(logging::Level::Info, QStringLiteral("hub"), QStringLiteral("in"),
            QStringLiteral("heartbeat"),
            QStringLiteral("plugin %1 is live (%2)").arg(pluginId, session->peer()));
    else
        log(logging::Level::Debug, QStringLiteral("hub"), QStringLiteral("in"),
            QStringLiteral("heartbeat"), QStringLiteral("heartbeat from plugin %1").arg(pluginId));
    registry->heartbeat(sid, pluginId);
}

void LocalHub::Private::onResponse(const json &payload, const QString &via)
{
    const QString session
        = payload.is_object() ? fromJsonString(payload.value("session", json())) : QString();
    const auto it = runs.constFind(session);
    if (it == runs.cend()) {
        log(logging::Level::Warning, QStringLiteral("hub"), QStringLiteral("in"),
            QStringLiteral("response"),
            session.isEmpty()
                ? QStringLiteral("%1 without a session: the SDK echoes the run's session").arg(via)
                : QStringLiteral("%1 for session %2, which is not a run in flight")
                      .arg(via, session),
            session, redactor.redact(payload));
        return;
    }
    const bool error = payload.value("error", json(false)) == json(true);
    log(error ? logging::Level::Error : logging::Level::Info, QStringLiteral("hub"),
        QStringLiteral("in"), QStringLiteral("response"),
        error ? QStringLiteral("the plugin reported an error for the run (%1)").arg(via)
              : QStringLiteral("response received (%1)").arg(via),
        session, redactor.redact(payload));
    if (error) {
        QString message = QStringLiteral("the plugin reported an error");
        if (const QString detail = fromJsonString(payload.value("message", json()));
            !detail.isEmpty())
            message += QStringLiteral(": ") + detail;
        finishRun(session, false, message, json(), payload);
        return;
    }
    if (it->workflow) {
        log(logging::Level::Warning, QStringLiteral("hub"), QStringLiteral("in"),
            QStringLiteral("response"),
            QStringLiteral(
                "a workflow run answers with POST /v2/annotate/%1, not a response: still waiting")
                .arg(it->taskId),
            session);
        return;
    }
    finishRun(session, true, {}, payload.value("response", json()), payload);
}

void LocalHub::Private::onPluginLog(const json &payload, const QString &via)
{
    if (!payload.is_object()) {
        log(logging::Level::Warning, QStringLiteral("plugin"), QStringLiteral("in"),
            QStringLiteral("log"), QStringLiteral("%1 whose payload is not an object").arg(via));
        return;
    }
    logging::LogEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.level = pluginLevel(payload);
    entry.category = QStringLiteral("plugin");
    entry.direction = QStringLiteral("in");
    entry.kind = QStringLiteral("log");
    entry.session = fromJsonString(payload.value("session", json()));
    const json msg = payload.value("msg", json());
    entry.message
        = msg.is_string() ? fromJsonString(msg) : QString::fromStdString(socketio::dumpJson(msg));
    entry.detail = payload;
    entry = logging::redactEntry(redactor, std::move(entry));
    Q_EMIT q->pluginLogged(entry.session, entry);
    Q_EMIT q->logged(entry);
}

void LocalHub::Private::onAnnotated(const QString &taskId, const json &body)
{
    const QString session = taskRuns.value(taskId);
    if (session.isEmpty() || !runs.contains(session))
        return; // RestApi logged it; a plugin may annotate tasks on its own
    finishRun(session, true, {}, body, body);
}

void LocalHub::Private::onConnectionGone(const QString &connectionId, const QString &reason)
{
    registry->remove(connectionId);
    failRunsOf(connectionId, reason);
}

void LocalHub::Private::failRunsOf(const QString &connectionId, const QString &reason)
{
    QStringList orphans;
    for (const ActiveRun &run : std::as_const(runs))
        if (run.connectionId == connectionId)
            orphans.append(run.session);
    for (const QString &session : orphans)
        finishRun(
            session, false,
            QStringLiteral("the plugin's connection went away before it answered: %1").arg(reason),
            json(), json());
}

void LocalHub::Private::finishRun(const QString &session, bool ok, const QString &error,
                                  json result, json message)
{
    const ActiveRun run = runs.take(session);
    if (run.session.isEmpty())
        return;
    if (!run.taskId.isEmpty())
        taskRuns.remove(run.taskId);
    RunOutcome outcome;
    outcome.session = session;
    outcome.taskId = run.taskId;
    outcome.workflow = run.workflow;
    outcome.ok = ok;
    outcome.error = error;
    // The plugin's own output, as it sent it: this is what --once prints and the review shows.
    outcome.result = std::move(result);
    outcome.message = std::move(message);
    outcome.durationMs = run.clock.elapsed();
    if (!ok)
        log(logging::Level::Error, QStringLiteral("hub"), {}, QStringLiteral("run"),
            QStringLiteral("run failed: %1").arg(error), session);
    Q_EMIT q->runFinished(outcome);
}

} // namespace ango::hub
