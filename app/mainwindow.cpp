#include "mainwindow.h"

#include "annotation/annotation.h"
#include "console/consolecontroller.h"
#include "console/setupprofile.h"
#include "logging/logentry.h"
#include "panels/callback/callbackpanel.h"
#include "panels/common/elidedlabel.h"
#include "panels/config/configeditor.h"
#include "panels/connection/connectionpanel.h"
#include "panels/connection/connectionprofile.h"
#include "panels/localhub/localhubpanel.h"
#include "panels/log/logpanel.h"
#include "panels/mapping/classmappingmodel.h"
#include "panels/mapping/classmappingpanel.h"
#include "panels/mapping/mappingstore.h"
#include "panels/preview/classpalette.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewscene.h"
#include "panels/review/reviewpanel.h"
#include "panels/run/runpanel.h"
#include "profile/profilefile.h"
#include "rest/restclient.h"
#include "runtime/pluginruntime.h"
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
    buildPanels();
    m_connection->setSecretsSessionOnly(secretStorage == SecretStorage::SessionOnly);
    buildMenus();
    wireController();

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
                       &MainWindow::cancelRun);
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
    connect(m_controller, &ConsoleController::localRunFinished, this,
            &MainWindow::showLocalOutcome);
    connect(m_controller, &ConsoleController::localRunCancelled, this,
            &MainWindow::showLocalCancelled);
    connect(m_controller, &ConsoleController::resultReady, this, &MainWindow::showHubResult);
    connect(m_controller, &ConsoleController::pendingChanged, this, &MainWindow::refreshPending);
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

    connect(m_run, &RunPanel::runRequested, this,
            [this](const RunSource &source) { runOn(source, json()); });
    connect(m_run, &RunPanel::cancelRequested, this, &MainWindow::cancelRun);
    connect(m_config, &ConfigEditor::validityChanged, this, &MainWindow::updateRunGate);
    connect(m_config, &ConfigEditor::configJsonChanged, this, [this](const QString &text) {
        m_settings.setValue(QStringLiteral("config/text"), text);
    });
    connect(m_mapping, &ClassMappingPanel::categorySchemaChanged, this, &MainWindow::showClasses);
    // A label set loaded later brings the labels' titles and colours.
    connect(m_mapping->model(), &QAbstractItemModel::dataChanged, this, &MainWindow::showClasses);
    connect(m_mapping->model(), &QAbstractItemModel::modelReset, this, &MainWindow::showClasses);
    connect(m_mapping, &ClassMappingPanel::labelSetRequested, this, &MainWindow::loadLabelSet);
    connect(m_log, &LogPanel::replayRequested, this, [this](const json &recorded) {
        // The log keeps the apiKey masked; the callback gets the real one when the console has it.
        const json payload = m_controller->withKnownApiKey(recorded);
        showAssetOf(payload);
        m_run->setBusy(true);
        m_controller->runLocal(payload);
    });

    wireLocalHub();

    m_review->setValidator([this](const json &edited) { return revalidate(edited); });
    connect(m_review, &ReviewPanel::imageFailed, this,
            [this](const QString &id, const QString &message) {
                statusBar()->showMessage(
                    tr("Image of held result %1 not shown: %2").arg(id, message), 15000);
            });
    connect(m_review, &ReviewPanel::approveRequested, this, &MainWindow::approvePending);
    connect(m_review, &ReviewPanel::discardRequested, this, [this](const QString &id) {
        if (auto discarded = m_controller->runtime()->discard(id); !discarded)
            statusBar()->showMessage(discarded.error().message, 10000);
    });
    connect(m_review, &ReviewPanel::pendingCountChanged, this, [this](int count) {
        m_centre->setTabText(1, count ? tr("Review (%1)").arg(count) : tr("Review"));
    });
}

void MainWindow::updateRunGate()
{
    m_run->setRunBlocked(m_config->isValid()
                             ? QString()
                             : tr("configJSON is invalid: %1").arg(m_config->validationMessage()));
}

// The preview speaks the mapping: classes named by their model class and label, in the colour
// of the mapping panel's swatch (the label set's colour).
QList<ClassInfo> MainWindow::previewClasses(const json &categorySchema) const
{
    return classesOfMapping(categorySchema, labelToolsToJson(m_mapping->model()->labelTools()));
}

void MainWindow::showClasses()
{
    const QList<ClassInfo> classes = previewClasses(m_mapping->categorySchema());
    m_preview->setClasses(classes);
    m_review->setClasses(classes);
}

json MainWindow::buildPayload(const RunSource &source, const QString &assetUrl) const
{
    // Exactly the keys the hub sends (ango-protocol.md §2.1); configJSON is the editor's text.
    json payload = {
        {"projectId",
         (source.projectId.isEmpty() ? m_mapping->projectId() : source.projectId).toStdString()},
        {"categorySchema", m_mapping->categorySchema()},
        {"assetId", (source.assetId.isEmpty() ? source.externalId : source.assetId).toStdString()},
        {"dataURL", assetUrl.toStdString()},
        {"apiKey", source.apiKey.toStdString()},
        {"orgId", "local"},
        {"runBy", "ango-console"},
        {"session", QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString()},
        {"batches", json::array()},
        {"workflow", false},
    };
    if (!m_config->isEmpty())
        payload["configJSON"] = m_config->configJson().toStdString();
    return payload;
}

void MainWindow::startRun()
{
    runOn(m_run->source(), json());
}

void MainWindow::runOn(const RunSource &source, const json &)
{
    if (!m_config->isValid()) {
        m_run->setOutcome(tr("configJSON is invalid: %1").arg(m_config->validationMessage()),
                          false);
        Q_EMIT runShown(false);
        return;
    }
    if (source.kind == RunSource::Kind::ProjectAsset) {
        lookUpAndRun(source);
        return;
    }
    m_runImagePath = source.filePath;
    m_preview->loadImageFile(source.filePath);
    const QString url
        = source.filePath.startsWith(QLatin1Char(':'))
              ? QStringLiteral("qrc") + source.filePath
              : QUrl::fromLocalFile(QFileInfo(source.filePath).absoluteFilePath()).toString();
    m_run->setBusy(true);
    m_preview->setAnswer(json::object());
    m_controller->runLocal(buildPayload(source, url));
}

// A project asset is run as the hub runs it: the callback gets the asset's file URL and ids in
// the payload, so the asset is looked up first (with the key typed in the Run panel, on the API
// host of the Connection panel). A failed look-up starts no run.
void MainWindow::lookUpAndRun(const RunSource &source)
{
    const QUrl apiHost = m_connection->profile().apiHost;
    rest::AssetQuery query;
    query.projectId = source.projectId;
    query.assetId = source.assetId;
    query.externalId = source.externalId;
    const quint64 lookUp = m_lookUp = ++m_lookUps;
    m_run->setBusy(true);
    m_run->setOutcome(tr("Looking up the asset…"), true);
    m_preview->clear();
    m_controller->lookUpAsset(apiHost, source.apiKey, query,
                              [this, lookUp, source, apiHost](Result<json> asset) {
                                  if (lookUp != m_lookUp)
                                      return; // cancelled, or a newer run started
                                  m_lookUp = 0;
                                  if (!asset) {
                                      failLookUp(asset.error().message);
                                      return;
                                  }
                                  runLookedUpAsset(source, apiHost, *asset);
                              });
}

void MainWindow::runLookedUpAsset(const RunSource &source, const QUrl &apiHost, const json &asset)
{
    auto text = [&asset](const char *key) {
        const auto it = asset.is_object() ? asset.find(key) : asset.end();
        return it != asset.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                    : QString();
    };
    const QString dataUrl = text("data");
    if (dataUrl.isEmpty()) {
        failLookUp(tr("the asset has no file URL (\"data\")"));
        return;
    }
    json payload = buildPayload(source, dataUrl);
    const QString assetId = text("_id");
    payload["assetId"] = (assetId.isEmpty() ? source.assetId : assetId).toStdString();
    if (const QString externalId = text("externalId"); !externalId.isEmpty())
        payload["externalId"] = externalId.toStdString();
    m_runImagePath.clear();
    m_run->setOutcome(tr("Running…"), true);
    showAssetOf(payload, apiHost);
    m_controller->runLocal(payload);
}

void MainWindow::failLookUp(const QString &message)
{
    m_run->setBusy(false);
    m_run->setOutcome(tr("Asset look-up failed, the run did not start: %1").arg(message), false);
    Q_EMIT runShown(false);
}

void MainWindow::cancelRun()
{
    if (m_lookUp == 0) {
        m_controller->cancelLocalRun();
        return;
    }
    m_lookUp = 0; // its answer is dropped when it comes
    m_run->setBusy(false);
    m_run->setOutcome(tr("Run cancelled (while looking up the asset)"), false);
    Q_EMIT runShown(false);
}

void MainWindow::showLocalOutcome(const runtime::LocalRunResult &outcome)
{
    m_run->setBusy(false);
    if (!outcome.error.isEmpty()) {
        m_run->setOutcome(tr("Run failed: %1").arg(outcome.error), false);
        Q_EMIT runShown(false);
        return;
    }
    showAnswer(outcome.answer ? outcome.answer->toJson() : json::object(), outcome.problems,
               m_mapping->categorySchema());
    const int objects = m_preview->scene()->objectCount();
    m_run->setOutcome(tr("%n object(s) in %1 ms, %2 problem(s)", nullptr, objects)
                          .arg(outcome.durationMs)
                          .arg(outcome.problems.size()),
                      true);
    Q_EMIT runShown(true);
}

void MainWindow::showLocalCancelled(quint64 requestId, const QString &reason)
{
    Q_UNUSED(requestId)
    m_run->setBusy(false);
    m_run->setOutcome(tr("Run cancelled (%1)").arg(reason), false);
    Q_EMIT runShown(false);
}

void MainWindow::showAnswer(const json &answer, const std::vector<annotation::Problem> &problems,
                            const json &categorySchema)
{
    const QList<ClassInfo> classes = previewClasses(categorySchema);
    m_preview->setClasses(classes);
    m_preview->setAnswer(answer);
    m_preview->setProblems(problems);

    QStringList returned;
    for (const json &object : answer.value("objects", json::array()))
        if (object.contains("modelClass") && object["modelClass"].is_string())
            returned << QString::fromStdString(object["modelClass"].get<std::string>());
    returned.removeDuplicates();
    m_mapping->setReturnedClasses(returned);
}

// Runs users start on the hub: shown like a local run, over the asset the request names.
void MainWindow::showHubResult(const runtime::RequestResult &result)
{
    if (result.local)
        return; // local runs come through localRunFinished
    showAssetOf(result.request);
    showAnswer(result.answer.toJson(), result.problems,
               result.request.value("categorySchema", json()));
    if (m_controller->reviewPolicy() == runtime::ReviewPolicy::Auto)
        m_centre->setCurrentWidget(m_preview);
    statusBar()->showMessage(
        tr("Hub run %1: %n object(s), %2 problem(s)", nullptr, m_preview->scene()->objectCount())
            .arg(result.session)
            .arg(result.problems.size()),
        10000);
    Q_EMIT hubResultShown(result.session);
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
                m_runImagePath = imagePath;
                ++m_assetTicket; // an earlier fetch must not replace this image
                m_preview->loadImageFile(imagePath);
                m_preview->setAnswer(json::object());
                m_centre->setCurrentWidget(m_preview);
            });
    connect(m_localHub, &LocalHubPanel::runFinished, this, &MainWindow::showLocalHubOutcome);
}

// What the author's script answered the local hub: read, checked and drawn like any other run.
void MainWindow::showLocalHubOutcome(const hub::RunOutcome &outcome)
{
    if (!outcome.ok) {
        statusBar()->showMessage(
            tr("Local hub run %1 failed: %2").arg(outcome.session, outcome.error), 15000);
        Q_EMIT localHubResultShown(outcome.session, false);
        return;
    }
    // A workflow run's annotate body wraps the answer; an interactive response is the result.
    const json result
        = outcome.workflow ? outcome.result.value("answer", json::object()) : outcome.result;
    const auto answer = annotation::normalize(result);
    if (!answer) {
        statusBar()->showMessage(tr("Local hub run %1 returned an invalid result: %2")
                                     .arg(outcome.session, answer.error().message),
                                 15000);
        Q_EMIT localHubResultShown(outcome.session, false);
        return;
    }
    annotation::ValidationContext context{m_localHubSchema, {}};
    if (const QSize size = m_preview->scene()->imageSize(); !size.isEmpty())
        context.imageSize = size;
    const auto problems = annotation::validate(*answer, context);
    showAnswer(answer->toJson(), problems, m_localHubSchema);
    statusBar()->showMessage(
        tr("Local hub run %1: %n object(s), %2 problem(s)", nullptr, int(answer->objects.size()))
            .arg(outcome.session)
            .arg(problems.size()),
        10000);
    Q_EMIT localHubResultShown(outcome.session, true);
}

void MainWindow::showAssetOf(const json &payload, const QUrl &apiHost)
{
    const quint64 ticket = ++m_assetTicket;
    const QString dataUrl = QString::fromStdString(payload.value("dataURL", std::string()));
    if (dataUrl.startsWith(QStringLiteral("qrc:"))) {
        m_preview->loadImageFile(dataUrl.mid(3));
        return;
    }
    if (const QUrl url(dataUrl); url.isLocalFile()) {
        m_preview->loadImageFile(url.toLocalFile());
        return;
    }
    m_controller->fetchAssetImage(
        payload,
        [this, ticket](Result<QByteArray> bytes) {
            if (ticket != m_assetTicket)
                return; // a later run's image is on its way
            if (!bytes) {
                m_preview->setImage(QImage());
                statusBar()->showMessage(
                    tr("Asset image not loaded: %1").arg(bytes.error().message), 15000);
                return;
            }
            m_preview->loadImageData(*bytes);
        },
        apiHost);
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

void MainWindow::approvePending(const QString &id, const json &edited)
{
    runtime::PluginRuntime *rt = m_controller->runtime();
    // Unchanged: the callback's own result goes out, exactly as it returned it.
    bool unchanged = false;
    for (const runtime::PendingResult &p : rt->pendingResults()) {
        if (p.id == id) {
            const auto normalised = annotation::normalize(p.result);
            unchanged = normalised && normalised->toJson() == edited;
            break;
        }
    }
    const Result<void> approved = unchanged ? rt->approve(id) : rt->approveEdited(id, edited);
    if (!approved)
        statusBar()->showMessage(approved.error().message, 10000);
}

// Edits in the review panel are checked as the runtime checked the original: against the
// request's categorySchema and the image on screen.
std::vector<annotation::Problem> MainWindow::revalidate(const json &edited) const
{
    const auto normalised = annotation::normalize(edited);
    if (!normalised)
        return {annotation::Problem{"", normalised.error().message, annotation::Severity::Error}};
    annotation::ValidationContext context;
    const QString id = m_review->currentId();
    for (const runtime::PendingResult &p : m_controller->runtime()->pendingResults()) {
        if (p.id == id) {
            context.categorySchema = p.request.value("categorySchema", json());
            break;
        }
    }
    if (const QSize size = m_review->preview()->scene()->imageSize(); !size.isEmpty())
        context.imageSize = size;
    return annotation::validate(*normalised, context);
}

void MainWindow::refreshPending()
{
    runtime::PluginRuntime *rt = m_controller->runtime();
    const QList<runtime::PendingResult> pending = rt->pendingResults();
    QStringList live;
    for (const runtime::PendingResult &p : pending) {
        live << p.id;
        if (m_review->pendingIds().contains(p.id))
            continue;
        PendingReview review;
        review.id = p.id;
        auto answer = annotation::normalize(p.result);
        review.answer = answer ? answer->toJson() : p.result;
        review.title = p.session;
        if (answer)
            review.problems = annotation::validate(
                *answer,
                annotation::ValidationContext{p.request.value("categorySchema", json()), {}});
        m_review->enqueue(std::move(review));
        const QString id = p.id;
        QPointer<ReviewPanel> panel(m_review);
        // Decoded off the GUI thread by the panel.
        m_controller->fetchAssetImage(m_controller->withKnownApiKey(p.request),
                                      [panel, id](Result<QByteArray> bytes) {
                                          if (panel && bytes)
                                              panel->setImageData(id, std::move(*bytes));
                                      });
    }
    for (const QString &id : m_review->pendingIds())
        if (!live.contains(id))
            m_review->withdraw(id);
    if (!pending.isEmpty())
        m_centre->setCurrentWidget(m_review);
}

void MainWindow::prepareSandbox(bool force)
{
    if (!force && m_settings.value(QStringLiteral("sandbox/prepared"), false).toBool())
        return;
    m_settings.setValue(QStringLiteral("sandbox/prepared"), true);
    auto mapping = sandbox::sampleMapping();
    if (!mapping) {
        m_run->setOutcome(mapping.error().message, false);
        return;
    }
    QList<ClassMapping> classes;
    for (const json &entry : mapping->categorySchema)
        classes.push_back({QString::fromStdString(entry.value("modelClass", std::string())),
                           QString::fromStdString(entry.value("schemaId", std::string()))});
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
