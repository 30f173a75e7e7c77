#pragma once

#include "common/result.h"

#include <QList>
#include <QPainterPath>
#include <QPolygonF>
#include <QRectF>

#include <nlohmann/json.hpp>

// The geometry of one answer object (ango-protocol.md §5.3), read from normalised JSON into Qt
// types. Pure value code, so that tests can compare overlay items with the objects exactly.
namespace ango::app {

enum class ShapeKind { BoundingBox, RotatedBox, Polygon, Polyline, Point, Segmentation };

struct SegmentationZone
{
    QPolygonF region;
    QList<QPolygonF> holes;
};

struct OverlayShape
{
    ShapeKind kind = ShapeKind::BoundingBox;
    QRectF box;         // BoundingBox, RotatedBox (the box before rotation)
    qreal rotation = 0; // RotatedBox: degrees, clockwise on screen, around the box centre
    QPolygonF points;   // Polygon, Polyline; Point holds one point
    QList<SegmentationZone> zones;

    // Image coordinates of everything the shape covers.
    QRectF bounds() const;
    // The outline as drawn and hit-tested: boxes and polygons closed, holes cut out of zones.
    QPainterPath path() const;
    // The four corners of a (rotated) box, clockwise from the top-left before rotation.
    QPolygonF corners() const;
};

// Whether two rectangles overlap or touch. QRectF::intersects() is false for zero-width
// rectangles, which points and straight lines have.
inline bool rectsTouch(const QRectF &a, const QRectF &b)
{
    return a.left() <= b.right() && b.left() <= a.right() && a.top() <= b.bottom()
           && b.top() <= a.bottom();
}

// The JSON key that holds the shape, e.g. "bounding-box".
QString shapeKey(ShapeKind kind);

// Reads the first shape key the object has. Fails, naming the JSON path below `path`, when no
// shape is present or a coordinate is not a finite number: such an object cannot be drawn.
Result<OverlayShape> shapeFromObject(const nlohmann::json &object, const QString &path);

} // namespace ango::app
