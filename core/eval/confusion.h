#pragma once

#include "eval/cocoeval.h"
#include "eval/dataset.h"

#include <vector>

// A class confusion matrix with "background", at IoU 0.5: each detection (highest score first)
// takes the unmatched, non-crowd ground-truth object it overlaps most, whatever its class.
// Rows: ground-truth class, then background (a detection that matched nothing). Columns:
// detected class, then background (an object nothing matched). Detections on crowd regions are
// left out, as in COCOeval.
namespace ango::eval {

struct ConfusionMatrix
{
    int classes = 0; // the matrix is (classes + 1)²; index `classes` is background
    std::vector<qsizetype> cells;

    qsizetype at(int truth, int detected) const
    {
        return cells[std::size_t(truth * (classes + 1) + detected)];
    }
};

ConfusionMatrix confusionMatrix(const Dataset &dataset,
                                const std::vector<std::vector<Detection>> &detections,
                                double iouThreshold = 0.5);

// Nearest-rank percentile (p in [0, 100]) of the values; -1 for none.
double percentile(std::vector<double> values, double p);

} // namespace ango::eval
