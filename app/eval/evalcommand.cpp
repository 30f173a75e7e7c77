#include "evalcommand.h"

#include "callbacks/adapters/adapters.h"
#include "callbacks/callbackfactory.h"
#include "cli/output.h"
#include "eval/batchrun.h"
#include "eval/datasetfile.h"
#include "eval/exports.h"
#include "evalcompare.h"
#include "evaloptions.h"
#include "evalproject.h"
#include "evalreport.h"
#include "runner/signalwatcher.h"
#include "runtime/pluginruntime.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSaveFile>
#include <QTimer>

#include <csignal>
#include <cstdio>

namespace {

using namespace ango;

constexpr int kExitBelowMinimum = 1;
constexpr int kExitBadUsage = 2;
constexpr int kExitInterrupted = 130; // 128 + SIGINT, as shells report it
// After the first SIGINT/SIGTERM the images already running get this long to finish (and be
// cached); then, or on a second signal, they are cancelled.
constexpr int kDrainMs = 10000;

void printError(const QString &message)
{
    ango::cli::printError("eval", message);
}

QString writeJson(const QString &path, const nlohmann::json &value)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    file.write(QByteArray::fromStdString(
        value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)));
    file.write("\n");
    if (!file.commit())
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    return {};
}

Result<eval::Dataset> loadDataset(const app::EvalOptions &o)
{
    if (!o.cocoFile.isEmpty())
        return eval::loadCocoDataset(o.cocoFile, o.imageDir);
    if (!o.exportFile.isEmpty())
        return eval::loadAngoExport(o.exportFile, o.imageDir);
    if (!o.project.isEmpty())
        return app::loadProjectDataset(o);
    return eval::loadImageFolder(o.imageDir);
}

Result<eval::ClassMapping> loadMapping(const app::EvalOptions &o, const eval::Dataset &dataset)
{
    nlohmann::json given;
    if (!o.mappingFile.isEmpty()) {
        auto read = eval::detail::readJsonFile(o.mappingFile, 16 * 1024 * 1024);
        if (!read)
            return makeError(QStringLiteral("--mapping: ") + read.error().message);
        given = std::move(read.value());
    }
    auto mapping = eval::mappingFromModelClasses(dataset, given);
    if (!mapping && !o.mappingFile.isEmpty())
        return makeError(o.mappingFile + QStringLiteral(": ") + mapping.error().message);
    return mapping;
}

// Progress on stderr at most once a second, and at the end.
class ProgressPrinter
{
public:
    void print(const eval::BatchProgress &p)
    {
        const bool last = p.done == p.total;
        if ((m_clock.isValid() && m_clock.elapsed() < 1000 && !last) || (last && m_printedLast))
            return;
        m_printedLast = last;
        m_clock.start();
        const QString eta
            = p.etaSeconds < 0 ? QStringLiteral("?") : QString::number(p.etaSeconds, 'f', 0);
        printError(QStringLiteral("%1/%2 images (%3 cached, %4 failed), %5/s, ETA %6 s")
                       .arg(p.done)
                       .arg(p.total)
                       .arg(p.cached)
                       .arg(p.failed)
                       .arg(p.ratePerSecond, 0, 'f', 1)
                       .arg(eta));
    }

private:
    QElapsedTimer m_clock;
    bool m_printedLast = false;
};

// What an interrupted batch did, so the user knows what a re-run will still compute.
QString interruptedSummary(const eval::BatchRun &batch, const QString &cacheDir, int signalNumber)
{
    qsizetype computed = 0;
    qsizetype cached = 0;
    qsizetype failed = 0;
    qsizetype notRun = 0;
    for (const eval::ImageRun &run : batch.runs()) {
        switch (run.state) {
        case eval::ImageRun::State::Done:
            ++(run.cached ? cached : computed);
            break;
        case eval::ImageRun::State::Failed:
            ++failed;
            break;
        default:
            ++notRun;
            break;
        }
    }
    const QString signalName
        = signalNumber == SIGTERM ? QStringLiteral("SIGTERM") : QStringLiteral("SIGINT");
    QString text = QStringLiteral("interrupted by %1: %2 of %3 images have a result (%4 computed "
                                  "now, %5 from the cache), %6 failed, %7 not run")
                       .arg(signalName)
                       .arg(computed + cached)
                       .arg(batch.runs().size())
                       .arg(computed)
                       .arg(cached)
                       .arg(failed)
                       .arg(notRun);
    text += cacheDir.isEmpty()
                ? QStringLiteral("; --no-cache: nothing is kept, no report written")
                : QStringLiteral("; every result is kept in %1: the same command resumes, no "
                                 "report written")
                      .arg(cacheDir);
    return text;
}

} // namespace

int runEvalCommand(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QStringList arguments = QCoreApplication::arguments();
    arguments.removeFirst();
    if (!arguments.isEmpty() && arguments.constFirst() == QLatin1String("eval"))
        arguments.removeFirst();
    auto parsed = app::parseEvalArguments(arguments);
    if (!parsed) {
        printError(parsed.error().message);
        return kExitBadUsage;
    }
    const app::EvalOptions options = std::move(parsed.value());
    if (options.help) {
        const QByteArray usage = app::evalUsage().toUtf8();
        std::fwrite(usage.constData(), 1, size_t(usage.size()), stdout);
        return 0;
    }

    auto dataset = loadDataset(options);
    if (!dataset) {
        printError(dataset.error().message);
        return kExitBadUsage;
    }
    for (const eval::DatasetProblem &problem : dataset->problems)
        printError(QStringLiteral("warning: ") + problem.text());
    if (dataset->problemCount > qsizetype(dataset->problems.size()))
        printError(QStringLiteral("warning: %1 more dataset problems")
                       .arg(dataset->problemCount - qsizetype(dataset->problems.size())));
    if (dataset->images.empty()) {
        printError(QStringLiteral("the dataset has no image to run on"));
        return kExitBadUsage;
    }
    auto mapping = loadMapping(options, *dataset);
    if (!mapping) {
        printError(mapping.error().message);
        return kExitBadUsage;
    }

    callbacks::adapters::registerAdapterKinds();
    QVariantMap callbackOptions{{QStringLiteral("concurrency"), options.concurrency}};
    if (!options.interpreter.isEmpty())
        callbackOptions.insert(QStringLiteral("interpreter"), options.interpreter);
    auto callback = callbacks::createCallback(options.callbackSpec, callbackOptions);
    if (!callback) {
        printError(QStringLiteral("--callback: ") + callback.error().message);
        return kExitBadUsage;
    }
    std::unique_ptr<callbacks::Callback> callbackObject = std::move(callback.value());

    runtime::RuntimeOptions runtimeOptions;
    runtimeOptions.requestTimeout = std::chrono::seconds(options.timeoutSeconds);
    runtimeOptions.minimumLogLevel = logging::Level::Warning;
    runtime::PluginRuntime runtime(runtimeOptions, callbackObject.get());
    // A/B (evalcompare.h): a saved report as A, or B run first through the same cache.
    auto comparison
        = app::EvalComparison::prepare(options, *dataset, *mapping, &runtime, callbackOptions);
    if (!comparison) {
        printError(comparison.error().message);
        return kExitBadUsage;
    }

    eval::BatchOptions batchOptions;
    batchOptions.callbackIdentity = eval::callbackIdentity(options.callbackSpec);
    batchOptions.categorySchema = mapping->categorySchema;
    batchOptions.configJson = options.configJson;
    batchOptions.concurrency = options.concurrency;
    batchOptions.cacheDir = options.cacheDir;
    eval::BatchRun batch(&runtime, *dataset, batchOptions);
    ProgressPrinter printer;
    int interruptedBy = 0; // the signal that interrupted the batch, 0 while not interrupted
    QObject::connect(&batch, &eval::BatchRun::progressed, &batch,
                     [&printer, &interruptedBy](const eval::BatchProgress &p) {
                         // Once interrupted, images not run would count as failed: the summary
                         // at the end says what happened instead.
                         if (interruptedBy == 0)
                             printer.print(p);
                     });
    QObject::connect(&batch, &eval::BatchRun::cacheWriteFailed, &batch, [](const QString &message) {
        printError(QStringLiteral("warning: ") + message);
    });
    // SIGINT/SIGTERM: start no new image, let the running ones finish and be cached (bounded),
    // say what was done and exit 130; a second signal cancels the running ones at once.
    app::SignalWatcher signalWatcher;
    if (!signalWatcher.isValid())
        printError(QStringLiteral("warning: cannot watch SIGINT/SIGTERM"));
    QTimer drainLimit;
    drainLimit.setSingleShot(true);
    QObject::connect(&drainLimit, &QTimer::timeout, &batch, [&batch] {
        printError(QStringLiteral("the running images did not finish within %1 s: cancelled")
                       .arg(kDrainMs / 1000));
        batch.cancel();
    });
    QObject::connect(&signalWatcher, &app::SignalWatcher::terminationRequested, &batch,
                     [&](int signalNumber, int count) {
                         if (count > 1) {
                             printError(QStringLiteral("second signal: cancelling the running "
                                                       "images"));
                             batch.cancel();
                             return;
                         }
                         interruptedBy = signalNumber;
                         printError(QStringLiteral("interrupted: no new image is started; "
                                                   "waiting up to %1 s for the %2 running")
                                        .arg(kDrainMs / 1000)
                                        .arg(batch.progress().running));
                         drainLimit.start(kDrainMs);
                         batch.drain();
                     });
    QElapsedTimer clock;
    clock.start();
    int exitCode = 0;
    QObject::connect(&batch, &eval::BatchRun::finished, &batch, [&](bool) {
        if (interruptedBy != 0) {
            drainLimit.stop();
            // Results were cached as each run finished (whole files, renamed into place):
            // nothing is left to flush.
            printError(interruptedSummary(batch, batchOptions.cacheDir, interruptedBy));
            QCoreApplication::exit(kExitInterrupted);
            return;
        }
        app::EvalInputs inputs;
        inputs.dataset = &*dataset;
        inputs.mapping = &*mapping;
        inputs.runs = &batch.runs();
        inputs.callbackSpec = options.callbackSpec;
        inputs.callbackIdentity = batchOptions.callbackIdentity;
        inputs.configJson = options.configJson;
        inputs.seconds = double(clock.elapsed()) / 1000.0;
        const app::EvalOutcome outcome = app::evaluateRuns(inputs);
        nlohmann::json report = app::buildReport(inputs, outcome);
        const QString comparisonTable
            = *comparison ? (*comparison)->addTo(report, inputs, outcome) : QString();
        for (std::size_t i = 0; i < batch.runs().size(); ++i) {
            if (!batch.runs()[i].error.isEmpty())
                printError(
                    QStringLiteral("%1: %2").arg(dataset->images[i].key, batch.runs()[i].error));
        }
        const QByteArray table = app::classTable(report).toUtf8();
        std::fwrite(table.constData(), 1, size_t(table.size()), stdout);
        const QByteArray abTable = comparisonTable.toUtf8();
        std::fwrite(abTable.constData(), 1, size_t(abTable.size()), stdout);
        std::fflush(stdout);
        QStringList writeErrors;
        if (!options.outFile.isEmpty())
            writeErrors << writeJson(options.outFile, report);
        if (!options.predictionsFile.isEmpty())
            writeErrors << writeJson(options.predictionsFile,
                                     eval::cocoResults(*dataset, outcome.predictions));
        if (!options.labelImportFile.isEmpty())
            writeErrors << writeJson(
                options.labelImportFile,
                eval::labelImportBody(*dataset, batch.runs(), options.projectId));
        writeErrors.removeAll(QString());
        for (const QString &error : std::as_const(writeErrors))
            printError(error);
        const double ap = report["overall"]["AP"].get<double>();
        if (options.minMap && ap < *options.minMap) {
            printError(QStringLiteral("AP@[.5:.95] %1 is below --min-map %2")
                           .arg(ap, 0, 'f', 4)
                           .arg(*options.minMap));
            exitCode = kExitBelowMinimum;
        } else if (!writeErrors.isEmpty() || (*comparison && (*comparison)->failed())) {
            exitCode = kExitBadUsage;
        }
        QCoreApplication::exit(exitCode);
    });
    QTimer::singleShot(0, &batch, [&batch, &comparison] {
        if (*comparison)
            (*comparison)->runB([&batch] { batch.start(); });
        else
            batch.start();
    });
    return QCoreApplication::exec();
}
