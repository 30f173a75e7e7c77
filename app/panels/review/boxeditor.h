#pragma once

#include <QGraphicsObject>

namespace ango::app {

// Handles over the selected box: drag the body to move it, one of the eight handles to resize
// it. Works in the box's own unrotated frame, so rotated boxes resize along their sides.
class BoxEditor final : public QGraphicsObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BoxEditor)

public:
    enum Handle {
        TopLeft,
        Top,
        TopRight,
        Right,
        BottomRight,
        Bottom,
        BottomLeft,
        Left,
        Body,
        None
    };
    Q_ENUM(Handle)

    explicit BoxEditor(QGraphicsItem *parent = nullptr);
    ~BoxEditor() override;

    // The box before rotation and its rotation in degrees, in image coordinates. `target` is
    // the item drawing the box: a press on a smaller object inside it selects that one instead.
    void attach(const QRectF &box, qreal rotation, const QGraphicsItem *target = nullptr);
    void detach();
    bool isAttached() const { return isVisible(); }
    QRectF box() const; // as currently shown, before rotation
    // Where a handle is in scene coordinates (the centre of the body for Body).
    QPointF handleScenePos(Handle handle) const;
    // Handles keep their screen size; the view reports its zoom.
    void setViewScale(qreal scale);

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

Q_SIGNALS:
    // On release after a drag: the new box before rotation, in image coordinates.
    void boxEdited(const QRectF &box);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;
    void hoverMoveEvent(QGraphicsSceneHoverEvent *event) override;
    QPainterPath shape() const override;

private:
    QPointF handleLocalPos(Handle handle) const;
    Handle handleAt(const QPointF &localPos) const;
    qreal handleRadius() const; // in scene units

    bool pressIsForAnotherObject(const QPointF &scenePos) const;

    const QGraphicsItem *m_target = nullptr;
    QRectF m_rect; // local (unrotated) frame
    qreal m_rotation = 0;
    qreal m_scale = 1;
    Handle m_dragging = None;
    QPointF m_pressLocal;
    QRectF m_pressRect;
};

} // namespace ango::app
