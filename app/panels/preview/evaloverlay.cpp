#include "evaloverlay.h"

#include "previewpanel.h"
#include "previewscene.h"
#include "previewview.h"

#include <QLabel>
#include <QPainter>

namespace ango::app {

namespace {

// Over the answer layer (OverlayLayer) and the answer's items.
constexpr qreal kMarkZ = 1000;

QColor kindColor(EvalMarkKind kind)
{
    switch (kind) {
    case EvalMarkKind::TruePositive:
        return QColor(0x22, 0xc5, 0x5e); // green
    case EvalMarkKind::FalsePositive:
        return QColor(0xef, 0x44, 0x44); // red
    case EvalMarkKind::Missed:
        return QColor(0xfa, 0xcc, 0x15); // yellow
    case EvalMarkKind::Ignored:
        return QColor(0x9c, 0xa3, 0xaf); // grey
    }
    return Qt::white;
}

} // namespace

QPen evalMarkPen(EvalMarkKind kind)
{
    QPen pen(kindColor(kind), 2);
    pen.setCosmetic(true);
    switch (kind) {
    case EvalMarkKind::TruePositive:
        pen.setStyle(Qt::SolidLine);
        break;
    case EvalMarkKind::FalsePositive:
        pen.setStyle(Qt::DashLine);
        break;
    case EvalMarkKind::Missed:
        pen.setWidth(3); // dots need the weight to read as a box
        pen.setStyle(Qt::DotLine);
        break;
    case EvalMarkKind::Ignored:
        pen.setWidth(1);
        pen.setStyle(Qt::DashDotLine);
        break;
    }
    return pen;
}

QString evalMarkKindName(EvalMarkKind kind)
{
    switch (kind) {
    case EvalMarkKind::TruePositive:
        return QStringLiteral("TP");
    case EvalMarkKind::FalsePositive:
        return QStringLiteral("FP");
    case EvalMarkKind::Missed:
        return QStringLiteral("missed");
    case EvalMarkKind::Ignored:
        return QStringLiteral("ignored");
    }
    return {};
}

EvalMarkItem::EvalMarkItem(const EvalMark &mark)
    : m_mark(mark)
{
    setZValue(kMarkZ + (mark.kind == EvalMarkKind::Missed ? 1 : 0));
    setAcceptedMouseButtons(Qt::NoButton);
}

QRectF EvalMarkItem::boundingRect() const
{
    // The view repaints the whole viewport (PreviewView), so this only has to hold the box, the
    // pen and, roughly, the label above it.
    const qreal margin = 4 + std::max(m_mark.box.width(), m_mark.box.height()) * 0.1;
    return m_mark.box.adjusted(-margin, -margin - 24, margin, margin);
}

void EvalMarkItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    const QPen pen = evalMarkPen(m_mark.kind);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(m_mark.box);
    if (m_mark.label.isEmpty())
        return;
    // The label at screen size whatever the zoom, on a dark tab in the mark's colour.
    const QPointF corner = painter->worldTransform().map(m_mark.box.topLeft());
    painter->save();
    painter->resetTransform();
    const QFontMetrics metrics(painter->font());
    const QRectF text(corner.x(), corner.y() - metrics.height() - 2,
                      metrics.horizontalAdvance(m_mark.label) + 6, metrics.height() + 2);
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(0, 0, 0, 170));
    painter->drawRect(text);
    painter->setPen(pen.color());
    painter->drawText(text, Qt::AlignCenter, m_mark.label);
    painter->restore();
}

EvalOverlay::EvalOverlay(PreviewPanel *preview)
    : QObject(preview)
    , m_preview(preview)
    , m_scene(preview->scene())
    , m_legend(new QLabel(preview->view()->viewport()))
{
    m_legend->setObjectName(QStringLiteral("evalLegend"));
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setStyleSheet(
        QStringLiteral("QLabel { background: rgba(0, 0, 0, 190); color: white; padding: 4px 8px; "
                       "border-radius: 4px; }"));
    m_legend->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_legend->hide();
    // Anything else the preview is asked to show ends the evaluation view.
    connect(preview, &PreviewPanel::imageReplaced, this, [this] {
        if (!m_installing)
            clear();
    });
    connect(preview->scene(), &PreviewScene::overlaysChanged, this, [this] {
        if (!m_installing)
            clear();
    });
}

EvalOverlay::~EvalOverlay()
{
    if (m_scene) {
        for (EvalMarkItem *item : m_items)
            delete item;
    }
}

void EvalOverlay::show(const QString &imagePath, const std::vector<EvalMark> &marks)
{
    clear();
    if (!m_preview || !m_scene)
        return;
    m_installing = true;
    m_preview->loadImageFile(imagePath);
    m_preview->setProblems(QList<ListedProblem>{});
    m_preview->setAnswer(nlohmann::json::object());
    m_installing = false;

    int counts[4] = {0, 0, 0, 0};
    for (const EvalMark &mark : marks) {
        auto *item = new EvalMarkItem(mark);
        m_preview->scene()->addItem(item);
        m_items.push_back(item);
        ++counts[int(mark.kind)];
    }
    auto swatch = [](EvalMarkKind kind, const QString &glyph) {
        return QStringLiteral("<span style='color:%1'>%2</span>")
            .arg(kindColor(kind).name(), glyph);
    };
    QStringList plain{QStringLiteral("TP %1").arg(counts[0]),
                      QStringLiteral("FP %1").arg(counts[1]),
                      QStringLiteral("missed %1").arg(counts[2])};
    QString rich = QStringLiteral("%1 TP %2 &nbsp; %3 FP %4 &nbsp; %5 missed %6")
                       .arg(swatch(EvalMarkKind::TruePositive, QStringLiteral("━━")))
                       .arg(counts[0])
                       .arg(swatch(EvalMarkKind::FalsePositive, QStringLiteral("╍╍")))
                       .arg(counts[1])
                       .arg(swatch(EvalMarkKind::Missed, QStringLiteral("┈┈")))
                       .arg(counts[2]);
    if (counts[3] > 0) {
        plain << QStringLiteral("ignored %1").arg(counts[3]);
        rich += QStringLiteral(" &nbsp; %1 ignored %2")
                    .arg(swatch(EvalMarkKind::Ignored, QStringLiteral("-·-")))
                    .arg(counts[3]);
    }
    m_legendText = plain.join(QStringLiteral(" · "));
    m_legend->setText(rich);
    m_legend->setToolTip(tr("Matched at IoU 0.5 as COCOeval matches (area all, 100 detections)"));
    placeLegend();
    m_legend->show();
    m_legend->raise();
    m_shown = true;
    m_preview->view()->viewport()->update();
}

void EvalOverlay::clear()
{
    if (!m_shown && m_items.empty())
        return;
    if (m_scene) {
        for (EvalMarkItem *item : m_items)
            delete item;
    }
    m_items.clear();
    if (m_legend)
        m_legend->hide();
    m_legendText.clear();
    m_shown = false;
    if (m_preview)
        m_preview->view()->viewport()->update();
    Q_EMIT cleared();
}

QString EvalOverlay::legendText() const
{
    return m_legendText;
}

void EvalOverlay::placeLegend()
{
    m_legend->adjustSize();
    m_legend->move(8, 8);
}

} // namespace ango::app
