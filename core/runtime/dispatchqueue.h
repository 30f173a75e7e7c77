#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <algorithm>
#include <deque>
#include <optional>

// Which queued run may start now. Interactive runs share one limit; workflow runs another, and
// two runs of the same task never overlap and start in arrival order (the SDK runs workflow jobs
// one at a time, FIFO; with a limit above 1 we keep that order per task). Nothing is dropped:
// the queue's length is bounded, and the caller refuses (answers "busy") what isFull() turns away.
namespace ango::runtime {

struct QueuedRun
{
    quint64 requestId = 0;
    bool workflow = false;
    QString taskId;
};

class DispatchQueue
{
public:
    DispatchQueue(int interactiveLimit, int workflowLimit);

    void setLimits(int interactiveLimit, int workflowLimit);
    // Runs waiting at most (interactive and workflow together); 0: unbounded.
    void setMaxQueued(int maxQueued) { m_maxQueued = std::max(0, maxQueued); }
    int maxQueued() const { return m_maxQueued; }
    bool isFull() const { return m_maxQueued > 0 && queuedCount() >= m_maxQueued; }
    void enqueue(QueuedRun run);
    // The next run allowed to start, now marked running; none when every allowed slot is busy.
    std::optional<QueuedRun> takeNext();
    // A running run ended (its slot is free); unknown ids are ignored.
    void finish(quint64 requestId);
    // Removes a run that has not started yet; false when it is not queued.
    bool removeQueued(quint64 requestId);
    // Empties the queue (shutdown); running runs stay counted until finish().
    QList<QueuedRun> takeAllQueued();

    int queuedCount() const { return int(m_interactive.size() + m_workflow.size()); }
    int runningCount() const { return runningInteractive() + runningWorkflow(); }
    int runningInteractive() const { return int(m_runningInteractiveIds.size()); }
    int runningWorkflow() const { return int(m_runningWorkflow.size()); }

private:
    std::optional<QueuedRun> takeWorkflow();

    int m_interactiveLimit;
    int m_workflowLimit;
    int m_maxQueued = 0;
    std::deque<QueuedRun> m_interactive;
    std::deque<QueuedRun> m_workflow;
    QSet<quint64> m_runningInteractiveIds;
    // requestId → taskId of running workflow runs
    QHash<quint64, QString> m_runningWorkflow;
};

} // namespace ango::runtime
