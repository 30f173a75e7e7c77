#pragma once

#include <QCache>
#include <QHash>
#include <QObject>
#include <QPixmap>
#include <QSize>

namespace ango::app {

// Thumbnails of image files: decoded at thumbnail size on the thread pool (QImageReader scales
// while decoding) and, when opaque, packed to 3 bytes a pixel there too; wrapped as pixmaps on
// the GUI thread without another conversion and kept in a cache bounded by bytes. A request for
// one already in flight is not started twice. Painting only ever reads the cache.
class ThumbnailCache final : public QObject
{
    Q_OBJECT

public:
    // 640 MB hold 10,000 thumbnails of 160x120 (about 56 KB each): a 10,000-image batch
    // scrolls without decoding again.
    static constexpr qsizetype kDefaultBudgetBytes = qsizetype(640) * 1024 * 1024;

    explicit ThumbnailCache(QSize size, qsizetype budgetBytes = kDefaultBudgetBytes,
                            QObject *parent = nullptr);

    QSize size() const { return m_size; }
    // The thumbnail when cached; otherwise null, and ready() follows once it is decoded.
    QPixmap thumbnail(const QString &path);
    // Only the cache, never a decode (for painting and tests).
    QPixmap cached(const QString &path) const;
    int decodesStarted() const { return m_started; }
    int cachedCount() const { return m_cache.count(); }
    qsizetype cachedBytes() const { return qsizetype(m_cache.totalCost()) * 1024; }

Q_SIGNALS:
    void ready(const QString &path);
    void failed(const QString &path);

private:
    QSize m_size;
    QCache<QString, QPixmap> m_cache; // cost in KiB
    QHash<QString, bool> m_inFlight;
    int m_started = 0;
};

} // namespace ango::app
