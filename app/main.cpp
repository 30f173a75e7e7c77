#include "callbacks/adapters/adapters.h"
#include "console/consolecontroller.h"
#include "eval/evalcommand.h"
#include "hub/hubcommand.h"
#include "mainwindow.h"
#include "panels/log/logmodel.h"
#include "panels/log/logpanel.h"
#include "panels/preview/previewpanel.h"
#include "runner/runcommand.h"
#include "sandbox/samplemodel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <QWindow>

#include <cstdio>
#include <cstring>
#include <functional>

namespace {

void describeApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("ango-console"));
    QCoreApplication::setApplicationName(QStringLiteral("Ango Plugin Console"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ANGO_VERSION));
}

// Wayland compositors and task bars find the window's icon and name through the .desktop file.
void describeDesktopEntry()
{
    QGuiApplication::setDesktopFileName(QStringLiteral("ango-console"));
}

void registerCallbackKinds()
{
    ango::callbacks::adapters::registerAdapterKinds();
    ango::app::sandbox::registerSampleModel();
}

class ExposeProbe final : public QObject
{
public:
    ExposeProbe(std::function<void()> onExposed, QWindow *window)
        : QObject(window)
        , m_window(window)
        , m_onExposed(std::move(onExposed))
    {}

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Expose && m_window->isExposed() && m_onExposed)
            QTimer::singleShot(0, qApp, std::exchange(m_onExposed, {}));
        return QObject::eventFilter(watched, event);
    }

private:
    QWindow *m_window;
    std::function<void()> m_onExposed;
};

// --sandbox-demo --screenshot FILE: one sandbox run, then a PNG of the window once the image and
// the overlays are on screen. Settings go to a throw-away folder so the user's stay untouched.
void scheduleScreenshot(ango::app::MainWindow &window, const QString &file)
{
    struct Progress
    {
        bool image = false;
        bool run = false;
        bool ok = true;
    };
    auto progress = std::make_shared<Progress>();
    if (qEnvironmentVariableIsSet("ANGO_DEMO_DEBUG"))
        QObject::connect(window.controller(), &ango::app::ConsoleController::logged, &window,
                         [](const ango::logging::LogEntry &e) {
                             std::fprintf(stderr, "%s\n", qPrintable(ango::logging::formatText(e)));
                         });
    auto finishIfReady = [&window, file, progress] {
        if (!progress->image || !progress->run)
            return;
        if (!progress->ok) {
            std::fprintf(stderr, "sandbox run failed; no screenshot\n");
            QCoreApplication::exit(1);
            return;
        }
        // The log inserts in batches: store what is pending, let the view lay the rows out on the
        // next turn of the event loop, then take the picture.
        window.logPanel()->model()->flush();
        QTimer::singleShot(0, &window, [&window, file] {
            const bool saved = window.grab().save(file, "PNG");
            if (!saved)
                std::fprintf(stderr, "cannot write %s\n", qPrintable(file));
            QCoreApplication::exit(saved ? 0 : 1);
        });
    };
    QObject::connect(window.preview(), &ango::app::PreviewPanel::imageLoaded, &window,
                     [progress, finishIfReady] {
                         progress->image = true;
                         finishIfReady();
                     });
    QObject::connect(window.preview(), &ango::app::PreviewPanel::imageLoadFailed, &window,
                     [progress, finishIfReady] {
                         progress->image = true;
                         progress->ok = false;
                         finishIfReady();
                     });
    QObject::connect(&window, &ango::app::MainWindow::runShown, &window,
                     [progress, finishIfReady](bool ok) {
                         progress->run = true;
                         progress->ok = progress->ok && ok;
                         finishIfReady();
                     });
    QTimer::singleShot(60000, &window, [] {
        std::fprintf(stderr, "sandbox demo did not finish within 60 s\n");
        QCoreApplication::exit(1);
    });
}

// The window counts as shown when the platform says it is exposed (it is painted then).
void exitOnceExposed(QWidget &window)
{
    QWindow *handle = window.windowHandle();
    auto report = [] {
        std::printf("shown\n");
        std::fflush(stdout);
        QCoreApplication::exit(0);
    };
    if (handle->isExposed()) {
        QTimer::singleShot(0, qApp, report);
        return;
    }
    auto *probe = new ExposeProbe(std::move(report), handle);
    handle->installEventFilter(probe);
}

int runGui(int argc, char **argv)
{
    QApplication app(argc, argv);
    describeApplication();
    describeDesktopEntry();
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Developer console for iMerit Ango Hub model plugins.\n"
                       "Subcommands: run (headless runner), see `ango-console run --help`."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption sandboxDemo(
        QStringLiteral("sandbox-demo"),
        QStringLiteral("Start the offline sandbox and run it once."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("With --sandbox-demo: save a PNG of the window "
                       "once the overlays are drawn, then exit."),
        QStringLiteral("FILE"));
    const QCommandLineOption exitWhenShown(
        QStringLiteral("exit-when-shown"),
        QStringLiteral("Print \"shown\" once the window is on screen, then exit (startup "
                       "benchmark)."));
    parser.addOptions({sandboxDemo, screenshot, exitWhenShown});
    parser.process(app);

    std::unique_ptr<QTemporaryDir> demoSettings;
    if (parser.isSet(sandboxDemo)) {
        demoSettings = std::make_unique<QTemporaryDir>();
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, demoSettings->path());
    }
    registerCallbackKinds();

    ango::app::MainWindow window(nullptr, parser.isSet(sandboxDemo)
                                              ? ango::app::MainWindow::SecretStorage::SessionOnly
                                              : ango::app::MainWindow::SecretStorage::Keychain);
    window.prepareSandbox(parser.isSet(sandboxDemo));
    if (parser.isSet(sandboxDemo)) {
        window.resize(1600, 1000);
        if (parser.isSet(screenshot))
            scheduleScreenshot(window, parser.value(screenshot));
        QTimer::singleShot(0, &window, &ango::app::MainWindow::startRun);
    }
    window.show();
    if (parser.isSet(exitWhenShown))
        exitOnceExposed(window);
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    // Subcommands run headless: no QApplication, no display needed.
    if (argc > 1 && std::strcmp(argv[1], "run") == 0)
        return runHeadless(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "hub") == 0)
        return runHubCommand(argc, argv);
    // `eval`: batch run + metrics against ground truth (app/eval/).
    if (argc > 1 && std::strcmp(argv[1], "eval") == 0)
        return runEvalCommand(argc, argv);
    return runGui(argc, argv);
}
