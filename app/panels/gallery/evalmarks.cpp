#include "panels/gallery/evalmarks.h"

namespace ango::app {

namespace {

QRectF toRect(const eval::Box &box)
{
    return QRectF(box.x, box.y, box.w, box.h);
}

QString categoryName(const eval::Dataset &dataset, int category)
{
    return category >= 0 && std::size_t(category) < dataset.categories.size()
               ? dataset.categories[std::size_t(category)].name
               : QStringLiteral("?");
}

} // namespace

std::vector<EvalMark> evalMarks(const eval::Dataset &dataset, std::size_t image,
                                const std::vector<eval::Detection> &detections,
                                const eval::ImageOutcome &outcome)
{
    std::vector<EvalMark> marks;
    if (image >= dataset.images.size())
        return marks;
    const std::size_t shown = std::min(detections.size(), outcome.detections.size());
    for (std::size_t d = 0; d < shown; ++d) {
        const eval::Detection &detection = detections[d];
        const QString label = QStringLiteral("%1 %2")
                                  .arg(categoryName(dataset, detection.category))
                                  .arg(detection.score, 0, 'f', 2);
        switch (outcome.detections[d]) {
        case eval::Outcome::TruePositive:
            marks.push_back({EvalMarkKind::TruePositive, toRect(detection.box), label});
            break;
        case eval::Outcome::FalsePositive:
            marks.push_back({EvalMarkKind::FalsePositive, toRect(detection.box),
                             QStringLiteral("FP ") + label});
            break;
        default: // on a crowd or ignored region, or cut by the 100-detection limit
            marks.push_back({EvalMarkKind::Ignored, toRect(detection.box), label});
            break;
        }
    }
    const std::vector<eval::TruthObject> &truth = dataset.images[image].truth;
    for (std::size_t t = 0; t < truth.size() && t < outcome.truth.size(); ++t) {
        const QString name = categoryName(dataset, truth[t].category);
        if (outcome.truth[t] == eval::Outcome::Missed)
            marks.push_back(
                {EvalMarkKind::Missed, toRect(truth[t].box), QStringLiteral("missed ") + name});
        else if (outcome.truth[t] == eval::Outcome::IgnoredTruth)
            marks.push_back(
                {EvalMarkKind::Ignored, toRect(truth[t].box),
                 (truth[t].crowd ? QStringLiteral("crowd ") : QStringLiteral("ignored ")) + name});
    }
    return marks;
}

} // namespace ango::app
