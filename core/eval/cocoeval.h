#pragma once

#include "eval/box.h"
#include "eval/dataset.h"

#include <array>
#include <vector>

// Detection metrics with the rules of pycocotools' COCOeval (iouType "bbox"), see docs/eval.md:
// IoU thresholds .50:.05:.95, 101 recall points, area ranges all/small/medium/large, max
// detections 1/10/100, crowd regions ignored, greedy matching in (stable) score order.
namespace ango::eval {

struct Detection
{
    int category = 0; // index into Dataset::categories
    Box box;
    double score = 1;
};

struct EvalParams
{
    std::vector<double> iouThresholds;    // default: numpy linspace(.5, .95, 10)
    std::vector<double> recallThresholds; // default: numpy linspace(0, 1, 101)
    std::array<int, 3> maxDets{1, 10, 100};
    EvalParams();
};

enum class AreaRange { All = 0, Small, Medium, Large };
inline constexpr int kAreaRanges = 4;

// COCOeval.stats in its order: AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl.
// -1 where nothing could be measured (no ground truth).
using Stats = std::array<double, 12>;

struct ClassMetrics
{
    double ap = -1; // AP@[.5:.95], area all, 100 detections
    double ap50 = -1;
    double ap75 = -1;
    double ar100 = -1;
    qsizetype truth = 0;      // not-ignored ground truth (area all)
    qsizetype detections = 0; // all detections of the class
};

// How one object fared at IoU 0.5 (area all, 100 detections): for the per-image report and the
// gallery's TP/FP/FN styles.
enum class Outcome { TruePositive, FalsePositive, Ignored, Missed, Matched, IgnoredTruth };

struct ImageOutcome
{
    std::vector<Outcome> detections; // per detection, in the order given
    std::vector<int> matchedTruth;   // per detection: index into the image's truth, or -1
    std::vector<Outcome> truth;      // per truth object: Matched, Missed or IgnoredTruth
    int tp = 0;
    int fp = 0;
    int fn = 0;
};

struct EvalResult
{
    Stats stats{};
    std::vector<ClassMetrics> classes; // per dataset category
    std::vector<ImageOutcome> images;  // per dataset image
};

// detections[i] belongs to dataset.images[i] (missing trailing entries: no detections).
EvalResult evaluate(const Dataset &dataset, const std::vector<std::vector<Detection>> &detections,
                    const EvalParams &params = {});

} // namespace ango::eval
