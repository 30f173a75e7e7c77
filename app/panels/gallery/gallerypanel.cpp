#include "panels/gallery/gallerypanel.h"

#include "panels/gallery/gallerydelegate.h"
#include "panels/gallery/gallerymodel.h"
#include "panels/gallery/thumbnailcache.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QListView>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>

namespace ango::app {

namespace {

constexpr QSize kThumbnail(160, 120);

// Sorts by the chosen role, highest first for problems/latency/detections; filters rows without
// problems when asked.
class GalleryProxy final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    bool problemsOnly = false;

    void refilter() { invalidateFilter(); }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        if (!problemsOnly)
            return true;
        return sourceModel()->index(row, 0, parent).data(GalleryModel::ProblemsRole).toInt() > 0;
    }
};

} // namespace

GalleryPanel::GalleryPanel(QWidget *parent)
    : QWidget(parent)
    , m_thumbnails(new ThumbnailCache(kThumbnail, ThumbnailCache::kDefaultBudgetBytes, this))
    , m_model(new GalleryModel(m_thumbnails, this))
    , m_proxy(new GalleryProxy(this))
    , m_view(new QListView(this))
    , m_sort(new QComboBox(this))
    , m_problemsOnly(new QCheckBox(tr("Problems only"), this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setDynamicSortFilter(true);
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new GalleryDelegate(kThumbnail, m_view));
    m_view->setViewMode(QListView::IconMode);
    m_view->setIconSize(kThumbnail);
    m_view->setGridSize(kThumbnail
                        + QSize(24, 24 + GalleryDelegate::kCaptionLines * fontMetrics().height()));
    m_view->setResizeMode(QListView::Adjust);
    m_view->setUniformItemSizes(true); // layout without asking every row: large batches scroll
    m_view->setMovement(QListView::Static);
    m_sort->addItems({tr("Most problems"), tr("Slowest"), tr("Most detections"), tr("Name"),
                      tr("Lowest score (F1)")});
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_sort);
    bar->addWidget(m_problemsOnly);
    bar->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_view);
    connect(m_sort, &QComboBox::currentIndexChanged, this,
            [this](int index) { setSortKey(SortKey(index)); });
    connect(m_problemsOnly, &QCheckBox::toggled, this, &GalleryPanel::setProblemsOnly);
    connect(m_view, &QListView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT imageActivated(index.data(GalleryModel::ImageIndexRole).toInt());
    });
    setSortKey(SortKey::Problems);
}

void GalleryPanel::setResults(const eval::Dataset *dataset, const std::vector<eval::ImageRun> *runs,
                              const eval::EvalResult *metrics)
{
    m_model->setResults(dataset, runs, metrics);
}

void GalleryPanel::setSortKey(SortKey key)
{
    const QSignalBlocker blocker(m_sort);
    m_sort->setCurrentIndex(int(key));
    switch (key) {
    case SortKey::Problems:
        m_proxy->setSortRole(GalleryModel::ProblemsRole);
        m_proxy->sort(0, Qt::DescendingOrder);
        break;
    case SortKey::Latency:
        m_proxy->setSortRole(GalleryModel::LatencyRole);
        m_proxy->sort(0, Qt::DescendingOrder);
        break;
    case SortKey::Detections:
        m_proxy->setSortRole(GalleryModel::DetectionsRole);
        m_proxy->sort(0, Qt::DescendingOrder);
        break;
    case SortKey::Name:
        m_proxy->setSortRole(GalleryModel::ImageIndexRole);
        m_proxy->sort(0, Qt::AscendingOrder);
        break;
    case SortKey::Score:
        m_proxy->setSortRole(GalleryModel::ScoreRole);
        m_proxy->sort(0, Qt::AscendingOrder);
        break;
    }
}

void GalleryPanel::setProblemsOnly(bool only)
{
    const QSignalBlocker blocker(m_problemsOnly);
    m_problemsOnly->setChecked(only);
    auto *proxy = static_cast<GalleryProxy *>(m_proxy);
    proxy->problemsOnly = only;
    proxy->refilter();
}

QList<int> GalleryPanel::shownImages() const
{
    QList<int> out;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        out << m_proxy->index(row, 0).data(GalleryModel::ImageIndexRole).toInt();
    return out;
}

} // namespace ango::app
