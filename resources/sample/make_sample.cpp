// Draws the sandbox's sample picture and writes the answer a model could return for it, from the
// same coordinates, so boxes land on the shapes. Every objectId is "<modelClass>-<n>" (the
// modelClass of mapping.json): the sandbox's sample model reads the class from it. Run by hand when
// the picture changes:
//   cmake --build <build> --target ango_make_sample && <build>/resources/ango_make_sample <dir>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QRadialGradient>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace {

using nlohmann::json;

constexpr int kWidth = 1600;
constexpr int kHeight = 1000;

// schemaIds of the sample label set (resources/sample/mapping.json).
const char *const kCar = "5f1c0c7e9a2b4d6e8f0a1b2c3d4e5f60";
const char *const kHouse = "6a2d1d8f0b3c5e7f9a1b2c3d4e5f6071";
const char *const kTree = "7b3e2e9a1c4d6f8a0b2c3d4e5f607182";
const char *const kBoat = "8c4f3fab2d5e7a9b1c3d4e5f60718293";
const char *const kMountain = "9d5a4abc3e6f8bac2d4e5f6071829304";
const char *const kWater = "ae6b5bcd4f7a9cbd3e5f607182930415";
const char *const kRoad = "bf7c6cde5a8badce4f60718293041526";
const char *const kSun = "c08d7def6b9cbedf5a71829304152637";

// Whole pixels as integers, the way a model usually writes them.
json number(double value)
{
    return value == std::trunc(value) ? json(std::int64_t(value)) : json(value);
}

json box(double x, double y, double w, double h)
{
    return {{"x", number(x)}, {"y", number(y)}, {"width", number(w)}, {"height", number(h)}};
}

json points(const QPolygonF &polygon)
{
    json list = json::array();
    for (const QPointF &p : polygon)
        list.push_back({number(p.x()), number(p.y())});
    return list;
}

void drawTree(QPainter &p, QPointF base, double size, json &objects, int n)
{
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0x6d, 0x4c, 0x41));
    p.drawRect(QRectF(base.x() - size * 0.09, base.y() - size * 0.45, size * 0.18, size * 0.45));
    QRadialGradient crown(base - QPointF(size * 0.1, size * 0.85), size * 0.5);
    crown.setColorAt(0, QColor(0x66, 0xbb, 0x6a));
    crown.setColorAt(1, QColor(0x2e, 0x7d, 0x32));
    p.setBrush(crown);
    p.drawEllipse(base - QPointF(0, size * 0.72), size * 0.38, size * 0.42);
    const double left = base.x() - size * 0.38;
    const double top = base.y() - size * 0.72 - size * 0.42;
    objects.push_back({{"schemaId", kTree},
                       {"objectId", "tree-" + std::to_string(n)},
                       {"bounding-box", box(std::round(left), std::round(top),
                                            std::round(size * 0.76), std::round(base.y() - top))}});
}

} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    const QDir out(argc > 1 ? QString::fromLocal8Bit(argv[1]) : QDir::currentPath());
    QImage image(kWidth, kHeight, QImage::Format_RGB32);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    json objects = json::array();

    QLinearGradient sky(0, 0, 0, 620);
    sky.setColorAt(0, QColor(0x64, 0xb5, 0xf6));
    sky.setColorAt(1, QColor(0xe3, 0xf2, 0xfd));
    p.fillRect(0, 0, kWidth, 620, sky);

    // Sun: a point at its centre.
    QRadialGradient sun(QPointF(1380, 150), 90);
    sun.setColorAt(0, QColor(0xff, 0xf5, 0x9d));
    sun.setColorAt(0.75, QColor(0xff, 0xd5, 0x4f));
    sun.setColorAt(1, QColor(0xff, 0xd5, 0x4f, 0));
    p.setPen(Qt::NoPen);
    p.setBrush(sun);
    p.drawEllipse(QPointF(1380, 150), 90, 90);
    objects.push_back({{"schemaId", kSun}, {"objectId", "sun-1"}, {"point", {1380, 150}}});

    // Clouds (not labelled: a model does not find everything).
    p.setBrush(QColor(255, 255, 255, 220));
    for (const QPointF c : {QPointF(300, 120), QPointF(820, 90), QPointF(1060, 200)}) {
        p.drawEllipse(c, 70, 32);
        p.drawEllipse(c + QPointF(55, -18), 50, 34);
        p.drawEllipse(c + QPointF(-55, 6), 45, 26);
    }

    // Mountains: a polygon.
    const QPolygonF mountain{{0, 620},   {150, 420}, {260, 330}, {340, 410}, {420, 470},
                             {520, 330}, {600, 250}, {700, 380}, {860, 620}};
    QLinearGradient rock(0, 250, 0, 620);
    rock.setColorAt(0, QColor(0x78, 0x90, 0x9c));
    rock.setColorAt(1, QColor(0x45, 0x5a, 0x64));
    p.setBrush(rock);
    p.drawPolygon(mountain);
    p.setBrush(Qt::white);
    p.drawPolygon(QPolygonF{{600, 250}, {650, 315}, {620, 305}, {595, 325}, {565, 300}});
    p.drawPolygon(QPolygonF{{260, 330}, {300, 370}, {275, 362}, {250, 378}, {228, 358}});
    objects.push_back(
        {{"schemaId", kMountain}, {"objectId", "mountain-1"}, {"polygon", points(mountain)}});

    QLinearGradient grass(0, 620, 0, kHeight);
    grass.setColorAt(0, QColor(0x9c, 0xcc, 0x65));
    grass.setColorAt(1, QColor(0x55, 0x8b, 0x2f));
    p.fillRect(0, 620, kWidth, kHeight - 620, grass);

    // Lake with an island: a segmentation zone with a hole.
    QPolygonF lake;
    QPolygonF island;
    for (int i = 0; i < 36; ++i) {
        const double a = i * 2 * M_PI / 36;
        lake << QPointF(std::round(1180 + 280 * std::cos(a)), std::round(760 + 105 * std::sin(a)));
        island << QPointF(std::round(1290 + 70 * std::cos(a)), std::round(745 + 30 * std::sin(a)));
    }
    QPainterPath water;
    water.addPolygon(lake);
    water.addPolygon(island);
    water.setFillRule(Qt::OddEvenFill);
    QLinearGradient blue(0, 655, 0, 865);
    blue.setColorAt(0, QColor(0x4f, 0xc3, 0xf7));
    blue.setColorAt(1, QColor(0x02, 0x88, 0xd1));
    p.setBrush(blue);
    p.drawPath(water);
    p.setBrush(QColor(0xd7, 0xcc, 0xc8));
    p.drawPolygon(island);
    objects.push_back({{"schemaId", kWater},
                       {"objectId", "water-1"},
                       {"segmentation",
                        {{"zones", json::array({{{"region", points(lake)},
                                                 {"holes", json::array({points(island)})}}})}}}});

    // Sailboat on the lake, heeling: a rotated box.
    {
        p.save();
        p.translate(1080, 745);
        p.rotate(-12);
        p.setBrush(QColor(0x8d, 0x6e, 0x63));
        p.drawPolygon(QPolygonF{{-45, 10}, {45, 10}, {32, 30}, {-32, 30}});
        p.setBrush(Qt::white);
        p.drawPolygon(QPolygonF{{0, -60}, {0, 8}, {40, 8}});
        p.setBrush(QColor(0xef, 0x53, 0x50));
        p.drawPolygon(QPolygonF{{-4, -54}, {-4, 8}, {-38, 8}});
        p.restore();
        // Unrotated box centred near (1077, 730): 90 x 90, turned by -12 degrees.
        objects.push_back(
            {{"schemaId", kBoat},
             {"objectId", "boat-1"},
             {"rotated-bounding-box",
              {{"x", 1032}, {"y", 685}, {"width", 90}, {"height", 90}, {"rotation", -12}}}});
    }

    // Road: a polyline along its centre.
    const QPolygonF road{{0, 930}, {300, 905}, {620, 900}, {900, 925}, {1200, 950}, {1600, 930}};
    QPainterPath roadPath;
    roadPath.moveTo(road.first());
    for (qsizetype i = 1; i < road.size(); ++i)
        roadPath.lineTo(road[i]);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(0x61, 0x61, 0x61), 70, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.drawPath(roadPath);
    p.setPen(QPen(QColor(0xff, 0xee, 0x58), 5, Qt::DashLine, Qt::FlatCap, Qt::RoundJoin));
    p.drawPath(roadPath);
    objects.push_back({{"schemaId", kRoad}, {"objectId", "road-1"}, {"polyline", points(road)}});

    // House: walls, roof, door, windows.
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0xff, 0xcc, 0x80));
    p.drawRect(QRectF(180, 600, 260, 200));
    p.setBrush(QColor(0xc6, 0x28, 0x28));
    p.drawPolygon(QPolygonF{{160, 605}, {310, 470}, {460, 605}});
    p.setBrush(QColor(0x6d, 0x4c, 0x41));
    p.drawRect(QRectF(290, 690, 50, 110));
    p.setBrush(QColor(0x81, 0xd4, 0xfa));
    p.drawRect(QRectF(205, 640, 55, 45));
    p.drawRect(QRectF(365, 640, 55, 45));
    objects.push_back(
        {{"schemaId", kHouse}, {"objectId", "house-1"}, {"bounding-box", box(160, 470, 300, 330)}});

    drawTree(p, QPointF(530, 800), 170, objects, 1);
    drawTree(p, QPointF(640, 770), 120, objects, 2);
    drawTree(p, QPointF(1500, 640), 150, objects, 3);

    // Car on the road.
    p.setBrush(QColor(0x1e, 0x88, 0xe5));
    p.drawRoundedRect(QRectF(800, 860, 240, 60), 18, 18);
    p.drawRoundedRect(QRectF(850, 815, 140, 60), 22, 22);
    p.setBrush(QColor(0xe1, 0xf5, 0xfe));
    p.drawRoundedRect(QRectF(865, 827, 52, 34), 8, 8);
    p.drawRoundedRect(QRectF(925, 827, 52, 34), 8, 8);
    p.setBrush(QColor(0x21, 0x21, 0x21));
    p.drawEllipse(QPointF(860, 920), 26, 26);
    p.drawEllipse(QPointF(980, 920), 26, 26);
    objects.push_back(
        {{"schemaId", kCar}, {"objectId", "car-1"}, {"bounding-box", box(800, 815, 240, 131)}});
    p.end();

    const json answer
        = {{"objects", objects},
           {"classifications",
            json::array({{{"schemaId", "d19e8ef07cadcfe06b8293041526374a"}, {"answer", "sunny"}}})},
           {"relations", json::array({{{"schemaId", "e2af9f018dbedaf17c93a4152637485b"},
                                       {"title", "parked at"},
                                       {"from", "car-1"},
                                       {"to", "house-1"}}})}};
    if (!image.save(out.filePath(QStringLiteral("sample.png")), "PNG")) {
        std::fprintf(stderr, "cannot write sample.png\n");
        return 1;
    }
    QFile file(out.filePath(QStringLiteral("sample-answer.json")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        std::fprintf(stderr, "cannot write sample-answer.json\n");
        return 1;
    }
    file.write(QByteArray::fromStdString(answer.dump(2) + "\n"));
    return 0;
}
