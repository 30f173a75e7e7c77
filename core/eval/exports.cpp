#include "eval/exports.h"

using nlohmann::json;

namespace ango::eval {

json cocoResults(const Dataset &dataset, const std::vector<ImagePrediction> &predictions)
{
    json out = json::array();
    for (std::size_t i = 0; i < predictions.size() && i < dataset.images.size(); ++i) {
        for (const Detection &d : predictions[i].detections) {
            if (d.category < 0 || std::size_t(d.category) >= dataset.categories.size())
                continue;
            out.push_back({{"image_id", dataset.images[i].cocoId},
                           {"category_id", dataset.categories[std::size_t(d.category)].cocoId},
                           {"bbox", {d.box.x, d.box.y, d.box.w, d.box.h}},
                           {"score", d.score}});
        }
    }
    return out;
}

json labelImportBody(const Dataset &dataset, const std::vector<ImageRun> &runs,
                     const QString &projectId)
{
    json records = json::array();
    for (std::size_t i = 0; i < runs.size() && i < dataset.images.size(); ++i) {
        const ImageRun &run = runs[i];
        if (run.state != ImageRun::State::Done || !run.answer)
            continue;
        records.push_back({{"externalId", dataset.images[i].key.toStdString()},
                           {"objects", run.answer->objects},
                           {"classifications", run.answer->classifications},
                           {"relations", run.answer->relations}});
    }
    return json{{"project", projectId.toStdString()}, {"jsonContent", std::move(records)}};
}

} // namespace ango::eval
