#include "imagedecoding.h"

#include <QBuffer>
#include <QFutureWatcher>
#include <QImageReader>
#include <QtConcurrent/QtConcurrentRun>

namespace ango::app {

namespace {

DecodedImage decodeImage(const QByteArray &bytes, const QString &path)
{
    QBuffer buffer;
    QImageReader reader;
    if (bytes.isEmpty() && !path.isEmpty()) {
        reader.setFileName(path);
    } else {
        buffer.setData(bytes);
        reader.setDevice(&buffer);
    }
    reader.setAutoTransform(true); // camera photos carry their orientation in EXIF
    DecodedImage decoded;
    decoded.image = reader.read();
    if (decoded.image.isNull())
        decoded.error = reader.errorString();
    return decoded;
}

} // namespace

void decodeImageAsync(QObject *receiver, QByteArray bytes, QString path,
                      std::function<void(DecodedImage)> done)
{
    auto *watcher = new QFutureWatcher<DecodedImage>(receiver);
    QObject::connect(watcher, &QFutureWatcherBase::finished, receiver,
                     [watcher, done = std::move(done)] {
                         DecodedImage decoded = watcher->result();
                         watcher->deleteLater();
                         done(std::move(decoded));
                     });
    watcher->setFuture(QtConcurrent::run(&decodeImage, std::move(bytes), std::move(path)));
}

} // namespace ango::app
