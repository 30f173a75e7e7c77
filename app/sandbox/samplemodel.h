#pragma once

#include "common/result.h"

#include <QString>

#include <nlohmann/json.hpp>

// The offline sandbox's stand-in model: it "detects" the objects of the bundled sample image
// (car, house, trees, boat, mountain, water, road, sun) and maps its class names to schemaIds
// through the request's categorySchema, exactly as a real plugin must. Unmapped classes come
// back without a schemaId, so the console can show what the mapping misses.
namespace ango::app::sandbox {

// The bundled sample image (a Qt resource path) and its sample mapping.
QString sampleImagePath();
struct SampleMapping
{
    nlohmann::json categorySchema; // [{"schemaId", "modelClass"}]
    nlohmann::json labelSet;       // {"tools", "classifications", "relations"}
};
Result<SampleMapping> sampleMapping();

// The model's answer for a hub-style request payload.
Result<nlohmann::json> runSampleModel(const nlohmann::json &request);

// Registers the callback kind "sample" with the callback factory.
void registerSampleModel();

} // namespace ango::app::sandbox
