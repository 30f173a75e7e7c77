#include "imagedecoding.h"

#include <QBuffer>
#include <QFutureWatcher>
#include <QImageReader>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace ango::app {

namespace {

DecodedImage decodeImage(const QByteArray &bytes, const QString &path, Scaling scaling)
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
    const QSize stored = reader.size();
    if (stored.isValid()) {
        // The reader scales before it applies the EXIF rotation.
        const QSize scaled = scaling == Scaling::ForPreview ? previewDecodeSize(stored) : stored;
        if (scaled != stored)
            reader.setScaledSize(scaled);
        decoded.originalSize
            = reader.transformation().testFlag(QImageIOHandler::TransformationRotate90)
                  ? stored.transposed()
                  : stored;
    }
    decoded.image = reader.read();
    if (!decoded.image.isNull() && !decoded.originalSize.isValid())
        decoded.originalSize = decoded.image.size();
    if (decoded.image.isNull())
        decoded.error = reader.errorString();
    return decoded;
}

} // namespace

QSize previewDecodeSize(QSize original)
{
    const qint64 pixels = qint64(original.width()) * original.height();
    if (original.isEmpty() || pixels <= kMaxPreviewPixels)
        return original;
    const double factor = std::sqrt(double(kMaxPreviewPixels) / double(pixels));
    return QSize(std::max(1, int(original.width() * factor)),
                 std::max(1, int(original.height() * factor)));
}

void decodeImageAsync(QObject *receiver, QByteArray bytes, QString path,
                      std::function<void(DecodedImage)> done, Scaling scaling)
{
    auto *watcher = new QFutureWatcher<DecodedImage>(receiver);
    QObject::connect(watcher, &QFutureWatcherBase::finished, receiver,
                     [watcher, done = std::move(done)] {
                         DecodedImage decoded = watcher->result();
                         watcher->deleteLater();
                         done(std::move(decoded));
                     });
    watcher->setFuture(QtConcurrent::run(&decodeImage, std::move(bytes), std::move(path), scaling));
}

} // namespace ango::app
