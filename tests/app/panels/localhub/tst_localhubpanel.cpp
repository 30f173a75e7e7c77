#include "panels/localhub/connectedpluginmodel.h"
#include "panels/localhub/localhubpanel.h"

#include "hub/localhub.h"
#include "jsoncompare.h"
#include "peerprocess.h"
#include "testpaths.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

// The "Local hub" panel driving a real LocalHub, with real plugins (the python-socketio client in
// the SDK's style, the Node socket.io-client) started from the panel's own command environment.

using namespace ango;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const QString kPluginId = QStringLiteral("panel-plugin-7");
const QString kSecret = QStringLiteral("panel-secret-9f3a21");

json mapping()
{
    return json::array({{{"schemaId", "schema-car"}, {"modelClass", "car"}}});
}

template <typename T> T *child(const QWidget &panel, const char *name)
{
    auto *found = panel.findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qWarning("no child %s", name);
    return found;
}

int rowOf(const app::ConnectedPluginModel &model, const QString &pluginId, hub::PluginState state)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        const hub::ConnectedPlugin plugin = model.pluginAt(row);
        if (plugin.pluginId == pluginId && plugin.state == state)
            return row;
    }
    return -1;
}

QString stateText(const app::ConnectedPluginModel &model, int row)
{
    return model.index(row, app::ConnectedPluginModel::StateColumn).data().toString();
}

} // namespace

class tst_LocalHubPanel : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<app::LocalHubPanel> makePanel(hub::LocalHub *localHub = nullptr)
    {
        auto panel = std::make_unique<app::LocalHubPanel>(localHub);
        m_tester = std::make_unique<QAbstractItemModelTester>(
            panel->pluginModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel->setPluginId(kPluginId);
        panel->setSecret(kSecret);
        panel->setAssetPath(m_imagePath);
        panel->setCategorySchema(mapping());
        panel->setConfigJson(QStringLiteral("{\"threshold\": 0.5}"));
        panel->show();
        return panel;
    }

    // The plugin started as the user would: the panel's environment, the secret they exported.
    std::unique_ptr<test::PeerProcess> startPlugin(const app::LocalHubPanel &panel,
                                                   const QString &language,
                                                   const QString &secret = kSecret,
                                                   QMap<QString, QString> extra = {})
    {
        QMap<QString, QString> environment = panel.hub()->startEnvironment(kPluginId);
        environment.insert(QStringLiteral("ANGO_PLUGIN_SECRET"), secret);
        environment.insert(extra);
        std::unique_ptr<test::PeerProcess> plugin;
        if (language == QLatin1String("python")) {
            plugin = std::make_unique<test::PeerProcess>(
                QStringLiteral("/usr/bin/python3"),
                QStringList{
                    test::sourcePath(QStringLiteral("tests/peers/python/plugin_client.py"))},
                environment);
        } else {
            QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
            plugin = std::make_unique<test::PeerProcess>(
                node.isEmpty() ? QStringLiteral("node") : node,
                QStringList{test::sourcePath(QStringLiteral("tests/peers/node/plugin_client.js"))},
                environment);
        }
        plugin->start();
        return plugin;
    }

    QTemporaryDir m_dir;
    QString m_imagePath;
    std::unique_ptr<QAbstractItemModelTester> m_tester;

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<logging::LogEntry>();
        QVERIFY(m_dir.isValid());
        m_imagePath = m_dir.filePath(QStringLiteral("street.png"));
        QFile file(m_imagePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("\x89PNG\r\n\x1a\n") + QByteArray(2000, 'p'));
    }

    void cleanup() { m_tester.reset(); }

    void heartbeatAge_data()
    {
        QTest::addColumn<int>("secondsAgo");
        QTest::addColumn<QString>("text");
        QTest::newRow("never") << -1 << QStringLiteral("never");
        QTest::newRow("just now") << 0 << QStringLiteral("0 s ago");
        QTest::newRow("seconds") << 59 << QStringLiteral("59 s ago");
        QTest::newRow("minutes") << 600 << QStringLiteral("10 min ago");
        QTest::newRow("hours") << 3 * 3600 << QStringLiteral("3 h ago");
        QTest::newRow("clock skew") << -5000 << QStringLiteral("0 s ago");
    }

    void heartbeatAge()
    {
        QFETCH(int, secondsAgo);
        QFETCH(QString, text);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QDateTime beat = secondsAgo == -1 ? QDateTime() : now.addSecs(-secondsAgo);
        QCOMPARE(app::ConnectedPluginModel::heartbeatAge(beat, now), text);
    }

    void startShowsTheCommandLineAndStops()
    {
        auto panel = makePanel();
        auto *startStop = child<QPushButton>(*panel, "localHubStartStopButton");
        auto *run = child<QPushButton>(*panel, "localHubRunButton");
        QVERIFY(startStop && run);
        QVERIFY(panel->startCommand().isEmpty());
        QVERIFY(!run->isEnabled());

        QSignalSpy started(panel.get(), &app::LocalHubPanel::started);
        QTest::mouseClick(startStop, Qt::LeftButton);
        QCOMPARE(started.size(), 1);
        QVERIFY(panel->hub()->isListening());
        const QUrl url = panel->hub()->url();
        QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
        QVERIFY(url.port() > 0);
        QVERIFY(!child<QSpinBox>(*panel, "localHubPortSpin")->isEnabled());
        // Plugin id and image are set, but no plugin is connected: the hub would refuse a run.
        QVERIFY(!run->isEnabled());
        QVERIFY(run->toolTip().contains(QStringLiteral("line above")));

        panel->setScriptPath(QStringLiteral("/home/me/my plugin.py"));
        const QString command = panel->startCommand();
        const QString host = url.toString();
        QCOMPARE(command, QStringLiteral("ANGO_HOST=%1 ANGO_API_HOST=%1 ANGO_PLUGIN_ID=%2 "
                                         "ANGO_PLUGIN_SECRET=\"$ANGO_PLUGIN_SECRET\" python3 "
                                         "'/home/me/my plugin.py'")
                              .arg(host, kPluginId));
        QVERIFY(!command.contains(kSecret));
        QTest::mouseClick(child<QPushButton>(*panel, "localHubCopyButton"), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), command);

        QSignalSpy stopped(panel.get(), &app::LocalHubPanel::stopped);
        QTest::mouseClick(startStop, Qt::LeftButton);
        QCOMPARE(stopped.size(), 1);
        QVERIFY(!panel->hub()->isListening());
        QVERIFY(panel->startCommand().isEmpty());
        QVERIFY(!run->isEnabled());
    }

    void busyPortIsReported()
    {
        auto first = makePanel();
        QVERIFY(first->start());
        auto second = makePanel();
        QSignalSpy logged(second.get(), &app::LocalHubPanel::logged);
        second->setPort(quint16(first->hub()->url().port()));
        QVERIFY(!second->start());
        QVERIFY(!second->hub()->isListening());
        QVERIFY(child<QLabel>(*second, "localHubOutcomeLabel")
                    ->text()
                    .contains(QStringLiteral("cannot listen")));
        QCOMPARE(logged.size(), 1);
        QCOMPARE(logged.at(0).at(0).value<logging::LogEntry>().level, logging::Level::Error);
    }

    // The message line says what the present state asks for: no hint from before the plugin
    // connected, no "choose an image" while one is set.
    void messagesFollowTheState()
    {
        auto panel = makePanel();
        auto *message = child<QLabel>(*panel, "localHubOutcomeLabel");
        auto *run = child<QPushButton>(*panel, "localHubRunButton");
        QVERIFY(message->text().contains(QStringLiteral("Start the local hub")));
        QVERIFY(panel->start());
        QVERIFY(message->text().contains(QStringLiteral("line above")));
        QVERIFY(!run->isEnabled());

        auto plugin = startPlugin(*panel, QStringLiteral("python"));
        QTRY_VERIFY2_WITH_TIMEOUT(!message->text().contains(QStringLiteral("line above")),
                                  qPrintable(plugin->diagnostics()), 15000);
        QVERIFY2(message->text().contains(QStringLiteral("connected")),
                 qPrintable(message->text()));
        QVERIFY(run->isEnabled());

        panel->setAssetPath(QString());
        QVERIFY(message->text().contains(QStringLiteral("Choose an image")));
        QVERIFY(!run->isEnabled());
        QCOMPARE(run->toolTip(), message->text());
        const QString missing = m_dir.filePath(QStringLiteral("street.pn"));
        panel->setAssetPath(missing);
        QVERIFY(message->text().contains(QStringLiteral("does not exist")));
        QVERIFY(!run->isEnabled());
        panel->setAssetPath(m_imagePath);
        QVERIFY(!message->text().contains(QStringLiteral("does not exist")));
        QVERIFY(!message->text().contains(QStringLiteral("Choose an image")));
        QVERIFY(run->isEnabled());
    }

    void copyConfirmsAndTheSecretCanBeRevealed()
    {
        auto panel = makePanel();
        QVERIFY(panel->start());
        auto *copy = child<QPushButton>(*panel, "localHubCopyButton");
        QTest::mouseClick(copy, Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), panel->startCommand());
        QVERIFY(copy->text().contains(QStringLiteral("Copied")));
        QTRY_COMPARE_WITH_TIMEOUT(copy->text(), QStringLiteral("Copy"), 5000);

        auto *secret = child<QLineEdit>(*panel, "localHubSecretEdit");
        QCOMPARE(secret->echoMode(), QLineEdit::Password);
        auto *reveal = panel->findChild<QAction *>(QStringLiteral("localHubRevealSecretAction"));
        QVERIFY(reveal);
        reveal->trigger();
        QCOMPARE(secret->echoMode(), QLineEdit::Normal);
        QTest::mouseClick(child<QPushButton>(*panel, "localHubCopySecretButton"), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), kSecret);
    }

    void pythonPluginIsListedLiveAndAnswersARun_data()
    {
        QTest::addColumn<bool>("workflow");
        QTest::newRow("interactive") << false;
        QTest::newRow("workflow") << true;
    }

    void pythonPluginIsListedLiveAndAnswersARun()
    {
        QFETCH(bool, workflow);
        auto panel = makePanel();
        QSignalSpy logged(panel.get(), &app::LocalHubPanel::logged);
        QSignalSpy runStarted(panel.get(), &app::LocalHubPanel::runStarted);
        QSignalSpy finished(panel.get(), &app::LocalHubPanel::runFinished);
        QVERIFY(panel->start());
        auto plugin = startPlugin(*panel, QStringLiteral("python"));

        auto *model = panel->pluginModel();
        QTRY_VERIFY2_WITH_TIMEOUT(rowOf(*model, kPluginId, hub::PluginState::Live) >= 0,
                                  qPrintable(plugin->diagnostics()), 15000);
        const int row = rowOf(*model, kPluginId, hub::PluginState::Live);
        QCOMPARE(stateText(*model, row), QStringLiteral("live"));
        QVERIFY(model->index(row, app::ConnectedPluginModel::HeartbeatColumn)
                    .data()
                    .toString()
                    .endsWith(QStringLiteral("s ago")));
        QVERIFY(model->index(row, app::ConnectedPluginModel::StateColumn)
                    .data(Qt::DecorationRole)
                    .canConvert<QColor>());

        auto *view = child<QTableView>(*panel, "localHubPluginsView");
        view->selectRow(row);
        QCOMPARE(panel->runTarget(), kPluginId);
        panel->setWorkflow(workflow);
        auto *run = child<QPushButton>(*panel, "localHubRunButton");
        QVERIFY(run->isEnabled());
        QTest::mouseClick(run, Qt::LeftButton);
        QCOMPARE(runStarted.size(), 1);
        QCOMPARE(runStarted.at(0).at(1).toString(), m_imagePath);
        QVERIFY(!run->isEnabled()); // one run of the panel at a time

        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        auto outcome = finished.at(0).at(0).value<hub::RunOutcome>();
        QVERIFY2(outcome.ok, qPrintable(outcome.error));
        QCOMPARE(outcome.session, runStarted.at(0).at(0).toString());
        QCOMPARE(outcome.workflow, workflow);
        const json objects
            = workflow ? outcome.result["answer"]["objects"] : outcome.result["objects"];
        QCOMPARE(objects.size(), size_t(1));
        QCOMPARE(objects[0].value("schemaId", ""), std::string("schema-car"));
        if (!workflow) {
            JSON_COMPARE(outcome.result["externalId"], json("street.png"));
            JSON_COMPARE(outcome.result["config"], json({{"threshold", 0.5}}));
        } else {
            QVERIFY(outcome.result.contains("assetSha256"));
        }
        QVERIFY(run->isEnabled());
        QVERIFY(child<QLabel>(*panel, "localHubOutcomeLabel")
                    ->text()
                    .contains(QStringLiteral("1 object(s)")));

        // The plugin's own log lines reached the owner, with no secret anywhere.
        bool pluginLine = false;
        for (const auto &args : logged) {
            const auto entry = args.at(0).value<logging::LogEntry>();
            pluginLine |= entry.category == QLatin1String("plugin")
                          && entry.message == QLatin1String("Plugin session is started!");
            const QString line = logging::formatText(entry);
            QVERIFY2(!line.contains(kSecret), qPrintable(line));
            QVERIFY2(!line.contains(panel->hub()->apiKey()), qPrintable(line));
        }
        QVERIFY(pluginLine);

        // The plugin going away removes its row.
        plugin->kill();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 0, 10000);
    }

    void nodePluginAnswersARun()
    {
        auto panel = makePanel();
        panel->setCategorySchema(json());
        panel->setConfigJson(QStringLiteral("  "));
        QSignalSpy finished(panel.get(), &app::LocalHubPanel::runFinished);
        QVERIFY(panel->start());
        auto plugin = startPlugin(*panel, QStringLiteral("node"));
        QTRY_VERIFY2_WITH_TIMEOUT(panel->hub()->isLive(kPluginId),
                                  qPrintable(plugin->diagnostics()), 15000);
        QCOMPARE(panel->pluginModel()->rowCount(), 1);
        // No row selected: the run goes to the accepted plugin id.
        QVERIFY(panel->sendRun());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        auto outcome = finished.at(0).at(0).value<hub::RunOutcome>();
        QVERIFY2(outcome.ok, qPrintable(outcome.error));
        // Blank config and no mapping go out as nulls, as the hub sends them.
        JSON_COMPARE(outcome.result["configJSON"], json());
        JSON_COMPARE(outcome.result["categorySchema"], json());
        QVERIFY(outcome.result["payloadKeys"].is_array());
    }

    void wrongSecretShowsAsRefused()
    {
        auto panel = makePanel();
        QSignalSpy finished(panel.get(), &app::LocalHubPanel::runFinished);
        QVERIFY(panel->start());
        auto plugin = startPlugin(*panel, QStringLiteral("python"), QStringLiteral("not-it"));
        QSignalSpy exited(plugin.get(), &test::PeerProcess::finished);
        auto *model = panel->pluginModel();
        QTRY_VERIFY2_WITH_TIMEOUT(rowOf(*model, kPluginId, hub::PluginState::Refused) >= 0,
                                  qPrintable(plugin->diagnostics()), 15000);
        // The SDK exits on a refusal; the row stays so the user sees why.
        QTRY_COMPARE_WITH_TIMEOUT(exited.size(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model->index(0, 0).data(app::ConnectedPluginModel::ConnectedRole),
                                  QVariant(false), 10000);
        const int row = rowOf(*model, kPluginId, hub::PluginState::Refused);
        QVERIFY(row >= 0);
        QVERIFY(stateText(*model, row).startsWith(QStringLiteral("refused")));
        QVERIFY(model->index(row, app::ConnectedPluginModel::StateColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("wrong secret")));
        QVERIFY(child<QLabel>(*panel, "localHubOutcomeLabel")
                    ->text()
                    .contains(QStringLiteral("wrong secret")));
        QVERIFY(!panel->hub()->isLive(kPluginId));

        // A run for it is refused by the hub and said so; nothing was sent.
        QVERIFY(!panel->sendRun());
        QVERIFY(child<QLabel>(*panel, "localHubOutcomeLabel")
                    ->text()
                    .contains(QStringLiteral("not connected")));
        QCOMPARE(finished.size(), 0);

        // The same plugin coming back with the right secret replaces the refused row.
        auto good = startPlugin(*panel, QStringLiteral("python"));
        QTRY_VERIFY2_WITH_TIMEOUT(rowOf(*model, kPluginId, hub::PluginState::Live) >= 0,
                                  qPrintable(good->diagnostics()), 15000);
        QCOMPARE(model->rowCount(), 1);
    }

    void silentPluginTurnsStale()
    {
        hub::HubOptions options;
        options.staleAfter = 600ms;
        hub::LocalHub localHub(options);
        auto panel = makePanel(&localHub);
        QVERIFY(panel->start());
        auto plugin = startPlugin(*panel, QStringLiteral("python"), kSecret,
                                  {{QStringLiteral("HEARTBEAT_INTERVAL"), QStringLiteral("60")}});
        auto *model = panel->pluginModel();
        QTRY_VERIFY2_WITH_TIMEOUT(rowOf(*model, kPluginId, hub::PluginState::Live) >= 0,
                                  qPrintable(plugin->diagnostics()), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(*model, kPluginId, hub::PluginState::Stale) >= 0, 5000);
        QCOMPARE(stateText(*model, 0), QStringLiteral("stale"));
        panel.reset(); // the panel does not own the hub: it stays up
        QVERIFY(localHub.isListening());
    }

    void idAndSecretFieldsDecideWhoIsAccepted()
    {
        auto panel = makePanel();
        QVERIFY(panel->start());
        // The id changed after the secret was set: the old id is no longer accepted.
        panel->setPluginId(QStringLiteral("another-plugin"));
        auto plugin = startPlugin(*panel, QStringLiteral("python"));
        QTRY_VERIFY2_WITH_TIMEOUT(rowOf(*panel->pluginModel(), kPluginId, hub::PluginState::Refused)
                                      >= 0,
                                  qPrintable(plugin->diagnostics()), 15000);
        QVERIFY(panel->pluginModel()
                    ->index(0, app::ConnectedPluginModel::StateColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("unknown plugin id")));
    }
};

QTEST_MAIN(tst_LocalHubPanel)
#include "tst_localhubpanel.moc"
