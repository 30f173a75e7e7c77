#pragma once

#include "common/result.h"
#include "runtime/run.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <functional>
#include <map>

namespace ango::runtime {

class PluginRuntime;

// Owns the runs of the console: every run of the observed runtime, whatever its source, from its
// request to its outcome (typed stages, result, problems, review state). It also knows which
// local run the user waits for, so windows do not count runs themselves. Bounded: the oldest
// finished runs are forgotten beyond kMaxRuns. Lives on the runtime's thread.
class RunRegistry final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunRegistry)

public:
    static constexpr int kMaxRuns = 500;

    explicit RunRegistry(QObject *parent = nullptr);
    ~RunRegistry() override;

    // Follows this runtime from now on (a rebuilt runtime replaces the previous one; its runs
    // stay in the registry).
    void observe(PluginRuntime *runtime);

    const Run *run(quint64 id) const;
    const Run *runOfRequest(quint64 requestId) const; // of the observed runtime
    const Run *runOfPending(const QString &pendingId) const;
    // Runs of a session, oldest first (a replay shares its original's session).
    QList<const Run *> runsOfSession(const QString &session) const;
    int size() const { return int(m_runs.size()); }

    // A local run the console waits for: the outcome comes through localRunFinished(), or
    // localRunCancelled() after cancelAwaited(). Returns the run's id.
    quint64 startLocal(const nlohmann::json &payload);
    // Re-sends the recorded request of run `id` exactly (same mapping, config, asset, key),
    // marked as a replay. `request` overrides it (e.g. with the current settings).
    Result<quint64> replay(quint64 id, std::optional<nlohmann::json> request = std::nullopt);
    void cancelAwaited(const QString &reason);
    // The result an outside plugin returned for a run of the console's Local hub: it becomes a
    // run (source Outside) that goes through the review gate like every other one
    // (PluginRuntime::reviewOutsideResult); `done` gets its outcome. Without a runtime, `done`
    // gets the result as it is at once. Returns the run's id (0 without a runtime).
    quint64 reviewOutside(const nlohmann::json &request, nlohmann::json result,
                          std::function<void(const LocalRunResult &)> done);
    quint64 awaited() const { return m_awaited; }

Q_SIGNALS:
    void runAdded(quint64 id);
    void runChanged(quint64 id, const ango::runtime::RunStage &stage);
    void localRunFinished(quint64 id, const ango::runtime::LocalRunResult &outcome);
    void localRunCancelled(quint64 id, const QString &reason);

private:
    quint64 runLocal(const nlohmann::json &payload, quint64 replayOf);
    void onProgress(const RequestEvent &event);
    void onResult(const RequestResult &result);
    Run &add(quint64 requestId, RunSource source);
    void forgetOldest();

    QPointer<PluginRuntime> m_runtime;
    std::map<quint64, Run> m_runs;       // by id, oldest first
    QHash<quint64, quint64> m_byRequest; // the observed runtime's request id → run id
    QHash<QString, quint64> m_byPending;
    quint64 m_nextId = 0;
    quint64 m_starting = 0;         // while runLocal() runs: the run it replays (0: none)
    quint64 m_awaited = 0;          // the local run the console waits for; 0: none
    quint64 m_cancelling = 0;       // the run cancelAwaited() stops right now
    bool m_startingLocal = false;   // while runLocal() runs
    bool m_startingOutside = false; // while reviewOutside() runs
    QSet<quint64> m_ignored;        // runs whose outcome nobody waits for any more
};

} // namespace ango::runtime

Q_DECLARE_METATYPE(ango::runtime::RunStage)
