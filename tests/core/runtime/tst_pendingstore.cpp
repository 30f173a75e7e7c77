#include "jsoncompare.h"
#include "runtime/pendingstore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using ango::runtime::PendingResult;
using ango::runtime::PendingStore;
using nlohmann::json;

// QCOMPARE cannot take nlohmann::json (its implicit conversions confuse QTest's overloads).

class tst_PendingStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void survivesARestart();
    void takenItemsAreGoneAfterARestart();
    void refusedDiskKeepsTheItemInMemory();
    void removalThatCannotBeWrittenIsRefused();
    void itemNeverWrittenCanBeTakenWhenTheDiskRefuses();
    void corruptFileIsMovedAside();
    void restoreKeepsTimeOrder();

private:
    static PendingResult item(const QString &id, qint64 secondsAgo = 0);
};

PendingResult tst_PendingStore::item(const QString &id, qint64 secondsAgo)
{
    PendingResult p;
    p.id = id;
    p.session = QStringLiteral("session-") + id;
    p.sessionValue = p.session.toStdString();
    p.workflow = id.endsWith(QLatin1Char('w'));
    p.taskId = p.workflow ? QStringLiteral("task-") + id : QString();
    p.request = {{"session", p.session.toStdString()}, {"apiKey", "***wxyz"}};
    p.result = {{"objects", json::array()},
                {"classifications", json::array()},
                {"relations", json::array()}};
    p.heldAt = QDateTime::currentDateTimeUtc().addSecs(-secondsAgo);
    return p;
}

void tst_PendingStore::survivesARestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sub/pending.json"));
    {
        PendingStore store(path);
        QVERIFY(store.load());
        QVERIFY(store.add(item(QStringLiteral("1"))));
        QVERIFY(store.add(item(QStringLiteral("2w"))));
        QVERIFY(store.isOnDisk(QStringLiteral("2w")));
    }
    PendingStore reopened(path);
    QVERIFY(reopened.load());
    QCOMPARE(reopened.items().size(), 2);
    const PendingResult *second = reopened.find(QStringLiteral("2w"));
    QVERIFY(second);
    QCOMPARE(second->session, QStringLiteral("session-2w"));
    QVERIFY(second->workflow);
    QCOMPARE(second->taskId, QStringLiteral("task-2w"));
    JSON_COMPARE(second->result["objects"], json::array());
    QVERIFY(second->heldAt.isValid());
}

void tst_PendingStore::takenItemsAreGoneAfterARestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pending.json"));
    PendingStore store(path);
    QVERIFY(store.add(item(QStringLiteral("1"))));
    QVERIFY(store.add(item(QStringLiteral("2"))));
    const auto taken = store.take(QStringLiteral("1"));
    QVERIFY(taken);
    QCOMPARE(taken->id, QStringLiteral("1"));
    QVERIFY(!store.take(QStringLiteral("1"))); // never twice

    PendingStore reopened(path);
    QVERIFY(reopened.load());
    QCOMPARE(reopened.items().size(), 1);
    QCOMPARE(reopened.items().constFirst().id, QStringLiteral("2"));
}

void tst_PendingStore::refusedDiskKeepsTheItemInMemory()
{
    QTemporaryDir dir;
    // A regular file where the store's folder should be: nothing can be written below it.
    const QString blocker = dir.filePath(QStringLiteral("blocker"));
    QFile file(blocker);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    PendingStore store(blocker + QStringLiteral("/pending.json"));
    const auto added = store.add(item(QStringLiteral("1")));
    QVERIFY(!added);
    QVERIFY2(added.error().message.contains(QStringLiteral("cannot write the pending results")),
             qPrintable(added.error().message));
    QCOMPARE(store.items().size(), 1);
    QVERIFY(!store.isOnDisk(QStringLiteral("1")));
}

void tst_PendingStore::removalThatCannotBeWrittenIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pending.json"));
    PendingStore store(path);
    QVERIFY(store.add(item(QStringLiteral("1"))));
    // The file becomes a directory: the next write fails, while the old content would come back
    // after a restart, so taking the item now could deliver it twice.
    QVERIFY(QFile::remove(path));
    QVERIFY(QDir().mkpath(path + QStringLiteral("/x")));
    const auto taken = store.take(QStringLiteral("1"));
    QVERIFY(!taken);
    QVERIFY2(taken.error().message.contains(QStringLiteral("not delivered twice")),
             qPrintable(taken.error().message));
    QCOMPARE(store.items().size(), 1);
}

void tst_PendingStore::itemNeverWrittenCanBeTakenWhenTheDiskRefuses()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pending.json"));
    QVERIFY(QDir().mkpath(path + QStringLiteral("/x")));
    PendingStore store(path);
    QVERIFY(!store.add(item(QStringLiteral("1"))));
    const auto taken = store.take(QStringLiteral("1"));
    QVERIFY(taken); // it cannot come back after a restart: delivering it is safe
    QCOMPARE(store.items().size(), 0);
}

void tst_PendingStore::corruptFileIsMovedAside()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pending.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"pending\": [ {\"id\": ");
    file.close();
    PendingStore store(path);
    const auto loaded = store.load();
    QVERIFY(!loaded);
    QVERIFY2(loaded.error().message.contains(QStringLiteral("moved to")),
             qPrintable(loaded.error().message));
    QVERIFY(QFile::exists(path + QStringLiteral(".corrupt")));
    QVERIFY(!QFile::exists(path));
    QCOMPARE(store.items().size(), 0);
}

void tst_PendingStore::restoreKeepsTimeOrder()
{
    PendingStore store; // memory only
    QVERIFY(store.add(item(QStringLiteral("old"), 30)));
    QVERIFY(store.add(item(QStringLiteral("mid"), 20)));
    QVERIFY(store.add(item(QStringLiteral("new"), 10)));
    auto taken = store.take(QStringLiteral("mid"));
    QVERIFY(taken);
    QVERIFY(store.restore(std::move(taken.value())));
    QCOMPARE(store.items().at(1).id, QStringLiteral("mid"));
}

QTEST_GUILESS_MAIN(tst_PendingStore)
#include "tst_pendingstore.moc"
