// Batch throughput against the eval issue's target: 1,000 images of 1280x720 through the python:
// adapter with a trivial callback at concurrency 4 in under 60 s. The images are generated PNGs
// (each different, so each is hashed and run); a second run over the same images shows the
// resume path (every result from the cache).
//
//   bench_eval_batch [--images N] [--concurrency N]

#include "callbacks/adapters/adapters.h"
#include "callbacks/callbackfactory.h"
#include "eval/batchrun.h"
#include "runtime/pluginruntime.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace ango;

namespace {

double runBatch(runtime::PluginRuntime &runtime, const eval::Dataset &dataset,
                const eval::BatchOptions &options, eval::BatchProgress &progress)
{
    eval::BatchRun batch(&runtime, dataset, options);
    QElapsedTimer clock;
    bool done = false;
    QObject::connect(&batch, &eval::BatchRun::finished, &batch, [&] {
        done = true;
        QCoreApplication::exit(0);
    });
    clock.start();
    QTimer::singleShot(0, &batch, [&batch] { batch.start(); });
    QCoreApplication::exec();
    progress = batch.progress();
    return done ? double(clock.nsecsElapsed()) / 1e9 : -1;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv); // QImage/QPainter to write the PNGs
    int images = 1000;
    int concurrency = 4;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--images"))
            images = args[i + 1].toInt();
        if (args[i] == QLatin1String("--concurrency"))
            concurrency = args[i + 1].toInt();
    }
    QTemporaryDir dir;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < images; ++i) {
        QImage image(1280, 720, QImage::Format_RGB32);
        image.fill(QColor::fromHsv(i % 360, 200, 200));
        QPainter painter(&image);
        painter.drawText(QRect(0, 0, 1280, 720), Qt::AlignCenter, QString::number(i));
        painter.end();
        image.save(dir.filePath(QStringLiteral("img%1.png").arg(i, 5, 10, QLatin1Char('0'))));
    }
    std::printf("generated %d PNGs of 1280x720 in %.1f s (not measured)\n", images,
                double(clock.elapsed()) / 1000.0);

    auto dataset = eval::loadImageFolder(dir.path());
    if (!dataset) {
        std::fprintf(stderr, "%s\n", qPrintable(dataset.error().message));
        return 1;
    }
    dataset->categories.push_back(eval::Category{QStringLiteral("thing"), {}, 1});
    callbacks::adapters::registerAdapterKinds();
    const QString script = QStringLiteral(ANGO_BENCH_DIR "/trivial_plugin.py");
    auto callback = callbacks::createCallback(QStringLiteral("python:") + script,
                                              {{QStringLiteral("concurrency"), concurrency}});
    if (!callback) {
        std::fprintf(stderr, "%s\n", qPrintable(callback.error().message));
        return 1;
    }
    runtime::PluginRuntime runtime(runtime::RuntimeOptions{}, callback->get());
    eval::BatchOptions options;
    options.callbackIdentity = eval::callbackIdentity(QStringLiteral("python:") + script);
    options.categorySchema
        = nlohmann::json::parse(R"([{"schemaId": "thing", "modelClass": "thing"}])");
    options.concurrency = concurrency;
    options.cacheDir = dir.filePath(QStringLiteral("cache"));

    eval::BatchProgress progress;
    const double seconds = runBatch(runtime, *dataset, options, progress);
    std::printf("batch: %d images 1280x720, python: adapter, trivial callback, concurrency %d: "
                "%.1f s, %.0f images/s, %lld failed (target < 60 s) %s\n",
                images, concurrency, seconds, double(images) / seconds,
                static_cast<long long>(progress.failed),
                seconds >= 0 && seconds < 60 && progress.failed == 0 ? "PASS" : "FAIL");
    const double resumed = runBatch(runtime, *dataset, options, progress);
    std::printf("resume: the same batch again, every result from the cache: %.2f s (%lld "
                "cached)\n",
                resumed, static_cast<long long>(progress.cached));
    return 0;
}
