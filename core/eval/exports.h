#pragma once

#include "eval/batchrun.h"
#include "eval/dataset.h"
#include "eval/predictions.h"

#include <nlohmann/json.hpp>

// The predictions of a batch in the two shapes they leave the console in.
namespace ango::eval {

// COCO results: [{"image_id", "category_id", "bbox": [x, y, w, h], "score"}], ids from the
// dataset (COCO: the file's ids), for pycocotools' loadRes or any COCO tool.
nlohmann::json cocoResults(const Dataset &dataset, const std::vector<ImagePrediction> &predictions);

// The body of Ango's label import (POST /v2/import/labels): {"project", "jsonContent": [one
// record per image with a result: {"externalId", "objects", "classifications", "relations"}]},
// the callback's answer as it returned it, for a bulk pre-label upload after review.
nlohmann::json labelImportBody(const Dataset &dataset, const std::vector<ImageRun> &runs,
                               const QString &projectId);

} // namespace ango::eval
