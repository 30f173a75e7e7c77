#include "overlayitem.h"

#include <QPainterPathStroker>

#include <cmath>

namespace ango::app {

OverlayItem::OverlayItem(int objectIndex, const OverlayShape &shape, const QString &classKey,
                         int classSlot)
    : m_objectIndex(objectIndex)
    , m_shape(shape)
    , m_classKey(classKey)
    , m_classSlot(classSlot)
{
    setFlag(ItemHasNoContents);
    rebuild();
}

void OverlayItem::setGeometry(const OverlayShape &shape)
{
    prepareGeometryChange();
    m_shape = shape;
    rebuild();
}

void OverlayItem::setClass(const QString &key, int slot)
{
    m_classKey = key;
    m_classSlot = slot;
}

void OverlayItem::rebuild()
{
    m_hitPath = QPainterPath();
    m_imageBounds = m_shape.bounds();
    m_outline = m_shape.kind == ShapeKind::Point ? QPainterPath() : m_shape.path();
    const bool isPoint = m_shape.kind == ShapeKind::Point;
    // A point is hit at its marker's screen size, whatever the zoom.
    setFlag(ItemIgnoresTransformations, isPoint);
    if (isPoint) {
        setPos(m_shape.points.value(0));
        m_bounds = QRectF(-kPointRadius - 2, -kPointRadius - 2, 2 * kPointRadius + 4,
                          2 * kPointRadius + 4);
        setZValue(1);
        return;
    }
    setPos(0, 0);
    m_bounds = m_imageBounds;
    // Smaller objects sit above larger ones so that nested boxes stay reachable by the mouse.
    const qreal area = std::max<qreal>(m_bounds.width() * m_bounds.height(), 0);
    setZValue(-std::log2(1 + area));
}

QPainterPath OverlayItem::shape() const
{
    if (!m_hitPath.isEmpty())
        return m_hitPath;
    if (m_shape.kind == ShapeKind::Point) {
        m_hitPath.addEllipse(QPointF(0, 0), kPointRadius + 2, kPointRadius + 2);
    } else if (m_shape.kind == ShapeKind::Polyline) {
        QPainterPathStroker stroker;
        stroker.setWidth(std::max<qreal>(4, m_bounds.width() / 200));
        m_hitPath = stroker.createStroke(m_outline);
    } else {
        m_hitPath = m_outline;
        if (m_hitPath.isEmpty() || m_bounds.width() <= 0 || m_bounds.height() <= 0)
            m_hitPath.addRect(m_bounds.adjusted(-1, -1, 1, 1));
    }
    return m_hitPath;
}

void OverlayItem::paint(QPainter *, const QStyleOptionGraphicsItem *, QWidget *)
{
    // Drawn by OverlayLayer.
}

} // namespace ango::app
