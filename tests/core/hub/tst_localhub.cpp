#include "callbacks/democallback.h"
#include "hub/localhub.h"
#include "hub/runpayload.h"
#include "peerprocess.h"
#include "rawclient.h"
#include "runtime/pluginruntime.h"
#include "socketio/engineiopacket.h"
#include "testpaths.h"

#include "jsoncompare.h"
#include <QCryptographicHash>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <QTest>

// The local hub against real plugins: the python-socketio client written in the SDK's style
// (fetching its asset over REST), the official Node socket.io-client, our own PluginRuntime, and
// hand-driven WebSocket clients that break the protocol.

using namespace ango;
using namespace std::chrono_literals;
using nlohmann::json;
using namespace Qt::StringLiterals;

namespace {

const QString kPluginId = QStringLiteral("plugin-local-1");
const QString kSecret = QStringLiteral("s3cret-of-the-plugin-0042");

json mapping()
{
    return json::array({{{"schemaId", "schema-car"}, {"modelClass", "car"}},
                        {{"schemaId", "schema-bus"}, {"modelClass", "bus"}}});
}

QString nodeProgram()
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    return node.isEmpty() ? QStringLiteral("node") : node;
}

hub::RunOutcome outcomeOf(const QSignalSpy &spy, int index = 0)
{
    return spy.at(index).at(0).value<hub::RunOutcome>();
}

} // namespace

class tst_LocalHub : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<hub::LocalHub> makeHub(hub::HubOptions options = {})
    {
        auto localHub = std::make_unique<hub::LocalHub>(options);
        m_logs = std::make_unique<QSignalSpy>(localHub.get(), &hub::LocalHub::logged);
        localHub->setPluginSecret(kPluginId, kSecret);
        auto started = localHub->start(QStringLiteral("127.0.0.1:0"));
        if (!started.ok())
            qWarning("cannot start the hub: %s", qPrintable(started.error().message));
        auto asset = localHub->addAsset(m_imagePath);
        if (asset.ok())
            m_assetId = asset->id;
        return localHub;
    }

    std::unique_ptr<test::PeerProcess> startPlugin(hub::LocalHub &localHub, const QString &language,
                                                   const QString &secret = kSecret,
                                                   const QString &id = kPluginId)
    {
        QMap<QString, QString> environment = localHub.startEnvironment(id);
        environment.insert(QStringLiteral("ANGO_PLUGIN_SECRET"), secret);
        std::unique_ptr<test::PeerProcess> plugin;
        if (language == QLatin1String("python"))
            plugin = std::make_unique<test::PeerProcess>(
                QStringLiteral("/usr/bin/python3"),
                QStringList{
                    test::sourcePath(QStringLiteral("tests/peers/python/plugin_client.py"))},
                environment);
        else
            plugin = std::make_unique<test::PeerProcess>(
                nodeProgram(),
                QStringList{test::sourcePath(QStringLiteral("tests/peers/node/plugin_client.js"))},
                environment);
        plugin->start();
        return plugin;
    }

    // The joined, live raw client used as the "other plugin" next to misbehaving ones.
    void joinAndBeat(test::RawClient &client, hub::LocalHub &localHub,
                     const QString &secret = kSecret)
    {
        client.open(localHub.url());
        QTRY_VERIFY_WITH_TIMEOUT(client.received(QStringLiteral("0{")), 5000);
        client.socket.sendTextMessage(QStringLiteral("40/plugin,"));
        QTRY_VERIFY_WITH_TIMEOUT(client.received(QStringLiteral("40/plugin,{\"sid\"")), 5000);
        client.socket.sendTextMessage(
            QStringLiteral("42/plugin,[\"heartbeat\",{\"id\":\"%1\",\"secret\":\"%2\"}]")
                .arg(kPluginId, secret));
    }

    bool logged(const QString &needle, std::optional<logging::Level> level = {}) const
    {
        for (const auto &args : *m_logs) {
            const auto entry = args.at(0).value<logging::LogEntry>();
            if (entry.message.contains(needle) && (!level || entry.level == *level))
                return true;
        }
        return false;
    }

    QString allLogs() const
    {
        QStringList lines;
        for (const auto &args : *m_logs)
            lines << logging::formatText(args.at(0).value<logging::LogEntry>());
        return lines.join(QLatin1Char('\n'));
    }

    void verifyNoSecretInLogs(const hub::LocalHub &localHub) const
    {
        for (const auto &args : *m_logs) {
            const QString line = logging::formatText(args.at(0).value<logging::LogEntry>());
            QVERIFY2(!line.contains(kSecret), qPrintable(line));
            QVERIFY2(!line.contains(localHub.apiKey()), qPrintable(line));
        }
    }

    QTemporaryDir m_dir;
    QString m_imagePath;
    QByteArray m_imageBytes;
    QString m_assetId;
    std::unique_ptr<QSignalSpy> m_logs;

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<logging::LogEntry>();
        QVERIFY(m_dir.isValid());
        m_imagePath = m_dir.filePath(QStringLiteral("cars.png"));
        m_imageBytes = QByteArray("\x89PNG\r\n\x1a\n") + QByteArray(3000, 'x') + QByteArray("end");
        QFile file(m_imagePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(m_imageBytes);
    }

    void cleanup() { m_logs.reset(); }

    void openPacketAnnouncesTheLimits()
    {
        hub::HubOptions options;
        options.pingInterval = 1234ms;
        options.pingTimeout = 567ms;
        options.maxPayload = 4321;
        auto localHub = makeHub(options);
        test::RawClient client;
        client.open(localHub->url());
        QTRY_VERIFY_WITH_TIMEOUT(client.received(QStringLiteral("0{")), 5000);
        const QByteArray open = client.first(QStringLiteral("0")).mid(1).toUtf8();
        auto handshake
            = engineio::parseHandshake(std::string_view(open.constData(), size_t(open.size())));
        QVERIFY(handshake.ok());
        QVERIFY(!handshake->sid.empty());
        QVERIFY(handshake->upgrades.empty());
        QCOMPARE(handshake->pingInterval, 1234ms);
        QCOMPARE(handshake->pingTimeout, 567ms);
        QCOMPARE(handshake->maxPayload, std::optional<std::int64_t>(4321));

        // Unknown namespaces get Node's CONNECT_ERROR; the connection stays.
        client.socket.sendTextMessage(QStringLiteral("40/admin,"));
        QTRY_VERIFY_WITH_TIMEOUT(
            client.received(QStringLiteral("44/admin,{\"message\":\"Invalid namespace\"}")), 5000);
        QVERIFY(!client.closed);
        QVERIFY2(logged(QStringLiteral("tried to join /admin: the hub serves /plugin"),
                        logging::Level::Warning),
                 qPrintable(allLogs()));
    }

    void heartbeatsMakeAPluginLiveThenStale()
    {
        hub::HubOptions options;
        options.staleAfter = 1000ms;
        auto localHub = makeHub(options);
        QSignalSpy connected(localHub.get(), &hub::LocalHub::pluginConnected);
        QSignalSpy changed(localHub.get(), &hub::LocalHub::pluginChanged);
        test::RawClient client;
        client.open(localHub->url());
        QTRY_VERIFY_WITH_TIMEOUT(client.received(QStringLiteral("0{")), 5000);
        client.socket.sendTextMessage(QStringLiteral("40/plugin,"));
        QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 5000);
        QCOMPARE(localHub->plugins().size(), 1);
        QCOMPARE(localHub->plugins().first().state, hub::PluginState::Pending);
        QVERIFY(!localHub->sendRun(kPluginId, m_assetId, json(), std::nullopt, false).ok());

        client.socket.sendTextMessage(
            QStringLiteral("42/plugin,[\"heartbeat\",{\"id\":\"%1\",\"secret\":\"%2\"}]")
                .arg(kPluginId, kSecret));
        QTRY_VERIFY_WITH_TIMEOUT(localHub->isLive(kPluginId), 5000);
        QCOMPARE(localHub->plugins().first().pluginId, kPluginId);
        QVERIFY(localHub->plugins().first().lastHeartbeat.isValid());

        QTRY_COMPARE_WITH_TIMEOUT(localHub->plugins().first().state, hub::PluginState::Stale, 5000);
        QVERIFY(!localHub->isLive(kPluginId));
        QVERIFY(logged(QStringLiteral("is stale"), logging::Level::Warning));

        client.socket.sendTextMessage(
            QStringLiteral("42/plugin,[\"heartbeat\",{\"id\":\"%1\",\"secret\":\"%2\"}]")
                .arg(kPluginId, kSecret));
        QTRY_VERIFY_WITH_TIMEOUT(localHub->isLive(kPluginId), 5000);
        QVERIFY(changed.size() >= 3); // live, stale, live

        QSignalSpy gone(localHub.get(), &hub::LocalHub::pluginDisconnected);
        client.socket.close();
        QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 5000);
        QVERIFY(localHub->plugins().isEmpty());
    }

    void pingTimeoutDropsOnlyTheSilentClient()
    {
        hub::HubOptions options;
        options.pingInterval = 100ms;
        options.pingTimeout = 150ms;
        auto localHub = makeHub(options);
        test::RawClient silent(/*answerPings=*/false);
        test::RawClient polite;
        silent.open(localHub->url());
        polite.open(localHub->url());
        QTRY_VERIFY_WITH_TIMEOUT(silent.closed, 5000);
        QVERIFY(silent.pings >= 1);
        QVERIFY2(
            logged(QStringLiteral("ping timeout: no pong within 150 ms"), logging::Level::Error),
            qPrintable(allLogs()));
        const int pingsSoFar = polite.pings;
        QTRY_VERIFY_WITH_TIMEOUT(polite.pings >= pingsSoFar + 2, 5000);
        QVERIFY(!polite.closed);
    }

    void handshakeRefusals_data()
    {
        QTest::addColumn<QString>("pathAndQuery");
        QTest::addColumn<QString>("message");
        QTest::newRow("wrong path")
            << u"/engine.io/?EIO=4&transport=websocket"_s << u"Socket.IO lives at /socket.io/"_s;
        QTest::newRow("no trailing slash")
            << u"/socket.io?EIO=4&transport=websocket"_s << u"Socket.IO lives at /socket.io/"_s;
        QTest::newRow("EIO 3") << u"/socket.io/?EIO=3&transport=websocket"_s
                               << u"Engine.IO version \"3\" is not supported"_s;
        QTest::newRow("upgrade of an unknown session")
            << u"/socket.io/?EIO=4&transport=websocket&sid=abc"_s
            << u"no long-polling session abc to upgrade"_s;
    }

    void handshakeRefusals()
    {
        QFETCH(QString, pathAndQuery);
        QFETCH(QString, message);
        auto localHub = makeHub();
        test::RawClient client;
        client.open(localHub->url(), pathAndQuery);
        QTRY_VERIFY_WITH_TIMEOUT(client.closed, 5000);
        QVERIFY(!client.received(QStringLiteral("0{")));
        QVERIFY2(logged(message, logging::Level::Warning), qPrintable(allLogs()));
    }

    void badClientsAreDroppedOthersUnaffected_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("garbage text")
            << u"text"_s << u"garbage frame: unknown Engine.IO packet type 'h'"_s;
        QTest::newRow("bad Socket.IO packet") << u"socketio"_s << u"undecodable Socket.IO packet"_s;
        QTest::newRow("stray binary frame") << u"binary"_s << u"unexpected binary frame"_s;
        QTest::newRow("client ping") << u"ping"_s << u"invalid heartbeat direction"_s;
        QTest::newRow("oversize message")
            << u"oversize"_s << u"message above maxPayload (4096 bytes)"_s;
        QTest::newRow("empty frame") << u"empty"_s << u"garbage frame: empty Engine.IO packet"_s;
    }

    void badClientsAreDroppedOthersUnaffected()
    {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        hub::HubOptions options;
        options.maxPayload = 4096;
        auto localHub = makeHub(options);
        test::RawClient good;
        joinAndBeat(good, *localHub);
        QTRY_VERIFY_WITH_TIMEOUT(localHub->isLive(kPluginId), 5000);

        test::RawClient bad;
        bad.open(localHub->url());
        QTRY_VERIFY_WITH_TIMEOUT(bad.received(QStringLiteral("0{")), 5000);
        bad.socket.sendTextMessage(QStringLiteral("40/plugin,"));
        QTRY_VERIFY_WITH_TIMEOUT(bad.received(QStringLiteral("40/plugin,")), 5000);
        if (kind == QLatin1String("text"))
            bad.socket.sendTextMessage(QStringLiteral("hello there"));
        else if (kind == QLatin1String("socketio"))
            bad.socket.sendTextMessage(QStringLiteral("42/plugin,[\"response\",{oops"));
        else if (kind == QLatin1String("binary"))
            bad.socket.sendBinaryMessage(QByteArray("\x00\x01\x02", 3));
        else if (kind == QLatin1String("ping"))
            bad.socket.sendTextMessage(QStringLiteral("2"));
        else if (kind == QLatin1String("oversize"))
            bad.socket.sendTextMessage(
                QStringLiteral("42/plugin,[\"log\",\"%1\"]").arg(QString(10000, QLatin1Char('x'))));
        else
            bad.socket.sendTextMessage(QString());
        QTRY_VERIFY_WITH_TIMEOUT(bad.closed, 5000);
        QVERIFY2(logged(message, logging::Level::Error), qPrintable(allLogs()));

        // The other plugin is still connected, live, and gets its run.
        QVERIFY(!good.closed);
        QVERIFY(localHub->isLive(kPluginId));
        auto session = localHub->sendRun(kPluginId, m_assetId, mapping(), std::nullopt, false);
        QVERIFY(session.ok());
        QTRY_VERIFY_WITH_TIMEOUT(good.received(QStringLiteral("42/plugin,[\"plugin\"")), 5000);
    }

    // Older SDK versions let python-socketio pick its transports: HTTP long-polling first, then
    // the websocket upgrade (or long-polling throughout when the upgrade is not offered/taken).
    void pythonPluginOverLongPolling_data()
    {
        QTest::addColumn<QString>("transports");
        QTest::addColumn<bool>("upgrades");
        QTest::newRow("default: polling, then websocket") << u"default"_s << true;
        QTest::newRow("polling only") << u"polling"_s << false;
    }

    void pythonPluginOverLongPolling()
    {
        QFETCH(QString, transports);
        QFETCH(bool, upgrades);
        hub::HubOptions options;
        // Pings and heartbeats often enough that several cross the transport during the test.
        options.pingInterval = 300ms;
        options.pingTimeout = 2000ms;
        auto localHub = makeHub(options);
        QSignalSpy changed(localHub.get(), &hub::LocalHub::pluginChanged);
        QSignalSpy finished(localHub.get(), &hub::LocalHub::runFinished);
        QSignalSpy gone(localHub.get(), &hub::LocalHub::pluginDisconnected);
        QMap<QString, QString> environment = localHub->startEnvironment(kPluginId);
        environment.insert(u"TRANSPORTS"_s, transports);
        environment.insert(u"HEARTBEAT_INTERVAL"_s, u"0.3"_s);
        test::PeerProcess plugin(
            QStringLiteral("/usr/bin/python3"),
            {test::sourcePath(QStringLiteral("tests/core/hub/polling_plugin.py"))}, environment);
        plugin.start();
        QTRY_VERIFY2_WITH_TIMEOUT(localHub->isLive(kPluginId), qPrintable(plugin.diagnostics()),
                                  15000);
        QVERIFY2(logged(QStringLiteral("(long-polling)")), qPrintable(allLogs()));
        QVERIFY2(logged(QStringLiteral("probes the websocket upgrade")) == upgrades,
                 qPrintable(allLogs()));

        // Heartbeats keep coming and server pings get their pongs: the session stays.
        const int beats = int(changed.size());
        QTRY_VERIFY2_WITH_TIMEOUT(changed.size() >= beats + 3, qPrintable(allLogs()), 10000);
        QCOMPARE(gone.size(), 0);

        auto session = localHub->sendRun(kPluginId, m_assetId, mapping(),
                                         QStringLiteral("{\"threshold\": 0.75}"), false);
        QVERIFY2(session.ok(), qPrintable(session.ok() ? QString() : session.error().message));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        const hub::RunOutcome outcome = outcomeOf(finished);
        QVERIFY2(outcome.ok, qPrintable(outcome.error + QLatin1Char('\n') + plugin.diagnostics()));
        JSON_COMPARE(outcome.result.at("externalId"), json("cars.png"));
        JSON_COMPARE(outcome.result.at("config"), json({{"threshold", 0.75}}));
        QCOMPARE(gone.size(), 0);
        QVERIFY2(!logged(QStringLiteral("dropped the connection")), qPrintable(allLogs()));
        verifyNoSecretInLogs(*localHub);
    }

    void pythonPluginRunsThroughRestAndSocket()
    {
        auto localHub = makeHub();
        QSignalSpy finished(localHub.get(), &hub::LocalHub::runFinished);
        QSignalSpy pluginLogs(localHub.get(), &hub::LocalHub::pluginLogged);
        auto plugin = startPlugin(*localHub, QStringLiteral("python"));
        QTRY_VERIFY2_WITH_TIMEOUT(localHub->isLive(kPluginId), qPrintable(plugin->diagnostics()),
                                  15000);
        QVERIFY(localHub->plugins().first().userAgent.isEmpty()
                || !localHub->plugins().first().peer.isEmpty());

        const QString sha = QString::fromLatin1(
            QCryptographicHash::hash(m_imageBytes, QCryptographicHash::Sha256).toHex());

        // Interactive: `response` with the plugin's result, the asset fetched over REST.
        auto session = localHub->sendRun(kPluginId, m_assetId, mapping(),
                                         QStringLiteral("{\"threshold\": 0.25}"), false);
        QVERIFY2(session.ok(), qPrintable(session.ok() ? QString() : session.error().message));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        hub::RunOutcome outcome = outcomeOf(finished);
        QVERIFY2(outcome.ok, qPrintable(outcome.error + QLatin1Char('\n') + plugin->diagnostics()));
        QCOMPARE(outcome.session, *session);
        QVERIFY(!outcome.workflow);
        JSON_COMPARE(outcome.result["assetSha256"], json(sha.toStdString()));
        JSON_COMPARE(outcome.result["externalId"], json("cars.png"));
        JSON_COMPARE(outcome.result["objects"][0]["schemaId"], json("schema-car"));
        JSON_COMPARE(outcome.result["config"], json({{"threshold", 0.25}}));
        JSON_COMPARE(outcome.message["session"], json(session->toStdString()));
        QVERIFY2(logged(QStringLiteral("GET /v2/project/local-project/assets")),
                 qPrintable(allLogs()));
        QVERIFY2(logged(QStringLiteral("GET /files/%1/cars.png").arg(m_assetId)),
                 qPrintable(allLogs()));
        QTRY_VERIFY_WITH_TIMEOUT(pluginLogs.size() >= 2, 5000);
        const auto started = pluginLogs.at(0).at(1).value<logging::LogEntry>();
        QCOMPARE(started.message, QStringLiteral("Plugin session is started!"));
        QCOMPARE(started.session, *session);
        QCOMPARE(started.category, QStringLiteral("plugin"));

        // Workflow: the result arrives as the annotate body for the run's task.
        auto workflowSession
            = localHub->sendRun(kPluginId, m_assetId, mapping(), std::nullopt, true);
        QVERIFY(workflowSession.ok());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 15000);
        outcome = outcomeOf(finished, 1);
        QVERIFY2(outcome.ok, qPrintable(outcome.error));
        QVERIFY(outcome.workflow);
        QVERIFY(outcome.taskId.startsWith(QStringLiteral("task-")));
        JSON_COMPARE(outcome.result["answer"]["objects"][0]["schemaId"], json("schema-car"));
        JSON_COMPARE(outcome.result["assetSha256"], json(sha.toStdString()));
        JSON_COMPARE(outcome.result["duration"], json(0));
        QVERIFY(logged(QStringLiteral("POST /v2/annotate/%1?").arg(outcome.taskId)));

        // The plugin's error report fails the run.
        auto failing = localHub->sendRun(kPluginId, m_assetId, mapping(),
                                         QStringLiteral("{\"fail\": \"model not loaded\"}"), false);
        QVERIFY(failing.ok());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 15000);
        outcome = outcomeOf(finished, 2);
        QVERIFY(!outcome.ok);
        QVERIFY2(outcome.error.contains(QStringLiteral("the plugin reported an error")),
                 qPrintable(outcome.error));
        QVERIFY(logged(QStringLiteral("model not loaded"), logging::Level::Error));

        verifyNoSecretInLogs(*localHub);
        QCOMPARE(localHub->runsInFlight(), 0);
    }

    void nodePluginGetsExactlyTheHubKeys()
    {
        auto localHub = makeHub();
        QSignalSpy finished(localHub.get(), &hub::LocalHub::runFinished);
        QSignalSpy pluginLogs(localHub.get(), &hub::LocalHub::pluginLogged);
        auto plugin = startPlugin(*localHub, QStringLiteral("node"));
        QTRY_VERIFY2_WITH_TIMEOUT(localHub->isLive(kPluginId), qPrintable(plugin->diagnostics()),
                                  15000);

        for (const bool workflow : {false, true}) {
            finished.clear();
            auto session = localHub->sendRun(kPluginId, m_assetId, mapping(),
                                             QStringLiteral("{\"a\":1}"), workflow);
            QVERIFY(session.ok());
            if (workflow) {
                // This client answers workflow runs with a response, which is not how they end:
                // the hub keeps waiting for the annotate call.
                QTRY_VERIFY_WITH_TIMEOUT(
                    logged(QStringLiteral("a workflow run answers with POST /v2/annotate/")),
                    10000);
                QCOMPARE(finished.size(), 0);
                localHub->abandonRun(*session);
                break;
            }
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
            const hub::RunOutcome outcome = outcomeOf(finished);
            QVERIFY2(outcome.ok, qPrintable(outcome.error));
            QStringList keys;
            for (const auto &key : outcome.result["payloadKeys"])
                keys << QString::fromStdString(key.get<std::string>());
            QStringList expected = hub::interactivePayloadKeys();
            expected.sort();
            QCOMPARE(keys, expected);
            JSON_COMPARE(outcome.result["configJSON"], json("{\"a\":1}"));
            JSON_COMPARE(outcome.result["categorySchema"], mapping());
            QCOMPARE(pluginLogs.size(), 1);
            QCOMPARE(pluginLogs.at(0).at(1).value<logging::LogEntry>().message,
                     QStringLiteral("node plugin got the run"));
        }
    }

    void wrongCredentialsAreRefused_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("message");
        QTest::newRow("python, wrong secret") << u"python"_s << u"not-the-secret"_s << kPluginId
                                              << u"wrong secret for plugin plugin-local-1"_s;
        QTest::newRow("node, wrong secret") << u"node"_s << u"not-the-secret"_s << kPluginId
                                            << u"wrong secret for plugin plugin-local-1"_s;
        QTest::newRow("python, unknown id") << u"python"_s << kSecret << u"someone-else"_s
                                            << u"unknown plugin id \"someone-else\""_s;
    }

    void wrongCredentialsAreRefused()
    {
        QFETCH(QString, language);
        QFETCH(QString, secret);
        QFETCH(QString, id);
        QFETCH(QString, message);
        auto localHub = makeHub();
        QSignalSpy refused(localHub.get(), &hub::LocalHub::pluginRefused);
        QSignalSpy sent(localHub.get(), &hub::LocalHub::runSent);
        auto plugin = startPlugin(*localHub, language, secret, id);
        QSignalSpy exited(plugin.get(), &test::PeerProcess::finished);

        QTRY_COMPARE_WITH_TIMEOUT(refused.size(), 1, 15000);
        const auto info = refused.at(0).at(0).value<hub::ConnectedPlugin>();
        QCOMPARE(info.state, hub::PluginState::Refused);
        QVERIFY2(info.refusal.contains(message), qPrintable(info.refusal));
        QVERIFY2(logged(message, logging::Level::Error), qPrintable(allLogs()));

        // The plugin was told (CONNECT_ERROR → connect_error) and gave up; it never got a run.
        QTRY_COMPARE_WITH_TIMEOUT(exited.size(), 1, 15000);
        QCOMPARE(exited.at(0).at(0).toInt(), 3);
        QVERIFY2(plugin->standardError().contains(QStringLiteral("REFUSED ") + message.left(20)),
                 qPrintable(plugin->diagnostics()));
        QVERIFY(!localHub->isLive(kPluginId));
        QVERIFY(!localHub->sendRun(kPluginId, m_assetId, json(), std::nullopt, false).ok());
        QCOMPARE(sent.size(), 0);
        verifyNoSecretInLogs(*localHub);
    }

    void runFailsWhenThePluginGoesAway()
    {
        auto localHub = makeHub();
        QSignalSpy finished(localHub.get(), &hub::LocalHub::runFinished);
        test::RawClient client;
        joinAndBeat(client, *localHub);
        QTRY_VERIFY_WITH_TIMEOUT(localHub->isLive(kPluginId), 5000);
        QVERIFY(!localHub
                     ->sendRun(kPluginId, QStringLiteral("/nonexistent.png"), json(), std::nullopt,
                               false)
                     .ok());
        // An image path works as well as an asset id.
        auto session = localHub->sendRun(kPluginId, m_imagePath, json(), std::nullopt, false);
        QVERIFY2(session.ok(), qPrintable(session.ok() ? QString() : session.error().message));
        QTRY_VERIFY_WITH_TIMEOUT(client.received(QStringLiteral("42/plugin,[\"plugin\"")), 5000);
        QVERIFY(client.first(QStringLiteral("42/plugin,[\"plugin\""))
                    .contains(QStringLiteral("/files/%1/cars.png").arg(m_assetId)));
        client.socket.close();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        const hub::RunOutcome outcome = outcomeOf(finished);
        QVERIFY(!outcome.ok);
        QVERIFY2(outcome.error.contains(QStringLiteral("went away before it answered")),
                 qPrintable(outcome.error));
    }

    void startCommandKeepsTheSecretOut()
    {
        auto localHub = makeHub();
        const QString line
            = localHub->startCommand(kPluginId, QStringLiteral("/home/me/my plugin.py"));
        QVERIFY2(line.contains(QStringLiteral("ANGO_HOST=") + localHub->url().toString()),
                 qPrintable(line));
        QVERIFY(line.contains(QStringLiteral("ANGO_PLUGIN_ID=plugin-local-1")));
        QVERIFY(line.contains(QStringLiteral("ANGO_PLUGIN_SECRET=\"$ANGO_PLUGIN_SECRET\"")));
        QVERIFY(line.endsWith(QStringLiteral("python3 '/home/me/my plugin.py'")));
        QVERIFY(!line.contains(kSecret));
        QVERIFY(localHub->startCommand(kPluginId, QStringLiteral("p.py"), true).contains(kSecret));
    }

    void ourRuntimeWorksAgainstTheHub()
    {
        auto localHub = makeHub();
        QSignalSpy finished(localHub.get(), &hub::LocalHub::runFinished);
        runtime::RuntimeOptions options;
        options.pluginId = kPluginId;
        options.secret = kSecret;
        options.hubUrl = localHub->url();
        options.apiHost = localHub->url();
        callbacks::DemoCallback demo;
        runtime::PluginRuntime pluginRuntime(options, &demo);
        pluginRuntime.start();
        QTRY_VERIFY_WITH_TIMEOUT(localHub->isLive(kPluginId), 10000);

        auto session = localHub->sendRun(kPluginId, m_assetId, mapping(), std::nullopt, false);
        QVERIFY(session.ok());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        hub::RunOutcome outcome = outcomeOf(finished);
        QVERIFY2(outcome.ok, qPrintable(outcome.error));
        JSON_COMPARE(outcome.result, callbacks::DemoCallback::sampleResult(mapping()));

        auto workflow = localHub->sendRun(kPluginId, m_assetId, mapping(), std::nullopt, true);
        QVERIFY(workflow.ok());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
        outcome = outcomeOf(finished, 1);
        QVERIFY2(outcome.ok, qPrintable(outcome.error + QLatin1Char('\n') + allLogs()));
        QVERIFY(outcome.workflow);
        JSON_COMPARE(outcome.result["answer"], callbacks::DemoCallback::sampleResult(mapping()));
        QVERIFY2(logged(QStringLiteral("POST /v2/annotate/%1?nextStage=true&isPlugin=true")
                            .arg(outcome.taskId)),
                 qPrintable(allLogs()));

        QSignalSpy stopped(&pluginRuntime, &runtime::PluginRuntime::stopped);
        pluginRuntime.stop(1000ms);
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(localHub->plugins().isEmpty(), 5000);
        verifyNoSecretInLogs(*localHub);
    }
};

QTEST_GUILESS_MAIN(tst_LocalHub)
#include "tst_localhub.moc"
