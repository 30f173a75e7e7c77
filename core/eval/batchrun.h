#pragma once

#include "annotation/annotation.h"
#include "eval/dataset.h"
#include "eval/resultcache.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace ango::runtime {
class PluginRuntime;
} // namespace ango::runtime

// Runs the current callback over every image of a dataset through the runtime's local-run path
// (the same parse, callback, timeout, normalise and validate as a hub request), N at a time, with
// progress, cancel, and resume from the result cache.
namespace ango::eval {

struct BatchOptions
{
    QString callbackIdentity; // see callbackIdentity()
    nlohmann::json categorySchema = nlohmann::json::array();
    std::optional<QString> configJson;
    int concurrency = 4;
    QString cacheDir; // empty: no cache
    QString projectId = QStringLiteral("local");
};

struct ImageRun
{
    enum class State { Waiting, Running, Done, Failed, Cancelled };
    State state = State::Waiting;
    bool cached = false;
    QString error;
    nlohmann::json result;
    std::optional<annotation::Answer> answer;
    qint64 durationMs = -1;
    QByteArray cacheKey;
};

struct BatchProgress
{
    qsizetype total = 0;
    qsizetype done = 0; // finished in any way, cache hits included
    qsizetype cached = 0;
    qsizetype failed = 0;
    qsizetype running = 0;
    double ratePerSecond = 0; // callback runs finished per second of this batch
    double etaSeconds = -1;   // -1: not known yet
};

class BatchRun final : public QObject
{
    Q_OBJECT

public:
    // The dataset must outlive the batch. When the runtime goes first, the runs it had end as
    // failed and the batch finishes.
    BatchRun(runtime::PluginRuntime *runtime, const Dataset &dataset, BatchOptions options,
             QObject *parent = nullptr);
    ~BatchRun() override;

    // Hashes the images off the event-loop thread, looks them up in the cache, then runs the
    // rest. Emits finished() once.
    void start();
    // Runs not started are not started; running ones are cancelled. finished(true) follows.
    void cancel();
    // Runs not started are not started; running ones may finish (and are cached), so an
    // interrupted batch loses nothing. finished(true) follows once they have; cancel() still
    // ends them at once.
    void drain();
    bool isDraining() const { return m_draining; }

    const std::vector<ImageRun> &runs() const { return m_runs; }
    BatchProgress progress() const;
    // The payload the callback gets for image i (dataURL = the image, categorySchema, configJSON).
    nlohmann::json payloadFor(std::size_t image) const;

Q_SIGNALS:
    void progressed(const ango::eval::BatchProgress &progress);
    void imageFinished(int image);
    void cacheWriteFailed(const QString &message);
    void finished(bool cancelled);

private:
    void lookedUp(std::vector<std::pair<QByteArray, std::optional<CachedRun>>> found);
    void pump();
    void finishOne(std::size_t image, QString error, nlohmann::json result,
                   std::optional<annotation::Answer> answer, qint64 durationMs);
    void finishIfDone();
    void runtimeGone();

    QPointer<runtime::PluginRuntime> m_runtime; // the GUI may replace its runtime mid-batch
    const Dataset &m_dataset;
    BatchOptions m_options;
    ResultCache m_cache;
    std::vector<ImageRun> m_runs;
    std::vector<std::size_t> m_toRun;
    std::size_t m_next = 0;
    std::vector<std::pair<std::size_t, quint64>> m_inFlight; // image, request id
    QElapsedTimer m_clock;
    qsizetype m_computed = 0;
    bool m_started = false;
    bool m_cancelled = false;
    bool m_draining = false;
    bool m_finished = false;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace ango::eval

Q_DECLARE_METATYPE(ango::eval::BatchProgress)
