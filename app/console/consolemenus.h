#pragma once

#include <QObject>
#include <QString>

#include <functional>

class QAction;
class QActionGroup;
class QMainWindow;
class QSettings;

namespace ango::app {

class ConsoleController;
class LogPanel;

// What the menus do; the window supplies each as a call on its panels.
struct MenuCommands
{
    std::function<void(const QString &path)> openImage;
    std::function<QString()> profileName; // the file name Export profile proposes
    std::function<QString(const QString &path)> exportProfile; // an error message, or empty
    std::function<void()> run;
    std::function<void()> cancelRun;
    std::function<void()> replayWithCurrentSettings;
    std::function<void()> resetLayout;
};

// The console's menu bar: File, Run (with the review policy, kept in the settings and handed to
// the controller), View (every dock, Reset layout) and Help.
class ConsoleMenus final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleMenus)

public:
    ConsoleMenus(QMainWindow *window, QSettings &settings, ConsoleController *controller,
                 LogPanel *log, MenuCommands commands);

private:
    void buildFileMenu();
    void buildRunMenu();
    void buildViewMenu();
    void buildHelpMenu();
    void exportProfile();

    QMainWindow *m_window;
    QSettings &m_settings;
    ConsoleController *m_controller;
    LogPanel *m_log;
    MenuCommands m_commands;
};

} // namespace ango::app
