// Startup benchmark: wall time from starting the process to its window being exposed, for
// `ango-console --exit-when-shown` (its first-launch sandbox included) and for a bare
// QMainWindow started by this same program (`--bare`): the peer is Qt itself, measured the same
// way in the same run. Prints each run, the medians and the ratio.
//   bench_startup [--runs N]   (QT_QPA_PLATFORM=offscreen, or under xvfb-run)

#include <QApplication>
#include <QElapsedTimer>
#include <QMainWindow>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QWindow>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

int runBare(int argc, char **argv)
{
    QApplication app(argc, argv);
    QMainWindow window;
    window.resize(1440, 900);
    window.show();
    QWindow *handle = window.windowHandle();
    QTimer poll; // the bare window needs no probe class: exposure is checked each turn
    QObject::connect(&poll, &QTimer::timeout, &app, [&] {
        if (handle->isExposed()) {
            std::printf("shown\n");
            std::fflush(stdout);
            app.exit(0);
        }
    });
    poll.start(0);
    return app.exec();
}

// Wall milliseconds until the child prints "shown"; -1 when it fails.
double timeToShown(const QString &program, const QStringList &arguments,
                   const QProcessEnvironment &environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    QElapsedTimer clock;
    clock.start();
    process.start(program, arguments);
    // A benchmark driver, not product code: blocking waits keep it short.
    while (process.waitForReadyRead(10000)) {
        if (process.readAllStandardOutput().contains("shown"))
            break;
    }
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    process.waitForFinished(10000);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        std::fprintf(stderr, "%s failed: %s\n", qPrintable(program),
                     process.readAllStandardError().constData());
        return -1;
    }
    return ms;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    if (argc > 1 && std::strcmp(argv[1], "--bare") == 0)
        return runBare(argc, argv);
    int runs = 7;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--runs") == 0)
            runs = std::max(1, std::atoi(argv[i + 1]));

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!environment.contains(QStringLiteral("QT_QPA_PLATFORM")))
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    std::vector<double> console;
    std::vector<double> bare;
    for (int i = 0; i < runs; ++i) {
        // A fresh settings folder each time: the first launch, sandbox set-up included.
        QTemporaryDir home;
        QProcessEnvironment env = environment;
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        const double ours = timeToShown(QStringLiteral(ANGO_CONSOLE_PATH),
                                        {QStringLiteral("--exit-when-shown")}, env);
        const double peer
            = timeToShown(QString::fromLocal8Bit(argv[0]), {QStringLiteral("--bare")}, env);
        if (ours < 0 || peer < 0)
            return 1;
        console.push_back(ours);
        bare.push_back(peer);
        std::printf("run %d: ango-console %.1f ms, bare QMainWindow %.1f ms\n", i + 1, ours, peer);
    }
    const double ours = median(console);
    const double peer = median(bare);
    std::printf("\nstartup to window shown, median of %d first launches:\n", runs);
    std::printf("  ango-console   %7.1f ms (limit 1000 ms)\n", ours);
    std::printf("  bare Qt window %7.1f ms\n", peer);
    std::printf("  ratio ango-console / bare = %.2fx\n", ours / peer);
    return ours < 1000 ? 0 : 2;
}
