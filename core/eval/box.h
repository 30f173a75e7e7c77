#pragma once

#include <algorithm>

// An axis-aligned box in pixels, [x, y, w, h] with x, y the top-left corner, as COCO writes it.
namespace ango::eval {

struct Box
{
    double x = 0;
    double y = 0;
    double w = 0;
    double h = 0;

    double area() const { return w * h; }
};

// pycocotools' bbox IoU (maskApi.c bbIou): no +1 on sizes; against a crowd region the union is
// the detection's own area, so a detection inside a crowd scores 1.
inline double boxIou(const Box &detection, const Box &truth, bool truthIsCrowd)
{
    const double w
        = std::min(detection.x + detection.w, truth.x + truth.w) - std::max(detection.x, truth.x);
    if (w <= 0)
        return 0;
    const double h
        = std::min(detection.y + detection.h, truth.y + truth.h) - std::max(detection.y, truth.y);
    if (h <= 0)
        return 0;
    const double intersection = w * h;
    const double unionArea
        = truthIsCrowd ? detection.area() : detection.area() + truth.area() - intersection;
    return intersection / unionArea;
}

} // namespace ango::eval
