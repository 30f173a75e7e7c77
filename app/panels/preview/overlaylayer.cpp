#include "overlaylayer.h"

#include "overlayitem.h"
#include "previewscene.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

namespace ango::app {

namespace {

constexpr qreal kSelectedWidth = 3.5;

} // namespace

OverlayLayer::OverlayLayer(const PreviewScene *scene)
    : m_scene(scene)
    , m_problemPen(QColor(0xe5, 0x39, 0x35), 2, Qt::DashLine)
{
    m_problemPen.setCosmetic(true);
    // exposedRect tells paint() which part of the scene is being drawn.
    setFlag(ItemUsesExtendedStyleOption);
    setAcceptedMouseButtons(Qt::NoButton);
}

void OverlayLayer::setContentRect(const QRectF &rect)
{
    if (rect == m_rect)
        return;
    prepareGeometryChange();
    m_rect = rect;
}

const OverlayLayer::ClassStyle &OverlayLayer::styleFor(int slot)
{
    if (slot >= int(m_styles.size()))
        m_styles.resize(std::size_t(slot) + 1);
    ClassStyle &style = m_styles[std::size_t(slot)];
    const QColor color = m_scene->classColor(slot);
    if (style.color != color || style.pen.style() == Qt::NoPen) {
        style.color = color;
        style.pen = QPen(color, kLineWidth);
        style.pen.setCosmetic(true);
        style.selected = QPen(color.lighter(130), kSelectedWidth);
        style.selected.setCosmetic(true);
        QColor fill = color;
        fill.setAlpha(56);
        style.fill = QBrush(fill);
    }
    return style;
}

void OverlayLayer::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *)
{
    const QTransform world = painter->worldTransform();
    const QRectF exposed = option->exposedRect;
    // The view only scales and scrolls; anything else (a rotated view) takes the general path.
    const bool batchBoxes = world.type() <= QTransform::TxScale;
    const BoxImageKey key{world, world.mapRect(exposed).toAlignedRect(),
                          painter->device()->devicePixelRatio(), m_scene->drawGeneration()};
    m_reused = batchBoxes && key == m_boxesKey && !m_boxes.isNull();
    QTransform toPixels;
    int lineWidth = kLineWidth;
    if (batchBoxes && !m_reused) {
        m_boxesKey = key;
        const QSize size = key.area.size() * key.pixelRatio;
        if (m_boxes.size() != size)
            m_boxes = QImage(size, QImage::Format_ARGB32_Premultiplied);
        m_boxes.setDevicePixelRatio(key.pixelRatio);
        m_raster.clear();
        m_slotColors.clear();
        for (int slot = 0; slot < m_scene->classSlotCount(); ++slot)
            m_slotColors.push_back(m_scene->classColor(slot).rgb());
        toPixels = world * QTransform::fromTranslate(-key.area.x(), -key.area.y())
                   * QTransform::fromScale(key.pixelRatio, key.pixelRatio);
        lineWidth = std::max(1, int(std::lround(kLineWidth * key.pixelRatio)));
    }

    m_detailed.clear();
    m_marked.clear();
    m_lastDrawn = 0;
    for (const OverlayItem *item : m_scene->itemSlots()) {
        if (!item || !item->isVisible() || !rectsTouch(item->imageBounds(), exposed))
            continue;
        ++m_lastDrawn;
        if (item->problemCount() > 0)
            m_marked.push_back(item);
        if (batchBoxes && item->geometry().kind == ShapeKind::BoundingBox
            && !m_scene->isEmphasised(item)) {
            if (!m_reused) {
                m_raster.addBox(toPixels.mapRect(item->imageBounds()), lineWidth,
                                m_slotColors[std::size_t(item->classSlot())]);
            }
        } else {
            m_detailed.push_back(item);
        }
    }

    if (batchBoxes && !m_reused)
        m_raster.render(m_boxes);

    painter->save();
    painter->resetTransform();
    if (batchBoxes)
        painter->drawImage(key.area.topLeft(), m_boxes);
    painter->setRenderHint(QPainter::Antialiasing, true);
    for (const OverlayItem *item : m_detailed)
        drawDetailed(painter, item, world);
    painter->setPen(m_problemPen);
    painter->setBrush(Qt::NoBrush);
    for (const OverlayItem *item : m_marked) {
        // A few pixels outside the shape, so the class colour stays visible under the marking.
        const bool isPoint = item->geometry().kind == ShapeKind::Point;
        const QRectF screen = isPoint ? QRectF(world.map(item->imageBounds().topLeft()), QSizeF())
                                      : world.mapRect(item->imageBounds());
        const qreal margin = isPoint ? OverlayItem::kPointRadius + 4 : 4;
        painter->drawRect(screen.adjusted(-margin, -margin, margin, margin));
    }
    painter->restore();
}

void OverlayLayer::drawDetailed(QPainter *painter, const OverlayItem *item, const QTransform &world)
{
    const ClassStyle &style = styleFor(item->classSlot());
    painter->setPen(m_scene->isEmphasised(item) ? style.selected : style.pen);
    const OverlayShape &shape = item->geometry();
    if (shape.kind == ShapeKind::Point) {
        // In screen pixels, so the marker keeps its size at every zoom.
        const QPointF at = world.map(shape.points.value(0));
        constexpr qreal r = OverlayItem::kPointRadius;
        painter->setBrush(style.fill);
        painter->drawEllipse(at, r, r);
        painter->drawLine(at - QPointF(r + 2, 0), at + QPointF(r + 2, 0));
        painter->drawLine(at - QPointF(0, r + 2), at + QPointF(0, r + 2));
        return;
    }
    const bool area = shape.kind == ShapeKind::Polygon || shape.kind == ShapeKind::Segmentation;
    painter->setBrush(area ? style.fill : QBrush(Qt::NoBrush));
    painter->setTransform(world);
    painter->drawPath(item->outline());
    painter->resetTransform();
}

} // namespace ango::app
