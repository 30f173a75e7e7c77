// Log panel under load: 1,000,000 entries appended in batches of 10,000 to the panel as the
// window uses it (model → filter proxy → table view, shown), then filters over all of them,
// then batches that evict. Prints the figures; exits 1 when a limit of the issue is missed.
#include "panels/log/logfiltermodel.h"
#include "panels/log/logmodel.h"
#include "panels/log/logpanel.h"
#include "panels/log/logview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <numeric>
#include <vector>

using ango::logging::Level;
using ango::logging::LogEntry;

namespace {

constexpr int kBatches = 100;
constexpr int kBatchSize = 10'000;
constexpr int kEvictingBatches = 10;
constexpr double kBatchLimitMs = 20.0;
constexpr double kFilterLimitMs = 300.0;
constexpr double kMemoryLimitMb = 400.0;

double residentMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

QString hexId(QRandomGenerator &random)
{
    return QString::number(random.generate64(), 16).rightJustified(16, u'0')
           + QString::number(random.generate(), 16).rightJustified(8, u'0');
}

// What a busy console logs: hub events in and out, the author's logger lines, REST calls,
// heartbeats. About half carry a detail object the size of a request summary.
class EntryMaker
{
public:
    QList<LogEntry> batch(int count)
    {
        static const QString kinds[]
            = {QStringLiteral("plugin"),    QStringLiteral("response"), QStringLiteral("log"),
               QStringLiteral("heartbeat"), QStringLiteral("GET"),      QStringLiteral("POST")};
        static const QString categories[] = {QStringLiteral("hub"), QStringLiteral("plugin"),
                                             QStringLiteral("rest"), QStringLiteral("runtime")};
        static const QString statuses[] = {QString(), QStringLiteral("ok"), QStringLiteral("200"),
                                           QStringLiteral("failed"), QStringLiteral("404")};
        static const QString directions[]
            = {QStringLiteral("in"), QStringLiteral("out"), QString()};
        QList<LogEntry> entries;
        entries.reserve(count);
        for (int i = 0; i < count; ++i) {
            if (m_next % 8 == 0)
                m_session = hexId(m_random);
            LogEntry entry;
            entry.id = ++m_next;
            entry.time = m_start.addMSecs(qint64(m_next));
            entry.level = Level(m_next % 17 == 0 ? 3 : m_next % 5 == 0 ? 2 : 1);
            entry.category = categories[m_next % 4];
            entry.direction = directions[m_next % 3];
            entry.kind = kinds[m_next % 6];
            entry.session = m_session;
            entry.status = statuses[m_next % 5];
            entry.durationMs = qint64(m_random.bounded(5000));
            entry.sizeBytes = qint64(m_random.bounded(100'000));
            entry.message
                = QStringLiteral("%1 %2 for asset %3 (request %4)")
                      .arg(entry.kind, entry.direction == u"in" ? QStringLiteral("received")
                                                                : QStringLiteral("sent"))
                      .arg(m_next % 100'000)
                      .arg(m_next);
            if (m_next % 2 == 0) {
                entry.detail = {
                    {"assetId", hexId(m_random).toStdString()},
                    {"projectId", "64a1f0c2e8b7d9a3f1c2b4d5"},
                    {"dataURL", "https://storage.example.com/p/asset_"
                                    + std::to_string(m_next % 100'000) + ".jpg"},
                    {"objects", int(m_next % 40)},
                };
            }
            m_payloadBytes += entry.message.toUtf8().size()
                              + (entry.detail.is_null() ? 0 : qint64(entry.detail.dump().size()));
            entries.append(std::move(entry));
        }
        return entries;
    }

    double meanPayloadBytes() const { return double(m_payloadBytes) / double(m_next); }

private:
    QRandomGenerator m_random{42};
    QDateTime m_start = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000, Qt::UTC);
    QString m_session;
    quint64 m_next = 0;
    qint64 m_payloadBytes = 0;
};

// CPU time of this thread: the machine the figures come from may be shared, and wall time
// then includes waiting for a core.
double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

struct Stats
{
    std::vector<double> samples;
    double max = 0;
    void add(double ms)
    {
        samples.push_back(ms);
        max = std::max(max, ms);
    }
    double mean() const
    {
        return samples.empty() ? 0
                               : std::accumulate(samples.cbegin(), samples.cend(), 0.0)
                                     / double(samples.size());
    }
    double percentile(double p) const
    {
        if (samples.empty())
            return 0;
        std::vector<double> sorted = samples;
        std::sort(sorted.begin(), sorted.end());
        return sorted[std::min(sorted.size() - 1, std::size_t(p * double(sorted.size())))];
    }
};

double msSince(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    bool ok = true;

    // "--model-only": the bare model, to tell its cost from the proxy's and the view's.
    const bool modelOnly = app.arguments().contains(QStringLiteral("--model-only"));
    ango::app::LogPanel panel;
    ango::app::LogModel bareModel(qsizetype(kBatches) * kBatchSize);
    panel.model()->setCapacity(qsizetype(kBatches) * kBatchSize);
    auto appendBatch = [&](const QList<LogEntry> &batch) {
        if (modelOnly)
            bareModel.appendBatch(batch);
        else
            panel.appendBatch(batch);
    };
    panel.resize(1280, 800);
    panel.show();
    QApplication::processEvents();
    const double rssBefore = residentMb();

    EntryMaker maker;
    Stats append;
    Stats appendCpu;
    Stats repaint;
    for (int b = 0; b < kBatches; ++b) {
        const QList<LogEntry> batch = maker.batch(kBatchSize);
        QElapsedTimer timer;
        timer.start();
        const double cpuStart = threadCpuMs();
        appendBatch(batch);
        appendCpu.add(threadCpuMs() - cpuStart);
        append.add(msSince(timer));
        timer.restart();
        QApplication::processEvents(); // layout and paint of the visible rows
        repaint.add(msSince(timer));
    }
    std::printf("log bench: %d entries in %d batches of %d (%s)\n",
                (modelOnly ? bareModel : *panel.model()).rowCount(), kBatches, kBatchSize,
                modelOnly ? "bare model" : "panel: model, filter proxy, view shown");
    std::printf("append batch: mean %.2f ms, max %.2f ms wall (limit %.0f ms); "
                "CPU mean %.2f ms, p95 %.2f ms, max %.2f ms\n",
                append.mean(), append.max, kBatchLimitMs, appendCpu.mean(),
                appendCpu.percentile(0.95), appendCpu.max);
    for (std::size_t i = 0; i < appendCpu.samples.size(); ++i) {
        if (appendCpu.samples[i] > 15)
            std::printf("  slow batch %zu: %.2f ms CPU\n", i, appendCpu.samples[i]);
    }
    std::printf("  then layout+paint: mean %.2f ms, max %.2f ms\n", repaint.mean(), repaint.max);
    ok &= append.max < kBatchLimitMs;

    const double rssFull = residentMb();
    std::printf("memory: VmRSS %.1f MB with 1M entries (%.1f MB before; limit %.0f MB); "
                "store %.1f MB; message+detail %.0f bytes/entry on average\n",
                rssFull, rssBefore, kMemoryLimitMb,
                double((modelOnly ? bareModel : *panel.model()).store().memoryBytes())
                    / (1024.0 * 1024.0),
                maker.meanPayloadBytes());
    ok &= rssFull > 0 && rssFull < kMemoryLimitMb;

    ango::app::LogFilterModel bareFilter;
    if (modelOnly)
        bareFilter.setSourceModel(&bareModel);
    ango::app::LogFilterModel *filter = modelOnly ? &bareFilter : panel.filterModel();
    auto timeFilter = [&](const char *what, const ango::app::LogFilter &criteria) {
        QElapsedTimer timer;
        timer.start();
        const double cpuStart = threadCpuMs();
        filter->setFilter(criteria);
        const double cpu = threadCpuMs() - cpuStart;
        const double ms = msSince(timer);
        std::printf("filter %-34s %8d rows in %7.2f ms wall, %7.2f ms CPU (limit %.0f ms)\n", what,
                    filter->rowCount(), ms, cpu, kFilterLimitMs);
        ok &= ms < kFilterLimitMs;
        QApplication::processEvents();
    };
    ango::app::LogFilter text;
    text.text = QStringLiteral("asset_4242.jpg"); // inside the detail JSON
    timeFilter("text in detail \"asset_4242.jpg\":", text);
    text.text = QStringLiteral("no-such-text-anywhere");
    timeFilter("text with no match:", text);
    text.text = QStringLiteral("SENT FOR");
    timeFilter("text, most rows match:", text);
    ango::app::LogFilter kind;
    kind.kinds = {QStringLiteral("plugin")};
    kind.statuses = {QStringLiteral("failed"), QStringLiteral("404")};
    timeFilter("kind plugin, status failed|404:", kind);
    ango::app::LogFilter level;
    level.minimumLevel = Level::Error;
    timeFilter("level error:", level);
    timeFilter("cleared:", {});

    Stats evicting;
    Stats evictingCpu;
    for (int b = 0; b < kEvictingBatches; ++b) {
        const QList<LogEntry> batch = maker.batch(kBatchSize);
        QElapsedTimer timer;
        timer.start();
        const double cpuStart = threadCpuMs();
        appendBatch(batch);
        evictingCpu.add(threadCpuMs() - cpuStart);
        evicting.add(msSince(timer));
        QApplication::processEvents();
    }
    std::printf(
        "append batch at capacity (evicts 10000): mean %.2f ms, max %.2f ms wall (limit %.0f "
        "ms); CPU mean %.2f ms, p95 %.2f ms, max %.2f ms\n",
        evicting.mean(), evicting.max, kBatchLimitMs, evictingCpu.mean(),
        evictingCpu.percentile(0.95), evictingCpu.max);
    ok &= evicting.max < kBatchLimitMs;
    std::printf("memory after eviction: VmRSS %.1f MB\n", residentMb());
    std::printf("%s\n", ok ? "all limits met" : "LIMIT MISSED");
    return ok ? 0 : 1;
}
