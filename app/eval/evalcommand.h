#pragma once

// `ango-console eval ...`: runs a callback over a dataset and measures it (evaloptions.h lists
// the flags). main() calls it when argv[1] is "eval", before any QApplication exists; it creates
// its own QCoreApplication and returns the exit code: 0 done, 1 below --min-map, 2 bad flags or
// an unreadable dataset.
int runEvalCommand(int argc, char **argv);
