#include "callbacks/adapters/httpcallback.h"
#include "callrecorder.h"
#include "recordinghttpserver.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace ango;
using namespace ango::callbacks;
using namespace ango::callbacks::adapters;
using namespace std::chrono_literals;
using ango::test::CallRecorder;
using ango::test::RecordingHttpServer;
using ango::test::ScriptedResponse;

// The http: adapter against a recording HTTP server on 127.0.0.1.
class TestHttpCallback : public QObject
{
    Q_OBJECT

private:
    static HttpCallbackOptions options(const QUrl &url, int timeoutMs = 0)
    {
        HttpCallbackOptions o;
        o.url = url;
        o.timeoutMs = timeoutMs;
        return o;
    }

private Q_SLOTS:
    void postsTheRequestAndReturnsTheJsonAnswer()
    {
        RecordingHttpServer server;
        QVERIFY(server.listen());
        const nlohmann::json answer{
            {"objects", {{{"bounding-box", {{"x", 1}, {"y", 2}, {"width", 3}, {"height", 4}}}}}},
            {"classifications", nlohmann::json::array()},
            {"relations", nlohmann::json::array()}};
        server.enqueue(ScriptedResponse::json(200, answer));
        HttpCallback callback(options(server.url(QStringLiteral("/predict"))));
        CallRecorder calls(callback);
        nlohmann::json request = ango::test::hubPayload({{"threshold", 0.5}});
        auto outcome = calls.start(1, request);
        QCOMPARE(callback.state(), Callback::State::Running);
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        JSON_COMPARE(outcome->value(), answer);
        QCOMPARE(server.requestCount(), 1);
        const auto &recorded = server.requests().first();
        QCOMPARE(recorded.method, QByteArray("POST"));
        QCOMPARE(recorded.path, QByteArray("/predict"));
        QVERIFY(recorded.header("Content-Type").startsWith("application/json"));
        JSON_COMPARE(nlohmann::json::parse(recorded.body.toStdString()),
                     request); // apiKey included
        QCOMPARE(callback.state(), Callback::State::Ready);
    }

    void loggerIsNotSent()
    {
        RecordingHttpServer server;
        QVERIFY(server.listen());
        server.enqueue(ScriptedResponse::json(200, nlohmann::json::object()));
        HttpCallback callback(options(server.url(QStringLiteral("/predict"))));
        CallRecorder calls(callback);
        nlohmann::json request = ango::test::hubPayload();
        request["logger"] = "not for the wire";
        auto outcome = calls.start(1, request);
        WAIT_DONE(outcome);
        QVERIFY(!nlohmann::json::parse(server.requests().first().body.toStdString())
                     .contains("logger"));
    }

    void failures_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("500")
            << 500 << QByteArray("model crashed: CUDA out of memory")
            << QStringLiteral(
                   "answered HTTP 500 Internal Server Error: model crashed: CUDA out of memory");
        QTest::newRow("404") << 404 << QByteArray()
                             << QStringLiteral("answered HTTP 404 Not Found: (empty body)");
        QTest::newRow("long body")
            << 502 << QByteArray(5000, 'x')
            << QString(QStringLiteral("x").repeated(300) + QStringLiteral("…"));
        QTest::newRow("not JSON")
            << 200 << QByteArray("<html>ok</html>")
            << QStringLiteral("answered HTTP 200 with a body that is not JSON: <html>ok</html>");
    }

    void failures()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        RecordingHttpServer server;
        QVERIFY(server.listen());
        server.enqueue(ScriptedResponse::text(status, body));
        HttpCallback callback(options(server.url(QStringLiteral("/predict"))));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QVERIFY(!outcome->ok());
        QVERIFY2(outcome->error().contains(expected), qPrintable(outcome->error()));
        QVERIFY(outcome->error().startsWith(QStringLiteral("POST http://127.0.0.1:")));
        QCOMPARE(outcome->result->error().status, status);
        QVERIFY(outcome->error().size() < 600);
    }

    void emptyAnswerIsNull()
    {
        RecordingHttpServer server;
        QVERIFY(server.listen());
        server.enqueue(ScriptedResponse::text(204, {}));
        HttpCallback callback(options(server.url(QStringLiteral("/predict"))));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        QVERIFY(outcome->value().is_null());
    }

    void timeout()
    {
        RecordingHttpServer server;
        QVERIFY(server.listen());
        server.enqueue(ScriptedResponse::noAnswer());
        HttpCallback callback(options(server.url(QStringLiteral("/predict")), 300));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->error().contains(QStringLiteral("did not answer within 300 ms")),
                 qPrintable(outcome->error()));
    }

    void cancelAbortsTheRequest()
    {
        RecordingHttpServer server;
        QVERIFY(server.listen());
        server.enqueue(ScriptedResponse::noAnswer());
        QSignalSpy closed(&server, &RecordingHttpServer::connectionClosed);
        HttpCallback callback(options(server.url(QStringLiteral("/predict"))));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(7, {});
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, ANGO_WAIT_MS);
        callback.cancel(7);
        QCOMPARE(outcome->doneCount, 1);
        QVERIFY(outcome->error().contains(QStringLiteral("call 7 was cancelled")));
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, ANGO_WAIT_MS);
        QCOMPARE(callback.state(), Callback::State::Ready);
    }

    void connectionRefused()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there any more
        HttpCallback callback(
            options(QUrl(QStringLiteral("http://127.0.0.1:%1/predict").arg(port))));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->error().contains(QStringLiteral("refused the connection on port")),
                 qPrintable(outcome->error()));
    }

    // https:// to a server that speaks plain TCP, and a name that never resolves (fails offline
    // at once): the cause in the shared words, with the host.
    void tlsAndDnsFailuresNameTheCause()
    {
        QTcpServer plain;
        QVERIFY(plain.listen(QHostAddress::LocalHost, 0));
        connect(&plain, &QTcpServer::newConnection, &plain, [&plain] {
            while (QTcpSocket *socket = plain.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    socket->readAll();
                    socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                    socket->disconnectFromHost();
                });
            }
        });
        const quint16 port = plain.serverPort();
        HttpCallback tls(options(QUrl(QStringLiteral("https://127.0.0.1:%1/predict").arg(port))));
        CallRecorder tlsCalls(tls);
        auto tlsOutcome = tlsCalls.startAction(1, {});
        WAIT_DONE(tlsOutcome);
        QVERIFY2(tlsOutcome->error().contains(
                     QStringLiteral("TLS with 127.0.0.1:%1 failed: ").arg(port)),
                 qPrintable(tlsOutcome->error()));

        HttpCallback dns(options(QUrl(QStringLiteral("http://model-host.invalid/predict"))));
        CallRecorder dnsCalls(dns);
        auto dnsOutcome = dnsCalls.startAction(1, {});
        WAIT_DONE(dnsOutcome);
        QVERIFY2(
            dnsOutcome->error().contains(QStringLiteral("cannot resolve host model-host.invalid")),
            qPrintable(dnsOutcome->error()));
    }
};

QTEST_GUILESS_MAIN(TestHttpCallback)
#include "tst_httpcallback.moc"
