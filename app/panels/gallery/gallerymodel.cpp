#include "panels/gallery/gallerymodel.h"

#include "panels/gallery/thumbnailcache.h"

#include <algorithm>

namespace ango::app {

double imageScore(const eval::ImageOutcome &outcome)
{
    const int denominator = 2 * outcome.tp + outcome.fp + outcome.fn;
    return denominator == 0 ? 1.0 : 2.0 * outcome.tp / denominator;
}

GalleryModel::GalleryModel(ThumbnailCache *thumbnails, QObject *parent)
    : QAbstractListModel(parent)
    , m_thumbnails(thumbnails)
{
    connect(m_thumbnails, &ThumbnailCache::ready, this, [this](const QString &path) {
        // By hash, not a scan: a 10,000-image batch gets 10,000 of these while it warms up.
        for (const int row : m_rowsOfPath.value(path)) {
            const QModelIndex changed = index(row);
            Q_EMIT dataChanged(changed, changed, {Qt::DecorationRole});
        }
    });
}

void GalleryModel::setResults(const eval::Dataset *dataset, const std::vector<eval::ImageRun> *runs,
                              const eval::EvalResult *metrics,
                              const std::vector<std::vector<eval::Detection>> *detections)
{
    beginResetModel();
    m_detections = detections;
    m_dataset = dataset;
    m_runs = runs;
    m_metrics = metrics;
    m_rowsOfPath.clear();
    if (dataset) {
        for (std::size_t i = 0; i < dataset->images.size(); ++i)
            m_rowsOfPath[dataset->images[i].localPath].append(int(i));
    }
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
    // A COCO key is the image's id ("17"): the file's name says more in a caption.
    const QString name = image.fileName.isEmpty() ? image.key : image.fileName;
    switch (role) {
    case Qt::DisplayRole:
        if (failed)
            return tr("%1\nfailed").arg(name);
        if (outcome)
            return tr("%1\nTP %2 · FP %3 · FN %4 · F1 %5")
                .arg(name)
                .arg(outcome->tp)
                .arg(outcome->fp)
                .arg(outcome->fn)
                .arg(imageScore(*outcome), 0, 'f', 2);
        return name;
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
    case ScoreRole:
        return failed ? 0.0 : (outcome ? imageScore(*outcome) : 1.0);
    case CategoriesRole: {
        QList<int> categories;
        for (const eval::TruthObject &object : image.truth)
            categories << object.category;
        if (m_detections && i < m_detections->size())
            for (const eval::Detection &detection : (*m_detections)[i])
                categories << detection.category;
        std::sort(categories.begin(), categories.end());
        categories.erase(std::unique(categories.begin(), categories.end()), categories.end());
        return QVariant::fromValue(categories);
    }
    default:
        return {};
    }
}

} // namespace ango::app
