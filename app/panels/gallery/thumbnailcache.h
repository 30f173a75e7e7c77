#pragma once

#include <QCache>
#include <QHash>
#include <QObject>
#include <QPixmap>
#include <QSize>

namespace ango::app {

// Thumbnails of image files: decoded at thumbnail size on the thread pool (QImageReader scales
// while decoding), turned into pixmaps on the GUI thread, kept in a bounded cache. A request for
// one already in flight is not started twice.
class ThumbnailCache final : public QObject
{
    Q_OBJECT

public:
    explicit ThumbnailCache(QSize size, int maxItems = 4000, QObject *parent = nullptr);

    QSize size() const { return m_size; }
    // The thumbnail when cached; otherwise null, and ready() follows once it is decoded.
    QPixmap thumbnail(const QString &path);
    int decodesStarted() const { return m_started; }

Q_SIGNALS:
    void ready(const QString &path);
    void failed(const QString &path);

private:
    QSize m_size;
    QCache<QString, QPixmap> m_cache;
    QHash<QString, bool> m_inFlight;
    int m_started = 0;
};

} // namespace ango::app
