#include "evaloptions.h"

#include "cli/flags.h"

#include <QFile>
#include <QStandardPaths>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <cmath>

namespace ango::app {

namespace {

const cli::FlagSyntax &syntax()
{
    static const cli::FlagSyntax s{
        QStringLiteral("eval"),
        {QStringLiteral("--callback"),         QStringLiteral("--coco"),
         QStringLiteral("--export"),           QStringLiteral("--images"),
         QStringLiteral("--mapping"),          QStringLiteral("--config"),
         QStringLiteral("--concurrency"),      QStringLiteral("--out"),
         QStringLiteral("--min-map"),          QStringLiteral("--cache-dir"),
         QStringLiteral("--predictions"),      QStringLiteral("--label-import"),
         QStringLiteral("--project-id"),       QStringLiteral("--python"),
         QStringLiteral("--timeout"),          QStringLiteral("--baseline"),
         QStringLiteral("--compare-callback"), QStringLiteral("--compare-config"),
         QStringLiteral("--project"),          QStringLiteral("--api-host"),
         QStringLiteral("--api-key-file"),     QStringLiteral("--max-pages")},
        {QStringLiteral("--no-cache")},
        QStringLiteral("eval runs the callback locally and needs no secret")};
    return s;
}

// --config and --compare-config: JSON text, or @FILE.
Result<QString> readConfig(const QString &flag, QString text)
{
    if (text.startsWith(QLatin1Char('@'))) {
        QFile file(text.mid(1));
        if (!file.open(QIODevice::ReadOnly) || file.size() > 16 * 1024 * 1024)
            return makeError(QStringLiteral("%1: %2 cannot be read").arg(flag, text.mid(1)));
        text = QString::fromUtf8(file.readAll());
    }
    const std::string bytes = text.toStdString();
    if (!nlohmann::json::accept(bytes))
        return makeError(QStringLiteral("%1 is not valid JSON").arg(flag));
    return text;
}

// --project: where the API is, the key (never in a message), how many pages.
Result<void> parseProjectFlags(const cli::Flags &flags, EvalOptions &o)
{
    o.apiHost = QUrl(flags.value(QStringLiteral("--api-host")));
    if (!flags.has(QStringLiteral("--api-host")))
        o.apiHost = QUrl(QStringLiteral("https://imeritapi.ango.ai"));
    const QString scheme = o.apiHost.scheme();
    if (!o.apiHost.isValid() || o.apiHost.host().isEmpty()
        || (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return makeError(QStringLiteral("--api-host needs an http(s) URL (got \"%1\")")
                             .arg(flags.value(QStringLiteral("--api-host"))));
    if (flags.has(QStringLiteral("--api-key-file"))) {
        const QString path = flags.value(QStringLiteral("--api-key-file"));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly) || file.size() > 4096)
            return makeError(QStringLiteral("--api-key-file: %1 cannot be read").arg(path));
        o.apiKey = QString::fromUtf8(file.readLine(4096)).trimmed();
        if (o.apiKey.isEmpty())
            return makeError(QStringLiteral("--api-key-file: %1 is empty").arg(path));
    } else {
        o.apiKey = qEnvironmentVariable("ANGO_API_KEY").trimmed();
    }
    if (o.apiKey.isEmpty())
        return makeError(
            QStringLiteral("--project needs an API key: set ANGO_API_KEY or give --api-key-file"));
    if (flags.has(QStringLiteral("--max-pages"))) {
        auto count = cli::parseCount(QStringLiteral("--max-pages"),
                                     flags.value(QStringLiteral("--max-pages")));
        if (!count)
            return count.error();
        o.maxPages = *count;
    }
    return {};
}

} // namespace

QString evalUsage()
{
    return QStringLiteral(
        "Usage: ango-console eval --callback SPEC (--coco FILE --images DIR | --export FILE "
        "[--images DIR] | --project ID | --images DIR) [flags]\n"
        "\n"
        "Runs the callback over every image of the dataset (each image a run of its own, as the\n"
        "hub sends it) and measures the answers against the ground truth with COCOeval's rules.\n"
        "\n"
        "  --callback SPEC      python:model.py[:FUNCTION], exec:COMMAND, http(s)://URL, demo\n"
        "  --coco FILE          a COCO detection file (images, annotations, categories)\n"
        "  --export FILE        an Ango project export (assets with their answers)\n"
        "  --images DIR         the image folder (alone: run only, no ground truth)\n"
        "  --project ID         a live project's assets and answers through the REST API;\n"
        "                       the API key from ANGO_API_KEY or --api-key-file\n"
        "  --api-host URL       REST API (default https://imeritapi.ango.ai)\n"
        "  --api-key-file FILE  the API key (its first line)\n"
        "  --max-pages N        at most N pages of 50 assets (default 200)\n"
        "  --mapping FILE       JSON object {model class: category name}; default: each\n"
        "                       category is its own model class (names ignore case)\n"
        "  --config JSON        the configJSON the callback gets (@FILE reads it from a file)\n"
        "  --concurrency N      runs at a time (default 4)\n"
        "  --out FILE           the JSON report\n"
        "  --min-map X          exit 1 when AP@[.5:.95] is below X (0..1)\n"
        "  --cache-dir DIR      result cache (default: the user's cache folder); a re-run\n"
        "                       computes only changed images, callbacks, mappings or configs\n"
        "  --no-cache           compute everything, cache nothing\n"
        "  --predictions FILE   write the predictions as COCO results JSON\n"
        "  --label-import FILE  write the predictions as an Ango label-import body\n"
        "  --project-id ID      the project named in the label-import body\n"
        "  --python PATH        python: interpreter (default python3)\n"
        "  --timeout SECONDS    per image (default 120)\n"
        "\n"
        "A/B (deltas are B - A; the report gets a \"comparison\" section):\n"
        "  --baseline FILE      A is a report an earlier --out wrote, B this run\n"
        "  --compare-callback SPEC, --compare-config JSON\n"
        "                       A is this run, B the same dataset again with this callback\n"
        "                       and/or configJSON (unchanged images come from the cache)\n"
        "\n"
        "Exit codes: 0 done, 1 below --min-map, 2 bad flags or a dataset that cannot be read,\n"
        "130 interrupted (SIGINT/SIGTERM: the running images finish and are cached; the same\n"
        "command resumes).\n");
}

Result<EvalOptions> parseEvalArguments(const QStringList &arguments)
{
    auto parsed = cli::parseFlags(arguments, syntax());
    if (!parsed)
        return parsed.error();
    const cli::Flags &flags = *parsed;
    EvalOptions o;
    if (flags.help) {
        o.help = true;
        return o;
    }
    o.callbackSpec = flags.value(QStringLiteral("--callback"));
    if (o.callbackSpec.isEmpty())
        return makeError(QStringLiteral("--callback is required (see ango-console eval --help)"));
    o.cocoFile = flags.value(QStringLiteral("--coco"));
    o.exportFile = flags.value(QStringLiteral("--export"));
    o.imageDir = flags.value(QStringLiteral("--images"));
    o.project = flags.value(QStringLiteral("--project"));
    if (!o.cocoFile.isEmpty() && !o.exportFile.isEmpty())
        return makeError(QStringLiteral("--coco and --export exclude each other"));
    if (!o.project.isEmpty() && (!o.cocoFile.isEmpty() || !o.exportFile.isEmpty()))
        return makeError(QStringLiteral("--project excludes --coco and --export"));
    if (!o.project.isEmpty()) {
        auto project = parseProjectFlags(flags, o);
        if (!project)
            return project.error();
    }
    if (o.imageDir.isEmpty() && o.exportFile.isEmpty() && o.project.isEmpty())
        return makeError(QStringLiteral("--images is required (with --coco, or alone)"));
    o.mappingFile = flags.value(QStringLiteral("--mapping"));
    if (flags.has(QStringLiteral("--config"))) {
        auto text = readConfig(QStringLiteral("--config"), flags.value(QStringLiteral("--config")));
        if (!text)
            return text.error();
        o.configJson = *text;
    }
    if (flags.has(QStringLiteral("--concurrency"))) {
        auto count = cli::parseCount(QStringLiteral("--concurrency"),
                                     flags.value(QStringLiteral("--concurrency")));
        if (!count)
            return count.error();
        o.concurrency = *count;
    }
    if (flags.has(QStringLiteral("--timeout"))) {
        auto count = cli::parseCount(QStringLiteral("--timeout"),
                                     flags.value(QStringLiteral("--timeout")));
        if (!count)
            return count.error();
        o.timeoutSeconds = *count;
    }
    o.outFile = flags.value(QStringLiteral("--out"));
    if (flags.has(QStringLiteral("--min-map"))) {
        bool ok = false;
        const double x = flags.value(QStringLiteral("--min-map")).toDouble(&ok);
        if (!ok || !std::isfinite(x) || x < 0 || x > 1)
            return makeError(QStringLiteral("--min-map needs a number from 0 to 1 (got \"%1\")")
                                 .arg(flags.value(QStringLiteral("--min-map"))));
        o.minMap = x;
    }
    if (flags.has(QStringLiteral("--no-cache")) && flags.has(QStringLiteral("--cache-dir")))
        return makeError(QStringLiteral("--no-cache and --cache-dir exclude each other"));
    if (!flags.has(QStringLiteral("--no-cache"))) {
        o.cacheDir = flags.value(QStringLiteral("--cache-dir"));
        if (o.cacheDir.isEmpty())
            o.cacheDir = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
                         + QStringLiteral("/ango-console/eval");
    }
    o.predictionsFile = flags.value(QStringLiteral("--predictions"));
    o.labelImportFile = flags.value(QStringLiteral("--label-import"));
    o.projectId = flags.value(QStringLiteral("--project-id"));
    if (o.projectId.isEmpty())
        o.projectId = o.project; // the label import goes back to the project measured
    o.interpreter = flags.value(QStringLiteral("--python"));
    o.baselineFile = flags.value(QStringLiteral("--baseline"));
    o.compareCallbackSpec = flags.value(QStringLiteral("--compare-callback"));
    if (flags.has(QStringLiteral("--compare-config"))) {
        auto text = readConfig(QStringLiteral("--compare-config"),
                               flags.value(QStringLiteral("--compare-config")));
        if (!text)
            return text.error();
        o.compareConfigJson = *text;
    }
    const bool runsB = !o.compareCallbackSpec.isEmpty() || o.compareConfigJson;
    if (!o.baselineFile.isEmpty() && runsB)
        return makeError(QStringLiteral(
            "--baseline excludes --compare-callback and --compare-config (one A/B at a time)"));
    if (flags.has(QStringLiteral("--compare-callback")) && o.compareCallbackSpec.isEmpty())
        return makeError(QStringLiteral("--compare-callback needs a callback spec"));
    if (flags.has(QStringLiteral("--baseline")) && o.baselineFile.isEmpty())
        return makeError(QStringLiteral("--baseline needs a report file"));
    return o;
}

} // namespace ango::app
