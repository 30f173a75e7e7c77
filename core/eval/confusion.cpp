#include "eval/confusion.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ango::eval {

ConfusionMatrix confusionMatrix(const Dataset &dataset,
                                const std::vector<std::vector<Detection>> &detections,
                                double iouThreshold)
{
    ConfusionMatrix matrix;
    matrix.classes = int(dataset.categories.size());
    const int n = matrix.classes + 1;
    const int background = matrix.classes;
    matrix.cells.assign(std::size_t(n * n), 0);
    auto add = [&](int truth, int detected) { ++matrix.cells[std::size_t(truth * n + detected)]; };
    for (std::size_t i = 0; i < dataset.images.size(); ++i) {
        const auto &truth = dataset.images[i].truth;
        static const std::vector<Detection> none;
        const auto &dts = i < detections.size() ? detections[i] : none;
        std::vector<int> order(dts.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&dts](int l, int r) {
            return dts[std::size_t(l)].score > dts[std::size_t(r)].score;
        });
        std::vector<bool> taken(truth.size(), false);
        for (const int d : order) {
            const Detection &det = dts[std::size_t(d)];
            if (det.category < 0 || det.category >= matrix.classes)
                continue;
            int best = -1;
            double bestIou = iouThreshold;
            bool onCrowd = false;
            for (std::size_t g = 0; g < truth.size(); ++g) {
                const TruthObject &t = truth[g];
                if (t.crowd || t.ignore) {
                    onCrowd = onCrowd || boxIou(det.box, t.box, true) >= iouThreshold;
                    continue;
                }
                if (taken[g])
                    continue;
                const double iou = boxIou(det.box, t.box, false);
                if (iou >= bestIou) {
                    bestIou = iou;
                    best = int(g);
                }
            }
            if (best >= 0) {
                taken[std::size_t(best)] = true;
                add(truth[std::size_t(best)].category, det.category);
            } else if (!onCrowd) {
                add(background, det.category);
            }
        }
        for (std::size_t g = 0; g < truth.size(); ++g) {
            if (!taken[g] && !truth[g].crowd && !truth[g].ignore)
                add(truth[g].category, background);
        }
    }
    return matrix;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    const double rank = std::ceil(p / 100.0 * double(values.size()));
    const std::size_t index = std::size_t(std::clamp(rank, 1.0, double(values.size()))) - 1;
    return values[index];
}

} // namespace ango::eval
