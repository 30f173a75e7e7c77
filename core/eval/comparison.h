#pragma once

#include "common/result.h"
#include "eval/batchrun.h"
#include "eval/cocoeval.h"
#include "eval/dataset.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

// A/B: two evaluations of the same dataset side by side. Each side is a ScoreCard, made from an
// evaluation that just ran or from a report `ango-console eval --out` wrote earlier; classes are
// matched by name and images by key. Deltas are B − A.
namespace ango::eval {

struct ClassScore
{
    QString name;
    double ap = -1; // AP@[.5:.95]; -1: no ground truth (COCOeval's convention)
    double ap50 = -1;
    double recall = -1; // AR100
    qint64 truth = 0;
    qint64 detections = 0;
};

struct ImageScore
{
    QString key;
    QString file;
    int tp = 0; // at IoU 0.5, as in the report
    int fp = 0;
    int fn = 0;
    qint64 detections = 0;
    bool failed = false; // the callback gave no answer for it
};

struct ScoreCard
{
    QString label; // what was measured: the callback spec and config, or the report file
    ClassScore overall;
    std::vector<ClassScore> classes;
    std::vector<ImageScore> images;
};

// The per-image score the A/B sorts by: F1 at IoU 0.5, 2·TP / (2·TP + FP + FN); 1 for an image
// with nothing to find and nothing found.
double imageScore(const ImageScore &image);

// runs may be null (then no image counts as failed).
ScoreCard scoreCard(const QString &label, const Dataset &dataset, const EvalResult &result,
                    const std::vector<ImageRun> *runs = nullptr);
// From a report written by `ango-console eval --out`. Errors name the field ("images[3].tp").
Result<ScoreCard> scoreCardFromReport(const QString &label, const nlohmann::json &report);
// Reads and parses the report file; errors name the file.
Result<ScoreCard> loadReportScoreCard(const QString &reportFile);

struct ScoreDelta
{
    QString name;
    ClassScore a;
    ClassScore b;
    // B − A; nullopt where either side has no ground truth (-1).
    std::optional<double> ap;
    std::optional<double> ap50;
    std::optional<double> recall;
};

struct ImageDelta
{
    ImageScore a;
    ImageScore b;
    double scoreA = 0;
    double scoreB = 0;
    double delta = 0; // scoreB − scoreA
    int changes = 0;  // |ΔTP| + |ΔFP| + |ΔFN| + |Δdetections| + (failed on one side only)
    bool differs() const { return changes > 0 || delta != 0; }
};

struct Comparison
{
    QString labelA;
    QString labelB;
    ScoreDelta overall;
    // Classes of A in A's order, then those only B has.
    std::vector<ScoreDelta> classes;
    // Images of both, the largest |Δscore| first, then the most changed counts, then by key.
    std::vector<ImageDelta> images;
    qsizetype differingImages = 0;
    QStringList onlyInA; // image keys
    QStringList onlyInB;
    bool matchedByFile = false; // no key in common: images were matched by file name
};

// Fails when the two have no image in common (not the same dataset): by key, or when no key is
// shared, by file name.
Result<Comparison> compare(const ScoreCard &a, const ScoreCard &b);

// Class rows for a table: the largest |ΔAP| first (then |ΔAP50|, |Δrecall|), classes without
// a delta last, ties by name. Indices into Comparison::classes.
std::vector<std::size_t> classesByChange(const Comparison &comparison);

// The report's "comparison" section: labels, overall and per-class deltas, differing images
// (at most maxImages, in Comparison::images order), images of one side only (counts and the
// first keys).
nlohmann::json comparisonJson(const Comparison &comparison, std::size_t maxImages = 100);

} // namespace ango::eval
