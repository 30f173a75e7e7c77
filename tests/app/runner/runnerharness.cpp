#include "runcommand.h"

// `ango-console run` without the GUI half of ango_app: the same runHeadless(), for running the
// runner's end-to-end test while the GUI does not build (ANGO_CONSOLE=<this binary>).
int main(int argc, char *argv[])
{
    return runHeadless(argc, argv);
}
