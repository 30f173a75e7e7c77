// The Socket.IO client against the official Node socket.io 4.8 server (tests/peers/node/server.js).

#include "clientrecorder.h"
#include "peerprocess.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

using namespace ango::test;
using namespace std::chrono_literals;
using ango::socketio::ClientOptions;

namespace {

const QString kPlugin = QStringLiteral("/plugin");
const QString kRoot = QStringLiteral("/");
constexpr int kPeerStartMs = 15000;
constexpr int kConnectMs = 10000;

QMap<QString, QString> peerEnv(QMap<QString, QString> env = {})
{
    env.insert(QStringLiteral("DEBUG_PEER"), QStringLiteral("1")); // packet log for failure output
    return env;
}

// Delay bounds of reconnection attempt n (from 1): base*2^(n-1) capped at max, +-r. Holds
// whether the cap is applied before or after the jitter, as in the JS client's backoff.
std::pair<int, int> backoffBounds(int attempt, int base, int max, double r)
{
    const double nominal = std::min(double(max), base * std::pow(2.0, attempt - 1));
    return {int(std::floor(nominal * (1 - r))) - 1, int(std::ceil(nominal * (1 + r))) + 1};
}

} // namespace

class TestClientNode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void connectsNamespaceWithAuth();
    void joinsRootAndPluginNamespaces();
    void eventsBothWays();
    void framesOfEverySizeReachTheServer_data();
    void framesOfEverySizeReachTheServer();
    void ackFromServerReachesCallback();
    void ackRequestedByServerIsSent();
    void ackTimeoutReportsError();
    void pendingAckFailsOnTransportLoss();
    void binaryEventAndAckDecoded();
    void emitErrorsForReservedNamesAndUnknownNamespaces();
    void serverKickDoesNotReconnect();
    void middlewareRefusalReportsErrorWithoutReconnect();
    void transportDropReconnectsWithNewSid();
    void restartedServerGetsQueuedEmitsOnceInOrder();
    void emitAboveMaxPayloadIsRefused();
    void emitWithTooManyAttachmentsIsRefused();
    void pingTimeoutWhenServerStops();
    void reconnectBackoffSignalsAndAttemptLimit();
    void engineIoUrl_data();
    void engineIoUrl();
    void queueOverflowSignalsAndRefuses();
    void closeDoesNotReconnect();
    void destroyWhileReconnectingIsSafe();

private:
    Client &makeClient(ClientOptions options);
    std::shared_ptr<AckBox> countReceived(const QString &event);

    std::unique_ptr<PeerProcess> m_peer;    // default settings, shared by the suite
    std::unique_ptr<PeerProcess> m_ownPeer; // a test's own peer (special settings, killed, paused)
    std::unique_ptr<Client> m_client;
    std::unique_ptr<ClientRecorder> m_rec;
};

Client &TestClientNode::makeClient(ClientOptions options)
{
    m_client = std::make_unique<Client>(std::move(options));
    m_rec = std::make_unique<ClientRecorder>(m_client.get());
    return *m_client;
}

// Asks the peer (ack of "count") for the payloads it received for `event`, in arrival order.
std::shared_ptr<AckBox> TestClientNode::countReceived(const QString &event)
{
    auto [box, callback] = AckBox::make();
    const auto sent = m_client->emitEvent(kPlugin, QStringLiteral("count"),
                                          json::array({event.toStdString()}), callback);
    if (!sent.ok())
        box->result.emplace(sent.error());
    return box;
}

void TestClientNode::initTestCase()
{
    m_peer = startNodePeer(peerEnv());
    QTRY_VERIFY2_WITH_TIMEOUT(m_peer->port() > 0, qPrintable(m_peer->diagnostics()), kPeerStartMs);
}

void TestClientNode::cleanup()
{
    if (QTest::currentTestFailed()) {
        if (m_rec)
            qWarning().noquote() << "client signals:\n  "
                                 << m_rec->log.join(QStringLiteral("\n  "));
        qWarning().noquote() << (m_ownPeer ? m_ownPeer : m_peer)->diagnostics();
    }
    m_rec.reset();
    m_client.reset();
    m_ownPeer.reset();
}

void TestClientNode::connectsNamespaceWithAuth()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    const json auth = {{"user", "tester"}, {"n", 1}};
    client.joinNamespace(kPlugin, auth);
    client.open();

    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);
    QVERIFY(!m_rec->sidOfConnect(kPlugin, 0).isEmpty());
    QVERIFY(client.isNamespaceConnected(kPlugin));
    QVERIFY(!client.isNamespaceConnected(kRoot)); // v5: "/" is never joined implicitly
    QCOMPARE(client.state(), Client::State::Connected);
    const auto handshake = client.handshake();
    QVERIFY(handshake.has_value());
    QVERIFY(!handshake->sid.empty());
    QVERIFY(handshake->pingInterval == 25000ms);
    QCOMPARE(handshake->maxPayload.value_or(-1), std::int64_t{1000000});

    // The server emits "auth" with socket.handshake.auth on connection.
    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("auth")), 1);
    const auto event = m_rec->eventsNamed(QStringLiteral("auth")).constFirst();
    QCOMPARE(event.nsp, kPlugin);
    QCOMPARE(jsonText(event.args), jsonText(json::array({auth})));
    QVERIFY(!event.ackId.has_value());
}

void TestClientNode::joinsRootAndPluginNamespaces()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kRoot);
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kRoot), 1, kConnectMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    QVERIFY(client.emitEvent(kRoot, QStringLiteral("echo"), json::array({"to root"})).ok());
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), json::array({"to plugin"})).ok());
    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("echo")), 2);
    const auto rootEchoes = m_rec->eventsNamed(QStringLiteral("echo"), kRoot);
    const auto pluginEchoes = m_rec->eventsNamed(QStringLiteral("echo"), kPlugin);
    QCOMPARE(rootEchoes.size(), 1);
    QCOMPARE(pluginEchoes.size(), 1);
    QCOMPARE(jsonText(rootEchoes.constFirst().args), QStringLiteral(R"(["to root"])"));
    QCOMPARE(jsonText(pluginEchoes.constFirst().args), QStringLiteral(R"(["to plugin"])"));

    // Leaving one namespace keeps the other (and the connection) up.
    client.leaveNamespace(kRoot);
    QTRY_VERIFY(!client.isNamespaceConnected(kRoot));
    QVERIFY(client.isNamespaceConnected(kPlugin));
    auto [box, callback] = AckBox::make();
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), json::array({1}), callback).ok());
    QTRY_VERIFY2(box->result.has_value(), qPrintable(box->text()));
    QCOMPARE(box->text(), QStringLiteral("[1]"));
}

void TestClientNode::eventsBothWays()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    // Without an ack request the server emits "echo" back with the same arguments.
    const json args = json::array({"é€😀", 2, json{{"k", json::array({true, nullptr, 1.5})}}});
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), args).ok());
    // A single non-array value is one argument.
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), json("solo")).ok());

    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("echo")), 2);
    const auto echoes = m_rec->eventsNamed(QStringLiteral("echo"));
    QCOMPARE(jsonText(echoes.at(0).args), jsonText(args));
    QVERIFY(!echoes.at(0).ackId.has_value());
    QCOMPARE(jsonText(echoes.at(1).args), QStringLiteral(R"(["solo"])"));
}

// The client writes its WebSocket frames itself: the 7-, 16- and 64-bit length forms, and masked
// payloads whose length is not a multiple of 8, must all reach the server intact (it closes the
// connection on a bad frame) and come back as sent, in order.
void TestClientNode::framesOfEverySizeReachTheServer_data()
{
    QTest::addColumn<int>("textSize"); // the string argument's length; the frame adds ~20 bytes
    for (const int size :
         {0, 1, 7, 100, 104, 105, 106, 107, 65000, 65512, 65513, 65514, 70001, 300003})
        QTest::addRow("%d", size) << size;
}

void TestClientNode::framesOfEverySizeReachTheServer()
{
    QFETCH(int, textSize);
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    std::string text;
    for (int i = 0; i < textSize; ++i)
        text.push_back(char('a' + i % 26));
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), json::array({text, 1})).ok());
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), json::array({2})).ok());
    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("echo")), 2);
    const auto echoes = m_rec->eventsNamed(QStringLiteral("echo"));
    QCOMPARE(jsonText(echoes.at(0).args), jsonText(json::array({text, 1})));
    QCOMPARE(jsonText(echoes.at(1).args), QStringLiteral("[2]"));
    QCOMPARE(m_rec->connectCount(kPlugin), 1); // never dropped and reconnected
}

void TestClientNode::ackFromServerReachesCallback()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    const json args = json::array({1, "two", json{{"three", 3}}});
    auto [several, severalCallback] = AckBox::make();
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), args, severalCallback).ok());
    auto [none, noneCallback] = AckBox::make();
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), json::array(), noneCallback).ok());

    QTRY_VERIFY(several->result.has_value() && none->result.has_value());
    QVERIFY2(several->ok(), qPrintable(several->text()));
    QCOMPARE(jsonText(several->result->value()), jsonText(args));
    QVERIFY2(none->ok(), qPrintable(none->text()));
    QCOMPARE(jsonText(none->result->value()), QStringLiteral("[]"));
    // With an ack the server does not emit "echo" as well.
    QCOMPARE(m_rec->eventCount(QStringLiteral("echo")), 0);
    QCOMPARE(several->calls, 1);
    QCOMPARE(none->calls, 1);
}

void TestClientNode::ackRequestedByServerIsSent()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    QVERIFY(
        client.emitEvent(kPlugin, QStringLiteral("emit-back"), json::array({json{{"x", 1}}})).ok());
    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("ack-me")), 1);
    const auto request = m_rec->eventsNamed(QStringLiteral("ack-me")).constFirst();
    QCOMPARE(jsonText(request.args), QStringLiteral(R"([{"x":1}])"));
    QVERIFY(request.ackId.has_value());

    const auto sent = client.sendAck(kPlugin, *request.ackId, json::array({"fine", 7}));
    QVERIFY2(sent.ok(), qPrintable(sent.error().message));
    // The server reports the arguments its ack callback received.
    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("acked")), 1);
    QCOMPARE(jsonText(m_rec->eventsNamed(QStringLiteral("acked")).constFirst().args),
             QStringLiteral(R"(["fine",7])"));
}

void TestClientNode::ackTimeoutReportsError()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    // The server has no handler for this event, so no ack ever comes.
    auto [box, callback] = AckBox::make();
    QElapsedTimer elapsed;
    elapsed.start();
    QVERIFY(
        client.emitEvent(kPlugin, QStringLiteral("no-handler"), json::array({1}), callback, 300ms)
            .ok());
    QTRY_VERIFY_WITH_TIMEOUT(box->result.has_value(), 5000);
    QVERIFY2(elapsed.elapsed() >= 290, qPrintable(QString::number(elapsed.elapsed())));
    QVERIFY2(!box->ok(), qPrintable(box->text()));
    QVERIFY2(box->result->error().message.contains(QStringLiteral("ack timeout")),
             qPrintable(box->text()));
    QCOMPARE(box->calls, 1);

    // A timed-out ack does not hurt the connection.
    auto [echo, echoCallback] = AckBox::make();
    QVERIFY(client
                .emitEvent(kPlugin, QStringLiteral("echo"), json::array({"still"}), echoCallback,
                           5000ms)
                .ok());
    QTRY_VERIFY(echo->result.has_value());
    QCOMPARE(echo->text(), QStringLiteral(R"(["still"])"));
    QVERIFY(m_rec->disconnects.isEmpty());
}

void TestClientNode::pendingAckFailsOnTransportLoss()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    // The ack's own timeout is far away: the error must come from the disconnection.
    auto [box, callback] = AckBox::make();
    QVERIFY(
        client.emitEvent(kPlugin, QStringLiteral("no-handler"), json::array(), callback, 30000ms)
            .ok());
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("drop")).ok());
    QTRY_VERIFY_WITH_TIMEOUT(box->result.has_value(), 5000);
    QVERIFY2(!box->ok(), qPrintable(box->text()));
    QVERIFY2(box->result->error().message.contains(QStringLiteral("disconnected")),
             qPrintable(box->text()));
    QCOMPARE(box->calls, 1);
}

void TestClientNode::binaryEventAndAckDecoded()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    const auto sentBytes = json::binary({9, 8, 7, 0, 255});
    const auto serverBytes = json::binary({0, 1, 2, 0xfe, 0xff});
    // The reply: {server: <its buffer>, echoed: [<our buffer>], isBuffer: [true]}.
    auto checkReply = [&](const json &reply) {
        QVERIFY2(reply.is_object(), qPrintable(jsonText(reply)));
        QVERIFY2(reply.at("server").is_binary(), qPrintable(jsonText(reply)));
        QVERIFY2(reply.at("server") == serverBytes, qPrintable(jsonText(reply)));
        QVERIFY2(reply.at("echoed").at(0).is_binary(), qPrintable(jsonText(reply)));
        QVERIFY2(reply.at("echoed").at(0) == sentBytes, qPrintable(jsonText(reply)));
        QCOMPARE(jsonText(reply.at("isBuffer")), QStringLiteral("[true]")); // arrived as a Buffer
    };

    // BINARY_EVENT both ways.
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("binary"), json::array({sentBytes})).ok());
    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("binary")), 1);
    const auto event = m_rec->eventsNamed(QStringLiteral("binary")).constFirst();
    QCOMPARE(event.args.size(), std::size_t{1});
    checkReply(event.args.at(0));
    if (QTest::currentTestFailed())
        return;

    // BINARY_ACK.
    auto [box, callback] = AckBox::make();
    QVERIFY(client
                .emitEvent(kPlugin, QStringLiteral("binary"), json::array({sentBytes}), callback,
                           5000ms)
                .ok());
    QTRY_VERIFY(box->result.has_value());
    QVERIFY2(box->ok(), qPrintable(box->text()));
    QCOMPARE(box->result->value().size(), std::size_t{1});
    checkReply(box->result->value().at(0));
}

void TestClientNode::emitErrorsForReservedNamesAndUnknownNamespaces()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    // Node closes the whole connection on a reserved name or a namespace not joined: refuse
    // locally.
    for (const char *reserved : {"connect", "connect_error", "disconnect", "disconnecting"})
        QVERIFY2(!client.emitEvent(kPlugin, QString::fromLatin1(reserved)).ok(), reserved);
    QVERIFY(!client.emitEvent(QStringLiteral("/never-joined"), QStringLiteral("echo")).ok());

    auto [box, callback] = AckBox::make();
    QVERIFY(
        client.emitEvent(kPlugin, QStringLiteral("echo"), json::array({"alive"}), callback).ok());
    QTRY_VERIFY(box->result.has_value());
    QCOMPARE(box->text(), QStringLiteral(R"(["alive"])"));
    QVERIFY(m_rec->disconnects.isEmpty());
}

void TestClientNode::serverKickDoesNotReconnect()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("kick")).ok());
    QTRY_VERIFY(!m_rec->namespaceDisconnects.isEmpty());
    QCOMPARE(m_rec->namespaceDisconnects.constFirst().first, kPlugin);
    QCOMPARE(m_rec->namespaceDisconnects.constFirst().second,
             QStringLiteral("io server disconnect"));
    QVERIFY(!client.isNamespaceConnected(kPlugin));
    // No namespace left: the client closes Engine.IO, and the server's close after "41" is no
    // reason to reconnect.
    QTRY_COMPARE(client.state(), Client::State::Disconnected);

    QSignalSpy reconnects(&client, &Client::reconnectScheduled);
    QVERIFY(!reconnects.wait(1000)); // well above the 200 ms maximum reconnection delay
    QCOMPARE(m_rec->connectCount(kPlugin), 1);
    QVERIFY2(m_rec->reconnects.isEmpty(), qPrintable(m_rec->log.join(QLatin1Char('\n'))));
    QCOMPARE(client.state(), Client::State::Disconnected);
}

void TestClientNode::middlewareRefusalReportsErrorWithoutReconnect()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    const QString privateNsp = QStringLiteral("/private");
    client.joinNamespace(kPlugin);
    client.joinNamespace(privateNsp);
    client.open();

    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectErrors.size(), 1, kConnectMs);
    const auto error = m_rec->connectErrors.constFirst();
    QCOMPARE(error.nsp, privateNsp);
    QCOMPARE(error.message, QStringLiteral("not authorized"));
    QCOMPARE(jsonText(error.data), QStringLiteral(R"({"code":42})"));
    QVERIFY(!client.isNamespaceConnected(privateNsp));
    QVERIFY(!client.emitEvent(privateNsp, QStringLiteral("echo")).ok()); // refused: not queued

    // The refusal concerns one namespace; the connection and /plugin stay up.
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);
    auto [box, callback] = AckBox::make();
    QVERIFY(
        client.emitEvent(kPlugin, QStringLiteral("echo"), json::array({"after refusal"}), callback)
            .ok());
    QTRY_VERIFY(box->result.has_value());
    QCOMPARE(box->text(), QStringLiteral(R"(["after refusal"])"));

    // Not retried: neither the namespace nor the connection.
    QSignalSpy errors(&client, &Client::namespaceConnectError);
    QVERIFY(!errors.wait(1000));
    QCOMPARE(m_rec->connectErrors.size(), 1);
    QVERIFY(m_rec->reconnects.isEmpty());
    QVERIFY(m_rec->disconnects.isEmpty());
}

void TestClientNode::transportDropReconnectsWithNewSid()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    const json auth = {{"user", "again"}};
    client.joinNamespace(kPlugin, auth);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);
    const QString firstSid = m_rec->sidOfConnect(kPlugin, 0);
    const auto firstEngineSid = client.handshake().value().sid;

    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("drop")).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!m_rec->disconnects.isEmpty(), 5000);
    QVERIFY2(m_rec->disconnects.constFirst().startsWith(QStringLiteral("transport close")),
             qPrintable(m_rec->disconnects.constFirst()));

    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 2, kConnectMs);
    QVERIFY(!m_rec->reconnects.isEmpty());
    QCOMPARE(m_rec->reconnects.constFirst().first, 1);
    const auto [low, high] = backoffBounds(1, 50, 200, 0.5);
    QVERIFY2(m_rec->reconnects.constFirst().second >= low
                 && m_rec->reconnects.constFirst().second <= high,
             qPrintable(QString::number(m_rec->reconnects.constFirst().second)));
    QVERIFY(m_rec->sidOfConnect(kPlugin, 1) != firstSid);
    QVERIFY(client.handshake().value().sid != firstEngineSid);
    QCOMPARE(client.state(), Client::State::Connected);

    // The namespace was re-joined with the same auth.
    QTRY_COMPARE(m_rec->eventCount(QStringLiteral("auth")), 2);
    QCOMPARE(jsonText(m_rec->eventsNamed(QStringLiteral("auth")).at(1).args),
             jsonText(json::array({auth})));

    // A successful reconnection resets the attempt count.
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("drop")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 3, kConnectMs);
    const auto reconnects = m_rec->reconnects;
    QCOMPARE(int(std::count_if(reconnects.cbegin(), reconnects.cend(),
                               [](const auto &r) { return r.first == 1; })),
             2);
}

void TestClientNode::restartedServerGetsQueuedEmitsOnceInOrder()
{
    m_ownPeer = startNodePeer(peerEnv());
    QTRY_VERIFY2_WITH_TIMEOUT(m_ownPeer->port() > 0, qPrintable(m_ownPeer->diagnostics()),
                              kPeerStartMs);
    const int port = m_ownPeer->port();
    auto &client = makeClient(testOptions(port));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    auto emitQueued = [&](int first, int last) {
        for (int i = first; i <= last; ++i) {
            const auto sent = client.emitEvent(kPlugin, QStringLiteral("queued"), json::array({i}));
            QVERIFY2(sent.ok(), qPrintable(sent.error().message));
        }
    };
    emitQueued(0, 2);
    auto before = countReceived(QStringLiteral("queued"));
    QTRY_VERIFY(before->result.has_value());
    QCOMPARE(before->text(), QStringLiteral("[[0,1,2]]"));

    m_ownPeer->kill(); // a crash: no close handshake of any kind
    QTRY_VERIFY_WITH_TIMEOUT(!m_rec->disconnects.isEmpty(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_ownPeer->isRunning(), 5000);
    emitQueued(3, 7);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(client.queuedEmitCount(), 5);

    m_ownPeer = startNodePeer(peerEnv({{QStringLiteral("PORT"), QString::number(port)}}));
    emitQueued(8, 9); // while the server starts
    if (QTest::currentTestFailed())
        return;
    QTRY_VERIFY2_WITH_TIMEOUT(m_ownPeer->port() > 0, qPrintable(m_ownPeer->diagnostics()),
                              kPeerStartMs);
    QCOMPARE(m_ownPeer->port(), port);
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 2, kConnectMs);

    // The new server process got exactly the emits made while it was away, once, in order.
    auto after = countReceived(QStringLiteral("queued"));
    QTRY_VERIFY(after->result.has_value());
    QCOMPARE(after->text(), QStringLiteral("[[3,4,5,6,7,8,9]]"));
    QCOMPARE(client.queuedEmitCount(), 0);
    QVERIFY(m_rec->reconnects.size() >= 1);
}

void TestClientNode::emitAboveMaxPayloadIsRefused()
{
    m_ownPeer = startNodePeer(peerEnv({{QStringLiteral("MAX_PAYLOAD"), QStringLiteral("2000")}}));
    QTRY_VERIFY2_WITH_TIMEOUT(m_ownPeer->port() > 0, qPrintable(m_ownPeer->diagnostics()),
                              kPeerStartMs);
    auto &client = makeClient(testOptions(m_ownPeer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);
    QCOMPARE(client.handshake().value().maxPayload.value_or(-1), std::int64_t{2000});

    const auto tooBig
        = client.emitEvent(kPlugin, QStringLiteral("echo"), json::array({std::string(5000, 'x')}));
    QVERIFY(!tooBig.ok());
    QVERIFY2(tooBig.error().message.contains(QStringLiteral("2000")),
             qPrintable(tooBig.error().message));

    // Under the limit it goes through, and the refused emit did not cost the connection (Node
    // would have closed it with 1009).
    auto [box, callback] = AckBox::make();
    const std::string fits(500, 'y');
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), json::array({fits}), callback).ok());
    QTRY_VERIFY(box->result.has_value());
    QVERIFY2(box->ok(), qPrintable(box->text()));
    QVERIFY(box->result->value() == json::array({fits}));
    QVERIFY(m_rec->disconnects.isEmpty());
}

// Node closes the whole connection on a packet with more than 10 attachments: refuse it locally.
void TestClientNode::emitWithTooManyAttachmentsIsRefused()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    auto buffers = [](int n) {
        json args = json::array();
        for (int i = 0; i < n; ++i)
            args.push_back(json::binary({std::uint8_t(i)}));
        return args;
    };
    const auto eleven = client.emitEvent(kPlugin, QStringLiteral("binary"), buffers(11));
    QVERIFY(!eleven.ok());
    QVERIFY2(eleven.error().message.contains(QStringLiteral("at most 10")),
             qPrintable(eleven.error().message));

    // Ten go through ("echo" acks them back as ten attachments, the most a decoder accepts).
    auto [box, callback] = AckBox::make();
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("echo"), buffers(10), callback).ok());
    QTRY_VERIFY(box->result.has_value());
    QVERIFY2(box->ok(), qPrintable(box->text()));
    QVERIFY(box->result->value() == buffers(10));
    QVERIFY(m_rec->disconnects.isEmpty());
}

void TestClientNode::pingTimeoutWhenServerStops()
{
    m_ownPeer = startNodePeer(peerEnv({{QStringLiteral("PING_INTERVAL"), QStringLiteral("300")},
                                       {QStringLiteral("PING_TIMEOUT"), QStringLiteral("200")}}));
    QTRY_VERIFY2_WITH_TIMEOUT(m_ownPeer->port() > 0, qPrintable(m_ownPeer->diagnostics()),
                              kPeerStartMs);
    auto options = testOptions(m_ownPeer->port());
    options.openTimeout = 1500ms; // reconnection attempts hang on the stopped server's backlog
    auto &client = makeClient(options);
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);
    QVERIFY(client.handshake().value().pingInterval == 300ms);
    QVERIFY(client.handshake().value().pingTimeout == 200ms);

    // Healthy heartbeat: the server logs our pongs ("<- <sid> pong"); without them it would close
    // at ~500 ms. Four pongs span more than two pingInterval+pingTimeout windows.
    QTRY_VERIFY_WITH_TIMEOUT(m_ownPeer->standardError().count(QStringLiteral(" pong")) >= 4, 10000);
    QVERIFY2(m_rec->disconnects.isEmpty(), qPrintable(m_rec->disconnects.join(QLatin1Char(','))));

    QVERIFY(m_ownPeer->pause());
    QElapsedTimer elapsed;
    elapsed.start();
    QTRY_VERIFY_WITH_TIMEOUT(!m_rec->disconnects.isEmpty(), 10000);
    const qint64 detectedAfter = elapsed.elapsed();
    QVERIFY2(m_rec->disconnects.constFirst().startsWith(QStringLiteral("ping timeout")),
             qPrintable(m_rec->disconnects.constFirst()));
    // At most pingInterval + pingTimeout (500 ms) after the last ping; 2500 ms leaves room for a
    // loaded 2-core CI machine while still failing a client that waits for TCP to notice.
    QVERIFY2(detectedAfter <= 2500,
             qPrintable(QStringLiteral("detected after %1 ms").arg(detectedAfter)));

    // Back alive: a ping timeout is a transport loss, so the client reconnects.
    QVERIFY(m_ownPeer->resume());
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 2, kConnectMs);
    QVERIFY(!m_rec->reconnects.isEmpty());
}

void TestClientNode::reconnectBackoffSignalsAndAttemptLimit()
{
    m_ownPeer = startNodePeer(peerEnv());
    QTRY_VERIFY2_WITH_TIMEOUT(m_ownPeer->port() > 0, qPrintable(m_ownPeer->diagnostics()),
                              kPeerStartMs);
    constexpr int base = 100, max = 400, attempts = 4;
    constexpr double r = 0.5;
    auto options = testOptions(m_ownPeer->port());
    options.reconnectionDelay = std::chrono::milliseconds{base};
    options.reconnectionDelayMax = std::chrono::milliseconds{max};
    options.randomizationFactor = r;
    options.reconnectionAttempts = attempts;
    auto &client = makeClient(options);
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    m_ownPeer->kill(); // every reconnection attempt is refused from now on
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->reconnects.size(), attempts, 10000);
    for (int i = 0; i < attempts; ++i) {
        const auto [attempt, delay] = m_rec->reconnects.at(i);
        QCOMPARE(attempt, i + 1);
        const auto [low, high] = backoffBounds(attempt, base, max, r);
        QVERIFY2(delay >= low && delay <= high,
                 qPrintable(QStringLiteral("attempt %1: %2 ms not in [%3, %4]")
                                .arg(attempt)
                                .arg(delay)
                                .arg(low)
                                .arg(high)));
        // The documented envelope, whatever the attempt.
        QVERIFY(delay >= base * (1 - r) - 1 && delay <= max * (1 + r) + 1);
    }

    // After the last allowed attempt fails the client gives up.
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), Client::State::Disconnected, 10000);
    QSignalSpy more(&client, &Client::reconnectScheduled);
    QVERIFY(!more.wait(int(max * (1 + r)) + 300));
    QCOMPARE(m_rec->reconnects.size(), attempts);
    QCOMPARE(client.state(), Client::State::Disconnected);
}

void TestClientNode::engineIoUrl_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("option"); // one extra query option "key=value", or empty
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("path");

    QTest::newRow("http, no path") << "http://127.0.0.1:3000"
                                   << ""
                                   << "ws" << 3000 << "/socket.io/";
    QTest::newRow("http, root path") << "http://127.0.0.1:3000/"
                                     << ""
                                     << "ws" << 3000 << "/socket.io/";
    QTest::newRow("https, no port") << "https://hub.example.com"
                                    << ""
                                    << "wss" << -1 << "/socket.io/";
    QTest::newRow("ws") << "ws://localhost:8080"
                        << ""
                        << "ws" << 8080 << "/socket.io/";
    QTest::newRow("wss with path") << "wss://hub.example.com:8443/custom/io/"
                                   << ""
                                   << "wss" << 8443 << "/custom/io/";
    QTest::newRow("path gets its slash") << "http://localhost:1234/custom/io"
                                         << ""
                                         << "ws" << 1234 << "/custom/io/";
    QTest::newRow("query option") << "https://hub.example.com/socket.io/"
                                  << "pluginId=p-1"
                                  << "wss" << -1 << "/socket.io/";
}

void TestClientNode::engineIoUrl()
{
    QFETCH(QString, url);
    QFETCH(QString, option);
    QFETCH(QString, scheme);
    QFETCH(int, port);
    QFETCH(QString, path);

    ClientOptions options;
    options.url = QUrl(url);
    if (!option.isEmpty())
        options.query.insert(option.section(QLatin1Char('='), 0, 0),
                             option.section(QLatin1Char('='), 1));
    const QUrl result = Client::engineIoUrl(options);

    QCOMPARE(result.scheme(), scheme);
    QCOMPARE(result.host(), QUrl(url).host());
    QCOMPARE(result.port(), port);
    QCOMPARE(result.path(), path);
    const QUrlQuery query(result);
    QCOMPARE(query.queryItemValue(QStringLiteral("EIO")), QStringLiteral("4"));
    QCOMPARE(query.queryItemValue(QStringLiteral("transport")), QStringLiteral("websocket"));
    QVERIFY(!query.hasQueryItem(QStringLiteral("sid"))); // websocket-only: no upgrade
    QCOMPARE(query.queryItems().size(), option.isEmpty() ? 2 : 3);
    if (!option.isEmpty())
        QCOMPARE(query.queryItemValue(option.section(QLatin1Char('='), 0, 0)),
                 option.section(QLatin1Char('='), 1));
}

void TestClientNode::queueOverflowSignalsAndRefuses()
{
    auto options = testOptions(m_peer->port());
    options.maxQueuedEmits = 3;
    auto &client = makeClient(options);
    client.joinNamespace(kPlugin);

    // Not open yet: emits wait in the queue.
    for (int i = 1; i <= 3; ++i)
        QVERIFY(client.emitEvent(kPlugin, QStringLiteral("overflow"), json::array({i})).ok());
    QCOMPARE(client.queuedEmitCount(), 3);
    const auto refused = client.emitEvent(kPlugin, QStringLiteral("overflow"), json::array({4}));
    QVERIFY(!refused.ok());
    QCOMPARE(client.queuedEmitCount(), 3);
    QCOMPARE(m_rec->overflows.size(), 1);
    QCOMPARE(m_rec->overflows.constFirst().first, kPlugin);
    QCOMPARE(m_rec->overflows.constFirst().second, QStringLiteral("overflow"));

    // The three queued emits are delivered on connect, the refused one is not.
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);
    auto received = countReceived(QStringLiteral("overflow"));
    QTRY_VERIFY(received->result.has_value());
    QCOMPARE(received->text(), QStringLiteral("[[1,2,3]]"));
    QCOMPARE(client.queuedEmitCount(), 0);
}

void TestClientNode::closeDoesNotReconnect()
{
    auto &client = makeClient(testOptions(m_peer->port()));
    client.joinNamespace(kPlugin);
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);

    client.close();
    QTRY_VERIFY(!m_rec->disconnects.isEmpty());
    QVERIFY2(m_rec->disconnects.constFirst().startsWith(QStringLiteral("io client disconnect")),
             qPrintable(m_rec->disconnects.constFirst()));
    QTRY_COMPARE(client.state(), Client::State::Disconnected);
    QVERIFY(!client.isNamespaceConnected(kPlugin));
    QCOMPARE(m_rec->namespaceDisconnects.size(), 1);
    QCOMPARE(m_rec->namespaceDisconnects.constFirst().second,
             QStringLiteral("io client disconnect"));

    QSignalSpy reconnects(&client, &Client::reconnectScheduled);
    QVERIFY(!reconnects.wait(1000));
    QVERIFY(m_rec->reconnects.isEmpty());
    QCOMPARE(m_rec->disconnects.size(), 1); // one close, one disconnected()
    QCOMPARE(m_rec->connectCount(kPlugin), 1);
    QCOMPARE(client.state(), Client::State::Disconnected);
}

void TestClientNode::destroyWhileReconnectingIsSafe()
{
    m_ownPeer = startNodePeer(peerEnv());
    QTRY_VERIFY2_WITH_TIMEOUT(m_ownPeer->port() > 0, qPrintable(m_ownPeer->diagnostics()),
                              kPeerStartMs);
    auto &client = makeClient(testOptions(m_ownPeer->port()));
    client.joinNamespace(kPlugin);
    auto [box, callback] = AckBox::make();
    client.open();
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->connectCount(kPlugin), 1, kConnectMs);
    QVERIFY(
        client.emitEvent(kPlugin, QStringLiteral("no-handler"), json::array(), callback, 30000ms)
            .ok());

    m_ownPeer->kill();
    QTRY_VERIFY_WITH_TIMEOUT(!m_rec->reconnects.isEmpty(), 5000);
    QVERIFY(client.emitEvent(kPlugin, QStringLiteral("queued"), json::array({1})).ok());
    m_rec.reset();
    m_client.reset(); // with a reconnection timer armed, a queued emit and a pending ack

    // Whatever the client had scheduled must not fire into freed memory (ASan builds catch it).
    // There is no signal to await for "nothing happened": spin the loop past the 200 ms delay.
    QTest::qWait(400);
    QVERIFY(box->calls <= 1);
}

QTEST_GUILESS_MAIN(TestClientNode)
#include "tst_client_node.moc"
