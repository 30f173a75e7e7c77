// The Socket.IO client against python-socketio 5.7.2 on aiohttp (tests/peers/python/server.py),
// whose quirks differ from Node's: no maxPayload, events before the CONNECT reply, bare-string
// CONNECT_ERROR, kick without closing the WebSocket.

#include "clientrecorder.h"
#include "peerprocess.h"

#include <QSignalSpy>
#include <QTest>

using namespace ango::test;
using namespace std::chrono_literals;

namespace {

const QString kPlugin = QStringLiteral("/plugin");
constexpr int kPeerStartMs = 15000;
constexpr int kConnectMs = 10000;

} // namespace

class TestClientPython : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void eventBeforeConnectReplyIsDeliveredAfterConnected();
    void eventsBothWays();
    void ackCarriesReturnValue();
    void ackRequestedByServerIsSent();
    void unknownNamespaceGetsBareStringError();
    void refusedNamespaceCarriesData();
    void kickDoesNotReconnect();

private:
    Client &connectPlugin(std::optional<json> auth = {});

    std::unique_ptr<PeerProcess> m_peer;
    std::unique_ptr<Client> m_client;
    std::unique_ptr<ClientRecorder> m_rec;
};

// Joins /plugin and opens; the caller waits for the namespace.
Client &TestClientPython::connectPlugin(std::optional<json> auth)
{
    m_client = std::make_unique<Client>(testOptions(m_peer->port()));
    m_rec = std::make_unique<ClientRecorder>(m_client.get());
    m_client->joinNamespace(kPlugin, std::move(auth));
    m_client->open();
    return *m_client;
}

void TestClientPython::initTestCase()
{
    m_peer = startPythonPeer({{QStringLiteral("DEBUG_PEER"), QStringLiteral("1")}});
    QTRY_VERIFY2_WITH_TIMEOUT(m_peer->port() > 0, qPrintable(m_peer->diagnostics()), kPeerStartMs);
}

void TestClientPython::cleanup()
{
    if (QTest::currentTestFailed()) {
        if (m_rec)
            qWarning().noquote() << "client signals:\n  "
                                 << m_rec->log.join(QStringLiteral("\n  "));
        qWarning().noquote() << m_peer->diagnostics();
    }
    m_rec.reset();
    m_client.reset();
}

void TestClientPython::eventBeforeConnectReplyIsDeliveredAfterConnected()
{
    const json auth = {{"user", "py"}, {"text", "é€😀"}};
    auto &client = connectPlugin(auth);
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);
    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("welcome")), 1);

    // python sends "welcome" (emitted in its connect handler) before "40/plugin,{sid}": the client
    // must hold it until the namespace is connected, as the JS client's receiveBuffer does.
    const int connectedAt = m_rec->logIndex(QStringLiteral("namespaceConnected /plugin"));
    const int welcomeAt = m_rec->logIndex(QStringLiteral("event /plugin welcome"));
    QVERIFY2(connectedAt >= 0 && welcomeAt > connectedAt,
             qPrintable(m_rec->log.join(QLatin1Char('\n'))));
    // The auth reached the connect handler (python escapes non-ASCII as \uXXXX surrogate pairs).
    QCOMPARE(jsonText(m_rec->eventsNamed(QStringLiteral("welcome")).constFirst().args),
             jsonText(json::array({auth})));

    // python-engineio 4.3.4 sends no maxPayload; the handshake is parsed by key.
    const auto handshake = client.handshake();
    QVERIFY(handshake.has_value());
    QVERIFY(!handshake->maxPayload.has_value());
    QVERIFY(handshake->pingInterval == 25000ms);
    QVERIFY(handshake->pingTimeout == 20000ms);
}

void TestClientPython::eventsBothWays()
{
    auto &client = connectPlugin();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    // "shout" emits its arguments back as an event.
    const json args = json::array({"é€😀", 3, json{{"nested", json::array({1, nullptr})}}});
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("shout"), args).ok());
    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("shout")), 1);
    const auto event = m_rec->eventsNamed(QStringLiteral("shout")).constFirst();
    QCOMPARE(event.nsp, kPlugin);
    QCOMPARE(jsonText(event.args), jsonText(args));
    QVERIFY(!event.ackId.has_value());
}

void TestClientPython::ackCarriesReturnValue()
{
    auto &client = connectPlugin();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    // "echo" returns its arguments: a tuple, i.e. several ack arguments.
    auto [several, severalCallback] = AckBox::make();
    QVERIFY(client
                .emitEvent(kPlugin, QStringLiteral("echo"),
                           json::array({1, "two", json{{"k", true}}}), severalCallback)
                .ok());
    auto [none, noneCallback] = AckBox::make();
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), json::array(), noneCallback).ok());
    QTRY_VERIFY(several->result.has_value() && none->result.has_value());
    QVERIFY2(several->ok(), qPrintable(several->text()));
    QCOMPARE(several->text(), QStringLiteral(R"([1,"two",{"k":true}])"));
    QVERIFY2(none->ok(), qPrintable(none->text()));
    QCOMPARE(none->text(), QStringLiteral("[]"));
}

void TestClientPython::ackRequestedByServerIsSent()
{
    auto &client = connectPlugin();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    QVERIFY(
        client.emitEvent(kPlugin, QStringLiteral("emit-back"), json::array({json{{"x", 1}}})).ok());
    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("ack-me")), 1);
    const auto request = m_rec->eventsNamed(QStringLiteral("ack-me")).constFirst();
    QCOMPARE(jsonText(request.args), QStringLiteral(R"([{"x":1}])"));
    QVERIFY(request.ackId.has_value());
    const auto sent = client.sendAck(kPlugin, *request.ackId, json::array({"fine", 7}));
    QVERIFY2(sent.ok(), qPrintable(sent.error().message));
    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("acked")), 1);
    QCOMPARE(jsonText(m_rec->eventsNamed(QStringLiteral("acked")).constFirst().args),
             QStringLiteral(R"(["fine",7])"));
}

void TestClientPython::unknownNamespaceGetsBareStringError()
{
    auto &client = connectPlugin();
    const QString nope = QStringLiteral("/nope");
    client.joinNamespace(nope);
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectErrors.size(), 1, kConnectMs);
    // python 5.7.2 answers 44/nope,"Unable to connect": a string, not {"message": ...}.
    QCOMPARE(m_rec->connectErrors.constFirst().nsp, nope);
    QCOMPARE(m_rec->connectErrors.constFirst().message, QStringLiteral("Unable to connect"));
    QVERIFY(!client.isNamespaceConnected(nope));

    // The connection and /plugin are unaffected.
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);
    auto [box, callback] = AckBox::make();
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), json::array({"ok"}), callback).ok());
    QTRY_VERIFY(box->result.has_value());
    QCOMPARE(box->text(), QStringLiteral(R"(["ok"])"));
    QVERIFY(m_rec->disconnects.isEmpty());
}

void TestClientPython::refusedNamespaceCarriesData()
{
    auto &client = connectPlugin();
    const QString privateNsp = QStringLiteral("/private");
    client.joinNamespace(privateNsp, json{{"token", "wrong"}});
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectErrors.size(), 1, kConnectMs);
    const auto error = m_rec->connectErrors.constFirst();
    QCOMPARE(error.nsp, privateNsp);
    QCOMPARE(error.message, QStringLiteral("not authorized"));
    QCOMPARE(jsonText(error.data), QStringLiteral(R"({"code":42})"));
    QVERIFY(!client.isNamespaceConnected(privateNsp));

    QSignalSpy errors(&client, &Client::namespaceConnectError);
    QVERIFY(!errors.wait(1000)); // not retried
    QVERIFY(m_rec->reconnects.isEmpty());
}

void TestClientPython::kickDoesNotReconnect()
{
    auto &client = connectPlugin();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("kick")).ok());
    QTRY_VERIFY(!m_rec->namespaceDisconnects.isEmpty());
    QCOMPARE(m_rec->namespaceDisconnects.constFirst().first, kPlugin);
    QCOMPARE(m_rec->namespaceDisconnects.constFirst().second,
             QStringLiteral("io server disconnect"));
    QVERIFY(!client.isNamespaceConnected(kPlugin));
    // python keeps the WebSocket open after "41"; with no namespace left the client closes it.
    QTRY_COMPARE(client.state(), Client::State::Disconnected);

    QSignalSpy reconnects(&client, &Client::reconnectScheduled);
    QVERIFY(!reconnects.wait(1000));
    QCOMPARE(m_rec->connectCount(kPlugin), 1);
    QVERIFY(m_rec->reconnects.isEmpty());
}

QTEST_GUILESS_MAIN(TestClientPython)
#include "tst_client_python.moc"
