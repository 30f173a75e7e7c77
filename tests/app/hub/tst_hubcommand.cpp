#include "callbacks/democallback.h"
#include "peerprocess.h"
#include "runtime/pluginruntime.h"
#include "testpaths.h"

#include "jsoncompare.h"
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <QTest>

#include <unistd.h>

// `ango-console hub ... --once` as a child process, end to end: it prints LISTENING=HOST:PORT,
// a real plugin connects (python-socketio in the SDK's style, or our own PluginRuntime), and
// the result comes out on stdout with exit code 0; timeouts, refusals, plugin errors and bad
// flags come out as exit codes 1 and 2 with a message on stderr.

using namespace ango;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

const QString kPluginId = u"plugin-ci-7"_s;
const QString kSecret = u"ci-secret-value-98765"_s;

// The hub command, run and read.
class HubProcess
{
public:
    explicit HubProcess(const QStringList &arguments, const QString &secret = kSecret,
                        const QString &program = {})
    {
        auto environment = QProcessEnvironment::systemEnvironment();
        if (secret.isEmpty())
            environment.remove(u"ANGO_PLUGIN_SECRET"_s);
        else
            environment.insert(u"ANGO_PLUGIN_SECRET"_s, secret);
        process.setProcessEnvironment(environment);
        QObject::connect(&process, &QProcess::readyReadStandardError, &process, [this] {
            stderrText += QString::fromUtf8(process.readAllStandardError());
        });
        QObject::connect(&process, &QProcess::readyReadStandardOutput, &process,
                         [this] { stdoutBytes += process.readAllStandardOutput(); });
        if (program.isEmpty())
            process.start(QStringLiteral(ANGO_HUB_CLI), QStringList{u"hub"_s} + arguments);
        else
            process.start(program, arguments);
    }

    ~HubProcess()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }

    // "127.0.0.1:PORT" from the LISTENING= line; empty until it is printed.
    QString listening() const
    {
        static const QRegularExpression line(u"^LISTENING=(\\S+)$"_s,
                                             QRegularExpression::MultilineOption);
        return line.match(stderrText).captured(1);
    }

    bool finished() const { return process.state() == QProcess::NotRunning; }
    int exitCode() const
    {
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

    QProcess process;
    QString stderrText;
    QByteArray stdoutBytes;
};

// User and system CPU time a process has used so far (Linux /proc).
double cpuSeconds(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // Fields after the command name (which is in parentheses and may hold spaces).
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong())
           / double(sysconf(_SC_CLK_TCK));
}

} // namespace

class tst_HubCommand : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_image;
    QByteArray m_imageBytes;
    QString m_mapping;

    QStringList onceArguments(const QStringList &extra = {}) const
    {
        return QStringList{u"--listen"_s, u"127.0.0.1:0"_s, u"--plugin-id"_s, kPluginId,
                           u"--asset"_s,  m_image,          u"--mapping"_s,   m_mapping,
                           u"--once"_s,   u"--timeout"_s,   u"30"_s}
               + extra;
    }

    std::unique_ptr<test::PeerProcess> startPythonPlugin(const QString &address,
                                                         const QString &secret = kSecret,
                                                         const QString &pluginId = kPluginId)
    {
        const QString host = u"http://"_s + address;
        auto plugin = std::make_unique<test::PeerProcess>(
            u"/usr/bin/python3"_s,
            QStringList{test::sourcePath(u"tests/peers/python/plugin_client.py"_s)},
            QMap<QString, QString>{{u"ANGO_HOST"_s, host},
                                   {u"ANGO_API_HOST"_s, host},
                                   {u"ANGO_PLUGIN_ID"_s, pluginId},
                                   {u"ANGO_PLUGIN_SECRET"_s, secret}});
        plugin->start();
        return plugin;
    }

    static json stdoutJson(const HubProcess &hub)
    {
        return json::parse(hub.stdoutBytes.toStdString(), nullptr, false);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_image = m_dir.filePath(u"truck.png"_s);
        m_imageBytes = QByteArray("\x89PNG\r\n\x1a\n") + QByteArray(1500, 't');
        QFile image(m_image);
        QVERIFY(image.open(QIODevice::WriteOnly));
        image.write(m_imageBytes);
        image.close();
        m_mapping = m_dir.filePath(u"mapping.json"_s);
        QFile mapping(m_mapping);
        QVERIFY(mapping.open(QIODevice::WriteOnly));
        mapping.write(R"([{"schemaId":"schema-truck","modelClass":"truck"}])");
    }

    void onceInteractivePrintsTheResponse()
    {
        HubProcess hub(onceArguments({u"--config"_s, uR"({"threshold": 0.5})"_s}));
        QTRY_VERIFY2_WITH_TIMEOUT(!hub.listening().isEmpty(), qPrintable(hub.stderrText), 10000);
        QVERIFY2(hub.stderrText.contains(u"start the plugin with: ANGO_HOST=http://"_s
                                         + hub.listening()),
                 qPrintable(hub.stderrText));
        auto plugin = startPythonPlugin(hub.listening());
        QTRY_VERIFY2_WITH_TIMEOUT(hub.finished(),
                                  qPrintable(hub.stderrText + plugin->diagnostics()), 30000);
        QVERIFY2(hub.exitCode() == 0, qPrintable(hub.stderrText + plugin->diagnostics()));

        const json result = stdoutJson(hub);
        QVERIFY2(result.is_object(), hub.stdoutBytes.constData());
        JSON_COMPARE(result["objects"][0]["schemaId"], json("schema-truck"));
        JSON_COMPARE(result["externalId"], json("truck.png"));
        JSON_COMPARE(result["config"], json({{"threshold", 0.5}}));
        JSON_COMPARE(result["assetSha256"],
                     json(QCryptographicHash::hash(m_imageBytes, QCryptographicHash::Sha256)
                              .toHex()
                              .toStdString()));
        QCOMPARE(hub.stdoutBytes.count('\n'), 1); // one JSON line and nothing else
        QVERIFY(!hub.stderrText.contains(kSecret));
    }

    void onceWorkflowPrintsTheAnnotateBody()
    {
        HubProcess hub(onceArguments({u"--workflow"_s}));
        QTRY_VERIFY2_WITH_TIMEOUT(!hub.listening().isEmpty(), qPrintable(hub.stderrText), 10000);
        auto plugin = startPythonPlugin(hub.listening());
        QTRY_VERIFY2_WITH_TIMEOUT(hub.finished(),
                                  qPrintable(hub.stderrText + plugin->diagnostics()), 30000);
        QVERIFY2(hub.exitCode() == 0, qPrintable(hub.stderrText + plugin->diagnostics()));
        const json body = stdoutJson(hub);
        JSON_COMPARE(body["answer"]["objects"][0]["schemaId"], json("schema-truck"));
        JSON_COMPARE(body["duration"], json(0));
        QVERIFY2(hub.stderrText.contains(u"POST /v2/annotate/task-"_s), qPrintable(hub.stderrText));
    }

    void onceWithOurRuntime()
    {
        for (const bool workflow : {false, true}) {
            HubProcess hub(onceArguments(workflow ? QStringList{u"--workflow"_s} : QStringList{}));
            QTRY_VERIFY2_WITH_TIMEOUT(!hub.listening().isEmpty(), qPrintable(hub.stderrText),
                                      10000);
            runtime::RuntimeOptions options;
            options.pluginId = kPluginId;
            options.secret = kSecret;
            options.hubUrl = QUrl(u"http://"_s + hub.listening());
            options.apiHost = options.hubUrl;
            callbacks::DemoCallback demo;
            runtime::PluginRuntime pluginRuntime(options, &demo);
            pluginRuntime.start();
            QTRY_VERIFY2_WITH_TIMEOUT(hub.finished(), qPrintable(hub.stderrText), 30000);
            QVERIFY2(hub.exitCode() == 0, qPrintable(hub.stderrText));
            const json expected = callbacks::DemoCallback::sampleResult(
                json::array({{{"schemaId", "schema-truck"}}}));
            const json printed = stdoutJson(hub);
            JSON_COMPARE(workflow ? printed["answer"] : printed, expected);
        }
    }

    void onceWithTheConsoleRunner()
    {
#ifndef ANGO_CONSOLE
        QSKIP("ango-console is not built (ANGO_BUILD_APP=OFF)");
#else
        HubProcess hub(onceArguments({u"--workflow"_s}));
        QTRY_VERIFY2_WITH_TIMEOUT(!hub.listening().isEmpty(), qPrintable(hub.stderrText), 10000);
        const QString host = u"http://"_s + hub.listening();
        auto runner = std::make_unique<test::PeerProcess>(
            QStringLiteral(ANGO_CONSOLE),
            QStringList{u"run"_s, u"--plugin-id"_s, kPluginId, u"--host"_s, host, u"--api-host"_s,
                        host, u"--callback"_s, u"demo"_s, u"--pending-store"_s,
                        m_dir.filePath(u"pending.json"_s)},
            QMap<QString, QString>{{u"ANGO_PLUGIN_SECRET"_s, kSecret},
                                   {u"QT_QPA_PLATFORM"_s, u"offscreen"_s}});
        runner->start();
        QTRY_VERIFY2_WITH_TIMEOUT(hub.finished(),
                                  qPrintable(hub.stderrText + runner->diagnostics()), 30000);
        QVERIFY2(hub.exitCode() == 0, qPrintable(hub.stderrText + runner->diagnostics()));
        const json expected
            = callbacks::DemoCallback::sampleResult(json::array({{{"schemaId", "schema-truck"}}}));
        JSON_COMPARE(stdoutJson(hub)["answer"], expected);
#endif
    }

    void timeoutExitsOne()
    {
        HubProcess hub(QStringList{u"--plugin-id"_s, kPluginId, u"--asset"_s, m_image, u"--once"_s,
                                   u"--timeout"_s, u"0.5"_s});
        QTRY_VERIFY_WITH_TIMEOUT(hub.finished(), 10000);
        QCOMPARE(hub.exitCode(), 1);
        QVERIFY2(
            hub.stderrText.contains(u"timed out after 0.5 s: plugin plugin-ci-7 never connected"_s),
            qPrintable(hub.stderrText));
        QVERIFY(hub.stdoutBytes.isEmpty());
    }

    void pluginErrorExitsOne()
    {
        HubProcess hub(onceArguments({u"--config"_s, uR"({"fail": "weights missing"})"_s}));
        QTRY_VERIFY2_WITH_TIMEOUT(!hub.listening().isEmpty(), qPrintable(hub.stderrText), 10000);
        auto plugin = startPythonPlugin(hub.listening());
        QTRY_VERIFY2_WITH_TIMEOUT(hub.finished(),
                                  qPrintable(hub.stderrText + plugin->diagnostics()), 30000);
        QCOMPARE(hub.exitCode(), 1);
        QVERIFY2(hub.stderrText.contains(u"the run failed: the plugin reported an error"_s),
                 qPrintable(hub.stderrText));
        QVERIFY2(hub.stderrText.contains(u"weights missing"_s),
                 qPrintable(hub.stderrText)); // its log line
        QVERIFY(hub.stdoutBytes.isEmpty());
    }

    // Any local process can connect first: a wrong secret is refused and said at once, and the
    // hub keeps waiting for the plugin under test, which then gets the run.
    void intruderIsRefusedThenThePluginIsServed()
    {
        HubProcess hub(onceArguments());
        QTRY_VERIFY2_WITH_TIMEOUT(!hub.listening().isEmpty(), qPrintable(hub.stderrText), 10000);
        auto intruder = startPythonPlugin(hub.listening(), u"a-wrong-secret"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(
            hub.stderrText.contains(u"ango-console hub: refused plugin \"plugin-ci-7\" from "_s),
            qPrintable(hub.stderrText + intruder->diagnostics()), 20000);
        QVERIFY2(hub.stderrText.contains(u"(wrong secret for plugin plugin-ci-7); still waiting "
                                         u"for plugin plugin-ci-7 (timeout 30 s)"_s),
                 qPrintable(hub.stderrText));
        QVERIFY2(!hub.finished(), qPrintable(hub.stderrText));

        auto plugin = startPythonPlugin(hub.listening());
        QTRY_VERIFY2_WITH_TIMEOUT(hub.finished(),
                                  qPrintable(hub.stderrText + plugin->diagnostics()), 30000);
        QVERIFY2(hub.exitCode() == 0, qPrintable(hub.stderrText + plugin->diagnostics()));
        JSON_COMPARE(stdoutJson(hub)["externalId"], json("truck.png"));
        QVERIFY(!hub.stderrText.contains(u"a-wrong-secret"_s));
        QVERIFY(!hub.stderrText.contains(kSecret));
    }

    // The timeout names what was refused; the stranger is not told which id the hub serves.
    void timeoutNamesTheRefusals()
    {
        HubProcess hub(QStringList{u"--listen"_s, u"127.0.0.1:0"_s, u"--plugin-id"_s, kPluginId,
                                   u"--asset"_s, m_image, u"--once"_s, u"--timeout"_s, u"4"_s});
        QTRY_VERIFY2_WITH_TIMEOUT(!hub.listening().isEmpty(), qPrintable(hub.stderrText), 10000);
        auto stranger = startPythonPlugin(hub.listening(), kSecret, u"stranger-\x1b[31m"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(hub.finished(),
                                  qPrintable(hub.stderrText + stranger->diagnostics()), 20000);
        QCOMPARE(hub.exitCode(), 1);
        QVERIFY2(hub.stderrText.contains(
                     u"timed out after 4 s: plugin plugin-ci-7 never connected with a valid "
                     u"heartbeat"_s),
                 qPrintable(hub.stderrText));
        QVERIFY2(hub.stderrText.contains(u"; refused 1 connection: plugin \"stranger-\\x1b[31m\" "
                                         u"from 127.0.0.1"_s),
                 qPrintable(hub.stderrText));
        // ESC from the stranger's id never reaches the terminal raw.
        QVERIFY2(!hub.stderrText.contains(QChar(0x1b)), qPrintable(hub.stderrText));
        QTRY_VERIFY2_WITH_TIMEOUT(stranger->diagnostics().contains(u"REFUSED unknown plugin id"_s),
                                  qPrintable(stranger->diagnostics()), 10000);
        QVERIFY2(!stranger->diagnostics().contains(kPluginId), qPrintable(stranger->diagnostics()));
    }

    // Descriptors short (ulimit -n 64, 80 idle clients): the hub stops accepting at what the
    // limit leaves room for instead of spinning on EMFILE; the idle clients are closed after
    // --idle-timeout and the plugin that comes next is served.
    void keepsServingUnderDescriptorPressure()
    {
        HubProcess hub(QStringList{u"-c"_s, u"ulimit -n 64 && exec \"$0\" \"$@\""_s,
                                   QStringLiteral(ANGO_HUB_CLI), u"hub"_s}
                           + onceArguments({u"--idle-timeout"_s, u"3"_s}),
                       kSecret, u"/bin/sh"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(!hub.listening().isEmpty(), qPrintable(hub.stderrText), 10000);
        QElapsedTimer clock;
        clock.start();
        const quint16 port = quint16(hub.listening().section(u':', -1).toUInt());
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 80; ++i) {
            idle.push_back(std::make_unique<QTcpSocket>());
            idle.back()->connectToHost(QHostAddress::LocalHost, port);
        }
        QTRY_VERIFY2_WITH_TIMEOUT(hub.stderrText.contains(u"not accepting connections for now: "_s),
                                  qPrintable(hub.stderrText), 10000);
        // Every idle client is closed by the hub, those it could only take in after others left
        // included.
        QTRY_VERIFY2_WITH_TIMEOUT(std::all_of(idle.cbegin(), idle.cend(),
                                              [](const auto &socket) {
                                                  return socket->state()
                                                         == QAbstractSocket::UnconnectedState;
                                              }),
                                  qPrintable(hub.stderrText.right(2000)), 30000);
        const double busy = cpuSeconds(hub.process.processId()) / (clock.elapsed() / 1000.0);
        qInfo("hub CPU under descriptor pressure: %.1f%% of a core", busy * 100);
        QVERIFY2(busy < 0.5, qPrintable(u"the hub used %1 of a core"_s.arg(busy)));
        idle.clear();

        auto plugin = startPythonPlugin(hub.listening());
        QTRY_VERIFY2_WITH_TIMEOUT(hub.finished(),
                                  qPrintable(hub.stderrText + plugin->diagnostics()), 30000);
        QVERIFY2(hub.exitCode() == 0, qPrintable(hub.stderrText + plugin->diagnostics()));
        JSON_COMPARE(stdoutJson(hub)["externalId"], json("truck.png"));
    }

    void badFlagsExitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown flag") << QStringList{u"--plugin-id"_s, u"p"_s,      u"--asset"_s,
                                                     m_image,          u"--once"_s, u"--fast"_s}
                                      << kSecret << u"unknown flag --fast"_s;
        QTest::newRow("no secret")
            << QStringList{u"--plugin-id"_s, u"p"_s, u"--asset"_s, m_image, u"--once"_s}
            << QString() << u"ANGO_PLUGIN_SECRET is not set"_s;
        QTest::newRow("bad config")
            << QStringList{u"--plugin-id"_s, u"p"_s,        u"--asset"_s, m_image,
                           u"--once"_s,      u"--config"_s, u"nope"_s}
            << kSecret << u"--config is not valid JSON"_s;
    }

    void badFlagsExitTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, secret);
        QFETCH(QString, message);
        HubProcess hub(arguments, secret);
        QTRY_VERIFY_WITH_TIMEOUT(hub.finished(), 10000);
        QCOMPARE(hub.exitCode(), 2);
        QVERIFY2(hub.stderrText.contains(u"ango-console hub: "_s + message),
                 qPrintable(hub.stderrText));
    }

    void listenFailureExitsOne()
    {
        // A port already taken by another hub.
        HubProcess first(onceArguments());
        QTRY_VERIFY2_WITH_TIMEOUT(!first.listening().isEmpty(), qPrintable(first.stderrText),
                                  10000);
        HubProcess second(QStringList{u"--listen"_s, first.listening(), u"--plugin-id"_s, kPluginId,
                                      u"--asset"_s, m_image, u"--once"_s});
        QTRY_VERIFY_WITH_TIMEOUT(second.finished(), 10000);
        QCOMPARE(second.exitCode(), 1);
        QVERIFY2(second.stderrText.contains(u"cannot listen on"_s), qPrintable(second.stderrText));
    }
};

QTEST_GUILESS_MAIN(tst_HubCommand)
#include "tst_hubcommand.moc"
