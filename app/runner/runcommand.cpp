#include "runcommand.h"

#include "callbacks/callbackfactory.h"
#include "cli/output.h"
#if __has_include("callbacks/adapters/adapters.h")
#include "callbacks/adapters/adapters.h"
#define ANGO_HAVE_CALLBACK_ADAPTERS 1
#endif
#include "logprinter.h"
#include "runoptions.h"
#include "runtime/pluginruntime.h"
#include "signalwatcher.h"

#include <QCoreApplication>
#include <QTimer>

#include <csignal>
#include <cstdio>

namespace {

constexpr int kExitBadUsage = 2;
constexpr int kExitStartFailure = 1;
constexpr int kExitForced = 130;

void printError(const QString &message)
{
    ango::cli::printError("run", message);
}

} // namespace

int runHeadless(int argc, char **argv)
{
    // Qt's own UNIX event dispatcher instead of the GLib one: the runner needs no GLib
    // integration, and in the benchmark the GLib loop added a few-millisecond tail to a
    // fraction of the requests. Set before the application object exists; the user may override.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("ango-console"));
    QCoreApplication::setApplicationName(QStringLiteral("Ango Plugin Console"));
#ifdef ANGO_VERSION
    QCoreApplication::setApplicationVersion(QStringLiteral(ANGO_VERSION));
#endif

    QStringList arguments = QCoreApplication::arguments();
    arguments.removeFirst(); // the program
    if (!arguments.isEmpty() && arguments.constFirst() == QLatin1String("run"))
        arguments.removeFirst();

    auto parsed = ango::app::parseRunArguments(arguments, QProcessEnvironment::systemEnvironment());
    if (!parsed) {
        printError(parsed.error().message);
        return kExitBadUsage;
    }
    const ango::app::RunOptions options = std::move(parsed.value());
    if (options.help) {
        const QByteArray usage = ango::app::runUsage().toUtf8();
        std::fwrite(usage.constData(), 1, size_t(usage.size()), stdout);
        return 0;
    }

#ifdef ANGO_HAVE_CALLBACK_ADAPTERS
    ango::callbacks::adapters::registerAdapterKinds();
#endif
    // Adapters with worker processes get as many workers as runs may overlap, unless the profile
    // says otherwise.
    QVariantMap callbackOptions{
        {QStringLiteral("concurrency"), options.callbackWorkers > 0
                                            ? options.callbackWorkers
                                            : options.runtime.interactiveConcurrency},
        {QStringLiteral("apiHost"), options.runtime.apiHost.toString()},
        {QStringLiteral("maxResultBytes"), options.maxResultBytes},
    };
    if (!options.callbackInterpreter.isEmpty())
        callbackOptions.insert(QStringLiteral("interpreter"), options.callbackInterpreter);
    auto callback = ango::callbacks::createCallback(options.callbackSpec, callbackOptions);
    if (!callback) {
        printError(options.callbackSource + QStringLiteral(": ") + callback.error().message);
        return kExitBadUsage;
    }
    std::unique_ptr<ango::callbacks::Callback> callbackObject = std::move(callback.value());

    // A closed stdout (the supervisor went away) must not kill us with SIGPIPE mid-delivery.
    std::signal(SIGPIPE, SIG_IGN);

    const ango::app::LogPrinter printer(options.logFormat, options.logLevel);
    ango::runtime::PluginRuntime runtime(options.runtime, callbackObject.get());
    QObject::connect(&runtime, &ango::runtime::PluginRuntime::logged, &runtime,
                     [&printer](const auto &entry) { printer.print(entry); });
    QObject::connect(&runtime, &ango::runtime::PluginRuntime::stopped, &app,
                     [] { QCoreApplication::exit(0); });

    ango::app::SignalWatcher signalWatcher;
    if (!signalWatcher.isValid()) {
        printError(QStringLiteral("cannot watch SIGINT/SIGTERM"));
        return kExitStartFailure;
    }
    QObject::connect(&signalWatcher, &ango::app::SignalWatcher::terminationRequested, &runtime,
                     [&](int, int count) {
                         if (count == 1) {
                             runtime.stop(options.drainBound);
                             return;
                         }
                         printError(
                             QStringLiteral("second termination signal: exiting without waiting"));
                         QCoreApplication::exit(kExitForced);
                     });

    QTimer::singleShot(0, &runtime, [&runtime] { runtime.start(); });
    const int code = QCoreApplication::exec();
    return code;
}
