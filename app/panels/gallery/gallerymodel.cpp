#include "panels/gallery/gallerymodel.h"

#include "panels/gallery/thumbnailcache.h"

namespace ango::app {

GalleryModel::GalleryModel(ThumbnailCache *thumbnails, QObject *parent)
    : QAbstractListModel(parent)
    , m_thumbnails(thumbnails)
{
    connect(m_thumbnails, &ThumbnailCache::ready, this, [this](const QString &path) {
        if (!m_dataset)
            return;
        for (std::size_t i = 0; i < m_dataset->images.size(); ++i) {
            if (m_dataset->images[i].localPath == path) {
                const QModelIndex changed = index(int(i));
                Q_EMIT dataChanged(changed, changed, {Qt::DecorationRole});
            }
        }
    });
}

void GalleryModel::setResults(const eval::Dataset *dataset, const std::vector<eval::ImageRun> *runs,
                              const eval::EvalResult *metrics)
{
    beginResetModel();
    m_dataset = dataset;
    m_runs = runs;
    m_metrics = metrics;
    endResetModel();
}

int GalleryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_dataset ? 0 : int(m_dataset->images.size());
}

QVariant GalleryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !m_dataset || index.row() >= rowCount())
        return {};
    const std::size_t i = std::size_t(index.row());
    const eval::DatasetImage &image = m_dataset->images[i];
    const eval::ImageRun *run = m_runs && i < m_runs->size() ? &(*m_runs)[i] : nullptr;
    const eval::ImageOutcome *outcome
        = m_metrics && i < m_metrics->images.size() ? &m_metrics->images[i] : nullptr;
    const bool failed = run
                        && (run->state == eval::ImageRun::State::Failed
                            || run->state == eval::ImageRun::State::Cancelled);
    switch (role) {
    case Qt::DisplayRole:
        if (failed)
            return tr("%1\nfailed").arg(image.key);
        if (outcome)
            return tr("%1\nTP %2 · FP %3 · FN %4")
                .arg(image.key)
                .arg(outcome->tp)
                .arg(outcome->fp)
                .arg(outcome->fn);
        return image.key;
    case Qt::ToolTipRole:
        return run && !run->error.isEmpty() ? run->error : image.fileName;
    case Qt::DecorationRole:
        return m_thumbnails->thumbnail(image.localPath);
    case ProblemsRole:
        return (failed ? 1000 : 0) + (outcome ? outcome->fp + outcome->fn : 0);
    case LatencyRole:
        return run ? run->durationMs : qint64(-1);
    case DetectionsRole:
        return outcome ? int(outcome->detections.size()) : 0;
    case FailedRole:
        return failed;
    case ImageIndexRole:
        return index.row();
    default:
        return {};
    }
}

} // namespace ango::app
