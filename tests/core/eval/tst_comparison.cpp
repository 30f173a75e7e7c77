// A/B comparison against a case computed by hand: a class that improves (dog), one that regresses
// (cat), one that stays (bird), an image whose prediction changes, and the report round trip.
#include "comparenear.h"
#include "eval/comparison.h"

#include <QTest>

#include <cmath>

using namespace ango::eval;
using nlohmann::json;

namespace {

constexpr Box kCat{0, 0, 50, 50};
constexpr Box kDog{100, 100, 50, 50};
constexpr Box kBird{300, 0, 50, 50};
constexpr Box kDog3{200, 200, 50, 50};
constexpr Box kNowhere{400, 400, 50, 50};

// Images 1..4. Truth: 1 cat+dog+bird, 2 cat, 3 dog, 4 nothing.
Dataset dataset()
{
    Dataset d;
    for (const char *name : {"cat", "dog", "bird"})
        d.categories.push_back(Category{QLatin1String(name), {}, qint64(d.categories.size()) + 1});
    for (int i = 0; i < 4; ++i) {
        DatasetImage image;
        image.cocoId = i + 1;
        image.key = QString::number(i + 1);
        image.fileName = QStringLiteral("img%1.png").arg(i + 1);
        d.images.push_back(image);
    }
    auto truth = [&d](int image, int category, Box box) {
        TruthObject t;
        t.category = category;
        t.box = box;
        t.area = box.area();
        t.id = qint64(d.images[std::size_t(image)].truth.size()) + 1;
        d.images[std::size_t(image)].truth.push_back(t);
    };
    truth(0, 0, kCat);
    truth(0, 1, kDog);
    truth(0, 2, kBird);
    truth(1, 0, kCat);
    truth(2, 1, kDog3);
    return d;
}

// A finds everything on image 1 and the cat of image 2, misses the dog of image 3 and sees a
// bird on empty image 4. B moves image 2's cat off target (a regression: one TP becomes an FP
// and an FN), finds image 3's dog at IoU 2/3, and sees nothing on image 4.
std::vector<std::vector<Detection>> detectionsA()
{
    return {{{0, kCat, 0.9}, {1, kDog, 0.9}, {2, kBird, 0.9}},
            {{0, kCat, 0.8}},
            {},
            {{2, kNowhere, 0.5}}};
}

std::vector<std::vector<Detection>> detectionsB()
{
    return {{{0, kCat, 0.9}, {1, kDog, 0.9}, {2, kBird, 0.9}},
            {{0, kNowhere, 0.8}},
            {{1, Box{210, 200, 50, 50}, 0.7}},
            {}};
}

const ScoreDelta &classNamed(const Comparison &c, const QString &name)
{
    for (const ScoreDelta &d : c.classes) {
        if (d.name == name)
            return d;
    }
    static const ScoreDelta none;
    return none;
}

} // namespace

class tst_Comparison : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void handComputedDeltas();
    void imagesSortedByLargestDifference();
    void classesOrderedByChange();
    void reportRoundTrip();
    void badReportNamesField_data();
    void badReportNamesField();
    void differentDatasetsFail();
};

void tst_Comparison::handComputedDeltas()
{
    const Dataset d = dataset();
    const ScoreCard a = scoreCard(QStringLiteral("A"), d, evaluate(d, detectionsA()));
    const ScoreCard b = scoreCard(QStringLiteral("B"), d, evaluate(d, detectionsB()));
    auto compared = compare(a, b);
    QVERIFY(compared);
    const Comparison &c = *compared;
    QCOMPARE(c.classes.size(), 3u);

    // cat: A finds both (AP 1); B finds one of two before its false one -> recall 0.5 at
    // precision 1 -> 51 of 101 recall points, at every IoU threshold.
    const ScoreDelta &cat = classNamed(c, QStringLiteral("cat"));
    COMPARE_NEAR(cat.a.ap, 1.0);
    COMPARE_NEAR(cat.b.ap, 51.0 / 101);
    COMPARE_NEAR(*cat.ap, 51.0 / 101 - 1);
    COMPARE_NEAR(*cat.ap50, 51.0 / 101 - 1);
    COMPARE_NEAR(*cat.recall, -0.5);
    // dog: A finds one of two (51/101 everywhere, recall 0.5). B finds both, the second at IoU
    // 2/3: matched at thresholds .50-.65 (4 of 10: AP 1, recall 1), else as A.
    const ScoreDelta &dog = classNamed(c, QStringLiteral("dog"));
    COMPARE_NEAR(dog.b.ap, (4 * 1.0 + 6 * 51.0 / 101) / 10);
    COMPARE_NEAR(*dog.ap, 20.0 / 101);
    COMPARE_NEAR(*dog.ap50, 50.0 / 101);
    COMPARE_NEAR(*dog.recall, 0.2);
    // bird: A's extra bird on image 4 comes after its true one (lower score): AP stays 1.
    const ScoreDelta &bird = classNamed(c, QStringLiteral("bird"));
    COMPARE_NEAR(*bird.ap, 0.0);
    COMPARE_NEAR(bird.a.ap, 1.0);
    // overall: the mean over the classes. A (1 + 51/101 + 1)/3, B (51/101 + 71/101 + 1)/3.
    COMPARE_NEAR(*c.overall.ap, (223.0 - 253.0) / 303);
    COMPARE_NEAR(*c.overall.ap50, ((51.0 + 101 + 101) - (101 + 51 + 101)) / 303);
}

void tst_Comparison::imagesSortedByLargestDifference()
{
    const Dataset d = dataset();
    const ScoreCard a = scoreCard(QStringLiteral("A"), d, evaluate(d, detectionsA()));
    const ScoreCard b = scoreCard(QStringLiteral("B"), d, evaluate(d, detectionsB()));
    const Comparison c = compare(a, b).value();
    QCOMPARE(c.images.size(), 4u);
    QCOMPARE(c.differingImages, 3);
    // image 2: F1 1 -> 0 (TP 1 -> 0, FP 0 -> 1, FN 0 -> 1: 3 changes); image 3: 0 -> 1 (TP, FN,
    // detections: 3 changes); image 4: 0 -> 1 (FP, detections: 2); image 1 unchanged.
    QStringList keys;
    for (const ImageDelta &i : c.images)
        keys << i.a.key;
    QCOMPARE(keys, (QStringList{QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4"),
                                QStringLiteral("1")}));
    QCOMPARE(c.images[0].delta, -1.0);
    QCOMPARE(c.images[0].changes, 3);
    QCOMPARE(c.images[0].b.fp, 1);
    QCOMPARE(c.images[0].b.fn, 1);
    QCOMPARE(c.images[1].delta, 1.0);
    QCOMPARE(c.images[2].changes, 2);
    QCOMPARE(c.images[3].delta, 0.0);
    QVERIFY(!c.images[3].differs());

    const json j = comparisonJson(c);
    QCOMPARE(j["images"].size(), 3u); // unchanged images are not listed
    QVERIFY(j["images"][0]["key"] == "2");
    QVERIFY(j["images"][0]["B"]["fp"] == 1);
    QVERIFY(j["differingImages"] == 3);
    QVERIFY(ango::test::near(j["classes"]["dog"]["deltaAP50"].get<double>(), 50.0 / 101));
    QCOMPARE(comparisonJson(c, 1)["images"].size(), 1u);
}

void tst_Comparison::classesOrderedByChange()
{
    const Dataset d = dataset();
    const Comparison c = compare(scoreCard(QStringLiteral("A"), d, evaluate(d, detectionsA())),
                                 scoreCard(QStringLiteral("B"), d, evaluate(d, detectionsB())))
                             .value();
    QStringList names;
    for (std::size_t k : classesByChange(c))
        names << c.classes[k].name;
    // |ΔAP| cat 50/101, dog 20/101, bird 0.
    QCOMPARE(names,
             (QStringList{QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("bird")}));
}

void tst_Comparison::reportRoundTrip()
{
    // The shape `ango-console eval --out` writes, as far as the comparison reads it.
    const json report = {
        {"overall", {{"AP", 0.5}, {"AP50", 0.75}, {"AR100", 0.5}}},
        {"classes",
         {{"cat", {{"AP", 1.0}, {"AP50", 1.0}, {"AR100", 1.0}, {"groundTruth", 2}}},
          {"dog", {{"AP", 0.25}, {"AP50", 0.5}, {"AR100", 0.5}, {"groundTruth", 2}}},
          {"bird", {{"AP", -1.0}, {"AP50", -1.0}, {"AR100", -1.0}, {"groundTruth", 0}}}}},
        {"images",
         {{{"key", "1"}, {"tp", 3}, {"fp", 0}, {"fn", 0}, {"detections", 3}, {"state", "done"}},
          {{"key", "2"}, {"tp", 1}, {"fp", 0}, {"fn", 0}, {"detections", 1}, {"state", "done"}},
          {{"key", "3"}, {"tp", 0}, {"fp", 0}, {"fn", 1}, {"detections", 0}, {"state", "failed"}},
          {{"key", "9"}, {"tp", 0}, {"fp", 0}, {"fn", 0}, {"detections", 0}}}}};
    auto a = scoreCardFromReport(QStringLiteral("report.json"), report);
    QVERIFY2(a, qPrintable(a ? QString() : a.error().message));
    QCOMPARE(a->images.size(), 4u);
    QVERIFY(a->images[2].failed);
    const Dataset d = dataset();
    const ScoreCard b = scoreCard(QStringLiteral("B"), d, evaluate(d, detectionsB()));
    const Comparison c = compare(*a, b).value();
    COMPARE_NEAR(*classNamed(c, QStringLiteral("dog")).ap50, 1.0 - 0.5);
    COMPARE_NEAR(*classNamed(c, QStringLiteral("cat")).ap, 51.0 / 101 - 1.0);
    QVERIFY(!classNamed(c, QStringLiteral("bird")).ap); // no truth in A: no delta
    QCOMPARE(c.onlyInA, QStringList{QStringLiteral("9")});
    QCOMPARE(c.onlyInB, QStringList{QStringLiteral("4")});
    QCOMPARE(c.images.size(), 3u);
    // image 3: A failed (F1 0), B found the dog (F1 1): TP, FN, detections and the failure
    // itself are 4 changes, one more than image 2's (F1 1 -> 0), so it comes first.
    QCOMPARE(c.images[0].a.key, QStringLiteral("3"));
    QCOMPARE(c.images[0].changes, 4);
    QCOMPARE(c.images[1].a.key, QStringLiteral("2"));
}

void tst_Comparison::badReportNamesField_data()
{
    QTest::addColumn<QByteArray>("report");
    QTest::addColumn<QString>("named");
    const QByteArray head = R"("overall": {"AP": 0.5}, "classes": {"cat": {"AP": 1}})";
    QTest::newRow("not an object") << QByteArray("[1]") << QStringLiteral("not a JSON object");
    QTest::newRow("no images") << "{" + head + "}" << QStringLiteral("images");
    QTest::newRow("tp not a count")
        << "{" + head + R"(, "images": [{"key": "1"}, {"key": "2", "tp": "x"}]})"
        << QStringLiteral("images[1].tp");
    QTest::newRow("key twice") << "{" + head + R"(, "images": [{"key": "1"}, {"key": "1"}]})"
                               << QStringLiteral("images[1].key");
    QTest::newRow("AP out of range")
        << QByteArray(R"({"overall": {}, "classes": {"cat": {"AP": 7}}, "images": []})")
        << QStringLiteral("classes.cat.AP");
}

void tst_Comparison::badReportNamesField()
{
    QFETCH(QByteArray, report);
    QFETCH(QString, named);
    auto card = scoreCardFromReport(QStringLiteral("r.json"),
                                    json::parse(report.toStdString(), nullptr, false));
    QVERIFY(!card);
    QVERIFY2(card.error().message.contains(named), qPrintable(card.error().message));
}

void tst_Comparison::differentDatasetsFail()
{
    {
        // The same images under other keys (an export's externalIds): matched by file name.
        const Dataset d = dataset();
        ScoreCard a = scoreCard(QStringLiteral("A"), d, evaluate(d, detectionsA()));
        for (ImageScore &i : a.images)
            i.key = QStringLiteral("ext-") + i.key;
        const Comparison c
            = compare(a, scoreCard(QStringLiteral("B"), d, evaluate(d, detectionsB()))).value();
        QVERIFY(c.matchedByFile);
        QCOMPARE(c.images.size(), 4u);
        QCOMPARE(c.images[0].a.key, QStringLiteral("ext-2"));
        QCOMPARE(c.images[0].b.key, QStringLiteral("2"));
        QCOMPARE(c.differingImages, 3);
    }
    ScoreCard a;
    a.label = QStringLiteral("old.json");
    a.images.push_back(ImageScore{QStringLiteral("x"), {}, 1, 0, 0, 1, false});
    const Dataset d = dataset();
    auto c = compare(a, scoreCard(QStringLiteral("B"), d, evaluate(d, detectionsB())));
    QVERIFY(!c);
    QVERIFY2(c.error().message.contains(QStringLiteral("old.json")), qPrintable(c.error().message));
    QVERIFY(c.error().message.contains(QStringLiteral("no image in common")));
}

QTEST_GUILESS_MAIN(tst_Comparison)
#include "tst_comparison.moc"
