#include "eval/predictions.h"

#include "eval/objectbox.h"

using nlohmann::json;

namespace ango::eval {

namespace {
// An export's categories keep the project's schemaIds, so the answers can be imported as they
// are; COCO categories are known by name only.
QString schemaIdOf(const Category &category)
{
    return category.schemaId.isEmpty() ? category.name : category.schemaId;
}
} // namespace

Result<ClassMapping> mappingFromModelClasses(const Dataset &dataset, const json &modelToCategory)
{
    ClassMapping mapping;
    mapping.source = modelToCategory;
    if (modelToCategory.is_null()) {
        for (std::size_t k = 0; k < dataset.categories.size(); ++k) {
            const QString schemaId = schemaIdOf(dataset.categories[k]);
            mapping.categorySchema.push_back(
                {{"schemaId", schemaId.toStdString()},
                 {"modelClass", dataset.categories[k].name.toStdString()}});
            mapping.schemaToCategory.insert(schemaId, int(k));
        }
        return mapping;
    }
    if (!modelToCategory.is_object())
        return makeError(QStringLiteral("the mapping must be a JSON object {\"model class\": "
                                        "\"category name\"}"));
    for (auto it = modelToCategory.begin(); it != modelToCategory.end(); ++it) {
        const QString modelClass = QString::fromStdString(it.key());
        if (!it->is_string())
            return makeError(
                QStringLiteral("mapping: \"%1\": must be a category name (text)").arg(modelClass));
        const QString target = QString::fromStdString(it->get<std::string>());
        const int k = dataset.categoryByName(target);
        if (k < 0)
            return makeError(QStringLiteral("mapping: \"%1\": \"%2\" is not a category of the "
                                            "dataset")
                                 .arg(modelClass, target));
        const QString schemaId = schemaIdOf(dataset.categories[std::size_t(k)]);
        mapping.categorySchema.push_back(
            {{"schemaId", schemaId.toStdString()}, {"modelClass", it.key()}});
        mapping.schemaToCategory.insert(schemaId, k);
    }
    return mapping;
}

ClassMapping mappingFromSchema(const Dataset &dataset, const json &categorySchema,
                               const QHash<QString, QString> &schemaLabels)
{
    ClassMapping mapping;
    mapping.categorySchema = categorySchema.is_array() ? categorySchema : json::array();
    mapping.source = categorySchema;
    for (const json &entry : mapping.categorySchema) {
        if (!entry.is_object() || !entry.contains("schemaId") || !entry["schemaId"].is_string())
            continue;
        const QString schemaId = QString::fromStdString(entry["schemaId"].get<std::string>());
        const int k = dataset.categoryByName(schemaLabels.value(schemaId, schemaId));
        if (k >= 0)
            mapping.schemaToCategory.insert(schemaId, k);
    }
    return mapping;
}

ImagePrediction predictionsFromAnswer(const annotation::Answer &answer, const ClassMapping &mapping,
                                      const Dataset &dataset)
{
    ImagePrediction out;
    if (!answer.objects.is_array())
        return out;
    for (std::size_t i = 0; i < answer.objects.size(); ++i) {
        const json &object = answer.objects[i];
        if (!object.is_object())
            continue;
        int category = -1;
        if (const auto id = object.find("schemaId"); id != object.end() && id->is_string())
            category = mapping.schemaToCategory.value(
                QString::fromStdString(id->get<std::string>()), -1);
        else if (const auto title = object.find("title");
                 title != object.end() && title->is_string())
            category = dataset.categoryByName(QString::fromStdString(title->get<std::string>()));
        const auto box = objectBox(object);
        if (!box) {
            ++out.notMeasured;
            continue;
        }
        if (category < 0) {
            ++out.unmapped;
            continue;
        }
        if (box->source != BoxSource::BoundingBox)
            ++out.byBoundingBox;
        out.detections.push_back(Detection{category, box->box, objectScore(object)});
        out.objectIndex.push_back(int(i));
    }
    return out;
}

} // namespace ango::eval
