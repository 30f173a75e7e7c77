#include "eval/evalcommand.h"

// The same runEvalCommand() as `ango-console eval`, without linking the GUI into the test.
int main(int argc, char **argv)
{
    return runEvalCommand(argc, argv);
}
