// The COCOeval rules, each pinned by a case computed by hand (docs/eval.md), and a generated
// dataset whose answers follow from how it was generated.
#include "comparenear.h"
#include "eval/cocoeval.h"
#include "eval/confusion.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <cfloat>
#include <random>

using namespace ango::eval;

namespace {

Dataset makeDataset(const QStringList &classes, int images)
{
    Dataset d;
    for (const QString &name : classes)
        d.categories.push_back(Category{name, {}, qint64(d.categories.size()) + 1});
    for (int i = 0; i < images; ++i) {
        DatasetImage image;
        image.cocoId = i + 1;
        image.key = QString::number(i + 1);
        d.images.push_back(image);
    }
    return d;
}

void addTruth(Dataset &d, int image, int category, Box box, bool crowd = false)
{
    TruthObject t;
    t.category = category;
    t.box = box;
    t.area = box.area();
    t.crowd = crowd;
    t.id = qint64(d.images[std::size_t(image)].truth.size()) + 1;
    d.images[std::size_t(image)].truth.push_back(t);
}

constexpr Box kA{0, 0, 50, 50};
constexpr Box kB{100, 100, 50, 50};
constexpr Box kC{200, 200, 50, 50};
constexpr Box kFar{400, 400, 30, 30};

} // namespace

class tst_CocoEval : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void thresholdsAreNumpyLinspace();
    void perfectDetectionsScoreOne();
    void duplicateIsFalsePositive();
    void detectionOnCrowdIsIgnored();
    void confidentFalsePositiveLowersAp();
    void scoreTiesKeepInputOrder();
    void equalIouGoesToLaterTruth();
    void interpolationUses101Points();
    void onlyHundredDetectionsPerImageCount();
    void classWithoutTruthIsLeftOut();
    void iouThresholdsDecideAp75();
    void areaRangesSplitBySize();
    void generatedDatasetHasKnownAnswers();
    void confusionMatrixCountsBackground();
    void percentileIsNearestRank();
};

void tst_CocoEval::thresholdsAreNumpyLinspace()
{
    const EvalParams p;
    QCOMPARE(p.iouThresholds.size(), 10u);
    QCOMPARE(p.iouThresholds.front(), 0.5);
    QCOMPARE(p.iouThresholds.back(), 0.95);
    QCOMPARE(p.iouThresholds[5], 0.75); // AP75 picks this one by equality, as pycocotools does
    QCOMPARE(p.recallThresholds.size(), 101u);
    QCOMPARE(p.recallThresholds[50], 0.5);
    QCOMPARE(p.recallThresholds.back(), 1.0);
}

void tst_CocoEval::perfectDetectionsScoreOne()
{
    Dataset d = makeDataset({QStringLiteral("cat"), QStringLiteral("dog")}, 2);
    addTruth(d, 0, 0, kA);
    addTruth(d, 0, 1, kB);
    addTruth(d, 1, 0, kC);
    const std::vector<std::vector<Detection>> dets{{{0, kA, 0.9}, {1, kB, 0.8}}, {{0, kC, 0.3}}};
    const EvalResult r = evaluate(d, dets);
    QCOMPARE(r.stats[0], 1.0);
    QCOMPARE(r.stats[1], 1.0);
    QCOMPARE(r.stats[2], 1.0);
    QCOMPARE(r.stats[8], 1.0);
    QCOMPARE(r.classes[0].ap, 1.0);
    QCOMPARE(r.classes[1].ap50, 1.0);
    QCOMPARE(r.classes[0].truth, 2);
    QCOMPARE(r.images[0].tp, 2);
    QCOMPARE(r.images[0].fp, 0);
}

void tst_CocoEval::duplicateIsFalsePositive()
{
    // A (TP), A again (FP), B (TP): rc .5 .5 1, pr 1 .5 .667 -> interpolated 1 .667 .667.
    // Recall points 0..0.50 (51) take 1, 0.51..1 (50) take 2/3.
    Dataset d = makeDataset({QStringLiteral("cat")}, 1);
    addTruth(d, 0, 0, kA);
    addTruth(d, 0, 0, kB);
    const std::vector<std::vector<Detection>> dets{{{0, kA, 0.9}, {0, kA, 0.8}, {0, kB, 0.7}}};
    const EvalResult r = evaluate(d, dets);
    COMPARE_NEAR(r.stats[0], (51.0 + 50.0 * (2.0 / (3.0 + DBL_EPSILON))) / 101.0);
    QCOMPARE(r.images[0].detections[1], Outcome::FalsePositive);
    QCOMPARE(r.images[0].fp, 1);
    QCOMPARE(r.images[0].tp, 2);
}

void tst_CocoEval::detectionOnCrowdIsIgnored()
{
    // The detection inside the crowd region scores highest; counted as a FP it would halve the
    // precision at the first recall step.
    Dataset d = makeDataset({QStringLiteral("person")}, 1);
    addTruth(d, 0, 0, kA);
    addTruth(d, 0, 0, Box{300, 300, 200, 200}, true);
    const std::vector<std::vector<Detection>> dets{
        {{0, Box{320, 320, 40, 40}, 0.99}, {0, kA, 0.5}}};
    const EvalResult r = evaluate(d, dets);
    QCOMPARE(r.stats[0], 1.0);
    QCOMPARE(r.classes[0].truth, 1); // the crowd region is not an object to find
    QCOMPARE(r.images[0].detections[0], Outcome::Ignored);
    QCOMPARE(r.images[0].truth[1], Outcome::IgnoredTruth);
    QCOMPARE(r.images[0].fp, 0);
}

void tst_CocoEval::confidentFalsePositiveLowersAp()
{
    // FP, TP, TP: pr 0 .5 .667 -> .667 everywhere once interpolated.
    Dataset d = makeDataset({QStringLiteral("cat")}, 1);
    addTruth(d, 0, 0, kA);
    addTruth(d, 0, 0, kB);
    const std::vector<std::vector<Detection>> dets{{{0, kA, 0.9}, {0, kB, 0.8}, {0, kFar, 0.95}}};
    COMPARE_NEAR(evaluate(d, dets).stats[0], 2.0 / (3.0 + DBL_EPSILON));
    const std::vector<std::vector<Detection>> low{{{0, kA, 0.9}, {0, kB, 0.8}, {0, kFar, 0.1}}};
    QCOMPARE(evaluate(d, low).stats[0], 1.0);
}

void tst_CocoEval::scoreTiesKeepInputOrder()
{
    Dataset d = makeDataset({QStringLiteral("cat")}, 2);
    addTruth(d, 0, 0, kA);
    addTruth(d, 0, 0, kB);
    const std::vector<std::vector<Detection>> fpFirst{{{0, kFar, 0.5}, {0, kA, 0.5}, {0, kB, 0.5}}};
    COMPARE_NEAR(evaluate(d, fpFirst).stats[0], 2.0 / (3.0 + DBL_EPSILON));
    const std::vector<std::vector<Detection>> fpLast{{{0, kA, 0.5}, {0, kB, 0.5}, {0, kFar, 0.5}}};
    QCOMPARE(evaluate(d, fpLast).stats[0], 1.0);
    // Across images, ties go in image-id order: the FP on image 2 comes after image 1's TPs...
    const std::vector<std::vector<Detection>> split{{{0, kA, 0.5}, {0, kB, 0.5}}, {{0, kFar, 0.5}}};
    QCOMPARE(evaluate(d, split).stats[0], 1.0);
    // ...and before them when image 2 has the smaller id.
    d.images[1].cocoId = 0;
    COMPARE_NEAR(evaluate(d, split).stats[0], 2.0 / (3.0 + DBL_EPSILON));
}

void tst_CocoEval::equalIouGoesToLaterTruth()
{
    // The wide detection overlaps both halves with IoU exactly 0.5. pycocotools keeps searching
    // on an equal IoU, so the later object (the right half) is taken and the exact detection of
    // the left half is a second true positive. Taking the first would make it a false positive.
    Dataset d = makeDataset({QStringLiteral("cat")}, 1);
    addTruth(d, 0, 0, Box{0, 0, 10, 10});
    addTruth(d, 0, 0, Box{10, 0, 10, 10});
    const std::vector<std::vector<Detection>> dets{
        {{0, Box{0, 0, 20, 10}, 0.9}, {0, Box{0, 0, 10, 10}, 0.8}}};
    const EvalResult r = evaluate(d, dets);
    QCOMPARE(r.stats[1], 1.0);
    QCOMPARE(r.images[0].matchedTruth, (std::vector<int>{1, 0}));
}

void tst_CocoEval::interpolationUses101Points()
{
    // A TP, FP, B TP, C missed: rc 1/3 1/3 2/3; interpolated pr 1 .667 .667.
    // r = 0..0.33 (34 points) -> 1; 0.34..0.66 (33) -> 2/3; 0.67..1 (34) -> 0.
    Dataset d = makeDataset({QStringLiteral("cat")}, 1);
    addTruth(d, 0, 0, kA);
    addTruth(d, 0, 0, kB);
    addTruth(d, 0, 0, kC);
    const std::vector<std::vector<Detection>> dets{{{0, kA, 0.9}, {0, kFar, 0.8}, {0, kB, 0.7}}};
    const EvalResult r = evaluate(d, dets);
    COMPARE_NEAR(r.stats[0], (34.0 + 33.0 * (2.0 / (3.0 + DBL_EPSILON))) / 101.0);
    COMPARE_NEAR(r.stats[8], 2.0 / 3.0);
    QCOMPARE(r.images[0].fn, 1);
}

void tst_CocoEval::onlyHundredDetectionsPerImageCount()
{
    Dataset d = makeDataset({QStringLiteral("cell")}, 1);
    std::vector<Detection> dets;
    for (int i = 0; i < 101; ++i) {
        const Box box{double(i % 20) * 60, double(i / 20) * 60, 50, 50};
        addTruth(d, 0, 0, box);
        dets.push_back(Detection{0, box, 1.0 - i * 0.001});
    }
    std::reverse(dets.begin(), dets.end()); // the order given must not matter, the score does
    const EvalResult r = evaluate(d, {dets});
    COMPARE_NEAR(r.stats[0], 100.0 / 101.0); // precision 1 up to recall 100/101, 0 at recall 1
    COMPARE_NEAR(r.stats[6], 1.0 / 101.0);   // AR@1
    COMPARE_NEAR(r.stats[7], 10.0 / 101.0);  // AR@10
    COMPARE_NEAR(r.stats[8], 100.0 / 101.0); // AR@100
    QCOMPARE(r.images[0].detections[0], Outcome::Ignored); // the lowest score, cut
    QCOMPARE(r.images[0].fn, 1);
}

void tst_CocoEval::classWithoutTruthIsLeftOut()
{
    Dataset d = makeDataset({QStringLiteral("cat"), QStringLiteral("dog")}, 1);
    addTruth(d, 0, 0, kA);
    const std::vector<std::vector<Detection>> dets{{{0, kA, 0.9}, {1, kB, 0.99}}};
    const EvalResult r = evaluate(d, dets);
    QCOMPARE(r.classes[1].ap, -1.0);
    QCOMPARE(r.classes[1].ap50, -1.0);
    QCOMPARE(r.classes[1].detections, 1);
    QCOMPARE(r.stats[0], 1.0);
}

void tst_CocoEval::iouThresholdsDecideAp75()
{
    // IoU 0.62: a match at .50, .55 and .60 only.
    Dataset d = makeDataset({QStringLiteral("cat")}, 1);
    addTruth(d, 0, 0, Box{0, 0, 10, 10});
    const std::vector<std::vector<Detection>> dets{{{0, Box{0, 0, 10, 6.2}, 0.9}}};
    const EvalResult r = evaluate(d, dets);
    COMPARE_NEAR(r.stats[0], 0.3);
    QCOMPARE(r.stats[1], 1.0);
    QCOMPARE(r.stats[2], 0.0);
    COMPARE_NEAR(r.stats[8], 0.3);
}

void tst_CocoEval::areaRangesSplitBySize()
{
    Dataset d = makeDataset({QStringLiteral("cat")}, 1);
    addTruth(d, 0, 0, Box{0, 0, 10, 10});       // small
    addTruth(d, 0, 0, Box{100, 100, 200, 200}); // large, missed
    const std::vector<std::vector<Detection>> dets{{{0, Box{0, 0, 10, 10}, 0.9}}};
    const EvalResult r = evaluate(d, dets);
    QCOMPARE(r.stats[3], 1.0);  // APs
    QCOMPARE(r.stats[4], -1.0); // APm: nothing medium
    QCOMPARE(r.stats[5], 0.0);  // APl
    COMPARE_NEAR(r.stats[0], 51.0 / 101.0);
}

void tst_CocoEval::generatedDatasetHasKnownAnswers()
{
    // 300 images, 3 classes, up to 6 objects of 100x100 each on a grid. Class 0: every object
    // found exactly but every 4th one (by a running count) is missed; class 1: found at IoU
    // 85/115 (matches up to .70); class 2: found exactly. False positives everywhere score below
    // every true one; detections inside crowd regions score highest and must be ignored.
    Dataset d = makeDataset({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}, 300);
    QRandomGenerator rng(1234);
    std::vector<std::vector<Detection>> dets(300);
    int countA = 0;
    int keptA = 0;
    qsizetype fps = 0;
    for (int i = 0; i < 300; ++i) {
        const int objects = 1 + int(rng.bounded(6));
        for (int o = 0; o < objects; ++o) {
            const int category = int(rng.bounded(3));
            const Box box{double(o % 3) * 300 + rng.bounded(50), double(o / 3) * 300, 100, 100};
            addTruth(d, i, category, box);
            if (category == 0 && (countA++ % 4 == 3))
                continue;
            keptA += category == 0;
            Box found = box;
            if (category == 1)
                found.x += 15;
            dets[std::size_t(i)].push_back(
                Detection{category, found, 0.5 + rng.generateDouble() / 2});
        }
        if (rng.bounded(2)) {
            dets[std::size_t(i)].push_back(Detection{int(rng.bounded(3)), Box{1000, 1000, 80, 80},
                                                     rng.generateDouble() * 0.49});
            ++fps;
        }
        addTruth(d, i, 2, Box{1200, 0, 300, 300}, true);
        dets[std::size_t(i)].push_back(Detection{2, Box{1250, 50, 100, 100}, 0.999});
        std::shuffle(dets[std::size_t(i)].begin(), dets[std::size_t(i)].end(),
                     std::mt19937(unsigned(i)));
    }
    const EvalResult r = evaluate(d, dets);
    const double recallA = double(keptA) / double(countA);
    // Precision 1 up to the recall reached, so AP counts the recall points at or below it.
    const double pointsA = double(int(std::floor(recallA * 100 + 1e-9)) + 1) / 101.0;
    COMPARE_NEAR(r.classes[0].ap, pointsA);
    COMPARE_NEAR(r.classes[0].ap50, pointsA);
    COMPARE_NEAR(r.classes[1].ap, 0.5); // 5 of 10 thresholds (.50 to .70), precision 1
    QCOMPARE(r.classes[1].ap50, 1.0);
    QCOMPARE(r.classes[1].ap75, 0.0);
    QCOMPARE(r.classes[2].ap, 1.0);
    COMPARE_NEAR(r.stats[0], (pointsA + 0.5 + 1.0) / 3.0);
    qsizetype fp = 0;
    for (const ImageOutcome &image : r.images)
        fp += image.fp;
    QCOMPARE(fp, fps);
}

void tst_CocoEval::confusionMatrixCountsBackground()
{
    Dataset d = makeDataset({QStringLiteral("cat"), QStringLiteral("dog")}, 1);
    addTruth(d, 0, 0, kA);                            // found as a dog
    addTruth(d, 0, 1, kB);                            // found as a dog
    addTruth(d, 0, 1, kC);                            // missed
    addTruth(d, 0, 0, Box{600, 600, 100, 100}, true); // crowd
    const std::vector<std::vector<Detection>> dets{
        {{1, kA, 0.9}, {1, kB, 0.8}, {0, kFar, 0.7}, {0, Box{610, 610, 20, 20}, 0.6}}};
    const ConfusionMatrix m = confusionMatrix(d, dets);
    QCOMPARE(m.at(0, 1), 1); // cat seen as dog
    QCOMPARE(m.at(1, 1), 1);
    QCOMPARE(m.at(1, 2), 1); // dog missed: background column
    QCOMPARE(m.at(2, 0), 1); // a cat where there is nothing: background row
    QCOMPARE(m.at(0, 0), 0);
    qsizetype total = 0;
    for (const qsizetype c : m.cells)
        total += c;
    QCOMPARE(total, 4); // the detection on the crowd region is not counted
}

void tst_CocoEval::percentileIsNearestRank()
{
    std::vector<double> values;
    for (int i = 100; i >= 1; --i)
        values.push_back(i);
    QCOMPARE(percentile(values, 50), 50.0);
    QCOMPARE(percentile(values, 95), 95.0);
    QCOMPARE(percentile({7}, 95), 7.0);
    QCOMPARE(percentile({}, 50), -1.0);
}

QTEST_GUILESS_MAIN(tst_CocoEval)
#include "tst_cocoeval.moc"
