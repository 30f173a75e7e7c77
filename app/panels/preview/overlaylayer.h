#pragma once

#include "boxraster.h"

#include <QBrush>
#include <QGraphicsItem>
#include <QImage>
#include <QPen>

#include <vector>

namespace ango::app {

class OverlayItem;
class PreviewScene;

// Draws every overlay object of a PreviewScene in one paint(). Axis-aligned boxes, the bulk of
// most answers, are rasterised by BoxRaster into a transparent image at screen resolution, kept
// while neither the objects nor the view change, and composited in one call: QPainter's cost
// per rectangle made ten thousand boxes miss a 16 ms frame. The few other shapes are drawn one
// by one, antialiased.
class OverlayLayer final : public QGraphicsItem
{
public:
    explicit OverlayLayer(const PreviewScene *scene);

    void setContentRect(const QRectF &rect);
    // Objects drawn by the last paint() (those visible and in the exposed area).
    int lastDrawnCount() const { return m_lastDrawn; }
    // Whether the last paint() reused the boxes drawn before (for tests and the bench).
    bool lastPaintReusedBoxes() const { return m_reused; }

    QRectF boundingRect() const override { return m_rect; }
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

    static constexpr int kLineWidth = 2; // screen pixels, at every zoom

private:
    struct ClassStyle
    {
        QColor color;
        QPen pen;
        QPen selected;
        QBrush fill;
    };

    struct BoxImageKey
    {
        QTransform world;
        QRect area;
        qreal pixelRatio = 0;
        quint64 generation = 0;
        bool operator==(const BoxImageKey &) const = default;
    };

    const ClassStyle &styleFor(int slot);
    void drawDetailed(QPainter *painter, const OverlayItem *item, const QTransform &world);

    const PreviewScene *m_scene;
    QRectF m_rect;
    std::vector<ClassStyle> m_styles;
    QImage m_boxes;
    BoxImageKey m_boxesKey;
    BoxRaster m_raster;
    // Reused across frames so that a frame allocates nothing in the common case.
    std::vector<QRgb> m_slotColors;
    std::vector<const OverlayItem *> m_detailed;
    std::vector<const OverlayItem *> m_marked;
    QPen m_problemPen;
    int m_lastDrawn = 0;
    bool m_reused = false;
};

} // namespace ango::app
