#include "callbacks/democallback.h"
#include "callbacks/functioncallback.h"
#include "nodehub.h"
#include "jsoncompare.h"
#include "recordinghttpserver.h"
#include "runtime/pluginruntime.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

// The runtime in process against the emulated hub (official Node socket.io server) and a
// recording HTTP server standing in for the Ango REST API.

using namespace ango;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kSecret = "plugin-secret-0123456789";
const std::string kApiKey = "user-api-key-abcdef987654";
const std::string kPluginId = "plugin-42";

json payload(const std::string &session, json extra = json::object())
{
    json p
        = {{"projectId", "proj-1"},
           {"categorySchema", json::array({{{"schemaId", "schema-car"}, {"modelClass", "car"}}})},
           {"assetId", "asset-1"},
           {"apiKey", kApiKey},
           {"orgId", "org-1"},
           {"runBy", "user-1"},
           {"session", session},
           {"configJSON", "{}"},
           {"tags", json::array({"batch-a"})}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        p[it.key()] = it.value();
    return p;
}

} // namespace

class tst_PluginRuntime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void heartbeatOnConnectAndEveryInterval();
    void interactiveRunAnswersWithTheSameSessionAndLogs();
    void workflowRunPostsAnnotateAndSendsNoResponse();
    void workflowRunsOfOneTaskKeepTheirOrder();
    void failedAnnotateIsLoggedNotAnswered();
    void callbackErrorIsAnsweredAndServingGoesOn();
    void timeoutIsAnsweredAndTheLateResultIgnored();
    void invalidResultIsAnswered();
    void malformedPayloadsAreDroppedOrAnswered();
    void manyAndUnicodeClasses();
    void duplicateSessionInFlightRunsOnce();
    void concurrencyLimitIsHonouredAndEveryRunAnsweredOnce();
    void hubRestartLosesNothingAndAnswersNothingTwice();
    void hubClosingTheNamespaceIsRejoined();
    void reviewGateHoldsApprovesEditsDiscards();
    void reviewGateSurvivesARestart();
    void discardAnswersTheHubOnce();
    void secretsNeverReachLogsOrLogEvents();
    void runLocalNeedsNoHub();
    void stopDrainsRunningRequests();
    void resultReadyShowsHubResultsBeforeDelivery();
    void cancelAnswersRunningAndQueuedRequestsOnce();
    void silentHubIsAbandonedAfterTheConnectTimeout();

private:
    void startRuntime(runtime::RuntimeOptions options = {});
    runtime::RuntimeOptions defaultOptions() const;
    int responsesFor(const std::string &session) const
    {
        return int(m_hub->forSession("response", session).size());
    }
    json responseFor(const std::string &session) const
    {
        const auto list = m_hub->forSession("response", session);
        return list.isEmpty() ? json() : list.constFirst()["payload"];
    }
    QString diagnostics() const;

    std::unique_ptr<test::NodeHub> m_hub;
    std::unique_ptr<test::RecordingHttpServer> m_api;
    std::unique_ptr<callbacks::Callback> m_callback;
    std::unique_ptr<runtime::PluginRuntime> m_runtime;
    QList<logging::LogEntry> m_logs;
    QList<runtime::RequestEvent> m_events;
};

void tst_PluginRuntime::init()
{
    m_logs.clear();
    m_events.clear();
    m_hub = std::make_unique<test::NodeHub>();
    m_hub->start();
    m_api = std::make_unique<test::RecordingHttpServer>();
    QVERIFY(m_api->listen());
    m_api->setFallback(
        test::ScriptedResponse::json(200, {{"status", "ok"}, {"data", json::object()}}));
    m_callback = std::make_unique<callbacks::DemoCallback>();
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->port() > 0, qPrintable(m_hub->diagnostics()), 15000);
}

void tst_PluginRuntime::cleanup()
{
    m_runtime.reset();
    m_callback.reset();
    m_api.reset();
    m_hub.reset();
}

runtime::RuntimeOptions tst_PluginRuntime::defaultOptions() const
{
    runtime::RuntimeOptions options;
    options.pluginId = QString::fromStdString(kPluginId);
    options.secret = QString::fromStdString(kSecret);
    options.hubUrl = QUrl(m_hub->url());
    options.apiHost = m_api->url();
    options.reconnectDelay = 50ms;
    options.reconnectDelayMax = 300ms;
    options.requestTimeout = 10s;
    return options;
}

void tst_PluginRuntime::startRuntime(runtime::RuntimeOptions options)
{
    if (options.pluginId.isEmpty())
        options = defaultOptions();
    m_runtime = std::make_unique<runtime::PluginRuntime>(options, m_callback.get());
    connect(m_runtime.get(), &runtime::PluginRuntime::logged, this,
            [this](const logging::LogEntry &entry) { m_logs.append(entry); });
    connect(m_runtime.get(), &runtime::PluginRuntime::requestProgressed, this,
            [this](const runtime::RequestEvent &event) { m_events.append(event); });
    m_runtime->start();
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("heartbeat") >= 1, qPrintable(diagnostics()), 10000);
    QTRY_COMPARE(m_runtime->status().state, runtime::ConnectionState::Connected);
}

QString tst_PluginRuntime::diagnostics() const
{
    if (qEnvironmentVariableIsSet("ANGO_TEST_VERBOSE"))
        for (const auto &entry : m_logs)
            qInfo().noquote() << logging::formatText(entry).left(300);
    QString text = m_hub->diagnostics() + QStringLiteral("\n--- runtime log ---\n");
    for (qsizetype i = std::max<qsizetype>(0, m_logs.size() - 30); i < m_logs.size(); ++i)
        text += logging::formatText(m_logs.at(i)).left(400) + QLatin1Char('\n');
    return text;
}

void tst_PluginRuntime::heartbeatOnConnectAndEveryInterval()
{
    auto options = defaultOptions();
    options.heartbeatInterval = 100ms;
    startRuntime(options);
    const json first = m_hub->records("heartbeat").constFirst()["payload"];
    JSON_COMPARE(first, (json{{"id", kPluginId}, {"secret", kSecret}}));
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("heartbeat") >= 4, qPrintable(diagnostics()), 5000);
    const auto status = m_runtime->status();
    QVERIFY(status.lastHeartbeat.isValid());
    QVERIFY(status.lastHeartbeat.secsTo(QDateTime::currentDateTimeUtc()) < 5);
    QVERIFY(status.connectedSince.isValid());
}

void tst_PluginRuntime::interactiveRunAnswersWithTheSameSessionAndLogs()
{
    startRuntime();
    m_hub->sendPlugin(payload("s-1"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("s-1"), 1, 5000);
    const json response = responseFor("s-1");
    JSON_COMPARE(response["session"], json("s-1"));
    JSON_COMPARE(response["response"]["objects"][0]["schemaId"], json("schema-car"));
    JSON_COMPARE(response["response"]["objects"][0]["bounding-box"],
                 (json{{"x", 20}, {"y", 30}, {"width", 50}, {"height", 60}}));
    QVERIFY(!response.contains("error"));

    // The demo's two logger lines reach the hub as the SDK's `log` payload.
    const auto logs = m_hub->forSession("log", "s-1");
    QCOMPARE(logs.size(), 2);
    JSON_COMPARE(logs.at(0)["payload"], (json{{"level", "INFO"},
                                              {"organization", "org-1"},
                                              {"pluginId", kPluginId},
                                              {"runBy", "user-1"},
                                              {"session", "s-1"},
                                              {"msg", "Plugin session is started!"}}));
    JSON_COMPARE(logs.at(1)["payload"]["msg"], json("Plugin session is ended!"));
    // ... and the local log.
    QVERIFY(std::any_of(m_logs.cbegin(), m_logs.cend(), [](const logging::LogEntry &e) {
        return e.category == QLatin1String("plugin") && e.session == QLatin1String("s-1")
               && e.message == QLatin1String("Plugin session is started!");
    }));

    // The lifecycle for a GUI timeline, in order.
    QList<runtime::RequestStage> stages;
    for (const auto &event : std::as_const(m_events))
        if (event.session == QLatin1String("s-1"))
            stages << event.stage;
    using S = runtime::RequestStage;
    QCOMPARE(stages, (QList<S>{S::Received, S::Queued, S::CallbackStarted, S::CallbackFinished,
                               S::Validated, S::Delivered}));
    QTRY_COMPARE(m_runtime->status().delivered, quint64(1));
}

void tst_PluginRuntime::workflowRunPostsAnnotateAndSendsNoResponse()
{
    startRuntime();
    m_hub->sendPlugin(payload("wf-1", {{"workflow", true}, {"taskId", "task-9"}}));
    QTRY_COMPARE_WITH_TIMEOUT(m_api->requestCount(), 1, 5000);
    const auto &request = m_api->requests().constFirst();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QByteArray("/v2/annotate/task-9"));
    QCOMPARE(request.queryValue(QStringLiteral("nextStage")), QStringLiteral("true"));
    QCOMPARE(request.queryValue(QStringLiteral("isPlugin")), QStringLiteral("true"));
    QCOMPARE(request.header("apikey"), QByteArray::fromStdString(kApiKey));
    const json body = json::parse(request.body.toStdString());
    JSON_COMPARE(body["duration"], json(0));
    JSON_COMPARE(body["answer"]["objects"][0]["schemaId"], json("schema-car"));
    JSON_COMPARE(body["answer"]["classifications"], json::array());
    JSON_COMPARE(body["answer"]["relations"], json::array());

    QTRY_VERIFY(std::any_of(m_events.cbegin(), m_events.cend(), [](const runtime::RequestEvent &e) {
        return e.session == QLatin1String("wf-1") && e.stage == runtime::RequestStage::Delivered;
    }));
    // The logger works in the workflow path too (the SDK loses it there).
    QCOMPARE(m_hub->forSession("log", "wf-1").size(), 2);
    // A later interactive answer arrives; no response was ever sent for the workflow run.
    m_hub->sendPlugin(payload("after-wf"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("after-wf"), 1, 5000);
    QCOMPARE(responsesFor("wf-1"), 0);
}

void tst_PluginRuntime::workflowRunsOfOneTaskKeepTheirOrder()
{
    // Slow first run, fast later ones: with FIFO the annotate calls still come in arrival order.
    m_callback = std::make_unique<callbacks::DemoCallback>();
    startRuntime();
    for (int i = 0; i < 4; ++i) {
        const int delay = i == 0 ? 150 : 1;
        m_hub->sendPlugin(payload("wf-" + std::to_string(i),
                                  {{"workflow", true},
                                   {"taskId", "task-" + std::to_string(i)},
                                   {"configJSON", json{{"demo", {{"delayMs", delay}}}}.dump()}}));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_api->requestCount(), 4, 5000);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(m_api->requests().at(i).path,
                 QByteArray("/v2/annotate/task-") + QByteArray::number(i));
}

void tst_PluginRuntime::failedAnnotateIsLoggedNotAnswered()
{
    m_api->setRoute("/v2/annotate/task-x",
                    test::ScriptedResponse::json(403, {{"message", "Forbidden for this key"}}));
    startRuntime();
    m_hub->sendPlugin(payload("wf-x", {{"workflow", true}, {"taskId", "task-x"}}));
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(m_events.cbegin(), m_events.cend(),
                                         [](const runtime::RequestEvent &e) {
                                             return e.session == QLatin1String("wf-x")
                                                    && e.stage == runtime::RequestStage::Failed;
                                         }),
                             5000);
    QTRY_COMPARE(m_hub->forSession("log", "wf-x").size(), 3);
    const json errorLog = m_hub->forSession("log", "wf-x").constLast()["payload"];
    JSON_COMPARE(errorLog["level"], json("ERROR"));
    QVERIFY2(QString::fromStdString(errorLog["msg"]).contains(QStringLiteral("403")),
             errorLog.dump().c_str());
    m_hub->sendPlugin(payload("after"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("after"), 1, 5000);
    QCOMPARE(responsesFor("wf-x"), 0);
}

void tst_PluginRuntime::callbackErrorIsAnsweredAndServingGoesOn()
{
    startRuntime();
    m_hub->sendPlugin(
        payload("bad", {{"configJSON", R"({"demo": {"error": "CUDA out of memory"}})"}}));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("bad"), 1, 5000);
    const json response = responseFor("bad");
    JSON_COMPARE(response["error"], json(true));
    JSON_COMPARE(response["session"], json("bad"));
    QVERIFY2(
        QString::fromStdString(response["message"]).contains(QStringLiteral("CUDA out of memory")),
        response.dump().c_str());
    QVERIFY(!response.contains("response"));

    m_hub->sendPlugin(payload("good"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("good"), 1, 5000);
    QVERIFY(!responseFor("good").contains("error"));
}

void tst_PluginRuntime::timeoutIsAnsweredAndTheLateResultIgnored()
{
    auto options = defaultOptions();
    options.requestTimeout = 100ms;
    startRuntime(options);
    m_hub->sendPlugin(payload("slow", {{"configJSON", R"({"demo": {"delayMs": 5000}})"}}));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("slow"), 1, 5000);
    QVERIFY2(QString::fromStdString(responseFor("slow")["message"])
                 .contains(QStringLiteral("did not finish within 0.1 s")),
             responseFor("slow").dump().c_str());
    // The slot is free again.
    m_hub->sendPlugin(payload("next"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("next"), 1, 5000);
    QCOMPARE(responsesFor("slow"), 1);
    QCOMPARE(m_runtime->status().running, 0);
}

void tst_PluginRuntime::invalidResultIsAnswered()
{
    startRuntime();
    m_hub->sendPlugin(
        payload("weird", {{"configJSON", R"({"demo": {"result": "not an annotation"}})"}}));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("weird"), 1, 5000);
    const json response = responseFor("weird");
    JSON_COMPARE(response["error"], json(true));
    QVERIFY2(QString::fromStdString(response["message"]).contains(QStringLiteral("invalid result")),
             response.dump().c_str());
    m_hub->sendPlugin(payload("nullres", {{"configJSON", R"({"demo": {"result": null}})"}}));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("nullres"), 1, 5000);
    JSON_COMPARE(responseFor("nullres")["error"], json(true));
}

void tst_PluginRuntime::malformedPayloadsAreDroppedOrAnswered()
{
    startRuntime();
    m_hub->sendPlugin(json::array({1, 2, 3}));
    m_hub->sendPlugin(json("just a string"));
    m_hub->sendPlugin(json{{"projectId", "p"}}); // no session
    m_hub->command(
        {{"cmd", "emit"}, {"name", "plugin"}, {"args", json::array()}}); // no argument at all
    m_hub->sendPlugin(payload("badconfig", {{"configJSON", "{\"threshold\": 0.5,}"}}));
    m_hub->sendPlugin(payload("nullschema", {{"categorySchema", nullptr}}));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("nullschema"), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("badconfig"), 1, 5000);

    const json bad = responseFor("badconfig");
    JSON_COMPARE(bad["error"], json(true));
    const QString message = QString::fromStdString(bad["message"]);
    QVERIFY2(message.contains(QStringLiteral("configJSON"))
                 && message.contains(QStringLiteral("line 1, column 19")),
             qPrintable(message));

    const json nullSchema = responseFor("nullschema");
    QVERIFY(!nullSchema.contains("error"));
    QVERIFY(!nullSchema["response"]["objects"][0].contains("schemaId"));

    int dropped = 0;
    for (const auto &event : std::as_const(m_events))
        dropped += event.stage == runtime::RequestStage::Dropped ? 1 : 0;
    QCOMPARE(dropped, 4);
    const int reasons
        = int(std::count_if(m_logs.cbegin(), m_logs.cend(), [](const logging::LogEntry &e) {
              return e.level == logging::Level::Error
                     && (e.message.contains(QStringLiteral("not an object"))
                         || e.message.contains(QStringLiteral("no \"session\"")));
          }));
    QCOMPARE(reasons, 4);
    // Only the two answerable payloads got an answer.
    QCOMPARE(m_hub->count("response"), 2);
}

void tst_PluginRuntime::manyAndUnicodeClasses()
{
    startRuntime();
    json schema = json::array();
    for (int i = 0; i < 2000; ++i)
        schema.push_back({{"schemaId", "sid-" + std::to_string(i)},
                          {"modelClass", "クラス ✓ Ünïcode " + std::to_string(i)}});
    schema[0]["schemaId"] = "最初の-schema";
    m_hub->sendPlugin(payload("big", {{"categorySchema", schema}}));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("big"), 1, 10000);
    JSON_COMPARE(responseFor("big")["response"]["objects"][0]["schemaId"], json("最初の-schema"));
}

void tst_PluginRuntime::duplicateSessionInFlightRunsOnce()
{
    startRuntime();
    const json slow = payload("dup", {{"configJSON", R"({"demo": {"delayMs": 200}})"}});
    m_hub->sendPlugin(slow);
    m_hub->sendPlugin(slow);
    m_hub->sendPlugin(payload("marker", {{"configJSON", R"({"demo": {"delayMs": 400}})"}}));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("marker"), 1, 5000);
    QCOMPARE(responsesFor("dup"), 1);
    QVERIFY(std::any_of(m_logs.cbegin(), m_logs.cend(), [](const logging::LogEntry &e) {
        return e.session == QLatin1String("dup") && e.level == logging::Level::Warning
               && e.message.contains(QStringLiteral("ignored"));
    }));
    // Once answered, the same session may run again (a re-run).
    m_hub->sendPlugin(payload("dup"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("dup"), 2, 5000);
}

void tst_PluginRuntime::concurrencyLimitIsHonouredAndEveryRunAnsweredOnce()
{
    int running = 0;
    int peak = 0;
    auto *raw = new callbacks::FunctionCallback(callbacks::FunctionCallback::AsyncFunction(
        [&running, &peak](callbacks::Call call, callbacks::Callback::Done done) {
            peak = std::max(peak, ++running);
            // Finishes on a later event-loop turn so that runs really overlap.
            QTimer::singleShot(1, [&running, done, schema = call.request["categorySchema"]] {
                --running;
                done(callbacks::DemoCallback::sampleResult(schema));
            });
        }));
    m_callback.reset(raw);
    auto options = defaultOptions();
    options.interactiveConcurrency = 8;
    startRuntime(options);
    m_hub->command({{"cmd", "load"},
                    {"count", 1000},
                    {"inFlight", 64},
                    {"template", payload("")},
                    {"prefix", "c-"}});
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("loadDone") == 1, qPrintable(diagnostics()), 60000);
    const json done = m_hub->records("loadDone").constFirst();
    JSON_COMPARE(done["answered"], json(1000));
    JSON_COMPARE(done["duplicates"], json(0));
    JSON_COMPARE(done["unexpected"], json(0));
    JSON_COMPARE(done["errors"], json(0));
    QCOMPARE(peak, 8);
    QTRY_COMPARE(m_runtime->status().delivered, quint64(1000));
}

void tst_PluginRuntime::hubRestartLosesNothingAndAnswersNothingTwice()
{
    startRuntime();
    const int port = m_hub->port();
    for (int i = 0; i < 20; ++i)
        m_hub->sendPlugin(
            payload("r-" + std::to_string(i), {{"configJSON", R"({"demo": {"delayMs": 300}})"}}));
    // All twenty are in the runtime's hands before the hub goes away.
    QTRY_VERIFY_WITH_TIMEOUT(std::count_if(m_events.cbegin(), m_events.cend(),
                                           [](const runtime::RequestEvent &e) {
                                               return e.stage == runtime::RequestStage::Received;
                                           })
                                 == 20,
                             5000);
    const int heartbeatsBefore = m_hub->count("heartbeat");
    m_hub->kill();
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->status().state != runtime::ConnectionState::Connected,
                             5000);
    m_hub->start(port);
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("heartbeat") > heartbeatsBefore,
                              qPrintable(diagnostics()), 10000);
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("response") == 20, qPrintable(diagnostics()), 10000);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(responsesFor("r-" + std::to_string(i)), 1);
    QCOMPARE(m_runtime->status().state, runtime::ConnectionState::Connected);
    QVERIFY(std::any_of(m_logs.cbegin(), m_logs.cend(), [](const logging::LogEntry &e) {
        return e.message.startsWith(QStringLiteral("reconnecting in"));
    }));
    // And it keeps serving.
    m_hub->sendPlugin(payload("after-restart"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("after-restart"), 1, 5000);
}

void tst_PluginRuntime::hubClosingTheNamespaceIsRejoined()
{
    startRuntime();
    m_hub->sendPlugin(payload("k-1", {{"configJSON", R"({"demo": {"delayMs": 300}})"}}));
    QTRY_VERIFY(!m_events.isEmpty());
    const int heartbeats = m_hub->count("heartbeat");
    m_hub->command({{"cmd", "kick"}});
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("connect") == 2, qPrintable(diagnostics()), 10000);
    QTRY_VERIFY(m_hub->count("heartbeat") > heartbeats);
    // The answer produced while the namespace was closed is sent after the rejoin.
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("k-1"), 1, 5000);
}

void tst_PluginRuntime::reviewGateHoldsApprovesEditsDiscards()
{
    auto options = defaultOptions();
    options.review = runtime::ReviewPolicy::Hold;
    startRuntime(options);
    QSignalSpy pendingChanged(m_runtime.get(), &runtime::PluginRuntime::pendingChanged);
    for (const char *session : {"h-1", "h-2", "h-3"})
        m_hub->sendPlugin(payload(session));
    m_hub->sendPlugin(payload("h-wf", {{"workflow", true}, {"taskId", "task-h"}}));
    QTRY_COMPARE_WITH_TIMEOUT(m_runtime->pendingResults().size(), 4, 5000);
    QCOMPARE(m_hub->count("response"), 0);
    QCOMPARE(m_api->requestCount(), 0);

    auto idOf = [this](const QString &session) {
        for (const auto &item : m_runtime->pendingResults())
            if (item.session == session)
                return item.id;
        return QString();
    };
    // The held request is shown without its apiKey.
    const auto held = m_runtime->pendingResults().constFirst();
    QVERIFY(held.request.dump().find(kApiKey) == std::string::npos);

    QVERIFY(m_runtime->approve(idOf(QStringLiteral("h-1"))));
    QTRY_COMPARE(responsesFor("h-1"), 1);
    QVERIFY(!m_runtime->approve(idOf(QStringLiteral("h-1")))); // gone: never twice

    const json edited
        = {{"objects", json::array({{{"point", {1, 2}}, {"schemaId", "schema-car"}}})},
           {"classifications", json::array()},
           {"relations", json::array()}};
    const QString second = idOf(QStringLiteral("h-2"));
    QVERIFY(!m_runtime->approveEdited(second, json("not an answer")));
    QVERIFY(m_runtime->approveEdited(second, edited));
    QTRY_COMPARE(responsesFor("h-2"), 1);
    JSON_COMPARE(responseFor("h-2")["response"], edited);

    QVERIFY(m_runtime->discard(idOf(QStringLiteral("h-3"))));
    QVERIFY(m_runtime->approve(idOf(QStringLiteral("h-wf"))));
    QTRY_COMPARE(m_api->requestCount(), 1);
    QCOMPARE(m_api->requests().constFirst().path, QByteArray("/v2/annotate/task-h"));
    QCOMPARE(m_api->requests().constFirst().header("apikey"), QByteArray::fromStdString(kApiKey));
    QTRY_VERIFY(m_runtime->pendingResults().isEmpty());
    QVERIFY(pendingChanged.count() >= 4);

    m_hub->sendPlugin(payload("marker"));
    m_runtime->setReviewPolicy(runtime::ReviewPolicy::Auto);
    m_hub->sendPlugin(payload("auto-again"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("auto-again"), 1, 5000);
    QCOMPARE(responsesFor("h-3"), 1); // the discard's error answer, once
}

// The hub is never left waiting for a discarded result: an interactive run gets one error
// response that says so; a workflow run is not annotated (its task keeps its labels) and its
// plugin logger says why.
void tst_PluginRuntime::discardAnswersTheHubOnce()
{
    auto options = defaultOptions();
    options.review = runtime::ReviewPolicy::Hold;
    startRuntime(options);
    m_hub->sendPlugin(payload("d-1"));
    m_hub->sendPlugin(payload("d-wf", {{"workflow", true}, {"taskId", "task-d"}}));
    QTRY_COMPARE_WITH_TIMEOUT(m_runtime->pendingResults().size(), 2, 5000);
    QCOMPARE(m_hub->count("response"), 0);
    QStringList ids;
    for (const auto &item : m_runtime->pendingResults())
        ids << item.id;
    for (const QString &id : ids)
        QVERIFY(m_runtime->discard(id));
    QVERIFY(m_runtime->pendingResults().isEmpty());
    for (const QString &id : ids)
        QVERIFY(!m_runtime->discard(id));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("d-1"), 1, 5000);
    const json answer = responseFor("d-1");
    JSON_COMPARE(answer["error"], json(true));
    JSON_COMPARE(answer["message"], json("discarded by the reviewer"));
    QTRY_VERIFY(!m_hub->forSession("log", "d-wf").isEmpty());
    JSON_COMPARE(m_hub->forSession("log", "d-wf").constLast()["payload"]["msg"],
                 json("discarded by the reviewer"));

    // Answered once: a second discard fails, and nothing more reaches the hub or the API.
    m_hub->sendPlugin(payload("marker"));
    QTRY_COMPARE_WITH_TIMEOUT(m_runtime->pendingResults().size(), 1, 5000);
    QCOMPARE(responsesFor("d-1"), 1);
    QCOMPARE(responsesFor("d-wf"), 0);
    QCOMPARE(m_api->requestCount(), 0);
    bool typed = false;
    for (const auto &event : m_events)
        typed |= event.session == u"d-1" && event.stage == runtime::RequestStage::Discarded;
    QVERIFY(typed);
}

void tst_PluginRuntime::reviewGateSurvivesARestart()
{
    QTemporaryDir dir;
    auto options = defaultOptions();
    options.review = runtime::ReviewPolicy::Hold;
    options.pendingStorePath = dir.filePath(QStringLiteral("pending.json"));
    startRuntime(options);
    m_hub->sendPlugin(payload("p-1"));
    m_hub->sendPlugin(payload("p-wf", {{"workflow", true}, {"taskId", "task-p"}}));
    QTRY_COMPARE_WITH_TIMEOUT(m_runtime->pendingResults().size(), 2, 5000);
    QFile file(options.pendingStorePath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray onDisk = file.readAll();
    QVERIFY(onDisk.contains("p-wf"));
    QVERIFY2(!onDisk.contains(QByteArray::fromStdString(kApiKey)),
             "the apiKey must not be written to disk");
    QVERIFY(!onDisk.contains(QByteArray::fromStdString(kSecret)));

    // A new process: the held results are back, nothing was delivered meanwhile.
    m_runtime.reset();
    QTRY_COMPARE_WITH_TIMEOUT(m_hub->count("disconnect"), 1, 5000);
    startRuntime(options);
    QCOMPARE(m_runtime->pendingResults().size(), 2);
    QCOMPARE(m_hub->count("response"), 0);
    QString interactiveId;
    QString workflowId;
    for (const auto &item : m_runtime->pendingResults())
        (item.workflow ? workflowId : interactiveId) = item.id;
    QVERIFY(m_runtime->approve(interactiveId));
    QTRY_COMPARE(responsesFor("p-1"), 1);
    // The workflow result needs its apiKey again: it never went to disk.
    QVERIFY(!m_runtime->pendingHasApiKey(workflowId));
    const auto refused = m_runtime->approve(workflowId);
    QVERIFY(!refused);
    QVERIFY(refused.error().message.contains(QStringLiteral("apiKey")));
    QVERIFY(m_runtime->setPendingApiKey(workflowId, QString::fromStdString(kApiKey)));
    QVERIFY(m_runtime->approve(workflowId));
    QTRY_COMPARE(m_api->requestCount(), 1);
    QTRY_VERIFY(m_runtime->pendingResults().isEmpty());

    // And after one more restart nothing comes back.
    m_runtime.reset();
    startRuntime(options);
    QVERIFY(m_runtime->pendingResults().isEmpty());
}

void tst_PluginRuntime::secretsNeverReachLogsOrLogEvents()
{
    // A careless author: logs the key, fails with it in the message.
    m_callback = std::make_unique<callbacks::FunctionCallback>(
        [](const callbacks::Call &call) -> Result<json> {
            const QString key = QString::fromStdString(call.request["apiKey"]);
            call.log(callbacks::LogLevel::Info, QStringLiteral("using key ") + key);
            call.log(callbacks::LogLevel::Debug, QStringLiteral("url https://x/?apikey=") + key);
            if (call.request["session"] == "leaky-error")
                return makeError(QStringLiteral("401 for key ") + key
                                 + QStringLiteral(" and secret ")
                                 + QString::fromStdString(kSecret));
            return callbacks::DemoCallback::sampleResult(call.request["categorySchema"]);
        });
    startRuntime();
    m_hub->sendPlugin(payload("leaky"));
    m_hub->sendPlugin(payload("leaky-error"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("leaky"), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("leaky-error"), 1, 5000);

    QString everything;
    for (const auto &entry : std::as_const(m_logs))
        everything += QString::fromUtf8(logging::toJsonLine(entry)) + logging::formatText(entry);
    QVERIFY(!everything.isEmpty());
    QVERIFY2(!everything.contains(QString::fromStdString(kApiKey)), "apiKey in the local log");
    QVERIFY2(!everything.contains(QString::fromStdString(kSecret)), "secret in the local log");
    QVERIFY(everything.contains(QStringLiteral("using key ***")));

    for (const auto &record : m_hub->records("log")) {
        const std::string text = record.dump();
        QVERIFY2(text.find(kApiKey) == std::string::npos, text.c_str());
        QVERIFY2(text.find(kSecret) == std::string::npos, text.c_str());
    }
    const std::string error = responseFor("leaky-error").dump();
    QVERIFY2(error.find(kApiKey) == std::string::npos && error.find(kSecret) == std::string::npos,
             error.c_str());
    QVERIFY(error.find("401 for key ***") != std::string::npos);
}

void tst_PluginRuntime::runLocalNeedsNoHub()
{
    auto options = defaultOptions();
    options.hubUrl = QUrl(QStringLiteral("http://127.0.0.1:9")); // never started
    runtime::PluginRuntime local(options, m_callback.get());
    std::optional<runtime::LocalRunResult> result;
    local.runLocal(
        payload("local-1",
                {{"categorySchema", json::array({{{"schemaId", "x"}, {"modelClass", "car"}}})}}),
        [&result](runtime::LocalRunResult r) { result = std::move(r); });
    QTRY_VERIFY(result.has_value());
    QVERIFY2(result->error.isEmpty(), qPrintable(result->error));
    QVERIFY(result->answer.has_value());
    QCOMPARE(int(result->answer->objects.size()), 1);
    JSON_COMPARE(result->result["objects"][0]["schemaId"], json("x"));
    QVERIFY(result->durationMs >= 0);

    // A result with problems comes back with its report.
    result.reset();
    const json flawed
        = {{"objects",
            json::array({{{"bounding-box", {{"x", 1}, {"y", 1}, {"width", -5}, {"height", 3}}},
                          {"schemaId", "unknown-id"}}})},
           {"classifications", json::array()},
           {"relations", json::array()}};
    local.runLocal(
        payload("local-2", {{"configJSON", json{{"demo", {{"result", flawed}}}}.dump()}}),
        [&result](runtime::LocalRunResult r) { result = std::move(r); });
    QTRY_VERIFY(result.has_value());
    QVERIFY(result->error.isEmpty());
    QVERIFY(result->problems.size() >= 2);
    bool widthReported = false;
    for (const auto &problem : result->problems)
        widthReported |= problem.path == "objects[0].bounding-box.width";
    QVERIFY(widthReported);

    result.reset();
    local.runLocal(json("not an object"),
                   [&result](runtime::LocalRunResult r) { result = std::move(r); });
    QVERIFY(result.has_value());
    QVERIFY(result->error.contains(QStringLiteral("not an object")));
}

void tst_PluginRuntime::stopDrainsRunningRequests()
{
    startRuntime();
    m_hub->sendPlugin(payload("draining", {{"configJSON", R"({"demo": {"delayMs": 200}})"}}));
    QTRY_VERIFY(std::any_of(m_events.cbegin(), m_events.cend(), [](const runtime::RequestEvent &e) {
        return e.stage == runtime::RequestStage::CallbackStarted;
    }));
    QSignalSpy stopped(m_runtime.get(), &runtime::PluginRuntime::stopped);
    m_runtime->stop(5s);
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 5000);
    QTRY_VERIFY2_WITH_TIMEOUT(responsesFor("draining") == 1, qPrintable(diagnostics()), 5000);
    QVERIFY(!responseFor("draining").contains("error"));
    QTRY_COMPARE(m_hub->count("disconnect"), 1);
    QCOMPARE(m_runtime->status().state, runtime::ConnectionState::Stopped);
}

QTEST_GUILESS_MAIN(tst_PluginRuntime)
#include "tst_pluginruntime.moc"

void tst_PluginRuntime::resultReadyShowsHubResultsBeforeDelivery()
{
    startRuntime();
    QList<runtime::RequestResult> seen;
    connect(m_runtime.get(), &runtime::PluginRuntime::resultReady, this,
            [this, &seen](const runtime::RequestResult &result) {
                // Emitted before delivery: the hub has no response yet.
                QCOMPARE(responsesFor(result.session.toStdString()), 0);
                seen.append(result);
            });
    m_hub->sendPlugin(payload("seen-1"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("seen-1"), 1, 5000);
    QCOMPARE(seen.size(), 1);
    const auto &result = seen.constFirst();
    QCOMPARE(result.session, QStringLiteral("seen-1"));
    QVERIFY(!result.local);
    QVERIFY(!result.workflow);
    JSON_COMPARE(result.request["assetId"], json("asset-1"));
    QCOMPARE(int(result.answer.objects.size()), 1);
    JSON_COMPARE(result.result["objects"][0]["schemaId"], json("schema-car"));
    JSON_COMPARE(responseFor("seen-1")["response"], result.result);
    QVERIFY(result.problems.empty());
}

void tst_PluginRuntime::cancelAnswersRunningAndQueuedRequestsOnce()
{
    auto options = defaultOptions();
    options.interactiveConcurrency = 1;
    startRuntime(options);
    const json slow = {{"configJSON", R"({"demo": {"delayMs": 5000}})"}};
    m_hub->sendPlugin(payload("running", slow));
    m_hub->sendPlugin(payload("queued", slow));
    QTRY_COMPARE(m_runtime->status().running, 1);
    QTRY_COMPARE(m_runtime->status().queued, 1);
    quint64 runningId = 0;
    quint64 queuedId = 0;
    for (const auto &event : std::as_const(m_events)) {
        if (event.stage == runtime::RequestStage::CallbackStarted)
            runningId = event.requestId;
        if (event.stage == runtime::RequestStage::Queued
            && event.session == QLatin1String("queued"))
            queuedId = event.requestId;
    }
    QVERIFY(runningId != 0 && queuedId != 0);

    QVERIFY(m_runtime->cancel(queuedId, QStringLiteral("not wanted")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("queued"), 1, 5000);
    JSON_COMPARE(responseFor("queued")["error"], json(true));
    JSON_COMPARE(responseFor("queued")["message"], json("not wanted"));
    QCOMPARE(m_runtime->status().running, 1); // the other one still runs

    QVERIFY(m_runtime->cancel(runningId).ok());
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("running"), 1, 5000);
    QVERIFY2(QString::fromStdString(responseFor("running")["message"])
                 .contains(QStringLiteral("cancelled")),
             responseFor("running").dump().c_str());
    QCOMPARE(m_runtime->status().running, 0);
    QVERIFY(!m_runtime->cancel(runningId).ok()); // once only

    // The slot is free: the next request runs and is answered normally.
    m_hub->sendPlugin(payload("after-cancel"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("after-cancel"), 1, 5000);
    QVERIFY(!responseFor("after-cancel").contains("error"));
    QCOMPARE(responsesFor("running"), 1);
    QCOMPARE(responsesFor("queued"), 1);
}

void tst_PluginRuntime::silentHubIsAbandonedAfterTheConnectTimeout()
{
    // Accepts TCP connections and never says a word: no WebSocket upgrade, no Engine.IO OPEN.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    int accepted = 0;
    QList<QTcpSocket *> keep;
    connect(&silent, &QTcpServer::newConnection, this, [&] {
        while (auto *socket = silent.nextPendingConnection()) {
            ++accepted;
            keep.append(socket);
        }
    });
    auto options = defaultOptions();
    options.hubUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort()));
    options.connectTimeout = 300ms;
    options.reconnectDelay = 50ms;
    options.reconnectDelayMax = 100ms;
    runtime::PluginRuntime stalled(options, m_callback.get());
    stalled.start();
    // Each stalled attempt is given up after 0.3 s and another one made: with the default 20 s
    // a second connection would not come for 20 s.
    QTRY_VERIFY_WITH_TIMEOUT(accepted >= 3, 5000);
    QVERIFY2(!stalled.status().lastError.isEmpty(), "the stall is reported");
    QVERIFY(stalled.status().state != runtime::ConnectionState::Connected);
}
