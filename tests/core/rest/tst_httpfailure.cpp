#include "rest/httpfailure.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace ango::rest::detail;

class TestHttpFailure : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serverMessage_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("message") << QByteArray(R"({"message":"bad id"})") << u"bad id"_s;
        QTest::newRow("error.message")
            << QByteArray(R"({"error":{"statusCode":400,"message":"bad id"}})") << u"bad id"_s;
        QTest::newRow("message wins over error")
            << QByteArray(R"({"error":{"statusCode":400},"message":"bad id"})") << u"bad id"_s;
        QTest::newRow("error string") << QByteArray(R"({"error":"bad id"})") << u"bad id"_s;
        QTest::newRow("other JSON") << QByteArray(R"({"code": 7})") << uR"({"code": 7})"_s;
        QTest::newRow("text, whitespace collapsed")
            << QByteArray("  bad\n\n  id \n") << u"bad id"_s;
        QTest::newRow("empty") << QByteArray() << QString();
        QTest::newRow("long") << QByteArray(400, 'a') << QString(300, u'a') + QChar(0x2026);
        QTest::newRow("long message") << (R"({"message":")" + QByteArray(400, 'b') + R"("})")
                                      << QString(300, u'b') + QChar(0x2026);
    }
    void serverMessage()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        QCOMPARE(ango::rest::detail::serverMessage(body), expected);
    }

    void retryAfter_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("expectedMs"); // -1: none
        QTest::newRow("seconds") << QByteArray("3") << qint64(3000);
        QTest::newRow("zero") << QByteArray(" 0 ") << qint64(0);
        QTest::newRow("http-date") << QByteArray("Wed, 21 Oct 2015 07:28:10 GMT") << qint64(10000);
        QTest::newRow("past date") << QByteArray("Wed, 21 Oct 2015 07:27:00 GMT") << qint64(0);
        QTest::newRow("negative") << QByteArray("-5") << qint64(-1);
        QTest::newRow("garbage") << QByteArray("soon") << qint64(-1);
        QTest::newRow("absent") << QByteArray() << qint64(-1);
    }
    void retryAfter()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, expectedMs);
        const QDateTime now(QDate(2015, 10, 21), QTime(7, 28, 0), Qt::UTC);
        const auto delay = parseRetryAfter(value, now);
        QCOMPARE(delay.has_value(), expectedMs >= 0);
        if (delay)
            QCOMPARE(qint64(delay->count()), expectedMs);
    }

    void urlsLoseQueryAndCredentials()
    {
        const QUrl url(u"https://user:pw@host:8443/v2/x?apikey=1&sig=2#frag"_s);
        QCOMPARE(withoutQuery(url), QUrl(u"https://host:8443/v2/x"_s));
    }

    void secretsAreMasked()
    {
        QCOMPARE(withoutSecret(u"key abc123 refused, abc123!"_s, u"abc123"_s),
                 u"key *** refused, ***!"_s);
        QCOMPARE(withoutSecret(u"nothing"_s, QString()), u"nothing"_s);
    }

    void explanations()
    {
        QCOMPARE(statusExplanation(401, true), u"the API key was refused"_s);
        QCOMPARE(statusExplanation(404, false), u"not found"_s);
        QVERIFY(statusExplanation(500, true).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHttpFailure)
#include "tst_httpfailure.moc"
