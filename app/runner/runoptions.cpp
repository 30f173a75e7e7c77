#include "runoptions.h"

#include "cli/flags.h"
#include "common/runlimits.h"
#include "runprofile.h"

#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>

#include <functional>

namespace ango::app {

namespace {

Result<QUrl> parseHost(const QString &flag, const QString &value)
{
    const QUrl url(value, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty()
        || !(scheme == QLatin1String("http") || scheme == QLatin1String("https")
             || scheme == QLatin1String("ws") || scheme == QLatin1String("wss")))
        return makeError(
            QStringLiteral("%1 needs an http(s):// URL (got \"%2\")").arg(flag, value));
    return url;
}

const cli::FlagSyntax kSyntax{
    QStringLiteral("run"),
    {
        QStringLiteral("--profile"),
        QStringLiteral("--plugin-id"),
        QStringLiteral("--host"),
        QStringLiteral("--api-host"),
        QStringLiteral("--callback"),
        QStringLiteral("--python"),
        QStringLiteral("--concurrency"),
        QStringLiteral("--workflow-concurrency"),
        QStringLiteral("--review"),
        QStringLiteral("--log-format"),
        QStringLiteral("--secret-file"),
        QStringLiteral("--request-timeout"),
        QStringLiteral("--heartbeat-interval"),
        QStringLiteral("--pending-store"),
        QStringLiteral("--drain-timeout"),
        QStringLiteral("--max-message-mb"),
        QStringLiteral("--max-events-before-connect"),
        QStringLiteral("--connect-ack-timeout"),
        QStringLiteral("--rest-timeout"),
        QStringLiteral("--max-response-mb"),
        QStringLiteral("--max-queued"),
        QStringLiteral("--max-result-size"),
    },
    {},
    QStringLiteral("set ANGO_PLUGIN_SECRET or use --secret-file PATH"),
};

Result<QString> readSecretFile(const QString &path)
{
    // A FIFO or a device would block or never end: only a regular file is opened at all.
    const QFileInfo info(path);
    if (!info.exists())
        return makeError(QStringLiteral("--secret-file: %1 does not exist").arg(path));
    if (!info.isFile())
        return makeError(
            QStringLiteral("--secret-file: %1 is not a regular file (a FIFO or a device is "
                           "not read)")
                .arg(path));
    if (info.size() > limits::kMaxSecretFileBytes)
        return makeError(QStringLiteral("--secret-file: %1 is larger than %2 bytes: not a secret")
                             .arg(path)
                             .arg(limits::kMaxSecretFileBytes));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(
            QStringLiteral("--secret-file: cannot read %1: %2").arg(path, file.errorString()));
    // Read at most one byte more than allowed: the file may have grown since the check.
    const QByteArray content = file.read(limits::kMaxSecretFileBytes + 1);
    if (content.size() > limits::kMaxSecretFileBytes)
        return makeError(QStringLiteral("--secret-file: %1 is larger than %2 bytes: not a secret")
                             .arg(path)
                             .arg(limits::kMaxSecretFileBytes));
    const QString secret = QString::fromUtf8(content).trimmed();
    if (secret.isEmpty())
        return makeError(QStringLiteral("--secret-file: %1 is empty").arg(path));
    return secret;
}

// A whole number within [min, max]; the error names the flag and the range.
Result<qint64> parseBounded(const QString &flag, const QString &value, qint64 min, qint64 max)
{
    bool ok = false;
    const qint64 number = value.toLongLong(&ok);
    if (!ok || number < min || number > max)
        return makeError(QStringLiteral("%1 needs a whole number from %2 to %3 (got \"%4\")")
                             .arg(flag)
                             .arg(min)
                             .arg(max)
                             .arg(value));
    return number;
}

// The limits on hostile input (docs/limits.md): flag, range, unit, and where it goes.
Result<void> applyLimitFlags(const cli::Flags &flags, runtime::RuntimeOptions &rt)
{
    constexpr qint64 kMiB = 1024 * 1024;
    struct Limit
    {
        QString flag;
        qint64 min, max, unit;
        std::function<void(qint64)> set;
    };
    const Limit limits[] = {
        {QStringLiteral("--max-message-mb"), 1, 2047, kMiB,
         [&](qint64 v) { rt.maxIncomingMessageBytes = v; }},
        {QStringLiteral("--max-events-before-connect"), 1, 100000, 1,
         [&](qint64 v) { rt.maxEventsBeforeConnect = int(v); }},
        {QStringLiteral("--max-response-mb"), 1, 4096, kMiB,
         [&](qint64 v) { rt.maxResponseBytes = v; }},
        {QStringLiteral("--max-queued"), 1, 100000, 1,
         [&](qint64 v) { rt.maxQueuedRequests = int(v); }},
    };
    for (const Limit &limit : limits) {
        if (!flags.has(limit.flag))
            continue;
        auto number = parseBounded(limit.flag, flags.value(limit.flag), limit.min, limit.max);
        if (!number)
            return number.error();
        limit.set(*number * limit.unit);
    }
    for (const auto &[flag, target] :
         {std::pair{QStringLiteral("--connect-ack-timeout"), &rt.connectAckTimeout},
          std::pair{QStringLiteral("--rest-timeout"), &rt.restCallTimeout}}) {
        if (!flags.has(flag))
            continue;
        auto duration = cli::parseSeconds(flag, flags.value(flag));
        if (!duration)
            return duration.error();
        *target = *duration;
    }
    return {};
}

// Everything the flags set, over the defaults or the profile's values.
Result<void> applyFlags(const cli::Flags &flags, RunOptions &options)
{
    auto &rt = options.runtime;
    if (flags.has(QStringLiteral("--plugin-id")))
        rt.pluginId = flags.value(QStringLiteral("--plugin-id")).trimmed();
    for (const auto &[flag, target] : {std::pair{QStringLiteral("--host"), &rt.hubUrl},
                                       std::pair{QStringLiteral("--api-host"), &rt.apiHost}}) {
        if (!flags.has(flag))
            continue;
        auto url = parseHost(flag, flags.value(flag));
        if (!url)
            return url.error();
        *target = *url;
    }
    if (flags.has(QStringLiteral("--callback"))) {
        options.callbackSpec = flags.value(QStringLiteral("--callback")).trimmed();
        options.callbackSource = QStringLiteral("--callback");
        if (options.callbackSpec.isEmpty())
            return makeError(QStringLiteral("--callback needs a value"));
    }
    const bool pythonCallback = options.callbackSpec.startsWith(QLatin1String("python:"));
    if (flags.has(QStringLiteral("--python"))) {
        options.callbackInterpreter = flags.value(QStringLiteral("--python")).trimmed();
        if (options.callbackInterpreter.isEmpty())
            return makeError(QStringLiteral("--python needs an interpreter path"));
        if (!pythonCallback)
            return makeError(
                QStringLiteral("--python applies to python: callbacks only (the callback is %1)")
                    .arg(options.callbackSpec));
    } else if (!pythonCallback) {
        options.callbackInterpreter.clear(); // the profile's, for the callback a flag replaced
    }
    for (const auto &[flag, target] :
         {std::pair{QStringLiteral("--concurrency"), &rt.interactiveConcurrency},
          std::pair{QStringLiteral("--workflow-concurrency"), &rt.workflowConcurrency}}) {
        if (!flags.has(flag))
            continue;
        auto count = cli::parseCountIn(flag, flags.value(flag), limits::kMinConcurrency,
                                       limits::kMaxConcurrency);
        if (!count)
            return count.error();
        *target = *count;
    }
    struct SecondsFlag
    {
        QString flag;
        std::chrono::milliseconds *target;
        double minimum;
        double maximum;
    };
    for (const auto &[flag, target, minimum, maximum] :
         {SecondsFlag{QStringLiteral("--request-timeout"), &rt.requestTimeout,
                      limits::kMinRequestTimeoutSeconds, limits::kMaxRequestTimeoutSeconds},
          SecondsFlag{QStringLiteral("--heartbeat-interval"), &rt.heartbeatInterval,
                      limits::kMinHeartbeatSeconds, limits::kMaxHeartbeatSeconds},
          SecondsFlag{QStringLiteral("--drain-timeout"), &options.drainBound,
                      limits::kMinDrainSeconds, limits::kMaxDrainSeconds}}) {
        if (!flags.has(flag))
            continue;
        auto duration = cli::parseSecondsIn(flag, flags.value(flag), minimum, maximum);
        if (!duration)
            return duration.error();
        *target = *duration;
    }
    if (flags.has(QStringLiteral("--max-result-size"))) {
        auto mib = cli::parseCountIn(QStringLiteral("--max-result-size"),
                                     flags.value(QStringLiteral("--max-result-size")),
                                     limits::kMinResultMiB, limits::kMaxResultMiB);
        if (!mib)
            return mib.error();
        options.maxResultBytes = qint64(*mib) * 1024 * 1024;
    }
    if (flags.has(QStringLiteral("--review"))) {
        const QString review = flags.value(QStringLiteral("--review"));
        if (review == QLatin1String("auto"))
            rt.review = runtime::ReviewPolicy::Auto;
        else if (review == QLatin1String("hold"))
            rt.review = runtime::ReviewPolicy::Hold;
        else
            return makeError(
                QStringLiteral("--review must be auto or hold (got \"%1\")").arg(review));
    }
    if (flags.has(QStringLiteral("--log-format"))) {
        const QString format = flags.value(QStringLiteral("--log-format"));
        if (format == QLatin1String("text"))
            options.logFormat = LogFormat::Text;
        else if (format == QLatin1String("jsonl"))
            options.logFormat = LogFormat::Jsonl;
        else
            return makeError(
                QStringLiteral("--log-format must be text or jsonl (got \"%1\")").arg(format));
    }
    if (flags.has(QStringLiteral("--pending-store"))) {
        rt.pendingStorePath = flags.value(QStringLiteral("--pending-store"));
        if (rt.pendingStorePath.isEmpty())
            return makeError(QStringLiteral("--pending-store needs a path"));
    }
    return applyLimitFlags(flags, rt);
}

} // namespace

QString runUsage()
{
    return QStringLiteral(
        "Usage: ango-console run --plugin-id ID [options]\n"
        "       ango-console run --profile FILE [options]\n"
        "Runs the plugin headless: connects to the hub, answers plugin requests, logs to stdout.\n"
        "The secret comes from --secret-file, the profile's secret reference or "
        "ANGO_PLUGIN_SECRET,\n"
        "never from the command line. Flags override the profile's values.\n"
        "\n"
        "  --profile FILE              take the settings from this profile (docs/profile.md)\n"
        "  --plugin-id ID              the plugin's id (required without a profile)\n"
        "  --host URL                  plugin hub (default https://plugin.imerit.ango.ai)\n"
        "  --api-host URL              REST API (default https://imeritapi.ango.ai)\n"
        "  --callback SPEC             demo, python:FILE[:FUNCTION], exec:COMMAND or http:URL "
        "(default demo)\n"
        "  --python PATH               the interpreter for a python: callback, e.g. a "
        "virtualenv's\n"
        "                              bin/python3 (default python3 on PATH)\n"
        "  --concurrency N             interactive runs at a time, 1 to 256 (default 4)\n"
        "  --workflow-concurrency N    workflow runs at a time, in order per task, 1 to 256 "
        "(default 1)\n"
        "  --review auto|hold          deliver at once, or hold results for review (default auto)\n"
        "  --pending-store PATH        where held results are kept (default: app data dir)\n"
        "  --log-format text|jsonl     stdout format (default text)\n"
        "  --secret-file PATH          read the plugin secret from this regular file (at most 64 "
        "KiB)\n"
        "  --request-timeout S         per-request callback timeout, 1 to 86400 s (default 120)\n"
        "  --heartbeat-interval S      heartbeat interval, 1 to 3600 s (default 60)\n"
        "  --max-result-size MB        the largest callback result accepted, 1 to 1024 MiB "
        "(default 64)\n"
        "  --drain-timeout S           on SIGINT/SIGTERM, wait this long for running requests, "
        "0.1 to 3600 s (default 10)\n"
        "Limits on hostile input (the error names the option: see docs/limits.md):\n"
        "  --max-message-mb N          largest hub message, MiB (maxIncomingMessageBytes, "
        "default 100)\n"
        "  --max-events-before-connect N  events held before the hub's CONNECT reply "
        "(default 1000)\n"
        "  --connect-ack-timeout S     wait for the CONNECT reply, then reconnect (default 20)\n"
        "  --rest-timeout S            one REST call, body included, then retry "
        "(callTimeout, default 60)\n"
        "  --max-response-mb N         largest REST response body, MiB (maxResponseBytes, "
        "default 256)\n"
        "  --max-queued N              requests waiting for a slot; beyond: \"busy\" "
        "(maxQueuedRequests, default 1000)\n"
        "Environment: ANGO_PLUGIN_SECRET, LOGLEVEL (DEBUG|INFO|WARNING|ERROR, default INFO).\n");
}

Result<RunOptions> parseRunArguments(const QStringList &arguments,
                                     const QProcessEnvironment &environment)
{
    RunOptions options;
    auto flags = cli::parseFlags(arguments, kSyntax);
    if (!flags)
        return flags.error();
    if (flags->help) {
        options.help = true;
        return options;
    }

    std::optional<profile::Profile> profile;
    if (flags->has(QStringLiteral("--profile"))) {
        options.profilePath = flags->value(QStringLiteral("--profile"));
        auto loaded = loadRunProfile(options.profilePath);
        if (!loaded)
            return loaded.error();
        profile = std::move(*loaded);
        applyProfile(*profile, options.profilePath, options);
    }
    if (auto applied = applyFlags(*flags, options); !applied)
        return applied.error();

    auto &rt = options.runtime;
    if (rt.pluginId.isEmpty())
        return makeError(QStringLiteral("--plugin-id is required"));
    if (rt.pendingStorePath.isEmpty()) {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        if (!dir.isEmpty())
            rt.pendingStorePath
                = dir + QStringLiteral("/pending-") + rt.pluginId + QStringLiteral(".json");
    }

    Result<QString> secret = QString();
    if (flags->has(QStringLiteral("--secret-file")))
        secret = readSecretFile(flags->value(QStringLiteral("--secret-file")));
    else if (profile)
        secret = resolveProfileSecret(*profile, options.profilePath, environment);
    else if (const QString fromEnvironment
             = environment.value(QStringLiteral("ANGO_PLUGIN_SECRET")).trimmed();
             !fromEnvironment.isEmpty())
        secret = fromEnvironment;
    else
        secret = makeError(
            QStringLiteral("no plugin secret: set ANGO_PLUGIN_SECRET or pass --secret-file PATH"));
    if (!secret)
        return secret.error();
    rt.secret = *secret;

    auto level = cli::logLevelFromEnvironment(environment);
    if (!level)
        return level.error();
    options.logLevel = *level;
    rt.minimumLogLevel = options.logLevel;
    return options;
}

} // namespace ango::app
