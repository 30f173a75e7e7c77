#include "runtime/runregistry.h"

#include "runtime/pluginruntime.h"

namespace ango::runtime {

namespace {

RunOutcome outcomeOf(RequestStage stage)
{
    switch (stage) {
    case RequestStage::Delivered:
        return RunOutcome::Delivered;
    case RequestStage::Failed:
        return RunOutcome::Failed;
    case RequestStage::Discarded:
        return RunOutcome::Discarded;
    case RequestStage::Dropped:
        return RunOutcome::Dropped;
    default:
        return RunOutcome::Running;
    }
}

} // namespace

RunRegistry::RunRegistry(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<ango::runtime::RunStage>();
    qRegisterMetaType<ango::runtime::LocalRunResult>();
}

RunRegistry::~RunRegistry() = default;

void RunRegistry::observe(PluginRuntime *runtime)
{
    if (m_runtime)
        disconnect(m_runtime, nullptr, this, nullptr);
    m_runtime = runtime;
    m_byRequest.clear();
    m_awaited = 0;
    if (!runtime)
        return;
    connect(runtime, &PluginRuntime::requestProgressed, this, &RunRegistry::onProgress);
    connect(runtime, &PluginRuntime::resultReady, this, &RunRegistry::onResult);
}

const Run *RunRegistry::run(quint64 id) const
{
    const auto it = m_runs.find(id);
    return it == m_runs.end() ? nullptr : &it->second;
}

const Run *RunRegistry::runOfRequest(quint64 requestId) const
{
    return run(m_byRequest.value(requestId));
}

const Run *RunRegistry::runOfPending(const QString &pendingId) const
{
    return run(m_byPending.value(pendingId));
}

QList<const Run *> RunRegistry::runsOfSession(const QString &session) const
{
    QList<const Run *> found;
    if (session.isEmpty())
        return found;
    for (const auto &[id, run] : m_runs)
        if (run.session == session)
            found.append(&run);
    return found;
}

quint64 RunRegistry::startLocal(const nlohmann::json &payload)
{
    return runLocal(payload, 0);
}

Result<quint64> RunRegistry::replay(quint64 id, std::optional<nlohmann::json> request)
{
    const Run *original = run(id);
    if (!original)
        return makeError(tr("run %1 is not known (any more)").arg(id));
    if (!original->request.is_object())
        return makeError(tr("run %1 has no recorded request").arg(id));
    return runLocal(request ? *request : original->request, id);
}

quint64 RunRegistry::runLocal(const nlohmann::json &payload, quint64 replayOf)
{
    if (!m_runtime)
        return 0;
    const quint64 originalRequest = replayOf ? run(replayOf)->requestId : 0;
    m_starting = replayOf;
    m_startingLocal = true;
    // A C++ callback answers before runLocal() returns: the id is only known afterwards.
    const quint64 requestId = m_runtime->runLocal(
        payload,
        [this, guard = QPointer<RunRegistry>(this)](LocalRunResult outcome) {
            if (!guard)
                return;
            const quint64 id = m_byRequest.value(outcome.requestId);
            if (id == m_awaited)
                m_awaited = 0;
            if (id == m_cancelling || m_ignored.remove(id))
                return; // reported as cancelled; nobody waits for it
            Q_EMIT localRunFinished(id, outcome);
        },
        originalRequest);
    m_starting = 0;
    m_startingLocal = false;
    return m_byRequest.value(requestId);
}

quint64 RunRegistry::reviewOutside(const nlohmann::json &request, nlohmann::json result,
                                   std::function<void(const LocalRunResult &)> done)
{
    if (!m_runtime) {
        LocalRunResult outcome;
        outcome.result = std::move(result);
        done(outcome);
        return 0;
    }
    m_startingOutside = true;
    const quint64 requestId = m_runtime->reviewOutsideResult(
        request, std::move(result),
        [guard = QPointer<RunRegistry>(this), done = std::move(done)](LocalRunResult outcome) {
            if (guard && done)
                done(outcome);
        });
    m_startingOutside = false;
    return m_byRequest.value(requestId);
}

void RunRegistry::cancelAwaited(const QString &reason)
{
    if (m_awaited == 0 || !m_runtime)
        return;
    const quint64 id = m_awaited;
    m_cancelling = id; // the runtime answers the run's done callback from inside cancel()
    const Run *awaited = run(id);
    const Result<void> cancelled = awaited ? m_runtime->cancel(awaited->requestId, reason)
                                           : makeError(tr("run %1 is gone").arg(id));
    m_cancelling = 0;
    if (!cancelled)
        m_ignored.insert(id); // its result is on the way already: dropped when it comes
    if (m_awaited == id)
        m_awaited = 0;
    Q_EMIT localRunCancelled(id, reason);
}

Run &RunRegistry::add(quint64 requestId, RunSource source)
{
    forgetOldest();
    const quint64 id = ++m_nextId;
    Run &run = m_runs[id];
    run.id = id;
    run.requestId = requestId;
    run.source = source;
    m_byRequest.insert(requestId, id);
    return run;
}

void RunRegistry::forgetOldest()
{
    auto it = m_runs.begin();
    while (int(m_runs.size()) >= kMaxRuns && it != m_runs.end()) {
        const Run &run = it->second;
        if (!run.isFinished() && run.review != ReviewState::Held) {
            ++it;
            continue;
        }
        if (m_byRequest.value(run.requestId) == run.id)
            m_byRequest.remove(run.requestId);
        m_byPending.remove(run.pendingId);
        m_ignored.remove(run.id);
        it = m_runs.erase(it);
    }
}

void RunRegistry::onProgress(const RequestEvent &event)
{
    Run *run = nullptr;
    if (event.stage == RequestStage::Received) {
        const RunSource source = !event.local        ? RunSource::Hub
                                 : m_startingOutside ? RunSource::Outside
                                 : m_starting        ? RunSource::Replay
                                                     : RunSource::Local;
        run = &add(event.requestId, source);
        run->replayOf = event.local ? m_starting : 0;
        run->request = event.request;
        // Awaited from the start: a C++ callback may finish it before runLocal() returns.
        if (event.local && m_startingLocal)
            m_awaited = run->id;
        Q_EMIT runAdded(run->id);
    } else if (auto it = m_runs.find(m_byRequest.value(event.requestId)); it != m_runs.end()) {
        run = &it->second;
    }
    if (!run)
        return;
    run->session = event.session;
    run->workflow = event.workflow;
    const RunStage stage{event.stage, event.time, event.ok, event.durationMs, event.detail};
    run->stages.push_back(stage);
    switch (event.stage) {
    case RequestStage::Held:
        run->review = ReviewState::Held;
        run->pendingId = event.detail;
        m_byPending.insert(event.detail, run->id);
        break;
    case RequestStage::Delivered:
        if (run->review == ReviewState::Held)
            run->review = ReviewState::Approved;
        break;
    case RequestStage::Discarded:
        run->review = ReviewState::Discarded;
        break;
    default:
        break;
    }
    // A held result whose delivery failed is pending again, not finished.
    const bool pendingAgain
        = event.stage == RequestStage::Failed && run->review == ReviewState::Held;
    if (const RunOutcome outcome = outcomeOf(event.stage);
        outcome != RunOutcome::Running && !pendingAgain) {
        run->outcome = outcome;
        if (!event.ok)
            run->error = event.detail;
    }
    Q_EMIT runChanged(run->id, stage);
}

void RunRegistry::onResult(const RequestResult &result)
{
    const auto it = m_runs.find(m_byRequest.value(result.requestId));
    if (it == m_runs.end())
        return;
    Run *run = &it->second;
    run->result = result.result;
    run->answer = result.answer;
    run->problems = result.problems;
}

} // namespace ango::runtime
