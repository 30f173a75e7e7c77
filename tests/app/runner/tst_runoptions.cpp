#include "runoptions.h"

#include <QTemporaryDir>
#include <QTest>

using ango::app::LogFormat;
using ango::app::parseRunArguments;

class tst_RunOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void everyFlag();
    void inlineValues();
    void badFlagsNameTheFlag_data();
    void badFlagsNameTheFlag();
    void secretFromFile();
    void secretFileProblems();
    void logLevelFromTheEnvironment_data();
    void logLevelFromTheEnvironment();

private:
    static QProcessEnvironment env(const QString &secret = QStringLiteral("s3cr3t-value"))
    {
        QProcessEnvironment environment;
        if (!secret.isNull())
            environment.insert(QStringLiteral("ANGO_PLUGIN_SECRET"), secret);
        return environment;
    }
};

void tst_RunOptions::defaults()
{
    const auto options
        = parseRunArguments({QStringLiteral("--plugin-id"), QStringLiteral("p1")}, env());
    QVERIFY2(options, qPrintable(options ? QString() : options.error().message));
    QCOMPARE(options->runtime.pluginId, QStringLiteral("p1"));
    QCOMPARE(options->runtime.secret, QStringLiteral("s3cr3t-value"));
    QCOMPARE(options->runtime.hubUrl, QUrl(QStringLiteral("https://plugin.imerit.ango.ai")));
    QCOMPARE(options->runtime.apiHost, QUrl(QStringLiteral("https://imeritapi.ango.ai")));
    QCOMPARE(options->runtime.heartbeatInterval, std::chrono::milliseconds(60000));
    QCOMPARE(options->runtime.workflowConcurrency, 1);
    QCOMPARE(options->runtime.review, ango::runtime::ReviewPolicy::Auto);
    QCOMPARE(options->callbackSpec, QStringLiteral("demo"));
    QCOMPARE(options->logFormat, LogFormat::Text);
    QCOMPARE(options->logLevel, ango::logging::Level::Info);
}

void tst_RunOptions::everyFlag()
{
    const QStringList args = {QStringLiteral("--plugin-id"),
                              QStringLiteral("p2"),
                              QStringLiteral("--host"),
                              QStringLiteral("http://127.0.0.1:4000"),
                              QStringLiteral("--api-host"),
                              QStringLiteral("http://127.0.0.1:5000"),
                              QStringLiteral("--callback"),
                              QStringLiteral("demo"),
                              QStringLiteral("--concurrency"),
                              QStringLiteral("8"),
                              QStringLiteral("--workflow-concurrency"),
                              QStringLiteral("3"),
                              QStringLiteral("--review"),
                              QStringLiteral("hold"),
                              QStringLiteral("--log-format"),
                              QStringLiteral("jsonl"),
                              QStringLiteral("--request-timeout"),
                              QStringLiteral("2.5"),
                              QStringLiteral("--heartbeat-interval"),
                              QStringLiteral("0.2"),
                              QStringLiteral("--pending-store"),
                              QStringLiteral("/tmp/x.json"),
                              QStringLiteral("--drain-timeout"),
                              QStringLiteral("3")};
    const auto options = parseRunArguments(args, env());
    QVERIFY2(options, qPrintable(options ? QString() : options.error().message));
    QCOMPARE(options->runtime.hubUrl, QUrl(QStringLiteral("http://127.0.0.1:4000")));
    QCOMPARE(options->runtime.apiHost, QUrl(QStringLiteral("http://127.0.0.1:5000")));
    QCOMPARE(options->runtime.interactiveConcurrency, 8);
    QCOMPARE(options->runtime.workflowConcurrency, 3);
    QCOMPARE(options->runtime.review, ango::runtime::ReviewPolicy::Hold);
    QCOMPARE(options->logFormat, LogFormat::Jsonl);
    QCOMPARE(options->runtime.requestTimeout, std::chrono::milliseconds(2500));
    QCOMPARE(options->runtime.heartbeatInterval, std::chrono::milliseconds(200));
    QCOMPARE(options->runtime.pendingStorePath, QStringLiteral("/tmp/x.json"));
    QCOMPARE(options->drainBound, std::chrono::milliseconds(3000));
}

void tst_RunOptions::inlineValues()
{
    const auto options = parseRunArguments(
        {QStringLiteral("--plugin-id=p3"), QStringLiteral("--concurrency=2")}, env());
    QVERIFY(options);
    QCOMPARE(options->runtime.pluginId, QStringLiteral("p3"));
    QCOMPARE(options->runtime.interactiveConcurrency, 2);
}

void tst_RunOptions::badFlagsNameTheFlag_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("named");
    const QStringList id = {QStringLiteral("--plugin-id"), QStringLiteral("p")};
    QTest::newRow("no plugin id") << QStringList{} << QStringLiteral("x-secret")
                                  << QStringLiteral("--plugin-id");
    QTest::newRow("plugin id without value")
        << QStringList{QStringLiteral("--plugin-id")} << QStringLiteral("x-secret")
        << QStringLiteral("--plugin-id needs a value");
    QTest::newRow("unknown flag")
        << (id + QStringList{QStringLiteral("--colour"), QStringLiteral("red")})
        << QStringLiteral("x-secret") << QStringLiteral("--colour");
    QTest::newRow("secret on the command line")
        << (id + QStringList{QStringLiteral("--secret"), QStringLiteral("abc")})
        << QStringLiteral("x-secret") << QStringLiteral("--secret is not accepted");
    QTest::newRow("concurrency zero")
        << (id + QStringList{QStringLiteral("--concurrency"), QStringLiteral("0")})
        << QStringLiteral("x-secret") << QStringLiteral("--concurrency");
    QTest::newRow("concurrency text")
        << (id + QStringList{QStringLiteral("--concurrency"), QStringLiteral("many")})
        << QStringLiteral("x-secret") << QStringLiteral("--concurrency");
    QTest::newRow("review") << (id
                                + QStringList{QStringLiteral("--review"), QStringLiteral("maybe")})
                            << QStringLiteral("x-secret") << QStringLiteral("--review");
    QTest::newRow("log format")
        << (id + QStringList{QStringLiteral("--log-format"), QStringLiteral("xml")})
        << QStringLiteral("x-secret") << QStringLiteral("--log-format");
    QTest::newRow("host") << (id
                              + QStringList{QStringLiteral("--host"), QStringLiteral("not a url")})
                          << QStringLiteral("x-secret") << QStringLiteral("--host");
    QTest::newRow("api host")
        << (id + QStringList{QStringLiteral("--api-host"), QStringLiteral("ftp://x")})
        << QStringLiteral("x-secret") << QStringLiteral("--api-host");
    QTest::newRow("timeout")
        << (id + QStringList{QStringLiteral("--request-timeout"), QStringLiteral("-1")})
        << QStringLiteral("x-secret") << QStringLiteral("--request-timeout");
    QTest::newRow("heartbeat")
        << (id + QStringList{QStringLiteral("--heartbeat-interval"), QStringLiteral("0")})
        << QStringLiteral("x-secret") << QStringLiteral("--heartbeat-interval");
    QTest::newRow("twice") << (id + id) << QStringLiteral("x-secret")
                           << QStringLiteral("--plugin-id is given twice");
    QTest::newRow("stray argument") << (id + QStringList{QStringLiteral("extra")})
                                    << QStringLiteral("x-secret") << QStringLiteral("\"extra\"");
    QTest::newRow("no secret") << id << QString() << QStringLiteral("ANGO_PLUGIN_SECRET");
}

void tst_RunOptions::badFlagsNameTheFlag()
{
    QFETCH(QStringList, args);
    QFETCH(QString, secret);
    QFETCH(QString, named);
    const auto options = parseRunArguments(args, env(secret));
    QVERIFY(!options);
    QVERIFY2(options.error().message.contains(named), qPrintable(options.error().message));
}

void tst_RunOptions::secretFromFile()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("secret")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("from-file-secret\n");
    file.close();
    // The file wins over the environment.
    const auto options = parseRunArguments({QStringLiteral("--plugin-id"), QStringLiteral("p"),
                                            QStringLiteral("--secret-file"), file.fileName()},
                                           env());
    QVERIFY(options);
    QCOMPARE(options->runtime.secret, QStringLiteral("from-file-secret"));
}

void tst_RunOptions::secretFileProblems()
{
    QTemporaryDir dir;
    auto missing
        = parseRunArguments({QStringLiteral("--plugin-id"), QStringLiteral("p"),
                             QStringLiteral("--secret-file"), dir.filePath(QStringLiteral("nope"))},
                            env());
    QVERIFY(!missing);
    QVERIFY(missing.error().message.startsWith(QStringLiteral("--secret-file")));
    QFile empty(dir.filePath(QStringLiteral("empty")));
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    auto blank = parseRunArguments({QStringLiteral("--plugin-id"), QStringLiteral("p"),
                                    QStringLiteral("--secret-file"), empty.fileName()},
                                   env());
    QVERIFY(!blank);
    QVERIFY(blank.error().message.contains(QStringLiteral("empty")));
}

void tst_RunOptions::logLevelFromTheEnvironment_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("level");
    QTest::newRow("DEBUG") << QStringLiteral("DEBUG") << int(ango::logging::Level::Debug);
    QTest::newRow("warning") << QStringLiteral("warning") << int(ango::logging::Level::Warning);
    QTest::newRow("WARN") << QStringLiteral("WARN") << int(ango::logging::Level::Warning);
    QTest::newRow("CRITICAL") << QStringLiteral("CRITICAL") << int(ango::logging::Level::Error);
    QTest::newRow("bogus") << QStringLiteral("LOUD") << -1;
}

void tst_RunOptions::logLevelFromTheEnvironment()
{
    QFETCH(QString, value);
    QFETCH(int, level);
    auto environment = env();
    environment.insert(QStringLiteral("LOGLEVEL"), value);
    const auto options
        = parseRunArguments({QStringLiteral("--plugin-id"), QStringLiteral("p")}, environment);
    if (level < 0) {
        QVERIFY(!options);
        QVERIFY(options.error().message.contains(QStringLiteral("LOGLEVEL")));
        return;
    }
    QVERIFY(options);
    QCOMPARE(int(options->logLevel), level);
    QCOMPARE(int(options->runtime.minimumLogLevel), level);
}

QTEST_GUILESS_MAIN(tst_RunOptions)
#include "tst_runoptions.moc"
