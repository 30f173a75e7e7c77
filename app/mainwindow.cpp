#include "mainwindow.h"

#include "console/consolecontroller.h"
#include "console/consolemenus.h"
#include "console/docklayout.h"
#include "console/labelsetloader.h"
#include "console/replayer.h"
#include "console/runlauncher.h"
#include "console/runpresenter.h"
#include "console/sandboxsetup.h"
#include "console/setupprofile.h"
#include "logging/logentry.h"
#include "panels/callback/callbackpanel.h"
#include "panels/common/elidedlabel.h"
#include "panels/config/configeditor.h"
#include "panels/connection/connectionpanel.h"
#include "panels/connection/connectionprofile.h"
#include "panels/gallery/evalpanel.h"
#include "panels/gallery/evalpreviewlink.h"
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
#include "runtime/pluginruntime.h"
#include "settings/secretstore.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>

namespace ango::app {

namespace {

using json = nlohmann::json;

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

    m_layout = std::make_unique<DockLayout>(
        this, m_settings, DockLayout::Docks{m_runDock, m_inputsDock, m_logDock, m_run});
    m_layout->restoreSaved();

    applyCallback(m_callback->spec(), m_callback->options());
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
    QDockWidget *mapping
        = addPanel(m_mapping, tr("Mapping"), QStringLiteral("mappingDock"), Qt::LeftDockWidgetArea);
    QDockWidget *config
        = addPanel(m_config, tr("Config"), QStringLiteral("configDock"), Qt::LeftDockWidgetArea);
    QDockWidget *connection = addPanel(m_connection, tr("Hub"), QStringLiteral("connectionDock"),
                                       Qt::LeftDockWidgetArea);
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
    auto *evaluate = new EvalPanel(
        [this] { return m_controller->runtime(); },
        [this] {
            return EvalSetup{m_callback->spec(), m_mapping->categorySchema(),
                             m_config->isEmpty() ? std::nullopt
                                                 : std::optional<QString>(m_config->configJson())};
        });
    // A live project's assets: the same API host and key the label set is loaded with.
    evaluate->setProjectAccess([this] {
        return ProjectAccess{m_connection->profile().apiHost, m_run->source().apiKey};
    });
    m_centre->addTab(evaluate, tr("Evaluate"));
    // A gallery image opens in the preview with its TP/FP/missed marks (EvalOverlay).
    auto *evalPreview = new EvalPreviewLink(evaluate, m_preview, this);
    connect(evalPreview, &EvalPreviewLink::opened, this,
            [this] { m_centre->setCurrentWidget(m_preview); });

    // Runtime counters; long state names elide instead of widening the window.
    auto *status = new ElidedLabel(this, 1);
    status->setPreferredChars(64);
    status->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel = status;
    statusBar()->addPermanentWidget(m_statusLabel);
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    m_layout->firstShown();
}

void MainWindow::buildMenus()
{
    new ConsoleMenus(this, m_settings, m_controller, m_log,
                     MenuCommands{
                         .openImage =
                             [this](const QString &path) {
                                 m_run->setLocalFile(path);
                                 m_preview->loadImageFile(path);
                             },
                         .profileName = [this] { return m_connection->profile().name; },
                         .exportProfile =
                             [this](const QString &path) {
                                 const auto saved = exportProfile(path);
                                 return saved ? QString() : saved.error().message;
                             },
                         .run = [this] { startRun(); },
                         .cancelRun = [this] { m_launcher->cancel(); },
                         .replayWithCurrentSettings =
                             [this] {
                                 if (const auto recorded = m_log->replayablePayload())
                                     m_replayer->replay(*recorded, true);
                             },
                         .resetLayout = [this] { m_layout->reset(); },
                     });
}

void MainWindow::wireController()
{
    connect(m_controller, &ConsoleController::logged, m_log, &LogPanel::append);
    m_log->timelineModel()->setRunRegistry(m_controller->runs());
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
    connect(m_presenter, &RunPresenter::previewWanted, this,
            [this] { m_centre->setCurrentWidget(m_preview); });
    m_presenter->follow(m_controller, m_launcher);
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
    connect(m_callback, &CallbackPanel::applyRequested, this, &MainWindow::applyCallback);

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
    connect(m_mapping, &ClassMappingPanel::labelSetRequested, this,
            [this](const QString &projectId) {
                loadLabelSet(m_controller, m_mapping, m_connection->profile().apiHost,
                             m_run->source().apiKey, projectId);
            });
    m_replayer = new Replayer(
        m_controller, m_launcher, m_run,
        [this] {
            return CurrentRunSettings{m_mapping->categorySchema(),
                                      m_config->isEmpty()
                                          ? std::nullopt
                                          : std::optional(m_config->configJson().toStdString())};
        },
        this);
    connect(m_log, &LogPanel::replayRequested, this,
            [this](const json &recorded) { m_replayer->replay(recorded, false); });

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

void MainWindow::applyCallback(const QString &spec, const QVariantMap &options)
{
    auto made = m_controller->useCallback(spec, options);
    m_callback->setError(made ? QString() : made.error().message);
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
    // The Callback panel's python script is what Launch starts unless another is chosen.
    m_localHub->setCallbackSpec(m_callback->spec());
    connect(m_callback, &CallbackPanel::applyRequested, m_localHub,
            [this](const QString &spec) { m_localHub->setCallbackSpec(spec); });
    // Runs sent to the author's script carry what the console's mapping and config say.
    m_localHub->setCategorySchema(m_mapping->categorySchema());
    connect(m_mapping, &ClassMappingPanel::categorySchemaChanged, this,
            [this] { m_localHub->setCategorySchema(m_mapping->categorySchema()); });
    m_localHub->setConfigJson(m_config->configJson());
    connect(m_config, &ConfigEditor::configJsonChanged, m_localHub, &LocalHubPanel::setConfigJson);
    connect(m_localHub, &LocalHubPanel::runStarted, this,
            [this](const QString &, const QString &imagePath, const json &categorySchema) {
                m_localHubSchema = categorySchema;
                m_localHubImage = imagePath;
                m_launcher->supersedeImage(); // an earlier fetch must not replace this image
                m_preview->loadImageFile(imagePath);
                m_preview->setAnswer(json::object());
                m_centre->setCurrentWidget(m_preview);
            });
    // What the script answered waits in Review in hold mode, as every run does.
    connect(m_localHub, &LocalHubPanel::runFinished, this, [this](const hub::RunOutcome &outcome) {
        m_controller->reviewLocalHubOutcome(
            outcome, m_localHubImage, m_localHubSchema,
            [window = QPointer<MainWindow>(this),
             schema = m_localHubSchema](const hub::RunOutcome &shown) {
                if (window)
                    window->m_presenter->showLocalHubOutcome(shown, schema);
            });
    });
}

void MainWindow::prepareSandbox(bool force)
{
    if (ango::app::prepareSandbox(
            {m_settings, m_controller, m_callback, m_mapping, m_config, m_run, m_preview}, force))
        showClasses();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_layout->save();
    QMainWindow::closeEvent(event);
}

} // namespace ango::app
