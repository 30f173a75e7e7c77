#include "eval/evaloptions.h"

#include <QTest>

using namespace ango::app;

class tst_EvalOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rejectsBadFlags_data();
    void rejectsBadFlags();
    void readsFlags();
};

void tst_EvalOptions::rejectsBadFlags_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    const QString cb = QStringLiteral("--callback=demo");
    QTest::newRow("no callback") << QStringList{QStringLiteral("--images=x")}
                                 << QStringLiteral("--callback is required");
    QTest::newRow("no images") << QStringList{cb} << QStringLiteral("--images is required");
    QTest::newRow("unknown flag") << QStringList{cb, QStringLiteral("--imgs=x")}
                                  << QStringLiteral("unknown flag --imgs");
    QTest::newRow("bad min-map") << QStringList{cb, QStringLiteral("--images=x"),
                                                QStringLiteral("--min-map=1.5")}
                                 << QStringLiteral("--min-map needs a number from 0 to 1");
    QTest::newRow("bad config") << QStringList{cb, QStringLiteral("--images=x"),
                                               QStringLiteral("--config={nope")}
                                << QStringLiteral("--config is not valid JSON");
    QTest::newRow("bad concurrency")
        << QStringList{cb, QStringLiteral("--images=x"), QStringLiteral("--concurrency=0")}
        << QStringLiteral("--concurrency needs a whole number");
    QTest::newRow("coco and export")
        << QStringList{cb, QStringLiteral("--coco=a"), QStringLiteral("--export=b"),
                       QStringLiteral("--images=x")}
        << QStringLiteral("--coco and --export exclude each other");
    QTest::newRow("secret") << QStringList{cb, QStringLiteral("--secret=s")}
                            << QStringLiteral("--secret is not accepted");
}

void tst_EvalOptions::rejectsBadFlags()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    auto parsed = parseEvalArguments(arguments);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error().message.startsWith(expected), qPrintable(parsed.error().message));
}

void tst_EvalOptions::readsFlags()
{
    auto parsed = parseEvalArguments(
        {QStringLiteral("--callback"), QStringLiteral("python:m.py"), QStringLiteral("--coco"),
         QStringLiteral("c.json"), QStringLiteral("--images"), QStringLiteral("imgs"),
         QStringLiteral("--config={\"t\": 1}"), QStringLiteral("--concurrency=3"),
         QStringLiteral("--min-map=0.25"), QStringLiteral("--no-cache")});
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->callbackSpec, QStringLiteral("python:m.py"));
    QCOMPARE(parsed->cocoFile, QStringLiteral("c.json"));
    QCOMPARE(parsed->concurrency, 3);
    QCOMPARE(parsed->minMap.value(), 0.25);
    QCOMPARE(parsed->configJson.value(), QStringLiteral("{\"t\": 1}"));
    QVERIFY(parsed->cacheDir.isEmpty());
    auto cached
        = parseEvalArguments({QStringLiteral("--callback=demo"), QStringLiteral("--images=x")});
    QVERIFY(cached.ok());
    QVERIFY(!cached->cacheDir.isEmpty()); // the cache is on by default
}

QTEST_GUILESS_MAIN(tst_EvalOptions)
#include "tst_evaloptions.moc"
