#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <span>

// main()'s dispatch, headless: a subcommand runs on its own QCoreApplication; --help and
// --version are answered without any window system; only with no subcommand does the console
// window start, and only when there is a display to show it on.
namespace ango::cli {

using EntryPoint = int (*)(int argc, char **argv);

struct Subcommand
{
    const char *name;    // argv[1]
    const char *summary; // one line for `ango-console --help`
    EntryPoint run;      // gets argc/argv as main() got them; returns the exit code
};

// Exit codes: a subcommand's own; 0 for --help/--version; 2 for an unknown subcommand; 1 when the
// window is wanted and there is no display.
int dispatch(int argc, char **argv, std::span<const Subcommand> subcommands, EntryPoint console);

// Why the window could not be shown here, or empty: on X11/Wayland systems neither DISPLAY nor
// WAYLAND_DISPLAY is set and no platform is chosen (QT_QPA_PLATFORM or -platform).
QString missingDisplay(const QStringList &arguments, const QProcessEnvironment &environment);

// The one line printed when the window cannot be shown: the reason and how to run headless.
QString noDisplayMessage(const QString &reason);

} // namespace ango::cli
