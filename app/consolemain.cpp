#include "consolemain.h"

#include "callbacks/adapters/adapters.h"
#include "cli/consoleflags.h"
#include "cli/dispatch.h"
#include "console/consolecontroller.h"
#include "console/docklayout.h"
#include "mainwindow.h"
#include "panels/log/logmodel.h"
#include "panels/log/logpanel.h"
#include "panels/preview/previewpanel.h"
#include "sandbox/samplemodel.h"
#include "sandbox/screenshotset.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <QWindow>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>

namespace ango::app {

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
    sandbox::registerSampleModel();
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
void scheduleScreenshot(MainWindow &window, const QString &file)
{
    struct Progress
    {
        bool image = false;
        bool run = false;
        bool ok = true;
    };
    auto progress = std::make_shared<Progress>();
    if (qEnvironmentVariableIsSet("ANGO_DEMO_DEBUG"))
        QObject::connect(window.controller(), &ConsoleController::logged, &window,
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
    QObject::connect(window.preview(), &PreviewPanel::imageLoaded, &window,
                     [progress, finishIfReady] {
                         progress->image = true;
                         finishIfReady();
                     });
    QObject::connect(window.preview(), &PreviewPanel::imageLoadFailed, &window,
                     [progress, finishIfReady] {
                         progress->image = true;
                         progress->ok = false;
                         finishIfReady();
                     });
    QObject::connect(&window, &MainWindow::runShown, &window, [progress, finishIfReady](bool ok) {
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

// Qt aborts (qFatal) when the platform plugin cannot reach the window system, e.g. DISPLAY names
// a server that is not there. While the QApplication is being built, messages are held back; a
// fatal one becomes the one-line "how to run headless" message and exit code 1; otherwise the
// held messages go to the previous handler as they would have.
class PlatformFailureTrap
{
public:
    PlatformFailureTrap() { s_previous = qInstallMessageHandler(&PlatformFailureTrap::handle); }
    ~PlatformFailureTrap()
    {
        qInstallMessageHandler(s_previous);
        for (const Held &held : std::as_const(s_held))
            if (s_previous)
                s_previous(held.type, QMessageLogContext(), held.text);
            else
                qt_message_output(held.type, QMessageLogContext(), held.text);
        s_held.clear();
    }
    Q_DISABLE_COPY_MOVE(PlatformFailureTrap)

private:
    struct Held
    {
        QtMsgType type;
        QString text;
    };

    static void handle(QtMsgType type, const QMessageLogContext &, const QString &text)
    {
        if (type != QtFatalMsg) {
            s_held.append({type, text});
            return;
        }
        // The platform plugin's own warning says what failed ("could not connect to display
        // :99"); the fatal text only that no plugin could be initialised.
        QString reason = text.section(QLatin1Char('\n'), 0, 0);
        for (const Held &held : std::as_const(s_held))
            if (held.text.contains(QLatin1String("display"), Qt::CaseInsensitive))
                reason = held.text;
        const QByteArray line = ango::cli::noDisplayMessage(reason).toUtf8() + '\n';
        std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
        std::fflush(stderr);
        std::_Exit(1);
    }

    static inline QtMessageHandler s_previous = nullptr;
    static inline QList<Held> s_held;
};

} // namespace

int runConsole(int argc, char **argv)
{
    std::unique_ptr<QApplication> application;
    {
        const PlatformFailureTrap trap;
        application = std::make_unique<QApplication>(argc, argv);
    }
    describeApplication();
    describeDesktopEntry();
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Developer console for iMerit Ango Hub model plugins."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(ango::cli::consoleOptions());
    parser.process(*application);
    const ango::cli::ConsoleFlags flags = ango::cli::readConsoleFlags(parser);

    std::unique_ptr<QTemporaryDir> demoSettings;
    if (flags.sandboxDemo) {
        demoSettings = std::make_unique<QTemporaryDir>();
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, demoSettings->path());
    }
    registerCallbackKinds();

    MainWindow window(nullptr, flags.sandboxDemo ? MainWindow::SecretStorage::SessionOnly
                                                 : MainWindow::SecretStorage::Keychain);
    window.prepareSandbox(flags.sandboxDemo);
    if (flags.sandboxDemo) {
        window.resize(DockLayout::onScreen(&window, {1600, 1000}));
        if (!flags.screenshotSet.isEmpty()) {
            auto *set = new ScreenshotSet(window, flags.screenshotSet);
            QTimer::singleShot(0, set, &ScreenshotSet::start);
        } else {
            if (!flags.screenshot.isEmpty())
                scheduleScreenshot(window, flags.screenshot);
            QTimer::singleShot(0, &window, &MainWindow::startRun);
        }
    }
    window.show();
    if (flags.exitWhenShown)
        exitOnceExposed(window);
    return QApplication::exec();
}

} // namespace ango::app
