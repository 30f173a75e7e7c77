#pragma once

#include <QImage>
#include <QString>

#include <functional>

class QObject;

namespace ango::app {

struct DecodedImage
{
    QImage image;       // null when decoding failed; at most kMaxPreviewPixels
    QSize originalSize; // the image's own size (overlay coordinates are in it)
    QString error;      // the reader's reason, when it failed
};

// Larger images are decoded scaled down to this many pixels (64 MiB at 32 bits a pixel, under
// Qt's 128 MiB allocation limit): a 20,000x20,000 photo shows instead of failing, and overlays
// stay in the original's coordinates. The callback always gets the original file.
inline constexpr qint64 kMaxPreviewPixels = 16LL * 1024 * 1024;

// The size to decode an image of `original` pixels at: itself, or scaled into the budget.
QSize previewDecodeSize(QSize original);

// Decodes encoded image bytes (or the file at `path` when `bytes` is empty) on the thread pool,
// honouring EXIF orientation. `done` runs on `receiver`'s thread, and never once `receiver` is
// gone: the watcher that delivers the result is its child (Qt 6.4's context-bound .then()
// reads its context from the worker thread, which races with the context's destruction).
// With Scaling::ForPreview an image over kMaxPreviewPixels comes back scaled down (its
// originalSize says how large it is); Scaling::None decodes at full size, as before.
enum class Scaling { None, ForPreview };
void decodeImageAsync(QObject *receiver, QByteArray bytes, QString path,
                      std::function<void(DecodedImage)> done, Scaling scaling = Scaling::None);

} // namespace ango::app
