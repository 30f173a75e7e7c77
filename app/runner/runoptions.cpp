#include "runoptions.h"

#include <QFile>
#include <QStandardPaths>
#include <QUrl>

#include <cmath>

namespace ango::app {

namespace {

// Seconds with a fraction ("0.2" for tests), strictly positive and at most a day.
Result<std::chrono::milliseconds> parseSeconds(const QString &flag, const QString &value)
{
    bool ok = false;
    const double secondsValue = value.toDouble(&ok);
    if (!ok || !std::isfinite(secondsValue) || secondsValue <= 0 || secondsValue > 86400)
        return makeError(
            QStringLiteral("%1 needs a number of seconds above 0 (got \"%2\")").arg(flag, value));
    return std::chrono::milliseconds(
        std::max<qint64>(1, qint64(std::llround(secondsValue * 1000))));
}

Result<int> parseCount(const QString &flag, const QString &value)
{
    bool ok = false;
    const int count = value.toInt(&ok);
    if (!ok || count < 1 || count > 10000)
        return makeError(QStringLiteral("%1 needs a whole number from 1 to 10000 (got \"%2\")")
                             .arg(flag, value));
    return count;
}

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

const QStringList kValueFlags = {
    QStringLiteral("--plugin-id"),
    QStringLiteral("--host"),
    QStringLiteral("--api-host"),
    QStringLiteral("--callback"),
    QStringLiteral("--concurrency"),
    QStringLiteral("--workflow-concurrency"),
    QStringLiteral("--review"),
    QStringLiteral("--log-format"),
    QStringLiteral("--secret-file"),
    QStringLiteral("--request-timeout"),
    QStringLiteral("--heartbeat-interval"),
    QStringLiteral("--pending-store"),
    QStringLiteral("--drain-timeout"),
};

} // namespace

QString runUsage()
{
    return QStringLiteral(
        "Usage: ango-console run --plugin-id ID [options]\n"
        "Runs the plugin headless: connects to the hub, answers plugin requests, logs to stdout.\n"
        "The secret comes from ANGO_PLUGIN_SECRET or --secret-file, never from the command line.\n"
        "\n"
        "  --plugin-id ID              the plugin's id (required)\n"
        "  --host URL                  plugin hub (default https://plugin.imerit.ango.ai)\n"
        "  --api-host URL              REST API (default https://imeritapi.ango.ai)\n"
        "  --callback SPEC             demo, or an adapter spec such as python:FILE (default "
        "demo)\n"
        "  --concurrency N             interactive runs at a time (default 4)\n"
        "  --workflow-concurrency N    workflow runs at a time, in order per task (default 1)\n"
        "  --review auto|hold          deliver at once, or hold results for review (default auto)\n"
        "  --pending-store PATH        where held results are kept (default: app data dir)\n"
        "  --log-format text|jsonl     stdout format (default text)\n"
        "  --secret-file PATH          read the plugin secret from this file\n"
        "  --request-timeout S         per-request callback timeout in seconds (default 120)\n"
        "  --heartbeat-interval S      heartbeat interval in seconds (default 60)\n"
        "  --drain-timeout S           on SIGINT/SIGTERM, wait this long for running requests "
        "(default 10)\n"
        "Environment: ANGO_PLUGIN_SECRET, LOGLEVEL (DEBUG|INFO|WARNING|ERROR, default INFO).\n");
}

Result<RunOptions> parseRunArguments(const QStringList &arguments,
                                     const QProcessEnvironment &environment)
{
    RunOptions options;
    QMap<QString, QString> values;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        QString flag = arguments.at(i);
        QString value;
        bool hasInlineValue = false;
        if (const qsizetype eq = flag.indexOf(QLatin1Char('='));
            flag.startsWith(QLatin1String("--")) && eq > 0) {
            value = flag.mid(eq + 1);
            flag = flag.left(eq);
            hasInlineValue = true;
        }
        if (flag == QLatin1String("--help") || flag == QLatin1String("-h")) {
            options.help = true;
            return options;
        }
        if (flag == QLatin1String("--secret"))
            return makeError(
                QStringLiteral("--secret is not accepted: the secret would show in the process "
                               "list; set ANGO_PLUGIN_SECRET or use --secret-file PATH"));
        if (!kValueFlags.contains(flag))
            return makeError(
                flag.startsWith(QLatin1Char('-'))
                    ? QStringLiteral("unknown flag %1 (see ango-console run --help)").arg(flag)
                    : QStringLiteral("unexpected argument \"%1\" (see ango-console run --help)")
                          .arg(flag));
        if (!hasInlineValue) {
            if (i + 1 >= arguments.size() || arguments.at(i + 1).startsWith(QLatin1String("--")))
                return makeError(QStringLiteral("%1 needs a value").arg(flag));
            value = arguments.at(++i);
        }
        if (values.contains(flag))
            return makeError(QStringLiteral("%1 is given twice").arg(flag));
        values.insert(flag, value);
    }

    auto &rt = options.runtime;
    rt.pluginId = values.value(QStringLiteral("--plugin-id")).trimmed();
    if (rt.pluginId.isEmpty())
        return makeError(QStringLiteral("--plugin-id is required"));
    if (values.contains(QStringLiteral("--host"))) {
        auto url = parseHost(QStringLiteral("--host"), values.value(QStringLiteral("--host")));
        if (!url)
            return url.error();
        rt.hubUrl = *url;
    }
    if (values.contains(QStringLiteral("--api-host"))) {
        auto url
            = parseHost(QStringLiteral("--api-host"), values.value(QStringLiteral("--api-host")));
        if (!url)
            return url.error();
        rt.apiHost = *url;
    }
    if (values.contains(QStringLiteral("--callback"))) {
        options.callbackSpec = values.value(QStringLiteral("--callback")).trimmed();
        if (options.callbackSpec.isEmpty())
            return makeError(QStringLiteral("--callback needs a value"));
    }
    for (const auto &[flag, target] :
         {std::pair{QStringLiteral("--concurrency"), &rt.interactiveConcurrency},
          std::pair{QStringLiteral("--workflow-concurrency"), &rt.workflowConcurrency}}) {
        if (!values.contains(flag))
            continue;
        auto count = parseCount(flag, values.value(flag));
        if (!count)
            return count.error();
        *target = *count;
    }
    for (const auto &[flag, target] :
         {std::pair{QStringLiteral("--request-timeout"), &rt.requestTimeout},
          std::pair{QStringLiteral("--heartbeat-interval"), &rt.heartbeatInterval},
          std::pair{QStringLiteral("--drain-timeout"), &options.drainBound}}) {
        if (!values.contains(flag))
            continue;
        auto duration = parseSeconds(flag, values.value(flag));
        if (!duration)
            return duration.error();
        *target = *duration;
    }
    if (values.contains(QStringLiteral("--review"))) {
        const QString review = values.value(QStringLiteral("--review"));
        if (review == QLatin1String("auto"))
            rt.review = runtime::ReviewPolicy::Auto;
        else if (review == QLatin1String("hold"))
            rt.review = runtime::ReviewPolicy::Hold;
        else
            return makeError(
                QStringLiteral("--review must be auto or hold (got \"%1\")").arg(review));
    }
    if (values.contains(QStringLiteral("--log-format"))) {
        const QString format = values.value(QStringLiteral("--log-format"));
        if (format == QLatin1String("text"))
            options.logFormat = LogFormat::Text;
        else if (format == QLatin1String("jsonl"))
            options.logFormat = LogFormat::Jsonl;
        else
            return makeError(
                QStringLiteral("--log-format must be text or jsonl (got \"%1\")").arg(format));
    }
    if (values.contains(QStringLiteral("--pending-store"))) {
        rt.pendingStorePath = values.value(QStringLiteral("--pending-store"));
        if (rt.pendingStorePath.isEmpty())
            return makeError(QStringLiteral("--pending-store needs a path"));
    } else {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        if (!dir.isEmpty())
            rt.pendingStorePath
                = dir + QStringLiteral("/pending-") + rt.pluginId + QStringLiteral(".json");
    }

    if (values.contains(QStringLiteral("--secret-file"))) {
        const QString path = values.value(QStringLiteral("--secret-file"));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return makeError(
                QStringLiteral("--secret-file: cannot read %1: %2").arg(path, file.errorString()));
        rt.secret = QString::fromUtf8(file.readAll()).trimmed();
        if (rt.secret.isEmpty())
            return makeError(QStringLiteral("--secret-file: %1 is empty").arg(path));
    } else {
        rt.secret = environment.value(QStringLiteral("ANGO_PLUGIN_SECRET")).trimmed();
        if (rt.secret.isEmpty())
            return makeError(QStringLiteral(
                "no plugin secret: set ANGO_PLUGIN_SECRET or pass --secret-file PATH"));
    }

    const QString level
        = environment.value(QStringLiteral("LOGLEVEL"), QStringLiteral("INFO")).trimmed();
    if (level.compare(QLatin1String("WARN"), Qt::CaseInsensitive) == 0)
        options.logLevel = logging::Level::Warning;
    else if (level.compare(QLatin1String("CRITICAL"), Qt::CaseInsensitive) == 0
             || level.compare(QLatin1String("FATAL"), Qt::CaseInsensitive) == 0)
        options.logLevel = logging::Level::Error;
    else if (auto parsed = logging::levelFromName(level.toLower()))
        options.logLevel = *parsed;
    else
        return makeError(
            QStringLiteral("LOGLEVEL must be DEBUG, INFO, WARNING or ERROR (got \"%1\")")
                .arg(level));
    rt.minimumLogLevel = options.logLevel;
    return options;
}

} // namespace ango::app
