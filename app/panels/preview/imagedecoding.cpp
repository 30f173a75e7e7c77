#include "imagedecoding.h"

#include <QBuffer>
#include <QFutureWatcher>
#include <QImageReader>
#include <QObject>
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
    QSize size = reader.size(); // from the header, before any pixel is decoded
    if (size.isValid()) {
        if (size.width() > kDecodeMaxSide || size.height() > kDecodeMaxSide) {
            decoded.error = QObject::tr("the image is %1x%2 pixels, larger than the %3 pixels "
                                        "per side the preview can show")
                                .arg(size.width())
                                .arg(size.height())
                                .arg(kDecodeMaxSide);
            return decoded;
        }
        if (size.width() > kPreviewMaxSide || size.height() > kPreviewMaxSide)
            reader.setScaledSize(
                size.scaled(kPreviewMaxSide, kPreviewMaxSide, Qt::KeepAspectRatio));
        if (reader.transformation().testFlag(QImageIOHandler::TransformationRotate90))
            size.transpose();
    }
    decoded.image = reader.read();
    if (decoded.image.isNull()) {
        decoded.error = reader.errorString();
        return decoded;
    }
    decoded.originalSize = size.isValid() ? size : decoded.image.size();
    return decoded;
}

} // namespace

// Formats without scaled decoding (PNG) decode the whole image first; its size is bounded by
// kDecodeMaxSide above, so the reader may allocate that much (Qt's default stops at 128 MB).
void allowLargeImages()
{
    static const bool once = [] {
        QImageReader::setAllocationLimit(2048);
        return true;
    }();
    Q_UNUSED(once)
}

void decodeImageAsync(QObject *receiver, QByteArray bytes, QString path,
                      std::function<void(DecodedImage)> done)
{
    allowLargeImages();
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
