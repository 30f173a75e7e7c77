// The eval gallery with 10,000 images: every thumbnail decoded on the thread pool and cached,
// then the view scrolled from top to bottom in steps of a third of a page, each step followed by
// a forced repaint of the whole viewport, timed with QElapsedTimer. Prints max/p99/p50 frame
// times (wall clock, and the GUI thread's CPU time, which stays meaningful when other jobs share
// the machine) against the 16 ms target and the process's resident memory against 1 GB.
// Run with QT_QPA_PLATFORM=offscreen.
//
// The 10,000 files are symbolic links to 16 generated 640x480 PNGs: decoding cost is that of a
// real file each time (the cache is keyed by path), without writing 10,000 images to disk.
#include "eval/batchrun.h"
#include "eval/cocoeval.h"
#include "eval/dataset.h"
#include "panels/gallery/gallerypanel.h"
#include "panels/gallery/thumbnailcache.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QListView>
#include <QPainter>
#include <QScrollBar>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <time.h>

namespace {

using namespace ango;

constexpr int kDefaultImages = 10000;
constexpr int kDistinct = 16;
constexpr double kTargetMs = 16.0;
constexpr double kMemoryTargetMb = 1024.0;

double statusMb(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toDouble() / 1024.0;
    }
    return -1;
}

QImage sourceImage(int seed)
{
    std::mt19937 random{unsigned(seed)};
    std::uniform_int_distribution<int> byte(0, 255);
    QImage image(640, 480, QImage::Format_RGB32);
    QPainter painter(&image);
    painter.fillRect(image.rect(), QColor(byte(random), byte(random), byte(random)));
    for (int i = 0; i < 12; ++i)
        painter.fillRect(QRect(byte(random) * 2, byte(random) * 2 - 40, 40 + byte(random) / 2,
                               30 + byte(random) / 3),
                         QColor(byte(random), byte(random), byte(random)));
    return image;
}

// The GUI thread's own CPU time: what a frame costs when other jobs share the machine.
double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

double percentile(std::vector<double> sorted, double p)
{
    std::sort(sorted.begin(), sorted.end());
    const std::size_t rank = std::size_t(std::ceil(p * double(sorted.size())));
    return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

} // namespace

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int kImages = argc > 1 ? std::max(1, std::atoi(argv[1])) : kDefaultImages;
    QTemporaryDir dir;
    if (!dir.isValid())
        return 1;

    // The dataset, runs and per-image outcomes the gallery shows (random TP/FP/FN, latencies).
    for (int i = 0; i < kDistinct; ++i) {
        if (!sourceImage(i).save(dir.filePath(QStringLiteral("source%1.png").arg(i))))
            return 1;
    }
    eval::Dataset dataset;
    dataset.categories.push_back(eval::Category{QStringLiteral("cat"), {}, 1});
    std::vector<eval::ImageRun> runs(kImages);
    eval::EvalResult metrics;
    metrics.images.resize(kImages);
    std::mt19937 random(7);
    std::uniform_int_distribution<int> count(0, 5);
    for (int i = 0; i < kImages; ++i) {
        eval::DatasetImage image;
        image.key = QStringLiteral("image%1").arg(i, 5, 10, QLatin1Char('0'));
        image.fileName = image.key + QStringLiteral(".png");
        image.localPath = dir.filePath(image.fileName);
        if (!QFile::link(dir.filePath(QStringLiteral("source%1.png").arg(i % kDistinct)),
                         image.localPath))
            return 1;
        dataset.images.push_back(std::move(image));
        runs[std::size_t(i)].state = eval::ImageRun::State::Done;
        runs[std::size_t(i)].durationMs = 5 + count(random) * 10;
        metrics.images[std::size_t(i)].tp = count(random);
        metrics.images[std::size_t(i)].fp = count(random);
        metrics.images[std::size_t(i)].fn = count(random);
    }

    app::GalleryPanel panel;
    panel.resize(1280, 800);
    panel.show();
    panel.setResults(&dataset, &runs, &metrics);
    auto *view = panel.findChild<QListView *>();
    app::ThumbnailCache *cache = panel.thumbnails();

    // Warm the cache: every thumbnail asked for once, decoded on the pool.
    QElapsedTimer warm;
    warm.start();
    int settled = 0;
    QObject::connect(cache, &app::ThumbnailCache::ready, [&settled] { ++settled; });
    QObject::connect(cache, &app::ThumbnailCache::failed, [&settled] { ++settled; });
    for (const eval::DatasetImage &image : dataset.images)
        (void)cache->thumbnail(image.localPath);
    while (settled < kImages && warm.elapsed() < 600000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const double warmSeconds = double(warm.elapsed()) / 1000.0;
    std::printf("thumbnails: %d of %d cached (%d decodes started) in %.1f s, %.0f MB of pixmaps\n",
                cache->cachedCount(), kImages, cache->decodesStarted(), warmSeconds,
                double(cache->cachedBytes()) / (1024.0 * 1024.0));

    // Scroll top to bottom; each step a synchronous repaint of the whole viewport.
    QScrollBar *bar = view->verticalScrollBar();
    bar->setValue(0);
    view->viewport()->repaint();
    const int step = std::max(1, bar->pageStep() / 3);
    const int decodesBefore = cache->decodesStarted();
    std::vector<double> frames;
    std::vector<double> cpuFrames;
    QElapsedTimer frame;
    for (int value = 0; value <= bar->maximum() && frames.size() < 100000; value += step) {
        const double cpuStart = threadCpuMs();
        frame.start();
        bar->setValue(value);
        view->viewport()->repaint();
        frames.push_back(double(frame.nsecsElapsed()) / 1e6);
        cpuFrames.push_back(threadCpuMs() - cpuStart);
        QCoreApplication::processEvents(); // what the loop would do between frames, untimed
    }
    const double worst = *std::max_element(frames.begin(), frames.end());
    const double p99 = percentile(frames, 0.99);
    const double p50 = percentile(frames, 0.50);
    const double cpuWorst = *std::max_element(cpuFrames.begin(), cpuFrames.end());
    std::printf("scroll: %zu frames over %d px (step %d px, viewport %dx%d), decodes during "
                "scroll %d\n",
                frames.size(), bar->maximum(), step, view->viewport()->width(),
                view->viewport()->height(), cache->decodesStarted() - decodesBefore);
    std::printf("  wall clock per frame:       max %6.2f ms, p99 %6.2f ms, p50 %6.2f ms  (target: "
                "none over %.0f ms) %s\n",
                worst, p99, p50, kTargetMs, worst <= kTargetMs ? "PASS" : "FAIL");
    std::printf("  GUI thread CPU per frame:   max %6.2f ms, p99 %6.2f ms, p50 %6.2f ms  (target: "
                "none over %.0f ms) %s\n",
                cpuWorst, percentile(cpuFrames, 0.99), percentile(cpuFrames, 0.50), kTargetMs,
                cpuWorst <= kTargetMs ? "PASS" : "FAIL");
    const double rss = statusMb("VmRSS");
    const double peak = statusMb("VmHWM");
    std::printf("memory for %d images with thumbnails cached: RSS %.0f MB, peak %.0f MB (target "
                "< %.0f MB) %s\n",
                kImages, rss, peak, kMemoryTargetMb, peak < kMemoryTargetMb ? "PASS" : "FAIL");
    // Wall-clock frames include the time other processes hold the CPU: the exit status follows
    // what the gallery itself costs.
    return cpuWorst <= kTargetMs && peak < kMemoryTargetMb ? 0 : 1;
}
