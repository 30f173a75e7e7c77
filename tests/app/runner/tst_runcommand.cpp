#include "nodehub.h"
#include "jsoncompare.h"
#include "recordinghttpserver.h"
#include "runnerprocess.h"

#include <QProcess>
#include <QTest>

// `ango-console run` as a user runs it: the built binary against the emulated hub (official Node
// socket.io server) and a recording HTTP server standing in for the REST API.

using nlohmann::json;

namespace {

const QString kConsole = ango::test::consolePath();
const std::string kSecret = "runner-secret-A1B2C3D4E5";
const std::string kApiKey = "runner-api-key-Z9Y8X7W6V5";

json payload(const std::string &session, json extra = json::object())
{
    json p = {{"projectId", "proj"},
              {"categorySchema", json::array({{{"schemaId", "sch-1"}, {"modelClass", "dog"}}})},
              {"assetId", "asset"},
              {"apiKey", kApiKey},
              {"orgId", "org"},
              {"runBy", "user"},
              {"session", session},
              {"configJSON", ""}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        p[it.key()] = it.value();
    return p;
}

// The runner of these tests: ANGO_PLUGIN_SECRET set unless told otherwise.
class Runner : public ango::test::RunnerProcess
{
public:
    explicit Runner(const QStringList &arguments, bool withSecret = true)
        : RunnerProcess(arguments, withSecret ? QString::fromStdString(kSecret) : QString())
    {}
};

} // namespace

class tst_RunCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badFlagsExitWithTwoNamingTheFlag_data();
    void badFlagsExitWithTwoNamingTheFlag();

    void initTestCase();
    void heartbeatCarriesIdAndSecret();
    void interactiveRunIsAnsweredWithItsSession();
    void workflowRunIsAnnotatedNotAnswered();
    void callbackErrorIsAnsweredAndServingGoesOn();
    void malformedPayloadsGetClearErrors();
    void thousandRunsAtConcurrencyEightAnsweredOnce();
    void hubRestartMidRunLosesNothing();
    void everyStdoutLineIsOneJsonObject();
    void secretAndApiKeyNeverInTheOutput();
    void sigtermDrainsThenExitsZero();
    void cleanupTestCase();

private:
    int responsesFor(const std::string &session) const
    {
        return int(m_hub->forSession("response", session).size());
    }
    json responseFor(const std::string &session) const
    {
        const auto list = m_hub->forSession("response", session);
        return list.isEmpty() ? json() : list.constFirst()["payload"];
    }
    QString diagnostics() const
    {
        return m_hub->diagnostics() + QStringLiteral("\n--- runner ---\n") + m_runner->tail();
    }

    std::unique_ptr<ango::test::NodeHub> m_hub;
    std::unique_ptr<ango::test::RecordingHttpServer> m_api;
    std::unique_ptr<Runner> m_runner;
};

void tst_RunCommand::badFlagsExitWithTwoNamingTheFlag_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("withSecret");
    QTest::addColumn<QString>("named");
    QTest::newRow("missing --plugin-id") << QStringList{} << true << QStringLiteral("--plugin-id");
    QTest::newRow("--secret refused")
        << QStringList{QStringLiteral("--plugin-id"), QStringLiteral("p"),
                       QStringLiteral("--secret"), QStringLiteral("s")}
        << true << QStringLiteral("--secret");
    QTest::newRow("bad --concurrency")
        << QStringList{QStringLiteral("--plugin-id"), QStringLiteral("p"),
                       QStringLiteral("--concurrency"), QStringLiteral("x")}
        << true << QStringLiteral("--concurrency");
    QTest::newRow("unknown --callback kind")
        << QStringList{QStringLiteral("--plugin-id"), QStringLiteral("p"),
                       QStringLiteral("--callback"), QStringLiteral("cobol:x")}
        << true << QStringLiteral("--callback");
    QTest::newRow("no secret") << QStringList{QStringLiteral("--plugin-id"), QStringLiteral("p")}
                               << false << QStringLiteral("ANGO_PLUGIN_SECRET");
}

void tst_RunCommand::badFlagsExitWithTwoNamingTheFlag()
{
    QFETCH(QStringList, args);
    QFETCH(bool, withSecret);
    QFETCH(QString, named);
    Runner runner(args, withSecret);
    QTRY_VERIFY_WITH_TIMEOUT(runner.finished(), 15000);
    QCOMPARE(runner.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(runner.process().exitCode(), 2);
    QVERIFY2(QString::fromUtf8(runner.standardError()).contains(named),
             runner.standardError().constData());
}

void tst_RunCommand::initTestCase()
{
    QVERIFY2(QFileInfo::exists(kConsole), qPrintable(kConsole));
    m_hub = std::make_unique<ango::test::NodeHub>();
    m_hub->start();
    m_api = std::make_unique<ango::test::RecordingHttpServer>();
    QVERIFY(m_api->listen());
    m_api->setFallback(
        ango::test::ScriptedResponse::json(200, {{"status", "ok"}, {"data", json::object()}}));
    QTRY_VERIFY_WITH_TIMEOUT(m_hub->port() > 0, 15000);
    m_runner = std::make_unique<Runner>(QStringList{
        QStringLiteral("--plugin-id"), QStringLiteral("runner-plugin"), QStringLiteral("--host"),
        m_hub->url(), QStringLiteral("--api-host"), m_api->url().toString(),
        QStringLiteral("--callback"), QStringLiteral("demo"), QStringLiteral("--concurrency"),
        QStringLiteral("8"), QStringLiteral("--log-format"), QStringLiteral("jsonl"),
        QStringLiteral("--heartbeat-interval"), QStringLiteral("1"),
        QStringLiteral("--request-timeout"), QStringLiteral("10")});
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("heartbeat") >= 1, qPrintable(diagnostics()), 15000);
}

void tst_RunCommand::heartbeatCarriesIdAndSecret()
{
    JSON_COMPARE(m_hub->records("heartbeat").constFirst()["payload"],
                 (json{{"id", "runner-plugin"}, {"secret", kSecret}}));
    // ... again at the configured interval.
    QTRY_VERIFY_WITH_TIMEOUT(m_hub->count("heartbeat") >= 3, 5000);
}

void tst_RunCommand::interactiveRunIsAnsweredWithItsSession()
{
    m_hub->sendPlugin(payload("i-1"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("i-1"), 1, 5000);
    const json response = responseFor("i-1");
    JSON_COMPARE(response["session"], json("i-1"));
    JSON_COMPARE(response["response"]["objects"][0]["schemaId"], json("sch-1"));
    JSON_COMPARE(response["response"]["objects"][0]["bounding-box"],
                 (json{{"x", 20}, {"y", 30}, {"width", 50}, {"height", 60}}));
    QCOMPARE(m_hub->forSession("log", "i-1").size(), 2);
    QTRY_VERIFY(
        m_runner->countLines({{"session", "i-1"}, {"message", "Plugin session is started!"}}) == 1);
}

void tst_RunCommand::workflowRunIsAnnotatedNotAnswered()
{
    const int before = m_api->requestCount();
    m_hub->sendPlugin(payload("w-1", {{"workflow", true}, {"taskId", "task-77"}}));
    QTRY_COMPARE_WITH_TIMEOUT(m_api->requestCount(), before + 1, 5000);
    const auto &request = m_api->requests().constLast();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QByteArray("/v2/annotate/task-77"));
    QCOMPARE(request.queryValue(QStringLiteral("nextStage")), QStringLiteral("true"));
    QCOMPARE(request.queryValue(QStringLiteral("isPlugin")), QStringLiteral("true"));
    QCOMPARE(request.header("apikey"), QByteArray::fromStdString(kApiKey));
    const json body = json::parse(request.body.toStdString());
    JSON_COMPARE(
        body,
        (json{{"answer",
               {{"objects", json::array({{{"bounding-box",
                                           {{"x", 20}, {"y", 30}, {"width", 50}, {"height", 60}}},
                                          {"schemaId", "sch-1"}}})},
                {"classifications", json::array()},
                {"relations", json::array()}}},
              {"duration", 0}}));
    m_hub->sendPlugin(payload("after-w"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("after-w"), 1, 5000);
    QCOMPARE(responsesFor("w-1"), 0);
}

void tst_RunCommand::callbackErrorIsAnsweredAndServingGoesOn()
{
    m_hub->sendPlugin(
        payload("e-1", {{"configJSON", R"({"demo": {"error": "weights file missing"}})"}}));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("e-1"), 1, 5000);
    const json response = responseFor("e-1");
    JSON_COMPARE(response["error"], json(true));
    JSON_COMPARE(response["session"], json("e-1"));
    QVERIFY(QString::fromStdString(response["message"])
                .contains(QStringLiteral("weights file missing")));
    m_hub->sendPlugin(payload("e-2"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("e-2"), 1, 5000);
    QVERIFY(!responseFor("e-2").contains("error"));
    QVERIFY(!m_runner->finished());
}

void tst_RunCommand::malformedPayloadsGetClearErrors()
{
    json schema = json::array();
    for (int i = 0; i < 2000; ++i)
        schema.push_back({{"schemaId", "id-" + std::to_string(i)},
                          {"modelClass", "クラス Ω 🐕 " + std::to_string(i)}});
    m_hub->sendPlugin(json::array({"not", "an", "object"}));
    m_hub->sendPlugin(json{{"projectId", "no-session"}});
    m_hub->sendPlugin(payload("m-config", {{"configJSON", "{\"a\": [1, 2"}}));
    m_hub->sendPlugin(payload("m-null", {{"categorySchema", nullptr}}));
    m_hub->sendPlugin(payload("m-2000", {{"categorySchema", schema}}));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("m-config"), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("m-null"), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("m-2000"), 1, 10000);

    const QString configError = QString::fromStdString(responseFor("m-config")["message"]);
    QVERIFY2(configError.contains(QStringLiteral("configJSON is not valid JSON at line 1, column")),
             qPrintable(configError));
    QVERIFY(!responseFor("m-null")["response"]["objects"][0].contains("schemaId"));
    JSON_COMPARE(responseFor("m-2000")["response"]["objects"][0]["schemaId"], json("id-0"));
    // The unanswerable ones are logged with their reason.
    QTRY_VERIFY(m_runner->countLines({{"level", "error"}, {"category", "runtime"}}) >= 2);
    QVERIFY(!m_runner->finished());
}

void tst_RunCommand::thousandRunsAtConcurrencyEightAnsweredOnce()
{
    m_hub->command({{"cmd", "load"},
                    {"count", 1000},
                    {"inFlight", 64},
                    {"template", payload("")},
                    {"prefix", "k-"}});
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("loadDone") == 1, qPrintable(diagnostics()), 60000);
    const json done = m_hub->records("loadDone").constFirst();
    JSON_COMPARE(done["answered"], json(1000));
    JSON_COMPARE(done["duplicates"], json(0));
    JSON_COMPARE(done["unexpected"], json(0));
    JSON_COMPARE(done["errors"], json(0));
}

void tst_RunCommand::hubRestartMidRunLosesNothing()
{
    const int port = m_hub->port();
    const int heartbeats = m_hub->count("heartbeat");
    for (int i = 0; i < 10; ++i)
        m_hub->sendPlugin(
            payload("rs-" + std::to_string(i), {{"configJSON", R"({"demo": {"delayMs": 500}})"}}));
    QTRY_VERIFY2_WITH_TIMEOUT(
        m_runner->countLines({{"message", "Plugin session is started!"}, {"session", "rs-9"}}) == 1,
        qPrintable(diagnostics()), 5000);
    m_hub->kill();
    m_hub->start(port);
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("heartbeat") > heartbeats + 0
                                  && m_hub->count("connect") >= 2,
                              qPrintable(diagnostics()), 15000);
    for (int i = 0; i < 10; ++i)
        QTRY_VERIFY2_WITH_TIMEOUT(responsesFor("rs-" + std::to_string(i)) == 1,
                                  qPrintable(diagnostics()), 10000);
    const int heartbeatsAfter = m_hub->count("heartbeat");
    QTRY_VERIFY_WITH_TIMEOUT(m_hub->count("heartbeat") > heartbeatsAfter,
                             5000); // resumed at its interval
    m_hub->sendPlugin(payload("after-restart"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("after-restart"), 1, 5000);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(responsesFor("rs-" + std::to_string(i)), 1);
}

void tst_RunCommand::everyStdoutLineIsOneJsonObject()
{
    QVERIFY(m_runner->lines().size() > 3000);
    for (const QByteArray &line : m_runner->lines()) {
        const json entry = json::parse(line.constBegin(), line.constEnd(), nullptr, false);
        QVERIFY2(entry.is_object() && entry.contains("time") && entry.contains("level")
                     && entry.contains("message"),
                 line.left(300).constData());
    }
}

void tst_RunCommand::secretAndApiKeyNeverInTheOutput()
{
    const QByteArray output = m_runner->everything();
    QVERIFY(!output.isEmpty());
    QVERIFY2(!output.contains(QByteArray::fromStdString(kSecret)),
             "the plugin secret is in the runner's output");
    QVERIFY2(!output.contains(QByteArray::fromStdString(kApiKey)),
             "an apiKey is in the runner's output");
    for (const auto &record : m_hub->records("log"))
        QVERIFY2(record.dump().find(kApiKey) == std::string::npos, record.dump().c_str());
}

void tst_RunCommand::sigtermDrainsThenExitsZero()
{
    m_hub->sendPlugin(payload("t-1", {{"configJSON", R"({"demo": {"delayMs": 400}})"}}));
    QTRY_VERIFY_WITH_TIMEOUT(
        m_runner->countLines({{"message", "Plugin session is started!"}, {"session", "t-1"}}) == 1,
        5000);
    m_runner->process().terminate();
    QTRY_VERIFY2_WITH_TIMEOUT(m_runner->finished(), qPrintable(diagnostics()), 15000);
    QCOMPARE(m_runner->process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_runner->process().exitCode(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("t-1"), 1, 5000);
    QVERIFY2(!responseFor("t-1").contains("error"), responseFor("t-1").dump().c_str());
}

void tst_RunCommand::cleanupTestCase()
{
    m_runner.reset();
    m_api.reset();
    m_hub.reset();
}

QTEST_GUILESS_MAIN(tst_RunCommand)
#include "tst_runcommand.moc"
