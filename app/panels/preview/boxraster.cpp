#include "boxraster.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ango::app {

namespace {

constexpr int kBandRows = 32; // 32 rows of a 1920 px wide image: 240 KiB, well inside L2

void fillRun(QRgb *row, int from, int to, QRgb color)
{
    if (from <= to)
        std::fill(row + from, row + to + 1, color);
}

} // namespace

void BoxRaster::addBox(const QRectF &pixels, int lineWidth, QRgb color)
{
    const int w = std::max(1, lineWidth);
    Box box;
    box.left = int(std::lround(pixels.left())) - w / 2;
    box.top = int(std::lround(pixels.top())) - w / 2;
    box.right = int(std::lround(pixels.right())) - w / 2 + w - 1;
    box.bottom = int(std::lround(pixels.bottom())) - w / 2 + w - 1;
    // Too small for a hole: drawn as a filled square.
    box.width = (box.right - box.left + 1 <= 2 * w || box.bottom - box.top + 1 <= 2 * w)
                    ? std::max(box.right - box.left, box.bottom - box.top) + 1
                    : w;
    box.color = color;
    m_boxes.push_back(box);
}

void BoxRaster::drawRows(uchar *bits, qsizetype stride, int imageWidth, const Box &box, int fromRow,
                         int toRow)
{
    const int last = imageWidth - 1;
    if (box.right < 0 || box.left > last)
        return;
    const int w = box.width;
    const int spanFrom = std::max(box.left, 0);
    const int spanTo = std::min(box.right, last);
    const int leftTo = std::min(box.left + w - 1, last);
    const int rightFrom = std::max(box.right - w + 1, 0);
    for (int y = std::max(fromRow, box.top); y <= std::min(toRow, box.bottom); ++y) {
        QRgb *row = reinterpret_cast<QRgb *>(bits + y * stride);
        if (y < box.top + w || y > box.bottom - w) {
            fillRun(row, spanFrom, spanTo, box.color); // top or bottom edge
        } else {
            fillRun(row, spanFrom, leftTo, box.color);
            fillRun(row, rightFrom, spanTo, box.color);
        }
    }
}

void BoxRaster::render(QImage &image)
{
    const int height = image.height();
    const int bandCount = (height + kBandRows - 1) / kBandRows;
    if (int(m_bands.size()) < bandCount)
        m_bands.resize(std::size_t(bandCount));
    for (std::vector<int> &band : m_bands)
        band.clear();
    for (int i = 0; i < int(m_boxes.size()); ++i) {
        const Box &box = m_boxes[std::size_t(i)];
        const int first = std::max(box.top, 0) / kBandRows;
        const int last = std::min(box.bottom, height - 1) / kBandRows;
        for (int band = first; band <= last && box.top < height && box.bottom >= 0; ++band)
            m_bands[std::size_t(band)].push_back(i);
    }
    uchar *const bits = image.bits();
    const qsizetype stride = image.bytesPerLine();
    for (int band = 0; band < bandCount; ++band) {
        const int fromRow = band * kBandRows;
        const int toRow = std::min(fromRow + kBandRows, height) - 1;
        std::memset(bits + fromRow * stride, 0, std::size_t((toRow - fromRow + 1) * stride));
        for (int index : m_bands[std::size_t(band)])
            drawRows(bits, stride, image.width(), m_boxes[std::size_t(index)], fromRow, toRow);
    }
}

} // namespace ango::app
