#include "eval/objectbox.h"

#include "annotation/shapes.h"

#include <cmath>

namespace ango::eval {

namespace {

std::optional<Box> extentBox(std::string_view key, const nlohmann::json &shape)
{
    annotation::detail::ProblemList ignored; // validation reports them; here they only disqualify
    const auto extent = annotation::detail::checkShape(key, shape, std::string(key), ignored);
    if (!extent || extent->empty)
        return std::nullopt;
    return Box{extent->minX, extent->minY, extent->maxX - extent->minX,
               extent->maxY - extent->minY};
}

} // namespace

std::optional<ObjectBox> objectBox(const nlohmann::json &object)
{
    if (!object.is_object())
        return std::nullopt;
    if (const auto it = object.find("bounding-box"); it != object.end()) {
        // Read directly (not through the extent) so the numbers stay exactly as given.
        if (!extentBox("bounding-box", *it))
            return std::nullopt;
        return ObjectBox{Box{it->at("x").get<double>(), it->at("y").get<double>(),
                             it->at("width").get<double>(), it->at("height").get<double>()},
                         BoxSource::BoundingBox};
    }
    struct Other
    {
        const char *key;
        BoxSource source;
    };
    for (const Other other :
         {Other{"rotated-bounding-box", BoxSource::RotatedBox},
          Other{"polygon", BoxSource::Polygon}, Other{"segmentation", BoxSource::Segmentation}}) {
        const auto it = object.find(other.key);
        if (it == object.end())
            continue;
        const auto box = extentBox(other.key, *it);
        if (!box || box->w <= 0 || box->h <= 0)
            return std::nullopt;
        return ObjectBox{*box, other.source};
    }
    return std::nullopt;
}

double objectScore(const nlohmann::json &object)
{
    for (const char *key : {"confidence", "score"}) {
        const auto it = object.find(key);
        if (it != object.end() && it->is_number()) {
            const double score = it->get<double>();
            if (std::isfinite(score))
                return score;
        }
    }
    return 1.0;
}

} // namespace ango::eval
