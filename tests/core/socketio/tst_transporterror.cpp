// Transport failures are named by their cause, with the host, in plain words.
#include "socketio/transporterror.h"

#include <QTest>

using namespace ango::socketio;

Q_DECLARE_METATYPE(ango::socketio::TransportFault)

class tst_TransportError : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void socketErrorsAreClassified_data()
    {
        QTest::addColumn<QAbstractSocket::SocketError>("error");
        QTest::addColumn<TransportFault>("fault");
        QTest::newRow("dns") << QAbstractSocket::HostNotFoundError << TransportFault::HostNotFound;
        QTest::newRow("refused") << QAbstractSocket::ConnectionRefusedError
                                 << TransportFault::ConnectionRefused;
        QTest::newRow("tls") << QAbstractSocket::SslHandshakeFailedError
                             << TransportFault::TlsFailure;
        QTest::newRow("timeout") << QAbstractSocket::SocketTimeoutError << TransportFault::Timeout;
        QTest::newRow("closed") << QAbstractSocket::RemoteHostClosedError << TransportFault::Closed;
        QTest::newRow("other") << QAbstractSocket::UnknownSocketError << TransportFault::Other;
    }
    void socketErrorsAreClassified()
    {
        QFETCH(QAbstractSocket::SocketError, error);
        QFETCH(TransportFault, fault);
        QCOMPARE(classifySocketError(error), fault);
    }

    void networkErrorsAreClassified_data()
    {
        QTest::addColumn<QNetworkReply::NetworkError>("error");
        QTest::addColumn<TransportFault>("fault");
        QTest::newRow("dns") << QNetworkReply::HostNotFoundError << TransportFault::HostNotFound;
        QTest::newRow("refused") << QNetworkReply::ConnectionRefusedError
                                 << TransportFault::ConnectionRefused;
        QTest::newRow("tls") << QNetworkReply::SslHandshakeFailedError
                             << TransportFault::TlsFailure;
        QTest::newRow("timeout") << QNetworkReply::TimeoutError << TransportFault::Timeout;
        QTest::newRow("secret") << QNetworkReply::AuthenticationRequiredError
                                << TransportFault::WrongCredentials;
        QTest::newRow("other") << QNetworkReply::ProtocolFailure << TransportFault::Other;
    }
    void networkErrorsAreClassified()
    {
        QFETCH(QNetworkReply::NetworkError, error);
        QFETCH(TransportFault, fault);
        QCOMPARE(classifyNetworkError(error), fault);
    }

    void descriptionsNameTheCauseAndTheHost_data()
    {
        QTest::addColumn<TransportFault>("fault");
        QTest::addColumn<QString>("words");
        QTest::newRow("dns") << TransportFault::HostNotFound
                             << u"cannot resolve host hub.example.com"_qs;
        QTest::newRow("refused") << TransportFault::ConnectionRefused
                                 << u"hub.example.com refused the connection on port 443"_qs;
        QTest::newRow("tls") << TransportFault::TlsFailure
                             << u"TLS with hub.example.com:443 failed"_qs;
        QTest::newRow("timeout") << TransportFault::Timeout
                                 << u"hub.example.com:443 did not answer in time"_qs;
        QTest::newRow("secret") << TransportFault::WrongCredentials
                                << u"hub.example.com:443 refused the API key"_qs;
    }
    void descriptionsNameTheCauseAndTheHost()
    {
        QFETCH(TransportFault, fault);
        QFETCH(QString, words);
        const QString text = describeTransportFault(fault, u"hub.example.com:443"_qs);
        QVERIFY2(text.contains(words), qPrintable(text));
        QVERIFY2(text.contains(u"hub.example.com"_qs), qPrintable(text));
        QVERIFY(!text.contains(u"transport close"_qs));
        // The library's own words follow in brackets, never instead (TLS: they are the problem).
        if (fault == TransportFault::TlsFailure)
            QCOMPARE(describeTransportFault(fault, u"h"_qs, u"wrong version"_qs),
                     u"TLS with h failed: wrong version"_qs);
        else
            QCOMPARE(describeTransportFault(fault, u"h"_qs, u"Host not found"_qs),
                     describeTransportFault(fault, u"h"_qs) + u" (Host not found)"_qs);
    }
};

QTEST_GUILESS_MAIN(tst_TransportError)
#include "tst_transporterror.moc"
