// The Socket.IO client's limits against a hostile raw Engine.IO server
// (tests/peers/node/hostile.js): oversized messages, a CONNECT that is never answered, a flood of
// events before the answer.

#include "clientrecorder.h"
#include "hostilepeer.h"

#include <QSignalSpy>
#include <QTest>

using namespace ango::test;
using namespace std::chrono_literals;
using ango::socketio::ClientOptions;

namespace {

const QString kPlugin = QStringLiteral("/plugin");
constexpr int kPeerStartMs = 15000;
constexpr int kEventMs = 10000;

std::unique_ptr<PeerProcess> startPeer(const QString &mode, QMap<QString, QString> env = {})
{
    env.insert(QStringLiteral("MODE"), mode);
    return startHostilePeer(env); // the caller waits for its port
}

bool anyContains(const QStringList &texts, const QString &needle)
{
    return std::any_of(texts.cbegin(), texts.cend(),
                       [&](const QString &t) { return t.contains(needle); });
}

} // namespace

class TestClientHostile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void incomingMessageSizeIsLimited_data();
    void incomingMessageSizeIsLimited();
    void missingConnectReplyTimesOutAndReconnectsWithGrowingBackoff();
    void eventsBeforeConnectReplyAreBounded();
};

void TestClientHostile::incomingMessageSizeIsLimited_data()
{
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<bool>("refused");
    // The peer sends one 2 MiB EVENT as soon as /plugin's CONNECT arrives, then its reply.
    QTest::newRow("above the limit") << qint64(1) * 1024 * 1024 << true;
    QTest::newRow("within the limit") << qint64(4) * 1024 * 1024 << false;
}

void TestClientHostile::incomingMessageSizeIsLimited()
{
    QFETCH(qint64, limit);
    QFETCH(bool, refused);
    auto peer = startPeer(QStringLiteral("oversized"),
                          {{QStringLiteral("SIZE"), QString::number(2 * 1024 * 1024)}});
    QTRY_VERIFY_WITH_TIMEOUT(peer->port() > 0, kPeerStartMs);
    ClientOptions options = testOptions(peer->port());
    options.maxIncomingMessageBytes = limit;
    options.reconnectionDelay = 50ms;
    options.randomizationFactor = 0;
    Client client(options);
    ClientRecorder rec(&client);
    client.joinNamespace(kPlugin);
    client.open();

    if (refused) {
        QTRY_VERIFY2_WITH_TIMEOUT(
            anyContains(rec.disconnects, QStringLiteral("maxIncomingMessageBytes")),
            qPrintable(rec.log.join(QLatin1Char('\n')) + peer->diagnostics()), kEventMs);
        QVERIFY(anyContains(rec.disconnects, QString::number(limit)));
        // Every reconnection opens Engine.IO again, yet the backoff keeps growing.
        QTRY_VERIFY2_WITH_TIMEOUT(rec.reconnects.size() >= 3,
                                  qPrintable(rec.log.join(QLatin1Char('\n'))), kEventMs);
        QCOMPARE(rec.reconnects.at(2).first, 3);
        QCOMPARE(rec.events.size(), 0);
    } else {
        QTRY_VERIFY2_WITH_TIMEOUT(rec.eventCount(QStringLiteral("big")) == 1,
                                  qPrintable(rec.log.join(QLatin1Char('\n')) + peer->diagnostics()),
                                  kEventMs);
        QVERIFY(rec.disconnects.isEmpty());
    }
}

void TestClientHostile::missingConnectReplyTimesOutAndReconnectsWithGrowingBackoff()
{
    auto peer = startPeer(QStringLiteral("noack"));
    QTRY_VERIFY_WITH_TIMEOUT(peer->port() > 0, kPeerStartMs);
    ClientOptions options = testOptions(peer->port());
    options.connectAckTimeout = 300ms;
    options.reconnectionDelay = 100ms;
    options.reconnectionDelayMax = 10000ms;
    options.randomizationFactor = 0;
    Client client(options);
    ClientRecorder rec(&client);
    client.joinNamespace(kPlugin);
    client.open();

    // The peer answers pings throughout, so only the CONNECT deadline can end each attempt.
    QTRY_VERIFY2_WITH_TIMEOUT(rec.reconnects.size() >= 3,
                              qPrintable(rec.log.join(QLatin1Char('\n')) + peer->diagnostics()),
                              kEventMs);
    QVERIFY2(anyContains(rec.disconnects, QStringLiteral("connectAckTimeout")),
             qPrintable(rec.log.join(QLatin1Char('\n'))));
    QVERIFY(anyContains(rec.disconnects, kPlugin));
    // Backoff grows although every attempt opens Engine.IO: 100, 200, 400 ms.
    QCOMPARE(rec.reconnects.at(0).first, 1);
    QCOMPARE(rec.reconnects.at(1).first, 2);
    QCOMPARE(rec.reconnects.at(2).first, 3);
    QVERIFY(rec.reconnects.at(2).second > rec.reconnects.at(0).second);
    QTRY_VERIFY_WITH_TIMEOUT(peer->standardError().contains(QStringLiteral("connection 3")),
                             kEventMs);
    QCOMPARE(rec.connectCount(kPlugin), 0);
}

void TestClientHostile::eventsBeforeConnectReplyAreBounded()
{
    auto peer
        = startPeer(QStringLiteral("flood"), {{QStringLiteral("COUNT"), QStringLiteral("5000")}});
    QTRY_VERIFY_WITH_TIMEOUT(peer->port() > 0, kPeerStartMs);
    ClientOptions options = testOptions(peer->port());
    options.maxEventsBeforeConnect = 100;
    options.connectAckTimeout = 0ms; // only the event bound may end the connection
    options.reconnection = false;
    Client client(options);
    ClientRecorder rec(&client);
    client.joinNamespace(kPlugin);
    client.open();

    QTRY_VERIFY2_WITH_TIMEOUT(
        anyContains(rec.protocolErrors, QStringLiteral("maxEventsBeforeConnect")),
        qPrintable(rec.log.join(QLatin1Char('\n')) + peer->diagnostics()), kEventMs);
    QVERIFY(anyContains(rec.protocolErrors, QStringLiteral("more than 100 events")));
    QVERIFY(anyContains(rec.disconnects, QStringLiteral("maxEventsBeforeConnect")));
    QCOMPARE(rec.events.size(), 0);
}

QTEST_GUILESS_MAIN(TestClientHostile)
#include "tst_client_hostile.moc"
