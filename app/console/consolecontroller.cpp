#include "consolecontroller.h"

#include "callbacks/callbackfactory.h"
#include "panels/connection/connectionprofile.h"
#include "runtime/pluginruntime.h"

#include <QDateTime>

namespace ango::app {

ConsoleController::ConsoleController(QString pendingStorePath, QObject *parent)
    : QObject(parent)
    , m_pendingStorePath(std::move(pendingStorePath))
{
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
        note(logging::Level::Error, tr("Callback %1 not usable: %2").arg(spec, made.error().message));
        return made.error();
    }
    std::unique_ptr<callbacks::Callback> previous = std::move(m_callback);
    m_callback = std::move(*made);
    m_callbackSpec = spec;
    connect(m_callback.get(), &callbacks::Callback::outputLine, this,
            [this](const QString &line, bool isError) {
                logging::LogEntry entry;
                entry.time = QDateTime::currentDateTimeUtc();
                entry.level = isError ? logging::Level::Warning : logging::Level::Info;
                entry.category = QStringLiteral("callback");
                entry.kind = isError ? QStringLiteral("stderr") : QStringLiteral("stdout");
                entry.message = line;
                Q_EMIT logged(logging::redactEntry(m_redactor, std::move(entry)));
            });
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
    if (auto key = payload.find("apiKey"); key != payload.end() && key->is_string())
        addSecret(QString::fromStdString(key->get<std::string>()));
    // A C++ callback answers before runLocal() returns: the id is only known afterwards.
    const quint64 id = m_runtime->runLocal(payload, [this](runtime::LocalRunResult outcome) {
        if (m_cancelledRuns.remove(outcome.requestId))
            return; // the GUI no longer waits for it
        m_lastFinished = outcome.requestId;
        if (outcome.requestId == m_localRun)
            m_localRun = 0;
        Q_EMIT localRunFinished(outcome);
    });
    if (m_lastFinished != id)
        m_localRun = id;
    return id;
}

void ConsoleController::cancelLocalRun()
{
    if (m_localRun == 0)
        return;
    // The run goes on in the runtime until its timeout; the console stops waiting for it.
    note(logging::Level::Warning, tr("Run %1 cancelled: its result will be ignored").arg(m_localRun));
    m_cancelledRuns.insert(m_localRun);
    runtime::LocalRunResult cancelled;
    cancelled.requestId = m_localRun;
    cancelled.error = tr("cancelled");
    m_localRun = 0;
    Q_EMIT localRunFinished(cancelled);
}

void ConsoleController::addSecret(const QString &secret)
{
    m_redactor.addSecret(secret);
}

void ConsoleController::rebuildRuntime(runtime::RuntimeOptions options, bool start)
{
    if (m_runtime)
        m_runtime.release()->deleteLater(); // may be inside its own stopped() signal
    m_localRun = 0;
    options.review = m_review;
    options.pendingStorePath = m_pendingStorePath;
    m_runtime = std::make_unique<runtime::PluginRuntime>(std::move(options), m_callback.get());
    runtime::PluginRuntime *rt = m_runtime.get();
    connect(rt, &runtime::PluginRuntime::logged, this, &ConsoleController::logged);
    connect(rt, &runtime::PluginRuntime::statusChanged, this, &ConsoleController::statusChanged);
    connect(rt, &runtime::PluginRuntime::requestProgressed, this,
            &ConsoleController::requestProgressed);
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

} // namespace ango::app
