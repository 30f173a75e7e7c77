#pragma once

#include "annotation/annotation.h"
#include "common/result.h"
#include "eval/cocoeval.h"
#include "eval/dataset.h"

#include <QHash>
#include <QString>

#include <nlohmann/json.hpp>

// From a callback's answer to detections of the dataset's categories, through the class mapping:
// the object's schemaId → the label it stands for → the ground-truth category of that name.
namespace ango::eval {

struct ClassMapping
{
    // What the callback receives: [{"schemaId", "modelClass"}], one entry per model class.
    nlohmann::json categorySchema = nlohmann::json::array();
    QHash<QString, int> schemaToCategory; // schemaId → index into Dataset::categories
    // The JSON object the user gave (model class → category name), echoed in the report.
    nlohmann::json source;
};

// For a COCO or export dataset: modelToCategory is a JSON object {model class: category name};
// null means every category is its own model class (names matched ignoring case). The schemaId
// of a category is its export schemaId, else its name. Errors name the model class and the unknown
// category.
Result<ClassMapping> mappingFromModelClasses(const Dataset &dataset,
                                             const nlohmann::json &modelToCategory);

// For the GUI: the window's categorySchema and the label (name) of each schemaId.
ClassMapping mappingFromSchema(const Dataset &dataset, const nlohmann::json &categorySchema,
                               const QHash<QString, QString> &schemaLabels);

struct ImagePrediction
{
    std::vector<Detection> detections;
    std::vector<int> objectIndex; // per detection: index into the answer's objects
    int unmapped = 0;             // objects whose schemaId (or title) is no category of the dataset
    int notMeasured = 0;          // objects without an area shape (point, polyline, broken shape)
    int byBoundingBox = 0;        // rotated boxes, polygons, segmentations evaluated by their box
};

ImagePrediction predictionsFromAnswer(const annotation::Answer &answer, const ClassMapping &mapping,
                                      const Dataset &dataset);

} // namespace ango::eval
