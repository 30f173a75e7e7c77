#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>
#include <QString>

// The console window's own flags (`ango-console [flags]`, no subcommand). Declared apart from the
// window so that `ango-console --help` lists them headless; the window reads them once its
// QApplication has taken Qt's own arguments (-platform, -style, ...). A new window flag goes
// into consoleOptions() and ConsoleFlags, nowhere else.
namespace ango::cli {

struct ConsoleFlags
{
    bool sandboxDemo = false;
    QString screenshot;    // with sandboxDemo: the PNG to write, then exit
    QString screenshotSet; // with sandboxDemo: the folder for the picture set, then exit
    bool exitWhenShown = false;
};

QList<QCommandLineOption> consoleOptions();
ConsoleFlags readConsoleFlags(const QCommandLineParser &parser);

} // namespace ango::cli
