#include "panels/gallery/gallerydelegate.h"

#include "panels/gallery/gallerymodel.h"

#include <QPainter>

namespace ango::app {

namespace {

constexpr int kPadding = 4;

} // namespace

GalleryDelegate::GalleryDelegate(QSize thumbnail, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_thumbnail(thumbnail)
{}

QSize GalleryDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return QSize(m_thumbnail.width() + 2 * kPadding,
                 m_thumbnail.height() + 3 * kPadding + kCaptionLines * option.fontMetrics.height());
}

void GalleryDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    const QRect cell = option.rect;
    const bool selected = option.state & QStyle::State_Selected;
    painter->save();
    if (selected)
        painter->fillRect(cell, option.palette.highlight());
    else if (option.state & QStyle::State_MouseOver)
        painter->fillRect(cell, option.palette.alternateBase());

    const QRect icon(cell.x() + (cell.width() - m_thumbnail.width()) / 2, cell.y() + kPadding,
                     m_thumbnail.width(), m_thumbnail.height());
    const QPixmap pixmap = index.data(Qt::DecorationRole).value<QPixmap>();
    if (pixmap.isNull()) {
        painter->fillRect(icon.adjusted(8, 8, -8, -8), option.palette.midlight());
    } else {
        // Already at thumbnail size (decoded scaled): drawn 1:1, centred.
        const QSize size = pixmap.deviceIndependentSize().toSize().boundedTo(m_thumbnail);
        painter->drawPixmap(QRect(QPoint(icon.x() + (icon.width() - size.width()) / 2,
                                         icon.y() + (icon.height() - size.height()) / 2),
                                  size),
                            pixmap);
    }

    const bool failed = index.data(GalleryModel::FailedRole).toBool();
    painter->setPen(failed     ? QColor(0xd3, 0x2f, 0x2f)
                    : selected ? option.palette.highlightedText().color()
                               : option.palette.text().color());
    painter->setFont(option.font);
    const QStringList lines = index.data(Qt::DisplayRole).toString().split(QLatin1Char('\n'));
    const int lineHeight = option.fontMetrics.height();
    int y = icon.bottom() + 1 + kPadding;
    for (int i = 0; i < lines.size() && i < kCaptionLines; ++i, y += lineHeight) {
        const QRect line(cell.x() + 2, y, cell.width() - 4, lineHeight);
        painter->drawText(line, Qt::AlignHCenter | Qt::AlignVCenter,
                          option.fontMetrics.elidedText(lines[i], Qt::ElideMiddle, line.width()));
    }
    if (option.state & QStyle::State_HasFocus) {
        painter->setPen(QPen(option.palette.highlight().color(), 1, Qt::DotLine));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(cell.adjusted(0, 0, -1, -1));
    }
    painter->restore();
}

} // namespace ango::app
