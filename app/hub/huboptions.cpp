#include "huboptions.h"

#include "cli/flags.h"
#include "socketio/socketiopacket.h"

#include <QFile>
#include <QMap>

#include <tuple>

namespace ango::app {

using nlohmann::json;

namespace {

const cli::FlagSyntax kSyntax{
    QStringLiteral("hub"),
    {QStringLiteral("--listen"), QStringLiteral("--plugin-id"), QStringLiteral("--asset"),
     QStringLiteral("--mapping"), QStringLiteral("--config"), QStringLiteral("--timeout"),
     QStringLiteral("--ping-interval"), QStringLiteral("--ping-timeout"),
     QStringLiteral("--max-payload"), QStringLiteral("--max-request-body"),
     QStringLiteral("--max-request-head"), QStringLiteral("--header-timeout"),
     QStringLiteral("--idle-timeout"), QStringLiteral("--max-connections")},
    {QStringLiteral("--workflow"), QStringLiteral("--once"), QStringLiteral("--allow-remote")},
    QStringLiteral("set ANGO_PLUGIN_SECRET"),
};

} // namespace

QString hubUsage()
{
    return QStringLiteral(
        "Usage: ango-console hub --plugin-id ID --asset IMAGE --once [options]\n"
        "Runs a local stand-in for the Ango plugin hub: waits for the plugin with this id (and "
        "the\n"
        "secret in ANGO_PLUGIN_SECRET) to connect, sends it one run for IMAGE, prints the "
        "plugin's\n"
        "result as JSON on stdout (its response, or with --workflow the annotate body) and exits "
        "0.\n"
        "A timeout or a plugin error exits 1; bad flags exit 2. Start the plugin script with its\n"
        "socket host and REST host set to the address printed as LISTENING=HOST:PORT on stderr.\n"
        "\n"
        "  --listen HOST:PORT       address to listen on (default 127.0.0.1:0, a free port)\n"
        "  --plugin-id ID           the plugin's id (required)\n"
        "  --asset IMAGE            the image sent as the run's asset (required)\n"
        "  --mapping FILE.json      class mapping: [{\"schemaId\": ..., \"modelClass\": ...}, "
        "...]\n"
        "  --config JSON            the run's Config JSON (sent as a string, as the hub does)\n"
        "  --workflow               a workflow run: the plugin answers with POST "
        "/v2/annotate/{taskId}\n"
        "  --once                   send one run and exit with its result (required)\n"
        "  --timeout S              give up after S seconds (default 60)\n"
        "  --ping-interval S        Engine.IO ping interval (default 25)\n"
        "  --ping-timeout S         Engine.IO ping timeout (default 20)\n"
        "  --max-payload BYTES      largest message accepted from a plugin (default 1000000)\n"
        "  --max-request-body BYTES largest HTTP request body, answered 413 before it is read\n"
        "                           (default 67108864)\n"
        "  --max-request-head BYTES largest HTTP request line and headers (default 16384)\n"
        "  --header-timeout S       time a request head may take to arrive (default 10)\n"
        "  --idle-timeout S         a connection idle this long is closed (default 60)\n"
        "  --max-connections N      connections open at once, more get 503 (default 256)\n"
        "  --allow-remote           allow --listen on an address other than loopback: the asset\n"
        "                           and the REST API are then reachable from the network\n"
        "Environment: ANGO_PLUGIN_SECRET (required), LOGLEVEL (DEBUG|INFO|WARNING|ERROR, default "
        "INFO).\n");
}

Result<json> parseMapping(const QByteArray &content)
{
    auto parsed
        = socketio::parseJson(std::string_view(content.constData(), size_t(content.size())));
    if (!parsed)
        return makeError(QStringLiteral("not JSON: %1").arg(parsed.error().message));
    if (!parsed->is_array())
        return makeError(QStringLiteral("must be a JSON list of {\"schemaId\", \"modelClass\"}"));
    for (std::size_t i = 0; i < parsed->size(); ++i) {
        const json &entry = (*parsed)[i];
        if (!entry.is_object() || !entry.value("schemaId", json()).is_string()
            || !entry.value("modelClass", json()).is_string())
            return makeError(
                QStringLiteral("entry %1 must be {\"schemaId\": \"...\", \"modelClass\": \"...\"}")
                    .arg(i + 1));
    }
    return std::move(*parsed);
}

Result<HubCommandOptions> parseHubArguments(const QStringList &arguments,
                                            const QProcessEnvironment &environment)
{
    HubCommandOptions options;
    auto flags = cli::parseFlags(arguments, kSyntax);
    if (!flags)
        return flags.error();
    if (flags->help) {
        options.help = true;
        return options;
    }
    options.workflow = flags->has(QStringLiteral("--workflow"));
    options.once = flags->has(QStringLiteral("--once"));
    const QMap<QString, QString> &values = flags->values;

    if (values.contains(QStringLiteral("--listen"))) {
        options.listen = values.value(QStringLiteral("--listen")).trimmed();
        const qsizetype colon = options.listen.lastIndexOf(QLatin1Char(':'));
        bool ok = false;
        const uint port = colon > 0 ? options.listen.mid(colon + 1).toUInt(&ok) : 0;
        if (colon <= 0 || !ok || port > 65535)
            return makeError(
                QStringLiteral("--listen needs HOST:PORT, e.g. 127.0.0.1:0 (got \"%1\")")
                    .arg(options.listen));
    }
    options.pluginId = values.value(QStringLiteral("--plugin-id")).trimmed();
    if (options.pluginId.isEmpty())
        return makeError(QStringLiteral("--plugin-id is required"));
    options.assetPath = values.value(QStringLiteral("--asset"));
    if (options.assetPath.isEmpty())
        return makeError(
            QStringLiteral("--asset is required: the image to send as the run's asset"));
    if (!QFile::exists(options.assetPath))
        return makeError(QStringLiteral("--asset: %1 does not exist").arg(options.assetPath));

    if (values.contains(QStringLiteral("--mapping"))) {
        const QString path = values.value(QStringLiteral("--mapping"));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return makeError(
                QStringLiteral("--mapping: cannot read %1: %2").arg(path, file.errorString()));
        auto mapping = parseMapping(file.readAll());
        if (!mapping)
            return makeError(QStringLiteral("--mapping: %1 %2").arg(path, mapping.error().message));
        options.categorySchema = std::move(*mapping);
    }
    if (values.contains(QStringLiteral("--config"))) {
        const QByteArray config = values.value(QStringLiteral("--config")).toUtf8();
        if (auto parsed
            = socketio::parseJson(std::string_view(config.constData(), size_t(config.size())));
            !parsed)
            return makeError(
                QStringLiteral("--config is not valid JSON: %1").arg(parsed.error().message));
        options.configJson = QString::fromUtf8(config);
    }
    for (const auto &[flag, target] :
         {std::pair{QStringLiteral("--timeout"), &options.timeout},
          std::pair{QStringLiteral("--ping-interval"), &options.hub.pingInterval},
          std::pair{QStringLiteral("--ping-timeout"), &options.hub.pingTimeout},
          std::pair{QStringLiteral("--header-timeout"), &options.hub.headerTimeout},
          std::pair{QStringLiteral("--idle-timeout"), &options.hub.idleTimeout}}) {
        if (!values.contains(flag))
            continue;
        auto duration = cli::parseSeconds(flag, values.value(flag));
        if (!duration)
            return duration.error();
        *target = *duration;
    }
    if (values.contains(QStringLiteral("--max-payload"))) {
        bool ok = false;
        const qint64 bytes = values.value(QStringLiteral("--max-payload")).toLongLong(&ok);
        if (!ok || bytes < 1024 || bytes > (qint64(1) << 31))
            return makeError(
                QStringLiteral(
                    "--max-payload needs a number of bytes from 1024 to 2147483648 (got \"%1\")")
                    .arg(values.value(QStringLiteral("--max-payload"))));
        options.hub.maxPayload = bytes;
    }
    for (const auto &[flag, target, low, high] :
         {std::tuple{QStringLiteral("--max-request-body"), &options.hub.maxRequestBody,
                     qint64(1024), qint64(1) << 32},
          std::tuple{QStringLiteral("--max-request-head"), &options.hub.maxRequestHead,
                     qint64(1024), qint64(1024 * 1024)}}) {
        if (!values.contains(flag))
            continue;
        bool ok = false;
        const qint64 bytes = values.value(flag).toLongLong(&ok);
        if (!ok || bytes < low || bytes > high)
            return makeError(QStringLiteral("%1 needs a number of bytes from %2 to %3 (got \"%4\")")
                                 .arg(flag)
                                 .arg(low)
                                 .arg(high)
                                 .arg(values.value(flag)));
        *target = bytes;
    }
    if (values.contains(QStringLiteral("--max-connections"))) {
        auto count = cli::parseCount(QStringLiteral("--max-connections"),
                                     values.value(QStringLiteral("--max-connections")));
        if (!count)
            return count.error();
        options.hub.maxConnections = *count;
    }
    options.hub.allowRemote = flags->has(QStringLiteral("--allow-remote"));
    if (!options.once)
        return makeError(
            QStringLiteral("--once is required: the headless hub sends one run and exits (the "
                           "interactive hub is the console's Local hub mode)"));

    options.secret = environment.value(QStringLiteral("ANGO_PLUGIN_SECRET")).trimmed();
    if (options.secret.isEmpty())
        return makeError(QStringLiteral(
            "ANGO_PLUGIN_SECRET is not set: the hub needs the plugin's secret to accept it"));

    auto level = cli::logLevelFromEnvironment(environment);
    if (!level)
        return level.error();
    options.logLevel = *level;
    return options;
}

} // namespace ango::app
