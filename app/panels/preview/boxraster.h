#pragma once

#include <QImage>
#include <QRectF>

#include <vector>

namespace ango::app {

// Draws many axis-aligned box outlines into a transparent image. With ten thousand boxes the
// cost is memory, not arithmetic: the side edges touch a few pixels in every row of every box,
// all over a screen-sized image. Drawing band by band keeps the rows being written in the CPU
// cache, which is what gets 10,000 boxes under a 16 ms frame (bench/app/preview).
class BoxRaster
{
public:
    void clear() { m_boxes.clear(); }
    // `pixels`: the box in image pixels; the outline is `lineWidth` pixels, centred on its edges.
    void addBox(const QRectF &pixels, int lineWidth, QRgb color);
    int boxCount() const { return int(m_boxes.size()); }

    // Clears `image` (ARGB32_Premultiplied) to transparent and draws the boxes in the order added.
    void render(QImage &image);

private:
    struct Box
    {
        int left, top, right, bottom; // outer edge, inclusive
        int width;                    // line width
        QRgb color;
    };

    static void drawRows(uchar *bits, qsizetype stride, int imageWidth, const Box &box, int fromRow,
                         int toRow);

    std::vector<Box> m_boxes;
    std::vector<std::vector<int>> m_bands; // box indices per band, reused across frames
};

} // namespace ango::app
