#pragma once

#include "overlayshape.h"

#include <QColor>
#include <QGraphicsItem>

namespace ango::app {

// One answer object in the scene: its geometry, class, problems and selection, and its shape for
// hit tests, hover and selection. It paints nothing itself (ItemHasNoContents): OverlayLayer
// draws all objects in a few batched calls, because ten thousand separate paint() calls cost
// more than a frame (see bench/app/preview).
class OverlayItem final : public QGraphicsItem
{
public:
    enum { Type = UserType + 0x414e };

    OverlayItem(int objectIndex, const OverlayShape &shape, const QString &classKey, int classSlot);

    int objectIndex() const { return m_objectIndex; }
    const OverlayShape &geometry() const { return m_shape; }
    void setGeometry(const OverlayShape &shape);

    QString classKey() const { return m_classKey; }
    // Index of the class in the scene's class table (colours are looked up by it while drawing).
    int classSlot() const { return m_classSlot; }
    void setClass(const QString &key, int slot);

    // Validation problems reported for this object: drawn as a red dashed outline and a badge.
    int problemCount() const { return m_problemCount; }
    void setProblemCount(int count) { m_problemCount = count; }

    // The area the object covers in image (scene) coordinates; a point's is its position.
    QRectF imageBounds() const { return m_imageBounds; }
    // What OverlayLayer draws for shapes other than points and axis-aligned boxes.
    const QPainterPath &outline() const { return m_outline; }

    int type() const override { return Type; }
    QRectF boundingRect() const override { return m_bounds; }
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

    // Screen size of a point's marker, in pixels.
    static constexpr qreal kPointRadius = 5;

private:
    void rebuild();

    int m_objectIndex;
    OverlayShape m_shape;
    QString m_classKey;
    int m_classSlot;
    QRectF m_bounds;
    QRectF m_imageBounds;
    QPainterPath m_outline;
    mutable QPainterPath m_hitPath; // built on the first hit test only
    int m_problemCount = 0;
};

} // namespace ango::app
