// The project's own local hub (core/hub, what `ango-console hub` serves) driven by the runtime
// benchmark with the same line protocol as tests/peers/node/hub.js, so bench.js can run every
// client against it as well as against the Node hub. Only what bench.js uses:
//
//   bench_localhub PLUGIN_ID          secret from ANGO_PLUGIN_SECRET
//
// stdout: "PORT=<n>", then one JSON object per line:
//   {"type":"heartbeat"}               the plugin is live (each heartbeat)
//   {"type":"loadDone", ...}           as hub.js: count, inFlight, answered, errors, duplicates,
//                                      unexpected, elapsedMs, rps, p50Ms, p99Ms, meanMs
// stdin: {"cmd":"load","count":N,"inFlight":K,"template":{"categorySchema":[..]}} and
//        {"cmd":"exit"}.
// Runs carry the hub's own session ids, so a load's sessions are tracked here by id.

#include "hub/localhub.h"
#include "socketio/socketiopacket.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QSocketNotifier>
#include <QTemporaryDir>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace {

using nlohmann::json;

void out(const json &record)
{
    const std::string line = ango::socketio::dumpJson(record) + '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

double percentile(const std::vector<double> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    const auto rank
        = std::clamp<std::ptrdiff_t>(std::ptrdiff_t(std::ceil(p / 100 * double(sorted.size()))) - 1,
                                     0, std::ptrdiff_t(sorted.size()) - 1);
    return sorted[size_t(rank)];
}

class Load
{
public:
    Load(ango::hub::LocalHub &hub, QString pluginId, QString assetId)
        : m_hub(hub)
        , m_pluginId(std::move(pluginId))
        , m_assetId(std::move(assetId))
    {
        QObject::connect(&m_hub, &ango::hub::LocalHub::runFinished, &m_hub,
                         [this](const ango::hub::RunOutcome &outcome) { answered(outcome); });
        // A second response for a finished run is not a run any more: the hub logs it.
        QObject::connect(&m_hub, &ango::hub::LocalHub::logged, &m_hub,
                         [this](const ango::logging::LogEntry &entry) {
                             if (entry.kind == QLatin1String("response")
                                 && entry.level == ango::logging::Level::Warning)
                                 ++m_duplicates;
                         });
    }

    void start(const json &command)
    {
        m_count = command.value("count", 0);
        m_inFlight = std::max(1, command.value("inFlight", 1));
        const json templ = command.value("template", json::object());
        m_categorySchema = templ.value("categorySchema", json());
        m_next = m_answered = m_errors = m_duplicates = m_unexpected = 0;
        m_sentAt.clear();
        m_latencies.clear();
        m_latencies.reserve(size_t(m_count));
        m_clock.start();
        if (m_count == 0)
            finish();
        else
            pump();
    }

private:
    void pump()
    {
        while (m_next < m_count && m_sentAt.size() < m_inFlight) {
            ++m_next;
            const qint64 at = m_clock.nsecsElapsed();
            auto session
                = m_hub.sendRun(m_pluginId, m_assetId, m_categorySchema, std::nullopt, false);
            if (!session) {
                std::fprintf(stderr, "bench_localhub: %s\n", qPrintable(session.error().message));
                ++m_errors;
                ++m_answered;
                continue;
            }
            m_sentAt.insert(*session, at);
        }
        if (m_count > 0 && m_answered == m_count)
            finish();
    }

    void answered(const ango::hub::RunOutcome &outcome)
    {
        const auto it = m_sentAt.constFind(outcome.session);
        if (it == m_sentAt.cend()) {
            ++m_unexpected;
            return;
        }
        m_latencies.push_back(double(m_clock.nsecsElapsed() - *it) / 1e6);
        m_sentAt.erase(it);
        ++m_answered;
        if (!outcome.ok)
            ++m_errors;
        pump();
    }

    void finish()
    {
        const double elapsedMs = double(m_clock.nsecsElapsed()) / 1e6;
        std::vector<double> sorted = m_latencies;
        std::sort(sorted.begin(), sorted.end());
        double sum = 0;
        for (double l : sorted)
            sum += l;
        out({{"type", "loadDone"},
             {"count", m_count},
             {"inFlight", m_inFlight},
             {"answered", m_answered},
             {"errors", m_errors},
             {"duplicates", m_duplicates},
             {"unexpected", m_unexpected},
             {"elapsedMs", elapsedMs},
             {"rps", double(m_answered) / elapsedMs * 1000},
             {"p50Ms", percentile(sorted, 50)},
             {"p99Ms", percentile(sorted, 99)},
             {"meanMs", sum / double(std::max<size_t>(1, sorted.size()))}});
        m_count = 0;
    }

    ango::hub::LocalHub &m_hub;
    QString m_pluginId;
    QString m_assetId;
    json m_categorySchema;
    int m_count = 0;
    qsizetype m_inFlight = 1;
    int m_next = 0;
    int m_answered = 0;
    int m_errors = 0;
    int m_duplicates = 0;
    int m_unexpected = 0;
    QHash<QString, qint64> m_sentAt; // session → ns on m_clock
    std::vector<double> m_latencies;
    QElapsedTimer m_clock;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_localhub PLUGIN_ID (secret in ANGO_PLUGIN_SECRET)\n");
        return 2;
    }
    const QString pluginId = QString::fromLocal8Bit(argv[1]);
    ango::hub::LocalHub hub;
    hub.setPluginSecret(pluginId, qEnvironmentVariable("ANGO_PLUGIN_SECRET"));

    // The demo callback never downloads the asset; any readable file will do.
    QTemporaryDir dir;
    QFile image(dir.filePath(QStringLiteral("asset.png")));
    if (!dir.isValid() || !image.open(QIODevice::WriteOnly) || image.write("png", 3) != 3) {
        std::fprintf(stderr, "bench_localhub: cannot write a temporary asset\n");
        return 1;
    }
    image.close();
    auto asset = hub.addAsset(image.fileName());
    if (!asset) {
        std::fprintf(stderr, "bench_localhub: %s\n", qPrintable(asset.error().message));
        return 1;
    }
    if (auto started = hub.start(QStringLiteral("127.0.0.1:0")); !started) {
        std::fprintf(stderr, "bench_localhub: %s\n", qPrintable(started.error().message));
        return 1;
    }
    std::printf("PORT=%d\n", hub.url().port());
    std::fflush(stdout);

    QObject::connect(&hub, &ango::hub::LocalHub::pluginChanged, &hub,
                     [&](const ango::hub::ConnectedPlugin &plugin) {
                         if (plugin.pluginId == pluginId
                             && plugin.state == ango::hub::PluginState::Live)
                             out({{"type", "heartbeat"}});
                     });

    Load load(hub, pluginId, asset->id);
    QByteArray pending;
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&input, &QSocketNotifier::activated, &hub, [&] {
        char buffer[4096];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n <= 0) {
            QCoreApplication::exit(0); // bench.js went away
            return;
        }
        pending.append(buffer, n);
        qsizetype end;
        while ((end = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(end);
            pending.remove(0, end + 1);
            auto command = ango::socketio::parseJson(std::string_view(line.data(), line.size()));
            if (!command || !command->is_object())
                continue;
            const std::string cmd = command->value("cmd", std::string());
            if (cmd == "load") {
                load.start(*command);
            } else if (cmd == "exit") {
                hub.stop();
                QCoreApplication::exit(0);
            }
        }
    });
    return QCoreApplication::exec();
}
