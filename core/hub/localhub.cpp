#include "hub/localhub.h"

#include "hub/localhubprivate.h"
#include "hub/runpayload.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace ango::hub {

using nlohmann::json;

// ---- LocalHub ----

LocalHub::LocalHub(HubOptions options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(options)))
{
    qRegisterMetaType<ango::hub::ConnectedPlugin>();
    qRegisterMetaType<ango::hub::RunOutcome>();
}

LocalHub::~LocalHub()
{
    // Sessions first: their close signals reach into d.
    for (const auto &session : std::as_const(d->sessions))
        if (session)
            session->disconnect(this);
    qDeleteAll(d->sessions);
    d->sessions.clear();
}

const HubOptions &LocalHub::options() const
{
    return d->options;
}

Result<void> LocalHub::start(const QString &listen)
{
    const qsizetype colon = listen.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return makeError(QStringLiteral("listen address \"%1\" is not HOST:PORT").arg(listen));
    QString host = listen.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = listen.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return makeError(
            QStringLiteral("listen address \"%1\" has no valid port (0-65535)").arg(listen));
    QHostAddress address;
    if (host == QLatin1String("localhost"))
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(host))
        return makeError(
            QStringLiteral("listen address \"%1\": \"%2\" is not an IP address").arg(listen, host));
    return start(address, quint16(port));
}

Result<void> LocalHub::start(const QHostAddress &address, quint16 port)
{
    if (isListening())
        return makeError(
            QStringLiteral("the local hub is already listening on %1").arg(listenAddress()));
    if (!address.isLoopback() && !d->options.allowRemote)
        return makeError(
            QStringLiteral("refusing to listen on %1: not a loopback address, so the asset files, "
                           "the REST API and the plugin connection would be reachable from the "
                           "network; pass --allow-remote (HubOptions::allowRemote) to do so")
                .arg(address.toString()));
    HttpFrontLimits limits;
    limits.http.maxBodyBytes = d->options.maxRequestBody;
    limits.http.maxHeadBytes = qsizetype(d->options.maxRequestHead);
    limits.headerTimeout = d->options.headerTimeout;
    limits.idleTimeout = d->options.idleTimeout;
    limits.maxConnections = d->options.maxConnections;
    auto front = std::make_unique<HttpFront>(
        [this](const HttpRequest &request) { return d->onHttp(request); }, limits);
    if (auto started = front->start(address, port); !started)
        return started.error();
    connect(front.get(), &HttpFront::refused, this,
            [this](const QString &peer, int status, const QString &reason) {
                d->log(logging::Level::Warning, QStringLiteral("hub"), QStringLiteral("in"),
                       QStringLiteral("http"),
                       QStringLiteral("refused a request from %1 with %2: %3")
                           .arg(peer)
                           .arg(status)
                           .arg(reason));
            });
    connect(
        front.get(), &HttpFront::acceptFailed, this, [this](const QString &error, int retryInMs) {
            if (retryInMs < 0) {
                d->log(logging::Level::Warning, QStringLiteral("hub"), {}, QStringLiteral("listen"),
                       QStringLiteral("not accepting connections for now: %1; accepting "
                                      "again when one closes")
                           .arg(error));
                return;
            }
            d->log(logging::Level::Warning, QStringLiteral("hub"), {}, QStringLiteral("listen"),
                   QStringLiteral("cannot accept a connection: %1 (%2 open); accepting again "
                                  "in %3 ms")
                       .arg(error)
                       .arg(d->front ? d->front->openConnections() : 0)
                       .arg(retryInMs));
        });
    d->front = front.release();
    d->front->setParent(this);
    connect(d->front, &HttpFront::newWebSocket, this, [this] { d->acceptSockets(); });

    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(d->front->serverAddress().toString());
    url.setPort(d->front->serverPort());
    d->url = url;
    d->assets.setBaseUrl(url);
    d->rest->setBaseUrl(url);
    d->log(logging::Level::Info, QStringLiteral("hub"), {}, QStringLiteral("listen"),
           QStringLiteral("local hub listening on %1 (Socket.IO at %2/socket.io/, namespace "
                          "/plugin; REST at %2/v2/)")
               .arg(listenAddress(), url.toString()));
    if (!address.isLoopback())
        d->log(logging::Level::Warning, QStringLiteral("hub"), {}, QStringLiteral("listen"),
               QStringLiteral("listening on %1, not a loopback address (--allow-remote): anyone "
                              "who can reach it can fetch the asset files (%2/files/), call the "
                              "REST API (%2/v2/) with the run's apiKey and connect as a plugin "
                              "(%2/socket.io/)")
                   .arg(listenAddress(), url.toString()));
    return {};
}

void LocalHub::stop()
{
    if (!d->front)
        return;
    const auto sessions = d->sessions.values();
    for (const auto &session : sessions)
        if (session)
            session->close(QStringLiteral("the local hub stopped"));
    d->front->close();
    d->front->deleteLater();
    d->front = nullptr;
    d->log(logging::Level::Info, QStringLiteral("hub"), {}, QStringLiteral("listen"),
           QStringLiteral("local hub stopped"));
}

bool LocalHub::isListening() const
{
    return d->front != nullptr;
}

QUrl LocalHub::url() const
{
    return d->url;
}

QString LocalHub::listenAddress() const
{
    if (!d->url.isValid())
        return {};
    const QString host = d->url.host();
    return (host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host)
           + QLatin1Char(':') + QString::number(d->url.port());
}

void LocalHub::setPluginSecret(const QString &pluginId, const QString &secret)
{
    if (const QString old = d->secrets.value(pluginId); !old.isEmpty())
        d->redactor.removeSecret(old);
    d->secrets.insert(pluginId, secret);
    d->redactor.addSecret(secret);
}

void LocalHub::removePlugin(const QString &pluginId)
{
    d->redactor.removeSecret(d->secrets.take(pluginId));
}

QString LocalHub::apiKey() const
{
    return d->options.apiKey;
}

QMap<QString, QString> LocalHub::startEnvironment(const QString &pluginId) const
{
    const QString host = d->url.toString();
    return {{QStringLiteral("ANGO_HOST"), host},
            {QStringLiteral("ANGO_API_HOST"), host},
            {QStringLiteral("ANGO_PLUGIN_ID"), pluginId},
            {QStringLiteral("ANGO_PLUGIN_SECRET"), d->secrets.value(pluginId)}};
}

QString LocalHub::startCommand(const QString &pluginId, const QString &scriptPath,
                               bool revealSecret, const QString &pythonPath) const
{
    const auto quote = [](const QString &value) -> QString {
        static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:@%+=,-]+$"));
        if (plain.match(value).hasMatch())
            return value;
        QString quoted = value;
        quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
        return QLatin1Char('\'') + quoted + QLatin1Char('\'');
    };
    const auto environment = startEnvironment(pluginId);
    QStringList parts;
    if (!pythonPath.isEmpty()) // keeps the user's own PYTHONPATH entries after it
        parts << QStringLiteral("PYTHONPATH=") + quote(pythonPath)
                     + QStringLiteral("\"${PYTHONPATH:+:$PYTHONPATH}\"");
    for (const QString &name : {QStringLiteral("ANGO_HOST"), QStringLiteral("ANGO_API_HOST"),
                                QStringLiteral("ANGO_PLUGIN_ID")})
        parts << name + QLatin1Char('=') + quote(environment.value(name));
    parts << (revealSecret ? QStringLiteral("ANGO_PLUGIN_SECRET=")
                                 + quote(environment.value(QStringLiteral("ANGO_PLUGIN_SECRET")))
                           : QStringLiteral("ANGO_PLUGIN_SECRET=\"$ANGO_PLUGIN_SECRET\""));
    parts << QStringLiteral("python3") << quote(scriptPath);
    return parts.join(QLatin1Char(' '));
}

Result<HubAsset> LocalHub::addAsset(const QString &filePath)
{
    return d->assets.add(filePath);
}

QList<HubAsset> LocalHub::assets() const
{
    return d->assets.all();
}

QList<ConnectedPlugin> LocalHub::plugins() const
{
    return d->registry->all();
}

bool LocalHub::isLive(const QString &pluginId) const
{
    const auto target = d->registry->target(pluginId);
    return target && target->state == PluginState::Live;
}

Result<QString> LocalHub::sendRun(const QString &pluginId, const QString &assetId,
                                  const json &categorySchema, std::optional<QString> configJson,
                                  bool workflow)
{
    return sendRun(RunRequest{pluginId, assetId, categorySchema, std::move(configJson), workflow});
}

Result<QString> LocalHub::sendRun(const RunRequest &run)
{
    const auto target = d->registry->target(run.pluginId);
    if (!target)
        return makeError(
            QStringLiteral("plugin %1 is not connected (or has not sent a valid heartbeat yet)")
                .arg(run.pluginId));
    auto asset = d->assets.find(run.assetId);
    if (!asset && QFileInfo::exists(run.assetId)) {
        auto added = d->assets.add(run.assetId);
        if (!added)
            return added.error();
        asset = *added;
    }
    if (!asset)
        return makeError(
            QStringLiteral("no asset %1 on the local hub (nor an image file by that path)")
                .arg(run.assetId));
    SocketSession *socket = d->sessions.value(target->connectionId);
    if (!socket)
        return makeError(QStringLiteral("plugin %1's connection is gone").arg(run.pluginId));

    PayloadContext context;
    context.session = QStringLiteral("local-") + randomId(16);
    context.projectId = d->options.projectId;
    context.apiKey = d->options.apiKey;
    context.orgId = d->options.orgId;
    context.runBy = d->options.runBy;
    if (run.workflow)
        context.taskId = QStringLiteral("task-") + randomId(12);
    const json payload = buildPluginPayload(run, *asset, context);

    d->rest->setCategorySchema(run.categorySchema);
    if (run.workflow)
        d->rest->registerTask(context.taskId, asset->id);
    if (auto sent
        = socket->emitEvent(kPluginNamespace, QStringLiteral("plugin"), json::array({payload}));
        !sent)
        return makeError(QStringLiteral("cannot send the run to plugin %1: %2")
                             .arg(run.pluginId, sent.error().message));

    ActiveRun active;
    active.session = context.session;
    active.pluginId = run.pluginId;
    active.connectionId = target->connectionId;
    active.taskId = context.taskId;
    active.workflow = run.workflow;
    active.clock.start();
    d->runs.insert(context.session, active);
    if (run.workflow)
        d->taskRuns.insert(context.taskId, context.session);

    const json shown = d->redactor.redact(payload);
    d->log(logging::Level::Info, QStringLiteral("hub"), QStringLiteral("out"),
           QStringLiteral("plugin"),
           run.workflow ? QStringLiteral("workflow run sent to plugin %1 (task %2, asset %3)")
                              .arg(run.pluginId, context.taskId, asset->externalId)
                        : QStringLiteral("interactive run sent to plugin %1 (asset %2)")
                              .arg(run.pluginId, asset->externalId),
           context.session, shown);
    Q_EMIT runSent(context.session, run.pluginId, shown);
    return context.session;
}

void LocalHub::abandonRun(const QString &session)
{
    const ActiveRun run = d->runs.take(session);
    if (!run.taskId.isEmpty())
        d->taskRuns.remove(run.taskId);
}

int LocalHub::openConnections() const
{
    return d->front ? d->front->openConnections() : 0;
}

int LocalHub::runsInFlight() const
{
    return int(d->runs.size());
}

} // namespace ango::hub
