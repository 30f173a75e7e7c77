#include "panels/preview/boxraster.h"
#include "panels/preview/classpalette.h"
#include "panels/preview/overlayshape.h"
#include "panels/preview/previewscene.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace ango::app;
using nlohmann::json;

class tst_OverlayShape : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundingBox();
    void rotatedBoxTurnsAroundItsCentre();
    void polygonAndPolyline();
    void point();
    void segmentationCutsHoles();
    void unreadable_data();
    void unreadable();
    void objectIndexOfPath_data();
    void objectIndexOfPath();
    void stableColours();
    void classesFromEveryMappingShape();
    void boxRasterDrawsOutlines();
    void boxRasterClipsAndKeepsOrder();
};

static OverlayShape parse(const char *text)
{
    const auto shape = shapeFromObject(json::parse(text), QStringLiteral("objects[0]"));
    if (!shape)
        qFatal("unexpected failure: %s", qPrintable(shape.error().message));
    return *shape;
}

void tst_OverlayShape::boundingBox()
{
    const OverlayShape shape
        = parse(R"({"bounding-box": {"x": 20, "y": 30.5, "width": 50, "height": 60}})");
    QCOMPARE(shape.kind, ShapeKind::BoundingBox);
    QCOMPARE(shape.box, QRectF(20, 30.5, 50, 60));
    QCOMPARE(shape.bounds(), QRectF(20, 30.5, 50, 60));
    QVERIFY(shape.path().contains(QPointF(45, 60)));
    QVERIFY(!shape.path().contains(QPointF(75, 60)));
}

void tst_OverlayShape::rotatedBoxTurnsAroundItsCentre()
{
    const OverlayShape shape = parse(
        R"({"rotated-bounding-box": {"x": 0, "y": 0, "width": 40, "height": 20, "rotation": 90}})");
    QCOMPARE(shape.kind, ShapeKind::RotatedBox);
    QCOMPARE(shape.rotation, 90.0);
    // Turned a quarter around (20, 10): 20 wide and 40 high, centred where it was.
    const QRectF bounds = shape.bounds();
    QCOMPARE(bounds.center(), QPointF(20, 10));
    QVERIFY(qAbs(bounds.width() - 20) < 1e-9);
    QVERIFY(qAbs(bounds.height() - 40) < 1e-9);
    // Positive angles turn clockwise on screen (y down): the top-left corner goes top-right.
    const QPointF topLeft = shape.corners().at(0);
    QVERIFY(qAbs(topLeft.x() - 30) < 1e-9);
    QVERIFY(qAbs(topLeft.y() - -10) < 1e-9);
    QVERIFY(shape.path().contains(QPointF(20, 25)));
    QVERIFY(!shape.path().contains(QPointF(35, 10)));
}

void tst_OverlayShape::polygonAndPolyline()
{
    const OverlayShape polygon = parse(R"({"polygon": [[0, 0], [10, 0], [5, 8]]})");
    QCOMPARE(polygon.kind, ShapeKind::Polygon);
    QCOMPARE(polygon.points, (QPolygonF{{0, 0}, {10, 0}, {5, 8}}));
    QVERIFY(polygon.path().contains(QPointF(5, 3)));
    const OverlayShape polyline = parse(R"({"polyline": [[0, 0], [10, 0], [10, 10]]})");
    QCOMPARE(polyline.kind, ShapeKind::Polyline);
    QCOMPARE(polyline.points.size(), 3);
    QCOMPARE(polyline.bounds(), QRectF(0, 0, 10, 10));
}

void tst_OverlayShape::point()
{
    const OverlayShape shape = parse(R"({"point": [12.5, 7]})");
    QCOMPARE(shape.kind, ShapeKind::Point);
    QCOMPARE(shape.points, QPolygonF{QPointF(12.5, 7)});
    QCOMPARE(shape.bounds().topLeft(), QPointF(12.5, 7));
}

void tst_OverlayShape::segmentationCutsHoles()
{
    const OverlayShape shape = parse(R"({"segmentation": {"zones": [
        {"region": [[0, 0], [100, 0], [100, 100], [0, 100]],
         "holes": [[[40, 40], [60, 40], [60, 60], [40, 60]]]},
        {"region": [[200, 0], [220, 0], [220, 20]]}]}})");
    QCOMPARE(shape.kind, ShapeKind::Segmentation);
    QCOMPARE(shape.zones.size(), 2);
    QCOMPARE(shape.zones.at(0).holes.size(), 1);
    QVERIFY(shape.path().contains(QPointF(10, 10)));
    QVERIFY(!shape.path().contains(QPointF(50, 50))); // in the hole
    QVERIFY(shape.path().contains(QPointF(215, 5)));
    QCOMPARE(shape.bounds(), QRectF(0, 0, 220, 100));
}

void tst_OverlayShape::unreadable_data()
{
    QTest::addColumn<QByteArray>("object");
    QTest::addColumn<QString>("pathInError");
    QTest::newRow("no shape") << QByteArray(R"({"schemaId": "x"})") << "objects[0]";
    QTest::newRow("string coordinate")
        << QByteArray(R"({"bounding-box": {"x": "1", "y": 0, "width": 5, "height": 5}})")
        << "objects[0].bounding-box.x";
    QTest::newRow("missing width")
        << QByteArray(R"({"bounding-box": {"x": 1, "y": 0, "height": 5}})")
        << "objects[0].bounding-box.width";
    QTest::newRow("short point") << QByteArray(R"({"point": [3]})") << "objects[0].point";
    QTest::newRow("bad polygon vertex")
        << QByteArray(R"({"polygon": [[0, 0], [1, null]]})") << "objects[0].polygon[1][1]";
    QTest::newRow("empty polyline") << QByteArray(R"({"polyline": []})") << "objects[0].polyline";
    QTest::newRow("hole not a list") << QByteArray(
        R"({"segmentation": {"zones": [{"region": [[0,0],[1,0],[1,1]], "holes": 3}]}})")
                                     << "objects[0].segmentation.zones[0].holes";
    QTest::newRow("not an object") << QByteArray("[1, 2]") << "objects[0]";
}

void tst_OverlayShape::unreadable()
{
    QFETCH(QByteArray, object);
    QFETCH(QString, pathInError);
    const auto shape = shapeFromObject(json::parse(object.toStdString()), u"objects[0]"_qs);
    QVERIFY(!shape);
    QVERIFY2(shape.error().message.startsWith(pathInError + u':'),
             qPrintable(shape.error().message));
}

void tst_OverlayShape::objectIndexOfPath_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("index");
    QTest::newRow("member") << "objects[3].bounding-box.width" << 3;
    QTest::newRow("object") << "objects[12]" << 12;
    QTest::newRow("classification") << "classifications[0].answer" << -1;
    QTest::newRow("relation") << "relations[1].from" << -1;
    QTest::newRow("garbage index") << "objects[x]" << -1;
    QTest::newRow("unterminated") << "objects[4" << -1;
}

void tst_OverlayShape::objectIndexOfPath()
{
    QFETCH(QString, path);
    QFETCH(int, index);
    QCOMPARE(ango::app::objectIndexOfPath(path), index);
}

void tst_OverlayShape::stableColours()
{
    // Fixed values: a change of the derivation would recolour every user's classes.
    QCOMPARE(ClassPalette::stableColor(u"car"_qs), ClassPalette::stableColor(u"car"_qs));
    QVERIFY(ClassPalette::stableColor(u"car"_qs) != ClassPalette::stableColor(u"boat"_qs));
    QCOMPARE(ClassPalette::stableColor(u"car"_qs).name(), u"#f027c4"_qs);
    ClassPalette palette;
    palette.setClasses({ClassInfo{u"car"_qs, u"Car"_qs, QColor(u"#123456"_qs)}});
    QCOMPARE(palette.colorOf(u"car"_qs), QColor(u"#123456"_qs));
    QCOMPARE(palette.nameOf(u"car"_qs), u"Car"_qs);
    QCOMPARE(palette.nameOf(u"title:Boat"_qs), u"Boat"_qs);
    QCOMPARE(palette.nameOf(u"unknown-id"_qs), u"unknown-id"_qs);
    QCOMPARE(ClassPalette::keyOf(json::parse(R"({"title": "Boat"})")), u"title:Boat"_qs);
    QCOMPARE(ClassPalette::keyOf(json::parse(R"({"schemaId": "s", "title": "Boat"})")), u"s"_qs);
    QCOMPARE(ClassPalette::keyOf(json::parse(R"({"point": [1, 2]})")), QString());
}

void tst_OverlayShape::classesFromEveryMappingShape()
{
    const auto categorySchema = classesFromMapping(
        json::parse(R"([{"schemaId": "s1", "modelClass": "car"}, {"schemaId": "s2"}])"));
    QCOMPARE(categorySchema.size(), 2);
    QCOMPARE(categorySchema.at(0).name, u"car"_qs);
    QCOMPARE(categorySchema.at(1).name, u"s2"_qs);
    QVERIFY(!categorySchema.at(0).color.isValid());

    const auto labelSet = classesFromMapping(json::parse(
        R"({"tools": [{"schemaId": "s1", "title": "Car", "tool": "bounding-box", "color": "#ff0000"}]})"));
    QCOMPARE(labelSet.size(), 1);
    QCOMPARE(labelSet.at(0).name, u"Car"_qs);
    QCOMPARE(labelSet.at(0).color, QColor(Qt::red));

    // The sandbox file: the model class from categorySchema, the title and colour from tools.
    const auto both = classesFromMapping(json::parse(
        R"({"categorySchema": [{"schemaId": "s1", "modelClass": "car"}],
            "labelSet": {"tools": [{"schemaId": "s1", "title": "Car", "color": "#00ff00"},
                                   {"schemaId": "s9", "title": "Unmapped"}]}})"));
    QCOMPARE(both.size(), 2);
    QCOMPARE(both.at(0).key, u"s1"_qs);
    QCOMPARE(both.at(0).name, u"Car"_qs);
    QCOMPARE(both.at(0).color, QColor(Qt::green));
    QVERIFY(classesFromMapping(json("nonsense")).isEmpty());
}

static int countColour(const QImage &image, QRgb colour)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            count += image.pixel(x, y) == colour ? 1 : 0;
    }
    return count;
}

void tst_OverlayShape::boxRasterDrawsOutlines()
{
    QImage image(100, 100, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white); // render() must clear what was there
    BoxRaster raster;
    const QRgb red = qRgb(255, 0, 0);
    // Edges at x 10 and 50, y 20 and 70 (it spans two 32-row bands), two pixels wide.
    raster.addBox(QRectF(10, 20, 40, 50), 2, red);
    raster.render(image);
    QCOMPARE(image.pixel(9, 45), red); // left edge: columns 9 and 10
    QCOMPARE(image.pixel(10, 45), red);
    QCOMPARE(image.pixel(11, 45), 0u); // inside: transparent
    QCOMPARE(image.pixel(30, 45), 0u);
    QCOMPARE(image.pixel(49, 45), red); // right edge: columns 49 and 50
    QCOMPARE(image.pixel(50, 45), red);
    QCOMPARE(image.pixel(51, 45), 0u);
    QCOMPARE(image.pixel(30, 19), red); // top edge: rows 19 and 20
    QCOMPARE(image.pixel(30, 70), red); // bottom edge: rows 69 and 70
    QCOMPARE(image.pixel(30, 71), 0u);
    QCOMPARE(image.pixel(5, 5), 0u);
    // The whole outline and nothing else: 42 x 52 outer, 38 x 48 hole.
    QCOMPARE(countColour(image, red), 42 * 52 - 38 * 48);

    // Too small for a hole: a filled square.
    raster.clear();
    raster.addBox(QRectF(80, 80, 2, 2), 2, red);
    raster.render(image);
    QCOMPARE(countColour(image, red), 4 * 4);
}

void tst_OverlayShape::boxRasterClipsAndKeepsOrder()
{
    QImage image(64, 64, QImage::Format_ARGB32_Premultiplied);
    BoxRaster raster;
    const QRgb red = qRgb(255, 0, 0);
    const QRgb blue = qRgb(0, 0, 255);
    raster.addBox(QRectF(-20, -20, 200, 200), 2, red); // edges all outside the image
    raster.addBox(QRectF(-10, 30, 100, 10), 2, red);   // crosses the image
    raster.addBox(QRectF(40, 0, 10, 10), 2, red);
    raster.addBox(QRectF(40, 0, 10, 10), 2, blue); // drawn later, on top
    raster.render(image);
    QCOMPARE(countColour(image, red), 64 * 2 * 2); // the crossing box's top and bottom edges
    QCOMPARE(image.pixel(45, 0), blue);
    QCOMPARE(image.pixel(45, 10), blue);
    QCOMPARE(image.pixel(40, 5), blue);
}

QTEST_GUILESS_MAIN(tst_OverlayShape)
#include "tst_overlayshape.moc"
