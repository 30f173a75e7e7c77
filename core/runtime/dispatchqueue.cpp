#include "runtime/dispatchqueue.h"

#include <algorithm>

namespace ango::runtime {

DispatchQueue::DispatchQueue(int interactiveLimit, int workflowLimit)
    : m_interactiveLimit(std::max(1, interactiveLimit))
    , m_workflowLimit(std::max(1, workflowLimit))
{}

void DispatchQueue::setLimits(int interactiveLimit, int workflowLimit)
{
    m_interactiveLimit = std::max(1, interactiveLimit);
    m_workflowLimit = std::max(1, workflowLimit);
}

void DispatchQueue::enqueue(QueuedRun run)
{
    (run.workflow ? m_workflow : m_interactive).push_back(std::move(run));
}

std::optional<QueuedRun> DispatchQueue::takeNext()
{
    if (!m_interactive.empty() && runningInteractive() < m_interactiveLimit) {
        QueuedRun run = std::move(m_interactive.front());
        m_interactive.pop_front();
        m_runningInteractiveIds.insert(run.requestId);
        return run;
    }
    return takeWorkflow();
}

std::optional<QueuedRun> DispatchQueue::takeWorkflow()
{
    if (m_workflow.empty() || int(m_runningWorkflow.size()) >= m_workflowLimit)
        return std::nullopt;
    QSet<QString> busyTasks;
    for (const QString &task : std::as_const(m_runningWorkflow))
        busyTasks.insert(task);
    // The earliest run whose task is idle; a later run of a busy task waits behind its elders,
    // and every earlier run of an idle task has already started, so per-task order holds.
    for (auto it = m_workflow.begin(); it != m_workflow.end(); ++it) {
        if (busyTasks.contains(it->taskId))
            continue;
        QueuedRun run = std::move(*it);
        m_workflow.erase(it);
        m_runningWorkflow.insert(run.requestId, run.taskId);
        return run;
    }
    return std::nullopt;
}

void DispatchQueue::finish(quint64 requestId)
{
    if (!m_runningInteractiveIds.remove(requestId))
        m_runningWorkflow.remove(requestId);
}

bool DispatchQueue::removeQueued(quint64 requestId)
{
    for (auto *queue : {&m_interactive, &m_workflow}) {
        const auto it
            = std::find_if(queue->begin(), queue->end(), [requestId](const QueuedRun &run) {
                  return run.requestId == requestId;
              });
        if (it != queue->end()) {
            queue->erase(it);
            return true;
        }
    }
    return false;
}

QList<QueuedRun> DispatchQueue::takeAllQueued()
{
    QList<QueuedRun> all;
    for (auto *queue : {&m_interactive, &m_workflow}) {
        for (auto &run : *queue)
            all.append(std::move(run));
        queue->clear();
    }
    return all;
}

} // namespace ango::runtime
