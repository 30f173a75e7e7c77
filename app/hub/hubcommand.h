#pragma once

// `ango-console hub ...`: the headless local hub for scripts and CI. main() calls it when argv[1]
// is "hub", before any QApplication exists; it creates its own QCoreApplication and returns the
// process exit code: 0 with the plugin's result on stdout, 1 on timeout, refusal or a plugin
// error (the reason on stderr), 2 for bad flags.
int runHubCommand(int argc, char **argv);
