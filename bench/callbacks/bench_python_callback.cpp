// Per-request overhead of the python: adapter: one SDK-style callback (bench_plugin.py) called
// through the adapter (a persistent interpreter behind resources/bridge) and called in-process in
// Python (inprocess.py), same run, same request. Prints p50/p99 of both and their difference.
//
//   bench_python_callback [--count N] [--interpreter PYTHON]

#include "callbacks/adapters/pythoncallback.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace ango;
using namespace ango::callbacks;
using namespace ango::callbacks::adapters;

namespace {

struct Figures
{
    double p50 = 0;
    double p99 = 0;
};

Figures percentiles(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    auto pick
        = [&](double p) { return ms[std::min(ms.size() - 1, size_t(p * double(ms.size())))]; };
    return {pick(0.5), pick(0.99)};
}

nlohmann::json benchRequest(bool log)
{
    return {{"projectId", "p1"},
            {"apiKey", "bench-key"},
            {"orgId", "o1"},
            {"runBy", "u1"},
            {"session", "s1"},
            {"assetId", "a1"},
            {"categorySchema", {{{"schemaId", "schema-car"}, {"modelClass", "car"}}}},
            {"configJSON", nlohmann::json{{"log", log}}.dump()},
            {"batches", nlohmann::json::array()}};
}

class Bench : public QObject
{
public:
    Bench(int count, const QString &interpreter)
        : m_count(count)
        , m_interpreter(interpreter)
    {
        PythonCallbackOptions options;
        options.scriptPath = QStringLiteral(ANGO_BENCH_DIR "/bench_plugin.py");
        options.interpreter = interpreter;
        options.bridgeDir = QStringLiteral(ANGO_SOURCE_DIR "/resources/bridge");
        m_callback = new PythonCallback(options, this);
        connect(m_callback, &Callback::stateChanged, this,
                [this](Callback::State state, const QString &detail) {
                    if (state == Callback::State::Failed) {
                        std::fprintf(stderr, "the python adapter failed: %s\n", qPrintable(detail));
                        QCoreApplication::exit(1);
                    } else if (state == Callback::State::Ready && !m_started) {
                        m_started = true;
                        runVariant(0);
                    }
                });
        connect(m_callback, &Callback::outputLine, this, [](const QString &line, bool) {
            std::fprintf(stderr, "plugin: %s\n", qPrintable(line));
        });
    }

private:
    void runVariant(int index)
    {
        if (index == 2) {
            QCoreApplication::quit();
            return;
        }
        const bool log = index == 1;
        measureAdapter(benchRequest(log), [this, index, log](std::vector<double> adapterMs) {
            measureInProcess(benchRequest(log), [this, index, log, adapterMs](Figures inProcess) {
                report(log ? "sample callback with 2 logger.info calls"
                           : "sample callback, no logging",
                       percentiles(adapterMs), inProcess);
                runVariant(index + 1);
            });
        });
    }

    // Sequential calls: each starts when the previous one is done. The first tenth warms up.
    void measureAdapter(nlohmann::json request, std::function<void(std::vector<double>)> finished)
    {
        m_samples.clear();
        m_request = std::move(request);
        m_finished = std::move(finished);
        m_remaining = m_count + m_count / 10;
        next();
    }

    void next()
    {
        if (m_remaining-- == 0) {
            m_samples.erase(m_samples.begin(), m_samples.begin() + m_count / 10);
            m_finished(m_samples);
            return;
        }
        Call call;
        call.id = ++m_lastId;
        call.request = m_request;
        call.log = [](LogLevel, const QString &) {};
        m_clock.start();
        m_callback->invoke(std::move(call), [this](Result<nlohmann::json> result) {
            m_samples.push_back(double(m_clock.nsecsElapsed()) / 1e6);
            if (!result) {
                std::fprintf(stderr, "call failed: %s\n", qPrintable(result.error().message));
                QCoreApplication::exit(1);
                return;
            }
            next();
        });
    }

    void measureInProcess(const nlohmann::json &request, std::function<void(Figures)> finished)
    {
        auto *python = new QProcess(this);
        python->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        connect(python, &QProcess::finished, this, [python, finished](int code) {
            python->deleteLater();
            const auto figures = nlohmann::json::parse(
                python->readAllStandardOutput().toStdString(), nullptr, false);
            if (code != 0 || figures.is_discarded()) {
                std::fprintf(stderr, "the in-process run failed (exit code %d)\n", code);
                QCoreApplication::exit(1);
                return;
            }
            finished(Figures{figures.value("p50_ms", 0.0), figures.value("p99_ms", 0.0)});
        });
        python->start(m_interpreter,
                      {QStringLiteral(ANGO_BENCH_DIR "/inprocess.py"),
                       QStringLiteral(ANGO_BENCH_DIR "/bench_plugin.py"), QString::number(m_count),
                       QString::fromStdString(request.dump()),
                       QStringLiteral(ANGO_SOURCE_DIR "/resources/bridge/shim")});
    }

    static void report(const char *what, Figures adapter, Figures inProcess)
    {
        std::printf("%s\n", what);
        std::printf("  python adapter (round trip)   p50 %8.3f ms   p99 %8.3f ms\n", adapter.p50,
                    adapter.p99);
        std::printf("  in-process Python call        p50 %8.3f ms   p99 %8.3f ms\n", inProcess.p50,
                    inProcess.p99);
        std::printf("  overhead                      p50 %8.3f ms   p99 %8.3f ms   (target p50 < 1 "
                    "ms: %s)\n",
                    adapter.p50 - inProcess.p50, adapter.p99 - inProcess.p99,
                    adapter.p50 - inProcess.p50 < 1.0 ? "met" : "NOT met");
        std::fflush(stdout);
    }

    int m_count;
    QString m_interpreter;
    PythonCallback *m_callback = nullptr;
    bool m_started = false;
    quint64 m_lastId = 0;
    int m_remaining = 0;
    nlohmann::json m_request;
    std::vector<double> m_samples;
    std::function<void(std::vector<double>)> m_finished;
    QElapsedTimer m_clock;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("python: adapter overhead versus an in-process Python call"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("count"), QStringLiteral("Measured calls per variant."),
                      QStringLiteral("N"), QStringLiteral("5000")});
    parser.addOption({QStringLiteral("interpreter"), QStringLiteral("The Python interpreter."),
                      QStringLiteral("PYTHON"), QStringLiteral("python3")});
    parser.process(app);
    Bench bench(std::max(10, parser.value(QStringLiteral("count")).toInt()),
                parser.value(QStringLiteral("interpreter")));
    return app.exec();
}
