#include "accounting.h"
#include "callbacks/adapters/adapters.h"
#include "callbacks/adapters/workerpool.h"
#include "callbacks/callbackfactory.h"
#include "callbacks/democallback.h"
#include "callbacks/functioncallback.h"
#include "nodehub.h"
#include "recordinghttpserver.h"
#include "rest/restclient.h"
#include "runtime/pluginruntime.h"
#include "testpaths.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

// Fault injection against real peers: the emulated hub on the official Node socket.io server
// (killed, restarted, stopped), a recording HTTP server as the Ango REST API (500, 401), the
// exec: adapter's child process (killed mid-call) and a disk that refuses the pending store. The
// runtime is core's PluginRuntime in process. Every case accounts by session and prints
// "faults: <case>: sent N, answered N, lost N, duplicated N".

using namespace ango;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string kSecret = "faults-secret-0123456789";
const std::string kApiKey = "faults-api-key-abcdef9876";

json payload(const std::string &session, json extra = json::object())
{
    json p
        = {{"projectId", "proj-f"},
           {"categorySchema", json::array({{{"schemaId", "schema-car"}, {"modelClass", "car"}}})},
           {"assetId", "asset-f"},
           {"apiKey", kApiKey},
           {"orgId", "org-f"},
           {"runBy", "user-f"},
           {"session", session},
           {"configJSON", "{}"}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        p[it.key()] = it.value();
    return p;
}

json workflowPayload(const std::string &session, const std::string &taskId)
{
    return payload(session, {{"workflow", true}, {"taskId", taskId}});
}

QString execModelCommand()
{
    return QStringLiteral("/usr/bin/python3 ")
           + test::sourcePath(QStringLiteral("tests/faults/fault_model.py"));
}

// A C++ callback that answers at once, except for runs whose configJSON says {"hold": true}:
// those wait until the test releases them, so a fault can be injected while they run.
class GatedCallback
{
public:
    GatedCallback()
        : m_callback(callbacks::FunctionCallback::AsyncFunction(
            [this](callbacks::Call call, callbacks::Callback::Done done) {
                const json schema = call.request.value("categorySchema", json());
                const std::string config = call.request.value("configJSON", "{}");
                const json parsed = json::parse(config, nullptr, false);
                if (parsed.is_object() && parsed.value("hold", false)) {
                    m_held.emplace_back(call.request.value("session", ""), [done, schema] {
                        done(callbacks::DemoCallback::sampleResult(schema));
                    });
                    return;
                }
                done(callbacks::DemoCallback::sampleResult(schema));
            }))
    {}

    callbacks::Callback *callback() { return &m_callback; }
    int heldCount() const { return int(m_held.size()); }
    std::vector<std::string> heldSessions() const
    {
        std::vector<std::string> sessions;
        for (const auto &[session, release] : m_held)
            sessions.push_back(session);
        return sessions;
    }
    // Finishes the first `count` held runs (all when negative), oldest first.
    void release(int count = -1)
    {
        const int n = count < 0 ? heldCount() : std::min(count, heldCount());
        std::vector<std::function<void()>> releases;
        for (int i = 0; i < n; ++i)
            releases.push_back(std::move(m_held[size_t(i)].second));
        m_held.erase(m_held.begin(), m_held.begin() + n);
        for (auto &release : releases)
            release();
    }

private:
    std::vector<std::pair<std::string, std::function<void()>>> m_held;
    callbacks::FunctionCallback m_callback;
};

} // namespace

class tst_Faults : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void hubKilledMidRequestAndRestarted();
    void hubThatStopsPinging();
    void annotate500ThenOkIsRetriedAndDeliveredOnce();
    void annotate401IsAClearErrorNotRetried();
    void callbackProcessKilledMidRequest();
    void diskRefusingThePendingStore();
    void diskRefusingAfterResultsWereStored();
    void burstOfThousandWithOnePercentFailures();

private:
    void startHub(int pingIntervalMs = 0, int pingTimeoutMs = 0);
    runtime::RuntimeOptions defaultOptions() const;
    void startRuntime(const runtime::RuntimeOptions &options, callbacks::Callback *callback);
    int eventsOf(runtime::RequestStage stage, const std::string &session = {}) const;
    // Terminal outcomes (Delivered / Failed) per session, as the runtime reports them.
    test::Answers outcomes(const std::string &prefix) const;
    int responsesFor(const std::string &session) const
    {
        return int(m_hub->forSession("response", session).size());
    }
    json responseFor(const std::string &session) const
    {
        const auto list = m_hub->forSession("response", session);
        return list.isEmpty() ? json() : list.constFirst()["payload"];
    }
    QList<test::RecordedRequest> apiRequestsTo(const QByteArray &path) const;
    bool logged(logging::Level level, const QString &text) const;
    QString diagnostics() const;

    std::unique_ptr<test::NodeHub> m_hub;
    std::unique_ptr<test::RecordingHttpServer> m_api;
    std::unique_ptr<runtime::PluginRuntime> m_runtime;
    QList<logging::LogEntry> m_logs;
    QList<runtime::RequestEvent> m_events;
};

void tst_Faults::initTestCase()
{
    callbacks::adapters::registerAdapterKinds();
}

void tst_Faults::init()
{
    m_logs.clear();
    m_events.clear();
    m_api = std::make_unique<test::RecordingHttpServer>();
    QVERIFY(m_api->listen());
    m_api->setFallback(
        test::ScriptedResponse::json(200, {{"status", "ok"}, {"data", json::object()}}));
}

void tst_Faults::cleanup()
{
    m_runtime.reset();
    m_api.reset();
    m_hub.reset();
}

void tst_Faults::startHub(int pingIntervalMs, int pingTimeoutMs)
{
    m_hub = std::make_unique<test::NodeHub>(pingIntervalMs, pingTimeoutMs);
    m_hub->start();
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->port() > 0, qPrintable(m_hub->diagnostics()), 15000);
}

runtime::RuntimeOptions tst_Faults::defaultOptions() const
{
    runtime::RuntimeOptions options;
    options.pluginId = QStringLiteral("plugin-faults");
    options.secret = QString::fromStdString(kSecret);
    options.hubUrl = QUrl(m_hub->url());
    options.apiHost = m_api->url();
    options.reconnectDelay = 50ms;
    options.reconnectDelayMax = 300ms;
    options.requestTimeout = 20s;
    options.interactiveConcurrency = 32;
    return options;
}

void tst_Faults::startRuntime(const runtime::RuntimeOptions &options, callbacks::Callback *callback)
{
    m_runtime = std::make_unique<runtime::PluginRuntime>(options, callback);
    connect(m_runtime.get(), &runtime::PluginRuntime::logged, this,
            [this](const logging::LogEntry &entry) { m_logs.append(entry); });
    connect(m_runtime.get(), &runtime::PluginRuntime::requestProgressed, this,
            [this](const runtime::RequestEvent &event) { m_events.append(event); });
    const int heartbeats = m_hub->count("heartbeat");
    m_runtime->start();
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("heartbeat") > heartbeats, qPrintable(diagnostics()),
                              10000);
    QTRY_COMPARE(m_runtime->status().state, runtime::ConnectionState::Connected);
}

int tst_Faults::eventsOf(runtime::RequestStage stage, const std::string &session) const
{
    const QString wanted = QString::fromStdString(session);
    return int(
        std::count_if(m_events.cbegin(), m_events.cend(), [&](const runtime::RequestEvent &e) {
            return e.stage == stage && (wanted.isEmpty() || e.session == wanted);
        }));
}

test::Answers tst_Faults::outcomes(const std::string &prefix) const
{
    test::Answers answers;
    const QString start = QString::fromStdString(prefix);
    for (const auto &event : m_events) {
        if (!event.session.startsWith(start))
            continue;
        if (event.stage != runtime::RequestStage::Delivered
            && event.stage != runtime::RequestStage::Failed)
            continue;
        ++answers.count[event.session.toStdString()];
        if (event.stage == runtime::RequestStage::Failed)
            answers.errors.insert(event.session.toStdString());
    }
    return answers;
}

QList<test::RecordedRequest> tst_Faults::apiRequestsTo(const QByteArray &path) const
{
    QList<test::RecordedRequest> matching;
    for (const auto &request : m_api->requests())
        if (request.path == path)
            matching.append(request);
    return matching;
}

bool tst_Faults::logged(logging::Level level, const QString &text) const
{
    return std::any_of(m_logs.cbegin(), m_logs.cend(), [&](const logging::LogEntry &e) {
        return e.level == level && e.message.contains(text);
    });
}

QString tst_Faults::diagnostics() const
{
    QString text = (m_hub ? m_hub->diagnostics() : QStringLiteral("no hub"))
                   + QStringLiteral("\n--- runtime log ---\n");
    for (qsizetype i = std::max<qsizetype>(0, m_logs.size() - 30); i < m_logs.size(); ++i)
        text += logging::formatText(m_logs.at(i)).left(400) + QLatin1Char('\n');
    return text;
}

// a) The hub dies (SIGKILL) while twenty runs are inside the callback and comes back on the same
// port. The hub here does what a real one may do after a crash: it re-sends the runs that were
// still unanswered when it died. Accounting is by session: a re-sent session that is still
// running is the same question, which the runtime must answer once (it drops the duplicate
// event); every session sent gets exactly one response across both hub lifetimes.
void tst_Faults::hubKilledMidRequestAndRestarted()
{
    startHub();
    GatedCallback gate;
    startRuntime(defaultOptions(), gate.callback());
    const int port = m_hub->port();

    std::vector<std::string> sessions;
    QList<json> early;
    for (int i = 0; i < 10; ++i) {
        sessions.push_back("a-early-" + std::to_string(i));
        early.append(payload(sessions.back()));
    }
    m_hub->sendPlugins(early);
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("response") == 10, qPrintable(diagnostics()), 5000);

    QList<json> held;
    for (int i = 0; i < 20; ++i) {
        sessions.push_back("a-held-" + std::to_string(i));
        held.append(payload(sessions.back(), {{"configJSON", R"({"hold": true})"}}));
    }
    m_hub->sendPlugins(held);
    QTRY_VERIFY2_WITH_TIMEOUT(gate.heldCount() == 20, qPrintable(diagnostics()), 5000);
    QCOMPARE(m_runtime->status().running, 20);

    const int heartbeatsBefore = m_hub->count("heartbeat");
    m_hub->kill();
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->status().state != runtime::ConnectionState::Connected,
                             5000);
    QVERIFY2(m_runtime->status().lastError.contains(QStringLiteral("connection lost")),
             qPrintable(m_runtime->status().lastError));
    // Half of the runs finish while there is no hub: their answers must wait, not vanish.
    gate.release(10);
    QCOMPARE(m_runtime->status().running, 10);

    m_hub->start(port);
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("heartbeat") > heartbeatsBefore,
                              qPrintable(diagnostics()), 10000);
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("response") == 20, qPrintable(diagnostics()), 5000);

    // The new hub re-sends what is still unanswered; those runs are still in the callback.
    const std::vector<std::string> stillRunning = gate.heldSessions();
    QCOMPARE(int(stillRunning.size()), 10);
    QList<json> resent;
    for (const auto &session : stillRunning)
        resent.append(payload(session, {{"configJSON", R"({"hold": true})"}}));
    const int droppedBefore = eventsOf(runtime::RequestStage::Dropped);
    m_hub->sendPlugins(resent);
    QTRY_VERIFY2_WITH_TIMEOUT(eventsOf(runtime::RequestStage::Dropped) == droppedBefore + 10,
                              qPrintable(diagnostics()), 5000);
    QCOMPARE(gate.heldCount(), 10); // the duplicates did not run the callback again
    gate.release();
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("response") == 30, qPrintable(diagnostics()), 5000);

    // One more round trip: anything late would arrive before this answer.
    m_hub->sendPlugin(payload("marker-a"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("marker-a"), 1, 5000);

    const auto result = test::tally(sessions, test::responsesAtHub(*m_hub, "a-"));
    test::printSummary("hub killed mid-request", result);
    qInfo().noquote() << QStringLiteral("faults: hub killed mid-request: %1 plugin events in all "
                                        "(%2 re-sent by the restarted hub, answered once)")
                             .arg(sessions.size() + resent.size())
                             .arg(resent.size());
    QCOMPARE(result.sent, 30);
    QCOMPARE(result.answered, 30);
    QCOMPARE(result.lost, 0);
    QCOMPARE(result.duplicated, 0);
    QCOMPARE(result.errors, 0);
    QCOMPARE(m_hub->count("response"), 31);
    QCOMPARE(m_runtime->status().state, runtime::ConnectionState::Connected);
    QCOMPARE(m_runtime->status().running, 0);
}

// b) The hub freezes (SIGSTOP): no pings, but the TCP connection stays open, so only the
// Engine.IO ping timeout can tell. The runtime must notice within pingInterval + pingTimeout,
// say so in status(), come back when the hub resumes (SIGCONT), and, after a second freeze,
// reach a new hub that replaced the frozen one on the same port.
void tst_Faults::hubThatStopsPinging()
{
    constexpr int kPingInterval = 400;
    constexpr int kPingTimeout = 400;
    // Timers and the hub's own scheduling on a busy 2-core machine.
    constexpr int kSlackMs = 600;
    startHub(kPingInterval, kPingTimeout);
    GatedCallback gate;
    startRuntime(defaultOptions(), gate.callback());
    const int port = m_hub->port();
    std::vector<std::string> sessions;

    // A run inside the callback when the hub freezes: its answer must reach the hub afterwards.
    sessions.push_back("b-held");
    m_hub->sendPlugin(payload("b-held", {{"configJSON", R"({"hold": true})"}}));
    QTRY_VERIFY2_WITH_TIMEOUT(gate.heldCount() == 1, qPrintable(diagnostics()), 5000);

    QVERIFY(m_hub->pause());
    QElapsedTimer frozen;
    frozen.start();
    QTRY_VERIFY2_WITH_TIMEOUT(m_runtime->status().state != runtime::ConnectionState::Connected,
                              qPrintable(diagnostics()), 5000);
    const qint64 noticedMs = frozen.elapsed();
    qInfo().noquote() << QStringLiteral("faults: frozen hub noticed after %1 ms (ping %2 + %3)")
                             .arg(noticedMs)
                             .arg(kPingInterval)
                             .arg(kPingTimeout);
    QVERIFY2(noticedMs <= kPingInterval + kPingTimeout + kSlackMs,
             qPrintable(QStringLiteral("noticed after %1 ms").arg(noticedMs)));
    QVERIFY2(m_runtime->status().lastError.contains(QStringLiteral("ping timeout")),
             qPrintable(m_runtime->status().lastError));
    QVERIFY(logged(logging::Level::Warning, QStringLiteral("ping timeout")));

    gate.release(); // finishes while the hub is frozen
    const int connectsBefore = m_hub->count("connect");
    const int heartbeatsBefore = m_hub->count("heartbeat");
    QVERIFY(m_hub->resume());
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("connect") > connectsBefore
                                  && m_hub->count("heartbeat") > heartbeatsBefore,
                              qPrintable(diagnostics()), 10000);
    QTRY_COMPARE(m_runtime->status().state, runtime::ConnectionState::Connected);
    QTRY_VERIFY2_WITH_TIMEOUT(responsesFor("b-held") == 1, qPrintable(diagnostics()), 5000);
    sessions.push_back("b-resumed");
    m_hub->sendPlugin(payload("b-resumed"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("b-resumed"), 1, 5000);

    // Frozen again, and this time replaced: the frozen hub is killed and a new one takes the port.
    QVERIFY(m_hub->pause());
    frozen.restart();
    QTRY_VERIFY2_WITH_TIMEOUT(m_runtime->status().state != runtime::ConnectionState::Connected,
                              qPrintable(diagnostics()), 5000);
    QVERIFY2(frozen.elapsed() <= kPingInterval + kPingTimeout + kSlackMs,
             qPrintable(QStringLiteral("noticed after %1 ms").arg(frozen.elapsed())));
    m_hub->kill();
    const int heartbeatsBeforeNewHub = m_hub->count("heartbeat");
    m_hub->start(port);
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("heartbeat") > heartbeatsBeforeNewHub,
                              qPrintable(diagnostics()), 10000);
    QTRY_COMPARE(m_runtime->status().state, runtime::ConnectionState::Connected);
    sessions.push_back("b-new-hub");
    m_hub->sendPlugin(payload("b-new-hub"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("b-new-hub"), 1, 5000);

    const auto result = test::tally(sessions, test::responsesAtHub(*m_hub, "b-"));
    test::printSummary("hub stops pinging", result);
    QCOMPARE(result.sent, 3);
    QCOMPARE(result.answered, 3);
    QCOMPARE(result.lost, 0);
    QCOMPARE(result.duplicated, 0);
    QCOMPARE(result.errors, 0);
}

// c) The annotate call of a workflow run meets a 500, then a 200: one retry, one delivery.
void tst_Faults::annotate500ThenOkIsRetriedAndDeliveredOnce()
{
    startHub();
    callbacks::DemoCallback demo;
    startRuntime(defaultOptions(), &demo);
    QList<int> attempts; // HTTP status of each attempt, as the REST client saw it
    connect(m_runtime->restClient(), &rest::RestClient::requestFinished, this,
            [&attempts](quint64, int status, qint64, qint64, const QString &) {
                attempts.append(status);
            });
    const QByteArray path = "/v2/annotate/task-c";
    m_api->enqueue(path, test::ScriptedResponse::json(500, {{"message", "upstream hiccup"}}));

    m_hub->sendPlugin(workflowPayload("c-wf", "task-c"));
    QTRY_VERIFY2_WITH_TIMEOUT(eventsOf(runtime::RequestStage::Delivered, "c-wf") == 1,
                              qPrintable(diagnostics()), 10000);

    const auto requests = apiRequestsTo(path);
    QCOMPARE(requests.size(), 2);
    QCOMPARE(attempts, (QList<int>{500, 200}));
    for (const auto &request : requests) {
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.header("apikey"), QByteArray::fromStdString(kApiKey));
        QCOMPARE(request.queryValue(QStringLiteral("nextStage")), QStringLiteral("true"));
    }
    QCOMPARE(requests.at(1).body, requests.at(0).body); // the same annotation, re-sent
    QCOMPARE(eventsOf(runtime::RequestStage::Failed, "c-wf"), 0);
    QCOMPARE(responsesFor("c-wf"), 0); // workflow runs are answered through REST only
    QCOMPARE(m_runtime->status().delivered, quint64(1));
    QCOMPARE(m_runtime->status().failed, quint64(0));

    const auto result = test::tally({"c-wf"}, outcomes("c-"));
    test::printSummary("annotate 500 then 200", result);
    qInfo().noquote() << QStringLiteral("faults: annotate 500 then 200: %1 attempts, %2 accepted")
                             .arg(attempts.size())
                             .arg(std::count(attempts.cbegin(), attempts.cend(), 200));
    QCOMPARE(result.sent, 1);
    QCOMPARE(result.answered, 1);
    QCOMPARE(result.lost, 0);
    QCOMPARE(result.duplicated, 0);
    QCOMPARE(result.errors, 0);
}

// d) The annotate call meets a 401: not retried (the key will not get better), a clear error
// naming the URL without its query and the status, and the runtime goes on serving.
void tst_Faults::annotate401IsAClearErrorNotRetried()
{
    startHub();
    callbacks::DemoCallback demo;
    startRuntime(defaultOptions(), &demo);
    const QByteArray path = "/v2/annotate/task-d";
    m_api->enqueue(path, test::ScriptedResponse::json(401, {{"message", "invalid api key"}}));

    m_hub->sendPlugin(workflowPayload("d-wf", "task-d"));
    QTRY_VERIFY2_WITH_TIMEOUT(eventsOf(runtime::RequestStage::Failed, "d-wf") == 1,
                              qPrintable(diagnostics()), 10000);
    // The failure is reported after the last attempt, so this is the number of attempts made.
    QCOMPARE(apiRequestsTo(path).size(), 1);

    QString detail;
    for (const auto &event : std::as_const(m_events))
        if (event.session == QLatin1String("d-wf") && event.stage == runtime::RequestStage::Failed)
            detail = event.detail;
    const QString url = m_api->url(QStringLiteral("/v2/annotate/task-d")).toString();
    QVERIFY2(detail.contains(url), qPrintable(detail));
    QVERIFY2(detail.contains(QStringLiteral("401")), qPrintable(detail));
    QVERIFY2(detail.contains(QStringLiteral("invalid api key")), qPrintable(detail));
    QVERIFY2(!detail.contains(QStringLiteral("nextStage")) && !detail.contains(QLatin1Char('?')),
             qPrintable(detail));
    QVERIFY2(!detail.contains(QString::fromStdString(kApiKey)), qPrintable(detail));
    QVERIFY(logged(logging::Level::Error, url));
    // The hub user is told too, through the plugin logger; a workflow run gets no response.
    const auto hubWasTold = [this] {
        const auto hubLogs = m_hub->forSession("log", "d-wf");
        return std::any_of(hubLogs.cbegin(), hubLogs.cend(), [](const json &record) {
            return record["payload"].value("level", "") == "ERROR"
                   && record["payload"].value("msg", "").find("401") != std::string::npos;
        });
    };
    QTRY_VERIFY2_WITH_TIMEOUT(hubWasTold(), qPrintable(diagnostics()), 5000);
    QCOMPARE(responsesFor("d-wf"), 0);

    // Still serving: an interactive run and a workflow run whose key is accepted.
    m_hub->sendPlugin(payload("d-next"));
    m_hub->sendPlugin(workflowPayload("d-wf-ok", "task-d-ok"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("d-next"), 1, 5000);
    QTRY_VERIFY2_WITH_TIMEOUT(eventsOf(runtime::RequestStage::Delivered, "d-wf-ok") == 1,
                              qPrintable(diagnostics()), 5000);
    QCOMPARE(apiRequestsTo("/v2/annotate/task-d-ok").size(), 1);
    QCOMPARE(apiRequestsTo(path).size(), 1);
    QCOMPARE(m_runtime->status().state, runtime::ConnectionState::Connected);

    const auto result = test::tally({"d-wf", "d-wf-ok"}, outcomes("d-wf"));
    test::printSummary("annotate 401", result);
    QCOMPARE(result.sent, 2);
    QCOMPARE(result.answered, 2);
    QCOMPARE(result.lost, 0);
    QCOMPARE(result.duplicated, 0);
    QCOMPARE(result.errors, 1);
    QCOMPARE(result.errorSessions, std::vector<std::string>{"d-wf"});
}

// e) The exec: adapter's child process is SIGKILLed while it works on a request: that request
// gets an error response naming the signal, the next one runs on a restarted process.
void tst_Faults::callbackProcessKilledMidRequest()
{
    startHub();
    auto created = callbacks::createCallback(QStringLiteral("exec:") + execModelCommand());
    QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
    std::unique_ptr<callbacks::Callback> callback = std::move(created.value());
    auto *pool = qobject_cast<callbacks::adapters::WorkerPool *>(callback.get());
    QVERIFY(pool);
    QStringList output;
    connect(callback.get(), &callbacks::Callback::outputLine, this,
            [&output](const QString &line, bool) { output << line; });
    startRuntime(defaultOptions(), callback.get());

    // A first run proves the process works before it is hurt.
    m_hub->sendPlugin(payload("e-first"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("e-first"), 1, 10000);
    QCOMPARE(pool->processIds().size(), 1);
    const qint64 pid = pool->processIds().constFirst();

    m_hub->sendPlugin(payload("e-killed", {{"configJSON", R"({"fault": "hang"})"}}));
    // The child has read the request and is working on it.
    QTRY_VERIFY2_WITH_TIMEOUT(
        output.join(QLatin1Char('\n'))
            .contains(QStringLiteral("hanging on e-killed in pid %1").arg(pid)),
        qPrintable(output.join(QLatin1Char('\n'))), 5000);
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);

    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("e-killed"), 1, 5000);
    const json error = responseFor("e-killed");
    QCOMPARE(error.value("error", false), true);
    const QString message = QString::fromStdString(error.value("message", ""));
    QVERIFY2(message.contains(QStringLiteral("killed by signal 9")), qPrintable(message));

    m_hub->sendPlugin(payload("e-next"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("e-next"), 1, 10000);
    QVERIFY2(!responseFor("e-next").contains("error"), responseFor("e-next").dump().c_str());
    QCOMPARE(pool->processIds().size(), 1);
    QVERIFY(pool->processIds().constFirst() != pid);

    const auto result
        = test::tally({"e-first", "e-killed", "e-next"}, test::responsesAtHub(*m_hub, "e-"));
    test::printSummary("callback process killed", result);
    QCOMPARE(result.sent, 3);
    QCOMPARE(result.answered, 3);
    QCOMPARE(result.lost, 0);
    QCOMPARE(result.duplicated, 0);
    QCOMPARE(result.errors, 1);
    QCOMPARE(result.errorSessions, std::vector<std::string>{"e-killed"});
    m_runtime.reset(); // before the callback it uses
}

// f) Review policy Hold with a pending store the disk refuses: its folder is a regular file, which
// stops root too (tests run as root, so permissions would not). The error is clear, the results
// stay listed in memory and each is delivered once when approved.
void tst_Faults::diskRefusingThePendingStore()
{
    startHub();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile blocker(dir.filePath(QStringLiteral("not-a-folder")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.write("a regular file where the pending store's folder should be\n");
    blocker.close();
    const QString storePath = dir.filePath(QStringLiteral("not-a-folder/pending.json"));

    callbacks::DemoCallback demo;
    auto options = defaultOptions();
    options.review = runtime::ReviewPolicy::Hold;
    options.pendingStorePath = storePath;
    startRuntime(options, &demo);
    QSignalSpy pendingChanged(m_runtime.get(), &runtime::PluginRuntime::pendingChanged);

    const std::vector<std::string> sessions = {"f-1", "f-2", "f-wf"};
    m_hub->sendPlugin(payload("f-1"));
    m_hub->sendPlugin(payload("f-2"));
    m_hub->sendPlugin(workflowPayload("f-wf", "task-f"));
    QTRY_VERIFY2_WITH_TIMEOUT(m_runtime->pendingResults().size() == 3, qPrintable(diagnostics()),
                              5000);
    QVERIFY(pendingChanged.count() >= 3);
    QVERIFY(!QFileInfo::exists(storePath));

    const QString expected
        = QStringLiteral("cannot write the pending results to %1").arg(storePath);
    const int errors
        = int(std::count_if(m_logs.cbegin(), m_logs.cend(), [&](const logging::LogEntry &e) {
              return e.level == logging::Level::Error && e.message.contains(expected)
                     && e.message.contains(QStringLiteral("kept in memory only"));
          }));
    QVERIFY2(errors == 3, qPrintable(diagnostics()));
    QVERIFY2(m_runtime->status().lastError.contains(expected),
             qPrintable(m_runtime->status().lastError));
    QCOMPARE(m_runtime->status().pending, 3);
    QCOMPARE(m_hub->count("response"), 0);
    QCOMPARE(m_api->requestCount(), 0);

    for (const auto &item : m_runtime->pendingResults()) {
        const auto approved = m_runtime->approve(item.id);
        QVERIFY2(approved, qPrintable(approved ? QString() : approved.error().message));
    }
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("f-1"), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("f-2"), 1, 5000);
    QTRY_VERIFY2_WITH_TIMEOUT(eventsOf(runtime::RequestStage::Delivered, "f-wf") == 1,
                              qPrintable(diagnostics()), 5000);
    QCOMPARE(apiRequestsTo("/v2/annotate/task-f").size(), 1);
    QVERIFY(m_runtime->pendingResults().isEmpty());

    // Held, then approved: the runtime reports each as delivered once, the peers agree.
    test::Answers answers = test::responsesAtHub(*m_hub, "f-");
    answers.count["f-wf"] = int(apiRequestsTo("/v2/annotate/task-f").size());
    const auto result = test::tally(sessions, answers);
    test::printSummary("pending store refused", result);
    QCOMPARE(result.sent, 3);
    QCOMPARE(result.answered, 3);
    QCOMPARE(result.lost, 0);
    QCOMPARE(result.duplicated, 0);
    QCOMPARE(result.errors, 0);
    QCOMPARE(m_runtime->status().delivered, quint64(3));
}

// f, continued) The disk goes away after a result was stored (its folder is replaced by a file).
// A result that never reached the disk is approvable at once. One that is on disk cannot be
// taken off it, so approving it is refused with a clear error (delivering it would deliver it a
// second time after a restart); it stays listed, and once the disk is back it is delivered once.
void tst_Faults::diskRefusingAfterResultsWereStored()
{
    startHub();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString folder = dir.filePath(QStringLiteral("store"));
    const QString storePath = folder + QStringLiteral("/pending.json");

    callbacks::DemoCallback demo;
    auto options = defaultOptions();
    options.review = runtime::ReviewPolicy::Hold;
    options.pendingStorePath = storePath;
    startRuntime(options, &demo);

    m_hub->sendPlugin(payload("f2-stored"));
    QTRY_VERIFY2_WITH_TIMEOUT(m_runtime->pendingResults().size() == 1, qPrintable(diagnostics()),
                              5000);
    QVERIFY(QFileInfo::exists(storePath));
    const QString storedId = m_runtime->pendingResults().constFirst().id;

    // The disk refuses from now on.
    QVERIFY(QDir(folder).removeRecursively());
    QFile blocker(folder);
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();

    m_hub->sendPlugin(payload("f2-memory"));
    QTRY_VERIFY2_WITH_TIMEOUT(m_runtime->pendingResults().size() == 2, qPrintable(diagnostics()),
                              5000);
    QVERIFY(logged(logging::Level::Error,
                   QStringLiteral("cannot write the pending results to %1").arg(storePath)));
    QString memoryId;
    for (const auto &item : m_runtime->pendingResults())
        if (item.session == QLatin1String("f2-memory"))
            memoryId = item.id;
    QVERIFY(!memoryId.isEmpty());

    const auto approvedMemory = m_runtime->approve(memoryId);
    QVERIFY2(approvedMemory,
             qPrintable(approvedMemory ? QString() : approvedMemory.error().message));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("f2-memory"), 1, 5000);

    const auto refused = m_runtime->approve(storedId);
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.contains(storePath)
                 && refused.error().message.contains(QStringLiteral("not delivered twice")),
             qPrintable(refused.error().message));
    QCOMPARE(m_runtime->pendingResults().size(), 1);
    QCOMPARE(m_runtime->pendingResults().constFirst().id, storedId);

    // The disk is back: the stored result goes out once, and the store on disk is empty.
    QVERIFY(QFile::remove(folder));
    QVERIFY(QDir().mkpath(folder));
    const auto approvedStored = m_runtime->approve(storedId);
    QVERIFY2(approvedStored,
             qPrintable(approvedStored ? QString() : approvedStored.error().message));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("f2-stored"), 1, 5000);
    QVERIFY(m_runtime->pendingResults().isEmpty());
    QFile file(storePath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const json onDisk = json::parse(file.readAll().toStdString(), nullptr, false);
    QVERIFY2(onDisk.is_object() && onDisk.value("pending", json()) == json::array(),
             onDisk.dump().c_str());

    m_runtime->setReviewPolicy(runtime::ReviewPolicy::Auto);
    m_hub->sendPlugin(payload("marker-f2b"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("marker-f2b"), 1, 5000);
    const auto result
        = test::tally({"f2-stored", "f2-memory"}, test::responsesAtHub(*m_hub, "f2-"));
    test::printSummary("pending store refused after a write", result);
    QCOMPARE(result.sent, 2);
    QCOMPARE(result.answered, 2);
    QCOMPARE(result.lost, 0);
    QCOMPARE(result.duplicated, 0);
    QCOMPARE(result.errors, 0);
}

// g) 1,000 runs at concurrency 8 through eight exec: worker processes; every 100th run's
// configJSON asks the model to fail. Every run is answered exactly once: 990 results, 10 errors.
void tst_Faults::burstOfThousandWithOnePercentFailures()
{
    constexpr int kRuns = 1000;
    constexpr int kConcurrency = 8;
    startHub();
    auto created = callbacks::createCallback(QStringLiteral("exec:") + execModelCommand(),
                                             {{QStringLiteral("concurrency"), kConcurrency}});
    QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
    std::unique_ptr<callbacks::Callback> callback = std::move(created.value());
    auto options = defaultOptions();
    options.interactiveConcurrency = kConcurrency;
    options.minimumLogLevel = logging::Level::Warning; // 1,000 runs: keep the log to what matters
    startRuntime(options, callback.get());

    int running = 0;
    int peak = 0;
    connect(m_runtime.get(), &runtime::PluginRuntime::requestProgressed, this,
            [&running, &peak](const runtime::RequestEvent &event) {
                if (event.stage == runtime::RequestStage::CallbackStarted)
                    peak = std::max(peak, ++running);
                else if (event.stage == runtime::RequestStage::CallbackFinished)
                    --running;
            });

    std::vector<std::string> sessions;
    std::vector<std::string> failing;
    QList<json> payloads;
    for (int i = 0; i < kRuns; ++i) {
        const std::string session
            = QStringLiteral("g-%1").arg(i, 4, 10, QLatin1Char('0')).toStdString();
        sessions.push_back(session);
        const bool fail = i % 100 == 99;
        if (fail)
            failing.push_back(session);
        payloads.append(payload(session, {{"configJSON", fail ? R"({"fault": "fail"})" : "{}"}}));
    }
    QElapsedTimer clock;
    clock.start();
    m_hub->sendPlugins(payloads);
    QTRY_VERIFY2_WITH_TIMEOUT(m_hub->count("response") == kRuns, qPrintable(diagnostics()), 60000);
    const qint64 elapsedMs = clock.elapsed();
    // One more round trip: a late duplicate would arrive before this answer.
    m_hub->sendPlugin(payload("marker-g"));
    QTRY_COMPARE_WITH_TIMEOUT(responsesFor("marker-g"), 1, 5000);

    const auto result = test::tally(sessions, test::responsesAtHub(*m_hub, "g-"));
    test::printSummary("burst of 1000 with 1% failures", result);
    qInfo().noquote() << QStringLiteral("faults: burst of 1000: %1 ms, peak concurrency %2")
                             .arg(elapsedMs)
                             .arg(peak);
    QCOMPARE(result.sent, kRuns);
    QCOMPARE(result.answered, kRuns);
    QCOMPARE(result.lost, 0);
    QCOMPARE(result.duplicated, 0);
    QCOMPARE(result.errors, 10);
    auto errorSessions = result.errorSessions;
    std::sort(errorSessions.begin(), errorSessions.end());
    QCOMPARE(errorSessions, failing);
    for (const auto &session : failing) {
        const QString message = QString::fromStdString(responseFor(session).value("message", ""));
        QVERIFY2(
            message.contains(
                QStringLiteral("injected failure for %1").arg(QString::fromStdString(session))),
            qPrintable(message));
    }
    QCOMPARE(peak, kConcurrency);
    QCOMPARE(m_runtime->status().delivered, quint64(kRuns - 10 + 1));
    QCOMPARE(m_runtime->status().failed, quint64(10));
    m_runtime.reset(); // before the callback it uses
}

QTEST_GUILESS_MAIN(tst_Faults)
#include "tst_faults.moc"
