#include "panels/gallery/gallerypanel.h"

#include "panels/gallery/gallerydelegate.h"
#include "panels/gallery/gallerymodel.h"
#include "panels/gallery/thumbnailcache.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QListView>
#include <QSortFilterProxyModel>
#include <QVBoxLayout>

namespace ango::app {

namespace {

constexpr QSize kThumbnail(160, 120);

// Sorts by the chosen role, highest first for problems/latency/detections; filters by what to
// show (all, problems, failures) and by class.
class GalleryProxy final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    GalleryPanel::Show show = GalleryPanel::Show::All;
    int category = -1;

    void refilter() { invalidateFilter(); }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const QModelIndex index = sourceModel()->index(row, 0, parent);
        if (show == GalleryPanel::Show::Problems
            && index.data(GalleryModel::ProblemsRole).toInt() == 0)
            return false;
        if (show == GalleryPanel::Show::Failed && !index.data(GalleryModel::FailedRole).toBool())
            return false;
        return category < 0
               || index.data(GalleryModel::CategoriesRole).value<QList<int>>().contains(category);
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
    , m_show(new QComboBox(this))
    , m_class(new QComboBox(this))
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
    m_show->setObjectName(QStringLiteral("galleryShow"));
    m_show->addItems({tr("All images"), tr("With problems"), tr("Failed runs")});
    m_class->setObjectName(QStringLiteral("galleryClass"));
    m_class->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_class->addItem(tr("All classes"), -1);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_sort);
    bar->addWidget(m_show);
    bar->addWidget(m_class);
    bar->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_view);
    connect(m_sort, &QComboBox::currentIndexChanged, this,
            [this](int index) { setSortKey(SortKey(index)); });
    connect(m_show, &QComboBox::currentIndexChanged, this,
            [this](int index) { setShow(Show(index)); });
    connect(m_class, &QComboBox::currentIndexChanged, this,
            [this](int index) { setClassFilter(m_class->itemData(index).toInt()); });
    connect(m_view, &QListView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT imageActivated(index.data(GalleryModel::ImageIndexRole).toInt());
    });
    setSortKey(SortKey::Problems);
}

void GalleryPanel::setResults(const eval::Dataset *dataset, const std::vector<eval::ImageRun> *runs,
                              const eval::EvalResult *metrics,
                              const std::vector<std::vector<eval::Detection>> *detections)
{
    {
        const QSignalBlocker blocker(m_class);
        m_class->clear();
        m_class->addItem(tr("All classes"), -1);
        if (dataset)
            for (std::size_t i = 0; i < dataset->categories.size(); ++i)
                m_class->addItem(dataset->categories[i].name, int(i));
    }
    auto *proxy = static_cast<GalleryProxy *>(m_proxy);
    proxy->category = -1;
    m_model->setResults(dataset, runs, metrics, detections);
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
    setShow(only ? Show::Problems : Show::All);
}

void GalleryPanel::setShow(Show show)
{
    const QSignalBlocker blocker(m_show);
    m_show->setCurrentIndex(int(show));
    auto *proxy = static_cast<GalleryProxy *>(m_proxy);
    proxy->show = show;
    proxy->refilter();
}

void GalleryPanel::setClassFilter(int category)
{
    const QSignalBlocker blocker(m_class);
    const int index = m_class->findData(category);
    m_class->setCurrentIndex(index < 0 ? 0 : index);
    auto *proxy = static_cast<GalleryProxy *>(m_proxy);
    proxy->category = index < 0 ? -1 : category;
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
