#include "common/jsonlimits.h"

#include <QTest>

using nlohmann::json;

// The depth checks must themselves never recurse: the hostile values here are 70,000 levels deep,
// which overflows the stack of anything that recurses once per level (dump, copy, ==).
class TestJsonLimits : public QObject
{
    Q_OBJECT

private:
    static std::string nested(int depth)
    {
        return std::string(size_t(depth), '[') + std::string(size_t(depth), ']');
    }

private Q_SLOTS:
    void textDepth_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("maxDepth");
        QTest::addColumn<qint64>("tooDeepAt");
        QTest::newRow("scalar") << QByteArray("42") << 0 << qint64(-1);
        QTest::newRow("at the limit") << QByteArray("[[[]]]") << 3 << qint64(-1);
        QTest::newRow("one over") << QByteArray("[[[[]]]]") << 3 << qint64(3);
        QTest::newRow("objects") << QByteArray(R"({"a":{"b":{"c":{}}}})") << 3 << qint64(15);
        QTest::newRow("brackets in strings")
            << QByteArray("[\"[[[[\", \"\\\"[[[[\"]") << 1 << qint64(-1);
        QTest::newRow("siblings do not add up") << QByteArray("[[],[],[[]]]") << 3 << qint64(-1);
    }
    void textDepth()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, maxDepth);
        QFETCH(qint64, tooDeepAt);
        QCOMPARE(ango::jsonTextTooDeepAt(text.toStdString(), maxDepth), tooDeepAt);
    }

    void parseRefusesDeepTextNamingTheSource()
    {
        const std::string deep = nested(70000);
        const auto parsed = ango::parseJsonLimited(deep, QStringLiteral("exec callback ./model"));
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().message,
                 QStringLiteral(
                     "exec callback ./model: JSON nested deeper than 512 levels at byte 512"));
    }

    void parseAcceptsTheDefaultDepth()
    {
        const auto parsed = ango::parseJsonLimited(nested(512), QStringLiteral("x"));
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
        QCOMPARE(ango::jsonDepth(*parsed), 512);
    }

    void parseRefusesOversizedText()
    {
        const auto parsed = ango::parseJsonLimited(R"({"a":"0123456789"})", QStringLiteral("body"),
                                                   {ango::kDefaultJsonMaxDepth, 10});
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().message.contains(QStringLiteral("limit of 10 bytes")),
                 qPrintable(parsed.error().message));
    }

    void parseReportsBadJson()
    {
        const auto parsed = ango::parseJsonLimited("{\"a\":", QStringLiteral("http callback"));
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().message.startsWith(QStringLiteral("http callback: not valid JSON")),
                 qPrintable(parsed.error().message));
    }

    // A deep value built by nlohmann's own (iterative) parser, as a callback's result would be.
    void valueDepthIsCheckedWithoutRecursion()
    {
        std::string text = R"({"boxes":[)" + nested(70000) + "]}";
        const json deep = json::parse(text);
        QCOMPARE(ango::jsonDepth(deep, 1000), 1001);
        const auto checked = ango::checkJsonDepth(deep, QStringLiteral("python callback m.py"));
        QVERIFY(!checked.ok());
        QVERIFY2(
            checked.error().message.startsWith(QStringLiteral(
                "python callback m.py: nested deeper than 512 levels at /boxes/0/0/0/0/0/0/0/…")),
            qPrintable(checked.error().message));
    }

    void valueDepth_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("depth");
        QTest::newRow("scalar") << QByteArray("1") << 0;
        QTest::newRow("empty array") << QByteArray("[]") << 1;
        QTest::newRow("empty inner") << QByteArray("[[]]") << 2;
        QTest::newRow("object") << QByteArray(R"({"a":[1,{"b":2}]})") << 3;
        QTest::newRow("deepest last") << QByteArray("[1,[2],[[3]]]") << 3;
    }
    void valueDepth()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, depth);
        const json value = json::parse(text.toStdString());
        QCOMPARE(ango::jsonDepth(value), depth);
        QVERIFY(ango::checkJsonDepth(value, QStringLiteral("v"), depth).ok());
        QCOMPARE(ango::checkJsonDepth(value, QStringLiteral("v"), depth - 1).ok(), depth == 0);
    }

    void dumpSizeMatchesDump_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("object") << QByteArray(R"({"a":[1,2,{"b":"xyz"}],"c":null,"d":true})");
        QTest::newRow("nested empties") << QByteArray(R"([[],{},[[]],"",false])");
        QTest::newRow("numbers") << QByteArray("[-12,340000,18446744073709551615]");
        QTest::newRow("string") << QByteArray(R"("hello")");
    }
    void dumpSizeMatchesDump()
    {
        QFETCH(QByteArray, text);
        const json value = json::parse(text.toStdString());
        QCOMPARE(ango::jsonDumpSize(value, 1 << 20), qint64(value.dump().size()));
    }

    void dumpSizeStopsEarly()
    {
        json boxes = json::array();
        for (int i = 0; i < 100000; ++i)
            boxes.push_back({{"x", i}, {"y", i}, {"w", 10}, {"h", 10}});
        const qint64 size = ango::jsonDumpSize(boxes, 1000);
        QVERIFY(size > 1000);
        QVERIFY(size < 1200);
    }
};

QTEST_GUILESS_MAIN(TestJsonLimits)
#include "tst_jsonlimits.moc"
