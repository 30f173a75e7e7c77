#pragma once

// The console window: what `ango-console` does with no subcommand. Creates the QApplication,
// reads the window's flags (cli/consoleflags.h), shows the window and runs the event loop
// (sandbox demo, screenshot and the startup probe included). When the window system cannot be
// reached it prints one line saying how to run headless and returns 1 instead of aborting.
namespace ango::app {

int runConsole(int argc, char **argv);

} // namespace ango::app
