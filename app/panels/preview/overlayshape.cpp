#include "overlayshape.h"

#include <QTransform>

#include <cmath>

namespace ango::app {

namespace {

using nlohmann::json;

Result<qreal> numberAt(const json &value, const QString &path)
{
    if (!value.is_number())
        return makeError(path + QStringLiteral(": not a number"));
    const double number = value.get<double>();
    if (!std::isfinite(number))
        return makeError(path + QStringLiteral(": not a finite number"));
    return qreal(number);
}

Result<qreal> memberNumber(const json &object, const char *key, const QString &path)
{
    const QString memberPath = path + u'.' + QString::fromLatin1(key);
    const auto it = object.find(key);
    if (it == object.end())
        return makeError(memberPath + QStringLiteral(": missing"));
    return numberAt(*it, memberPath);
}

Result<QPointF> pointAt(const json &value, const QString &path)
{
    if (!value.is_array() || value.size() < 2)
        return makeError(path + QStringLiteral(": not an [x, y] pair"));
    const auto x = numberAt(value[0], path + QStringLiteral("[0]"));
    if (!x)
        return x.error();
    const auto y = numberAt(value[1], path + QStringLiteral("[1]"));
    if (!y)
        return y.error();
    return QPointF(*x, *y);
}

Result<QPolygonF> pointListAt(const json &value, const QString &path)
{
    if (!value.is_array())
        return makeError(path + QStringLiteral(": not a list of points"));
    QPolygonF polygon;
    polygon.reserve(qsizetype(value.size()));
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto point = pointAt(value[i], path + u'[' + QString::number(i) + u']');
        if (!point)
            return point.error();
        polygon.append(*point);
    }
    if (polygon.isEmpty())
        return makeError(path + QStringLiteral(": no points"));
    return polygon;
}

Result<QRectF> boxAt(const json &value, const QString &path)
{
    if (!value.is_object())
        return makeError(path + QStringLiteral(": not an object"));
    const auto x = memberNumber(value, "x", path);
    const auto y = memberNumber(value, "y", path);
    const auto width = memberNumber(value, "width", path);
    const auto height = memberNumber(value, "height", path);
    for (const auto *part : {&x, &y, &width, &height}) {
        if (!*part)
            return part->error();
    }
    return QRectF(*x, *y, *width, *height);
}

Result<QList<SegmentationZone>> zonesAt(const json &value, const QString &path)
{
    const auto zonesIt = value.is_object() ? value.find("zones") : value.end();
    if (zonesIt == value.end() || !zonesIt->is_array())
        return makeError(path + QStringLiteral(".zones: not a list of zones"));
    QList<SegmentationZone> zones;
    for (std::size_t i = 0; i < zonesIt->size(); ++i) {
        const json &zone = (*zonesIt)[i];
        const QString zonePath = path + QStringLiteral(".zones[") + QString::number(i) + u']';
        if (!zone.is_object() || !zone.contains("region"))
            return makeError(zonePath + QStringLiteral(".region: missing"));
        const auto region = pointListAt(zone["region"], zonePath + QStringLiteral(".region"));
        if (!region)
            return region.error();
        SegmentationZone parsed{*region, {}};
        if (const auto holes = zone.find("holes"); holes != zone.end() && !holes->is_null()) {
            if (!holes->is_array())
                return makeError(zonePath + QStringLiteral(".holes: not a list"));
            for (std::size_t h = 0; h < holes->size(); ++h) {
                const auto hole = pointListAt((*holes)[h], zonePath + QStringLiteral(".holes[")
                                                               + QString::number(h) + u']');
                if (!hole)
                    return hole.error();
                parsed.holes.append(*hole);
            }
        }
        zones.append(parsed);
    }
    if (zones.isEmpty())
        return makeError(path + QStringLiteral(".zones: empty"));
    return zones;
}

} // namespace

QString shapeKey(ShapeKind kind)
{
    switch (kind) {
    case ShapeKind::BoundingBox:
        return QStringLiteral("bounding-box");
    case ShapeKind::RotatedBox:
        return QStringLiteral("rotated-bounding-box");
    case ShapeKind::Polygon:
        return QStringLiteral("polygon");
    case ShapeKind::Polyline:
        return QStringLiteral("polyline");
    case ShapeKind::Point:
        return QStringLiteral("point");
    case ShapeKind::Segmentation:
        return QStringLiteral("segmentation");
    }
    return {};
}

QPolygonF OverlayShape::corners() const
{
    const QRectF r = box.normalized();
    QPolygonF polygon{r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()};
    if (kind != ShapeKind::RotatedBox || rotation == 0)
        return polygon;
    const QPointF centre = r.center();
    QTransform turn;
    turn.translate(centre.x(), centre.y());
    turn.rotate(rotation);
    turn.translate(-centre.x(), -centre.y());
    return turn.map(polygon);
}

QPainterPath OverlayShape::path() const
{
    QPainterPath path;
    switch (kind) {
    case ShapeKind::BoundingBox:
        path.addRect(box.normalized());
        break;
    case ShapeKind::RotatedBox:
        path.addPolygon(corners());
        path.closeSubpath();
        break;
    case ShapeKind::Polygon:
        path.addPolygon(points);
        path.closeSubpath();
        break;
    case ShapeKind::Polyline:
        path.addPolygon(points);
        break;
    case ShapeKind::Point:
        path.addEllipse(points.value(0), 0.5, 0.5);
        break;
    case ShapeKind::Segmentation:
        // Odd-even filling turns each hole inside its region into a cut-out.
        path.setFillRule(Qt::OddEvenFill);
        for (const SegmentationZone &zone : zones) {
            path.addPolygon(zone.region);
            path.closeSubpath();
            for (const QPolygonF &hole : zone.holes) {
                path.addPolygon(hole);
                path.closeSubpath();
            }
        }
        break;
    }
    return path;
}

QRectF OverlayShape::bounds() const
{
    switch (kind) {
    case ShapeKind::BoundingBox:
        return box.normalized();
    case ShapeKind::RotatedBox:
        return corners().boundingRect();
    case ShapeKind::Point:
        return QRectF(points.value(0), QSizeF(0, 0));
    case ShapeKind::Polygon:
    case ShapeKind::Polyline:
        return points.boundingRect();
    case ShapeKind::Segmentation: {
        QRectF all;
        for (const SegmentationZone &zone : zones)
            all |= zone.region.boundingRect();
        return all;
    }
    }
    return {};
}

Result<OverlayShape> shapeFromObject(const json &object, const QString &path)
{
    if (!object.is_object())
        return makeError(path + QStringLiteral(": not an object"));
    OverlayShape shape;
    auto keyPath = [&](ShapeKind kind) -> QString { return path + u'.' + shapeKey(kind); };
    if (const auto it = object.find("bounding-box"); it != object.end()) {
        shape.kind = ShapeKind::BoundingBox;
        const auto box = boxAt(*it, keyPath(shape.kind));
        if (!box)
            return box.error();
        shape.box = *box;
    } else if (const auto it = object.find("rotated-bounding-box"); it != object.end()) {
        shape.kind = ShapeKind::RotatedBox;
        const auto box = boxAt(*it, keyPath(shape.kind));
        if (!box)
            return box.error();
        const auto rotation = it->contains("rotation")
                                  ? memberNumber(*it, "rotation", keyPath(shape.kind))
                                  : Result<qreal>(0.0);
        if (!rotation)
            return rotation.error();
        shape.box = *box;
        shape.rotation = *rotation;
    } else if (const auto it = object.find("polygon"); it != object.end()) {
        shape.kind = ShapeKind::Polygon;
        const auto points = pointListAt(*it, keyPath(shape.kind));
        if (!points)
            return points.error();
        shape.points = *points;
    } else if (const auto it = object.find("polyline"); it != object.end()) {
        shape.kind = ShapeKind::Polyline;
        const auto points = pointListAt(*it, keyPath(shape.kind));
        if (!points)
            return points.error();
        shape.points = *points;
    } else if (const auto it = object.find("point"); it != object.end()) {
        shape.kind = ShapeKind::Point;
        const auto point = pointAt(*it, keyPath(shape.kind));
        if (!point)
            return point.error();
        shape.points = QPolygonF{*point};
    } else if (const auto it = object.find("segmentation"); it != object.end()) {
        shape.kind = ShapeKind::Segmentation;
        const auto zones = zonesAt(*it, keyPath(shape.kind));
        if (!zones)
            return zones.error();
        shape.zones = *zones;
    } else {
        return makeError(path + QStringLiteral(": no shape this preview can draw"));
    }
    return shape;
}

} // namespace ango::app
