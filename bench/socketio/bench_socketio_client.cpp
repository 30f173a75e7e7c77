// emit→ack round trips on loopback: our client against the official Node socket.io-client, same
// Node socket.io server, same run. Prints round trips per second, p50 and p99 and the ratios.
//
//   bench_socketio_client [--count N] [--rounds R]

#include "peerprocess.h"
#include "socketio/client.h"
#include "testpaths.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

using namespace ango;

namespace {

struct Figures
{
    double rps = 0;
    double p50 = 0;
    double p99 = 0;
};

Figures summarise(std::vector<double> latenciesMs, double seconds)
{
    std::sort(latenciesMs.begin(), latenciesMs.end());
    if (qEnvironmentVariableIsSet("ANGO_BENCH_DEBUG"))
        for (double p : {0.5, 0.8, 0.9, 0.95, 0.97, 0.99, 0.999})
            std::fprintf(stderr, "p%g=%.3f ", p * 100, latenciesMs[size_t(p * latenciesMs.size())]);
    auto pct = [&](double p) {
        return latenciesMs[std::min(latenciesMs.size() - 1, size_t(p * latenciesMs.size()))];
    };
    return {double(latenciesMs.size()) / seconds, pct(0.5), pct(0.99)};
}

using Step = std::function<void(std::function<void()> next)>;

class Bench : public QObject
{
public:
    Bench(int count, int rounds)
        : m_count(count)
        , m_rounds(rounds)
    {}

    void start()
    {
        m_peer = test::startNodePeer();
        connect(m_peer.get(), &test::PeerProcess::ready, this, [this](int port) {
            m_url = QStringLiteral("http://127.0.0.1:%1").arg(port);
            for (int inFlight : {1, 64}) {
                for (int round = 0; round < m_rounds; ++round) {
                    m_steps.push_back([this, inFlight](auto next) { runNode(inFlight, next); });
                    m_steps.push_back([this, inFlight](auto next) { runOurs(inFlight, next); });
                }
            }
            nextStep();
        });
    }

private:
    void nextStep()
    {
        if (m_steps.empty())
            return report();
        Step step = std::move(m_steps.front());
        m_steps.pop_front();
        step([this] { QTimer::singleShot(0, this, [this] { nextStep(); }); });
    }

    void runNode(int inFlight, std::function<void()> next)
    {
        auto *process = new QProcess(this);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NODE_PATH"),
                   test::sourcePath(QStringLiteral("tests/peers/node/node_modules")));
        env.insert(QStringLiteral("URL"), m_url);
        env.insert(QStringLiteral("COUNT"), QString::number(m_count));
        env.insert(QStringLiteral("IN_FLIGHT"), QString::number(inFlight));
        process->setProcessEnvironment(env);
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        connect(process, &QProcess::finished, this, [this, process, inFlight, next] {
            const auto doc = QJsonDocument::fromJson(process->readAllStandardOutput()).object();
            process->deleteLater();
            if (doc.isEmpty()) {
                std::fprintf(stderr, "node client failed\n");
                QCoreApplication::exit(1);
                return;
            }
            keepBest(m_node[inFlight],
                     {doc[QStringLiteral("rps")].toDouble(), doc[QStringLiteral("p50")].toDouble(),
                      doc[QStringLiteral("p99")].toDouble()});
            next();
        });
        process->start(QStringLiteral("node"), {QStringLiteral(ANGO_BENCH_DIR "/node_client.js")});
    }

    void runOurs(int inFlight, std::function<void()> next)
    {
        socketio::ClientOptions options;
        options.url = QUrl(m_url);
        options.reconnection = false;
        auto client = std::make_shared<socketio::Client>(options);
        const QString nsp = QStringLiteral("/");
        client->joinNamespace(nsp);
        struct Run
        {
            int total = 0;
            int sent = 0;
            int done = 0;
            bool record = false;
            std::vector<double> latencies;
            QElapsedTimer clock;
        };
        auto run = std::make_shared<Run>();
        auto finishMeasured = [this, run, client, inFlight, next] {
            const double seconds = double(run->clock.nsecsElapsed()) / 1e9;
            keepBest(m_ours[inFlight], summarise(run->latencies, seconds));
            client->close();
            QTimer::singleShot(0, this, [client, next] { next(); });
        };
        auto sendOne = std::make_shared<std::function<void()>>();
        *sendOne = [run, client, nsp, sendOne, finishMeasured, this, inFlight] {
            const int i = run->sent++;
            const qint64 t0 = run->clock.nsecsElapsed();
            auto result = client->emitEvent(
                nsp, QStringLiteral("echo"),
                nlohmann::json::array({{{"i", i}, {"session", "bench-session"}}}),
                [run, i, t0, sendOne, finishMeasured, this, inFlight](Result<nlohmann::json> ack) {
                    if (!ack.ok()) {
                        std::fprintf(stderr, "ack failed: %s\n", qPrintable(ack.error().message));
                        QCoreApplication::exit(1);
                        return;
                    }
                    if (run->record)
                        run->latencies[i] = double(run->clock.nsecsElapsed() - t0) / 1e6;
                    if (++run->done == run->total) {
                        if (run->record)
                            return finishMeasured();
                        // Warm-up over: the measured run.
                        run->record = true;
                        run->total = m_count;
                        run->sent = run->done = 0;
                        run->latencies.assign(m_count, 0.0);
                        run->clock.restart();
                        for (int k = 0; k < std::min(inFlight, run->total); ++k)
                            (*sendOne)();
                    } else if (run->sent < run->total) {
                        (*sendOne)();
                    }
                });
            if (!result.ok()) {
                std::fprintf(stderr, "emit failed: %s\n", qPrintable(result.error().message));
                QCoreApplication::exit(1);
            }
        };
        connect(client.get(), &socketio::Client::namespaceConnected, this,
                [run, sendOne, inFlight] {
                    run->total = 2000; // warm-up
                    run->clock.start();
                    for (int k = 0; k < std::min(inFlight, run->total); ++k)
                        (*sendOne)();
                });
        connect(client.get(), &socketio::Client::disconnected, this, [run](const QString &why) {
            if (run->done < run->total) {
                std::fprintf(stderr, "disconnected mid-run: %s\n", qPrintable(why));
                QCoreApplication::exit(1);
            }
        });
        client->open();
    }

    static void keepBest(Figures &best, const Figures &f)
    {
        if (f.rps > best.rps)
            best = f;
    }

    void report()
    {
        std::printf(
            "\nSocket.IO emit→ack round trips, loopback, Node socket.io %s server, %d per run, "
            "best of %d\n",
            "4.8", m_count, m_rounds);
        std::printf("%-10s %-26s %12s %10s %10s\n", "in flight", "client", "rt/s", "p50 ms",
                    "p99 ms");
        for (int inFlight : {1, 64}) {
            const Figures &o = m_ours[inFlight];
            const Figures &n = m_node[inFlight];
            std::printf("%-10d %-26s %12.0f %10.3f %10.3f\n", inFlight, "ango (Qt, C++)", o.rps,
                        o.p50, o.p99);
            std::printf("%-10d %-26s %12.0f %10.3f %10.3f\n", inFlight, "socket.io-client (Node)",
                        n.rps, n.p50, n.p99);
            std::printf("%-10d %-26s %11.2fx %9.2fx\n", inFlight, "ratio ours/node", o.rps / n.rps,
                        o.p50 / n.p50);
        }
        std::fflush(stdout);
        m_peer->stop();
        QCoreApplication::exit(0);
    }

    int m_count;
    int m_rounds;
    QString m_url;
    std::unique_ptr<test::PeerProcess> m_peer;
    std::deque<Step> m_steps;
    std::map<int, Figures> m_ours;
    std::map<int, Figures> m_node;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    QCommandLineOption countOption(QStringLiteral("count"), QStringLiteral("Round trips per run."),
                                   QStringLiteral("N"), QStringLiteral("20000"));
    QCommandLineOption roundsOption(QStringLiteral("rounds"), QStringLiteral("Runs per client."),
                                    QStringLiteral("R"), QStringLiteral("2"));
    parser.addOptions({countOption, roundsOption});
    parser.process(app);
    Bench bench(parser.value(countOption).toInt(), parser.value(roundsOption).toInt());
    bench.start();
    return app.exec();
}
