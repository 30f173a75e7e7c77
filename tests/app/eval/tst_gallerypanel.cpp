// The eval gallery: thumbnails arrive from the thread pool (scaled, cached, decoded once), rows
// sort by problems and latency, "problems only" hides clean images, a failure sorts first.
#include "callbacks/functioncallback.h"
#include "panels/gallery/evalpanel.h"
#include "panels/gallery/gallerymodel.h"
#include "panels/gallery/gallerypanel.h"
#include "panels/gallery/thumbnailcache.h"
#include "runtime/pluginruntime.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QListView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace ango;
using namespace ango::app;

class tst_GalleryPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // not the user's cache
    void thumbnailsAreDecodedOffThreadAndCached();
    void sortsAndFilters();
    void paintingNeverDecodes();
    void filtersByClass();
    void evalPanelRunsAndScores();
};

void tst_GalleryPanel::thumbnailsAreDecodedOffThreadAndCached()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.png"));
    QImage big(1280, 720, QImage::Format_RGB32);
    big.fill(Qt::darkCyan);
    QVERIFY(big.save(path));
    ThumbnailCache cache(QSize(160, 120));
    QSignalSpy ready(&cache, &ThumbnailCache::ready);
    QVERIFY(cache.thumbnail(path).isNull()); // not on the GUI thread: later
    QVERIFY(cache.thumbnail(path).isNull());
    QCOMPARE(cache.decodesStarted(), 1); // a second request while in flight starts nothing
    QTRY_COMPARE(ready.size(), 1);
    const QPixmap thumb = cache.thumbnail(path);
    QCOMPARE(thumb.size(), QSize(160, 90)); // scaled while decoding, aspect kept
    QCOMPARE(cache.decodesStarted(), 1);

    QSignalSpy failed(&cache, &ThumbnailCache::failed);
    QVERIFY(cache.thumbnail(dir.filePath(QStringLiteral("missing.png"))).isNull());
    QTRY_COMPARE(failed.size(), 1);
}

void tst_GalleryPanel::sortsAndFilters()
{
    eval::Dataset dataset;
    dataset.categories.push_back(eval::Category{QStringLiteral("cat"), {}, 1});
    std::vector<eval::ImageRun> runs(4);
    eval::EvalResult metrics;
    metrics.images.resize(4);
    const int fp[] = {0, 2, 0, 1};
    const int fn[] = {0, 1, 0, 0};
    const int tp[] = {3, 1, 0, 2};
    const qint64 latency[] = {10, 5, 40, 20};
    for (int i = 0; i < 4; ++i) {
        eval::DatasetImage image;
        image.key = QStringLiteral("img%1").arg(i);
        dataset.images.push_back(image);
        runs[std::size_t(i)].state = eval::ImageRun::State::Done;
        runs[std::size_t(i)].durationMs = latency[i];
        metrics.images[std::size_t(i)].fp = fp[i];
        metrics.images[std::size_t(i)].fn = fn[i];
        metrics.images[std::size_t(i)].tp = tp[i];
    }
    runs[2].state = eval::ImageRun::State::Failed;
    runs[2].error = QStringLiteral("model exploded");

    GalleryPanel panel;
    panel.setResults(&dataset, &runs, &metrics);
    QCOMPARE(panel.shownImages(), (QList<int>{2, 1, 3, 0})); // failure, then most FP + FN
    panel.setSortKey(GalleryPanel::SortKey::Latency);
    QCOMPARE(panel.shownImages(), (QList<int>{2, 3, 0, 1}));
    panel.setSortKey(GalleryPanel::SortKey::Name);
    QCOMPARE(panel.shownImages(), (QList<int>{0, 1, 2, 3}));
    // F1 = 2TP / (2TP + FP + FN): 1, 0.4, failed (0), 0.8; the worst first.
    panel.setSortKey(GalleryPanel::SortKey::Score);
    QCOMPARE(panel.shownImages(), (QList<int>{2, 1, 3, 0}));
    QCOMPARE(imageScore(metrics.images[1]), 0.4);
    panel.setSortKey(GalleryPanel::SortKey::Name);
    panel.setProblemsOnly(true);
    QCOMPARE(panel.shownImages(), (QList<int>{1, 2, 3}));
    panel.setProblemsOnly(false);
    QCOMPARE(panel.shownImages().size(), 4);
    panel.setShow(GalleryPanel::Show::Failed);
    QCOMPARE(panel.shownImages(), (QList<int>{2}));
    panel.setShow(GalleryPanel::Show::All);
}

// The class filter keeps images with the class in their ground truth or in their detections.
void tst_GalleryPanel::filtersByClass()
{
    eval::Dataset dataset;
    dataset.categories.push_back(eval::Category{QStringLiteral("cat"), {}, 1});
    dataset.categories.push_back(eval::Category{QStringLiteral("dog"), {}, 2});
    for (int i = 0; i < 3; ++i) {
        eval::DatasetImage image;
        image.key = QStringLiteral("img%1").arg(i);
        dataset.images.push_back(image);
    }
    dataset.images[0].truth.push_back(eval::TruthObject{0, {}});
    dataset.images[1].truth.push_back(eval::TruthObject{1, {}});
    std::vector<std::vector<eval::Detection>> detections(3);
    detections[2].push_back(eval::Detection{1, {}, 0.9}); // a dog found where none is
    GalleryPanel panel;
    panel.setResults(&dataset, nullptr, nullptr, &detections);
    auto *classes = panel.findChild<QComboBox *>(QStringLiteral("galleryClass"));
    QVERIFY(classes);
    QCOMPARE(classes->count(), 3); // all, cat, dog
    panel.setClassFilter(1);
    QCOMPARE(panel.shownImages(), (QList<int>{1, 2}));
    classes->setCurrentIndex(1); // cat, as a user picks it
    QCOMPARE(panel.shownImages(), (QList<int>{0}));
    panel.setClassFilter(-1);
    QCOMPARE(panel.shownImages().size(), 3);
}

void tst_GalleryPanel::paintingNeverDecodes()
{
    QTemporaryDir dir;
    eval::Dataset dataset;
    for (int i = 0; i < 3; ++i) {
        QImage image(640, 480, QImage::Format_RGB32);
        image.fill(QColor(40 * i, 100, 200));
        eval::DatasetImage entry;
        entry.key = QStringLiteral("img%1").arg(i);
        entry.localPath = dir.filePath(entry.key + QStringLiteral(".png"));
        QVERIFY(image.save(entry.localPath));
        dataset.images.push_back(entry);
    }
    GalleryPanel panel;
    panel.resize(800, 600);
    panel.show();
    panel.setResults(&dataset, nullptr, nullptr);
    ThumbnailCache *cache = panel.thumbnails();
    QSignalSpy ready(cache, &ThumbnailCache::ready);
    // The first paint finds nothing cached: it asks the pool and draws placeholders, decoding
    // nothing itself.
    (void)panel.grab();
    QCOMPARE(cache->decodesStarted(), 3);
    QCOMPARE(cache->cachedCount(), 0);
    // Every cell is thumbnail-sized with room for its caption, decoded or not (the view lays
    // them out once, uniformly: a cell sized by a missing thumbnail clipped them all).
    auto *view = panel.findChild<QListView *>();
    QVERIFY(view);
    const QRect cell = view->visualRect(view->model()->index(0, 0));
    QVERIFY2(cell.width() >= 160 && cell.height() >= 120 + 2 * view->fontMetrics().height(),
             qPrintable(QStringLiteral("%1x%2").arg(cell.width()).arg(cell.height())));
    QTRY_COMPARE(ready.size(), 3);
    // Once cached, painting only reads the cache; opaque thumbnails are packed to 3 bytes a pixel.
    (void)panel.grab();
    (void)panel.grab();
    QCOMPARE(cache->decodesStarted(), 3);
    QCOMPARE(cache->cachedCount(), 3);
    const QPixmap thumb = cache->cached(dataset.images[0].localPath);
    QCOMPARE(thumb.size(), QSize(160, 120));
    QCOMPARE(thumb.toImage().format(), QImage::Format_RGB888);
    QCOMPARE(cache->cachedBytes(), qsizetype(3) * ((160 * 3 * 120) / 1024) * 1024);
}

void tst_GalleryPanel::evalPanelRunsAndScores()
{
    // Two images, one cat each; the callback finds the cat of the first only, with the window's
    // mapping (schemaId "s-cat" for the model class "cat").
    QTemporaryDir dir;
    QImage image(64, 48, QImage::Format_RGB32);
    image.fill(Qt::white);
    QVERIFY(image.save(dir.filePath(QStringLiteral("a.png"))));
    image.fill(Qt::black);
    QVERIFY(image.save(dir.filePath(QStringLiteral("b.png"))));
    QFile coco(dir.filePath(QStringLiteral("coco.json")));
    QVERIFY(coco.open(QIODevice::WriteOnly));
    coco.write(R"({"images": [{"id": 1, "file_name": "a.png"}, {"id": 2, "file_name": "b.png"}],
                  "categories": [{"id": 1, "name": "Cat"}],
                  "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 20, 10]},
                                  {"id": 2, "image_id": 2, "category_id": 1, "bbox": [5, 5, 9, 9]}]})");
    coco.close();
    callbacks::FunctionCallback model(
        [](const callbacks::Call &call) -> ango::Result<nlohmann::json> {
            if (call.request.value("dataURL", "").find("a.png") == std::string::npos)
                return nlohmann::json{{"objects", nlohmann::json::array()}};
            return nlohmann::json{
                {"objects",
                 {{{"schemaId", "s-cat"},
                   {"bounding-box", {{"x", 1}, {"y", 2}, {"width", 20}, {"height", 10}}}}}}};
        });
    runtime::PluginRuntime runtime(runtime::RuntimeOptions{}, &model);
    EvalPanel panel([&runtime] { return &runtime; },
                    [] {
                        return EvalSetup{QStringLiteral("test:function"),
                                         nlohmann::json::parse(
                                             R"([{"schemaId": "s-cat", "modelClass": "cat"}])"),
                                         std::nullopt};
                    });
    QDir(QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
         + QStringLiteral("/ango-console/eval"))
        .removeRecursively();
    QVERIFY(panel.openDataset(dir.filePath(QStringLiteral("coco.json")), dir.path()).ok());
    QSignalSpy evaluated(&panel, &EvalPanel::evaluated);
    panel.start();
    QTRY_COMPARE(evaluated.size(), 1);
    // Recall 1/2 at precision 1: recall points 0..0.50 -> 51/101 = 0.505.
    QVERIFY2(panel.summary().startsWith(QStringLiteral("AP 0.505 · AP50 0.505")),
             qPrintable(panel.summary()));
    QCOMPARE(panel.gallery()->shownImages(), (QList<int>{1, 0})); // the miss first
}

QTEST_MAIN(tst_GalleryPanel)
#include "tst_gallerypanel.moc"
