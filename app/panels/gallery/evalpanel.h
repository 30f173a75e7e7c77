#pragma once

#include "eval/batchrun.h"
#include "eval/cocoeval.h"
#include "eval/dataset.h"
#include "eval/predictions.h"

#include <QUrl>
#include <QWidget>

#include <functional>
#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace ango::runtime {
class PluginRuntime;
}

namespace ango::eval {
class ProjectAssetsLoader;
}

namespace ango::app {

class ComparePanel;
class GalleryPanel;

// What a batch runs with: the window's callback, mapping and config at the moment Run is pressed.
struct EvalSetup
{
    QString callbackSpec;
    nlohmann::json categorySchema; // [{"schemaId", "modelClass"}] or null
    std::optional<QString> configJson;
};

// Where a live project's assets come from: the Connection panel's API host, the Run panel's key.
struct ProjectAccess
{
    QUrl apiHost;
    QString apiKey;
};

// The Evaluate dock: open a COCO file and its images (or a folder), run the current callback over
// every image (4 at a time, cached, resumable), progress with rate and ETA, cancel, then AP/AP50
// and the gallery. Predictions map back to categories through the window's mapping: schemaId →
// model class → category of that name (ignoring case).
class EvalPanel final : public QWidget
{
    Q_OBJECT

public:
    // `runtime` is asked at each start: the console replaces its runtime when it connects.
    EvalPanel(std::function<runtime::PluginRuntime *()> runtime, std::function<EvalSetup()> setup,
              QWidget *parent = nullptr);
    ~EvalPanel() override;

    // Loads a dataset (cocoFile empty: a folder of images); the error names file, entry, field.
    Result<void> openDataset(const QString &cocoFile, const QString &imageDir);
    // An Ango project export (assets with their answers); imageDir for assets given by path.
    Result<void> openExport(const QString &exportFile, const QString &imageDir);
    // A live project's assets and answers through the REST API (eval/projectassets.h);
    // projectLoaded() follows. The API host and key come from setProjectAccess().
    void openProject(const QString &projectId);
    void setProjectAccess(std::function<ProjectAccess()> access) { m_access = std::move(access); }
    QString datasetText() const;
    void start();
    void cancel();
    QString summary() const;
    GalleryPanel *gallery() const { return m_gallery; }
    // The last evaluation, per dataset image (for the preview's TP/FP/FN view).
    const eval::Dataset *dataset() const { return m_dataset.get(); }
    const std::vector<std::vector<eval::Detection>> &detections() const { return m_detections; }
    const eval::EvalResult &metrics() const { return m_metrics; }
    ComparePanel *comparison() const { return m_compare; }

Q_SIGNALS:
    void evaluated();
    void projectLoaded(bool ok);

private:
    void finished(bool cancelled);
    void showProgress(const eval::BatchProgress &p);
    Result<void> useDataset(Result<eval::Dataset> loaded);

    std::function<runtime::PluginRuntime *()> m_runtime;
    std::function<EvalSetup()> m_setup;
    std::unique_ptr<eval::Dataset> m_dataset;
    std::unique_ptr<eval::BatchRun> m_batch;
    eval::ClassMapping m_mapping;
    std::vector<std::vector<eval::Detection>> m_detections;
    eval::EvalResult m_metrics;
    QLabel *m_datasetLabel;
    QLabel *m_summary;
    QProgressBar *m_progress;
    QPushButton *m_run;
    QPushButton *m_cancel;
    GalleryPanel *m_gallery;
    ComparePanel *m_compare; // A/B against the last run
    EvalSetup m_ranWith;     // the setup of the last run: A of the A/B
    std::function<ProjectAccess()> m_access;
    std::unique_ptr<eval::ProjectAssetsLoader> m_projectLoader;
    QLineEdit *m_projectId;
};

} // namespace ango::app
