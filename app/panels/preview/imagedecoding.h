#pragma once

#include <QImage>
#include <QString>

#include <functional>

class QObject;

namespace ango::app {

struct DecodedImage
{
    QImage image;       // null when decoding failed; at most kPreviewMaxSide on its longer side
    QSize originalSize; // the image's own size: objects' coordinates refer to it
    QString error;      // the reader's reason, when it failed
};

// The preview shows large images scaled down to this (the callback gets the original file).
inline constexpr int kPreviewMaxSide = 4096;
// Larger images are refused with a message rather than exhausting memory.
inline constexpr int kDecodeMaxSide = 32768;

// Decodes encoded image bytes (scaled down to kPreviewMaxSide) (or the file at `path` when `bytes`
// is empty) on the thread pool, honouring EXIF orientation. `done` runs on `receiver`'s thread, and
// never once `receiver` is gone: the watcher that delivers the result is its child (Qt 6.4's
// context-bound .then() reads its context from the worker thread, which races with the context's
// destruction).
void decodeImageAsync(QObject *receiver, QByteArray bytes, QString path,
                      std::function<void(DecodedImage)> done);

} // namespace ango::app
