#pragma once

#include "annotation/annotation.h"

#include <QSize>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Geometry checks of the shape keys an object carries (§5.3 of the protocol notes): pixels, origin
// at the top-left corner, x right, y down.
namespace ango::annotation::detail {

class ProblemList
{
public:
    void error(std::string path, QString message);
    void warning(std::string path, QString message);
    std::vector<Problem> take() { return std::move(m_problems); }

private:
    std::vector<Problem> m_problems;
};

// The axis-aligned box around a shape, used to tell how far it reaches outside the image.
struct Extent
{
    double minX = 0;
    double minY = 0;
    double maxX = 0;
    double maxY = 0;
    bool empty = true;

    void add(double x, double y);
    void add(const Extent &other);
};

// Every key that makes an object a shape. pdf and ner are not image shapes: they are recognised
// (so the object is not "missing a shape") but not measured.
inline constexpr std::string_view kShapeKeys[] = {
    "bounding-box", "rotated-bounding-box", "polygon", "polyline",
    "point",        "segmentation",         "pdf",     "ner",
};

// Reports what is wrong with one shape value; returns its extent only when every coordinate
// could be read, so a broken shape is not also measured against the image.
std::optional<Extent> checkShape(std::string_view key, const nlohmann::json &shape,
                                 const std::string &path, ProblemList &problems);

void checkInsideImage(const Extent &extent, QSize image, const std::string &path,
                      ProblemList &problems);

} // namespace ango::annotation::detail
