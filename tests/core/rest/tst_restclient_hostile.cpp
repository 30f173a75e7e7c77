// The REST client's limits against a hostile HTTP peer (tests/peers/node/hostile.js): a body
// dripped a byte at a time, and bodies far above the size limit, with and without
// Content-Length.

#include "hostilepeer.h"
#include "recordinghttpserver.h"
#include "rest/restclient.h"
#include "restresult.h"

#include <QElapsedTimer>
#include <QTest>

#include <optional>

using namespace std::chrono_literals;
using ango::Result;
using ango::rest::RestClient;
using ango::rest::RetryPolicy;
using ango::test::fastRetryPolicy;
using ango::test::PeerProcess;
using ango::test::RestOutcome;

namespace {

constexpr int kPeerStartMs = 15000;

std::unique_ptr<PeerProcess> startPeer(const QString &mode, QMap<QString, QString> env)
{
    env.insert(QStringLiteral("MODE"), mode);
    return ango::test::startHostilePeer(env); // the caller waits for its port
}

int requestCount(const PeerProcess &peer)
{
    return int(peer.standardError().count(QStringLiteral("request GET")));
}

} // namespace

class TestRestClientHostile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void drippedBodyIsCutByTheCallTimeout();
    void oversizedBodyIsRefusedWithoutRetry_data();
    void oversizedBodyIsRefusedWithoutRetry();
    void deeplyNestedResponseIsRefusedBeforeParsing();
};

void TestRestClientHostile::drippedBodyIsCutByTheCallTimeout()
{
    // 1000 bytes at one per 100 ms: 100 s for the whole body, data never silent for 5 s.
    auto peer
        = startPeer(QStringLiteral("drip"), {{QStringLiteral("SIZE"), QStringLiteral("1000")},
                                             {QStringLiteral("DRIP_MS"), QStringLiteral("100")}});
    QTRY_VERIFY_WITH_TIMEOUT(peer->port() > 0, kPeerStartMs);
    RestClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(peer->port())));
    RetryPolicy policy = fastRetryPolicy(3);
    policy.callTimeout = 600ms;
    client.setRetryPolicy(policy);
    RestOutcome<nlohmann::json> outcome;
    QElapsedTimer clock;
    clock.start();
    client.getProject(QStringLiteral("key"), QStringLiteral("P1"), outcome.callback());

    QTRY_VERIFY2_WITH_TIMEOUT(outcome.result.has_value(), qPrintable(peer->diagnostics()), 8000);
    // The attempt is cut at callTimeout; by then the call is too old for another attempt, so the
    // whole call ends within twice callTimeout, however slowly the server drips.
    QVERIFY(clock.elapsed() >= 600);
    QVERIFY2(clock.elapsed() < 2 * 600 + 1000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(outcome.calls, 1);
    QVERIFY2(outcome.error().contains(QStringLiteral("callTimeout")), qPrintable(outcome.error()));
    QVERIFY2(outcome.error().contains(QStringLiteral("no retry")), qPrintable(outcome.error()));
    QCOMPARE(requestCount(*peer), 1);
}

void TestRestClientHostile::oversizedBodyIsRefusedWithoutRetry_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("expected");
    // 64 MiB against a 1 MiB limit: refused from the header, or once 1 MiB has been read.
    QTest::newRow("Content-Length") << QStringLiteral("huge") << QStringLiteral("Content-Length");
    QTest::newRow("chunked") << QStringLiteral("chunked") << QStringLiteral("more than 1048576");
}

void TestRestClientHostile::oversizedBodyIsRefusedWithoutRetry()
{
    QFETCH(QString, mode);
    QFETCH(QString, expected);
    auto peer = startPeer(mode, {{QStringLiteral("SIZE"), QString::number(64 * 1024 * 1024)}});
    QTRY_VERIFY_WITH_TIMEOUT(peer->port() > 0, kPeerStartMs);
    RestClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(peer->port())));
    RetryPolicy policy = fastRetryPolicy(3);
    policy.maxResponseBytes = 1024 * 1024;
    client.setRetryPolicy(policy);
    RestOutcome<QByteArray> outcome;
    client.fetchBytes(QStringLiteral("key"),
                      QUrl(QStringLiteral("http://127.0.0.1:%1/asset.png").arg(peer->port())),
                      outcome.callback());

    QTRY_VERIFY2_WITH_TIMEOUT(outcome.result.has_value(), qPrintable(peer->diagnostics()), 20000);
    QCOMPARE(outcome.calls, 1);
    QVERIFY2(outcome.error().contains(QStringLiteral("maxResponseBytes")),
             qPrintable(outcome.error()));
    QVERIFY2(outcome.error().contains(expected), qPrintable(outcome.error()));
    QVERIFY2(outcome.error().contains(QStringLiteral("/asset.png")), qPrintable(outcome.error()));
    QCOMPARE(requestCount(*peer), 1);
}

void TestRestClientHostile::deeplyNestedResponseIsRefusedBeforeParsing()
{
    // data.project is copied out of the response: a copy recurses once per level, and 1M levels
    // overflow the stack.
    constexpr int kDepth = 1'000'000;
    ango::test::RecordingHttpServer api;
    QVERIFY(api.listen());
    api.setFallback(ango::test::ScriptedResponse::text(
        200,
        QByteArray(R"({"data":{"project":)") + QByteArray(kDepth, '[') + QByteArray(kDepth, ']')
            + QByteArray("}}"),
        "application/json"));
    RestClient client(api.url());
    client.setRetryPolicy(fastRetryPolicy(3));
    RestOutcome<nlohmann::json> outcome;
    client.getProject(QStringLiteral("key"), QStringLiteral("P1"), outcome.callback());
    QTRY_VERIFY_WITH_TIMEOUT(outcome.result.has_value(), 10000);
    QCOMPARE(outcome.calls, 1);
    QVERIFY2(outcome.error().contains(QStringLiteral("nested deeper than 512 levels")),
             qPrintable(outcome.error()));
    QVERIFY2(outcome.error().contains(QStringLiteral("/v2/project/P1")),
             qPrintable(outcome.error()));
    QCOMPARE(api.requestCount(), 1);
}

QTEST_GUILESS_MAIN(TestRestClientHostile)
#include "tst_restclient_hostile.moc"
