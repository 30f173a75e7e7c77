#include "panels/gallery/evalpanel.h"

#include "eval/projectassets.h"
#include "eval/resultcache.h"
#include "panels/gallery/comparepanel.h"
#include "panels/gallery/gallerypanel.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace ango::app {

using nlohmann::json;

EvalPanel::EvalPanel(std::function<runtime::PluginRuntime *()> runtime,
                     std::function<EvalSetup()> setup, QWidget *parent)
    : QWidget(parent)
    , m_runtime(std::move(runtime))
    , m_setup(std::move(setup))
    , m_datasetLabel(new QLabel(tr("No dataset"), this))
    , m_summary(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_run(new QPushButton(tr("Run"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_gallery(new GalleryPanel(this))
    , m_compare(new ComparePanel(m_runtime, m_setup, this))
    , m_projectId(new QLineEdit(this))
{
    // The file sources share one menu button: a row of four buttons set the window's minimum
    // width past 1024 px (docs/console-window.md).
    auto *datasetButton = new QToolButton(this);
    datasetButton->setText(tr("Open dataset"));
    datasetButton->setObjectName(QStringLiteral("openDataset"));
    datasetButton->setPopupMode(QToolButton::InstantPopup);
    datasetButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *sources = new QMenu(datasetButton);
    QAction *openCoco = sources->addAction(tr("COCO file…"));
    QAction *openFolder = sources->addAction(tr("Image folder…"));
    QAction *openExportButton = sources->addAction(tr("Ango export…"));
    openExportButton->setObjectName(QStringLiteral("openExport"));
    datasetButton->setMenu(sources);
    auto *openProjectButton = new QPushButton(tr("Live project"), this);
    openProjectButton->setObjectName(QStringLiteral("openProject"));
    openProjectButton->setToolTip(
        tr("The project's assets and answers through the REST API, with the Connection panel's "
           "API host and the Run panel's API key"));
    m_projectId->setPlaceholderText(tr("project ID"));
    m_projectId->setObjectName(QStringLiteral("evalProjectId"));
    m_projectId->setMaximumWidth(160);
    m_datasetLabel->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_run->setEnabled(false);
    m_cancel->setEnabled(false);
    auto *bar = new QHBoxLayout;
    for (QWidget *w : {static_cast<QWidget *>(datasetButton), static_cast<QWidget *>(m_projectId),
                       static_cast<QWidget *>(openProjectButton), static_cast<QWidget *>(m_run),
                       static_cast<QWidget *>(m_cancel)})
        bar->addWidget(w);
    bar->addWidget(m_progress, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_datasetLabel);
    layout->addWidget(m_summary);
    // The gallery and the A/B share the room below (comparepanel.h).
    auto *views = new QTabWidget(this);
    views->setObjectName(QStringLiteral("evalViews"));
    views->addTab(m_gallery, tr("Gallery"));
    views->addTab(m_compare, tr("A/B"));
    layout->addWidget(views, 1);

    connect(openCoco, &QAction::triggered, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("COCO detection file"), {},
                                                          tr("JSON (*.json)"));
        if (file.isEmpty())
            return;
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Its image folder"),
                                                              QFileInfo(file).absolutePath());
        if (dir.isEmpty())
            return;
        if (auto opened = openDataset(file, dir); !opened)
            m_datasetLabel->setText(opened.error().message);
    });
    connect(openFolder, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Image folder"));
        if (dir.isEmpty())
            return;
        if (auto opened = openDataset({}, dir); !opened)
            m_datasetLabel->setText(opened.error().message);
    });
    connect(openExportButton, &QAction::triggered, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Ango project export"), {},
                                                          tr("JSON (*.json)"));
        if (file.isEmpty())
            return;
        // Assets given by URL need no folder; those given by path are looked up in it.
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("Its image folder (cancel: next to the export)"));
        if (auto opened = openExport(file, dir.isEmpty() ? QFileInfo(file).absolutePath() : dir);
            !opened)
            m_datasetLabel->setText(opened.error().message);
    });
    connect(openProjectButton, &QPushButton::clicked, this,
            [this] { openProject(m_projectId->text().trimmed()); });
    connect(m_projectId, &QLineEdit::returnPressed, this,
            [this] { openProject(m_projectId->text().trimmed()); });
    connect(m_run, &QPushButton::clicked, this, &EvalPanel::start);
    connect(m_cancel, &QPushButton::clicked, this, &EvalPanel::cancel);
}

EvalPanel::~EvalPanel() = default;

Result<void> EvalPanel::openDataset(const QString &cocoFile, const QString &imageDir)
{
    return useDataset(cocoFile.isEmpty() ? eval::loadImageFolder(imageDir)
                                         : eval::loadCocoDataset(cocoFile, imageDir));
}

Result<void> EvalPanel::openExport(const QString &exportFile, const QString &imageDir)
{
    return useDataset(eval::loadAngoExport(exportFile, imageDir));
}

void EvalPanel::openProject(const QString &projectId)
{
    if (m_batch && m_cancel->isEnabled())
        return; // not while a batch runs on the current dataset
    const ProjectAccess access = m_access ? m_access() : ProjectAccess{};
    if (projectId.isEmpty() || access.apiKey.isEmpty()) {
        m_datasetLabel->setText(
            tr("A live project needs its ID here and your API key in the Run panel"));
        Q_EMIT projectLoaded(false);
        return;
    }
    eval::ProjectSource source;
    source.apiHost = access.apiHost;
    source.apiKey = access.apiKey;
    source.projectId = projectId;
    m_projectLoader = std::make_unique<eval::ProjectAssetsLoader>(source);
    connect(m_projectLoader.get(), &eval::ProjectAssetsLoader::pageLoaded, this,
            [this, projectId](int page, qsizetype assets, qint64 total) {
                m_datasetLabel->setText(tr("Project %1: page %2, %3%4 assets…")
                                            .arg(projectId)
                                            .arg(page)
                                            .arg(assets)
                                            .arg(total >= 0 ? tr(" of %1").arg(total) : QString()));
            });
    m_datasetLabel->setText(tr("Project %1: loading assets…").arg(projectId));
    m_projectLoader->load([this](Result<eval::Dataset> loaded) {
        // The loader goes after this callback returns, not inside it.
        QMetaObject::invokeMethod(
            this, [this] { m_projectLoader.reset(); }, Qt::QueuedConnection);
        const bool ok = loaded.ok();
        if (auto used = useDataset(std::move(loaded)); !used)
            m_datasetLabel->setText(used.error().message);
        Q_EMIT projectLoaded(ok);
    });
}

QString EvalPanel::datasetText() const
{
    return m_datasetLabel->text();
}

Result<void> EvalPanel::useDataset(Result<eval::Dataset> loaded)
{
    if (!loaded)
        return loaded.error();
    m_compare->setA(nullptr, nullptr, nullptr, nullptr, {}); // before A's dataset goes
    m_batch.reset();
    m_gallery->setResults(nullptr, nullptr, nullptr);
    m_detections.clear();
    m_metrics = {};
    m_dataset = std::make_unique<eval::Dataset>(std::move(loaded.value()));
    QString text = tr("%1 images, %2 classes, %3 objects")
                       .arg(m_dataset->images.size())
                       .arg(m_dataset->categories.size())
                       .arg(m_dataset->truthCount());
    if (m_dataset->problemCount)
        text += tr("; %1 problems, first: %2")
                    .arg(m_dataset->problemCount)
                    .arg(m_dataset->problems.front().text());
    m_datasetLabel->setText(text);
    m_run->setEnabled(!m_dataset->images.empty());
    return {};
}

void EvalPanel::start()
{
    if (!m_dataset || (m_batch && m_cancel->isEnabled()))
        return;
    const EvalSetup setup = m_setup();
    m_compare->setA(nullptr, nullptr, nullptr, nullptr, {}); // before A's runs go
    m_ranWith = setup;
    QHash<QString, QString> labels; // schemaId → model class, matched to category names
    if (setup.categorySchema.is_array()) {
        for (const auto &entry : setup.categorySchema) {
            if (entry.is_object() && entry.value("schemaId", json()).is_string()
                && entry.value("modelClass", json()).is_string())
                labels.insert(QString::fromStdString(entry["schemaId"].get<std::string>()),
                              QString::fromStdString(entry["modelClass"].get<std::string>()));
        }
    }
    m_mapping = eval::mappingFromSchema(*m_dataset, setup.categorySchema, labels);
    eval::BatchOptions options;
    options.callbackIdentity = eval::callbackIdentity(setup.callbackSpec);
    options.categorySchema = setup.categorySchema;
    options.configJson = setup.configJson;
    options.concurrency = 4;
    options.cacheDir = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
                       + QStringLiteral("/ango-console/eval");
    m_batch = std::make_unique<eval::BatchRun>(m_runtime(), *m_dataset, options);
    connect(m_batch.get(), &eval::BatchRun::progressed, this, &EvalPanel::showProgress);
    connect(m_batch.get(), &eval::BatchRun::finished, this, &EvalPanel::finished);
    m_gallery->setResults(nullptr, nullptr, nullptr);
    m_summary->setText(tr("Running…"));
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    m_batch->start();
}

void EvalPanel::cancel()
{
    if (m_batch)
        m_batch->cancel();
}

void EvalPanel::showProgress(const eval::BatchProgress &p)
{
    m_progress->setMaximum(int(p.total));
    m_progress->setValue(int(p.done));
    m_progress->setFormat(
        tr("%v/%m · %1 cached · %2 failed · %3/s · ETA %4 s")
            .arg(p.cached)
            .arg(p.failed)
            .arg(p.ratePerSecond, 0, 'f', 1)
            .arg(p.etaSeconds < 0 ? QStringLiteral("?") : QString::number(p.etaSeconds, 'f', 0)));
}

void EvalPanel::finished(bool cancelled)
{
    m_run->setEnabled(true);
    m_cancel->setEnabled(false);
    auto &detections = m_detections;
    detections.assign(m_dataset->images.size(), {});
    for (std::size_t i = 0; i < detections.size(); ++i) {
        const eval::ImageRun &run = m_batch->runs()[i];
        if (run.state == eval::ImageRun::State::Done && run.answer)
            detections[i]
                = eval::predictionsFromAnswer(*run.answer, m_mapping, *m_dataset).detections;
    }
    m_metrics = eval::evaluate(*m_dataset, detections);
    m_summary->setText(summary() + (cancelled ? tr(" (cancelled: partial)") : QString()));
    m_gallery->setResults(m_dataset.get(), &m_batch->runs(), &m_metrics, &m_detections);
    m_compare->setA(m_dataset.get(), &m_mapping, &m_batch->runs(), &m_metrics, m_ranWith);
    Q_EMIT evaluated();
}

QString EvalPanel::summary() const
{
    if (!m_dataset || !m_dataset->hasTruth)
        return tr("No ground truth: predictions only");
    const auto &s = m_metrics.stats;
    return tr("AP %1 · AP50 %2 · AP75 %3 · AR100 %4")
        .arg(s[0], 0, 'f', 3)
        .arg(s[1], 0, 'f', 3)
        .arg(s[2], 0, 'f', 3)
        .arg(s[8], 0, 'f', 3);
}

} // namespace ango::app
