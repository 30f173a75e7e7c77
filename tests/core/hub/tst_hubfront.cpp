#include "hub/localhub.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <memory>

// The hub's HTTP front against raw TCP clients on 127.0.0.1: what a stranger can make it hold is
// bounded (request body answered 413 from Content-Length before it is read and before
// authentication, head size, header and idle timeouts, the number of connections), exposure
// beyond loopback needs allowRemote, and control characters from request paths reach the log
// escaped.

using namespace ango;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

// A TCP client that writes what the test says and records what comes back.
struct RawHttp
{
    explicit RawHttp(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket,
                         [this] { received += socket.readAll(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }

    bool connected() const { return socket.state() == QAbstractSocket::ConnectedState; }

    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
};

hub::HubOptions smallLimits()
{
    hub::HubOptions options;
    options.maxRequestBody = 64 * 1024;
    options.maxRequestHead = 2048;
    options.headerTimeout = 400ms;
    options.idleTimeout = 600ms;
    options.maxConnections = 4;
    return options;
}

} // namespace

class tst_HubFront : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<hub::LocalHub> m_hub;
    QStringList m_log;

    quint16 startHub(hub::HubOptions options = smallLimits())
    {
        m_log.clear();
        m_hub = std::make_unique<hub::LocalHub>(options);
        connect(m_hub.get(), &hub::LocalHub::logged, this,
                [this](const logging::LogEntry &entry) { m_log << entry.message; });
        if (auto started = m_hub->start(u"127.0.0.1:0"_s); !started)
            qFatal("cannot start the hub: %s", qPrintable(started.error().message));
        return quint16(m_hub->url().port());
    }

    bool logContains(const QString &text) const
    {
        return std::any_of(m_log.cbegin(), m_log.cend(),
                           [&](const QString &line) { return line.contains(text); });
    }

private Q_SLOTS:
    void cleanup() { m_hub.reset(); }

    // No apiKey in any of these: within the limit the REST side answers 401, over it the front
    // answers 413 first, having read none of the body.
    void bodySizeIsCheckedBeforeAuthentication_data()
    {
        QTest::addColumn<qint64>("declared");
        QTest::addColumn<QByteArray>("status");
        QTest::newRow("at the limit") << qint64(64 * 1024) << QByteArray("401");
        QTest::newRow("one byte over") << qint64(64 * 1024 + 1) << QByteArray("413");
        QTest::newRow("1.5 GiB") << qint64(1536) * 1024 * 1024 << QByteArray("413");
        QTest::newRow("past 64 bits") << qint64(-1) << QByteArray("413");
    }

    void bodySizeIsCheckedBeforeAuthentication()
    {
        QFETCH(qint64, declared);
        QFETCH(QByteArray, status);
        RawHttp client(startHub());
        QTRY_VERIFY(client.connected());
        const QByteArray length
            = declared < 0 ? QByteArray("99999999999999999999999") : QByteArray::number(declared);
        client.socket.write("POST /v2/pluginResponse HTTP/1.1\r\nHost: x\r\nContent-Length: "
                            + length + "\r\n\r\n");
        if (status == "401")
            client.socket.write(QByteArray(declared, 'x'));
        else
            client.socket.write(QByteArray(4096, 'x')); // a start of the body; never all of it
        QTRY_VERIFY2_WITH_TIMEOUT(client.received.contains("\r\n\r\n"), client.received, 5000);
        QVERIFY2(client.received.startsWith(QByteArray(QByteArray("HTTP/1.1 ") + status)),
                 client.received);
        if (status == "413") {
            QVERIFY2(client.received.contains("--max-request-body"), client.received);
            QVERIFY(logContains(u"refused a request from 127.0.0.1 with 413"_s));
            QTRY_VERIFY_WITH_TIMEOUT(client.closed, 5000);
        }
    }

    void badFramingIsRefused_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("status");
        QTest::addColumn<QByteArray>("names");
        QTest::newRow("head too large")
            << QByteArray("GET /v2/x HTTP/1.1\r\nX-Pad: " + QByteArray(4000, 'a') + "\r\n\r\n")
            << QByteArray("431") << QByteArray("--max-request-head");
        QTest::newRow("chunked body")
            << QByteArray("POST /v2/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            << QByteArray("501") << QByteArray("Content-Length");
        QTest::newRow("two lengths")
            << QByteArray("POST /v2/x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            << QByteArray("400") << QByteArray("conflicting Content-Length");
        QTest::newRow("HTTP/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
                                        << QByteArray("505") << QByteArray("HTTP/1.1");
    }

    void badFramingIsRefused()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, status);
        QFETCH(QByteArray, names);
        RawHttp client(startHub());
        QTRY_VERIFY(client.connected());
        client.socket.write(request);
        QTRY_VERIFY2_WITH_TIMEOUT(client.closed, client.received, 5000);
        QVERIFY2(client.received.startsWith(QByteArray(QByteArray("HTTP/1.1 ") + status)),
                 client.received);
        QVERIFY2(client.received.contains(names), client.received);
    }

    void slowHeadTimesOut()
    {
        RawHttp client(startHub());
        QTRY_VERIFY(client.connected());
        client.socket.write("GET /v2/project/local-project HTTP/1.1\r\nX-Drip: "); // and no more
        QTRY_VERIFY2_WITH_TIMEOUT(client.closed, client.received, 5000);
        QVERIFY2(client.received.startsWith("HTTP/1.1 408"), client.received);
        QVERIFY2(client.received.contains("--header-timeout"), client.received);
    }

    void idleConnectionIsClosed()
    {
        RawHttp client(startHub());
        QTRY_VERIFY(client.connected());
        QTRY_VERIFY_WITH_TIMEOUT(client.closed, 5000);
        QVERIFY(client.received.isEmpty());
    }

    void keepAliveServesRequestsInTurn()
    {
        RawHttp client(startHub());
        QTRY_VERIFY(client.connected());
        // Two pipelined requests on one connection: both answered, in order.
        client.socket.write("GET /v2/a HTTP/1.1\r\nHost: x\r\n\r\nGET /v2/b HTTP/1.1\r\nHost: "
                            "x\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(client.received.count("HTTP/1.1 "), 2, 5000);
        QVERIFY(!client.closed);
    }

    // At the limit the longest idle connection makes room for a newcomer.
    void idleConnectionsMakeRoom()
    {
        hub::HubOptions options = smallLimits();
        options.idleTimeout = 30s; // room is made by eviction, not by the idle timeout
        const quint16 port = startHub(options);
        std::vector<std::unique_ptr<RawHttp>> idle;
        for (int i = 0; i < 4; ++i) {
            idle.push_back(std::make_unique<RawHttp>(port));
            QTRY_VERIFY(idle.back()->connected());
            QTRY_COMPARE(m_hub->openConnections(), i + 1);
        }
        // Until the idle ones are a second old nobody is evicted: newcomers get 503 and retry.
        std::unique_ptr<RawHttp> later;
        const auto admitted = [&] {
            if (!later || later->closed) {
                later = std::make_unique<RawHttp>(port);
                return false;
            }
            return later->connected() && idle.front()->closed;
        };
        QTRY_VERIFY_WITH_TIMEOUT(admitted(), 10000);
        later->socket.write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY2_WITH_TIMEOUT(later->received.contains("\"sid\""), later->received, 5000);
        QVERIFY2(later->received.startsWith("HTTP/1.1 200"), later->received);
        QVERIFY(idle.front()->received.isEmpty());
        for (std::size_t i = 1; i < idle.size(); ++i)
            QVERIFY(!idle.at(i)->closed);
    }

    // When every connection is busy (here: each in the middle of a head) the newcomer gets 503.
    void busyConnectionsOverTheLimitGet503()
    {
        hub::HubOptions options = smallLimits();
        options.headerTimeout = 30s;
        const quint16 port = startHub(options);
        std::vector<std::unique_ptr<RawHttp>> busy;
        for (int i = 0; i < 4; ++i) {
            busy.push_back(std::make_unique<RawHttp>(port));
            QTRY_VERIFY(busy.back()->connected());
            busy.back()->socket.write("GET /v2/slow HTTP/1.1\r\n");
            QTRY_COMPARE(m_hub->openConnections(), i + 1);
        }
        RawHttp extra(port);
        QTRY_VERIFY2_WITH_TIMEOUT(extra.closed, extra.received, 5000);
        QVERIFY2(extra.received.startsWith("HTTP/1.1 503"), extra.received);
        QVERIFY2(extra.received.contains("--max-connections"), extra.received);
        QVERIFY(logContains(u"with 503: 4 connections are open and busy"_s));
    }

    void controlCharactersAreEscapedInTheLog()
    {
        RawHttp client(startHub());
        QTRY_VERIFY(client.connected());
        client.socket.write(
            "GET /v2/%1B%5B2J%00evil%0D%0Aforged?EIO=%1B HTTP/1.1\r\nHost: x\r\n\r\n"
            "GET /socket.io/?EIO=%1B%07&transport=polling HTTP/1.1\r\nHost: "
            "x\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(client.received.count("HTTP/1.1 "), 2, 5000);
        QVERIFY2(logContains(u"\\x1b[2J\\x00evil\\x0d\\x0aforged"_s),
                 qPrintable(m_log.join(u'\n')));
        QVERIFY2(logContains(u"EIO=\\x1b\\x07"_s), qPrintable(m_log.join(u'\n')));
        for (const QString &line : std::as_const(m_log))
            for (const QChar c : line)
                QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f, qPrintable(line));
    }

    void remoteAddressesNeedAllowRemote()
    {
        hub::LocalHub hub;
        auto started = hub.start(u"0.0.0.0:0"_s);
        QVERIFY(!started.ok());
        QVERIFY2(started.error().message.contains(u"not a loopback address"_s)
                     && started.error().message.contains(u"--allow-remote"_s),
                 qPrintable(started.error().message));
        QVERIFY(!hub.isListening());
        QVERIFY(hub.start(u"localhost:0"_s).ok());
    }
};

QTEST_GUILESS_MAIN(tst_HubFront)
#include "tst_hubfront.moc"
