#include "cli/consoleflags.h"

namespace ango::cli {

namespace {

const QString kSandboxDemo = QStringLiteral("sandbox-demo");
const QString kScreenshot = QStringLiteral("screenshot");
const QString kScreenshotSet = QStringLiteral("screenshot-set");
const QString kExitWhenShown = QStringLiteral("exit-when-shown");

} // namespace

QList<QCommandLineOption> consoleOptions()
{
    return {
        QCommandLineOption(kSandboxDemo,
                           QStringLiteral("Start the offline sandbox and run it once.")),
        QCommandLineOption(kScreenshot,
                           QStringLiteral("With --sandbox-demo: save a PNG of the window once the "
                                          "overlays are drawn, then exit."),
                           QStringLiteral("FILE")),
        QCommandLineOption(kScreenshotSet,
                           QStringLiteral("With --sandbox-demo: write the documentation's pictures "
                                          "(main-1280x800.png, main-1920x1080.png, ...) from "
                                          "sandbox runs into DIR, then exit."),
                           QStringLiteral("DIR")),
        QCommandLineOption(kExitWhenShown,
                           QStringLiteral("Print \"shown\" once the window is on screen, then exit "
                                          "(startup benchmark).")),
    };
}

ConsoleFlags readConsoleFlags(const QCommandLineParser &parser)
{
    ConsoleFlags flags;
    flags.sandboxDemo = parser.isSet(kSandboxDemo);
    flags.screenshot = parser.value(kScreenshot);
    flags.screenshotSet = parser.value(kScreenshotSet);
    flags.exitWhenShown = parser.isSet(kExitWhenShown);
    return flags;
}

} // namespace ango::cli
