#include "annotation/annotation.h"

#include <QTest>

#include <limits>

using namespace ango::annotation;
using namespace Qt::StringLiterals;
using nlohmann::json;

// QCOMPARE cannot take nlohmann::json (its conversion templates trip over Qt's qfloat16).
#define COMPARE_JSON(actual, expected)                                                             \
    do {                                                                                           \
        const nlohmann::json actual_ = (actual);                                                   \
        const nlohmann::json expected_ = (expected);                                               \
        if (actual_ != expected_) {                                                                \
            const auto text = [](const nlohmann::json &j) {                                        \
                return QString::fromStdString(                                                     \
                    j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));             \
            };                                                                                     \
            QFAIL(qPrintable(u"\n   Actual: "_s + text(actual_) + u"\n Expected: "_s               \
                             + text(expected_)));                                                  \
        }                                                                                          \
    } while (false)

Q_DECLARE_METATYPE(ango::annotation::SourceShape)

namespace {

// The sample model plugin's pre-label (protocol notes §7): one 50x60 box at (20, 30).
constexpr auto kSampleBox = R"({"bounding-box": {"x": 20, "y": 30, "width": 50, "height": 60}})";
constexpr auto kMapping = R"([{"schemaId": "797ea755f5693c0dc902558", "modelClass": "Vehicle"},
                              {"schemaId": "a1b2c3", "modelClass": "Person"}])";

// "E objects[0].bounding-box.width": severity and path of each problem, in order.
QStringList summary(const std::vector<Problem> &problems)
{
    QStringList out;
    for (const Problem &p : problems)
        out << (p.severity == Severity::Error ? u"E "_s : u"W "_s) + QString::fromStdString(p.path);
    return out;
}

Answer answerOf(const QByteArray &text)
{
    auto answer = normalize(json::parse(text.toStdString()));
    if (!answer)
        qFatal("test data does not normalize: %s", qPrintable(answer.error().message));
    return std::move(answer).value();
}

// One object in the newest shape, with the given members.
QByteArray objectAnswer(const QByteArray &members)
{
    return R"({"objects": [{)" + members + "}]}";
}

} // namespace

class TstAnnotation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalizesEveryResultShape_data();
    void normalizesEveryResultShape();
    void rejectsUnreadableResults_data();
    void rejectsUnreadableResults();
    void validates_data();
    void validates();
    void reportsNonFiniteNumbers_data();
    void reportsNonFiniteNumbers();
    void explainsHowFarAShapeIsOutside_data();
    void explainsHowFarAShapeIsOutside();
    void namesTheFaultInPlainWords_data();
    void namesTheFaultInPlainWords();
    void validatesHandBuiltAnswers();
    void shapeMustMatchTheMappedTool_data();
    void shapeMustMatchTheMappedTool();
    void sampleResultPassesEndToEnd();
};

void TstAnnotation::normalizesEveryResultShape_data()
{
    QTest::addColumn<QByteArray>("result");
    QTest::addColumn<SourceShape>("source");
    QTest::addColumn<QByteArray>(
        "expected");                         // the normalised {objects, classifications, relations}
    QTest::addColumn<QString>("externalId"); // empty: none
    QTest::addColumn<QString>("dataUrl");    // empty: none

    const QByteArray box = kSampleBox;
    const QByteArray url = "https://angohub-public-assets.s3.eu-central-1.amazonaws.com/"
                           "bb26ccc1-3a9f-4e41-bb01-df285b0c5bd5.jpg";
    const QByteArray mappedBox = R"({"schemaId": "797ea755f5693c0dc902558", )" + box.mid(1);
    const QByteArray v3Box = R"({"objectId": "100001", )" + box.mid(1);

    QTest::newRow("v2 docs sample")
        << R"({"data": ")" + url + R"(", "answer": {"objects": [)" + mappedBox
               + R"(], "classifications": [], "relations": []}})"
        << SourceShape::V2Wrapped
        << R"({"objects": [)" + mappedBox + R"(], "classifications": [], "relations": []})"
        << QString() << QString::fromLatin1(url);
    QTest::newRow("v2 workflow return without data")
        << R"({"answer": {"objects": [)" + box
               + R"(], "classifications": [{"schemaId": "c", "answer": "yes"}]}})"
        << SourceShape::V2Wrapped
        << R"({"objects": [)" + box
               + R"(], "classifications": [{"schemaId": "c", "answer": "yes"}], "relations": []})"
        << QString() << QString();
    QTest::newRow("v2 answer null")
        << QByteArray(R"({"data": "u", "answer": null})") << SourceShape::V2Wrapped
        << QByteArray(R"({"objects": [], "classifications": [], "relations": []})") << QString()
        << u"u"_s;
    QTest::newRow("v2 answer using tools (labeltask answer)")
        << R"({"answer": {"tools": [)" + box + R"(], "relations": null}})" << SourceShape::V2Wrapped
        << R"({"objects": [)" + box + R"(], "classifications": [], "relations": []})" << QString()
        << QString();
    QTest::newRow("v3 flat sample")
        << R"({"externalId": "my_external_id_1", "objects": [)" + v3Box
               + R"(], "classifications": [], "relations": []})"
        << SourceShape::V3Flat
        << R"({"objects": [)" + v3Box + R"(], "classifications": [], "relations": []})"
        << u"my_external_id_1"_s << QString();
    QTest::newRow("import record by asset url")
        << R"({"data": ")" + url + R"(", "objects": [)" + box + "]}" << SourceShape::V3Flat
        << R"({"objects": [)" + box + R"(], "classifications": [], "relations": []})" << QString()
        << QString::fromLatin1(url);
    QTest::newRow("newest")
        << R"({"objects": [)" + v3Box
               + R"(], "classifications": [{"schemaId": "c", "answer": ["a", "b"]}],
                  "relations": [{"schemaId": "r", "group": ["100001", "100001"]}]})"
        << SourceShape::Newest
        << R"({"objects": [)" + v3Box
               + R"(], "classifications": [{"schemaId": "c", "answer": ["a", "b"]}],
                  "relations": [{"schemaId": "r", "group": ["100001", "100001"]}]})"
        << QString() << QString();
    QTest::newRow("newest, lists missing")
        << R"({"objects": [)" + box + "]}" << SourceShape::Newest
        << R"({"objects": [)" + box + R"(], "classifications": [], "relations": []})" << QString()
        << QString();
    QTest::newRow("empty object")
        << QByteArray("{}") << SourceShape::Newest
        << QByteArray(R"({"objects": [], "classifications": [], "relations": []})") << QString()
        << QString();
    QTest::newRow("lists null, externalId null")
        << QByteArray(R"({"externalId": null, "objects": null, "classifications": null})")
        << SourceShape::Newest
        << QByteArray(R"({"objects": [], "classifications": [], "relations": []})") << QString()
        << QString();
    QTest::newRow("task answer with tools")
        << R"({"tools": [)" + box + R"(], "classifications": [], "relations": []})"
        << SourceShape::Newest
        << R"({"objects": [)" + box + R"(], "classifications": [], "relations": []})" << QString()
        << QString();
    QTest::newRow("objects and tools: both kept, objects first")
        << R"({"tools": [)" + v3Box + R"(], "objects": [)" + box + "]}" << SourceShape::Newest
        << R"({"objects": [)" + box + "," + v3Box + R"(], "classifications": [], "relations": []})"
        << QString() << QString();
    QTest::newRow("unknown members ignored")
        << R"({"objects": [)" + box + R"(], "brushDataUrl": "x", "duration": 0})"
        << SourceShape::Newest
        << R"({"objects": [)" + box + R"(], "classifications": [], "relations": []})" << QString()
        << QString();
}

void TstAnnotation::normalizesEveryResultShape()
{
    QFETCH(QByteArray, result);
    QFETCH(SourceShape, source);
    QFETCH(QByteArray, expected);
    QFETCH(QString, externalId);
    QFETCH(QString, dataUrl);

    const auto answer = normalize(json::parse(result.toStdString()));
    QVERIFY2(answer.ok(), answer.ok() ? "" : qPrintable(answer.error().message));
    QCOMPARE(answer->source, source);
    COMPARE_JSON(answer->toJson(), json::parse(expected.toStdString()));
    QCOMPARE(answer->externalId.has_value(), !externalId.isEmpty());
    QCOMPARE(QString::fromStdString(answer->externalId.value_or("")), externalId);
    QCOMPARE(answer->dataUrl.has_value(), !dataUrl.isEmpty());
    QCOMPARE(QString::fromStdString(answer->dataUrl.value_or("")), dataUrl);
}

void TstAnnotation::rejectsUnreadableResults_data()
{
    QTest::addColumn<QByteArray>("result");
    QTest::addColumn<QString>("message");

    const QString notObject = u"The result must be a JSON object with objects, classifications "
                              u"and relations, but it is "_s;
    QTest::newRow("list") << QByteArray("[]") << notObject + u"an empty list."_s;
    QTest::newRow("batch plugin message")
        << QByteArray(R"("All annotations are imported!")")
        << notObject + u"text \"All annotations are imported!\"."_s;
    QTest::newRow("None") << QByteArray("null") << notObject + u"null."_s;
    QTest::newRow("answer is a list")
        << QByteArray(R"({"answer": [1]})") << u"answer: must be an object, but it is a list."_s;
    QTest::newRow("answer.objects is an object")
        << QByteArray(R"({"answer": {"objects": {"x": 1}}})")
        << u"answer.objects: must be a list, but it is an object."_s;
    QTest::newRow("answer.tools is text")
        << QByteArray(R"({"answer": {"tools": "box"}})")
        << u"answer.tools: must be a list, but it is text \"box\"."_s;
    QTest::newRow("answer.relations item") << QByteArray(R"({"answer": {"relations": [{}, []]}})")
                                           << u"answer.relations[1]: must be an object, but it is "
                                              u"an empty list."_s;
    QTest::newRow("objects item is a number")
        << QByteArray(R"({"objects": [{"point": [1, 2]}, 5]})")
        << u"objects[1]: must be an object, but it is the number 5."_s;
    QTest::newRow("classifications is true")
        << QByteArray(R"({"classifications": true})")
        << u"classifications: must be a list, but it is true."_s;
    QTest::newRow("externalId is a number")
        << QByteArray(R"({"externalId": 12, "objects": []})")
        << u"externalId: must be text, but it is the number 12."_s;
    QTest::newRow("data is an object") << QByteArray(R"({"data": {}, "answer": {}})")
                                       << u"data: must be text, but it is an object."_s;
    QTest::newRow("objects beside answer")
        << QByteArray(R"({"answer": {}, "objects": []})")
        << u"objects: is next to \"answer\", where the SDK never reads it; put it inside "
           u"\"answer\"."_s;
    QTest::newRow("long text is shortened")
        << QByteArray(R"({"relations": "0123456789012345678901234567890123456789TAIL"})")
        << u"relations: must be a list, but it is text "
           u"\"0123456789012345678901234567890123456789...\"."_s;
}

void TstAnnotation::rejectsUnreadableResults()
{
    QFETCH(QByteArray, result);
    QFETCH(QString, message);
    const auto answer = normalize(json::parse(result.toStdString()));
    QVERIFY(!answer.ok());
    QCOMPARE(answer.error().message, message);
}

void TstAnnotation::validates_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QByteArray>("categorySchema"); // "null": no class mapping
    QTest::addColumn<QSize>("imageSize");           // invalid: size unknown
    QTest::addColumn<QStringList>("expected");

    const QByteArray none = "null";
    const QByteArray mapping = kMapping;
    const QSize unknown;
    const QSize image(640, 480);
    const QByteArray boxInMapping = R"("schemaId": "a1b2c3", )";
    auto box = [](const char *members) {
        return objectAnswer(QByteArray(R"("bounding-box": {)") + members + "}");
    };
    auto shape = [](const char *key, const char *value) {
        return objectAnswer(QByteArray("\"") + key + "\": " + value);
    };

    // Class mapping and schemaId.
    QTest::newRow("sample box, no mapping")
        << R"({"objects": [)" + QByteArray(kSampleBox) + "]}" << none << image << QStringList();
    QTest::newRow("sample box, mapped schemaId") << objectAnswer(
        R"("schemaId": "797ea755f5693c0dc902558", "bounding-box": {"x": 20, "y": 30, "width": 50, "height": 60})")
                                                 << mapping << image << QStringList();
    QTest::newRow("schemaId not mapped")
        << objectAnswer(R"("schemaId": "zzz", "point": [1, 1])") << mapping << unknown
        << QStringList{u"E objects[0].schemaId"_s};
    QTest::newRow("no schemaId although mapped") << shape("point", "[1, 1]") << mapping << unknown
                                                 << QStringList{u"E objects[0].schemaId"_s};
    QTest::newRow("title instead of schemaId")
        << objectAnswer(R"("title": "Vehicle", "point": [1, 1])") << mapping << unknown
        << QStringList{u"W objects[0].schemaId"_s};
    QTest::newRow("empty mapping")
        << objectAnswer(R"("schemaId": "a1b2c3", "point": [1, 1])") << QByteArray("[]") << unknown
        << QStringList{u"E objects[0].schemaId"_s};
    QTest::newRow("schemaId is a number")
        << objectAnswer(R"("schemaId": 7, "point": [1, 1])") << none << unknown
        << QStringList{u"E objects[0].schemaId"_s};

    // Bounding boxes.
    QTest::newRow("box fills the image exactly")
        << box(R"("x": 0, "y": 0, "width": 640, "height": 480)") << none << image << QStringList();
    QTest::newRow("box with fractional pixels")
        << box(R"("x": 0.5, "y": 1.25, "width": 10.75, "height": 3.5)") << none << image
        << QStringList();
    QTest::newRow("fourth box with zero width")
        << R"({"objects": [)" + QByteArray(kSampleBox) + "," + kSampleBox + "," + kSampleBox
               + R"(, {"bounding-box": {"x": 20, "y": 30, "width": 0, "height": 60}}]})"
        << none << image << QStringList{u"E objects[3].bounding-box.width"_s};
    QTest::newRow("negative height")
        << box(R"("x": 1, "y": 1, "width": 5, "height": -2)") << none << unknown
        << QStringList{u"E objects[0].bounding-box.height"_s};
    QTest::newRow("missing height") << box(R"("x": 1, "y": 1, "width": 5)") << none << image
                                    << QStringList{u"E objects[0].bounding-box.height"_s};
    QTest::newRow("x as text") << box(R"("x": "20", "y": 1, "width": 5, "height": 5)") << none
                               << image << QStringList{u"E objects[0].bounding-box.x"_s};
    QTest::newRow("y is null") << box(R"("x": 1, "y": null, "width": 5, "height": 5)") << none
                               << image << QStringList{u"E objects[0].bounding-box.y"_s};
    QTest::newRow("box is a list") << shape("bounding-box", "[20, 30, 50, 60]") << none << image
                                   << QStringList{u"E objects[0].bounding-box"_s};
    QTest::newRow("box past the right edge")
        << box(R"("x": 600, "y": 10, "width": 50, "height": 10)") << none << image
        << QStringList{u"W objects[0].bounding-box"_s};
    QTest::newRow("box past the left and top edges")
        << box(R"("x": -5, "y": -3, "width": 50, "height": 10)") << none << image
        << QStringList{u"W objects[0].bounding-box"_s};
    QTest::newRow("box entirely outside")
        << box(R"("x": 700, "y": 10, "width": 5, "height": 5)") << none << image
        << QStringList{u"E objects[0].bounding-box"_s};
    QTest::newRow("box starting on the right edge")
        << box(R"("x": 640, "y": 10, "width": 5, "height": 5)") << none << image
        << QStringList{u"E objects[0].bounding-box"_s};
    QTest::newRow("outside, image size unknown")
        << box(R"("x": 700, "y": -10, "width": 5, "height": 5)") << none << unknown
        << QStringList();
    QTest::newRow("several faults in one box")
        << box(R"("x": "a", "width": 0, "height": -1)") << none << image
        << QStringList{u"E objects[0].bounding-box.x"_s, u"E objects[0].bounding-box.y"_s,
                       u"E objects[0].bounding-box.width"_s, u"E objects[0].bounding-box.height"_s};

    // Rotated boxes.
    const char *rotated = "rotated-bounding-box";
    QTest::newRow("rotated box") << shape(
        rotated, R"({"x": 20, "y": 30, "width": 50, "height": 60, "rotation": 45})")
                                 << none << image << QStringList();
    QTest::newRow("rotation -180")
        << shape(rotated, R"({"x": 20, "y": 30, "width": 50, "height": 60, "rotation": -180})")
        << none << image << QStringList();
    QTest::newRow("rotation 180") << shape(
        rotated, R"({"x": 20, "y": 30, "width": 50, "height": 60, "rotation": 180})")
                                  << none << image << QStringList();
    QTest::newRow("rotation 270") << shape(
        rotated, R"({"x": 20, "y": 30, "width": 50, "height": 60, "rotation": 270})")
                                  << none << image
                                  << QStringList{u"E objects[0].rotated-bounding-box.rotation"_s};
    QTest::newRow("rotation -180.5")
        << shape(rotated, R"({"x": 20, "y": 30, "width": 50, "height": 60, "rotation": -180.5})")
        << none << unknown << QStringList{u"E objects[0].rotated-bounding-box.rotation"_s};
    QTest::newRow("rotation missing")
        << shape(rotated, R"({"x": 20, "y": 30, "width": 50, "height": 60})") << none << image
        << QStringList{u"E objects[0].rotated-bounding-box.rotation"_s};
    QTest::newRow("flat box upright: fits")
        << shape(rotated, R"({"x": 0, "y": 0, "width": 100, "height": 10, "rotation": 0})") << none
        << image << QStringList();
    QTest::newRow("flat box turned 90 degrees leaves the top")
        << shape(rotated, R"({"x": 0, "y": 0, "width": 100, "height": 10, "rotation": 90})") << none
        << image << QStringList{u"W objects[0].rotated-bounding-box"_s};
    QTest::newRow("rotated zero height")
        << shape(rotated, R"({"x": 1, "y": 1, "width": 5, "height": 0, "rotation": 10})") << none
        << image << QStringList{u"E objects[0].rotated-bounding-box.height"_s};

    // Polygons and polylines.
    QTest::newRow("triangle") << shape("polygon", "[[10, 10], [20, 10], [15, 20]]") << none << image
                              << QStringList();
    QTest::newRow("polygon with 2 points") << shape("polygon", "[[10, 10], [20, 10]]") << none
                                           << image << QStringList{u"E objects[0].polygon"_s};
    QTest::newRow("polygon empty")
        << shape("polygon", "[]") << none << image << QStringList{u"E objects[0].polygon"_s};
    QTest::newRow("polygon coordinate as text")
        << shape("polygon", R"([[10, 10], ["20", 10], [15, 20]])") << none << image
        << QStringList{u"E objects[0].polygon[1][0]"_s};
    QTest::newRow("polygon point with three numbers")
        << shape("polygon", "[[10, 10], [20, 10], [15, 20, 1]]") << none << image
        << QStringList{u"E objects[0].polygon[2]"_s};
    QTest::newRow("polygon point as object")
        << shape("polygon", R"([[10, 10], {"x": 20, "y": 10}, [15, 20]])") << none << image
        << QStringList{u"E objects[0].polygon[1]"_s};
    QTest::newRow("polygon flat list")
        << shape("polygon", "[10, 10, 20, 10, 15, 20]") << none << image
        << QStringList{u"E objects[0].polygon[0]"_s, u"E objects[0].polygon[1]"_s,
                       u"E objects[0].polygon[2]"_s, u"E objects[0].polygon[3]"_s,
                       u"E objects[0].polygon[4]"_s, u"E objects[0].polygon[5]"_s};
    QTest::newRow("polygon not a list") << shape("polygon", R"({"points": []})") << none << image
                                        << QStringList{u"E objects[0].polygon"_s};
    QTest::newRow("polygon below the image")
        << shape("polygon", "[[10, 470], [20, 470], [15, 490]]") << none << image
        << QStringList{u"W objects[0].polygon"_s};
    QTest::newRow("polyline of 2 points")
        << shape("polyline", "[[0, 0], [640, 480]]") << none << image << QStringList();
    QTest::newRow("polyline of 1 point") << shape("polyline", "[[0, 0]]") << none << image
                                         << QStringList{u"E objects[0].polyline"_s};

    // Points.
    QTest::newRow("point") << shape("point", "[320, 240]") << none << image << QStringList();
    QTest::newRow("point on the corner")
        << shape("point", "[640, 480]") << none << image << QStringList();
    QTest::newRow("point with one number")
        << shape("point", "[320]") << none << image << QStringList{u"E objects[0].point"_s};
    QTest::newRow("point as object") << shape("point", R"({"x": 1, "y": 2})") << none << image
                                     << QStringList{u"E objects[0].point"_s};
    QTest::newRow("point outside")
        << shape("point", "[641, 10]") << none << image << QStringList{u"E objects[0].point"_s};
    QTest::newRow("point y is bool")
        << shape("point", "[1, true]") << none << image << QStringList{u"E objects[0].point[1]"_s};

    // Segmentation.
    QTest::newRow("segmentation with a hole")
        << shape("segmentation", R"({"zones": [{"region": [[0, 0], [100, 0], [100, 100], [0, 100]],
                                     "holes": [[[10, 10], [20, 10], [15, 20]]]},
                                    {"region": [[200, 200], [300, 200], [250, 300]]}]})")
        << none << image << QStringList();
    QTest::newRow("segmentation region of 2 points")
        << shape("segmentation", R"({"zones": [{"region": [[0, 0], [100, 0]]}]})") << none << image
        << QStringList{u"E objects[0].segmentation.zones[0].region"_s};
    QTest::newRow("segmentation hole of 2 points")
        << shape("segmentation", R"({"zones": [{"region": [[0, 0], [100, 0], [50, 50]],
                                               "holes": [[[1, 1], [2, 2]]]}]})")
        << none << image << QStringList{u"E objects[0].segmentation.zones[0].holes[0]"_s};
    QTest::newRow("segmentation hole point as text")
        << shape("segmentation", R"({"zones": [{"region": [[0, 0], [100, 0], [50, 50]]},
                                    {"region": [[0, 0], [100, 0], [50, 50]],
                                     "holes": [[[1, 1], [2, "2"], [3, 1]]]}]})")
        << none << image << QStringList{u"E objects[0].segmentation.zones[1].holes[0][1][1]"_s};
    QTest::newRow("segmentation holes not a list")
        << shape("segmentation",
                 R"({"zones": [{"region": [[0, 0], [100, 0], [50, 50]], "holes": 3}]})")
        << none << image << QStringList{u"E objects[0].segmentation.zones[0].holes"_s};
    QTest::newRow("segmentation without region")
        << shape("segmentation", R"({"zones": [{}]})") << none << image
        << QStringList{u"E objects[0].segmentation.zones[0].region"_s};
    QTest::newRow("segmentation zones empty")
        << shape("segmentation", R"({"zones": []})") << none << image
        << QStringList{u"E objects[0].segmentation.zones"_s};
    QTest::newRow("segmentation zones missing")
        << shape("segmentation", R"({"region": []})") << none << image
        << QStringList{u"E objects[0].segmentation.zones"_s};
    QTest::newRow("segmentation outside")
        << shape("segmentation", R"({"zones": [{"region": [[600, 0], [700, 0], [650, 50]]}]})")
        << none << image << QStringList{u"W objects[0].segmentation"_s};

    // Shape keys.
    QTest::newRow("no shape") << objectAnswer(R"("objectId": "1", "x": 20)") << none << image
                              << QStringList{u"E objects[0]"_s};
    QTest::newRow("two shapes") << objectAnswer(
        R"("point": [1, 1], "polygon": [[1, 1], [2, 1], [2, 2]])")
                                << none << image << QStringList{u"E objects[0]"_s};
    QTest::newRow("two shapes, one broken")
        << objectAnswer(R"("point": [1, 1], "polyline": [[1, 1]])") << none << image
        << QStringList{u"E objects[0]"_s, u"E objects[0].polyline"_s};
    QTest::newRow("ner is a shape, not measured")
        << objectAnswer(R"("ner": {"start": 0, "end": 5})") << none << image << QStringList();

    // objectIds and relations.
    const QByteArray twoObjects
        = R"("objects": [{"objectId": "100001", "point": [1, 1]}, {"objectId": "100002", "point": [2, 2]}])";
    auto withRelations = [&](const char *relations) -> QByteArray {
        return "{" + twoObjects + R"(, "relations": )" + relations + "}";
    };
    QTest::newRow("relation from/to") << withRelations(
        R"([{"schemaId": "r", "title": "next to", "from": "100001", "to": "100002"}])")
                                      << none << image << QStringList();
    QTest::newRow("relation to unknown objectId")
        << withRelations(R"([{"schemaId": "r", "from": "100001", "to": "7"}])") << none << image
        << QStringList{u"E relations[0].to"_s};
    QTest::newRow("relation without to")
        << withRelations(R"([{"schemaId": "r", "from": "100001"}])") << none << image
        << QStringList{u"E relations[0].to"_s};
    QTest::newRow("relation from a list")
        << withRelations(R"([{"schemaId": "r", "from": ["100001"], "to": "100002"}])") << none
        << image << QStringList{u"E relations[0].from"_s};
    QTest::newRow("group relation")
        << withRelations(R"([{"schemaId": "g", "group": ["100001", "100002"]}])") << none << image
        << QStringList();
    QTest::newRow("group with unknown member")
        << withRelations(R"([{"schemaId": "g", "group": ["100001", "100009", "100002"]}])") << none
        << image << QStringList{u"E relations[0].group[1]"_s};
    QTest::newRow("group empty") << withRelations(R"([{"schemaId": "g", "group": []}])") << none
                                 << image << QStringList{u"E relations[0].group"_s};
    QTest::newRow("group not a list") << withRelations(R"([{"schemaId": "g", "group": "100001"}])")
                                      << none << image << QStringList{u"E relations[0].group"_s};
    QTest::newRow("relation with from/to and group") << withRelations(
        R"([{"schemaId": "r", "from": "100001", "to": "100002", "group": ["100001", "100002"]}])")
                                                     << none << image
                                                     << QStringList{u"E relations[0]"_s};
    QTest::newRow("relation linking nothing")
        << withRelations(R"([{}, {"schemaId": "r"}])") << none << image
        << QStringList{u"E relations[0].schemaId"_s, u"E relations[0]"_s, u"E relations[1]"_s};
    QTest::newRow("relation to an object without objectId")
        << QByteArray(R"({"objects": [{"point": [1, 1]}],
                          "relations": [{"schemaId": "r", "from": "1", "to": "1"}]})")
        << none << image << QStringList{u"E relations[0].from"_s, u"E relations[0].to"_s};
    QTest::newRow("whole-number objectIds") << QByteArray(
        R"({"objects": [{"objectId": 1, "point": [1, 1]}, {"objectId": 2, "point": [1, 1]}],
                          "relations": [{"schemaId": "r", "from": 1, "to": 2}]})")
                                            << none << image << QStringList();
    QTest::newRow("duplicate objectId") << QByteArray(
        R"({"objects": [{"objectId": "a", "point": [1, 1]}, {"objectId": "a", "point": [2, 2]}]})")
                                        << none << image << QStringList{u"W objects[1].objectId"_s};
    QTest::newRow("objectId is an object")
        << objectAnswer(R"("objectId": {}, "point": [1, 1])") << none << image
        << QStringList{u"E objects[0].objectId"_s};

    // Classifications, top level and nested.
    QTest::newRow("classification answers")
        << QByteArray(R"({"classifications": [{"schemaId": "r", "answer": "yes"},
                                              {"schemaId": "c", "answer": ["a", "b"]},
                                              {"schemaId": "b", "answer": true},
                                              {"schemaId": "t", "answer": "",
                                               "classifications": [{"schemaId": "n", "answer": "x"}]}]})")
        << mapping << image << QStringList();
    QTest::newRow("classification answer is a number")
        << QByteArray(R"({"classifications": [{"schemaId": "r", "answer": 3}]})") << none << image
        << QStringList{u"E classifications[0].answer"_s};
    QTest::newRow("checkbox answer with a number")
        << QByteArray(R"({"classifications": [{"schemaId": "c", "answer": ["a", 2]}]})") << none
        << image << QStringList{u"E classifications[0].answer[1]"_s};
    QTest::newRow("classification without schemaId")
        << QByteArray(R"({"classifications": [{"answer": "yes"}]})") << none << image
        << QStringList{u"E classifications[0].schemaId"_s};
    QTest::newRow("classification without answer")
        << QByteArray(R"({"classifications": [{"schemaId": "r"}]})") << none << image
        << QStringList{u"W classifications[0].answer"_s};
    QTest::newRow("classification item not an object")
        << QByteArray(R"({"classifications": [{"schemaId": "r", "answer": "a",
                                               "classifications": ["x"]}]})")
        << none << image << QStringList{u"E classifications[0].classifications[0]"_s};
    QTest::newRow("nested classification without schemaId")
        << QByteArray(R"({"classifications": [{"schemaId": "r", "answer": "a",
                                               "classifications": [{"answer": "b"}]}]})")
        << none << image << QStringList{u"E classifications[0].classifications[0].schemaId"_s};
    QTest::newRow("object classification answer wrong")
        << objectAnswer(R"("point": [1, 1], "classifications": [{"schemaId": "s", "answer": {}}])")
        << none << image << QStringList{u"E objects[0].classifications[0].answer"_s};
    QTest::newRow("object classifications not a list")
        << objectAnswer(R"("point": [1, 1], "classifications": "s")") << none << image
        << QStringList{u"E objects[0].classifications"_s};
}

void TstAnnotation::validates()
{
    QFETCH(QByteArray, answer);
    QFETCH(QByteArray, categorySchema);
    QFETCH(QSize, imageSize);
    QFETCH(QStringList, expected);

    ValidationContext context;
    context.categorySchema = json::parse(categorySchema.toStdString());
    if (imageSize.isValid())
        context.imageSize = imageSize;
    const auto problems = validate(answerOf(answer), context);
    for (const Problem &p : problems)
        QVERIFY2(!p.message.isEmpty(), p.path.c_str());
    QCOMPARE(summary(problems), expected);
}

void TstAnnotation::reportsNonFiniteNumbers_data()
{
    QTest::addColumn<QString>("shapeKey");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");

    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("box x NaN") << u"bounding-box"_s << nan << u"objects[0].bounding-box.x"_s
                               << u"x must be a finite number, but it is NaN (not a number)."_s;
    QTest::newRow("box width infinite")
        << u"bounding-box"_s << inf << u"objects[0].bounding-box.width"_s
        << u"width must be a finite number, but it is infinity."_s;
    QTest::newRow("rotation -inf")
        << u"rotated-bounding-box"_s << -inf << u"objects[0].rotated-bounding-box.rotation"_s
        << u"rotation must be a finite number, but it is minus infinity."_s;
    QTest::newRow("polygon y NaN") << u"polygon"_s << nan << u"objects[0].polygon[1][1]"_s
                                   << u"y must be a finite number, but it is NaN (not a number)."_s;
    QTest::newRow("point x infinite") << u"point"_s << inf << u"objects[0].point[0]"_s
                                      << u"x must be a finite number, but it is infinity."_s;
}

void TstAnnotation::reportsNonFiniteNumbers()
{
    QFETCH(QString, shapeKey);
    QFETCH(double, value);
    QFETCH(QString, path);
    QFETCH(QString, message);

    // Built from C++ doubles, the way a JSON can hold what no JSON text can spell.
    json shape;
    if (shapeKey == u"bounding-box") {
        shape = {{"x", 20}, {"y", 30}, {"width", 50}, {"height", 60}};
        shape[path.endsWith(u"width") ? "width" : "x"] = value;
    } else if (shapeKey == u"rotated-bounding-box") {
        shape = {{"x", 20}, {"y", 30}, {"width", 50}, {"height", 60}, {"rotation", value}};
    } else if (shapeKey == u"polygon") {
        shape = json::array({json::array({1, 1}), json::array({2.0, value}), json::array({3, 1})});
    } else {
        shape = json::array({value, 1});
    }
    json result = {{"objects", json::array({{{shapeKey.toStdString(), shape}}})}};
    const auto answer = normalize(result);
    QVERIFY(answer.ok());

    ValidationContext context;
    context.imageSize = QSize(640, 480);
    const auto problems = validate(*answer, context);
    QCOMPARE(problems.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(problems[0].path), path);
    QCOMPARE(problems[0].message, message);
    QCOMPARE(problems[0].severity, Severity::Error);
}

void TstAnnotation::explainsHowFarAShapeIsOutside_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("message");

    QTest::newRow("right") << objectAnswer(
        R"("bounding-box": {"x": 600, "y": 10, "width": 50, "height": 10})")
                           << u"reaches outside the 640x480 image: 10 px past the right edge."_s;
    QTest::newRow("left and top")
        << objectAnswer(R"("bounding-box": {"x": -5, "y": -2.5, "width": 50, "height": 10})")
        << u"reaches outside the 640x480 image: 5 px past the left edge, 2.5 px past the top "
           u"edge."_s;
    QTest::newRow("bottom") << objectAnswer(R"("polyline": [[0, 0], [10, 500]])")
                            << u"reaches outside the 640x480 image: 20 px past the bottom edge."_s;
    QTest::newRow("point left of the image")
        << objectAnswer(R"("point": [-0.5, 0.5])")
        << u"lies entirely outside the 640x480 image (0.5 px past the left edge)."_s;
    QTest::newRow("rotated around its centre")
        << objectAnswer(
               R"("rotated-bounding-box": {"x": 0, "y": 0, "width": 100, "height": 10, "rotation": -90})")
        << u"reaches outside the 640x480 image: 45 px past the top edge."_s;
}

void TstAnnotation::explainsHowFarAShapeIsOutside()
{
    QFETCH(QByteArray, answer);
    QFETCH(QString, message);
    ValidationContext context;
    context.imageSize = QSize(640, 480);
    const auto problems = validate(answerOf(answer), context);
    QCOMPARE(problems.size(), std::size_t(1));
    QCOMPARE(problems[0].message, message);
}

void TstAnnotation::namesTheFaultInPlainWords_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QString>("message");

    QTest::newRow("zero width") << objectAnswer(
        R"("bounding-box": {"x": 1, "y": 1, "width": 0, "height": 5})")
                                << u"is 0: the width of a box must be greater than 0."_s;
    QTest::newRow("missing height")
        << objectAnswer(R"("bounding-box": {"x": 1, "y": 1, "width": 5})")
        << u"is missing: a bounding-box needs x, y, width and height."_s;
    QTest::newRow("rotation range") << objectAnswer(
        R"("rotated-bounding-box": {"x": 1, "y": 1, "width": 5, "height": 5, "rotation": 270})")
                                    << u"is 270 degrees: rotation must be between -180 and 180."_s;
    QTest::newRow("polygon points") << objectAnswer(R"("polygon": [[1, 1], [2, 2]])")
                                    << u"has 2 points: a polygon needs at least 3."_s;
    QTest::newRow("polyline points") << objectAnswer(R"("polyline": [[1, 1]])")
                                     << u"has 1 point: a polyline needs at least 2."_s;
    QTest::newRow("coordinate text")
        << objectAnswer(R"("point": ["3", 1])") << u"x must be a number, but it is text \"3\"."_s;
    QTest::newRow("two shapes")
        << objectAnswer(R"("point": [1, 1], "polyline": [[1, 1], [2, 2]])")
        << u"has 2 shapes (polyline, point): an object carries exactly one."_s;
    QTest::newRow("no shape")
        << objectAnswer(R"("schemaId": "a")")
        << u"has no shape: an object needs one of bounding-box, "
           u"rotated-bounding-box, polygon, polyline, point or segmentation."_s;
    QTest::newRow("unknown objectId")
        << QByteArray(R"({"objects": [{"objectId": "1", "point": [1, 1]}],
                          "relations": [{"schemaId": "r", "from": "1", "to": "2"}]})")
        << u"refers to objectId \"2\", but no object in the answer has that objectId."_s;
    QTest::newRow("duplicate objectId")
        << QByteArray(
               R"({"objects": [{"objectId": "1", "point": [1, 1]}, {"objectId": "1", "point": [1, 1]}]})")
        << u"\"1\" is also the objectId of objects[0]: relations to it are ambiguous."_s;
}

void TstAnnotation::namesTheFaultInPlainWords()
{
    QFETCH(QByteArray, answer);
    QFETCH(QString, message);
    const auto problems = validate(answerOf(answer), ValidationContext{});
    QCOMPARE(problems.size(), std::size_t(1));
    QCOMPARE(problems[0].message, message);
}

void TstAnnotation::validatesHandBuiltAnswers()
{
    // Answer is a public struct: validate() must not trust that normalize() filled it.
    Answer answer;
    answer.objects = "box";
    answer.classifications = json::array({1});
    answer.relations = json::object();
    QCOMPARE(summary(validate(answer, {})),
             (QStringList{u"E objects"_s, u"E classifications[0]"_s, u"E relations"_s}));

    answer = Answer{};
    answer.objects = json::array({nullptr, json::object({{"point", {1, 2}}})});
    QCOMPARE(summary(validate(answer, {})), QStringList{u"E objects[0]"_s});

    // A mapping entry without a usable schemaId maps nothing.
    ValidationContext context;
    context.categorySchema = json::parse(R"([{"modelClass": "Vehicle"}, "x", {"schemaId": 5}])");
    answer.objects = json::array({json::object({{"schemaId", "5"}, {"point", {1, 2}}})});
    QCOMPARE(summary(validate(answer, context)), QStringList{u"E objects[0].schemaId"_s});
    QCOMPARE(validate(answer, context)[0].message,
             u"\"5\" is not the schemaId of any mapped class; mapped: none."_s);
}

void TstAnnotation::shapeMustMatchTheMappedTool_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("box on a point tool") << objectAnswer(
        R"("schemaId": "sun", "bounding-box": {"x": 1, "y": 2, "width": 3, "height": 4})")
                                         << QStringList{u"E objects[0].bounding-box"_s};
    QTest::newRow("polygon on a bounding-box tool")
        << objectAnswer(R"("schemaId": "house", "polygon": [[1, 1], [5, 1], [3, 4]])")
        << QStringList{u"E objects[0].polygon"_s};
    QTest::newRow("point on a point tool")
        << objectAnswer(R"("schemaId": "sun", "point": [4, 5])") << QStringList{};
    QTest::newRow("box on a bounding-box tool") << objectAnswer(
        R"("schemaId": "house", "bounding-box": {"x": 1, "y": 2, "width": 3, "height": 4})")
                                                << QStringList{};
    QTest::newRow("tool not in the label set")
        << objectAnswer(R"("schemaId": "boat", "polygon": [[1, 1], [5, 1], [3, 4]])")
        << QStringList{};
}

void TstAnnotation::shapeMustMatchTheMappedTool()
{
    QFETCH(QByteArray, answer);
    QFETCH(QStringList, expected);
    const json tools = json::parse(R"([
        {"schemaId": "sun", "tool": "point", "title": "Sun"},
        {"schemaId": "house", "tool": "bounding-box", "title": "House"},
        {"schemaId": 7, "tool": "point"}, "junk"
    ])");
    ValidationContext context;
    context.categorySchema = json::parse(R"([{"schemaId": "sun", "modelClass": "sun"},
        {"schemaId": "house", "modelClass": "redbox"}, {"schemaId": "boat", "modelClass": "b"}])");
    const auto problems = validate(answerOf(answer), context, tools);
    QCOMPARE(summary(problems), expected);
    if (!problems.empty()) {
        // The message names the shape, the tool type and its title.
        const QString message = problems[0].message;
        QVERIFY2(message.contains(u" tool (\"Sun\")"_s) || message.contains(u" tool (\"House\")"_s),
                 qPrintable(message));
    }
    // Without the label set the shape cannot be checked against a tool.
    QCOMPARE(summary(validate(answerOf(answer), context)), QStringList{});
}

void TstAnnotation::sampleResultPassesEndToEnd()
{
    // The docs' v2 sample with the first mapped class, as the sample plugin builds it.
    const json result = json::parse(R"({
        "data": "https://angohub-public-assets.s3.eu-central-1.amazonaws.com/bb26ccc1-3a9f-4e41-bb01-df285b0c5bd5.jpg",
        "answer": {"objects": [{"schemaId": "797ea755f5693c0dc902558",
                                "bounding-box": {"x": 20, "y": 30, "width": 50, "height": 60}}],
                   "classifications": [], "relations": []}})");
    const auto answer = normalize(result);
    QVERIFY(answer.ok());
    ValidationContext context;
    context.categorySchema = json::parse(kMapping);
    context.imageSize = QSize(100, 100);
    QVERIFY(validate(*answer, context).empty());

    // The same box on a 60x80 image sticks out 10 px to the right and 10 px at the bottom.
    context.imageSize = QSize(60, 80);
    const auto problems = validate(*answer, context);
    QCOMPARE(problems.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(problems[0].path), u"objects[0].bounding-box"_s);
    QCOMPARE(problems[0].severity, Severity::Warning);
    QCOMPARE(problems[0].message,
             u"reaches outside the 60x80 image: 10 px past the right edge, 10 px past the "
             u"bottom edge."_s);
}

QTEST_GUILESS_MAIN(TstAnnotation)
#include "tst_annotation.moc"
