#include "screenshotset.h"

#include "console/consolecontroller.h"
#include "hub/localhub.h"
#include "hub/socketsession.h"
#include "mainwindow.h"
#include "panels/config/configeditor.h"
#include "panels/localhub/localhubpanel.h"
#include "panels/localhub/scriptcontrols.h"
#include "panels/localhub/scriptlauncher.h"
#include "panels/log/logfiltermodel.h"
#include "panels/log/logmodel.h"
#include "panels/log/logpanel.h"
#include "panels/log/logview.h"
#include "panels/mapping/classmapping.h"
#include "panels/mapping/classmappingmodel.h"
#include "panels/mapping/classmappingpanel.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewview.h"
#include "panels/review/reviewpanel.h"
#include "panels/review/reviewsession.h"
#include "panels/run/runpanel.h"
#include "sandbox/samplemodel.h"

#include <QAction>
#include <QCoreApplication>
#include <QDockWidget>
#include <QFile>
#include <QFutureWatcher>
#include <QImage>
#include <QPainter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <cstdio>
#include <memory>

namespace ango::app {

namespace {

using json = nlohmann::json;

// Every run of the set finishes within seconds; this bounds a set that hangs.
constexpr int kSetTimeoutMs = 180000;

void raiseDock(MainWindow &window, const char *name)
{
    if (auto *dock = window.findChild<QDockWidget *>(QLatin1String(name))) {
        dock->show();
        dock->raise();
    }
}

QList<ClassMapping> mappingsOf(const json &categorySchema)
{
    QList<ClassMapping> classes;
    for (const json &entry : categorySchema)
        if (entry.is_object())
            classes.push_back({QString::fromStdString(entry.value("modelClass", std::string())),
                               QString::fromStdString(entry.value("schemaId", std::string()))});
    return classes;
}

// The huge picture: the sample image tiled over 12,000x8,000 px, so the sample model's boxes
// (in the sample's coordinates) land on the first tile. Written with little compression: the
// point is the decode in the console, not the file size.
QString writeHugeImage(const QString &path)
{
    QImage sample(sandbox::sampleImagePath());
    if (sample.isNull())
        return QStringLiteral("cannot read the bundled sample image");
    QImage huge(ScreenshotSet::kHugeImage, QImage::Format_RGB888);
    if (huge.isNull())
        return QStringLiteral("cannot allocate a %1x%2 image")
            .arg(ScreenshotSet::kHugeImage.width())
            .arg(ScreenshotSet::kHugeImage.height());
    {
        QPainter painter(&huge);
        for (int y = 0; y < huge.height(); y += sample.height())
            for (int x = 0; x < huge.width(); x += sample.width())
                painter.drawImage(QPoint(x, y), sample);
    }
    if (!huge.save(path, "PNG", 90))
        return QStringLiteral("cannot write %1").arg(path);
    return {};
}

} // namespace

ScreenshotSet::ScreenshotSet(MainWindow &window, const QString &directory)
    : QObject(&window)
    , m_window(window)
    , m_directory(directory)
{
    m_steps = {[this] { shootMainPictures(); },      [this] { shootLogTimeline(); },
               [this] { shootMappingUnmapped(); },   [this] { shootConfigInvalid(); },
               [this] { shootLocalHubConnected(); }, [this] { shootHugeImage(); },
               [this] { shootReviewHeld(); }};
}

ScreenshotSet::~ScreenshotSet() = default;

QStringList ScreenshotSet::fileNames()
{
    return {QStringLiteral("main-1280x800.png"),  QStringLiteral("main-1920x1080.png"),
            QStringLiteral("log-timeline.png"),   QStringLiteral("mapping-unmapped.png"),
            QStringLiteral("config-invalid.png"), QStringLiteral("localhub-connected.png"),
            QStringLiteral("huge-image.png"),     QStringLiteral("review-held.png")};
}

void ScreenshotSet::start()
{
    if (!m_directory.mkpath(QStringLiteral("."))) {
        fail(m_directory.path(), QStringLiteral("cannot create the folder"));
        return;
    }
    if (!m_scratch.isValid()) {
        fail(m_directory.path(), QStringLiteral("no temporary folder for the huge image"));
        return;
    }
    QTimer::singleShot(kSetTimeoutMs, this, [this] {
        fail(fileNames().value(int(m_nextStep) - 1, QStringLiteral("the set")),
             QStringLiteral("not finished within %1 s").arg(kSetTimeoutMs / 1000));
    });
    next();
}

void ScreenshotSet::next()
{
    if (m_finished)
        return;
    if (m_nextStep == m_steps.size()) {
        m_finished = true;
        std::printf("wrote %lld pictures to %s\n", qlonglong(fileNames().size()),
                    qPrintable(m_directory.absolutePath()));
        std::fflush(stdout);
        QCoreApplication::exit(0);
        return;
    }
    // Each step starts on a fresh turn of the event loop, after what the last one triggered.
    QTimer::singleShot(0, this, m_steps[m_nextStep++]);
}

void ScreenshotSet::fail(const QString &picture, const QString &reason)
{
    if (m_finished)
        return;
    m_finished = true;
    std::fprintf(stderr, "screenshot set: %s: %s\n", qPrintable(picture), qPrintable(reason));
    std::fflush(stderr);
    QCoreApplication::exit(1);
}

void ScreenshotSet::shoot(const QString &file, QSize size)
{
    m_window.resize(size.isEmpty() ? smallWindow() : size);
    m_window.logPanel()->model()->flush();
    // Two turns: the first lays the resized docks out, the second paints what they now show.
    QTimer::singleShot(0, this, [this, file, size] {
        QTimer::singleShot(0, this, [this, file, size] {
            if (m_finished)
                return;
            const QPixmap picture = m_window.grab();
            if (!size.isEmpty() && picture.size() != size) {
                fail(file, QStringLiteral("the window is %1x%2, not %3x%4")
                               .arg(picture.width())
                               .arg(picture.height())
                               .arg(size.width())
                               .arg(size.height()));
                return;
            }
            // Screenshots go into the repository: the strongest PNG compression (quality 0).
            if (!picture.save(m_directory.filePath(file), "PNG", 0)) {
                fail(file, QStringLiteral("cannot write %1").arg(m_directory.filePath(file)));
                return;
            }
            next();
        });
    });
}

void ScreenshotSet::runThen(const QString &picture, Step then)
{
    struct Wait
    {
        bool image = false;
        bool run = false;
        QList<QMetaObject::Connection> connections;
    };
    auto wait = std::make_shared<Wait>();
    auto done = [this, wait, then] {
        if (!wait->image || !wait->run)
            return;
        for (const auto &c : std::as_const(wait->connections))
            disconnect(c);
        then();
    };
    auto failed = [this, wait, picture](const QString &reason) {
        for (const auto &c : std::as_const(wait->connections))
            disconnect(c);
        fail(picture, reason);
    };
    wait->connections << connect(m_window.preview(), &PreviewPanel::imageLoaded, this,
                                 [wait, done] {
                                     wait->image = true;
                                     done();
                                 })
                      << connect(m_window.preview(), &PreviewPanel::imageLoadFailed, this,
                                 [failed](const QString &reason) {
                                     failed(QStringLiteral("image not shown: ") + reason);
                                 })
                      << connect(&m_window, &MainWindow::runShown, this,
                                 [this, wait, done, failed](bool ok) {
                                     if (!ok) {
                                         failed(QStringLiteral("the sandbox run failed: ")
                                                + m_window.runPanel()->message());
                                         return;
                                     }
                                     wait->run = true;
                                     done();
                                 });
    m_window.startRun();
}

void ScreenshotSet::shootMainPictures()
{
    runThen(QStringLiteral("main-1280x800.png"), [this] {
        // The large picture shows what a window of that size gets by default (View ▸ Reset
        // layout): a resized window keeps its docks' sizes, as QMainWindow does.
        m_steps.insert(m_steps.begin() + qsizetype(m_nextStep), [this] {
            m_window.resize(largeWindow());
            QTimer::singleShot(0, this, [this] {
                if (auto *reset
                    = m_window.findChild<QAction *>(QStringLiteral("resetLayoutAction")))
                    reset->trigger();
                shoot(QStringLiteral("main-1920x1080.png"), largeWindow());
            });
        });
        shoot(QStringLiteral("main-1280x800.png"), smallWindow());
    });
}

// The log with the last run selected and its timeline (stages and their times) in the detail.
void ScreenshotSet::shootLogTimeline()
{
    LogPanel *log = m_window.logPanel();
    log->model()->flush();
    const int rows = log->filterModel()->rowCount();
    if (rows == 0) {
        fail(QStringLiteral("log-timeline.png"), QStringLiteral("the log is empty"));
        return;
    }
    log->view()->setCurrentIndex(log->filterModel()->index(rows - 1, 0));
    if (auto *tabs = log->findChild<QTabWidget *>())
        for (int i = 0; i < tabs->count(); ++i)
            if (tabs->tabText(i).contains(QLatin1String("Timeline")))
                tabs->setCurrentIndex(i);
    shoot(QStringLiteral("log-timeline.png"), largeWindow());
}

// The mapping misses the model's "sun": the run returns it unmapped and the panel marks it.
void ScreenshotSet::shootMappingUnmapped()
{
    ClassMappingPanel *mapping = m_window.mappingPanel();
    QList<ClassMapping> classes = mappingsOf(mapping->categorySchema());
    const QList<ClassMapping> full = classes;
    classes.removeIf([](const ClassMapping &c) { return c.modelClass == QLatin1String("sun"); });
    if (classes.size() == full.size()) {
        fail(QStringLiteral("mapping-unmapped.png"), QStringLiteral("no \"sun\" in the mapping"));
        return;
    }
    mapping->model()->setMappings(classes);
    raiseDock(m_window, "mappingDock");
    runThen(QStringLiteral("mapping-unmapped.png"), [this, full] {
        // The mapping is whole again for the next pictures once this one is taken.
        m_steps.insert(m_steps.begin() + qsizetype(m_nextStep), [this, full] {
            m_window.mappingPanel()->model()->setMappings(full);
            next();
        });
        shoot(QStringLiteral("mapping-unmapped.png"));
    });
}

void ScreenshotSet::shootConfigInvalid()
{
    ConfigEditor *config = m_window.configEditor();
    const QString valid = config->configJson();
    // A missing comma, as typed: the editor names its line and column.
    config->setConfigJson(
        QStringLiteral("{\n  \"threshold\": 0.5\n  \"classes\": [\"car\", \"boat\"]\n}"));
    if (config->isValid()) {
        fail(QStringLiteral("config-invalid.png"), QStringLiteral("the broken JSON was accepted"));
        return;
    }
    raiseDock(m_window, "configDock");
    m_steps.insert(m_steps.begin() + qsizetype(m_nextStep), [this, valid] {
        m_window.configEditor()->setConfigJson(valid);
        raiseDock(m_window, "callbackDock");
        next();
    });
    shoot(QStringLiteral("config-invalid.png"));
}

// Selects the newest log line whose message contains `text` and shows it in the Detail tab.
void ScreenshotSet::selectLogLine(const QString &text)
{
    LogPanel *log = m_window.logPanel();
    log->model()->flush();
    QAbstractItemModel *rows = log->filterModel();
    for (int row = rows->rowCount() - 1; row >= 0; --row) {
        const QModelIndex index = rows->index(row, LogModel::MessageColumn);
        if (!index.data().toString().contains(text))
            continue;
        log->view()->setCurrentIndex(index);
        log->view()->scrollTo(index);
        break;
    }
    if (auto *tabs = log->findChild<QTabWidget *>())
        for (int i = 0; i < tabs->count(); ++i)
            if (tabs->tabText(i).contains(QLatin1String("Detail")))
                tabs->setCurrentIndex(i);
}

// The sample model as an SDK-style script, started with the Launch button's path (the shim when
// python3 has no SDK), connected to the Local hub, and a run of it on screen.
void ScreenshotSet::shootLocalHubConnected()
{
    const QString picture = QStringLiteral("localhub-connected.png");
    const QString script = m_scratch.filePath(QStringLiteral("sample_plugin.py"));
    const QString image = m_scratch.filePath(QStringLiteral("sample.png"));
    for (const auto &[from, to] :
         {std::pair{QStringLiteral(":/sample/sample_plugin.py"), script},
          std::pair{QStringLiteral(":/sample/sample-answer.json"),
                    m_scratch.filePath(QStringLiteral("sample-answer.json"))},
          std::pair{sandbox::sampleImagePath(), image}}) {
        if (!QFile::exists(to) && !QFile::copy(from, to)) {
            fail(picture, QStringLiteral("cannot write %1").arg(to));
            return;
        }
    }
    LocalHubPanel *panel = m_window.localHubPanel();
    const QString pluginId = QStringLiteral("sandbox-sample");
    panel->setPluginId(pluginId);
    panel->setSecret(hub::randomId(24));
    panel->setScriptPath(script);
    panel->setAssetPath(image);
    panel->setWorkflow(false);
    raiseDock(m_window, "localHubDock");
    if (!panel->start()) {
        fail(picture, QStringLiteral("the local hub did not start"));
        return;
    }
    auto connections = std::make_shared<QList<QMetaObject::Connection>>();
    auto finish = [this, connections] {
        for (const auto &c : std::as_const(*connections))
            disconnect(c);
    };
    *connections
        << connect(panel->hub(), &hub::LocalHub::pluginChanged, this,
                   [this, panel, pluginId, picture, finish](const hub::ConnectedPlugin &) {
                       if (!panel->hub()->isLive(pluginId) || !panel->sessionInFlight().isEmpty())
                           return;
                       if (!panel->sendRun()) {
                           finish();
                           fail(picture, QStringLiteral("the run was not sent"));
                       }
                   })
        << connect(&m_window, &MainWindow::localHubResultShown, this,
                   [this, panel, picture, finish](const QString &, bool ok) {
                       finish();
                       if (!ok) {
                           fail(picture, QStringLiteral("the plugin's run failed"));
                           return;
                       }
                       // The hub and the script stop once the picture is taken; the status
                       // bar's word on this run must not caption the next pictures.
                       m_steps.insert(m_steps.begin() + qsizetype(m_nextStep), [this, panel] {
                           panel->stop();
                           m_window.statusBar()->clearMessage();
                           m_window.logPanel()->view()->setCurrentIndex(QModelIndex());
                           raiseDock(m_window, "callbackDock");
                           next();
                       });
                       selectLogLine(QStringLiteral("connected to"));
                       shoot(picture, largeWindow());
                   })
        << connect(panel->scriptControls()->launcher(), &ScriptLauncher::runningChanged, this,
                   [this, panel, picture, finish](bool running) {
                       if (running)
                           return;
                       finish();
                       fail(picture, QStringLiteral("the sample script ended: ")
                                         + panel->scriptControls()->launcher()->lastExit());
                   });
    if (!panel->scriptControls()->launch()) {
        finish();
        fail(picture, QStringLiteral("Launch did not start the sample script"));
    }
}

void ScreenshotSet::shootHugeImage()
{
    const QString path = m_scratch.filePath(QStringLiteral("huge-12000x8000.png"));
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        if (const QString error = watcher->result(); !error.isEmpty()) {
            fail(QStringLiteral("huge-image.png"), error);
            return;
        }
        m_window.runPanel()->setLocalFile(path);
        runThen(QStringLiteral("huge-image.png"), [this] {
            const QSize shown = m_window.preview()->scene()->imageSize();
            if (shown != kHugeImage) {
                fail(QStringLiteral("huge-image.png"), QStringLiteral("the preview reports %1x%2")
                                                           .arg(shown.width())
                                                           .arg(shown.height()));
                return;
            }
            shoot(QStringLiteral("huge-image.png"));
        });
    });
    watcher->setFuture(QtConcurrent::run(&writeHugeImage, path));
}

// Hold mode: the run waits in Review; one box is moved as a reviewer would.
void ScreenshotSet::shootReviewHeld()
{
    const QString picture = QStringLiteral("review-held.png");
    m_window.controller()->setReviewPolicy(runtime::ReviewPolicy::Hold);
    m_window.runPanel()->setLocalFile(sandbox::sampleImagePath());
    ReviewPanel *review = m_window.reviewPanel();
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(
        review, &ReviewPanel::pendingCountChanged, this,
        [this, review, connection, picture](int count) {
            if (count == 0)
                return;
            disconnect(*connection);
            const QString id = review->currentId();
            // The held request names the bundled image by its qrc: URL, which only the console
            // reads; hand the panel the picture the run was made on.
            review->setImage(id, QImage(sandbox::sampleImagePath()));
            const ReviewSession *session = review->currentSession();
            int slot = -1;
            for (int i = 0; session && i < session->slotCount() && slot < 0; ++i)
                if (session->object(i).contains("bounding-box"))
                    slot = i;
            if (slot < 0) {
                fail(picture, QStringLiteral("the held run has no bounding box to edit"));
                return;
            }
            const json &box = session->object(slot).at("bounding-box");
            const QRectF moved(box.value("x", 0.0) + 60, box.value("y", 0.0) + 40,
                               box.value("width", 0.0) + 80, box.value("height", 0.0) + 40);
            review->selectSlot(slot);
            if (!review->moveBox(slot, moved)) {
                fail(picture, QStringLiteral("the box edit was refused"));
                return;
            }
            if (auto *tabs = qobject_cast<QTabWidget *>(m_window.centre()))
                tabs->setCurrentWidget(review);
            review->preview()->view()->fitToContent(); // the whole image, the edited box on it
            shoot(picture);
        });
    m_window.startRun();
}

} // namespace ango::app
