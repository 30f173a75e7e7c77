#pragma once

// `ango-console run ...`: the headless runner. main() calls it when argv[1] is "run", before any
// QApplication exists; it creates its own QCoreApplication and returns the process exit code
// (0 after a clean stop, 2 for bad flags, 1 for a start-up failure).
int runHeadless(int argc, char **argv);
