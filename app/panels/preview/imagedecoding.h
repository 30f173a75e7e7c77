#pragma once

#include <QImage>
#include <QString>

#include <functional>

class QObject;

namespace ango::app {

struct DecodedImage
{
    QImage image;  // null when decoding failed
    QString error; // the reader's reason, when it failed
};

// Decodes encoded image bytes (or the file at `path` when `bytes` is empty) on the thread pool,
// honouring EXIF orientation. `done` runs on `receiver`'s thread, and never once `receiver` is
// gone: the watcher that delivers the result is its child (Qt 6.4's context-bound .then()
// reads its context from the worker thread, which races with the context's destruction).
void decodeImageAsync(QObject *receiver, QByteArray bytes, QString path,
                      std::function<void(DecodedImage)> done);

} // namespace ango::app
