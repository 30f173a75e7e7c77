#include "consolecontroller.h"

#include "callbacks/callbackfactory.h"
#include "hub/hubtypes.h"
#include "panels/connection/connectionprofile.h"
#include "rest/restclient.h"
#include "runtime/pluginruntime.h"
#include "runtime/run.h"
#include "runtime/runregistry.h"

#include <QDateTime>
#include <QHash>
#include <QPointer>

namespace ango::app {

ConsoleController::ConsoleController(QString pendingStorePath, QObject *parent)
    : QObject(parent)
    , m_pendingStorePath(std::move(pendingStorePath))
    , m_runs(new runtime::RunRegistry(this))
{
    connect(m_runs, &runtime::RunRegistry::localRunFinished, this,
            [this](quint64, const runtime::LocalRunResult &outcome) {
                Q_EMIT localRunFinished(outcome);
            });
    connect(m_runs, &runtime::RunRegistry::localRunCancelled, this,
            &ConsoleController::localRunCancelled);
    rebuildRuntime(runtime::RuntimeOptions{}, false);
}

ConsoleController::~ConsoleController()
{
    // The runtime refers to the callback: it goes first.
    m_runtime.reset();
}

Result<void> ConsoleController::useCallback(const QString &spec, const QVariantMap &options)
{
    QVariantMap withHost = options;
    withHost.insert(QStringLiteral("apiHost"), m_runtime->options().apiHost);
    withHost.insert(QStringLiteral("concurrency"), m_runtime->options().interactiveConcurrency);
    auto made = callbacks::createCallback(spec, withHost);
    if (!made) {
        note(logging::Level::Error,
             tr("Callback %1 not usable: %2").arg(spec, made.error().message));
        return made.error();
    }
    std::unique_ptr<callbacks::Callback> previous = std::move(m_callback);
    m_callback = std::move(*made);
    m_callbackSpec = spec;
    // Its output lines reach the log through the runtime, once, with their run's session.
    m_runtime->setCallback(m_callback.get());
    note(logging::Level::Info, tr("Callback: %1").arg(m_callback->describe()));
    Q_EMIT callbackChanged(m_callback.get());
    if (previous)
        previous.release()->deleteLater(); // it may be inside one of its own signals
    return {};
}

callbacks::Callback *ConsoleController::callback() const
{
    return m_callback.get();
}

void ConsoleController::setReviewPolicy(runtime::ReviewPolicy policy)
{
    m_review = policy;
    m_runtime->setReviewPolicy(policy);
}

void ConsoleController::connectToHub(const ConnectionProfile &profile, const QString &secret)
{
    runtime::RuntimeOptions options;
    options.pluginId = profile.pluginId;
    options.secret = secret;
    options.hubUrl = profile.hubUrl;
    options.apiHost = profile.apiHost;
    addSecret(secret);
    rebuildRuntime(std::move(options), true);
}

void ConsoleController::disconnectFromHub()
{
    if (!isConnected())
        return;
    runtime::PluginRuntime *current = m_runtime.get();
    connect(current, &runtime::PluginRuntime::stopped, this, [this, current] {
        if (m_runtime.get() == current)
            rebuildRuntime(runtime::RuntimeOptions{}, false);
    });
    current->stop();
}

bool ConsoleController::isConnected() const
{
    return m_runtime->status().state != runtime::ConnectionState::Stopped;
}

quint64 ConsoleController::runLocal(const nlohmann::json &payload)
{
    rememberApiKey(payload);
    return m_runs->startLocal(payload);
}

Result<quint64> ConsoleController::replay(quint64 runId, std::optional<nlohmann::json> request)
{
    return m_runs->replay(runId, std::move(request));
}

void ConsoleController::cancelLocalRun()
{
    m_runs->cancelAwaited(tr("cancelled in the console"));
}

quint64 ConsoleController::localRunId() const
{
    return m_runs->awaited();
}

nlohmann::json ConsoleController::withKnownApiKey(nlohmann::json payload) const
{
    auto key = payload.find("apiKey");
    if (key == payload.end() || !key->is_string())
        return payload;
    const QString recorded = QString::fromStdString(key->get<std::string>());
    for (auto it = m_apiKeys.crbegin(); it != m_apiKeys.crend(); ++it) {
        if (logging::mask(*it) == recorded) {
            *key = it->toStdString();
            break;
        }
    }
    return payload;
}

void ConsoleController::rememberApiKey(const nlohmann::json &payload)
{
    auto key = payload.find("apiKey");
    if (key == payload.end() || !key->is_string())
        return;
    const QString apiKey = QString::fromStdString(key->get<std::string>());
    if (apiKey.size() < logging::kMinSecretLength || apiKey.startsWith(QStringLiteral("***")))
        return;
    addSecret(apiKey);
    m_apiKeys.removeAll(apiKey);
    m_apiKeys.append(apiKey);
    constexpr qsizetype kMaxKeys = 16;
    if (m_apiKeys.size() > kMaxKeys)
        m_apiKeys.removeFirst();
}

rest::RestClient *ConsoleController::consoleRest(const QUrl &apiHost)
{
    if (rest::RestClient *known = m_consoleRest.value(apiHost))
        return known;
    auto *client = new rest::RestClient(apiHost, this);
    logRestTraffic(client);
    m_consoleRest.insert(apiHost, client);
    return client;
}

void ConsoleController::reviewLocalHubOutcome(const hub::RunOutcome &outcome,
                                              const QString &imagePath,
                                              const nlohmann::json &categorySchema,
                                              std::function<void(const hub::RunOutcome &)> show)
{
    if (!outcome.ok) {
        show(outcome);
        return;
    }
    // A workflow run's annotate body wraps the answer; an interactive response is the result.
    nlohmann::json result = outcome.result;
    if (outcome.workflow) {
        const auto answer = result.is_object() ? result.find("answer") : result.end();
        result = answer != result.end() ? *answer : nlohmann::json();
    }
    // What Review needs of the request: the mapping to check against and the image to show.
    nlohmann::json request = {{"session", outcome.session.toStdString()},
                              {"categorySchema", categorySchema},
                              {"dataURL", QUrl::fromLocalFile(imagePath).toString().toStdString()}};
    if (outcome.workflow) {
        request["workflow"] = true;
        request["taskId"] = outcome.taskId.toStdString();
    }
    m_runs->reviewOutside(request, std::move(result),
                          [outcome, show = std::move(show)](const runtime::LocalRunResult &done) {
                              hub::RunOutcome shown = outcome;
                              if (!done.error.isEmpty()) {
                                  shown.ok = false;
                                  shown.error = done.error;
                              } else {
                                  shown.result = outcome.workflow
                                                     ? nlohmann::json{{"answer", done.result}}
                                                     : done.result;
                              }
                              show(shown);
                          });
}

void ConsoleController::lookUpAsset(const QUrl &apiHost, const QString &apiKey,
                                    const rest::AssetQuery &query,
                                    std::function<void(Result<nlohmann::json>)> done)
{
    addSecret(apiKey);
    consoleRest(apiHost)->getAsset(apiKey, query, std::move(done));
}

void ConsoleController::fetchProject(const QUrl &apiHost, const QString &apiKey,
                                     const QString &projectId,
                                     std::function<void(Result<nlohmann::json>)> done)
{
    addSecret(apiKey);
    consoleRest(apiHost)->getProject(apiKey, projectId, std::move(done));
}

void ConsoleController::fetchAssetImage(const nlohmann::json &payload,
                                        std::function<void(Result<QByteArray>)> done,
                                        const QUrl &apiHost)
{
    auto text = [&payload](const char *key) { return runtime::textField(payload, key); };
    const QString apiKey = text("apiKey");
    rest::RestClient *rest = apiHost.isEmpty() ? m_runtime->restClient() : consoleRest(apiHost);
    const QUrl dataUrl(text("dataURL"));
    if (dataUrl.isValid() && !dataUrl.scheme().isEmpty()) {
        rest->fetchBytes(apiKey, dataUrl, std::move(done));
        return;
    }
    rest::AssetQuery query;
    query.projectId = text("projectId");
    query.assetId = text("assetId");
    query.externalId = text("externalId");
    if (query.projectId.isEmpty() || (query.assetId.isEmpty() && query.externalId.isEmpty())) {
        done(makeError(tr("the request names no image (no dataURL, no assetId)")));
        return;
    }
    QPointer<rest::RestClient> client(rest);
    rest->getAsset(apiKey, query,
                   [client, apiKey, done = std::move(done)](Result<nlohmann::json> asset) mutable {
                       if (!asset) {
                           done(asset.error());
                           return;
                       }
                       const auto data = asset->find("data");
                       if (!client || data == asset->end() || !data->is_string()) {
                           done(makeError(tr("the asset has no data URL")));
                           return;
                       }
                       client->fetchBytes(apiKey,
                                          QUrl(QString::fromStdString(data->get<std::string>())),
                                          std::move(done));
                   });
}

void ConsoleController::addSecret(const QString &secret)
{
    m_redactor.addSecret(secret);
}

void ConsoleController::rebuildRuntime(runtime::RuntimeOptions options, bool start)
{
    if (m_runtime)
        m_runtime.release()->deleteLater(); // may be inside its own stopped() signal
    options.review = m_review;
    options.pendingStorePath = m_pendingStorePath;
    m_runtime = std::make_unique<runtime::PluginRuntime>(std::move(options), m_callback.get());
    runtime::PluginRuntime *rt = m_runtime.get();
    m_runs->observe(rt);
    connect(rt, &runtime::PluginRuntime::logged, this, &ConsoleController::logged);
    connect(rt, &runtime::PluginRuntime::statusChanged, this, &ConsoleController::statusChanged);
    connect(rt, &runtime::PluginRuntime::requestProgressed, this,
            [this](const runtime::RequestEvent &event) {
                logProgress(event);
                Q_EMIT requestProgressed(event);
            });
    connect(rt, &runtime::PluginRuntime::resultReady, this,
            [this](const runtime::RequestResult &result) {
                if (!result.local)
                    rememberApiKey(result.request);
                Q_EMIT resultReady(result);
            });
    logRestTraffic(rt->restClient());
    connect(rt, &runtime::PluginRuntime::pendingChanged, this, &ConsoleController::pendingChanged);
    if (start)
        rt->start();
    Q_EMIT statusChanged(rt->status());
    Q_EMIT pendingChanged();
}

void ConsoleController::note(logging::Level level, const QString &message)
{
    logging::LogEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.level = level;
    entry.category = QStringLiteral("console");
    entry.message = message;
    Q_EMIT logged(logging::redactEntry(m_redactor, std::move(entry)));
}

// One "request" entry per stage: the log panel's timeline reads request → callback → result →
// validation → delivery from these kinds (runtime::stageName).
void ConsoleController::logProgress(const runtime::RequestEvent &event)
{
    const bool failed = event.stage == runtime::RequestStage::Failed || !event.ok;
    logging::LogEntry entry;
    entry.time = event.time.isValid() ? event.time.toUTC() : QDateTime::currentDateTimeUtc();
    entry.level = event.stage == runtime::RequestStage::Failed ? logging::Level::Error
                  : failed                                     ? logging::Level::Warning
                                                               : logging::Level::Info;
    entry.category = QStringLiteral("request");
    entry.kind = runtime::stageName(event.stage);
    entry.session = event.session;
    entry.status = failed ? QStringLiteral("failed") : QStringLiteral("ok");
    entry.durationMs = event.durationMs;
    entry.message = tr("%1 request %2: %3")
                        .arg(event.local      ? tr("local")
                             : event.workflow ? tr("workflow")
                                              : tr("hub"))
                        .arg(event.requestId)
                        .arg(entry.kind);
    if (!event.detail.isEmpty())
        entry.message += QStringLiteral(" (") + event.detail + QLatin1Char(')');
    Q_EMIT logged(logging::redactEntry(m_redactor, std::move(entry)));
}

// Every REST call the console makes, one entry per attempt, in the log.
void ConsoleController::logRestTraffic(rest::RestClient *client)
{
    struct Started
    {
        QString method;
        QString url;
        int attempt = 1;
    };
    auto started = std::make_shared<QHash<quint64, Started>>();
    connect(client, &rest::RestClient::requestStarted, this,
            [started](quint64 id, const QString &method, const QUrl &url, int attempt) {
                started->insert(id, Started{method, url.toString(), attempt});
            });
    connect(client, &rest::RestClient::requestFinished, this,
            [this, started](quint64 id, int httpStatus, qint64 durationMs, qint64 bytes,
                            const QString &error) {
                const Started call = started->take(id);
                logging::LogEntry entry;
                entry.time = QDateTime::currentDateTimeUtc();
                entry.level = error.isEmpty() ? logging::Level::Info : logging::Level::Warning;
                entry.category = QStringLiteral("rest");
                entry.direction = QStringLiteral("out");
                entry.kind = call.method;
                entry.status
                    = httpStatus > 0 ? QString::number(httpStatus) : QStringLiteral("error");
                entry.durationMs = durationMs;
                entry.sizeBytes = bytes;
                entry.message = call.method + QLatin1Char(' ') + call.url;
                if (call.attempt > 1)
                    entry.message += tr(" (attempt %1)").arg(call.attempt);
                if (!error.isEmpty())
                    entry.message += QStringLiteral(": ") + error;
                Q_EMIT logged(logging::redactEntry(m_redactor, std::move(entry)));
            });
}

} // namespace ango::app
