#include "panels/gallery/thumbnailcache.h"

#include <QFutureWatcher>
#include <QImageReader>
#include <QtConcurrent/QtConcurrentRun>

namespace ango::app {

ThumbnailCache::ThumbnailCache(QSize size, int maxItems, QObject *parent)
    : QObject(parent)
    , m_size(size)
    , m_cache(maxItems)
{}

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
        m_cache.insert(path, new QPixmap(QPixmap::fromImage(image)));
        Q_EMIT ready(path);
    });
    const QSize bound = m_size;
    watcher->setFuture(QtConcurrent::run([path, bound] {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        const QSize full = reader.size();
        if (full.isValid())
            reader.setScaledSize(full.scaled(bound, Qt::KeepAspectRatio));
        return reader.read();
    }));
    return {};
}

} // namespace ango::app
