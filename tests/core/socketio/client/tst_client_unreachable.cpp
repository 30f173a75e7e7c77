#include "socketio/client.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using ango::socketio::Client;
using ango::socketio::ClientOptions;

// What the user reads when the hub cannot be reached: the cause in words and the host, never a
// bare "transport close".
class TestClientUnreachable : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusedConnectionNamesHostAndPort()
    {
        // A port that was just free: listen on port 0, note the port, close it again.
        quint16 port = 0;
        {
            QTcpServer server;
            QVERIFY(server.listen(QHostAddress::LocalHost, 0));
            port = server.serverPort();
        }
        ClientOptions options;
        options.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        options.reconnection = false;
        Client client(options);
        QSignalSpy disconnected(&client, &Client::disconnected);
        client.joinNamespace(QStringLiteral("/"));
        client.open();
        QVERIFY(disconnected.wait(10000));
        const QString reason = disconnected.first().first().toString();
        QVERIFY2(reason.contains(
                     QStringLiteral("127.0.0.1 refused the connection on port %1").arg(port)),
                 qPrintable(reason));
        QVERIFY2(!reason.contains(QLatin1String("transport close")), qPrintable(reason));
        QCOMPARE(disconnected.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestClientUnreachable)
#include "tst_client_unreachable.moc"
