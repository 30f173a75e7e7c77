#pragma once

#include "common/result.h"

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>

// One `plugin` event from the hub, typed. Parsing is pure (no I/O) so it can be tested alone.
namespace ango::runtime {

struct PluginRequest
{
    // The payload as received plus "batches" (copied from "tags" when absent, else []); unknown
    // keys are kept. This is what the callback gets.
    nlohmann::json payload;

    QString session;
    nlohmann::json sessionValue; // echoed back unchanged in `response`
    QString projectId;
    nlohmann::json categorySchema; // a list of {schemaId, modelClass}, or null: no mapping
    QString assetId;
    QString dataUrl;
    QString apiKey;
    QString orgId;
    QString runBy;
    std::optional<nlohmann::json> config; // configJSON decoded; absent, null or "" → none
    nlohmann::json batches = nlohmann::json::array();
    bool workflow = false;
    QString taskId;
    bool overwrite = true;

    // Problems that make the request unanswerable by the callback (invalid configJSON, a
    // workflow run without taskId). The runtime answers them as errors, with the session.
    QStringList errors;
    // Oddities worth a log line that do not stop the run (categorySchema of the wrong type).
    QStringList warnings;
};

// Fails only when there is nobody to answer: the payload is not a JSON object or has no usable
// session. The message says why.
Result<PluginRequest> parsePluginRequest(const nlohmann::json &payload);

// Decodes a JSON text; on failure the message names `what` and the line, column and character
// position of the fault (1-based), e.g. "configJSON is not valid JSON at line 2, column 7
// (character 15): ...".
Result<nlohmann::json> parseJsonText(const std::string &text, const QString &what);

// Python truthiness, which is how the SDK reads `workflow` and `overwrite`.
bool isTruthy(const nlohmann::json &value);

} // namespace ango::runtime
