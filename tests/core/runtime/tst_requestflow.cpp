// The request flow of the runtime in-process: the hub and the REST API are fakes
// (runtime::RuntimeServices, fakehub.h), the callback a C++ function the test answers for. Each
// row plays one request to its end and checks what reached the hub: the `response` events, the
// `log` events and the annotate calls, each counted, so a lost or doubled answer fails the row.
// The same flow against the real Node hub: tst_pluginruntime; connection faults: tst_faults.

#include "callbacks/functioncallback.h"
#include "fakehub.h"
#include "runtime/pluginruntime.h"

#include <QSignalSpy>
#include <QTest>

using namespace ango;
using nlohmann::json;

namespace {

const json kSchema = json::array({{{"schemaId", "schema-car"}, {"modelClass", "car"}}});
const json kResult
    = {{"objects",
        json::array({{{"schemaId", "schema-car"},
                      {"bounding-box", {{"x", 1}, {"y", 2}, {"width", 30}, {"height", 40}}}}})}};
const QString kDiscarded = QStringLiteral("discarded by the reviewer");

json payload(const std::string &session, bool workflow)
{
    json p = {{"projectId", "proj-1"},      {"categorySchema", kSchema}, {"assetId", "asset-1"},
              {"apiKey", "key-0123456789"}, {"orgId", "org-1"},          {"runBy", "user-1"},
              {"session", session}};
    if (workflow) {
        p["workflow"] = true;
        p["taskId"] = "task-" + session;
    }
    return p;
}

enum class Review { Auto, Approve, Discard };

} // namespace

Q_DECLARE_METATYPE(Review)

class tst_RequestFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void oneRequestToItsEnd_data();
    void oneRequestToItsEnd();
    void answeredOnceAcrossTrouble_data();
    void answeredOnceAcrossTrouble();
    void outsideResultsPassTheReviewGate_data();
    void outsideResultsPassTheReviewGate();

private:
    void startRuntime(runtime::RuntimeOptions options);
    QList<json> responsesFor(const std::string &session) const;
    QStringList pluginLogsFor(const std::string &session) const;
    void answerCallbacks(); // the held calls, in order, with kResult
    QString diagnostics() const;

    test::FakeHubTransport *m_transport = nullptr; // owned by the runtime
    test::FakeHubApi *m_api = nullptr;             // likewise
    std::unique_ptr<callbacks::FunctionCallback> m_callback;
    std::unique_ptr<runtime::PluginRuntime> m_runtime;
    QList<callbacks::Callback::Done> m_heldCalls;
    QList<json> m_requests; // what the callback was called with
    QList<runtime::RequestEvent> m_stages;
    bool m_holdCalls = false;
    QString m_callbackError; // non-empty: the callback fails with it
};

void tst_RequestFlow::init()
{
    m_heldCalls.clear();
    m_requests.clear();
    m_stages.clear();
    m_holdCalls = false;
    m_callbackError.clear();
    m_callback
        = std::make_unique<callbacks::FunctionCallback>(callbacks::FunctionCallback::AsyncFunction(
            [this](callbacks::Call call, callbacks::Callback::Done done) {
                m_requests.append(call.request);
                if (m_holdCalls)
                    m_heldCalls.append(std::move(done));
                else if (!m_callbackError.isEmpty())
                    done(makeError(m_callbackError));
                else
                    done(kResult);
            }));
}

void tst_RequestFlow::cleanup()
{
    m_runtime.reset();
    m_callback.reset();
}

void tst_RequestFlow::startRuntime(runtime::RuntimeOptions options)
{
    options.pluginId = QStringLiteral("plugin-1");
    options.secret = QStringLiteral("plugin-secret-value");
    options.hubUrl = QUrl(QStringLiteral("http://127.0.0.1:9")); // never dialled: fakes
    options.apiHost = QUrl(QStringLiteral("http://127.0.0.1:9"));
    options.reconnectDelay = std::chrono::milliseconds{10};
    options.reconnectDelayMax = std::chrono::milliseconds{20};
    runtime::RuntimeServices services;
    auto transport = std::make_unique<test::FakeHubTransport>();
    auto api = std::make_unique<test::FakeHubApi>();
    m_transport = transport.get();
    m_api = api.get();
    services.transport = std::move(transport);
    services.api = std::move(api);
    m_runtime = std::make_unique<runtime::PluginRuntime>(std::move(options), std::move(services),
                                                         m_callback.get());
    connect(m_runtime.get(), &runtime::PluginRuntime::requestProgressed, this,
            [this](const runtime::RequestEvent &event) { m_stages.append(event); });
    m_runtime->start();
    QTRY_VERIFY(m_transport->isNamespaceConnected(QStringLiteral("/plugin")));
    QTRY_COMPARE(m_transport->sent(QStringLiteral("heartbeat")).size(), 1);
}

QList<json> tst_RequestFlow::responsesFor(const std::string &session) const
{
    QList<json> found;
    for (const json &response : m_transport->sent(QStringLiteral("response")))
        if (response.is_object() && response.value("session", json()) == session)
            found.append(response);
    return found;
}

QStringList tst_RequestFlow::pluginLogsFor(const std::string &session) const
{
    QStringList found;
    for (const json &line : m_transport->sent(QStringLiteral("log")))
        if (line.is_object() && line.value("session", json()) == session)
            found << QString::fromStdString(line.value("msg", std::string()));
    return found;
}

void tst_RequestFlow::answerCallbacks()
{
    const auto calls = std::exchange(m_heldCalls, {});
    for (const auto &done : calls)
        done(kResult);
}

QString tst_RequestFlow::diagnostics() const
{
    QString text;
    for (const auto &sent : m_transport->sent())
        if (sent.event != u"heartbeat"_qs) // it carries the secret
            text += sent.event + QLatin1Char(' ')
                    + QString::fromStdString(sent.args.dump()).left(300) + QLatin1Char('\n');
    for (const auto &stage : m_stages)
        text += QStringLiteral("stage %1 %2 %3\n")
                    .arg(stage.requestId)
                    .arg(runtime::stageName(stage.stage), stage.detail);
    return text;
}

void tst_RequestFlow::oneRequestToItsEnd_data()
{
    QTest::addColumn<bool>("workflow");
    QTest::addColumn<QString>("callbackError"); // empty: the callback answers kResult
    QTest::addColumn<int>("restStatus");        // what annotate answers
    QTest::addColumn<Review>("review");
    QTest::addColumn<QString>("wrongField"); // a payload field sent with a wrong type (JSON 5)
    // Expected: the hub's answers to the session.
    QTest::addColumn<bool>("answered");       // exactly one `response` (else none)
    QTest::addColumn<QString>("answerError"); // empty: the response carries kResult
    QTest::addColumn<int>("annotated");       // annotate calls
    QTest::addColumn<QString>("pluginLog");   // a plugin logger line to the hub contains it
    QTest::addColumn<runtime::RequestStage>("lastStage");
    QTest::addColumn<bool>("called"); // the callback ran

    using S = runtime::RequestStage;
    QTest::newRow("plain run: one response with the result")
        << false << QString() << 200 << Review::Auto << QString() << true << QString() << 0
        << QString() << S::Delivered << true;
    QTest::newRow("workflow run: annotate, no response event")
        << true << QString() << 200 << Review::Auto << QString() << false << QString() << 1
        << QString() << S::Delivered << true;
    QTest::newRow("callback error: an error response naming it")
        << false << u"model exploded"_qs << 200 << Review::Auto << QString() << true
        << u"model exploded"_qs << 0 << u"model exploded"_qs << S::Failed << true;
    QTest::newRow("callback error, workflow: logged to the hub, no annotate")
        << true << u"model exploded"_qs << 200 << Review::Auto << QString() << false << QString()
        << 0 << u"model exploded"_qs << S::Failed << true;
    QTest::newRow("annotate 500: surfaced once, nothing else sent")
        << true << QString() << 500 << Review::Auto << QString() << false << QString() << 1
        << u"HTTP 500"_qs << S::Failed << true;
    QTest::newRow("annotate 401: surfaced once, nothing else sent")
        << true << QString() << 401 << Review::Auto << QString() << false << QString() << 1
        << u"HTTP 401"_qs << S::Failed << true;
    QTest::newRow("hold, approve: the response after approval")
        << false << QString() << 200 << Review::Approve << QString() << true << QString() << 0
        << QString() << S::Delivered << true;
    QTest::newRow("hold, discard: one error response, no annotate")
        << false << QString() << 200 << Review::Discard << QString() << true << kDiscarded << 0
        << kDiscarded << S::Discarded << true;
    QTest::newRow("hold, approve workflow: annotate after approval")
        << true << QString() << 200 << Review::Approve << QString() << false << QString() << 1
        << QString() << S::Delivered << true;
    QTest::newRow("hold, discard workflow: no annotate, the logger says why")
        << true << QString() << 200 << Review::Discard << QString() << false << QString() << 0
        << kDiscarded << S::Discarded << true;
    QTest::newRow("configJSON of the wrong type: an error naming it, no call")
        << false << QString() << 200 << Review::Auto << u"configJSON"_qs << true << u"configJSON"_qs
        << 0 << u"configJSON"_qs << S::Failed << false;
    QTest::newRow("categorySchema of the wrong type: named in a warning, still answered")
        << false << QString() << 200 << Review::Auto << u"categorySchema"_qs << true << QString()
        << 0 << u"categorySchema"_qs << S::Delivered << true;
}

void tst_RequestFlow::oneRequestToItsEnd()
{
    QFETCH(bool, workflow);
    QFETCH(QString, callbackError);
    QFETCH(int, restStatus);
    QFETCH(Review, review);
    QFETCH(QString, wrongField);
    QFETCH(bool, answered);
    QFETCH(QString, answerError);
    QFETCH(int, annotated);
    QFETCH(QString, pluginLog);
    QFETCH(runtime::RequestStage, lastStage);
    QFETCH(bool, called);

    m_callbackError = callbackError;
    runtime::RuntimeOptions options;
    options.review
        = review == Review::Auto ? runtime::ReviewPolicy::Auto : runtime::ReviewPolicy::Hold;
    startRuntime(options);
    m_api->status = restStatus;

    json request = payload("s1", workflow);
    if (!wrongField.isEmpty())
        request[wrongField.toStdString()] = 5;
    m_transport->sendPlugin(request);

    auto ended = [this] {
        return !m_stages.isEmpty()
               && (m_stages.constLast().stage == runtime::RequestStage::Delivered
                   || m_stages.constLast().stage == runtime::RequestStage::Failed
                   || m_stages.constLast().stage == runtime::RequestStage::Discarded
                   || m_stages.constLast().stage == runtime::RequestStage::Held);
    };
    QTRY_VERIFY2(ended(), qPrintable(diagnostics()));
    if (review != Review::Auto) {
        // Held: nothing reached the hub or the API yet.
        QCOMPARE(m_stages.constLast().stage, runtime::RequestStage::Held);
        QCOMPARE(responsesFor("s1").size(), 0);
        QCOMPARE(m_api->calls().size(), 0);
        const auto pending = m_runtime->pendingResults();
        QCOMPARE(pending.size(), 1);
        const auto decided = review == Review::Approve ? m_runtime->approve(pending.first().id)
                                                       : m_runtime->discard(pending.first().id);
        QVERIFY2(decided.ok(), decided.ok() ? "" : qPrintable(decided.error().message));
        QCOMPARE(m_runtime->pendingResults().size(), 0);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_stages.constLast().stage, lastStage, 5000);
    // Settled: a later request is answered too, and nothing more came for this one.
    m_transport->sendPlugin(payload("sentinel", false));
    if (review != Review::Auto) {
        QTRY_COMPARE(m_runtime->pendingResults().size(), 1);
        QVERIFY(m_runtime->approve(m_runtime->pendingResults().first().id).ok());
    }
    QTRY_COMPARE(responsesFor("sentinel").size(), 1);

    QCOMPARE(m_requests.size(), (called ? 1 : 0) + 1);
    const QList<json> responses = responsesFor("s1");
    QVERIFY2(responses.size() == (answered ? 1 : 0), qPrintable(diagnostics()));
    if (answered && answerError.isEmpty()) {
        QVERIFY2(!responses.first().contains("error"), qPrintable(diagnostics()));
        QVERIFY(responses.first()["response"] == kResult);
    } else if (answered) {
        QVERIFY(responses.first().value("error", false));
        const QString message
            = QString::fromStdString(responses.first().value("message", std::string()));
        QVERIFY2(message.contains(answerError), qPrintable(message));
    }
    QCOMPARE(m_api->calls().size(), annotated);
    if (annotated > 0) {
        QCOMPARE(m_api->calls().first().taskId, u"task-s1"_qs);
        QCOMPARE(m_api->calls().first().apiKey, u"key-0123456789"_qs);
        QVERIFY(m_api->calls().first().answer["objects"] == kResult["objects"]);
    }
    const QStringList logs = pluginLogsFor("s1");
    if (!pluginLog.isEmpty()) {
        QVERIFY2(logs.filter(pluginLog).size() == 1, qPrintable(logs.join(u'\n')));
    } else {
        QVERIFY2(logs.isEmpty(), qPrintable(logs.join(u'\n')));
    }
    int ends = 0;
    for (const auto &stage : m_stages)
        if (stage.session == u"s1"_qs
            && (stage.stage == runtime::RequestStage::Delivered
                || stage.stage == runtime::RequestStage::Failed
                || stage.stage == runtime::RequestStage::Discarded))
            ++ends;
    QCOMPARE(ends, 1);
}

void tst_RequestFlow::answeredOnceAcrossTrouble_data()
{
    QTest::addColumn<QString>("trouble");
    QTest::addColumn<QStringList>("sessions");
    QTest::addColumn<QStringList>("busy"); // the sessions answered "busy"

    QTest::newRow("queue full: the request beyond it is answered busy at once")
        << u"queue"_qs << QStringList{u"a"_qs, u"b"_qs, u"c"_qs} << QStringList{u"c"_qs};
    QTest::newRow("transport drop mid-run: answered once after the reconnect")
        << u"drop"_qs << QStringList{u"a"_qs} << QStringList{};
    QTest::newRow("namespace closed by the hub mid-run: answered once after the rejoin")
        << u"close"_qs << QStringList{u"a"_qs} << QStringList{};
}

void tst_RequestFlow::answeredOnceAcrossTrouble()
{
    QFETCH(QString, trouble);
    QFETCH(QStringList, sessions);
    QFETCH(QStringList, busy);

    m_holdCalls = true;
    runtime::RuntimeOptions options;
    options.interactiveConcurrency = 1;
    options.maxQueuedRequests = 1;
    startRuntime(options);

    for (const QString &session : sessions)
        m_transport->sendPlugin(payload(session.toStdString(), false));
    QTRY_COMPARE(m_heldCalls.size(), 1);
    for (const QString &session : busy) {
        QTRY_COMPARE(responsesFor(session.toStdString()).size(), 1);
        const json answer = responsesFor(session.toStdString()).first();
        QVERIFY(answer.value("error", false));
        QVERIFY2(
            QString::fromStdString(answer.value("message", std::string())).contains(u"busy"_qs),
            answer.dump().c_str());
    }
    QCOMPARE(m_transport->sent(QStringLiteral("response")).size(), busy.size());

    if (trouble == u"drop"_qs) {
        m_transport->dropTransport();
        answerCallbacks();
        QCOMPARE(m_transport->sent(QStringLiteral("response")).size(), 0); // nowhere to go yet
        m_transport->reconnect();
    } else if (trouble == u"close"_qs) {
        m_transport->serverDisconnect(QStringLiteral("/plugin"));
        answerCallbacks();
        QCOMPARE(m_transport->sent(QStringLiteral("response")).size(), 0);
        // The runtime joins /plugin again by itself and sends what waited.
    }
    // From here the callback answers at once: every run is answered, the held one with its result.
    m_holdCalls = false;
    answerCallbacks();
    for (const QString &session : sessions)
        QTRY_VERIFY2(!responsesFor(session.toStdString()).isEmpty(), qPrintable(diagnostics()));
    // Settled: a later request is answered too, and nothing more came for these.
    m_transport->sendPlugin(payload("sentinel", false));
    QTRY_COMPARE(responsesFor("sentinel").size(), 1);
    for (const QString &session : sessions) {
        const QList<json> answers = responsesFor(session.toStdString());
        QVERIFY2(answers.size() == 1, qPrintable(session + u'\n' + diagnostics()));
        if (!busy.contains(session))
            QVERIFY2(answers.first()["response"] == kResult, answers.first().dump().c_str());
    }
    QCOMPARE(m_transport->queuedCount(), 0);
}

void tst_RequestFlow::outsideResultsPassTheReviewGate_data()
{
    QTest::addColumn<Review>("review");
    QTest::addColumn<QString>("error"); // of the outcome; empty: the result comes back
    QTest::newRow("auto: the result at once") << Review::Auto << QString();
    QTest::newRow("hold, approve: the result once approved") << Review::Approve << QString();
    QTest::newRow("hold, discard: the reviewer's reason") << Review::Discard << kDiscarded;
}

// What an outside plugin answered the console's Local hub goes through the same gate as a run of
// this runtime, and nothing of it goes to the runtime's own hub.
void tst_RequestFlow::outsideResultsPassTheReviewGate()
{
    QFETCH(Review, review);
    QFETCH(QString, error);
    runtime::RuntimeOptions options;
    options.review
        = review == Review::Auto ? runtime::ReviewPolicy::Auto : runtime::ReviewPolicy::Hold;
    startRuntime(options);
    const int sentBefore = int(m_transport->sent().size());

    QList<runtime::LocalRunResult> outcomes;
    m_runtime->reviewOutsideResult(
        {{"session", "outside-1"}, {"categorySchema", kSchema}}, kResult,
        [&outcomes](runtime::LocalRunResult outcome) { outcomes.append(std::move(outcome)); });
    if (review != Review::Auto) {
        QCOMPARE(outcomes.size(), 0);
        const auto pending = m_runtime->pendingResults();
        QCOMPARE(pending.size(), 1);
        QVERIFY(pending.first().local);
        QCOMPARE(pending.first().session, u"outside-1"_qs);
        QVERIFY(review == Review::Approve ? m_runtime->approve(pending.first().id).ok()
                                          : m_runtime->discard(pending.first().id).ok());
    }
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes.first().error, error);
    QVERIFY(error.isEmpty() ? outcomes.first().result == kResult
                            : outcomes.first().result.is_null());
    QVERIFY(m_runtime->pendingResults().isEmpty());
    QCOMPARE(m_requests.size(), 0); // no callback ran
    QCOMPARE(m_transport->sent().size(), sentBefore);
    QCOMPARE(m_api->calls().size(), 0);
    QCOMPARE(m_stages.constFirst().stage, runtime::RequestStage::Received);
    QCOMPARE(m_stages.constLast().stage,
             error.isEmpty() ? runtime::RequestStage::Delivered : runtime::RequestStage::Discarded);
}

QTEST_GUILESS_MAIN(tst_RequestFlow)
#include "tst_requestflow.moc"
