#include "cli/dispatch.h"
#include "consolemain.h"
#include "eval/evalcommand.h"
#include "hub/hubcommand.h"
#include "runner/runcommand.h"

#include <array>

// ango-console's entry: a thin dispatcher. Subcommands run headless on their own
// QCoreApplication (no display, no QT_QPA_PLATFORM needed), as do --help and --version; with no
// subcommand the console window starts. A new subcommand is one line in this table.
namespace {

constexpr std::array kSubcommands{
    ango::cli::Subcommand{"run", "the headless runner: serves hub requests with a callback",
                          runHeadless},
    ango::cli::Subcommand{"hub", "a local stand-in for the hub: one run for plugin CI (--once)",
                          runHubCommand},
    ango::cli::Subcommand{"eval", "measure a plugin on a dataset: batch run, COCO metrics, a CI gate",
                          runEvalCommand},
};

} // namespace

int main(int argc, char *argv[])
{
    return ango::cli::dispatch(argc, argv, kSubcommands, ango::app::runConsole);
}
