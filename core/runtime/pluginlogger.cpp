#include "runtime/pluginruntime_p.h"

#include <QMetaEnum>

namespace ango::runtime {

namespace {

logging::Level toLoggingLevel(callbacks::LogLevel level)
{
    switch (level) {
    case callbacks::LogLevel::Debug:
        return logging::Level::Debug;
    case callbacks::LogLevel::Info:
        return logging::Level::Info;
    case callbacks::LogLevel::Warning:
        return logging::Level::Warning;
    case callbacks::LogLevel::Error:
        return logging::Level::Error;
    }
    return logging::Level::Info;
}

// The SDK sends data.get("orgId"): null, not "", when the hub left it out.
json orNull(const QString &text)
{
    return text.isEmpty() ? json() : json(text.toStdString());
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Logging

void PluginRuntime::Private::log(logging::Level level, const QString &category,
                                 const QString &message, const QString &session, json detail,
                                 const QString &direction, const QString &kind)
{
    if (level < options.minimumLogLevel)
        return;
    logging::LogEntry entry;
    entry.id = ++nextLogId;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.level = level;
    entry.category = category;
    entry.direction = direction;
    entry.kind = kind;
    entry.session = session;
    entry.message = message;
    entry.detail = std::move(detail);
    Q_EMIT q->logged(logging::redactEntry(redactor, std::move(entry)));
}

void PluginRuntime::Private::pluginLog(const DeliveryTarget &target, callbacks::LogLevel level,
                                       const QString &message)
{
    const QString text = redactor.redact(message);
    if (!target.local && client) {
        // The SDK's PluginLogger payload; sent in every path (the SDK loses it for workflow runs).
        // Member by member: an initializer list builds and copies a pair array per member.
        json payload = json::object();
        payload["level"] = callbacks::levelName(level).toStdString();
        payload["organization"] = orNull(target.orgId);
        payload["pluginId"] = options.pluginId.toStdString();
        payload["runBy"] = orNull(target.runBy);
        payload["session"] = target.sessionValue;
        payload["msg"] = text.toStdString();
        if (auto sent = send(QStringLiteral("log"), std::move(payload), target.session); !sent)
            log(logging::Level::Warning, QStringLiteral("hub"),
                QStringLiteral("a log event was not sent: %1").arg(sent.error().message),
                target.session);
    }
    log(toLoggingLevel(level), QStringLiteral("plugin"), text, target.session, nullptr,
        target.local ? QString() : QStringLiteral("out"),
        target.local ? QString() : QStringLiteral("log"));
}

// Output of the author's code (an adapter's subprocess) goes to the same, redacted, log.
void PluginRuntime::Private::watchCallback()
{
    QObject::disconnect(callbackOutput);
    QObject::disconnect(callbackState);
    if (!callback)
        return;
    // Logged once, here, with the run whose call printed it.
    callbackOutput = QObject::connect(
        callback, &callbacks::Callback::outputLine, q,
        [this](const QString &line, bool isError, quint64 callId) {
            log(isError ? logging::Level::Warning : logging::Level::Info,
                QStringLiteral("callback"), line, sessionOfCall(callId), nullptr, {},
                isError ? QStringLiteral("stderr") : QStringLiteral("stdout"));
        });
    callbackState = QObject::connect(
        callback, &callbacks::Callback::stateChanged, q,
        [this](callbacks::Callback::State state, const QString &detail) {
            const bool bad = state == callbacks::Callback::State::Crashed
                             || state == callbacks::Callback::State::Failed;
            log(bad ? logging::Level::Error : logging::Level::Info, QStringLiteral("callback"),
                QStringLiteral("callback %1%2")
                    .arg(QString::fromLatin1(QMetaEnum::fromType<callbacks::Callback::State>()
                                                 .valueToKey(int(state)))
                             .toLower(),
                         detail.isEmpty() ? QString() : QStringLiteral(": ") + detail));
        });
}

QString PluginRuntime::Private::sessionOfCall(quint64 callId) const
{
    if (callId == 0)
        return {};
    for (auto it = recentCalls.crbegin(); it != recentCalls.crend(); ++it)
        if (it->first == callId)
            return it->second;
    return {};
}

void PluginRuntime::Private::rememberApiKey(const QString &apiKey)
{
    if (apiKey.isEmpty())
        return;
    const qsizetype known = rememberedApiKeys.indexOf(apiKey);
    if (known >= 0) {
        rememberedApiKeys.move(known, rememberedApiKeys.size() - 1);
        return;
    }
    // Keys stay masked after their request ended (a late line from an adapter may quote one);
    // the oldest is forgotten beyond a bound so a long run does not slow every line down.
    if (rememberedApiKeys.size() >= kMaxRememberedApiKeys)
        redactor.removeSecret(rememberedApiKeys.takeFirst());
    rememberedApiKeys.append(apiKey);
    redactor.addSecret(apiKey);
}

void PluginRuntime::Private::stage(const DeliveryTarget &target, RequestStage stage, bool ok,
                                   qint64 durationMs, const QString &detail, const json &request)
{
    // The headless runner listens to none of this; skip building the events then.
    static const QMetaMethod progressed
        = QMetaMethod::fromSignal(&PluginRuntime::requestProgressed);
    if (!q->isSignalConnected(progressed))
        return;
    RequestEvent event;
    event.requestId = target.requestId;
    event.session = target.session;
    event.stage = stage;
    event.time = QDateTime::currentDateTimeUtc();
    event.workflow = target.workflow;
    event.local = target.local;
    event.ok = ok;
    event.durationMs = durationMs;
    event.detail = detail;
    event.replayOf = target.replayOf;
    event.request = request;
    Q_EMIT q->requestProgressed(event);
}

} // namespace ango::runtime
