#include "recordinghttpserver.h"
#include "rest/restclient.h"
#include "restresult.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using ango::Result;
using ango::rest::AssetQuery;
using ango::rest::RestClient;
using ango::rest::RetryPolicy;
using ango::test::fastRetryPolicy;
using ango::test::RecordedRequest;
using ango::test::RecordingHttpServer;
using ango::test::RestOutcome;
using ango::test::ScriptedResponse;
using Json = nlohmann::json;

namespace {

const QString kApiKey = u"k3y-SECRET-0123456789abcdef"_s;

QString text(const Json &value)
{
    return QString::fromStdString(value.dump());
}

Json parseJson(const QByteArray &bytes)
{
    return Json::parse(bytes.begin(), bytes.end(), nullptr, false);
}

// A client on the API server plus spies on its request log signals.
struct Harness
{
    explicit Harness(const QUrl &apiHost, RetryPolicy policy = fastRetryPolicy())
        : client(new RestClient(apiHost))
        , started(client, &RestClient::requestStarted)
        , finished(client, &RestClient::requestFinished)
    {
        client->setRetryPolicy(policy);
    }
    ~Harness() { delete client; }

    // The apikey must never reach a signal argument (the request log is shown and exported).
    bool signalsAreFreeOfKey() const
    {
        for (const QSignalSpy *spy : {&started, &finished}) {
            for (const QList<QVariant> &arguments : *spy) {
                for (const QVariant &argument : arguments) {
                    const QString shown = argument.metaType() == QMetaType::fromType<QUrl>()
                                              ? argument.toUrl().toString()
                                              : argument.toString();
                    if (shown.contains(kApiKey))
                        return false;
                }
            }
        }
        return true;
    }

    QPointer<RestClient> client;
    QSignalSpy started;
    QSignalSpy finished;
};

bool sentRawHeaderName(const RecordedRequest &request, const QByteArray &exactName)
{
    for (const auto &[name, value] : request.headers) {
        if (name == exactName)
            return true;
    }
    return false;
}

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort(); // closed again when probe goes out of scope
}

Json assetsResponse(const Json &assets)
{
    return {{"data", {{"assets", assets}, {"total", assets.size()}}}};
}

} // namespace

class TestRestClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_api = std::make_unique<RecordingHttpServer>();
        QVERIFY(m_api->listen());
    }
    void cleanup() { m_api.reset(); }

    void getAssetByIdSendsQueryKeyAndNoBody()
    {
        const QString projectId = u"proj 1/x"_s;
        const QString assetId = u"a+b&c=d \u00e9/x"_s; // every character a query can trip on
        const Json asset = {{"_id", assetId.toStdString()},
                            {"externalId", "img-1.png"},
                            {"data", "https://bucket.example/img-1.png"}};
        m_api->enqueue(
            ScriptedResponse::json(200, assetsResponse(Json::array({asset, {{"_id", "other"}}}))));

        Harness h(m_api->url());
        RestOutcome<Json> out;
        h.client->getAsset(kApiKey, AssetQuery{projectId, assetId, {}}, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QVERIFY2(out.ok(), qPrintable(out.error()));
        QCOMPARE(text(out.result->value()), text(asset));

        QCOMPARE(m_api->requestCount(), 1);
        const RecordedRequest &request = m_api->requests().at(0);
        QCOMPARE(request.method, "GET");
        const QList<QByteArray> segments = request.path.split('/');
        QCOMPARE(segments.size(), 5);
        QCOMPARE(segments[1], "v2");
        QCOMPARE(segments[2], "project");
        QCOMPARE(QString::fromUtf8(QByteArray::fromPercentEncoding(segments[3])), projectId);
        QCOMPARE(segments[4], "assets");
        QCOMPARE(request.queryKeys(), (QStringList{u"page"_s, u"limit"_s, u"filters"_s}));
        QCOMPARE(request.queryValue(u"page"_s), u"1"_s);
        QCOMPARE(request.queryValue(u"limit"_s), u"10"_s);
        const Json filters
            = Json::parse(request.queryValue(u"filters"_s).toStdString(), nullptr, false);
        QCOMPARE(text(filters), text(Json{{"_id", assetId.toStdString()}}));
        QVERIFY(sentRawHeaderName(request, "apikey"));
        QCOMPARE(request.header("apikey"), kApiKey.toUtf8());
        QVERIFY(request.body.isEmpty());

        QCOMPARE(h.started.size(), 1);
        QCOMPARE(h.started.at(0).at(1).toString(), u"GET"_s);
        QVERIFY(h.started.at(0).at(2).toUrl().query().isEmpty());
        QCOMPARE(h.started.at(0).at(3).toInt(), 1);
        QTRY_COMPARE(h.finished.size(), 1);
        QCOMPARE(h.finished.at(0).at(0), h.started.at(0).at(0));
        QCOMPARE(h.finished.at(0).at(1).toInt(), 200);
        QVERIFY(h.finished.at(0).at(4).toString().isEmpty());
        QVERIFY(h.signalsAreFreeOfKey());
    }

    void getAssetByExternalIdFilters()
    {
        const Json asset = {{"_id", "A9"}, {"externalId", "ext-7"}, {"data", "https://x/7.png"}};
        m_api->setRoute("/v2/project/P1/assets",
                        ScriptedResponse::json(200, assetsResponse(Json::array({asset}))));

        Harness h(m_api->url());
        RestOutcome<Json> out;
        h.client->getAsset(kApiKey, AssetQuery{u"P1"_s, {}, u"ext-7"_s}, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QVERIFY2(out.ok(), qPrintable(out.error()));
        QCOMPARE(text(out.result->value()), text(asset));
        const Json filters = Json::parse(
            m_api->requests().at(0).queryValue(u"filters"_s).toStdString(), nullptr, false);
        QCOMPARE(text(filters), text(Json{{"externalId", "ext-7"}}));
    }

    void getAssetWithNoMatchNamesIt()
    {
        m_api->setRoute("/v2/project/P1/assets",
                        ScriptedResponse::json(200, assetsResponse(Json::array())));
        Harness h(m_api->url());
        RestOutcome<Json> out;
        h.client->getAsset(kApiKey, AssetQuery{u"P1"_s, u"A1"_s, {}}, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QCOMPARE(out.error(), u"no asset with _id A1 in project P1"_s);
        QCOMPARE(m_api->requestCount(), 1);
    }

    void getProjectReturnsDataProject()
    {
        const Json project = {{"name", "Cats"}, {"categorySchema", {{"tools", Json::array()}}}};
        m_api->setRoute("/v2/project/P1",
                        ScriptedResponse::json(200, {{"data", {{"project", project}}}}));
        Harness h(m_api->url());
        RestOutcome<Json> out;
        h.client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QVERIFY2(out.ok(), qPrintable(out.error()));
        QCOMPARE(text(out.result->value()), text(project));
        const RecordedRequest &request = m_api->requests().at(0);
        QCOMPARE(request.method, "GET");
        QCOMPARE(request.target, "/v2/project/P1");
        QCOMPARE(request.header("apikey"), kApiKey.toUtf8());
    }

    void importLabelsPostsProjectAndContent()
    {
        const Json records = Json::array(
            {{{"externalId", "img-1.png"},
              {"objects",
               {{{"schemaId", "s1"},
                 {"bounding-box", {{"x", 1}, {"y", 2}, {"width", 3}, {"height", 4}}}}}}}});
        const Json reply = {{"status", "success"}, {"data", {{"count", 1}}}};
        m_api->setRoute("/v2/import/labels", ScriptedResponse::json(200, reply));
        Harness h(m_api->url());
        RestOutcome<Json> out;
        h.client->importLabels(kApiKey, u"P1"_s, records, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QVERIFY2(out.ok(), qPrintable(out.error()));
        QCOMPARE(text(out.result->value()), text(reply));

        const RecordedRequest &request = m_api->requests().at(0);
        QCOMPARE(request.method, "POST");
        QCOMPARE(request.target, "/v2/import/labels");
        QCOMPARE(request.header("Content-Type"), "application/json");
        QCOMPARE(request.header("apikey"), kApiKey.toUtf8());
        QCOMPARE(text(parseJson(request.body)),
                 text(Json{{"project", "P1"}, {"jsonContent", records}}));
    }

    void largeBodyArrivesWhole()
    {
        // Large enough to reach the server in several reads, on a kept-alive connection.
        Json records = Json::array();
        for (int i = 0; i < 5000; ++i)
            records.push_back(
                {{"externalId", "img-" + std::to_string(i) + ".png"}, {"objects", Json::array()}});
        m_api->setFallback(ScriptedResponse::json(200, {{"status", "success"}}));
        Harness h(m_api->url());
        RestOutcome<Json> first;
        RestOutcome<Json> second;
        h.client->importLabels(kApiKey, u"P1"_s, records, first.callback());
        QTRY_COMPARE(first.calls, 1);
        h.client->importLabels(kApiKey, u"P1"_s, records, second.callback());
        QTRY_COMPARE(second.calls, 1);
        QVERIFY2(second.ok(), qPrintable(second.error()));
        QCOMPARE(m_api->requestCount(), 2);
        for (const RecordedRequest &request : m_api->requests()) {
            QVERIFY(request.body.size() > 100000);
            QCOMPARE(text(parseJson(request.body)),
                     text(Json{{"project", "P1"}, {"jsonContent", records}}));
        }
        QCOMPARE(m_api->requests().at(1).connection, m_api->requests().at(0).connection);
    }

    void annotatePostsAnswer_data()
    {
        QTest::addColumn<bool>("nextStage");
        QTest::addColumn<bool>("isPlugin");
        QTest::newRow("model worker") << true << true;
        QTest::newRow("stay, not plugin") << false << false;
    }
    void annotatePostsAnswer()
    {
        QFETCH(bool, nextStage);
        QFETCH(bool, isPlugin);
        const Json answer = {{"objects", Json::array()},
                             {"classifications", Json::array()},
                             {"relations", Json::array()}};
        m_api->setRoute("/v2/annotate/T-1", ScriptedResponse::json(200, {{"status", "ok"}}));
        Harness h(m_api->url());
        RestOutcome<Json> out;
        h.client->annotate(kApiKey, u"T-1"_s, answer, out.callback(), nextStage, isPlugin);
        QTRY_COMPARE(out.calls, 1);
        QVERIFY2(out.ok(), qPrintable(out.error()));

        const RecordedRequest &request = m_api->requests().at(0);
        QCOMPARE(request.method, "POST");
        QCOMPARE(request.path, "/v2/annotate/T-1");
        const auto flag = [](bool value) { return value ? u"true"_s : u"false"_s; };
        QCOMPARE(request.queryKeys(), (QStringList{u"nextStage"_s, u"isPlugin"_s}));
        QCOMPARE(request.queryValue(u"nextStage"_s), flag(nextStage));
        QCOMPARE(request.queryValue(u"isPlugin"_s), flag(isPlugin));
        QCOMPARE(request.header("Content-Type"), "application/json");
        QCOMPARE(request.header("apikey"), kApiKey.toUtf8());
        QCOMPARE(text(parseJson(request.body)), text(Json{{"answer", answer}, {"duration", 0}}));
    }

    void serverErrorIsRetriedAndDeliveredOnce()
    {
        m_api->enqueue(ScriptedResponse::json(500, {{"message", "database hiccup"}}));
        m_api->enqueue(ScriptedResponse::json(200, {{"data", {{"project", {{"name", "P"}}}}}}));
        Harness h(m_api->url(), fastRetryPolicy(4));
        RestOutcome<Json> out;
        h.client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QVERIFY2(out.ok(), qPrintable(out.error()));
        QCOMPARE(m_api->requestCount(), 2);
        QCOMPARE(m_api->requests().at(1).target, "/v2/project/P1");
        QCOMPARE(m_api->requests().at(1).header("apikey"), kApiKey.toUtf8());

        QCOMPARE(h.started.size(), 2);
        QCOMPARE(h.started.at(0).at(3).toInt(), 1);
        QCOMPARE(h.started.at(1).at(3).toInt(), 2);
        QCOMPARE(h.finished.size(), 2);
        QCOMPARE(h.finished.at(0).at(1).toInt(), 500);
        QVERIFY(h.finished.at(0).at(4).toString().contains(u"database hiccup"_s));
        QCOMPARE(h.finished.at(1).at(1).toInt(), 200);
        QVERIFY(h.finished.at(0).at(0) != h.finished.at(1).at(0));

        // A later call is the third request: no stray retry went out, no second callback came.
        m_api->setFallback(ScriptedResponse::json(200, {{"data", {{"project", {{"name", "P"}}}}}}));
        RestOutcome<Json> probe;
        h.client->getProject(kApiKey, u"P1"_s, probe.callback());
        QTRY_COMPARE(probe.calls, 1);
        QCOMPARE(m_api->requestCount(), 3);
        QCOMPARE(out.calls, 1);
        QVERIFY(h.signalsAreFreeOfKey());
    }

    void serverErrorsExhaustAttempts()
    {
        m_api->setFallback(ScriptedResponse::json(503, {{"message", "maintenance"}}));
        Harness h(m_api->url(), fastRetryPolicy(3));
        RestOutcome<Json> out;
        h.client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QCOMPARE(m_api->requestCount(), 3);
        QCOMPARE(out.status(), 503);
        QVERIFY2(out.error().contains(u"maintenance"_s), qPrintable(out.error()));
        QVERIFY2(out.error().contains(u"after 3 attempts"_s), qPrintable(out.error()));
    }

    void tooManyRequestsHonoursRetryAfter()
    {
        m_api->enqueue(
            ScriptedResponse::json(429, {{"message", "slow down"}}).withHeader("Retry-After", "1"));
        m_api->enqueue(ScriptedResponse::json(200, {{"data", {{"project", {{"name", "P"}}}}}}));
        RetryPolicy policy = fastRetryPolicy();
        policy.maxDelay = 4000ms; // the backoff alone would wait 5 ms
        Harness h(m_api->url(), policy);
        RestOutcome<Json> out;
        h.client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE_WITH_TIMEOUT(out.calls, 1, 5000);
        QVERIFY2(out.ok(), qPrintable(out.error()));
        QCOMPARE(m_api->requestCount(), 2);
        const qint64 gap
            = m_api->requests().at(1).receivedAtMs - m_api->requests().at(0).receivedAtMs;
        QVERIFY2(gap >= 950, qPrintable(QString::number(gap)));
    }

    void retryAfterIsCappedByMaxDelay()
    {
        m_api->enqueue(ScriptedResponse::json(429, {{"message", "slow down"}})
                           .withHeader("Retry-After", "120"));
        m_api->enqueue(ScriptedResponse::json(200, {{"data", {{"project", {{"name", "P"}}}}}}));
        RetryPolicy policy = fastRetryPolicy();
        policy.maxDelay = 100ms;
        Harness h(m_api->url(), policy);
        RestOutcome<Json> out;
        h.client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE_WITH_TIMEOUT(out.calls, 1, 5000);
        QVERIFY2(out.ok(), qPrintable(out.error()));
        const qint64 gap
            = m_api->requests().at(1).receivedAtMs - m_api->requests().at(0).receivedAtMs;
        QVERIFY2(gap >= 90 && gap < 3000, qPrintable(QString::number(gap)));
    }

    void unauthorizedIsNotRetriedAndNamesUrlWithoutQuery()
    {
        // A server that echoes the key it refused must not make us print it.
        m_api->setFallback(ScriptedResponse::json(
            401, {{"message", QString(u"invalid apikey "_s + kApiKey).toStdString()}}));
        Harness h(m_api->url(), fastRetryPolicy(4));
        RestOutcome<Json> out;
        h.client->getAsset(kApiKey, AssetQuery{u"P1"_s, u"A1"_s, {}}, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QCOMPARE(out.status(), 401);
        const QString error = out.error();
        QVERIFY2(error.startsWith(u"GET "_s + m_api->url(u"/v2/project/P1/assets"_s).toString()),
                 qPrintable(error));
        QVERIFY2(error.contains(u"401"_s), qPrintable(error));
        QVERIFY2(error.contains(u"127.0.0.1:%1 refused the API key"_s.arg(m_api->url().port())),
                 qPrintable(error));
        QVERIFY2(error.contains(u"invalid apikey"_s), qPrintable(error));
        QVERIFY2(!error.contains(kApiKey), qPrintable(error));
        QVERIFY2(!error.contains(u'?') && !error.contains(u"filters"_s), qPrintable(error));

        m_api->setFallback(ScriptedResponse::json(200, {{"data", {{"project", {{"name", "P"}}}}}}));
        RestOutcome<Json> probe;
        h.client->getProject(kApiKey, u"P1"_s, probe.callback());
        QTRY_COMPARE(probe.calls, 1);
        QCOMPARE(m_api->requestCount(), 2); // the 401 was asked once
        QCOMPARE(h.started.size(), 2);
        QVERIFY(h.signalsAreFreeOfKey());
    }

    void forbiddenPostNamesMethodAndPath()
    {
        m_api->setFallback(
            ScriptedResponse::json(403, {{"error", {{"message", "not your task"}}}}));
        Harness h(m_api->url(), fastRetryPolicy(4));
        RestOutcome<Json> out;
        h.client->annotate(kApiKey, u"T-1"_s, Json::object(), out.callback());
        QTRY_COMPARE(out.calls, 1);
        QCOMPARE(out.status(), 403);
        QVERIFY2(out.error().startsWith(u"POST "_s + m_api->url(u"/v2/annotate/T-1"_s).toString()
                                        + u" failed"_s),
                 qPrintable(out.error()));
        QVERIFY2(out.error().contains(u"not your task"_s), qPrintable(out.error()));
        QVERIFY2(!out.error().contains(u"nextStage"_s), qPrintable(out.error()));
        QCOMPARE(m_api->requestCount(), 1);
    }

    void notFoundCarriesServerMessage_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::newRow("message") << QByteArray(R"({"message":"Project P9 not found"})")
                                 << QByteArray("application/json");
        QTest::newRow("error.message")
            << QByteArray(R"({"error":{"statusCode":404,"message":"Project P9 not found"}})")
            << QByteArray("application/json");
        QTest::newRow("plain text")
            << QByteArray("Project P9 not found\n") << QByteArray("text/plain");
    }
    void notFoundCarriesServerMessage()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        m_api->setFallback(ScriptedResponse::text(404, body, contentType));
        Harness h(m_api->url());
        RestOutcome<Json> out;
        h.client->getProject(kApiKey, u"P9"_s, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QCOMPARE(out.status(), 404);
        QVERIFY2(out.error().contains(u"(not found): Project P9 not found"_s),
                 qPrintable(out.error()));
        QCOMPARE(m_api->requestCount(), 1);
    }

    void longErrorBodyIsExcerpted()
    {
        const QByteArray page = "<html><body>" + QByteArray(5000, 'x') + "</body></html>";
        m_api->setFallback(ScriptedResponse::text(400, page, "text/html"));
        Harness h(m_api->url());
        RestOutcome<Json> out;
        h.client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QCOMPARE(out.status(), 400);
        QVERIFY2(out.error().contains(u"<html><body>xxx"_s), qPrintable(out.error()));
        QVERIFY2(out.error().size() < 450, qPrintable(QString::number(out.error().size())));
        QCOMPARE(m_api->requestCount(), 1);
    }

    void timeoutIsRetriedThenReported()
    {
        m_api->setFallback(ScriptedResponse::noAnswer());
        RetryPolicy policy = fastRetryPolicy(2);
        policy.transferTimeout = 300ms;
        Harness h(m_api->url(), policy);
        RestOutcome<Json> out;
        h.client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE_WITH_TIMEOUT(out.calls, 1, 5000);
        QCOMPARE(m_api->requestCount(), 2);
        QCOMPARE(out.status(), 0);
        QVERIFY2(out.error().contains(u"did not answer within 300 ms"_s), qPrintable(out.error()));
        QVERIFY2(out.error().contains(u"after 2 attempts"_s), qPrintable(out.error()));
        QCOMPARE(h.started.size(), 2);
        QCOMPARE(h.finished.size(), 2);
        QCOMPARE(h.finished.at(1).at(1).toInt(), 0);
    }

    void connectionRefusedIsRetried()
    {
        const QUrl host(u"http://127.0.0.1:%1"_s.arg(closedPort()));
        Harness h(host, fastRetryPolicy(3));
        RestOutcome<Json> out;
        h.client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QCOMPARE(out.status(), 0);
        QVERIFY2(out.error().contains(u"refused the connection on port"_s),
                 qPrintable(out.error()));
        QCOMPARE(h.started.size(), 3);
        QCOMPARE(h.started.at(2).at(3).toInt(), 3);
    }

    void fetchBytesFollowsRedirectWithoutLeakingKey()
    {
        RecordingHttpServer files; // same host, other port: another origin
        QVERIFY(files.listen());
        const QByteArray png = QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(70000, '\x01');
        files.setRoute("/img.png", ScriptedResponse::text(200, png, "image/png"));
        m_api->setRoute("/v2/asset/1",
                        ScriptedResponse::redirect(files.url(u"/img.png?X-Amz-Signature=s1g"_s)));

        Harness h(m_api->url());
        RestOutcome<QByteArray> out;
        h.client->fetchBytes(kApiKey, m_api->url(u"/v2/asset/1?token=abc"_s), out.callback());
        QTRY_COMPARE(out.calls, 1);
        QVERIFY2(out.ok(), qPrintable(out.error()));
        QCOMPARE(out.result->value(), png);

        QCOMPARE(m_api->requestCount(), 1);
        QCOMPARE(m_api->requests().at(0).header("apikey"), kApiKey.toUtf8());
        QCOMPARE(files.requestCount(), 1);
        QCOMPARE(files.requests().at(0).target, "/img.png?X-Amz-Signature=s1g");
        QVERIFY(!files.requests().at(0).hasHeader("apikey"));

        QCOMPARE(h.started.size(), 2);
        QCOMPARE(h.started.at(1).at(2).toUrl(), files.url(u"/img.png"_s));
        QCOMPARE(h.started.at(1).at(3).toInt(), 1); // a redirect hop is not a retry
        QCOMPARE(h.finished.at(0).at(1).toInt(), 302);
        QCOMPARE(h.finished.at(1).at(3).toLongLong(), png.size());
        QVERIFY(h.signalsAreFreeOfKey());
    }

    void fetchBytesSendsNoKeyToOtherOrigins()
    {
        RecordingHttpServer files;
        QVERIFY(files.listen());
        files.setRoute("/img.png", ScriptedResponse::text(200, "bytes", "image/png"));
        Harness h(m_api->url());
        RestOutcome<QByteArray> out;
        h.client->fetchBytes(kApiKey, files.url(u"/img.png"_s), out.callback());
        QTRY_COMPARE(out.calls, 1);
        QVERIFY2(out.ok(), qPrintable(out.error()));
        QCOMPARE(out.result->value(), "bytes");
        QVERIFY(!files.requests().at(0).hasHeader("apikey"));
    }

    void fetchBytesErrorHidesSignedQuery()
    {
        RecordingHttpServer files;
        QVERIFY(files.listen());
        files.setFallback(ScriptedResponse::text(403, "<Error>AccessDenied</Error>", "text/xml"));
        Harness h(m_api->url());
        RestOutcome<QByteArray> out;
        h.client->fetchBytes(kApiKey, files.url(u"/img.png?X-Amz-Signature=s1g"_s), out.callback());
        QTRY_COMPARE(out.calls, 1);
        QCOMPARE(out.status(), 403);
        QVERIFY2(out.error().contains(u"access denied"_s), qPrintable(out.error()));
        QVERIFY2(out.error().contains(u"AccessDenied"_s), qPrintable(out.error()));
        QVERIFY2(!out.error().contains(u"s1g"_s), qPrintable(out.error()));
    }

    void invalidJsonIsAClearError()
    {
        m_api->setFallback(
            ScriptedResponse::text(200, "<html>maintenance page</html>", "text/html"));
        Harness h(m_api->url());
        RestOutcome<Json> out;
        h.client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QVERIFY2(out.error().contains(u"not valid JSON"_s), qPrintable(out.error()));
        QVERIFY2(out.error().contains(u"maintenance page"_s), qPrintable(out.error()));
        QCOMPARE(out.status(), 0);
        QCOMPARE(m_api->requestCount(), 1);
        QCOMPARE(h.finished.size(), 1);
        QVERIFY(!h.finished.at(0).at(4).toString().isEmpty());
    }

    void missingDataIsAClearError()
    {
        m_api->setFallback(ScriptedResponse::json(200, {{"status", "ok"}}));
        Harness h(m_api->url());
        RestOutcome<Json> out;
        h.client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE(out.calls, 1);
        QVERIFY2(out.error().contains(u"data.project"_s), qPrintable(out.error()));
    }

    void destroyingClientAbortsRequestInFlight()
    {
        m_api->setFallback(ScriptedResponse::noAnswer());
        QSignalSpy received(m_api.get(), &RecordingHttpServer::requestReceived);
        QSignalSpy closed(m_api.get(), &RecordingHttpServer::connectionClosed);
        auto *client = new RestClient(m_api->url());
        RestOutcome<Json> out;
        client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE(received.size(), 1);
        delete client;
        QTRY_COMPARE(closed.size(), 1); // the reply was aborted, not left to time out
        QCoreApplication::processEvents();
        QCOMPARE(out.calls, 0);
    }

    void destroyingClientDuringRetryDelayCancelsRetry()
    {
        m_api->setFallback(ScriptedResponse::json(500, {{"message", "boom"}}));
        RetryPolicy policy = fastRetryPolicy();
        policy.initialDelay = 200ms;
        policy.maxDelay = 200ms;
        auto *client = new RestClient(m_api->url());
        client->setRetryPolicy(policy);
        QSignalSpy finished(client, &RestClient::requestFinished);
        RestOutcome<Json> out;
        client->getProject(kApiKey, u"P1"_s, out.callback());
        QTRY_COMPARE(finished.size(), 1);
        delete client;
        // Longer than the retry delay: had the retry timer survived, it would have fired.
        QTest::qWait(400);
        QCOMPARE(out.calls, 0);
        QCOMPARE(m_api->requestCount(), 1);
    }

    void callbackMayDestroyClient()
    {
        m_api->setRoute("/v2/project/fast",
                        ScriptedResponse::json(200, {{"data", {{"project", {{"name", "F"}}}}}}));
        m_api->setRoute("/v2/project/slow", ScriptedResponse::noAnswer());
        QSignalSpy received(m_api.get(), &RecordingHttpServer::requestReceived);
        QPointer<RestClient> client = new RestClient(m_api->url());
        RestOutcome<Json> slow;
        int fastCalls = 0;
        client->getProject(kApiKey, u"slow"_s, slow.callback());
        QTRY_COMPARE(received.size(), 1);
        client->getProject(kApiKey, u"fast"_s, [&](Result<Json> result) {
            ++fastCalls;
            QVERIFY(result.ok());
            delete client.data();
        });
        QTRY_COMPARE(fastCalls, 1);
        QVERIFY(client.isNull());
        QCoreApplication::processEvents();
        QCOMPARE(slow.calls, 0);
    }

    void invalidArgumentsFailAsynchronously()
    {
        Harness h(m_api->url());
        RestOutcome<Json> asset;
        RestOutcome<QByteArray> bytes;
        h.client->getAsset(kApiKey, AssetQuery{u"P1"_s, {}, {}}, asset.callback());
        h.client->fetchBytes(kApiKey, QUrl(u"file:///etc/passwd"_s), bytes.callback());
        QCOMPARE(asset.calls, 0); // never from inside the call
        QCOMPARE(bytes.calls, 0);
        QTRY_COMPARE(asset.calls, 1);
        QTRY_COMPARE(bytes.calls, 1);
        QVERIFY(!asset.error().isEmpty());
        QVERIFY(bytes.error().contains(u"not an http(s) URL"_s));
        QCOMPARE(m_api->requestCount(), 0);
    }

private:
    std::unique_ptr<RecordingHttpServer> m_api;
};

QTEST_GUILESS_MAIN(TestRestClient)
#include "tst_restclient.moc"
