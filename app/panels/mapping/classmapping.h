#pragma once

#include "common/result.h"

#include <QByteArrayView>
#include <QColor>
#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

// Values behind the class-mapping panel: the plugin's model classes, the project's label-set
// tools they map to, and the categorySchema the hub sends to a model plugin.
namespace ango::app {

struct ClassMapping
{
    QString modelClass;
    QString schemaId; // empty: not mapped

    friend bool operator==(const ClassMapping &, const ClassMapping &) = default;
};

// One tool of a project's label set (GET /v2/project/{id} → data.project.categorySchema.tools).
struct LabelTool
{
    QString schemaId;
    QString title;
    QString tool; // "bounding-box", "polygon", ...
    QColor color; // invalid when the label set gives none

    friend bool operator==(const LabelTool &, const LabelTool &) = default;
};

// [{"schemaId", "modelClass"}] for mapped classes only, in table order; null when nothing is
// mapped (what the hub sends when the user did not map classes).
nlohmann::json categorySchemaOf(const QList<ClassMapping> &mappings);

// The tools array of a label set; entries without a schemaId are skipped (they cannot be targets).
Result<QList<LabelTool>> labelToolsFromJson(const nlohmann::json &tools);
// The body of GET /v2/project/{id}: {"data": {"project": {"categorySchema": {"tools": [...]}}}}.
Result<QList<LabelTool>> labelToolsFromProjectResponse(const nlohmann::json &response);
nlohmann::json labelToolsToJson(const QList<LabelTool> &tools);

// Class names from a file's content: a JSON list of strings or of {"modelClass", "schemaId"}
// objects, or plain text with one class per line (blank lines and lines starting with '#' are
// skipped). Names are trimmed; repeated names are kept once.
Result<QList<ClassMapping>> parseClassList(QByteArrayView content);
nlohmann::json mappingsToJson(const QList<ClassMapping> &mappings);

} // namespace ango::app
