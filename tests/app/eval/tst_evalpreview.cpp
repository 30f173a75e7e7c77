// Opening a gallery image shows it in the main preview with ground truth and predictions as
// core/eval matched them at IoU 0.5: a true positive, a false positive and a missed object each
// in its own style, a legend with the counts, and nothing left over another image or a normal
// run's answer.
#include "callbacks/functioncallback.h"
#include "panels/gallery/evalmarks.h"
#include "panels/gallery/evalpanel.h"
#include "panels/gallery/evalpreviewlink.h"
#include "panels/gallery/gallerymodel.h"
#include "panels/gallery/gallerypanel.h"
#include "panels/preview/evaloverlay.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewscene.h"
#include "panels/preview/previewview.h"
#include "runtime/pluginruntime.h"
#include "testfiles.h"

#include <QDir>
#include <QImage>
#include <QLabel>
#include <QListView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace ango;
using namespace ango::app;
using nlohmann::json;

namespace {

int evalItemsInScene(const PreviewScene *scene)
{
    int count = 0;
    for (const QGraphicsItem *item : scene->items())
        count += item->type() == EvalMarkItem::Type;
    return count;
}

// Pixels of the view that are (nearly) this colour.
int pixelsNear(const QImage &image, const QColor &color)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            count += std::abs(c.red() - color.red()) + std::abs(c.green() - color.green())
                         + std::abs(c.blue() - color.blue())
                     < 24;
        }
    }
    return count;
}

} // namespace

class tst_EvalPreview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // not the user's cache
    void init();
    void cleanup();
    void openedImageShowsMatchedMarks();
    void marksNeverOutliveTheirImage();
    void crowdRegionsAreIgnoredMarks();

private:
    void openFromGallery(int imageIndex);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<callbacks::FunctionCallback> m_model;
    std::unique_ptr<runtime::PluginRuntime> m_runtime;
    std::unique_ptr<PreviewPanel> m_preview;
    std::unique_ptr<EvalPanel> m_evaluate;
    std::unique_ptr<EvalPreviewLink> m_link;
};

void tst_EvalPreview::init()
{
    // a.png: a cat found where it is (TP), a second "cat" where there is none (FP), and a cat
    // the model did not see (missed). b.png: one cat, nothing found.
    m_dir = std::make_unique<QTemporaryDir>();
    QImage image(200, 100, QImage::Format_RGB32);
    image.fill(QColor(0x40, 0x40, 0x80));
    QVERIFY(image.save(m_dir->filePath(QStringLiteral("a.png"))));
    image.fill(QColor(0x20, 0x60, 0x20));
    QVERIFY(image.save(m_dir->filePath(QStringLiteral("b.png"))));
    test::writeFile(m_dir->filePath(QStringLiteral("coco.json")), R"({
        "images": [{"id": 1, "file_name": "a.png"}, {"id": 2, "file_name": "b.png"}],
        "categories": [{"id": 1, "name": "cat"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 60, 40]},
            {"id": 2, "image_id": 1, "category_id": 1, "bbox": [120, 20, 50, 50]},
            {"id": 3, "image_id": 2, "category_id": 1, "bbox": [30, 30, 40, 40]}]})");
    m_model = std::make_unique<callbacks::FunctionCallback>(
        [](const callbacks::Call &call) -> ango::Result<json> {
            if (call.request.value("dataURL", "").find("a.png") == std::string::npos)
                return json{{"objects", json::array()}};
            return json{
                {"objects",
                 {{{"schemaId", "s-cat"},
                   {"confidence", 0.9},
                   {"bounding-box", {{"x", 10}, {"y", 10}, {"width", 60}, {"height", 40}}}},
                  {{"schemaId", "s-cat"},
                   {"confidence", 0.6},
                   {"bounding-box", {{"x", 100}, {"y", 75}, {"width", 30}, {"height", 20}}}}}}};
        });
    m_runtime = std::make_unique<runtime::PluginRuntime>(runtime::RuntimeOptions{}, m_model.get());
    m_preview = std::make_unique<PreviewPanel>();
    m_preview->resize(900, 600);
    m_preview->show();
    m_evaluate
        = std::make_unique<EvalPanel>([this] { return m_runtime.get(); },
                                      [] {
                                          return EvalSetup{QStringLiteral("test:eval-preview"),
                                                           json::parse(R"([{"schemaId": "s-cat",
                                                                      "modelClass": "cat"}])"),
                                                           std::nullopt};
                                      });
    m_link = std::make_unique<EvalPreviewLink>(m_evaluate.get(), m_preview.get());
    QDir(QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
         + QStringLiteral("/ango-console/eval"))
        .removeRecursively();
    QVERIFY(
        m_evaluate->openDataset(m_dir->filePath(QStringLiteral("coco.json")), m_dir->path()).ok());
    QSignalSpy evaluated(m_evaluate.get(), &EvalPanel::evaluated);
    m_evaluate->start();
    QTRY_COMPARE(evaluated.size(), 1);
}

void tst_EvalPreview::cleanup()
{
    m_link.reset();
    m_evaluate.reset();
    m_preview.reset();
    m_runtime.reset();
    m_model.reset();
}

// As the user does it: the thumbnail made current, then Enter.
void tst_EvalPreview::openFromGallery(int imageIndex)
{
    auto *view = m_evaluate->gallery()->findChild<QListView *>();
    QVERIFY(view);
    QModelIndex target;
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        const QModelIndex index = view->model()->index(row, 0);
        if (index.data(GalleryModel::ImageIndexRole).toInt() == imageIndex)
            target = index;
    }
    QVERIFY(target.isValid());
    view->setCurrentIndex(target);
    QSignalSpy opened(m_link.get(), &EvalPreviewLink::opened);
    QSignalSpy loaded(m_preview.get(), &PreviewPanel::imageLoaded);
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.first().first().toInt(), imageIndex);
    QTRY_COMPARE(loaded.size(), 1);
}

void tst_EvalPreview::openedImageShowsMatchedMarks()
{
    openFromGallery(0);
    EvalOverlay *overlay = m_link->overlay();
    QCOMPARE(overlay->items().size(), std::size_t(3));
    QHash<EvalMarkKind, const EvalMarkItem *> byKind;
    for (const EvalMarkItem *item : overlay->items())
        byKind.insert(item->mark().kind, item);
    QCOMPARE(byKind.size(), 3);
    const EvalMarkItem *tp = byKind.value(EvalMarkKind::TruePositive);
    const EvalMarkItem *fp = byKind.value(EvalMarkKind::FalsePositive);
    const EvalMarkItem *fn = byKind.value(EvalMarkKind::Missed);
    QVERIFY(tp && fp && fn);
    // The boxes are the prediction (TP, FP) and the ground truth nothing matched (missed).
    QCOMPARE(tp->mark().box, QRectF(10, 10, 60, 40));
    QCOMPARE(fp->mark().box, QRectF(100, 75, 30, 20));
    QCOMPARE(fn->mark().box, QRectF(120, 20, 50, 50));
    QCOMPARE(fn->mark().label, QStringLiteral("missed cat"));
    // Three clearly different styles: line pattern and colour both differ.
    QCOMPARE(tp->pen().style(), Qt::SolidLine);
    QCOMPARE(fp->pen().style(), Qt::DashLine);
    QCOMPARE(fn->pen().style(), Qt::DotLine);
    QVERIFY(tp->pen().color() != fp->pen().color());
    QVERIFY(fp->pen().color() != fn->pen().color());
    QVERIFY(tp->pen().color() != fn->pen().color());
    // The normal overlay is empty: only the matched view is drawn.
    QVERIFY(m_preview->scene()->overlayItems().isEmpty());
    QCOMPARE(overlay->legendText(), QStringLiteral("TP 1 · FP 1 · missed 1"));
    QVERIFY(overlay->legend()->isVisible());

    // And they are on screen, each in its colour.
    QTRY_VERIFY(m_preview->view()->viewport()->isVisible());
    const QImage shot = m_preview->view()->viewport()->grab().toImage();
    QVERIFY(pixelsNear(shot, tp->pen().color()) > 40);
    QVERIFY(pixelsNear(shot, fp->pen().color()) > 20);
    QVERIFY(pixelsNear(shot, fn->pen().color()) > 20);

    // The other image: its own marks only.
    openFromGallery(1);
    QCOMPARE(overlay->items().size(), std::size_t(1));
    QCOMPARE(overlay->items().front()->mark().kind, EvalMarkKind::Missed);
    QCOMPARE(overlay->items().front()->mark().box, QRectF(30, 30, 40, 40));
    QCOMPARE(overlay->legendText(), QStringLiteral("TP 0 · FP 0 · missed 1"));
    QCOMPARE(evalItemsInScene(m_preview->scene()), 1);
}

void tst_EvalPreview::marksNeverOutliveTheirImage()
{
    EvalOverlay *overlay = m_link->overlay();
    // Another image asked for while this one decodes: the marks go before it is drawn.
    openFromGallery(0);
    QCOMPARE(evalItemsInScene(m_preview->scene()), 3);
    QSignalSpy loaded(m_preview.get(), &PreviewPanel::imageLoaded);
    m_preview->loadImageFile(m_dir->filePath(QStringLiteral("b.png")));
    QCOMPARE(evalItemsInScene(m_preview->scene()), 0);
    QVERIFY(overlay->legend()->isHidden());
    QVERIFY(overlay->legendText().isEmpty());
    QTRY_COMPARE(loaded.size(), 1);
    QCOMPARE(evalItemsInScene(m_preview->scene()), 0);

    // A normal run's answer on the same image: the normal overlay is back, the marks gone.
    openFromGallery(0);
    QCOMPARE(evalItemsInScene(m_preview->scene()), 3);
    m_preview->setAnswer(json::parse(R"({"objects": [{"schemaId": "s-cat",
        "bounding-box": {"x": 1, "y": 1, "width": 5, "height": 5}}]})"));
    QCOMPARE(evalItemsInScene(m_preview->scene()), 0);
    QCOMPARE(m_preview->scene()->overlayItems().size(), 1);
    QVERIFY(overlay->legend()->isHidden());

    // clear() (e.g. a run on a URL) as well.
    openFromGallery(0);
    m_preview->clear();
    QCOMPARE(evalItemsInScene(m_preview->scene()), 0);
}

// Straight from core/eval's outcome, no window: a detection on a crowd region is neither TP nor
// FP, and the crowd region is not missed; both are drawn as ignored.
void tst_EvalPreview::crowdRegionsAreIgnoredMarks()
{
    eval::Dataset dataset;
    dataset.categories.push_back(eval::Category{QStringLiteral("cat"), {}, 1});
    eval::DatasetImage image;
    image.key = QStringLiteral("1");
    image.truth.push_back(eval::TruthObject{0, eval::Box{0, 0, 100, 100}, 10000, true, false, 1});
    image.truth.push_back(eval::TruthObject{0, eval::Box{200, 0, 50, 50}, 2500, false, false, 2});
    dataset.images.push_back(image);
    const std::vector<std::vector<eval::Detection>> detections{
        {eval::Detection{0, eval::Box{10, 10, 20, 20}, 0.9},
         eval::Detection{0, eval::Box{200, 0, 50, 50}, 0.8}}};
    const eval::EvalResult result = eval::evaluate(dataset, detections);
    const std::vector<EvalMark> marks = evalMarks(dataset, 0, detections[0], result.images[0]);
    QCOMPARE(marks.size(), std::size_t(3));
    QCOMPARE(marks[0].kind, EvalMarkKind::Ignored); // the detection inside the crowd
    QCOMPARE(marks[0].box, QRectF(10, 10, 20, 20));
    QCOMPARE(marks[1].kind, EvalMarkKind::TruePositive);
    QCOMPARE(marks[2].kind, EvalMarkKind::Ignored); // the crowd region itself
    QCOMPARE(marks[2].label, QStringLiteral("crowd cat"));
    QCOMPARE(evalMarkPen(EvalMarkKind::Ignored).style(), Qt::DashDotLine);

    // Shown, the legend counts the ignored ones apart.
    EvalOverlay *overlay = m_link->overlay();
    QSignalSpy loaded(m_preview.get(), &PreviewPanel::imageLoaded);
    overlay->show(m_dir->filePath(QStringLiteral("a.png")), marks);
    QTRY_COMPARE(loaded.size(), 1);
    QCOMPARE(overlay->legendText(), QStringLiteral("TP 1 · FP 0 · missed 0 · ignored 2"));
    QCOMPARE(evalItemsInScene(m_preview->scene()), 3);
}

QTEST_MAIN(tst_EvalPreview)
#include "tst_evalpreview.moc"
