#pragma once

#include "callbacks/callback.h"

#include <QList>
#include <QSet>

#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

// A Callback served by N worker processes: calls queue FIFO for a free worker; a worker that dies
// is restarted (its call gets an error naming the exit code or signal); cancel() kills and
// restarts the worker of the call. Workers start when the pool is created (so a script that
// does not import shows up at once), and again on the next call after they failed.
namespace ango::callbacks::adapters {

class Worker;

class WorkerPool : public Callback
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WorkerPool)

public:
    explicit WorkerPool(int size, QObject *parent = nullptr);
    // Calls still queued or running are dropped without `done`: the runtime is gone by then.
    ~WorkerPool() override;

    void invoke(Call call, Done done) override;
    void cancel(quint64 callId) override;
    void restart() override;
    State state() const override { return m_state; }

    int size() const { return m_size; }
    // Results larger than this (serialised) are refused with an error; set before the first call.
    void setMaxResultBytes(qint64 bytes) { m_maxResultBytes = bytes; }
    QString stateDetail() const { return m_detail; }
    // Of the workers whose process runs (tests, the GUI's process view).
    QList<qint64> processIds() const;

protected:
    virtual Worker *createWorker() = 0;
    // The author's code changed: idle workers restart now, busy ones after their call.
    void reloadWorkers(const QString &reason);
    const std::vector<Worker *> &workers() const { return m_workers; }

private:
    struct Queued
    {
        Call call;
        Done done;
    };
    struct Running
    {
        Worker *worker = nullptr;
        std::function<void(LogLevel, const QString &)> log;
        Done done;
    };

    void ensureStarted();
    void dispatch();
    void onCallFinished(Worker *worker, quint64 callId, const Result<nlohmann::json> &result);
    void onCrashed(Worker *worker, const QString &what, std::optional<quint64> callId);
    void onLoadFailed(const Error &error);
    void onLog(quint64 callId, LogLevel level, const QString &message);
    // Recomputes the state from the workers; a failed pool answers its queued calls. `reason`
    // is the detail of a Restarting state (default: "starting ...").
    void updateState(const QString &reason = {});
    void failQueued(const Error &error);

    int m_size;
    std::vector<Worker *> m_workers; // children of this
    std::deque<Queued> m_queue;
    std::unordered_map<quint64, Running> m_running;
    QSet<Worker *> m_reloadAfterCall;
    QHash<Worker *, quint64> m_lastCall; // the newest call each worker ran
    State m_state = State::Restarting;
    QString m_detail;
    Error m_failure; // why the workers are stopped, when they are
    int m_crashesInARow = 0;
    qint64 m_maxResultBytes = kDefaultMaxResultBytes;
    bool m_started = false;
};

} // namespace ango::callbacks::adapters
