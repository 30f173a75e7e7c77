#include "hub/hubcommand.h"

// Stands in for `ango-console hub` while main() does not dispatch to the hub yet: the same
// runHubCommand(), so the tests exercise the real command.
int main(int argc, char **argv)
{
    return runHubCommand(argc, argv);
}
