// One cause, the same words on both paths: the REST client and the hub connection (Socket.IO
// client) name DNS failures, refused connections, TLS errors, timeouts and refused credentials
// with the host. Loopback only: a port that was just closed, a server that never answers, a
// plain TCP server spoken to in TLS, a `.invalid` name (never resolves, fails offline at once),
// and the recording HTTP server answering 401.
#include "common/networkfault.h"
#include "recordinghttpserver.h"
#include "rest/restclient.h"
#include "restresult.h"
#include "socketio/client.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace ango;
using namespace std::chrono_literals;

namespace {

const QString kApiKey = QStringLiteral("fault-api-key-5521");

enum class Cause { Refused, Timeout, Tls, Dns, Unauthorized };
enum class Path { Rest, Hub };

quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort(); // closed again here
}

// A TCP server that accepts and then stays silent (timeout), or answers plain HTTP to anything,
// TLS ClientHello included, and closes (TLS).
class PlainServer : public QTcpServer
{
public:
    explicit PlainServer(bool answer)
        : m_answer(answer)
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                if (!m_answer)
                    continue; // kept open, never read: the client waits
                connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    socket->readAll();
                    socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                    socket->disconnectFromHost();
                });
            }
        });
    }

private:
    bool m_answer;
};

} // namespace

Q_DECLARE_METATYPE(Cause)
Q_DECLARE_METATYPE(Path)

class tst_NetworkFault : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void causeIsNamedWithTheHost_data()
    {
        QTest::addColumn<Path>("path");
        QTest::addColumn<Cause>("cause");
        for (const Path path : {Path::Rest, Path::Hub}) {
            const char *name = path == Path::Rest ? "rest" : "hub";
            QTest::addRow("%s: refused", name) << path << Cause::Refused;
            QTest::addRow("%s: timeout", name) << path << Cause::Timeout;
            QTest::addRow("%s: tls", name) << path << Cause::Tls;
            QTest::addRow("%s: dns", name) << path << Cause::Dns;
        }
        QTest::addRow("rest: 401") << Path::Rest << Cause::Unauthorized;
    }

    void causeIsNamedWithTheHost()
    {
        QFETCH(Path, path);
        QFETCH(Cause, cause);
        PlainServer silent(false);
        PlainServer plain(true);
        test::RecordingHttpServer api;
        QUrl url;
        QString expected;
        switch (cause) {
        case Cause::Refused: {
            const quint16 port = closedPort();
            url = QUrl(u"http://127.0.0.1:%1"_qs.arg(port));
            expected
                = u"127.0.0.1 refused the connection on port %1 — is the hub running?"_qs.arg(port);
            break;
        }
        case Cause::Timeout:
            QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
            url = QUrl(u"http://127.0.0.1:%1"_qs.arg(silent.serverPort()));
            expected = u"127.0.0.1:%1 did not answer within 300 ms"_qs.arg(silent.serverPort());
            break;
        case Cause::Tls:
            QVERIFY(plain.listen(QHostAddress::LocalHost, 0));
            url = QUrl(u"https://127.0.0.1:%1"_qs.arg(plain.serverPort()));
            expected = u"TLS with 127.0.0.1:%1 failed: "_qs.arg(plain.serverPort());
            break;
        case Cause::Dns:
            url = QUrl(u"http://ango-hub.invalid:8080"_qs);
            expected = u"cannot resolve host ango-hub.invalid"_qs;
            break;
        case Cause::Unauthorized:
            QVERIFY(api.listen());
            api.setFallback(test::ScriptedResponse::json(401, {{"message", "invalid apikey"}}));
            url = api.url();
            expected = u"127.0.0.1:%1 refused the API key"_qs.arg(url.port());
            break;
        }

        QString error;
        QElapsedTimer clock;
        clock.start();
        if (path == Path::Rest) {
            rest::RestClient client(url);
            rest::RetryPolicy policy = test::fastRetryPolicy(1);
            policy.transferTimeout = 300ms;
            client.setRetryPolicy(policy);
            test::RestOutcome<nlohmann::json> out;
            client.getProject(kApiKey, u"P1"_qs, out.callback());
            QTRY_COMPARE_WITH_TIMEOUT(out.calls, 1, 10000);
            error = out.error();
        } else {
            socketio::ClientOptions options;
            options.url = url;
            options.reconnection = false;
            options.openTimeout = 300ms;
            socketio::Client client(options);
            QSignalSpy disconnected(&client, &socketio::Client::disconnected);
            client.joinNamespace(u"/plugin"_qs);
            client.open();
            QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, 10000);
            error = disconnected.first().first().toString();
        }
        QVERIFY2(error.contains(expected), qPrintable(error + u"\nexpected: "_qs + expected));
        QVERIFY2(!error.contains(kApiKey), qPrintable(error));
        QVERIFY2(!error.contains(u"transport close"_qs), qPrintable(error));
        // Offline, a .invalid name and a closed port fail at once, not after a resolver timeout.
        if (cause == Cause::Dns || cause == Cause::Refused)
            QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    }

    void wrongSecretNamesThePluginNotTheSecret()
    {
        net::FaultContext context = net::FaultContext::of(QUrl(u"http://127.0.0.1:4100"_qs));
        context.pluginId = u"plugin-9"_qs;
        context.detail = u"wrong secret"_qs;
        QCOMPARE(
            net::describeNetworkFault(net::NetworkFault::WrongCredentials, context),
            u"the hub 127.0.0.1:4100 refused plugin ID plugin-9: wrong secret or ID (wrong secret)"_qs);
    }

    void timeoutSaysHowLong_data()
    {
        QTest::addColumn<int>("ms");
        QTest::addColumn<QString>("words");
        QTest::newRow("ms") << 250 << u"within 250 ms"_qs;
        QTest::newRow("whole seconds") << 30000 << u"within 30 s"_qs;
        QTest::newRow("fraction") << 1500 << u"within 1.5 s"_qs;
    }

    void timeoutSaysHowLong()
    {
        QFETCH(int, ms);
        QFETCH(QString, words);
        net::FaultContext context = net::FaultContext::of(QUrl(u"https://hub.example"_qs));
        context.waited = std::chrono::milliseconds(ms);
        QCOMPARE(net::describeNetworkFault(net::NetworkFault::Timeout, context),
                 u"hub.example:443 did not answer "_qs + words);
    }
};

QTEST_GUILESS_MAIN(tst_NetworkFault)
#include "tst_networkfault.moc"
