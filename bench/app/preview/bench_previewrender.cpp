// Renders the preview of 10,000 boxes over a 1920x1080 image into a 1920x1080 QImage through the
// view's own paint path (viewport()->render), as a frame on screen is drawn, and prints the
// mean and worst frame time per scenario: wall clock, and the thread's CPU time, which stays
// meaningful when other jobs share the machine. Run with QT_QPA_PLATFORM=offscreen.
#include "panels/preview/previewscene.h"
#include "panels/preview/previewview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QLinearGradient>
#include <QPainter>
#include <QScrollBar>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <random>

#include <time.h>

namespace {

using nlohmann::json;
using namespace ango::app;

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;
constexpr int kFrames = 30;

QImage backgroundImage()
{
    QImage image(kWidth, kHeight, QImage::Format_RGB32);
    QPainter painter(&image);
    QLinearGradient gradient(0, 0, kWidth, kHeight);
    gradient.setColorAt(0, QColor(0x64, 0xb5, 0xf6));
    gradient.setColorAt(1, QColor(0x55, 0x8b, 0x2f));
    painter.fillRect(image.rect(), gradient);
    return image;
}

json randomBoxes(int count, int classes, unsigned seed)
{
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> size(8, 120);
    std::uniform_int_distribution<int> klass(0, classes - 1);
    json objects = json::array();
    for (int i = 0; i < count; ++i) {
        const double w = std::round(size(random));
        const double h = std::round(size(random));
        std::uniform_real_distribution<double> x(0, kWidth - w);
        std::uniform_real_distribution<double> y(0, kHeight - h);
        objects.push_back({{"schemaId", "class-" + std::to_string(klass(random))},
                           {"bounding-box",
                            {{"x", std::round(x(random))},
                             {"y", std::round(y(random))},
                             {"width", w},
                             {"height", h}}}});
    }
    return {{"objects", objects}, {"classifications", json::array()}, {"relations", json::array()}};
}

struct Timing
{
    double meanMs = 0;
    double maxMs = 0;
    double cpuMeanMs = 0;
    double cpuMaxMs = 0;
    int labels = 0;
};

double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

// `step` runs before each frame (pan, zoom) so no frame repeats the previous one exactly.
template <typename Step> Timing measure(PreviewView &view, Step step)
{
    QImage frame(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied);
    view.viewport()->render(&frame); // warm-up: index, glyph and pen caches
    Timing timing;
    for (int i = 0; i < kFrames; ++i) {
        step(i);
        QElapsedTimer timer;
        timer.start();
        const double cpuStart = threadCpuMs();
        view.viewport()->render(&frame);
        const double cpu = threadCpuMs() - cpuStart;
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        timing.meanMs += ms / kFrames;
        timing.maxMs = std::max(timing.maxMs, ms);
        timing.cpuMeanMs += cpu / kFrames;
        timing.cpuMaxMs = std::max(timing.cpuMaxMs, cpu);
    }
    timing.labels = view.lastLabelCount();
    return timing;
}

void report(const char *name, const Timing &timing)
{
    std::printf("%-48s wall mean %6.2f max %6.2f | cpu mean %6.2f max %6.2f ms | labels %d\n", name,
                timing.meanMs, timing.maxMs, timing.cpuMeanMs, timing.cpuMaxMs, timing.labels);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    PreviewScene scene;
    scene.setImage(backgroundImage());
    PreviewView view(&scene);
    view.setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view.setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view.resize(kWidth, kHeight);
    view.show();

    const json answer = randomBoxes(10000, 20, 42);
    QElapsedTimer build;
    build.start();
    scene.setAnswer(answer);
    std::printf("setAnswer(10,000 boxes): %.1f ms\n", build.nsecsElapsed() / 1e6);
    view.fitToContent();
    std::printf("viewport %dx%d, zoom %.3f, %d frames per scenario\n", view.viewport()->width(),
                view.viewport()->height(), view.zoom(), kFrames);

    report("fit, nothing changed (repaint)", measure(view, [](int) {}));
    // Any change to the objects (an edit, a selection, a class toggled) redraws every box.
    report("fit, objects changed every frame", measure(view, [&](int) { scene.setClasses({}); }));
    // Zooming also redraws the image under them: the worst case.
    report("fit, zoom changed every frame",
           measure(view, [&](int i) { view.setZoom(i % 2 ? 0.95 : 0.9); }));

    view.setZoom(1.5);
    report("150 %, panned every frame", measure(view, [&](int i) {
               view.centerOn(kWidth / 2.0 + (i % 10) * 8, kHeight / 2.0);
           }));

    view.setZoom(4.0);
    report("400 %, panned every frame", measure(view, [&](int i) {
               view.centerOn(kWidth / 2.0 + (i % 10) * 8, kHeight / 2.0);
           }));

    view.setZoom(12.0);
    view.centerOn(kWidth / 2.0, kHeight / 2.0);
    report("1200 %, labels on (few objects on screen)", measure(view, [](int) {}));

    view.fitToContent();
    view.setLabelBudget(100000);
    report("fit, all 10,000 labels forced on (not default)", measure(view, [](int) {}));
    view.setLabelBudget(300);

    const double hoverStart = threadCpuMs();
    int found = 0;
    for (int i = 0; i < 1000; ++i)
        found += view.overlayAt(QPoint((i * 37) % kWidth, (i * 53) % kHeight)) ? 1 : 0;
    std::printf("hover lookup (overlayAt): %.3f ms cpu each (%d hits of 1000)\n",
                (threadCpuMs() - hoverStart) / 1000, found);
    return 0;
}
