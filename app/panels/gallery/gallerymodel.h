#pragma once

#include "eval/batchrun.h"
#include "eval/cocoeval.h"
#include "eval/dataset.h"

#include <QAbstractListModel>

namespace ango::app {

class ThumbnailCache;

// 2TP / (2TP + FP + FN); 1 when all three are 0.
double imageScore(const eval::ImageOutcome &outcome);

// One row per dataset image: its thumbnail, and how the run went (TP/FP/FN at IoU 0.5, error,
// latency). The sort and filter roles let a proxy order by problems, latency or object count.
class GalleryModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        ProblemsRole = Qt::UserRole + 1, // fp + fn, errors count as 1,000
        LatencyRole,
        DetectionsRole,
        FailedRole,
        ImageIndexRole,
        // Per-image F1 at IoU 0.5, 2TP / (2TP + FP + FN), in [0, 1]: 1 when there was nothing
        // to find and nothing was found; 0 for a failed run. Sorting by it puts the worst first.
        ScoreRole,
        // The categories (indices into the dataset's) in the image's truth or its detections.
        CategoriesRole,
    };

    explicit GalleryModel(ThumbnailCache *thumbnails, QObject *parent = nullptr);

    // The batch's data; the model keeps pointers: they must outlive it or be replaced.
    void setResults(const eval::Dataset *dataset, const std::vector<eval::ImageRun> *runs,
                    const eval::EvalResult *metrics,
                    const std::vector<std::vector<eval::Detection>> *detections = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;

private:
    const eval::Dataset *m_dataset = nullptr;
    const std::vector<eval::ImageRun> *m_runs = nullptr;
    const eval::EvalResult *m_metrics = nullptr;
    const std::vector<std::vector<eval::Detection>> *m_detections = nullptr;
    ThumbnailCache *m_thumbnails;
    QHash<QString, QList<int>> m_rowsOfPath; // identical files listed twice share a thumbnail
};

} // namespace ango::app
