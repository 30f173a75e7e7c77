#pragma once

#include "eval/batchrun.h"
#include "eval/cocoeval.h"
#include "eval/dataset.h"

#include <QWidget>

class QComboBox;
class QListView;
class QSortFilterProxyModel;

namespace ango::app {

class GalleryModel;
class ThumbnailCache;

// The batch's images as a thumbnail grid, sorted by problems (FP + FN, failures first), latency,
// detections, name or per-image score (F1 at IoU 0.5, worst first), optionally only those with
// problems or only failed runs, and optionally only those with a class in their ground truth or
// detections. Activating one (double-click, Enter) says which image.
class GalleryPanel final : public QWidget
{
    Q_OBJECT

public:
    enum class SortKey { Problems, Latency, Detections, Name, Score };
    enum class Show { All, Problems, Failed };

    explicit GalleryPanel(QWidget *parent = nullptr);

    void setResults(const eval::Dataset *dataset, const std::vector<eval::ImageRun> *runs,
                    const eval::EvalResult *metrics,
                    const std::vector<std::vector<eval::Detection>> *detections = nullptr);
    void setSortKey(SortKey key);
    void setProblemsOnly(bool only); // Show::Problems, or Show::All
    void setShow(Show show);
    // Only images with this category (an index into the dataset's) in truth or detections; -1: all.
    void setClassFilter(int category);
    // Dataset image indices in the order shown.
    QList<int> shownImages() const;
    ThumbnailCache *thumbnails() const { return m_thumbnails; }

Q_SIGNALS:
    void imageActivated(int imageIndex);

private:
    ThumbnailCache *m_thumbnails;
    GalleryModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QListView *m_view;
    QComboBox *m_sort;
    QComboBox *m_show;
    QComboBox *m_class;
};

} // namespace ango::app
