#include "elidedlabel.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHelpEvent>
#include <QPainter>
#include <QTextLayout>
#include <QToolTip>

#include <algorithm>

namespace ango::app {

namespace {

constexpr int kMinimumChars = 4;

} // namespace

ElidedLabel::ElidedLabel(QWidget *parent, int maxLines)
    : QLabel(parent)
    , m_maxLines(std::max(1, maxLines))
{
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *copy = new QAction(tr("Copy"), this);
    connect(copy, &QAction::triggered, this,
            [this] { QGuiApplication::clipboard()->setText(text()); });
    addAction(copy);
    setContextMenuPolicy(Qt::ActionsContextMenu);
}

ElidedLabel::~ElidedLabel() = default;

void ElidedLabel::setPreferredChars(int chars)
{
    m_preferredChars = std::max(kMinimumChars, chars);
    updateGeometry();
}

void ElidedLabel::setMaxLines(int lines)
{
    m_maxLines = std::max(1, lines);
    updateGeometry();
    update();
}

// Wraps each paragraph at word boundaries (anywhere when a word is longer than the width) and
// elides the last line that fits.
QStringList ElidedLabel::linesFor(int width, int maxLines, bool *elided) const
{
    QStringList lines;
    *elided = false;
    const QString all = text();
    if (all.isEmpty() || width <= 0)
        return lines;
    const QFontMetrics metrics(font());
    const QStringList paragraphs = all.split(QLatin1Char('\n'));
    for (int p = 0; p < paragraphs.size(); ++p) {
        const QString &paragraph = paragraphs.at(p);
        QTextLayout layout(paragraph, font());
        QTextOption option;
        option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
        layout.setTextOption(option);
        layout.beginLayout();
        for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
            line.setLineWidth(width);
            if (lines.size() + 1 == maxLines) {
                const QString rest = paragraph.mid(line.textStart());
                const bool more = line.textStart() + line.textLength() < paragraph.size()
                                  || p + 1 < paragraphs.size();
                QString last = metrics.elidedText(rest, Qt::ElideRight, width);
                if (more && !last.endsWith(QChar(0x2026)))
                    last = metrics.elidedText(rest + QStringLiteral(" …"), Qt::ElideRight, width);
                lines << last;
                *elided = more;
                layout.endLayout();
                return lines;
            }
            lines << paragraph.mid(line.textStart(), line.textLength()).trimmed();
        }
        layout.endLayout();
        if (paragraph.isEmpty())
            lines << QString();
    }
    return lines;
}

int ElidedLabel::visibleLines() const
{
    const int spacing = std::max(1, fontMetrics().lineSpacing());
    return std::clamp(height() / spacing, 1, m_maxLines);
}

QString ElidedLabel::displayedText() const
{
    bool elided = false;
    return linesFor(contentsRect().width(), visibleLines(), &elided).join(QLatin1Char('\n'));
}

bool ElidedLabel::isElided() const
{
    bool elided = false;
    linesFor(contentsRect().width(), visibleLines(), &elided);
    return elided;
}

QSize ElidedLabel::sizeHint() const
{
    const QFontMetrics metrics(font());
    const int preferred = metrics.averageCharWidth() * m_preferredChars;
    const int natural = metrics.horizontalAdvance(text().section(QLatin1Char('\n'), 0, 0));
    const int width = std::min(preferred, natural) + 2 * margin();
    // Lines this text takes at the present width (or the preferred one before the first layout).
    bool elided = false;
    const int at = contentsRect().width() > 0 ? contentsRect().width() : preferred;
    const auto lines = std::max<qsizetype>(1, linesFor(at, m_maxLines, &elided).size());
    return {width, int(lines) * metrics.lineSpacing() + 2 * margin()};
}

QSize ElidedLabel::minimumSizeHint() const
{
    const QFontMetrics metrics(font());
    return {metrics.averageCharWidth() * kMinimumChars, metrics.lineSpacing() + 2 * margin()};
}

bool ElidedLabel::event(QEvent *event)
{
    // The tooltip is the whole text whenever the label shows less than all of it.
    if (event->type() == QEvent::ToolTip && toolTip().isEmpty()) {
        auto *help = static_cast<QHelpEvent *>(event);
        if (isElided())
            QToolTip::showText(help->globalPos(), text(), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QLabel::event(event);
}

void ElidedLabel::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setPen(palette().color(foregroundRole()));
    const QRect area = contentsRect().adjusted(margin(), margin(), -margin(), -margin());
    bool elided = false;
    const QStringList lines = linesFor(area.width(), visibleLines(), &elided);
    const int spacing = fontMetrics().lineSpacing();
    int y = area.top();
    for (const QString &line : lines) {
        painter.drawText(QRect(area.left(), y, area.width(), spacing),
                         Qt::AlignLeft | Qt::AlignVCenter, line);
        y += spacing;
    }
}

} // namespace ango::app
