#pragma once

#include "common/result.h"

#include <QSize>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

// The annotation JSON a model callback returns, in every shape the SDK versions accept, brought to
// one normalised form: {"objects": [...], "classifications": [...], "relations": [...]}.
namespace ango::annotation {

enum class SourceShape {
    V2Wrapped, // {"data": url, "answer": {"objects", "classifications", "relations"}}
    V3Flat,    // {"externalId" or "data", "objects", "classifications", "relations"}
    Newest,    // {"objects", "classifications", "relations"}
};

struct Answer
{
    nlohmann::json objects = nlohmann::json::array();
    nlohmann::json classifications = nlohmann::json::array();
    nlohmann::json relations = nlohmann::json::array();
    SourceShape source = SourceShape::Newest;
    std::optional<std::string> externalId; // V3Flat
    std::optional<std::string> dataUrl;    // V2Wrapped

    // {"objects", "classifications", "relations"}: what annotate and the newest SDK send.
    nlohmann::json toJson() const;
};

// Fails only when the result cannot be read as an answer at all (not an object, or a member of
// the wrong JSON type); the message names the JSON path. Missing or null lists are empty;
// "tools" (task answers, exports) is read as objects, after any "objects".
Result<Answer> normalize(const nlohmann::json &result);

enum class Severity { Warning, Error };

struct Problem
{
    std::string path; // in the normalised answer (toJson()), e.g. "objects[3].bounding-box.width"
    QString message;
    Severity severity = Severity::Warning;
};

struct ValidationContext
{
    nlohmann::json categorySchema; // [{"schemaId", "modelClass"}] or null: no mapping
    std::optional<QSize> imageSize;
};

// Problems are reported, never fixed silently: schemaId not in categorySchema, shape outside the
// image, zero/negative sizes, NaN or non-numeric coordinates, missing shape, relation to an
// unknown objectId.
std::vector<Problem> validate(const Answer &answer, const ValidationContext &context);
// As above, and each object's shape against the tool its schemaId names in the project's label
// set (`labelTools`: the label set's "tools", [{"schemaId", "tool", "title"}]): a bounding box
// for a point tool, or a polygon for a bounding-box tool, is an error, since Ango Hub cannot
// show it as that tool.
std::vector<Problem> validate(const Answer &answer, const ValidationContext &context,
                              const nlohmann::json &labelTools);

} // namespace ango::annotation
