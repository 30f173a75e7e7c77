#include "panels/gallery/thumbnailcache.h"

#include <QFutureWatcher>
#include <QImageReader>
#include <QtConcurrent/QtConcurrentRun>

namespace ango::app {

ThumbnailCache::ThumbnailCache(QSize size, qsizetype budgetBytes, QObject *parent)
    : QObject(parent)
    , m_size(size)
    , m_cache(budgetBytes / 1024)
{}

QPixmap ThumbnailCache::cached(const QString &path) const
{
    const QPixmap *pixmap = m_cache.object(path);
    return pixmap ? *pixmap : QPixmap();
}

QPixmap ThumbnailCache::thumbnail(const QString &path)
{
    if (const QPixmap *cached = m_cache.object(path))
        return *cached;
    if (path.isEmpty() || m_inFlight.contains(path))
        return {};
    m_inFlight.insert(path, true);
    ++m_started;
    // The watcher is our child: its result never reaches a destroyed cache.
    auto *watcher = new QFutureWatcher<QImage>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        m_inFlight.remove(path);
        const QImage image = watcher->result();
        if (image.isNull()) {
            Q_EMIT failed(path);
            return;
        }
        // NoFormatConversion: the raster pixmap keeps the packed format the pool made.
        auto *pixmap = new QPixmap(QPixmap::fromImage(image, Qt::NoFormatConversion));
        m_cache.insert(path, pixmap, std::max<qsizetype>(1, image.sizeInBytes() / 1024));
        Q_EMIT ready(path);
    });
    const QSize bound = m_size;
    watcher->setFuture(QtConcurrent::run([path, bound] {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        const QSize full = reader.size();
        if (full.isValid())
            reader.setScaledSize(full.scaled(bound, Qt::KeepAspectRatio));
        QImage image = reader.read();
        // 3 bytes a pixel instead of 4 for opaque thumbnails: a quarter less memory per batch.
        if (!image.isNull() && !image.hasAlphaChannel())
            image.convertTo(QImage::Format_RGB888);
        return image;
    }));
    return {};
}

} // namespace ango::app
