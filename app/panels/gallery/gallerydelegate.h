#pragma once

#include <QStyledItemDelegate>

namespace ango::app {

// Paints a gallery cell: the thumbnail the model hands out (only ever a cached pixmap, or none
// yet: a placeholder) centred at its own size, never scaled or decoded here, and the caption's
// lines elided to the cell. A fixed size hint: the view lays out 10,000 cells without asking
// each, and a cell whose thumbnail is not decoded yet is as large as the others.
class GalleryDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    GalleryDelegate(QSize thumbnail, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static constexpr int kCaptionLines = 2;

private:
    QSize m_thumbnail;
};

} // namespace ango::app
