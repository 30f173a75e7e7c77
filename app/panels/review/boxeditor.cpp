#include "boxeditor.h"

#include "panels/preview/overlayitem.h"

#include <QCursor>
#include <QGraphicsScene>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>

#include <cmath>

namespace ango::app {

namespace {

constexpr qreal kHandlePixels = 8;
constexpr qreal kGrabPixels = 7;
constexpr qreal kMinSize = 1; // image pixels: a box never collapses or turns inside out

Qt::CursorShape cursorFor(BoxEditor::Handle handle)
{
    switch (handle) {
    case BoxEditor::TopLeft:
    case BoxEditor::BottomRight:
        return Qt::SizeFDiagCursor;
    case BoxEditor::TopRight:
    case BoxEditor::BottomLeft:
        return Qt::SizeBDiagCursor;
    case BoxEditor::Top:
    case BoxEditor::Bottom:
        return Qt::SizeVerCursor;
    case BoxEditor::Left:
    case BoxEditor::Right:
        return Qt::SizeHorCursor;
    case BoxEditor::Body:
        return Qt::SizeAllCursor;
    case BoxEditor::None:
        break;
    }
    return Qt::ArrowCursor;
}

} // namespace

BoxEditor::BoxEditor(QGraphicsItem *parent)
    : QGraphicsObject(parent)
{
    setZValue(1e6); // above every overlay
    setAcceptHoverEvents(true);
    setAcceptedMouseButtons(Qt::LeftButton);
    setVisible(false);
}

BoxEditor::~BoxEditor() = default;

void BoxEditor::attach(const QRectF &box, qreal rotation, const QGraphicsItem *target)
{
    prepareGeometryChange();
    m_target = target;
    m_rect = box.normalized();
    m_rotation = rotation;
    m_dragging = None;
    const QPointF centre = m_rect.center();
    setTransform(QTransform()
                     .translate(centre.x(), centre.y())
                     .rotate(rotation)
                     .translate(-centre.x(), -centre.y()));
    setVisible(true);
    update();
}

void BoxEditor::detach()
{
    m_target = nullptr;
    m_dragging = None;
    setVisible(false);
}

QRectF BoxEditor::box() const
{
    if (m_rotation == 0)
        return m_rect; // exact: untouched edges keep their values
    // The local frame turns around the centre the box had when attached; a box that moved or
    // changed size turns around its own new centre, so recompute the unrotated box there.
    const QPointF centre = mapToScene(m_rect.center());
    return QRectF(centre.x() - m_rect.width() / 2, centre.y() - m_rect.height() / 2, m_rect.width(),
                  m_rect.height());
}

void BoxEditor::setViewScale(qreal scale)
{
    if (scale <= 0 || qFuzzyCompare(scale, m_scale))
        return;
    prepareGeometryChange();
    m_scale = scale;
}

qreal BoxEditor::handleRadius() const
{
    return kGrabPixels / m_scale;
}

QPointF BoxEditor::handleLocalPos(Handle handle) const
{
    const QRectF &r = m_rect;
    switch (handle) {
    case TopLeft:
        return r.topLeft();
    case Top:
        return QPointF(r.center().x(), r.top());
    case TopRight:
        return r.topRight();
    case Right:
        return QPointF(r.right(), r.center().y());
    case BottomRight:
        return r.bottomRight();
    case Bottom:
        return QPointF(r.center().x(), r.bottom());
    case BottomLeft:
        return r.bottomLeft();
    case Left:
        return QPointF(r.left(), r.center().y());
    case Body:
    case None:
        break;
    }
    return r.center();
}

QPointF BoxEditor::handleScenePos(Handle handle) const
{
    return mapToScene(handleLocalPos(handle));
}

BoxEditor::Handle BoxEditor::handleAt(const QPointF &localPos) const
{
    const bool inside = m_rect.contains(localPos);
    // Inside a box only a few pixels wide the handles would cover it all: keep its middle for
    // moving.
    const qreal radius
        = inside ? std::min(handleRadius(), std::min(m_rect.width(), m_rect.height()) / 4)
                 : handleRadius();
    Handle nearest = None;
    qreal nearestDistance = radius;
    for (int h = TopLeft; h <= Left; ++h) {
        const QPointF delta = localPos - handleLocalPos(Handle(h));
        const qreal distance = std::max(std::abs(delta.x()), std::abs(delta.y()));
        if (distance <= nearestDistance) {
            nearest = Handle(h);
            nearestDistance = distance;
        }
    }
    if (nearest != None)
        return nearest;
    return inside ? Body : None;
}

QRectF BoxEditor::boundingRect() const
{
    const qreal margin = handleRadius() + 2 / m_scale;
    return m_rect.adjusted(-margin, -margin, margin, margin);
}

QPainterPath BoxEditor::shape() const
{
    QPainterPath path;
    path.addRect(boundingRect());
    return path;
}

void BoxEditor::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    QPen outline(Qt::white, 1, Qt::DashLine);
    outline.setCosmetic(true);
    painter->setPen(outline);
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(m_rect);
    QPen border(QColor(0x1e, 0x88, 0xe5), 1);
    border.setCosmetic(true);
    painter->setPen(border);
    painter->setBrush(Qt::white);
    const qreal half = kHandlePixels / 2 / m_scale;
    for (int h = TopLeft; h <= Left; ++h) {
        const QPointF at = handleLocalPos(Handle(h));
        painter->drawRect(QRectF(at.x() - half, at.y() - half, 2 * half, 2 * half));
    }
}

void BoxEditor::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    m_dragging = handleAt(event->pos());
    if (m_dragging == Body && pressIsForAnotherObject(event->scenePos()))
        m_dragging = None;
    if (m_dragging == None) {
        event->ignore(); // outside the box: let the click select another object
        return;
    }
    m_pressLocal = event->pos();
    m_pressRect = m_rect;
    event->accept();
}

void BoxEditor::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_dragging == None)
        return;
    const QPointF at = event->pos();
    QRectF r = m_pressRect;
    if (m_dragging == Body) {
        r.translate(at - m_pressLocal);
    } else {
        // Edges follow the mouse but never cross the opposite edge.
        if (m_dragging == TopLeft || m_dragging == Left || m_dragging == BottomLeft)
            r.setLeft(std::min(at.x(), r.right() - kMinSize));
        if (m_dragging == TopRight || m_dragging == Right || m_dragging == BottomRight)
            r.setRight(std::max(at.x(), r.left() + kMinSize));
        if (m_dragging == TopLeft || m_dragging == Top || m_dragging == TopRight)
            r.setTop(std::min(at.y(), r.bottom() - kMinSize));
        if (m_dragging == BottomLeft || m_dragging == Bottom || m_dragging == BottomRight)
            r.setBottom(std::max(at.y(), r.top() + kMinSize));
    }
    prepareGeometryChange();
    m_rect = r;
    update();
}

void BoxEditor::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_dragging == None)
        return;
    m_dragging = None;
    event->accept();
    if (m_rect != m_pressRect)
        Q_EMIT boxEdited(box());
}

bool BoxEditor::pressIsForAnotherObject(const QPointF &scenePos) const
{
    if (!m_target || !scene())
        return false;
    // Sorted by z: smaller objects are above larger ones.
    for (const QGraphicsItem *item : scene()->items(scenePos)) {
        if (item->type() == OverlayItem::Type && item->isVisible())
            return item != m_target;
    }
    return false;
}

void BoxEditor::hoverMoveEvent(QGraphicsSceneHoverEvent *event)
{
    setCursor(cursorFor(handleAt(event->pos())));
}

} // namespace ango::app
