#include "consolemenus.h"

#include "consolecontroller.h"
#include "panels/log/logpanel.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace ango::app {

namespace {

const QString kHoldKey = QStringLiteral("review/hold");

} // namespace

ConsoleMenus::ConsoleMenus(QMainWindow *window, QSettings &settings, ConsoleController *controller,
                           LogPanel *log, MenuCommands commands)
    : QObject(window)
    , m_window(window)
    , m_settings(settings)
    , m_controller(controller)
    , m_log(log)
    , m_commands(std::move(commands))
{
    buildFileMenu();
    buildRunMenu();
    buildViewMenu();
    buildHelpMenu();
}

void ConsoleMenus::buildFileMenu()
{
    QMenu *file = m_window->menuBar()->addMenu(tr("&File"));
    QAction *openImage = file->addAction(tr("&Open image…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            m_window, tr("Image"), QString(), tr("Images (*.png *.jpg *.jpeg *.bmp *.webp)"));
        if (!path.isEmpty())
            m_commands.openImage(path);
    });
    openImage->setShortcut(QKeySequence::Open);
    file->addAction(m_log->exportAllAction());
    file->addAction(m_log->exportSelectedAction());
    QAction *exportProfileAction
        = file->addAction(tr("Export &profile…"), this, &ConsoleMenus::exportProfile);
    exportProfileAction->setToolTip(
        tr("Save this setup for `ango-console run --profile FILE`: hosts, plugin id, callback, "
           "mapping, configJSON and review policy; never the secret."));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, m_window, &QWidget::close);
}

void ConsoleMenus::exportProfile()
{
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export profile"), m_commands.profileName() + QStringLiteral(".json"),
        tr("Profiles (*.json)"));
    if (path.isEmpty())
        return;
    if (const QString error = m_commands.exportProfile(path); !error.isEmpty())
        QMessageBox::warning(m_window, tr("Export profile"), error);
    else
        m_window->statusBar()->showMessage(tr("Profile written to %1 (the secret is not in it: "
                                              "the runner reads ANGO_PLUGIN_SECRET)")
                                               .arg(path),
                                           10000);
}

void ConsoleMenus::buildRunMenu()
{
    QMenu *runMenu = m_window->menuBar()->addMenu(tr("&Run"));
    QAction *runAction
        = runMenu->addAction(tr("&Run callback"), this, [this] { m_commands.run(); });
    runAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+Return")));
    runMenu->addAction(tr("&Cancel run"), QKeySequence(Qt::Key_Escape), this,
                       [this] { m_commands.cancelRun(); });
    runMenu->addSeparator();
    auto *policy = new QActionGroup(this);
    QAction *autoDeliver = runMenu->addAction(tr("Deliver results at once (auto)"));
    QAction *hold = runMenu->addAction(tr("Hold results for review (hold)"));
    for (QAction *action : {autoDeliver, hold}) {
        action->setCheckable(true);
        policy->addAction(action);
    }
    const bool holding = m_settings.value(kHoldKey, false).toBool();
    (holding ? hold : autoDeliver)->setChecked(true);
    m_controller->setReviewPolicy(holding ? runtime::ReviewPolicy::Hold
                                          : runtime::ReviewPolicy::Auto);
    connect(hold, &QAction::toggled, this, [this](bool on) {
        m_settings.setValue(kHoldKey, on);
        m_controller->setReviewPolicy(on ? runtime::ReviewPolicy::Hold
                                         : runtime::ReviewPolicy::Auto);
    });
    runMenu->addAction(m_log->replayAction());
    QAction *replayCurrent = runMenu->addAction(tr("Replay with current &settings"), this,
                                                [this] { m_commands.replayWithCurrentSettings(); });
    replayCurrent->setObjectName(QStringLiteral("replayWithCurrentSettings"));
    // Both replays need a replayable request picked in the log.
    QAction *replay = m_log->replayAction();
    replayCurrent->setEnabled(replay->isEnabled());
    connect(replay, &QAction::changed, replayCurrent,
            [replay, replayCurrent] { replayCurrent->setEnabled(replay->isEnabled()); });
    replayCurrent->setToolTip(tr("Run the selected request again with the current class mapping "
                                 "and configJSON instead of the recorded ones"));
}

void ConsoleMenus::buildViewMenu()
{
    QMenu *view = m_window->menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : m_window->findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());
    view->addSeparator();
    QAction *reset
        = view->addAction(tr("Reset layout"), this, [this] { m_commands.resetLayout(); });
    reset->setObjectName(QStringLiteral("resetLayoutAction"));
}

void ConsoleMenus::buildHelpMenu()
{
    QMenu *help = m_window->menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(m_window, tr("Ango Plugin Console"),
                           tr("<b>Ango Plugin Console</b> %1<br>Debug, run and review iMerit Ango "
                              "Hub model plugins.")
                               .arg(QApplication::applicationVersion()));
    });
}

} // namespace ango::app
