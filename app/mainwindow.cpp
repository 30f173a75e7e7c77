#include "mainwindow.h"

#include "annotation/annotation.h"
#include "console/consolecontroller.h"
#include "console/runlauncher.h"
#include "console/runpresenter.h"
#include "console/setupprofile.h"
#include "logging/logentry.h"
#include "panels/callback/callbackpanel.h"
#include "panels/common/elidedlabel.h"
#include "panels/config/configeditor.h"
#include "panels/connection/connectionpanel.h"
#include "panels/connection/connectionprofile.h"
#include "panels/gallery/evalpanel.h"
#include "panels/localhub/localhubpanel.h"
#include "panels/log/logpanel.h"
#include "panels/log/requesttimeline.h"
#include "panels/mapping/classmapping.h"
#include "panels/mapping/classmappingmodel.h"
#include "panels/mapping/classmappingpanel.h"
#include "panels/mapping/mappingstore.h"
#include "panels/preview/classpalette.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewscene.h"
#include "panels/review/reviewfeed.h"
#include "panels/review/reviewpanel.h"
#include "panels/run/runpanel.h"
#include "profile/profilefile.h"
#include "rest/restclient.h"
#include "runtime/pluginruntime.h"
#include "runtime/run.h"
#include "runtime/runregistry.h"
#include "sandbox/samplemodel.h"
#include "settings/secretstore.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QUrl>
#include <QUuid>

#include <algorithm>

namespace ango::app {

namespace {

using json = nlohmann::json;

// Bumped whenever the dock arrangement changes, so that a saved layout of an older build is not
// restored into this one.
constexpr int kLayoutVersion = 2;

QString pendingStorePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
           + QStringLiteral("/pending-results.json");
}

} // namespace

MainWindow::MainWindow(QWidget *parent, SecretStorage secretStorage)
    : QMainWindow(parent)
    , m_mappingStore(std::make_unique<MappingStore>(&m_settings))
{
    setWindowTitle(tr("Ango Plugin Console"));
    setObjectName(QStringLiteral("mainWindow"));
    setDockNestingEnabled(true);
    m_secrets = new SecretStore(QStringLiteral("ango-console"), this);
    m_secrets->setSessionOnly(secretStorage == SecretStorage::SessionOnly);
    m_controller = new ConsoleController(pendingStorePath(), this);
    m_launcher = new RunLauncher(m_controller, this);
    buildPanels();
    m_connection->setSecretsSessionOnly(secretStorage == SecretStorage::SessionOnly);
    buildMenus();
    wireController();
    wireLauncher();

    m_defaultState = saveState(kLayoutVersion);
    resize(1440, 900);
    restoreGeometry(m_settings.value(QStringLiteral("window/geometry")).toByteArray());
    // A layout saved by another build (another version) is ignored: the default one is used.
    m_layoutRestored = restoreState(m_settings.value(QStringLiteral("window/state")).toByteArray(),
                                    kLayoutVersion);

    if (auto made = m_controller->useCallback(m_callback->spec(), m_callback->options()); !made)
        m_callback->setError(made.error().message);
    updateRunGate();
}

MainWindow::~MainWindow() = default;

QDockWidget *MainWindow::addPanel(QWidget *panel, const QString &title, const QString &name,
                                  Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(name); // saveState() keys docks by name
    dock->setWidget(panel);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::buildPanels()
{
    m_preview = new PreviewPanel(this);
    m_review = new ReviewPanel(this);
    m_centre = new QTabWidget(this);
    m_centre->setObjectName(QStringLiteral("centreTabs"));
    m_centre->addTab(m_preview, tr("Preview"));
    m_centre->addTab(m_review, tr("Review"));
    setCentralWidget(m_centre);

    m_connection = new ConnectionPanel(m_settings, *m_secrets, this);
    m_callback = new CallbackPanel(m_settings, this);
    m_run = new RunPanel(m_settings, this);
    m_mapping = new ClassMappingPanel(m_mappingStore.get(), this);
    m_config = new ConfigEditor(this);
    m_config->setConfigJson(m_settings.value(QStringLiteral("config/text")).toString());
    m_log = new LogPanel(this);
    // The Run panel's last outcome was about the previous callback.
    connect(m_callback, &CallbackPanel::applyRequested, m_run, &RunPanel::clearOutcome);
    // An image the preview cannot show is named in the log too, not only on stderr.
    connect(m_preview, &PreviewPanel::imageLoadFailed, m_log, [this](const QString &reason) {
        logging::LogEntry entry;
        entry.time = QDateTime::currentDateTimeUtc();
        entry.level = logging::Level::Error;
        entry.category = QStringLiteral("preview");
        entry.kind = QStringLiteral("image");
        entry.message = tr("Image not shown: %1").arg(reason);
        m_log->append(entry);
    });

    // The preview is the centre. Everything a run needs sits in one column on the left: the Run
    // panel on top, its inputs (callback, mapping, config) and the connections as tabs below, so
    // no pane stands empty. The log runs under the preview only, so the left column keeps the
    // full height.
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    // The input tabs sit right under the Run panel, where the eye goes next.
    setTabPosition(Qt::LeftDockWidgetArea, QTabWidget::North);
    m_runDock = addPanel(m_run, tr("Run"), QStringLiteral("runDock"), Qt::LeftDockWidgetArea);
    m_inputsDock = addPanel(m_callback, tr("Callback"), QStringLiteral("callbackDock"),
                            Qt::LeftDockWidgetArea);
    QDockWidget *mapping = addPanel(m_mapping, tr("Class mapping"), QStringLiteral("mappingDock"),
                                    Qt::LeftDockWidgetArea);
    QDockWidget *config = addPanel(m_config, tr("configJSON"), QStringLiteral("configDock"),
                                   Qt::LeftDockWidgetArea);
    QDockWidget *connection = addPanel(m_connection, tr("Connection"),
                                       QStringLiteral("connectionDock"), Qt::LeftDockWidgetArea);
    // The local hub is the offline counterpart of the connection: the next tab.
    m_localHub = new LocalHubPanel(this);
    QDockWidget *localHub = addPanel(m_localHub, tr("Local hub"), QStringLiteral("localHubDock"),
                                     Qt::LeftDockWidgetArea);
    for (QDockWidget *tab : {mapping, config, connection, localHub})
        tabifyDockWidget(m_inputsDock, tab);
    m_inputsDock->raise();
    m_logDock
        = addPanel(m_log, tr("Request log"), QStringLiteral("logDock"), Qt::BottomDockWidgetArea);
    // Evaluate on a dataset (app/panels/gallery): the window's callback, mapping and config. Its
    // gallery wants room like the preview, so it is a centre tab, not a dock beside the log.
    auto *evaluate = new EvalPanel([this] { return m_controller->runtime(); },
                                   [this] {
                                       return EvalSetup{
                                           m_callback->spec(), m_mapping->categorySchema(),
                                           m_config->isEmpty()
                                               ? std::nullopt
                                               : std::optional<QString>(m_config->configJson())};
                                   });
    // A live project's assets: the same API host and key the label set is loaded with.
    evaluate->setProjectAccess([this] {
        return ProjectAccess{m_connection->profile().apiHost, m_run->source().apiKey};
    });
    m_centre->addTab(evaluate, tr("Evaluate"));

    // Runtime counters; long state names elide instead of widening the window.
    auto *status = new ElidedLabel(this, 1);
    status->setPreferredChars(64);
    status->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel = status;
    statusBar()->addPermanentWidget(m_statusLabel);
}

// The default share of the window: the left column and the log as small as their work allows,
// the rest to the preview (at least half of the window at 1280x800 and at 1920x1080).
void MainWindow::applyDefaultSizes()
{
    const QSize window = size();
    const int side = std::clamp(window.width() * 24 / 100, 300, 440);
    const int log = std::clamp(window.height() * 42 / 100 - 160, 150, 300);
    resizeDocks({m_runDock}, {side}, Qt::Horizontal);
    resizeDocks({m_logDock}, {log}, Qt::Vertical);
    const int runHeight = m_run->sizeHint().height() + 24;
    resizeDocks({m_runDock, m_inputsDock}, {runHeight, window.height() - runHeight}, Qt::Vertical);
}

void MainWindow::resetLayout()
{
    restoreState(m_defaultState, kLayoutVersion);
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        dock->setFloating(false);
    applyDefaultSizes();
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (m_sized)
        return;
    m_sized = true;
    if (!m_layoutRestored)
        applyDefaultSizes();
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *openImage = file->addAction(tr("&Open image…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Image"), QString(), tr("Images (*.png *.jpg *.jpeg *.bmp *.webp)"));
        if (!path.isEmpty()) {
            m_run->setLocalFile(path);
            m_preview->loadImageFile(path);
        }
    });
    openImage->setShortcut(QKeySequence::Open);
    file->addAction(m_log->exportAllAction());
    file->addAction(m_log->exportSelectedAction());
    QAction *exportProfileAction = file->addAction(tr("Export &profile…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export profile"), m_connection->profile().name + QStringLiteral(".json"),
            tr("Profiles (*.json)"));
        if (path.isEmpty())
            return;
        if (auto saved = exportProfile(path); !saved)
            QMessageBox::warning(this, tr("Export profile"), saved.error().message);
        else
            statusBar()->showMessage(tr("Profile written to %1 (the secret is not in it: the "
                                        "runner reads ANGO_PLUGIN_SECRET)")
                                         .arg(path),
                                     10000);
    });
    exportProfileAction->setToolTip(
        tr("Save this setup for `ango-console run --profile FILE`: hosts, plugin id, callback, "
           "mapping, configJSON and review policy; never the secret."));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *runMenu = menuBar()->addMenu(tr("&Run"));
    QAction *runAction = runMenu->addAction(tr("&Run callback"), this, &MainWindow::startRun);
    runAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+Return")));
    runMenu->addAction(tr("&Cancel run"), QKeySequence(Qt::Key_Escape), this,
                       [this] { m_launcher->cancel(); });
    runMenu->addSeparator();
    m_reviewPolicy = new QActionGroup(this);
    QAction *autoDeliver = runMenu->addAction(tr("Deliver results at once (auto)"));
    QAction *hold = runMenu->addAction(tr("Hold results for review (hold)"));
    for (QAction *a : {autoDeliver, hold}) {
        a->setCheckable(true);
        m_reviewPolicy->addAction(a);
    }
    const bool holding = m_settings.value(QStringLiteral("review/hold"), false).toBool();
    (holding ? hold : autoDeliver)->setChecked(true);
    m_controller->setReviewPolicy(holding ? runtime::ReviewPolicy::Hold
                                          : runtime::ReviewPolicy::Auto);
    connect(hold, &QAction::toggled, this, [this](bool on) {
        m_settings.setValue(QStringLiteral("review/hold"), on);
        m_controller->setReviewPolicy(on ? runtime::ReviewPolicy::Hold
                                         : runtime::ReviewPolicy::Auto);
    });
    runMenu->addAction(m_log->replayAction());
    QAction *replayCurrent = runMenu->addAction(tr("Replay with current &settings"), this, [this] {
        if (const auto recorded = m_log->replayablePayload())
            replay(*recorded, true);
    });
    replayCurrent->setObjectName(QStringLiteral("replayWithCurrentSettings"));
    replayCurrent->setToolTip(tr("Run the selected request again with the current class mapping "
                                 "and configJSON instead of the recorded ones"));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    QAction *reset = view->addAction(tr("Reset layout"), this, &MainWindow::resetLayout);
    reset->setObjectName(QStringLiteral("resetLayoutAction"));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(this, tr("Ango Plugin Console"),
                           tr("<b>Ango Plugin Console</b> %1<br>Debug, run and review iMerit Ango "
                              "Hub model plugins.")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::wireController()
{
    connect(m_controller, &ConsoleController::logged, m_log, &LogPanel::append);
    m_log->timelineModel()->setRunRegistry(m_controller->runs());
    connect(m_controller->runs(), &runtime::RunRegistry::runChanged, this,
            [this](quint64 id, const runtime::RunStage &stage) {
                if (stage.stage != runtime::RequestStage::Held || id != m_controller->localRunId())
                    return;
                m_run->setBusy(false);
                m_run->setOutcome(tr("Held for review: approve or discard it in Review"), true);
            });
    connect(m_controller, &ConsoleController::statusChanged, this,
            [this](const runtime::RuntimeStatus &status) {
                m_connection->setStatus(status);
                m_statusLabel->setText(tr("%1 · received %2 · delivered %3 · failed %4 · held %5")
                                           .arg(runtime::connectionStateName(status.state))
                                           .arg(status.received)
                                           .arg(status.delivered)
                                           .arg(status.failed)
                                           .arg(status.pending));
            });
    m_presenter = new RunPresenter(m_preview, m_mapping, m_run, this);
    connect(m_presenter, &RunPresenter::runShown, this, &MainWindow::runShown);
    connect(m_presenter, &RunPresenter::hubResultShown, this, &MainWindow::hubResultShown);
    connect(m_presenter, &RunPresenter::localHubResultShown, this,
            &MainWindow::localHubResultShown);
    connect(m_presenter, &RunPresenter::noticed, statusBar(), &QStatusBar::showMessage);
    connect(m_controller, &ConsoleController::localRunFinished, m_presenter,
            &RunPresenter::showLocalOutcome);
    connect(m_controller, &ConsoleController::localRunCancelled, m_presenter,
            [this](quint64, const QString &reason) { m_presenter->showLocalCancelled(reason); });
    connect(m_controller, &ConsoleController::resultReady, this,
            [this](const runtime::RequestResult &result) {
                if (result.local)
                    return; // local runs come through localRunFinished
                m_launcher->loadImageOf(result.request);
                if (m_controller->reviewPolicy() == runtime::ReviewPolicy::Auto)
                    m_centre->setCurrentWidget(m_preview);
                m_presenter->showHubResult(result);
            });
    connect(m_controller, &ConsoleController::callbackChanged, m_callback,
            &CallbackPanel::setCallback);

    connect(m_connection, &ConnectionPanel::connectRequested, m_controller,
            &ConsoleController::connectToHub);
    connect(m_connection, &ConnectionPanel::disconnectRequested, m_controller,
            &ConsoleController::disconnectFromHub);
    connect(m_secrets, &SecretStore::keychainUnavailable, this, [this](const QString &reason) {
        m_connection->setNotice(tr("No system keychain (%1): secrets are kept for this session "
                                   "only and never written to disk.")
                                    .arg(reason));
    });
    connect(m_callback, &CallbackPanel::applyRequested, this,
            [this](const QString &spec, const QVariantMap &options) {
                auto made = m_controller->useCallback(spec, options);
                m_callback->setError(made ? QString() : made.error().message);
            });

    connect(m_run, &RunPanel::runRequested, this, &MainWindow::startRun);
    connect(m_run, &RunPanel::cancelRequested, m_launcher, &RunLauncher::cancel);
    connect(m_config, &ConfigEditor::validityChanged, this, &MainWindow::updateRunGate);
    connect(m_config, &ConfigEditor::configJsonChanged, this, [this](const QString &text) {
        m_settings.setValue(QStringLiteral("config/text"), text);
    });
    connect(m_mapping, &ClassMappingPanel::categorySchemaChanged, this, &MainWindow::showClasses);
    // A label set loaded later brings the labels' titles and colours.
    connect(m_mapping->model(), &QAbstractItemModel::dataChanged, this, &MainWindow::showClasses);
    connect(m_mapping->model(), &QAbstractItemModel::modelReset, this, &MainWindow::showClasses);
    connect(m_mapping, &ClassMappingPanel::labelSetRequested, this, &MainWindow::loadLabelSet);
    connect(m_log, &LogPanel::replayRequested, this,
            [this](const json &recorded) { replay(recorded, false); });

    wireLocalHub();

    auto *feed = new ReviewFeed(m_review, m_controller, this);
    connect(feed, &ReviewFeed::noticed, this,
            [this](const QString &message) { statusBar()->showMessage(message, 15000); });
    connect(feed, &ReviewFeed::resultsWaiting, this,
            [this] { m_centre->setCurrentWidget(m_review); });
    connect(m_review, &ReviewPanel::pendingCountChanged, this, [this](int count) {
        m_centre->setTabText(1, count ? tr("Review (%1)").arg(count) : tr("Review"));
    });
}

// Replay re-sends the run's recorded request exactly (the log only has it with the apiKey
// masked); with current settings, the window's mapping and configJSON replace the recorded ones.
void MainWindow::replay(const json &logged, bool withCurrentSettings)
{
    const auto runs = m_controller->runs()->runsOfSession(runtime::textField(logged, "session"));
    const quint64 original = runs.isEmpty() ? 0 : runs.constFirst()->id;
    json request = original ? runs.constFirst()->request : m_controller->withKnownApiKey(logged);
    if (!request.is_object())
        return;
    if (withCurrentSettings) {
        request["categorySchema"] = m_mapping->categorySchema();
        if (m_config->isEmpty())
            request.erase("configJSON");
        else
            request["configJSON"] = m_config->configJson().toStdString();
    }
    m_launcher->loadImageOf(request);
    m_run->setBusy(true);
    if (!original) { // from an earlier session of the console: what the log kept
        m_controller->runLocal(request);
        return;
    }
    const auto started = withCurrentSettings ? m_controller->replay(original, request)
                                             : m_controller->replay(original);
    if (!started) {
        m_run->setBusy(false);
        m_run->setOutcome(started.error().message, false);
    }
}

void MainWindow::updateRunGate()
{
    m_run->setRunBlocked(m_config->isValid()
                             ? QString()
                             : tr("configJSON is invalid: %1").arg(m_config->validationMessage()));
}

void MainWindow::showClasses()
{
    const QList<ClassInfo> classes = classesOfMapping(
        m_mapping->categorySchema(), labelToolsToJson(m_mapping->model()->labelTools()));
    m_preview->setClasses(classes);
    m_review->setClasses(classes);
}

RunSettings MainWindow::runSettings() const
{
    return {m_mapping->categorySchema(), m_config->isEmpty() ? QString() : m_config->configJson(),
            m_mapping->projectId(), m_connection->profile().apiHost};
}

void MainWindow::startRun()
{
    if (!m_config->isValid()) {
        m_run->setOutcome(tr("configJSON is invalid: %1").arg(m_config->validationMessage()),
                          false);
        Q_EMIT runShown(false);
        return;
    }
    m_launcher->start(m_run->source(), runSettings());
}

void MainWindow::wireLauncher()
{
    connect(m_launcher, &RunLauncher::lookUpStarted, this, [this] {
        m_run->setBusy(true);
        m_run->setOutcome(tr("Looking up the asset…"), true);
        m_preview->clear();
    });
    connect(m_launcher, &RunLauncher::lookUpFailed, this, [this](const QString &message) {
        m_run->setBusy(false);
        m_run->setOutcome(tr("Asset look-up failed, the run did not start: %1").arg(message),
                          false);
        Q_EMIT runShown(false);
    });
    connect(m_launcher, &RunLauncher::lookUpCancelled, this, [this] {
        m_run->setBusy(false);
        m_run->setOutcome(tr("Run cancelled (while looking up the asset)"), false);
        Q_EMIT runShown(false);
    });
    connect(m_launcher, &RunLauncher::runStarted, this, [this] {
        m_run->setBusy(true);
        m_run->setOutcome(tr("Running…"), true);
        m_preview->setAnswer(json::object());
    });
    connect(m_launcher, &RunLauncher::imageFileChosen, m_preview, &PreviewPanel::loadImageFile);
    connect(m_launcher, &RunLauncher::imageFetched, m_preview, &PreviewPanel::loadImageData);
    connect(m_launcher, &RunLauncher::imageFailed, this, [this](const QString &message) {
        m_preview->setImage(QImage());
        statusBar()->showMessage(tr("Asset image not loaded: %1").arg(message), 15000);
    });
}

Result<void> MainWindow::exportProfile(const QString &path) const
{
    const ConnectionProfile connection = m_connection->profile();
    const ConsoleSetup setup{connection,
                             m_controller->callbackSpec(),
                             m_callback->options(),
                             m_mapping->categorySchema(),
                             m_config->configJson(),
                             m_controller->reviewPolicy()};
    return profile::saveFile(path, profileFromSetup(setup));
}

void MainWindow::wireLocalHub()
{
    connect(m_localHub, &LocalHubPanel::logged, m_log, &LogPanel::append);
    // Runs sent to the author's script carry what the console's mapping and config say.
    m_localHub->setCategorySchema(m_mapping->categorySchema());
    connect(m_mapping, &ClassMappingPanel::categorySchemaChanged, this,
            [this] { m_localHub->setCategorySchema(m_mapping->categorySchema()); });
    m_localHub->setConfigJson(m_config->configJson());
    connect(m_config, &ConfigEditor::configJsonChanged, m_localHub, &LocalHubPanel::setConfigJson);
    connect(m_localHub, &LocalHubPanel::runStarted, this,
            [this](const QString &, const QString &imagePath, const json &categorySchema) {
                m_localHubSchema = categorySchema;
                m_launcher->supersedeImage(); // an earlier fetch must not replace this image
                m_preview->loadImageFile(imagePath);
                m_preview->setAnswer(json::object());
                m_centre->setCurrentWidget(m_preview);
            });
    connect(m_localHub, &LocalHubPanel::runFinished, this, [this](const hub::RunOutcome &outcome) {
        m_presenter->showLocalHubOutcome(outcome, m_localHubSchema);
    });
}

void MainWindow::loadLabelSet(const QString &projectId)
{
    const QString apiKey = m_run->source().apiKey;
    if (projectId.isEmpty() || apiKey.isEmpty()) {
        m_mapping->setLabelSetError(tr(
            "Enter the project ID here and your API key in the Run panel to load the label set"));
        return;
    }
    const QUrl apiHost = m_connection->profile().apiHost;
    QPointer<ClassMappingPanel> mapping(m_mapping);
    m_controller->fetchProject(
        apiHost, apiKey, projectId, [mapping, projectId](Result<json> project) {
            if (!mapping || mapping->projectId() != projectId)
                return; // another project is shown by now
            if (!project) {
                mapping->setLabelSetError(
                    tr("project %1: %2").arg(projectId, project.error().message));
                return;
            }
            const json schema
                = project->is_object() ? project->value("categorySchema", json()) : json();
            const json tools = schema.is_object() ? schema.value("tools", json()) : json();
            auto parsed = labelToolsFromJson(tools.is_array() ? tools : json::array());
            if (!parsed) {
                mapping->setLabelSetError(
                    tr("project %1: %2").arg(projectId, parsed.error().message));
                return;
            }
            mapping->setLabelTools(*parsed);
        });
}

void MainWindow::prepareSandbox(bool force)
{
    if (!force && m_settings.value(QStringLiteral("sandbox/prepared"), false).toBool()) {
        // A relaunch shows the image the Run panel still has chosen, as the window was left.
        if (const RunSource source = m_run->source();
            source.kind == RunSource::Kind::LocalFile && QFileInfo::exists(source.filePath))
            m_preview->loadImageFile(source.filePath);
        return;
    }
    m_settings.setValue(QStringLiteral("sandbox/prepared"), true);
    auto mapping = sandbox::sampleMapping();
    if (!mapping) {
        m_run->setOutcome(mapping.error().message, false);
        return;
    }
    QList<ClassMapping> classes;
    for (const json &entry : mapping->categorySchema)
        classes.push_back(
            {runtime::textField(entry, "modelClass"), runtime::textField(entry, "schemaId")});
    m_mapping->setProjectId(QStringLiteral("sandbox"));
    if (auto tools = labelToolsFromJson(mapping->labelSet.value("tools", json::array())))
        m_mapping->setLabelTools(*tools);
    m_mapping->model()->setMappings(classes);
    if (m_config->isEmpty() || force)
        m_config->setConfigJson(QStringLiteral("{\n  \"threshold\": 0.5\n}"));
    m_run->setLocalFile(sandbox::sampleImagePath());
    m_preview->loadImageFile(sandbox::sampleImagePath());
    m_callback->selectSample();
    if (auto made = m_controller->useCallback(m_callback->spec(), m_callback->options()); !made)
        m_callback->setError(made.error().message);
    showClasses();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    m_settings.setValue(QStringLiteral("window/state"), saveState(kLayoutVersion));
    QMainWindow::closeEvent(event);
}

} // namespace ango::app
