#include "eval/batchrun.h"

#include "runtime/pluginruntime.h"

#include <QFutureWatcher>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace ango::eval {

using nlohmann::json;

BatchRun::BatchRun(runtime::PluginRuntime *runtime, const Dataset &dataset, BatchOptions options,
                   QObject *parent)
    : QObject(parent)
    , m_runtime(runtime)
    , m_dataset(dataset)
    , m_options(std::move(options))
    , m_cache(m_options.cacheDir)
    , m_runs(dataset.images.size())
{
    m_options.concurrency = std::clamp(m_options.concurrency, 1, 10000);
    if (m_runtime)
        connect(m_runtime, &QObject::destroyed, this, &BatchRun::runtimeGone);
}

void BatchRun::runtimeGone()
{
    // Its runs never answer now: they and the ones not started fail, the rest is kept.
    const auto inFlight = std::exchange(m_inFlight, {});
    for (const auto &[image, id] : inFlight) {
        m_runs[image].state = ImageRun::State::Failed;
        m_runs[image].error = QStringLiteral("the console's runtime was replaced during the batch");
    }
    for (std::size_t k = m_next; k < m_toRun.size(); ++k) {
        m_runs[m_toRun[k]].state = ImageRun::State::Failed;
        m_runs[m_toRun[k]].error = QStringLiteral("not run: the console's runtime was replaced");
    }
    m_next = m_toRun.size();
    Q_EMIT progressed(progress());
    finishIfDone();
}

BatchRun::~BatchRun()
{
    *m_alive = false;
    if (!m_runtime)
        return;
    for (const auto &[image, id] : m_inFlight)
        (void)m_runtime->cancel(id, QStringLiteral("the batch was closed"));
}

json BatchRun::payloadFor(std::size_t image) const
{
    const DatasetImage &entry = m_dataset.images[image];
    json payload = {
        {"projectId", m_options.projectId.toStdString()},
        {"categorySchema", m_options.categorySchema},
        {"assetId", entry.key.toStdString()},
        {"externalId", entry.key.toStdString()},
        {"dataURL", entry.url.toStdString()},
        {"apiKey", ""},
        {"orgId", "local"},
        {"runBy", "ango-console"},
        {"session", QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString()},
        {"batches", json::array()},
        {"workflow", false},
    };
    if (m_options.configJson)
        payload["configJSON"] = m_options.configJson->toStdString();
    return payload;
}

void BatchRun::start()
{
    if (m_started)
        return;
    m_started = true;
    m_clock.start();
    // Hashing every image is the heavy part of a resume: off the event-loop thread.
    struct Input
    {
        QString localPath;
        QString url;
    };
    std::vector<Input> inputs;
    inputs.reserve(m_dataset.images.size());
    for (const DatasetImage &image : m_dataset.images)
        inputs.push_back(Input{image.localPath, image.url});
    const ResultCache cache = m_cache;
    const BatchOptions options = m_options;
    auto *watcher
        = new QFutureWatcher<std::vector<std::pair<QByteArray, std::optional<CachedRun>>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        lookedUp(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([inputs = std::move(inputs), cache, options] {
        std::vector<std::pair<QByteArray, std::optional<CachedRun>>> out;
        out.reserve(inputs.size());
        for (const Input &input : inputs) {
            const QByteArray key = ResultCache::key(contentHash(input.localPath, input.url),
                                                    options.callbackIdentity,
                                                    options.categorySchema, options.configJson);
            out.emplace_back(key, cache.find(key));
        }
        return out;
    }));
}

void BatchRun::lookedUp(std::vector<std::pair<QByteArray, std::optional<CachedRun>>> found)
{
    for (std::size_t i = 0; i < found.size() && i < m_runs.size(); ++i) {
        ImageRun &run = m_runs[i];
        run.cacheKey = found[i].first;
        if (!found[i].second || m_cancelled) {
            m_toRun.push_back(i);
            continue;
        }
        run.cached = true;
        run.state = ImageRun::State::Done;
        run.result = std::move(found[i].second->result);
        run.durationMs = found[i].second->durationMs;
        if (auto answer = annotation::normalize(run.result))
            run.answer = std::move(answer.value());
        Q_EMIT imageFinished(int(i));
    }
    if (m_cancelled || m_draining) {
        for (const std::size_t i : m_toRun)
            m_runs[i].state = ImageRun::State::Cancelled;
        m_next = m_toRun.size();
    }
    if (!m_runtime) {
        runtimeGone();
        return;
    }
    Q_EMIT progressed(progress());
    pump();
    finishIfDone();
}

void BatchRun::pump()
{
    while (m_runtime && !m_cancelled && !m_draining
           && m_inFlight.size() < std::size_t(m_options.concurrency) && m_next < m_toRun.size()) {
        const std::size_t image = m_toRun[m_next++];
        m_runs[image].state = ImageRun::State::Running;
        // A C++ callback answers inside runLocal(): the id is recorded before the answer is
        // handled, so the in-flight entry is added first and matched by image.
        m_inFlight.emplace_back(image, 0);
        const std::weak_ptr<bool> alive = m_alive;
        const quint64 id = m_runtime->runLocal(
            payloadFor(image), [this, alive, image](runtime::LocalRunResult outcome) {
                if (alive.expired())
                    return;
                finishOne(image, std::move(outcome.error), std::move(outcome.result),
                          std::move(outcome.answer), outcome.durationMs);
            });
        for (auto &entry : m_inFlight) {
            if (entry.first == image && entry.second == 0)
                entry.second = id;
        }
    }
}

void BatchRun::finishOne(std::size_t image, QString error, json result,
                         std::optional<annotation::Answer> answer, qint64 durationMs)
{
    const auto it = std::find_if(m_inFlight.begin(), m_inFlight.end(),
                                 [image](const auto &entry) { return entry.first == image; });
    if (it == m_inFlight.end())
        return;
    m_inFlight.erase(it);
    ImageRun &run = m_runs[image];
    run.durationMs = durationMs;
    if (m_cancelled && !error.isEmpty()) {
        run.state = ImageRun::State::Cancelled;
        run.error = error;
    } else if (!error.isEmpty()) {
        run.state = ImageRun::State::Failed;
        run.error = error;
    } else {
        run.state = ImageRun::State::Done;
        run.result = std::move(result);
        run.answer = std::move(answer);
        ++m_computed;
        // Stored as soon as it is known: a batch killed later keeps it.
        const QString failed = m_cache.store(run.cacheKey, CachedRun{run.result, durationMs});
        if (!failed.isEmpty())
            Q_EMIT cacheWriteFailed(failed);
    }
    Q_EMIT imageFinished(int(image));
    Q_EMIT progressed(progress());
    pump();
    finishIfDone();
}

void BatchRun::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    for (std::size_t k = m_next; k < m_toRun.size(); ++k)
        m_runs[m_toRun[k]].state = ImageRun::State::Cancelled;
    m_next = m_toRun.size();
    const auto inFlight = m_inFlight;
    for (const auto &[image, id] : inFlight) {
        if (m_runtime)
            (void)m_runtime->cancel(id, QStringLiteral("the batch was cancelled"));
    }
    finishIfDone();
}

void BatchRun::drain()
{
    if (m_finished || m_cancelled || m_draining)
        return;
    m_draining = true;
    for (std::size_t k = m_next; k < m_toRun.size(); ++k)
        m_runs[m_toRun[k]].state = ImageRun::State::Cancelled;
    m_next = m_toRun.size();
    Q_EMIT progressed(progress());
    finishIfDone();
}

void BatchRun::finishIfDone()
{
    if (m_finished || !m_inFlight.empty())
        return;
    // Before the look-up finished every image is still waiting.
    if (std::any_of(m_runs.begin(), m_runs.end(), [](const ImageRun &r) {
            return r.state == ImageRun::State::Waiting || r.state == ImageRun::State::Running;
        }))
        return;
    m_finished = true;
    Q_EMIT progressed(progress());
    Q_EMIT finished(m_cancelled || m_draining);
}

BatchProgress BatchRun::progress() const
{
    BatchProgress p;
    p.total = qsizetype(m_runs.size());
    for (const ImageRun &run : m_runs) {
        switch (run.state) {
        case ImageRun::State::Done:
            ++p.done;
            p.cached += run.cached;
            break;
        case ImageRun::State::Failed:
        case ImageRun::State::Cancelled:
            ++p.done;
            ++p.failed;
            break;
        case ImageRun::State::Running:
            ++p.running;
            break;
        case ImageRun::State::Waiting:
            break;
        }
    }
    const double seconds = m_clock.isValid() ? double(m_clock.nsecsElapsed()) / 1e9 : 0.0;
    const qsizetype computed = p.done - p.cached;
    if (seconds > 0 && computed > 0) {
        p.ratePerSecond = double(computed) / seconds;
        p.etaSeconds = double(p.total - p.done) / p.ratePerSecond;
    }
    if (p.done == p.total)
        p.etaSeconds = 0;
    return p;
}

} // namespace ango::eval
