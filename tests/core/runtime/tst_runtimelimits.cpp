// The runtime's limits against real peers: the emulated hub (tests/peers/node/hub.js) for the
// queue, and the hostile raw Engine.IO server (tests/peers/node/hostile.js) for a hub that never
// answers CONNECT.

#include "callbacks/democallback.h"
#include "hostilepeer.h"
#include "nodehub.h"
#include "logging/logentry.h"
#include "recordinghttpserver.h"
#include "runtime/pluginruntime.h"

#include <QTest>

using namespace ango;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kPluginId = "plugin-7";

json payload(const std::string &session, int delayMs = 0)
{
    return {{"projectId", "proj-1"},
            {"categorySchema", json::array({{{"schemaId", "schema-car"}, {"modelClass", "car"}}})},
            {"assetId", "asset-1"},
            {"apiKey", "key-0123456789"},
            {"orgId", "org-1"},
            {"runBy", "user-1"},
            {"session", session},
            {"configJSON", json{{"demo", {{"delayMs", delayMs}}}}.dump()}};
}

} // namespace

class tst_RuntimeLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void requestsBeyondTheQueueLimitAreAnsweredBusy();
    void requestTimeoutCoversTheTimeInTheQueue();
    void hubThatNeverAcksConnectIsLoggedAndRetried();

private:
    runtime::RuntimeOptions options() const;
    void startRuntime(const runtime::RuntimeOptions &options);
    int responsesFor(const std::string &session) const
    {
        return int(m_hub->forSession("response", session).size());
    }
    json responseFor(const std::string &session) const
    {
        const auto list = m_hub->forSession("response", session);
        return list.isEmpty() ? json() : list.constFirst()["payload"];
    }
    QString logText() const
    {
        QString text;
        for (const auto &entry : m_logs)
            text += logging::formatText(entry) + QLatin1Char('\n');
        return text;
    }

    std::unique_ptr<test::NodeHub> m_hub;
    callbacks::DemoCallback m_callback;
    std::unique_ptr<runtime::PluginRuntime> m_runtime;
    QList<logging::LogEntry> m_logs;
};

void tst_RuntimeLimits::init()
{
    m_logs.clear();
    m_hub = std::make_unique<test::NodeHub>();
    m_hub->start();
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->port() > 0, qPrintable(m_hub->diagnostics()), 15000);
}

void tst_RuntimeLimits::cleanup()
{
    m_runtime.reset();
    m_hub.reset();
}

runtime::RuntimeOptions tst_RuntimeLimits::options() const
{
    runtime::RuntimeOptions options;
    options.pluginId = QString::fromStdString(kPluginId);
    options.secret = QStringLiteral("secret-0123456789");
    options.hubUrl = QUrl(m_hub->url());
    options.apiHost = QUrl(QStringLiteral("http://127.0.0.1:9"));
    options.reconnectDelay = 50ms;
    options.reconnectDelayMax = 300ms;
    options.interactiveConcurrency = 1;
    options.requestTimeout = 30s;
    return options;
}

void tst_RuntimeLimits::startRuntime(const runtime::RuntimeOptions &options)
{
    m_runtime = std::make_unique<runtime::PluginRuntime>(options, &m_callback);
    connect(m_runtime.get(), &runtime::PluginRuntime::logged, this,
            [this](const logging::LogEntry &entry) { m_logs.append(entry); });
    m_runtime->start();
}

void tst_RuntimeLimits::requestsBeyondTheQueueLimitAreAnsweredBusy()
{
    auto opts = options();
    opts.maxQueuedRequests = 2;
    startRuntime(opts);
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("heartbeat") >= 1, qPrintable(m_hub->diagnostics()),
                              10000);
    // One runs (for 1.5 s), two wait, three are refused at once.
    m_hub->sendPlugin(payload("run", 1500));
    for (const std::string session : {"wait-1", "wait-2", "over-1", "over-2", "over-3"})
        m_hub->sendPlugin(payload(session));
    for (const std::string session : {"over-1", "over-2", "over-3"}) {
        QTRY_COMPARE_WITH_TIMEOUT(responsesFor(session), 1, 1000);
        const json response = responseFor(session);
        QVERIFY2(response.value("error", false) == true, response.dump().c_str());
        QVERIFY2(response["message"].get<std::string>().find("busy") != std::string::npos,
                 response.dump().c_str());
        QVERIFY(response["message"].get<std::string>().find("maxQueuedRequests")
                != std::string::npos);
    }
    QCOMPARE(responsesFor("run"), 0); // the refusals did not wait for the running callback
    // Nothing dropped: the running and the queued ones are answered, once each.
    for (const std::string session : {"run", "wait-1", "wait-2"}) {
        QTRY_COMPARE_WITH_TIMEOUT(responsesFor(session), 1, 10000);
        QVERIFY2(!responseFor(session).contains("error"), responseFor(session).dump().c_str());
    }
    QCOMPARE(m_hub->count("response"), 6);
}

void tst_RuntimeLimits::requestTimeoutCoversTheTimeInTheQueue()
{
    // The workflow lane stays taken until the annotation is posted: a slow API holds it for 3 s.
    test::RecordingHttpServer api;
    QVERIFY(api.listen());
    api.setFallback(test::ScriptedResponse::json(200, {{"status", "ok"}}));
    api.setRoute("/v2/annotate/task-a",
                 test::ScriptedResponse::json(200, {{"status", "ok"}}).after(3000ms));
    auto opts = options();
    opts.apiHost = api.url();
    opts.requestTimeout = 600ms;
    startRuntime(opts);
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("heartbeat") >= 1, qPrintable(m_hub->diagnostics()),
                              10000);
    auto workflow = [](const std::string &session, const std::string &task) {
        json p = payload(session);
        p["workflow"] = true;
        p["taskId"] = task;
        return p;
    };
    m_hub->sendPlugin(workflow("wf-a", "task-a"));
    m_hub->sendPlugin(workflow("wf-b", "task-b"));
    // Without the queue counted, wf-b would wait the 3 s and then run (and be annotated).
    auto refusal = [this] {
        for (const auto &record : m_hub->forSession("log", "wf-b"))
            if (record["payload"]["msg"].get<std::string>().find("in the queue")
                != std::string::npos)
                return true;
        return false;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(refusal(), qPrintable(logText()), 2500);
    QVERIFY(api.requestCount() <= 1); // only wf-a's annotate, still waiting for its answer
    QTRY_COMPARE_WITH_TIMEOUT(api.requestCount(), 1, 5000);
    QCOMPARE(api.requests().at(0).path, QByteArray("/v2/annotate/task-a"));
}

void tst_RuntimeLimits::hubThatNeverAcksConnectIsLoggedAndRetried()
{
    auto peer = test::startHostilePeer({{QStringLiteral("MODE"), QStringLiteral("noack")}});
    QTRY_VERIFY_WITH_TIMEOUT(peer->port() > 0, 15000);
    auto opts = options();
    opts.hubUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(peer->port()));
    opts.connectAckTimeout = 300ms;
    startRuntime(opts);
    QTRY_VERIFY2_WITH_TIMEOUT(peer->standardError().contains(QStringLiteral("connection 3")),
                              qPrintable(logText() + peer->diagnostics()), 10000);
    const QString log = logText();
    QVERIFY2(log.contains(QStringLiteral("connectAckTimeout")), qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("reconnecting in")), qPrintable(log));
    QVERIFY(m_runtime->status().lastError.contains(QStringLiteral("/plugin")));
}

QTEST_GUILESS_MAIN(tst_RuntimeLimits)
#include "tst_runtimelimits.moc"
