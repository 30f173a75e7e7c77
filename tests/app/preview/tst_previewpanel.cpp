#include "fixtures.h"
#include "panels/preview/imagedecoding.h"
#include "panels/preview/objectslist.h"
#include "panels/preview/overlayitem.h"
#include "panels/preview/overlaylayer.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewview.h"

#include <QAbstractButton>
#include <QBuffer>
#include <QFile>
#include <QListWidget>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QToolTip>

using namespace ango::app;
using nlohmann::json;

class tst_PreviewPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void overlayItemsEqualObjects();
    void overlaysAreDrawnInClassColours();
    void classToggleHidesItems();
    void drawnBoxesAreReusedUntilSomethingChanges();
    void namesAndColoursFromTheMapping();
    void problemsAreMarkedAndListed();
    void hoverShowsTheObjectJson();
    void zoomPanAndFit();
    void labelsOnlyWhileFewObjectsShow();
    void imagesLoadOffTheGuiThread();
    void laterImageWins();
    void objectsAreNamedAndColouredByTheirMapping();
    void objectsListCountsPerClassAndPicksOneOut();
    void labelsNeverOverlapAtAnyZoom();
    void bundledSampleFitsItsImage();
    void hugeImageShowsWithItsBoxes();
    void failedDecodeShowsAMessageAndNoBoxes();

private:
    QImage frame() const { return m_panel->view()->viewport()->grab().toImage(); }
    bool colourNear(const QImage &image, QPoint at, const QColor &color, int radius) const;
    QListWidgetItem *classRow(const QString &startsWith) const;

    PreviewPanel *m_panel = nullptr;
};

void tst_PreviewPanel::init()
{
    m_panel = new PreviewPanel;
    m_panel->resize(1000, 800);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel));
}

void tst_PreviewPanel::cleanup()
{
    delete m_panel;
    m_panel = nullptr;
}

// Antialiased lines blend at their borders, so colours match within a small tolerance.
bool tst_PreviewPanel::colourNear(const QImage &image, QPoint at, const QColor &color,
                                  int radius) const
{
    for (int y = at.y() - radius; y <= at.y() + radius; ++y) {
        for (int x = at.x() - radius; x <= at.x() + radius; ++x) {
            if (!image.rect().contains(x, y))
                continue;
            const QColor pixel = image.pixelColor(x, y);
            if (qAbs(pixel.red() - color.red()) <= 24 && qAbs(pixel.green() - color.green()) <= 24
                && qAbs(pixel.blue() - color.blue()) <= 24)
                return true;
        }
    }
    return false;
}

QListWidgetItem *tst_PreviewPanel::classRow(const QString &startsWith) const
{
    for (int row = 0; row < m_panel->classList()->count(); ++row) {
        if (m_panel->classList()->item(row)->text().startsWith(startsWith))
            return m_panel->classList()->item(row);
    }
    return nullptr;
}

void tst_PreviewPanel::overlayItemsEqualObjects()
{
    m_panel->setAnswer(ango::test::everyShapeAnswer());
    PreviewScene *scene = m_panel->scene();
    // Eight objects; objects[6] has a string coordinate and cannot be drawn.
    QCOMPARE(scene->objectCount(), 8);
    const QList<OverlayItem *> items = scene->overlayItems();
    QCOMPARE(items.size(), 7);
    QList<int> indices;
    for (const OverlayItem *item : items)
        indices.append(item->objectIndex());
    QCOMPARE(indices, (QList<int>{0, 1, 2, 3, 4, 5, 7}));

    const OverlayShape &box = scene->overlayItem(0)->geometry();
    QCOMPARE(box.kind, ShapeKind::BoundingBox);
    QCOMPARE(box.box, QRectF(20, 30, 50, 60));
    QCOMPARE(scene->overlayItem(0)->imageBounds(), QRectF(20, 30, 50, 60));

    const OverlayShape &rotated = scene->overlayItem(1)->geometry();
    QCOMPARE(rotated.kind, ShapeKind::RotatedBox);
    QCOMPARE(rotated.box, QRectF(200, 100, 40, 20));
    QCOMPARE(rotated.rotation, 90.0);
    const QRectF turned = scene->overlayItem(1)->imageBounds();
    QVERIFY(qAbs(turned.left() - 210) < 1e-9 && qAbs(turned.top() - 90) < 1e-9);
    QVERIFY(qAbs(turned.width() - 20) < 1e-9 && qAbs(turned.height() - 40) < 1e-9);

    QCOMPARE(scene->overlayItem(2)->geometry().kind, ShapeKind::Polygon);
    QCOMPARE(scene->overlayItem(2)->geometry().points,
             (QPolygonF{{300, 300}, {400, 300}, {350, 380}}));
    QCOMPARE(scene->overlayItem(3)->geometry().kind, ShapeKind::Polyline);
    QCOMPARE(scene->overlayItem(3)->geometry().points,
             (QPolygonF{{0, 500}, {250, 480}, {500, 520}}));
    QCOMPARE(scene->overlayItem(4)->geometry().kind, ShapeKind::Point);
    QCOMPARE(scene->overlayItem(4)->pos(), QPointF(450, 60));

    const OverlayItem *lake = scene->overlayItem(5);
    QCOMPARE(lake->geometry().kind, ShapeKind::Segmentation);
    QCOMPARE(lake->geometry().zones.size(), 1);
    QCOMPARE(lake->geometry().zones.at(0).holes.size(), 1);
    QVERIFY(lake->shape().contains(QPointF(120, 620)));
    QVERIFY(!lake->shape().contains(QPointF(200, 650))); // the hole
    QCOMPARE(scene->overlayItem(6), nullptr);
    QCOMPARE(scene->overlayItem(7)->geometry().box, QRectF(30, 40, 10, 10));

    // Every drawable object is painted.
    frame();
    QCOMPARE(scene->layer()->lastDrawnCount(), 7);
    // "h" sits 10 px from "a": its label would cover a's and is left out.
    QCOMPARE(m_panel->view()->lastLabelCount(), 6);
    QCOMPARE(m_panel->view()->lastHiddenLabelCount(), 1);
}

void tst_PreviewPanel::overlaysAreDrawnInClassColours()
{
    m_panel->setAnswer(ango::test::everyShapeAnswer());
    PreviewView *view = m_panel->view();
    const QColor car = ClassPalette::stableColor(u"car"_qs);
    const QColor road = ClassPalette::stableColor(u"road"_qs);
    QVERIFY(car != road);
    const QImage image = frame();
    // The left edge of the car's box, and the middle of the road's first segment.
    QVERIFY(colourNear(image, view->mapFromScene(QPointF(20, 70)), car, 1));
    QVERIFY(colourNear(image, view->mapFromScene(QPointF(125, 490)), road, 2));
    // Away from any shape: background only.
    QVERIFY(!colourNear(image, view->mapFromScene(QPointF(150, 200)), car, 3));
}

void tst_PreviewPanel::classToggleHidesItems()
{
    m_panel->setAnswer(ango::test::everyShapeAnswer());
    PreviewScene *scene = m_panel->scene();
    QCOMPARE(m_panel->classList()->count(), 6);
    QListWidgetItem *car = classRow(u"car"_qs);
    QVERIFY(car);
    QCOMPARE(car->text(), u"car ×3"_qs); // objects[6] counts although it cannot be drawn
    QCOMPARE(car->checkState(), Qt::Checked);

    car->setCheckState(Qt::Unchecked);
    QVERIFY(!scene->overlayItem(0)->isVisible());
    QVERIFY(!scene->overlayItem(7)->isVisible());
    for (int index : {1, 2, 3, 4, 5})
        QVERIFY(scene->overlayItem(index)->isVisible());
    const QPoint carEdge = m_panel->view()->mapFromScene(QPointF(20, 70));
    QVERIFY(!colourNear(frame(), carEdge, ClassPalette::stableColor(u"car"_qs), 1));
    QCOMPARE(scene->layer()->lastDrawnCount(), 5);
    QCOMPARE(m_panel->view()->overlayAt(m_panel->view()->mapFromScene(QPointF(60, 80))), nullptr);
    // A new answer keeps the user's choice.
    m_panel->setAnswer(ango::test::everyShapeAnswer());
    QVERIFY(!m_panel->scene()->overlayItem(0)->isVisible());
    QCOMPARE(classRow(u"car"_qs)->checkState(), Qt::Unchecked);

    classRow(u"car"_qs)->setCheckState(Qt::Checked);
    QVERIFY(scene->overlayItem(0)->isVisible());
    QVERIFY(colourNear(frame(), carEdge, ClassPalette::stableColor(u"car"_qs), 1));
}

void tst_PreviewPanel::drawnBoxesAreReusedUntilSomethingChanges()
{
    m_panel->setAnswer(ango::test::everyShapeAnswer());
    PreviewScene *scene = m_panel->scene();
    PreviewView *view = m_panel->view();
    const QColor car = ClassPalette::stableColor(u"car"_qs);
    frame();
    frame();
    QVERIFY(scene->layer()->lastPaintReusedBoxes());

    json moved = scene->objectJson(0);
    moved["bounding-box"]["x"] = 120;
    scene->updateObject(0, moved);
    const QImage image = frame();
    QVERIFY(!scene->layer()->lastPaintReusedBoxes());
    QVERIFY(colourNear(image, view->mapFromScene(QPointF(120, 70)), car, 1));
    QVERIFY(!colourNear(image, view->mapFromScene(QPointF(20, 70)), car, 1));

    frame();
    QVERIFY(scene->layer()->lastPaintReusedBoxes());
    view->zoomIn();
    frame();
    QVERIFY(!scene->layer()->lastPaintReusedBoxes());
}

void tst_PreviewPanel::namesAndColoursFromTheMapping()
{
    QFile mappingFile(u":/sample/mapping.json"_qs);
    QVERIFY(mappingFile.open(QIODevice::ReadOnly));
    m_panel->setClasses(classesFromMapping(json::parse(mappingFile.readAll().toStdString())));
    QFile answerFile(u":/sample/sample-answer.json"_qs);
    QVERIFY(answerFile.open(QIODevice::ReadOnly));
    m_panel->setAnswer(json::parse(answerFile.readAll().toStdString()));
    QVERIFY(classRow(u"Car ×1"_qs));
    QVERIFY(classRow(u"Tree ×3"_qs));
    const OverlayItem *car = nullptr;
    for (const OverlayItem *item : m_panel->scene()->overlayItems()) {
        if (m_panel->scene()->objectJson(item->objectIndex())["objectId"] == "car-1")
            car = item;
    }
    QVERIFY(car);
    QCOMPARE(m_panel->scene()->classColor(car->classSlot()), QColor(u"#1e88e5"_qs));
    QVERIFY(colourNear(frame(), m_panel->view()->mapFromScene(QPointF(800, 880)),
                       QColor(u"#1e88e5"_qs), 1));
}

void tst_PreviewPanel::problemsAreMarkedAndListed()
{
    m_panel->setAnswer(ango::test::everyShapeAnswer());
    const QColor badgeRed(0xe5, 0x39, 0x35);
    PreviewView *view = m_panel->view();
    const QPoint boatCorner
        = view->mapFromScene(m_panel->scene()->overlayItem(1)->imageBounds().topRight());
    QVERIFY(!colourNear(frame(), boatCorner + QPoint(2, -2), badgeRed, 3));

    std::vector<ango::annotation::Problem> problems;
    problems.push_back({"objects[1].rotated-bounding-box.rotation", u"outside -180..180"_qs,
                        ango::annotation::Severity::Error});
    problems.push_back(
        {"relations[0].to", u"unknown objectId"_qs, ango::annotation::Severity::Warning});
    m_panel->setProblems(problems);

    QCOMPARE(m_panel->scene()->overlayItem(1)->problemCount(), 1);
    for (int index : {0, 2, 3, 4, 5, 7})
        QCOMPARE(m_panel->scene()->overlayItem(index)->problemCount(), 0);
    QVERIFY(colourNear(frame(), boatCorner + QPoint(2, -2), badgeRed, 3));

    // Both problems, and the object that could not be drawn.
    QListWidget *list = m_panel->problemList();
    QCOMPARE(list->count(), 3);
    QCOMPARE(list->item(0)->text(),
             u"objects[1].rotated-bounding-box.rotation — outside -180..180"_qs);
    QCOMPARE(list->item(1)->text(), u"relations[0].to — unknown objectId"_qs);
    QVERIFY(list->item(2)->text().startsWith(u"objects[6].bounding-box.x — cannot be drawn"_qs));

    QSignalSpy activated(m_panel, &PreviewPanel::objectActivated);
    Q_EMIT list->itemClicked(list->item(0));
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toInt(), 1);
    Q_EMIT list->itemClicked(list->item(1)); // not about one object
    QCOMPARE(activated.size(), 1);

    // The hover text names the problem too, with its path in the result.
    QVERIFY(view->toolTipAt(view->mapFromScene(QPointF(220, 110)))
                .contains(u"1 problem(s):\n✖ answer.objects[1].rotated-bounding-box.rotation: "
                          "outside -180..180"_qs));

    m_panel->setProblems(std::vector<ango::annotation::Problem>{});
    QCOMPARE(m_panel->scene()->overlayItem(1)->problemCount(), 0);
    QCOMPARE(list->count(), 1);
}

void tst_PreviewPanel::hoverShowsTheObjectJson()
{
    const json answer = ango::test::everyShapeAnswer();
    m_panel->setAnswer(answer);
    PreviewView *view = m_panel->view();
    // objects[7] lies inside objects[0]: the smaller one wins where they overlap.
    const QString inner = view->toolTipAt(view->mapFromScene(QPointF(35, 45)));
    QVERIFY2(
        inner.startsWith(
            u"answer.objects[7]\nModel class: car · Label: (not in the label set)\nNo problems"_qs),
        qPrintable(inner));
    QVERIFY(inner.contains(QString::fromStdString(answer["objects"][7].dump(2))));
    const QString outer = view->toolTipAt(view->mapFromScene(QPointF(60, 80)));
    QVERIFY(outer.startsWith(u"answer.objects[0]\n"_qs));
    QVERIFY(outer.contains(u"\"objectId\": \"a\""_qs));
    QVERIFY(
        view->toolTipAt(view->mapFromScene(QPointF(200, 60))).startsWith(u"answer.objects[4]"_qs)
        == false);
    QVERIFY(
        view->toolTipAt(view->mapFromScene(QPointF(450, 60))).startsWith(u"answer.objects[4]"_qs));
    QVERIFY(
        view->toolTipAt(view->mapFromScene(QPointF(250, 481))).startsWith(u"answer.objects[3]"_qs));
    QVERIFY(view->toolTipAt(view->mapFromScene(QPointF(200, 650))).isEmpty()); // lake's hole
    QVERIFY(
        view->toolTipAt(view->mapFromScene(QPointF(120, 620))).startsWith(u"answer.objects[5]"_qs));

    // The real tooltip event shows the same text.
    const QPoint at = view->mapFromScene(QPointF(60, 80));
    QHelpEvent help(QEvent::ToolTip, at, view->viewport()->mapToGlobal(at));
    QApplication::sendEvent(view->viewport(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY(QToolTip::text().contains(u"answer.objects[0]"_qs));
    QToolTip::hideText();
}

void tst_PreviewPanel::zoomPanAndFit()
{
    QImage image(2000, 1500, QImage::Format_RGB32);
    image.fill(Qt::darkGreen);
    m_panel->setImage(image);
    PreviewView *view = m_panel->view();
    QVERIFY(view->isFitted());
    const qreal fitted = view->zoom();
    const QRect shown = view->mapFromScene(QRectF(0, 0, 2000, 1500)).boundingRect();
    QVERIFY(view->viewport()->rect().adjusted(-1, -1, 1, 1).contains(shown));
    QVERIFY(shown.width() >= view->viewport()->width() - 4
            || shown.height() >= view->viewport()->height() - 4);

    view->setFocus();
    QTest::keyClick(view, Qt::Key_Plus);
    QVERIFY(qAbs(view->zoom() - fitted * 1.25) < 1e-9);
    QVERIFY(!view->isFitted());
    QTest::keyClick(view, Qt::Key_Minus);
    QVERIFY(qAbs(view->zoom() - fitted) < 1e-9);

    const QPoint centre = view->viewport()->rect().center();
    QWheelEvent wheel(centre, view->viewport()->mapToGlobal(centre), QPoint(), QPoint(0, 120),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view->viewport(), &wheel);
    QVERIFY(qAbs(view->zoom() - fitted * 1.25) < 1e-9);

    // Dragging pans.
    view->setZoom(2);
    view->centerOn(1000, 750);
    const int before = view->horizontalScrollBar()->value();
    const int beforeY = view->verticalScrollBar()->value();
    ango::test::drag(view->viewport(), centre, centre - QPoint(100, 60));
    QCOMPARE(view->horizontalScrollBar()->value(), before + 100);
    QCOMPARE(view->verticalScrollBar()->value(), beforeY + 60);

    QTest::keyClick(view, Qt::Key_0);
    QVERIFY(view->isFitted());
    QVERIFY(qAbs(view->zoom() - fitted) < 1e-9);
    // A fitted view follows resizes.
    m_panel->resize(600, 500);
    QTRY_VERIFY(view->zoom() < fitted);
}

void tst_PreviewPanel::labelsOnlyWhileFewObjectsShow()
{
    m_panel->setAnswer(ango::test::everyShapeAnswer());
    PreviewView *view = m_panel->view();
    frame();
    QCOMPARE(view->lastLabelCount() + view->lastHiddenLabelCount(), 7);
    view->setLabelBudget(3);
    frame();
    QCOMPARE(view->lastLabelCount(), 0);
    view->setLabelBudget(300);
    m_panel->findChild<QAbstractButton *>(u"previewLabelsToggle"_qs)->click();
    frame();
    QCOMPARE(view->lastLabelCount(), 0);
}

void tst_PreviewPanel::imagesLoadOffTheGuiThread()
{
    QSignalSpy loaded(m_panel, &PreviewPanel::imageLoaded);
    QSignalSpy failed(m_panel, &PreviewPanel::imageLoadFailed);
    m_panel->loadImageFile(u":/sample/sample.png"_qs);
    QTRY_COMPARE(loaded.size(), 1);
    QCOMPARE(loaded.at(0).at(0).toSize(), QSize(1600, 1000));
    QCOMPARE(m_panel->scene()->imageSize(), QSize(1600, 1000));

    QImage small(64, 48, QImage::Format_RGB32);
    small.fill(Qt::red);
    QByteArray png;
    QBuffer buffer(&png);
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    QVERIFY(small.save(&buffer, "PNG"));
    m_panel->loadImageData(png);
    QTRY_COMPARE(loaded.size(), 2);
    QCOMPARE(m_panel->scene()->imageSize(), QSize(64, 48));

    m_panel->loadImageData(QByteArrayLiteral("certainly not an image"));
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY(!failed.at(0).at(0).toString().isEmpty());
    // The old image does not stay: a result would be drawn over the wrong picture.
    QVERIFY(m_panel->scene()->imageSize().isEmpty());
    QVERIFY(m_panel->notice().contains(u"could not be decoded"_qs));
}

void tst_PreviewPanel::laterImageWins()
{
    QSignalSpy loaded(m_panel, &PreviewPanel::imageLoaded);
    m_panel->loadImageFile(u":/sample/sample.png"_qs);
    QImage later(320, 200, QImage::Format_RGB32);
    later.fill(Qt::blue);
    m_panel->setImage(later);
    // Let the decode finish and its continuation run: it must not replace the later image.
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    QCOMPARE(loaded.size(), 0);
    QCOMPARE(m_panel->scene()->imageSize(), QSize(320, 200));
}

void tst_PreviewPanel::objectsAreNamedAndColouredByTheirMapping()
{
    // Two model classes map to House; the sun's label has no colour.
    const json schema = json::parse(R"([{"schemaId": "H", "modelClass": "house"},
        {"schemaId": "H", "modelClass": "redbox"}, {"schemaId": "C", "modelClass": "car"},
        {"schemaId": "S", "modelClass": "sun"}])");
    const json tools = json::parse(R"([{"schemaId": "H", "title": "House", "color": "#f4511e"},
        {"schemaId": "C", "title": "Car", "color": "#1e88e5"}, {"schemaId": "S", "title": "Sun"}])");
    const QList<ClassInfo> classes = classesOfMapping(schema, tools);
    QCOMPARE(classes.size(), 3);
    QCOMPARE(classes.at(0).name, u"house / redbox (House)"_qs);
    QCOMPARE(classes.at(0).color, QColor(u"#f4511e"_qs));
    QCOMPARE(classes.at(1).name, u"car (Car)"_qs);
    QCOMPARE(classes.at(2).name, u"sun (Sun)"_qs);
    QVERIFY(!classes.at(2).color.isValid());
    m_panel->setClasses(classes);
    m_panel->setAnswer(json::parse(R"({"objects": [
        {"schemaId": "H", "modelClass": "redbox", "bounding-box": {"x": 10, "y": 100, "width": 80, "height": 80}},
        {"schemaId": "H", "bounding-box": {"x": 300, "y": 100, "width": 80, "height": 80}},
        {"schemaId": "S", "modelClass": "sun", "point": [600, 100]}]})"));
    PreviewScene *scene = m_panel->scene();
    QCOMPARE(scene->palette().objectName(scene->objectJson(0)), u"redbox (House)"_qs);
    QCOMPARE(scene->palette().objectName(scene->objectJson(1)), u"house / redbox (House)"_qs);
    QCOMPARE(scene->palette().objectName(scene->objectJson(2)), u"sun (Sun)"_qs);
    QCOMPARE(scene->classColor(scene->overlayItem(0)->classSlot()), QColor(u"#f4511e"_qs));
    QCOMPARE(scene->classColor(scene->overlayItem(2)->classSlot()),
             ClassPalette::stableColor(u"S"_qs));
    QVERIFY(classRow(u"house / redbox (House) ×2"_qs));
    // The drawn box is the swatch's colour.
    QVERIFY(colourNear(frame(), m_panel->view()->mapFromScene(QPointF(10, 140)),
                       QColor(u"#f4511e"_qs), 2));
}

// Beside the preview: one row per class with its swatch and count; clicking a row draws that
// class's objects emphasised, clicking below the rows (or another result) stops it.
void tst_PreviewPanel::objectsListCountsPerClassAndPicksOneOut()
{
    const json schema = json::parse(R"([{"schemaId": "H", "modelClass": "house"},
        {"schemaId": "C", "modelClass": "car"}])");
    const json tools = json::parse(R"([{"schemaId": "H", "title": "House", "color": "#f4511e"},
        {"schemaId": "C", "title": "Car", "color": "#1e88e5"}])");
    m_panel->setClasses(classesOfMapping(schema, tools));
    m_panel->setAnswer(json::parse(R"({"objects": [
        {"schemaId": "C", "modelClass": "car", "bounding-box": {"x": 10, "y": 10, "width": 80, "height": 80}},
        {"schemaId": "H", "modelClass": "house", "bounding-box": {"x": 300, "y": 10, "width": 80, "height": 80}},
        {"schemaId": "C", "modelClass": "car", "bounding-box": {"x": 10, "y": 300, "width": 80, "height": 80}},
        {"schemaId": "C", "modelClass": "car", "point": [600, 600]}]})"));
    ObjectsList *list = m_panel->classList();
    QCOMPARE(list->count(), 2);
    QCOMPARE(list->item(0)->text(), u"car (Car) ×3"_qs);
    QCOMPARE(list->item(1)->text(), u"house (House) ×1"_qs);
    const QImage swatch = list->item(1)->icon().pixmap(12, 12).toImage();
    QCOMPARE(swatch.pixelColor(6, 6), QColor(u"#f4511e"_qs));

    PreviewScene *scene = m_panel->scene();
    QCOMPARE(scene->highlightedClass(), std::nullopt);
    const quint64 before = scene->drawGeneration();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualItemRect(list->item(0)).center());
    QCOMPARE(scene->highlightedClass(), std::optional(u"C"_qs));
    QVERIFY(scene->drawGeneration() != before); // drawn again, emphasised
    for (int index : {0, 2, 3})
        QVERIFY(scene->isEmphasised(scene->overlayItem(index)));
    QVERIFY(!scene->isEmphasised(scene->overlayItem(1)));
    QCOMPARE(list->item(0)->checkState(), Qt::Checked); // picking is not hiding

    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      QPoint(10, list->viewport()->height() - 3));
    QCOMPARE(scene->highlightedClass(), std::nullopt);
    QVERIFY(!scene->isEmphasised(scene->overlayItem(0)));

    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualItemRect(list->item(1)).center());
    QCOMPARE(scene->highlightedClass(), std::optional(u"H"_qs));
    m_panel->setAnswer(json::parse(R"({"objects": [
        {"schemaId": "C", "bounding-box": {"x": 10, "y": 10, "width": 8, "height": 8}}]})"));
    QCOMPARE(scene->highlightedClass(), std::nullopt);
    QCOMPARE(list->count(), 1);
    QCOMPARE(list->item(0)->text(), u"car (Car) ×1"_qs);
    QVERIFY(list->selectedItems().isEmpty());
}

void tst_PreviewPanel::labelsNeverOverlapAtAnyZoom()
{
    // Two boxes 4 px apart: one label fits, the other would cover it at every zoom but very
    // deep ones; a third far away always has its label.
    m_panel->setAnswer(json::parse(R"({"objects": [
        {"schemaId": "a", "bounding-box": {"x": 100, "y": 100, "width": 60, "height": 60}},
        {"schemaId": "b", "bounding-box": {"x": 104, "y": 104, "width": 60, "height": 60}},
        {"schemaId": "c", "bounding-box": {"x": 900, "y": 700, "width": 60, "height": 60}}]})"));
    PreviewView *view = m_panel->view();
    for (int step = 0; step < 8; ++step) {
        frame();
        QCOMPARE(view->lastLabelCount() + view->lastHiddenLabelCount(), 3);
        QVERIFY(view->lastLabelCount() >= 1);
        // Drawn labels never share a pixel: with a hidden one only a and c show.
        if (view->lastHiddenLabelCount() > 0)
            QCOMPARE(view->lastLabelCount(), 2);
        view->zoomOut();
    }
    view->fitToContent();
    frame();
    QCOMPARE(view->lastHiddenLabelCount(), 1);
}

// Past kMaxPreviewPixels the preview decodes a scaled copy, but reports and lays out the image
// at its own size, so the callback's coordinates still land where they belong.
void tst_PreviewPanel::bundledSampleFitsItsImage()
{
    QFile answerFile(u":/sample/sample-answer.json"_qs);
    QVERIFY(answerFile.open(QIODevice::ReadOnly));
    const json answer = json::parse(answerFile.readAll().toStdString());
    QImage image(u":/sample/sample.png"_qs);
    QVERIFY(image.width() >= 1024 && image.height() >= 768);
    m_panel->setImage(image);
    m_panel->setAnswer(answer);
    QCOMPARE(m_panel->scene()->overlayItems().size(), int(answer["objects"].size()));
    QVERIFY(m_panel->scene()->problems().isEmpty());
    QSet<ShapeKind> kinds;
    for (const OverlayItem *item : m_panel->scene()->overlayItems()) {
        const QRectF imageRect(image.rect());
        QVERIFY(imageRect.contains(item->imageBounds().topLeft()));
        QVERIFY(imageRect.contains(item->imageBounds().bottomRight()));
        kinds.insert(item->geometry().kind);
    }
    QCOMPARE(kinds.size(), 6); // the sample shows every shape
}

// 12,000 x 8,000 pixels (384 MB decoded, three times Qt's default allocation limit): shown
// scaled down, with the objects at their places in the original's coordinates.
void tst_PreviewPanel::hugeImageShowsWithItsBoxes()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"huge.png"_qs);
    {
        QImage huge(12000, 8000, QImage::Format_RGB32);
        huge.fill(QColor(0x20, 0x80, 0x20));
        QVERIFY(huge.save(path, "PNG", 90)); // light compression: quick to write
    }
    QSignalSpy loaded(m_panel, &PreviewPanel::imageLoaded);
    QSignalSpy failed(m_panel, &PreviewPanel::imageLoadFailed);
    m_panel->loadImageFile(path);
    QTRY_VERIFY_WITH_TIMEOUT(loaded.size() + failed.size() > 0, 60000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
    QCOMPARE(loaded.at(0).at(0).toSize(), QSize(12000, 8000));
    QCOMPARE(m_panel->scene()->imageSize(), QSize(12000, 8000));
    QVERIFY(m_panel->notice().isEmpty());

    m_panel->setAnswer(json::parse(R"({"objects": [
        {"schemaId": "car", "objectId": "far", "bounding-box": {"x": 9000, "y": 6000, "width": 2000, "height": 1500}}
    ]})"));
    QCOMPARE(m_panel->scene()->overlayItems().size(), 1);
    m_panel->view()->fitToContent();
    QCoreApplication::processEvents();
    PreviewView *view = m_panel->view();
    const QImage image = frame();
    const QColor car = ClassPalette::stableColor(u"car"_qs);
    // The box's left edge where the original's coordinates put it; the image around it.
    QVERIFY(colourNear(image, view->mapFromScene(QPointF(9000, 6750)), car, 2));
    QVERIFY(
        colourNear(image, view->mapFromScene(QPointF(3000, 3000)), QColor(0x20, 0x80, 0x20), 1));
    // The whole image fits the view: it was decoded, not left blank.
    QVERIFY(
        colourNear(image, view->mapFromScene(QPointF(11900, 7900)), QColor(0x20, 0x80, 0x20), 2));
}

void tst_PreviewPanel::failedDecodeShowsAMessageAndNoBoxes()
{
    QSignalSpy loaded(m_panel, &PreviewPanel::imageLoaded);
    QSignalSpy failed(m_panel, &PreviewPanel::imageLoadFailed);
    m_panel->loadImageFile(u":/sample/sample.png"_qs);
    QTRY_COMPARE(loaded.size(), 1);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString broken = dir.filePath(u"broken.png"_qs);
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("\x89PNG\r\n\x1a\n") + QByteArray(4000, 'x'));
    file.close();
    m_panel->loadImageFile(broken);
    // At once: the previous image is gone, so nothing can be drawn over it.
    QVERIFY(m_panel->scene()->imageSize().isEmpty());
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY2(m_panel->notice().contains(u"could not be decoded"_qs), qPrintable(m_panel->notice()));
    QVERIFY(m_panel->notice().contains(broken));

    m_panel->setAnswer(ango::test::everyShapeAnswer());
    QCOMPARE(m_panel->scene()->overlayItems().size(), 0);

    // The next good image clears the message and draws again.
    m_panel->loadImageFile(u":/sample/sample.png"_qs);
    QTRY_COMPARE(loaded.size(), 2);
    QVERIFY(m_panel->notice().isEmpty());
    m_panel->setAnswer(ango::test::everyShapeAnswer());
    QVERIFY(m_panel->scene()->overlayItems().size() > 0);
}

QTEST_MAIN(tst_PreviewPanel)
#include "tst_previewpanel.moc"
