#include "previewview.h"

#include "objecttooltip.h"
#include "previewscene.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ango::app {

namespace {

constexpr qreal kMinZoom = 0.01;
constexpr qreal kMaxZoom = 64;
constexpr qreal kStep = 1.25;
constexpr int kToolTipLines = 40;

qreal distanceToPolyline(const QPolygonF &line, const QPointF &p)
{
    qreal best = std::numeric_limits<qreal>::max();
    for (qsizetype i = 0; i + 1 < line.size(); ++i) {
        const QPointF a = line[i];
        const QPointF ab = line[i + 1] - a;
        const qreal length2 = QPointF::dotProduct(ab, ab);
        const qreal t
            = length2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / length2, 0.0, 1.0) : 0.0;
        const QPointF d = p - (a + t * ab);
        best = std::min(best, std::sqrt(QPointF::dotProduct(d, d)));
    }
    return line.size() == 1 ? QLineF(line[0], p).length() : best;
}

} // namespace

PreviewView::PreviewView(PreviewScene *scene, QWidget *parent)
    : QGraphicsView(scene, parent)
    , m_scene(scene)
{
    setDragMode(ScrollHandDrag);
    setTransformationAnchor(AnchorUnderMouse);
    setResizeAnchor(AnchorViewCenter);
    // Labels and badges reach outside their items, and with thousands of items one full repaint
    // is cheaper than computing many small dirty regions.
    setViewportUpdateMode(FullViewportUpdate);
    setOptimizationFlags(DontSavePainterState | DontAdjustForAntialiasing);
    // The image changes far less often than the overlays drawn over it.
    setCacheMode(CacheBackground);
    setFrameShape(QFrame::NoFrame);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(tr("Wheel or +/- to zoom, drag to pan, 0 to fit"));
}

PreviewView::~PreviewView() = default;

qreal PreviewView::zoom() const
{
    return transform().m11();
}

void PreviewView::setZoom(qreal factor)
{
    scaleBy(std::clamp(factor, kMinZoom, kMaxZoom) / zoom());
}

void PreviewView::zoomIn()
{
    scaleBy(kStep);
}

void PreviewView::zoomOut()
{
    scaleBy(1 / kStep);
}

void PreviewView::scaleBy(qreal factor)
{
    const qreal target = std::clamp(zoom() * factor, kMinZoom, kMaxZoom);
    if (qFuzzyCompare(target, zoom()))
        return;
    m_fitted = false;
    const qreal applied = target / zoom();
    scale(applied, applied);
    Q_EMIT zoomChanged(zoom());
}

void PreviewView::fitToContent()
{
    const QRectF content = m_scene->contentRect();
    m_fitted = true;
    if (content.isEmpty())
        return;
    fitInView(content, Qt::KeepAspectRatio);
    Q_EMIT zoomChanged(zoom());
}

void PreviewView::setLabelsShown(bool shown)
{
    m_labelsShown = shown;
    viewport()->update();
}

void PreviewView::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    scaleBy(std::pow(kStep, delta / 120.0));
    event->accept();
}

void PreviewView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::ZoomIn) || event->key() == Qt::Key_Plus
        || event->key() == Qt::Key_Equal) {
        zoomIn();
    } else if (event->matches(QKeySequence::ZoomOut) || event->key() == Qt::Key_Minus) {
        zoomOut();
    } else if (event->key() == Qt::Key_0 || event->key() == Qt::Key_F) {
        fitToContent();
    } else {
        QGraphicsView::keyPressEvent(event);
        return;
    }
    event->accept();
}

void PreviewView::mouseMoveEvent(QMouseEvent *event)
{
    // A drag pans: the view stops following resizes with a fit.
    if (event->buttons() & Qt::LeftButton)
        m_fitted = false;
    QGraphicsView::mouseMoveEvent(event);
}

void PreviewView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    if (m_fitted)
        fitToContent();
}

OverlayItem *PreviewView::overlayAt(const QPoint &viewportPos) const
{
    // A scan of the cached bounds: cheaper than the scene's index for ten thousand items, and it
    // picks the smallest object under the mouse, so nested boxes stay reachable.
    const QPointF scenePos = mapToScene(viewportPos);
    const qreal slack = 3 / std::max(zoom(), 1e-6); // thin lines are hard to hit exactly
    OverlayItem *best = nullptr;
    qreal bestArea = std::numeric_limits<qreal>::max();
    for (OverlayItem *item : m_scene->itemSlots()) {
        if (!item || !item->isVisible())
            continue;
        const QRectF bounds = item->imageBounds();
        qreal area = 0;
        if (item->geometry().kind == ShapeKind::Point) {
            const QPointF delta = mapFromScene(bounds.topLeft()) - QPointF(viewportPos);
            const qreal radius = OverlayItem::kPointRadius + 2;
            if (QPointF::dotProduct(delta, delta) > radius * radius)
                continue;
        } else {
            if (!bounds.adjusted(-slack, -slack, slack, slack).contains(scenePos))
                continue;
            const bool hit = item->geometry().kind == ShapeKind::Polyline
                                 ? distanceToPolyline(item->geometry().points, scenePos) <= slack
                                 : bounds.isEmpty() || item->shape().contains(scenePos);
            if (!hit)
                continue;
            area = bounds.width() * bounds.height();
        }
        if (area < bestArea) {
            best = item;
            bestArea = area;
        }
    }
    return best;
}

QString PreviewView::toolTipAt(const QPoint &viewportPos) const
{
    const OverlayItem *item = overlayAt(viewportPos);
    return item ? objectToolTip(*m_scene, item->objectIndex(), kToolTipLines) : QString();
}

void PreviewView::showObject(int objectIndex)
{
    const OverlayItem *item = m_scene->overlayItem(objectIndex);
    if (!item)
        return;
    const QRectF bounds = item->imageBounds().adjusted(-20, -20, 20, 20);
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    if (bounds.width() > visible.width() || bounds.height() > visible.height()) {
        fitInView(bounds, Qt::KeepAspectRatio);
        m_fitted = false;
        Q_EMIT zoomChanged(zoom());
    } else {
        centerOn(bounds.center());
    }
}

bool PreviewView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty()) {
            // Outside objects the view's own hint (how to zoom and pan) is shown.
            QToolTip::showText(help->globalPos(), toolTip(), viewport());
        } else {
            QToolTip::showText(help->globalPos(),
                               QStringLiteral("<pre>") + text.toHtmlEscaped()
                                   + QStringLiteral("</pre>"),
                               viewport());
        }
        return true;
    }
    return QGraphicsView::viewportEvent(event);
}

void PreviewView::drawForeground(QPainter *painter, const QRectF &rect)
{
    Q_UNUSED(rect)
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    QList<OverlayItem *> onScreen;
    QList<OverlayItem *> marked;
    bool overBudget = !m_labelsShown;
    for (OverlayItem *item : m_scene->itemSlots()) {
        if (!item || !item->isVisible() || !rectsTouch(item->imageBounds(), visible))
            continue;
        if (item->problemCount() > 0)
            marked.append(item);
        if (!overBudget) {
            onScreen.append(item);
            overBudget = onScreen.size() > m_labelBudget;
        }
    }
    m_lastLabelCount = 0;
    m_lastHiddenLabelCount = 0;
    if (onScreen.isEmpty() && marked.isEmpty())
        return;
    painter->save();
    painter->resetTransform(); // labels and badges are drawn at screen size
    if (!overBudget)
        drawLabels(painter, onScreen);
    drawBadges(painter, marked);
    painter->restore();
}

const QStaticText &PreviewView::labelText(const QString &name)
{
    auto it = m_labelCache.find(name);
    if (it == m_labelCache.end()) {
        if (m_labelCache.size() > kLabelCacheSize)
            m_labelCache.clear(); // names come from answers: bounded, rebuilt on demand
        QStaticText text(name);
        text.setTextFormat(Qt::PlainText);
        text.prepare(QTransform(), font());
        it = m_labelCache.insert(name, text);
    }
    return *it;
}

// Labels at screen size, each above its shape (inside its top edge when there is no room above).
// A label that would cover one already placed is left out rather than drawn over it: the hidden
// object still has its outline, its colour and its tooltip. Object order decides who wins, so
// the same labels show at the same zoom.
void PreviewView::drawLabels(QPainter *painter, const QList<OverlayItem *> &onScreen)
{
    painter->setFont(font());
    QList<QRectF> placed;
    m_lastHiddenLabelCount = 0;
    for (OverlayItem *item : onScreen) {
        const QString name
            = m_scene->palette().objectName(m_scene->objectJson(item->objectIndex()));
        const QStaticText &text = labelText(name);
        const QSizeF size = text.size() + QSizeF(8, 2);
        const QPointF anchor = mapFromScene(item->imageBounds().topLeft());
        // Above the shape when there is room, so the label does not hide what it names.
        QPointF topLeft(anchor.x(), anchor.y() - size.height());
        if (topLeft.y() < 0)
            topLeft.setY(anchor.y());
        const QRectF box(topLeft, size);
        const bool overlaps = std::any_of(placed.cbegin(), placed.cend(),
                                          [&box](const QRectF &r) { return r.intersects(box); });
        if (overlaps) {
            ++m_lastHiddenLabelCount;
            continue;
        }
        placed.append(box);
        const QColor color = m_scene->classColor(item->classSlot());
        painter->setPen(Qt::NoPen);
        painter->setBrush(color);
        painter->drawRect(box);
        painter->setPen(color.lightness() > 140 ? Qt::black : Qt::white);
        painter->drawStaticText(topLeft + QPointF(4, 1), text);
        ++m_lastLabelCount;
    }
}

void PreviewView::drawBadges(QPainter *painter, const QList<OverlayItem *> &marked)
{
    constexpr qreal radius = 7;
    QFont badgeFont = font();
    badgeFont.setBold(true);
    painter->setFont(badgeFont);
    for (OverlayItem *item : marked) {
        const QPointF corner = mapFromScene(item->imageBounds().topRight()) + QPointF(2, -2);
        const QRectF circle(corner.x() - radius, corner.y() - radius, 2 * radius, 2 * radius);
        painter->setPen(Qt::white);
        painter->setBrush(QColor(0xe5, 0x39, 0x35));
        painter->drawEllipse(circle);
        painter->drawText(circle, Qt::AlignCenter, QStringLiteral("!"));
    }
}

} // namespace ango::app
