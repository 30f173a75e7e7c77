#pragma once

#include "eval/box.h"

#include <nlohmann/json.hpp>

#include <optional>

// The box an Ango answer object is evaluated by. A bounding-box is itself; a rotated box, polygon
// or segmentation is evaluated by its axis-aligned bounding box (the report says how many were).
// Points, polylines and non-image shapes have no area and are not evaluated.
namespace ango::eval {

enum class BoxSource { BoundingBox, RotatedBox, Polygon, Segmentation };

struct ObjectBox
{
    Box box;
    BoxSource source = BoxSource::BoundingBox;
};

// nullopt when the object has no measurable area shape (or a broken one: validation reports it).
std::optional<ObjectBox> objectBox(const nlohmann::json &object);

// The object's numeric "confidence", else its numeric "score", else 1.
double objectScore(const nlohmann::json &object);

} // namespace ango::eval
