#include "runtime/dispatchqueue.h"

#include <QTest>

using ango::runtime::DispatchQueue;
using ango::runtime::QueuedRun;

class tst_DispatchQueue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void interactiveRunsUpToTheLimitInArrivalOrder();
    void nothingIsDropped();
    void workflowIsFifoOneAtATimeByDefault();
    void workflowKeepsPerTaskOrderAboveOne();
    void interactiveDoesNotWaitForWorkflow();
    void shutdownTakesTheQueue();
    void lengthLimitCountsWaitingRunsOnly();
};

static QList<quint64> drain(DispatchQueue &queue)
{
    QList<quint64> started;
    while (auto run = queue.takeNext())
        started << run->requestId;
    return started;
}

void tst_DispatchQueue::interactiveRunsUpToTheLimitInArrivalOrder()
{
    DispatchQueue queue(2, 1);
    for (quint64 id = 1; id <= 5; ++id)
        queue.enqueue(QueuedRun{id, false, {}});
    QCOMPARE(drain(queue), (QList<quint64>{1, 2}));
    QCOMPARE(queue.queuedCount(), 3);
    queue.finish(2);
    QCOMPARE(drain(queue), (QList<quint64>{3}));
    queue.finish(1);
    queue.finish(3);
    QCOMPARE(drain(queue), (QList<quint64>{4, 5}));
    QCOMPARE(queue.runningCount(), 2);
}

void tst_DispatchQueue::nothingIsDropped()
{
    DispatchQueue queue(8, 1);
    for (quint64 id = 1; id <= 1000; ++id)
        queue.enqueue(QueuedRun{id, false, {}});
    QList<quint64> all;
    while (all.size() < 1000) {
        const auto started = drain(queue);
        QVERIFY(!started.isEmpty());
        QVERIFY(queue.runningCount() <= 8);
        for (const quint64 id : started)
            queue.finish(id);
        all += started;
    }
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(all.at(i), quint64(i + 1));
    QCOMPARE(queue.queuedCount(), 0);
}

void tst_DispatchQueue::workflowIsFifoOneAtATimeByDefault()
{
    DispatchQueue queue(4, 1);
    queue.enqueue(QueuedRun{1, true, QStringLiteral("A")});
    queue.enqueue(QueuedRun{2, true, QStringLiteral("B")});
    queue.enqueue(QueuedRun{3, true, QStringLiteral("C")});
    QCOMPARE(drain(queue), (QList<quint64>{1}));
    queue.finish(1);
    QCOMPARE(drain(queue), (QList<quint64>{2}));
    queue.finish(2);
    QCOMPARE(drain(queue), (QList<quint64>{3}));
}

void tst_DispatchQueue::workflowKeepsPerTaskOrderAboveOne()
{
    DispatchQueue queue(4, 3);
    queue.enqueue(QueuedRun{1, true, QStringLiteral("A")});
    queue.enqueue(QueuedRun{2, true, QStringLiteral("A")});
    queue.enqueue(QueuedRun{3, true, QStringLiteral("B")});
    queue.enqueue(QueuedRun{4, true, QStringLiteral("A")});
    queue.enqueue(QueuedRun{5, true, QStringLiteral("C")});
    // A's second and third runs wait for the first; B and C go ahead.
    QCOMPARE(drain(queue), (QList<quint64>{1, 3, 5}));
    queue.finish(3);
    QCOMPARE(drain(queue), QList<quint64>{}); // a free slot, but only task A is waiting
    queue.finish(1);
    QCOMPARE(drain(queue), (QList<quint64>{2}));
    queue.finish(2);
    QCOMPARE(drain(queue), (QList<quint64>{4}));
}

void tst_DispatchQueue::interactiveDoesNotWaitForWorkflow()
{
    DispatchQueue queue(1, 1);
    queue.enqueue(QueuedRun{1, true, QStringLiteral("A")});
    queue.enqueue(QueuedRun{2, true, QStringLiteral("B")});
    queue.enqueue(QueuedRun{3, false, {}});
    QCOMPARE(drain(queue), (QList<quint64>{3, 1}));
}

void tst_DispatchQueue::shutdownTakesTheQueue()
{
    DispatchQueue queue(1, 1);
    for (quint64 id = 1; id <= 3; ++id)
        queue.enqueue(QueuedRun{id, false, {}});
    QCOMPARE(drain(queue), (QList<quint64>{1}));
    const auto rest = queue.takeAllQueued();
    QCOMPARE(rest.size(), 2);
    QCOMPARE(queue.queuedCount(), 0);
    QCOMPARE(queue.runningCount(), 1);
    QVERIFY(!queue.removeQueued(2));
}

void tst_DispatchQueue::lengthLimitCountsWaitingRunsOnly()
{
    DispatchQueue queue(1, 1);
    queue.setMaxQueued(2);
    QVERIFY(!queue.isFull());
    queue.enqueue(QueuedRun{1, false, {}});
    QCOMPARE(drain(queue), (QList<quint64>{1})); // running: not in the queue
    queue.enqueue(QueuedRun{2, false, {}});
    QVERIFY(!queue.isFull());
    queue.enqueue(QueuedRun{3, true, QStringLiteral("t")});
    QCOMPARE(drain(queue), (QList<quint64>{3}));
    queue.enqueue(QueuedRun{4, true, QStringLiteral("t")});
    QVERIFY(queue.isFull()); // 2 and 4 wait: interactive and workflow count together
    QVERIFY(queue.removeQueued(4));
    QVERIFY(!queue.isFull());
    queue.setMaxQueued(0); // unbounded
    for (quint64 id = 10; id < 100; ++id)
        queue.enqueue(QueuedRun{id, false, {}});
    QVERIFY(!queue.isFull());
}

QTEST_GUILESS_MAIN(tst_DispatchQueue)
#include "tst_dispatchqueue.moc"
