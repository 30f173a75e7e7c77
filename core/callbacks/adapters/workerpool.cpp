#include "callbacks/adapters/workerpool.h"

#include "callbacks/adapters/worker.h"

#include <QPointer>
#include <QTimer>

#include <algorithm>

namespace ango::callbacks::adapters {

namespace {
// A worker that keeps dying without finishing a call is not restarted again until the next call.
constexpr int kMaxCrashesInARow = 5;
} // namespace

WorkerPool::WorkerPool(int size, QObject *parent)
    : Callback(parent)
    , m_size(std::max(1, size))
{
    // createWorker() is virtual: the subclass must be complete first. The event loop also gives
    // the owner time to connect stateChanged.
    QTimer::singleShot(0, this, &WorkerPool::ensureStarted);
}

WorkerPool::~WorkerPool()
{
    for (Worker *worker : m_workers)
        worker->disconnect(this);
}

QList<qint64> WorkerPool::processIds() const
{
    QList<qint64> ids;
    for (const Worker *worker : m_workers) {
        if (worker->phase() == Worker::Phase::Idle || worker->phase() == Worker::Phase::Busy)
            ids << worker->processId();
    }
    return ids;
}

void WorkerPool::ensureStarted()
{
    if (m_started)
        return;
    m_started = true;
    for (int i = 0; i < m_size; ++i) {
        Worker *worker = createWorker();
        worker->setParent(this);
        worker->setMaxResultBytes(m_maxResultBytes);
        m_workers.push_back(worker);
        connect(worker, &Worker::ready, this, [this] {
            updateState();
            dispatch();
        });
        connect(worker, &Worker::loadFailed, this, &WorkerPool::onLoadFailed);
        connect(worker, &Worker::stopped, this, [this] { updateState(); });
        connect(worker, &Worker::callFinished, this,
                [this, worker](quint64 id, const Result<nlohmann::json> &result) {
                    onCallFinished(worker, id, result);
                });
        connect(worker, &Worker::crashed, this,
                [this, worker](const QString &what, std::optional<quint64> id) {
                    onCrashed(worker, what, id);
                });
        connect(worker, &Worker::logRecorded, this, &WorkerPool::onLog);
        connect(worker, &Worker::outputLine, this,
                [this, worker](const QString &line, bool isError) {
                    Q_EMIT outputLine(line, isError, m_lastCall.value(worker));
                });
    }
    for (Worker *worker : m_workers)
        worker->start();
    updateState();
}

void WorkerPool::invoke(Call call, Done done)
{
    ensureStarted();
    m_queue.push_back(Queued{std::move(call), std::move(done)});
    // Workers that failed to load or kept crashing get another chance with each new call.
    bool restarted = false;
    for (Worker *worker : m_workers) {
        // Stopping: a worker whose load just failed and whose process is still going away.
        if (worker->phase() == Worker::Phase::Stopped
            || worker->phase() == Worker::Phase::Stopping) {
            m_crashesInARow = 0;
            worker->start();
            restarted = true;
        }
    }
    if (restarted)
        updateState();
    dispatch();
}

void WorkerPool::dispatch()
{
    while (!m_queue.empty()) {
        const auto idle = std::find_if(m_workers.begin(), m_workers.end(), [this](Worker *w) {
            return w->phase() == Worker::Phase::Idle && !m_reloadAfterCall.contains(w);
        });
        if (idle == m_workers.end())
            break;
        Queued next = std::move(m_queue.front());
        m_queue.pop_front();
        m_running[next.call.id] = Running{*idle, std::move(next.call.log), std::move(next.done)};
        m_lastCall.insert(*idle, next.call.id);
        (*idle)->run(next.call.id, next.call.request);
    }
    updateState();
}

void WorkerPool::cancel(quint64 callId)
{
    const auto queued = std::find_if(m_queue.begin(), m_queue.end(),
                                     [callId](const Queued &q) { return q.call.id == callId; });
    if (queued != m_queue.end()) {
        Done done = std::move(queued->done);
        m_queue.erase(queued);
        done(makeError(QStringLiteral("call %1 was cancelled before it started").arg(callId)));
        return;
    }
    const auto running = m_running.find(callId);
    if (running == m_running.end())
        return;
    Running call = std::move(running->second);
    m_running.erase(running);
    // Code that hangs cannot be interrupted from outside: the process goes, a fresh one comes.
    m_reloadAfterCall.remove(call.worker);
    call.worker->restart();
    QPointer<WorkerPool> self(this);
    call.done(makeError(
        QStringLiteral("call %1 was cancelled; its worker process was killed and is restarting")
            .arg(callId)));
    if (self)
        updateState();
}

void WorkerPool::restart()
{
    ensureStarted();
    std::vector<Done> interrupted;
    for (auto &[id, call] : m_running)
        interrupted.push_back(std::move(call.done));
    m_running.clear();
    m_reloadAfterCall.clear();
    m_crashesInARow = 0;
    for (Worker *worker : m_workers)
        worker->restart();
    updateState();
    QPointer<WorkerPool> self(this);
    for (Done &done : interrupted) {
        done(makeError(
            QStringLiteral("the call was interrupted: the callback's workers were restarted")));
        if (!self)
            return;
    }
}

void WorkerPool::reloadWorkers(const QString &reason)
{
    ensureStarted();
    m_crashesInARow = 0;
    for (Worker *worker : m_workers) {
        if (worker->phase() == Worker::Phase::Busy)
            m_reloadAfterCall.insert(worker);
        else
            worker->restart();
    }
    updateState(reason);
}

void WorkerPool::onCallFinished(Worker *worker, quint64 callId,
                                const Result<nlohmann::json> &result)
{
    m_crashesInARow = 0;
    if (m_reloadAfterCall.remove(worker))
        worker->restart();
    const auto running = m_running.find(callId);
    if (running != m_running.end()) {
        Done done = std::move(running->second.done);
        m_running.erase(running);
        QPointer<WorkerPool> self(this);
        // The runtime serialises results recursively: a hostile depth must stop here.
        Result<void> acceptable
            = result ? checkCallbackResult(*result, describe(), m_maxResultBytes) : Result<void>();
        if (acceptable)
            done(result);
        else
            done(acceptable.error());
        if (!self)
            return;
    }
    dispatch();
}

void WorkerPool::onCrashed(Worker *worker, const QString &what, std::optional<quint64> callId)
{
    m_reloadAfterCall.remove(worker);
    const bool giveUp = ++m_crashesInARow >= kMaxCrashesInARow;
    m_state = State::Crashed;
    Q_EMIT stateChanged(State::Crashed, what);
    if (giveUp)
        m_failure = makeError(
            QStringLiteral("%1 (it died %2 times in a row; it will be started again for the "
                           "next call)")
                .arg(what)
                .arg(m_crashesInARow));
    else
        worker->start();

    if (callId) {
        if (const auto running = m_running.find(*callId); running != m_running.end()) {
            Done done = std::move(running->second.done);
            m_running.erase(running);
            QPointer<WorkerPool> self(this);
            done(makeError(
                QStringLiteral("%1 while running call %2%3")
                    .arg(what)
                    .arg(*callId)
                    .arg(giveUp ? QString() : QStringLiteral("; it is being restarted"))));
            if (!self)
                return;
        }
    }
    updateState();
    dispatch();
}

void WorkerPool::onLoadFailed(const Error &error)
{
    m_failure = error;
    updateState();
}

void WorkerPool::onLog(quint64 callId, LogLevel level, const QString &message)
{
    const auto running = m_running.find(callId);
    if (running != m_running.end() && running->second.log) {
        running->second.log(level, message);
        return;
    }
    // From a thread of the author's that outlived its call: still worth seeing.
    Q_EMIT outputLine(QStringLiteral("[%1] %2").arg(levelName(level), message),
                      level == LogLevel::Error);
}

void WorkerPool::updateState(const QString &reason)
{
    int usable = 0, busy = 0, starting = 0;
    for (const Worker *worker : m_workers) {
        switch (worker->phase()) {
        case Worker::Phase::Idle:
            ++usable;
            break;
        case Worker::Phase::Busy:
            ++usable;
            ++busy;
            break;
        case Worker::Phase::Starting:
        case Worker::Phase::Stopping:
            ++starting;
            break;
        case Worker::Phase::Stopped:
            break;
        }
    }
    State next;
    QString detail;
    if (usable == 0 && starting == 0 && m_started) {
        next = State::Failed;
        detail = m_failure.message;
    } else if (usable == 0) {
        next = State::Restarting;
        detail = reason.isEmpty() ? QStringLiteral("starting %1").arg(describe()) : reason;
    } else if (busy > 0) {
        next = State::Running;
        detail = QStringLiteral("%1 of %2 workers busy, %3 calls queued")
                     .arg(busy)
                     .arg(m_size)
                     .arg(m_queue.size());
    } else {
        next = State::Ready;
        detail = QStringLiteral("%1 of %2 workers ready").arg(usable).arg(m_size);
    }
    const bool changed = next != m_state || (next == State::Failed && detail != m_detail)
                         || (next == State::Restarting && !reason.isEmpty());
    m_state = next;
    m_detail = detail;
    if (changed)
        Q_EMIT stateChanged(next, detail);
    if (next == State::Failed)
        failQueued(m_failure);
}

void WorkerPool::failQueued(const Error &error)
{
    std::deque<Queued> failed = std::exchange(m_queue, {});
    QPointer<WorkerPool> self(this);
    for (Queued &call : failed) {
        call.done(error);
        if (!self)
            return;
    }
}

} // namespace ango::callbacks::adapters
