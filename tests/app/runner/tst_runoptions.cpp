#include "runoptions.h"

#include <sys/stat.h>

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
    void limitFlags_data();
    void limitFlags();
    void badFlagsNameTheFlag_data();
    void badFlagsNameTheFlag();
    void secretFromFile();
    void secretFileProblems();
    void logLevelFromTheEnvironment_data();
    void logLevelFromTheEnvironment();
    void pythonInterpreter();
    void pythonFlagNeedsAPythonCallback();
    void profileSetsEverything();
    void flagsOverrideTheProfile();
    void profileSecretReferences();
    void badProfilesNameFileAndField_data();
    void badProfilesNameFileAndField();

private:
    QString writeProfile(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(content);
        return path;
    }
    // Every field set to something other than its default.
    QByteArray fullProfile(const QString &secretFile) const
    {
        return QByteArray(R"({
  "version": 1,
  "name": "staging",
  "hubUrl": "http://127.0.0.1:4100",
  "apiHost": "http://127.0.0.1:4200",
  "pluginId": "profile-plugin",
  "secret": {"file": "%1"},
  "callback": {"spec": "python:/srv/model.py:predict", "interpreter": "/srv/venv/bin/python3",
               "concurrency": 3},
  "mapping": [{"schemaId": "s1", "modelClass": "car"}],
  "config": {"threshold": 0.5},
  "concurrency": 6,
  "workflowConcurrency": 2,
  "requestTimeoutSeconds": 7.5,
  "heartbeatSeconds": 1.25,
  "review": "hold",
  "logFormat": "jsonl"
})")
            .replace("%1", secretFile.toUtf8());
    }
    QString secretFile(const QString &name, const QByteArray &secret)
    {
        return writeProfile(name, secret);
    }

    QTemporaryDir m_dir;

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
    QCOMPARE(options->maxResultBytes, 64LL * 1024 * 1024);
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
                              QStringLiteral("1.5"),
                              QStringLiteral("--pending-store"),
                              QStringLiteral("/tmp/x.json"),
                              QStringLiteral("--drain-timeout"),
                              QStringLiteral("3"),
                              QStringLiteral("--max-result-size"),
                              QStringLiteral("8")};
    const auto options = parseRunArguments(args, env());
    QVERIFY2(options, qPrintable(options ? QString() : options.error().message));
    QCOMPARE(options->runtime.hubUrl, QUrl(QStringLiteral("http://127.0.0.1:4000")));
    QCOMPARE(options->runtime.apiHost, QUrl(QStringLiteral("http://127.0.0.1:5000")));
    QCOMPARE(options->runtime.interactiveConcurrency, 8);
    QCOMPARE(options->runtime.workflowConcurrency, 3);
    QCOMPARE(options->runtime.review, ango::runtime::ReviewPolicy::Hold);
    QCOMPARE(options->logFormat, LogFormat::Jsonl);
    QCOMPARE(options->runtime.requestTimeout, std::chrono::milliseconds(2500));
    QCOMPARE(options->runtime.heartbeatInterval, std::chrono::milliseconds(1500));
    QCOMPARE(options->maxResultBytes, 8LL * 1024 * 1024);
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

void tst_RunOptions::limitFlags_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("value");
    QTest::addColumn<qint64>("expected"); // bytes, ms or a count; -1: refused, naming the flag
    constexpr qint64 kMiB = 1024 * 1024;
    QTest::newRow("message size") << QStringLiteral("--max-message-mb") << QStringLiteral("5")
                                  << 5 * kMiB;
    QTest::newRow("message size 0")
        << QStringLiteral("--max-message-mb") << QStringLiteral("0") << qint64(-1);
    QTest::newRow("message size huge")
        << QStringLiteral("--max-message-mb") << QStringLiteral("4096") << qint64(-1);
    QTest::newRow("events before connect")
        << QStringLiteral("--max-events-before-connect") << QStringLiteral("50") << qint64(50);
    QTest::newRow("events before connect text")
        << QStringLiteral("--max-events-before-connect") << QStringLiteral("x") << qint64(-1);
    QTest::newRow("connect ack timeout")
        << QStringLiteral("--connect-ack-timeout") << QStringLiteral("1.5") << qint64(1500);
    QTest::newRow("connect ack timeout 0")
        << QStringLiteral("--connect-ack-timeout") << QStringLiteral("0") << qint64(-1);
    QTest::newRow("rest timeout") << QStringLiteral("--rest-timeout") << QStringLiteral("30")
                                  << qint64(30000);
    QTest::newRow("response size")
        << QStringLiteral("--max-response-mb") << QStringLiteral("2") << 2 * kMiB;
    QTest::newRow("response size negative")
        << QStringLiteral("--max-response-mb") << QStringLiteral("-2") << qint64(-1);
    QTest::newRow("queue") << QStringLiteral("--max-queued") << QStringLiteral("20") << qint64(20);
    QTest::newRow("queue above range")
        << QStringLiteral("--max-queued") << QStringLiteral("100001") << qint64(-1);
}

void tst_RunOptions::limitFlags()
{
    QFETCH(QString, flag);
    QFETCH(QString, value);
    QFETCH(qint64, expected);
    const auto options
        = parseRunArguments({QStringLiteral("--plugin-id"), QStringLiteral("p"), flag, value},
                            env(QStringLiteral("x-secret")));
    if (expected < 0) {
        QVERIFY(!options);
        QVERIFY2(options.error().message.contains(flag), qPrintable(options.error().message));
        return;
    }
    QVERIFY2(options, qPrintable(options ? QString() : options.error().message));
    const auto &rt = options->runtime;
    const QMap<QString, qint64> actual = {
        {QStringLiteral("--max-message-mb"), rt.maxIncomingMessageBytes},
        {QStringLiteral("--max-events-before-connect"), rt.maxEventsBeforeConnect},
        {QStringLiteral("--connect-ack-timeout"), rt.connectAckTimeout.count()},
        {QStringLiteral("--rest-timeout"), rt.restCallTimeout.count()},
        {QStringLiteral("--max-response-mb"), rt.maxResponseBytes},
        {QStringLiteral("--max-queued"), rt.maxQueuedRequests},
    };
    QCOMPARE(actual.value(flag), expected);
    QVERIFY(ango::app::runUsage().contains(flag));
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
    // Ranges (issue #14): the message names the flag and the range.
    const auto range = [&](const char *flag, const char *value) {
        return id + QStringList{QString::fromLatin1(flag), QString::fromLatin1(value)};
    };
    QTest::newRow("heartbeat under a second")
        << range("--heartbeat-interval", "0.0001") << QStringLiteral("x-secret")
        << QStringLiteral("--heartbeat-interval must be from 1 to 3600 seconds (got \"0.0001\")");
    QTest::newRow("concurrency 10000")
        << range("--concurrency", "10000") << QStringLiteral("x-secret")
        << QStringLiteral("--concurrency must be a whole number from 1 to 256 (got \"10000\")");
    QTest::newRow("concurrency 257") << range("--concurrency", "257") << QStringLiteral("x-secret")
                                     << QStringLiteral("from 1 to 256");
    QTest::newRow("workflow concurrency 1000")
        << range("--workflow-concurrency", "1000") << QStringLiteral("x-secret")
        << QStringLiteral("--workflow-concurrency must be a whole number from 1 to 256");
    QTest::newRow("request timeout under a second")
        << range("--request-timeout", "0.5") << QStringLiteral("x-secret")
        << QStringLiteral("--request-timeout must be from 1 to 86400 seconds");
    QTest::newRow("drain timeout zero")
        << range("--drain-timeout", "0") << QStringLiteral("x-secret")
        << QStringLiteral("--drain-timeout must be from 0.1 to 3600");
    QTest::newRow("max result size 0")
        << range("--max-result-size", "0") << QStringLiteral("x-secret")
        << QStringLiteral("--max-result-size must be a whole number from 1 to 1024");
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

    // A FIFO would block the runner for ever: refused before it is opened.
    const QByteArray fifo = QFile::encodeName(dir.filePath(QStringLiteral("fifo")));
    QCOMPARE(::mkfifo(fifo.constData(), 0600), 0);
    auto fromFifo = parseRunArguments({QStringLiteral("--plugin-id"), QStringLiteral("p"),
                                       QStringLiteral("--secret-file"), QFile::decodeName(fifo)},
                                      env());
    QVERIFY(!fromFifo);
    QVERIFY2(fromFifo.error().message.contains(QStringLiteral("is not a regular file")),
             qPrintable(fromFifo.error().message));

    // 64 KiB is the most a secret file may hold.
    QFile large(dir.filePath(QStringLiteral("large")));
    QVERIFY(large.open(QIODevice::WriteOnly));
    large.write(QByteArray(64 * 1024 + 1, 'k'));
    large.close();
    auto tooLarge = parseRunArguments({QStringLiteral("--plugin-id"), QStringLiteral("p"),
                                       QStringLiteral("--secret-file"), large.fileName()},
                                      env());
    QVERIFY(!tooLarge);
    QVERIFY2(tooLarge.error().message.contains(QStringLiteral("larger than 65536 bytes")),
             qPrintable(tooLarge.error().message));
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

void tst_RunOptions::pythonInterpreter()
{
    const auto options
        = parseRunArguments({QStringLiteral("--plugin-id"), QStringLiteral("p"),
                             QStringLiteral("--callback"), QStringLiteral("python:model.py"),
                             QStringLiteral("--python"), QStringLiteral("/usr/bin/python3")},
                            env());
    QVERIFY2(options, qPrintable(options ? QString() : options.error().message));
    QCOMPARE(options->callbackSpec, QStringLiteral("python:model.py"));
    QCOMPARE(options->callbackInterpreter, QStringLiteral("/usr/bin/python3"));
    QCOMPARE(options->callbackSource, QStringLiteral("--callback"));
    // Without --python the adapter's default applies.
    const auto plain
        = parseRunArguments({QStringLiteral("--plugin-id"), QStringLiteral("p"),
                             QStringLiteral("--callback"), QStringLiteral("python:model.py")},
                            env());
    QVERIFY(plain);
    QVERIFY(plain->callbackInterpreter.isEmpty());
}

void tst_RunOptions::pythonFlagNeedsAPythonCallback()
{
    const auto options
        = parseRunArguments({QStringLiteral("--plugin-id"), QStringLiteral("p"),
                             QStringLiteral("--python"), QStringLiteral("/usr/bin/python3")},
                            env());
    QVERIFY(!options);
    QVERIFY2(options.error().message.startsWith(QStringLiteral("--python")),
             qPrintable(options.error().message));
}

void tst_RunOptions::profileSetsEverything()
{
    QVERIFY(m_dir.isValid());
    const QString secret = secretFile(QStringLiteral("all-secret"), "file-secret\n");
    const QString path = writeProfile(QStringLiteral("all.json"), fullProfile(secret));
    // ANGO_PLUGIN_SECRET is set too: the profile's reference wins.
    const auto options = parseRunArguments({QStringLiteral("--profile"), path}, env());
    QVERIFY2(options, qPrintable(options ? QString() : options.error().message));
    const auto &rt = options->runtime;
    QCOMPARE(options->profilePath, path);
    QCOMPARE(rt.pluginId, QStringLiteral("profile-plugin"));
    QCOMPARE(rt.secret, QStringLiteral("file-secret"));
    QCOMPARE(rt.hubUrl, QUrl(QStringLiteral("http://127.0.0.1:4100")));
    QCOMPARE(rt.apiHost, QUrl(QStringLiteral("http://127.0.0.1:4200")));
    QCOMPARE(options->callbackSpec, QStringLiteral("python:/srv/model.py:predict"));
    QCOMPARE(options->callbackInterpreter, QStringLiteral("/srv/venv/bin/python3"));
    QCOMPARE(options->callbackWorkers, 3);
    QCOMPARE(options->callbackSource, path + QStringLiteral(": profile.callback"));
    QCOMPARE(rt.interactiveConcurrency, 6);
    QCOMPARE(rt.workflowConcurrency, 2);
    QCOMPARE(rt.requestTimeout, std::chrono::milliseconds(7500));
    QCOMPARE(rt.heartbeatInterval, std::chrono::milliseconds(1250));
    QCOMPARE(rt.review, ango::runtime::ReviewPolicy::Hold);
    QCOMPARE(options->logFormat, LogFormat::Jsonl);
    QVERIFY(rt.pendingStorePath.contains(QStringLiteral("profile-plugin")));
}

void tst_RunOptions::flagsOverrideTheProfile()
{
    const QString secret = secretFile(QStringLiteral("override-secret"), "file-secret");
    const QString flagSecret = secretFile(QStringLiteral("flag-secret"), "flag-secret\n");
    const QString path = writeProfile(QStringLiteral("override.json"), fullProfile(secret));
    const auto options = parseRunArguments({QStringLiteral("--profile"),
                                            path,
                                            QStringLiteral("--plugin-id"),
                                            QStringLiteral("other"),
                                            QStringLiteral("--host"),
                                            QStringLiteral("http://127.0.0.1:5100"),
                                            QStringLiteral("--api-host"),
                                            QStringLiteral("http://127.0.0.1:5200"),
                                            QStringLiteral("--concurrency"),
                                            QStringLiteral("9"),
                                            QStringLiteral("--workflow-concurrency"),
                                            QStringLiteral("1"),
                                            QStringLiteral("--review"),
                                            QStringLiteral("auto"),
                                            QStringLiteral("--log-format"),
                                            QStringLiteral("text"),
                                            QStringLiteral("--request-timeout"),
                                            QStringLiteral("3"),
                                            QStringLiteral("--heartbeat-interval"),
                                            QStringLiteral("9"),
                                            QStringLiteral("--secret-file"),
                                            flagSecret,
                                            QStringLiteral("--python"),
                                            QStringLiteral("/usr/bin/python3")},
                                           env());
    QVERIFY2(options, qPrintable(options ? QString() : options.error().message));
    const auto &rt = options->runtime;
    QCOMPARE(rt.pluginId, QStringLiteral("other"));
    QCOMPARE(rt.secret, QStringLiteral("flag-secret"));
    QCOMPARE(rt.hubUrl, QUrl(QStringLiteral("http://127.0.0.1:5100")));
    QCOMPARE(rt.apiHost, QUrl(QStringLiteral("http://127.0.0.1:5200")));
    QCOMPARE(rt.interactiveConcurrency, 9);
    QCOMPARE(rt.workflowConcurrency, 1);
    QCOMPARE(rt.review, ango::runtime::ReviewPolicy::Auto);
    QCOMPARE(options->logFormat, LogFormat::Text);
    QCOMPARE(rt.requestTimeout, std::chrono::milliseconds(3000));
    QCOMPARE(rt.heartbeatInterval, std::chrono::milliseconds(9000));
    QCOMPARE(options->callbackSpec, QStringLiteral("python:/srv/model.py:predict"));
    QCOMPARE(options->callbackInterpreter, QStringLiteral("/usr/bin/python3"));

    // Another kind of callback on the command line drops the profile's Python interpreter.
    const auto demo = parseRunArguments(
        {QStringLiteral("--profile"), path, QStringLiteral("--callback"), QStringLiteral("demo")},
        env());
    QVERIFY(demo);
    QCOMPARE(demo->callbackSpec, QStringLiteral("demo"));
    QCOMPARE(demo->callbackSource, QStringLiteral("--callback"));
    QVERIFY(demo->callbackInterpreter.isEmpty());
    // A flag given twice is still an error, profile or not.
    QVERIFY(!parseRunArguments(
        {QStringLiteral("--profile"), path, QStringLiteral("--profile"), path}, env()));
}

void tst_RunOptions::profileSecretReferences()
{
    const QByteArray head = R"({"version": 1, "pluginId": "p", "secret": )";
    auto environment = env(QStringLiteral("default-variable-secret"));
    environment.insert(QStringLiteral("MY_PLUGIN_SECRET"), QStringLiteral("  named-variable \n"));
    environment.insert(QStringLiteral("SECRETS_DIR"), m_dir.path());
    secretFile(QStringLiteral("in-dir"), "dir-secret");

    const auto fromEnv = parseRunArguments(
        {QStringLiteral("--profile"),
         writeProfile(QStringLiteral("env.json"), head + R"({"env": "MY_PLUGIN_SECRET"}})")},
        environment);
    QVERIFY2(fromEnv, qPrintable(fromEnv ? QString() : fromEnv.error().message));
    QCOMPARE(fromEnv->runtime.secret, QStringLiteral("named-variable"));

    const auto fromExpandedFile = parseRunArguments(
        {QStringLiteral("--profile"),
         writeProfile(QStringLiteral("dir.json"), head + R"({"file": "${SECRETS_DIR}/in-dir"}})")},
        environment);
    QVERIFY2(fromExpandedFile,
             qPrintable(fromExpandedFile ? QString() : fromExpandedFile.error().message));
    QCOMPARE(fromExpandedFile->runtime.secret, QStringLiteral("dir-secret"));

    // A keychain reference: --secret-file makes the profile usable headless.
    const QString keychain = writeProfile(QStringLiteral("keychain.json"),
                                          head + R"({"keychain": "plugin-secret/prod"}})");
    const auto refused = parseRunArguments({QStringLiteral("--profile"), keychain}, environment);
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.startsWith(keychain
                                                + QStringLiteral(": profile.secret.keychain: ")),
             qPrintable(refused.error().message));
    QVERIFY(refused.error().message.contains(QStringLiteral("--secret-file")));
    const auto overridden
        = parseRunArguments({QStringLiteral("--profile"), keychain, QStringLiteral("--secret-file"),
                             m_dir.filePath(QStringLiteral("in-dir"))},
                            environment);
    QVERIFY(overridden);
    QCOMPARE(overridden->runtime.secret, QStringLiteral("dir-secret"));
}

void tst_RunOptions::badProfilesNameFileAndField_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("lines"); // each expected line, after "PATH: "
    const QByteArray head = R"({"version": 1, "pluginId": "p", "secret": {"env": "X_SECRET"}, )";
    QTest::newRow("concurrency zero")
        << head + R"("concurrency": 0})"
        << QStringList{QStringLiteral("profile.concurrency: must be a positive integer, got 0")};
    QTest::newRow("two problems, two lines")
        << head + R"("review": "later", "workflowConcurrency": "two"})"
        << QStringList{QStringLiteral("profile.workflowConcurrency: "),
                       QStringLiteral("profile.review: must be \"auto\" or \"hold\"")};
    QTest::newRow("misspelt key") << head + R"("reveiw": "hold"})"
                                  << QStringList{QStringLiteral(
                                         "profile.reveiw: unknown key (did you mean \"review\"?)")};
    QTest::newRow("literal secret")
        << QByteArray(R"({"version": 1, "pluginId": "p", "secret": "hunter2-literal"})")
        << QStringList{QStringLiteral("profile.secret: a profile must not contain the secret")};
    QTest::newRow("not JSON") << QByteArray("{\"version\": 1,")
                              << QStringList{QStringLiteral("profile: not valid JSON")};
    QTest::newRow("unset variable")
        << head + R"("concurrency": 2})"
        << QStringList{QStringLiteral("profile.secret.env: the environment variable X_SECRET is "
                                      "not set")};
    QTest::newRow("bad host") << head + R"("hubUrl": "ftp://hub"})"
                              << QStringList{
                                     QStringLiteral("profile.hubUrl: must be an http(s):// URL")};
}

void tst_RunOptions::badProfilesNameFileAndField()
{
    QFETCH(QByteArray, content);
    QFETCH(QStringList, lines);
    const QString path = writeProfile(
        QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-') + QStringLiteral(".json"),
        content);
    const auto options = parseRunArguments({QStringLiteral("--profile"), path}, env());
    QVERIFY(!options);
    const QStringList got = options.error().message.split(QLatin1Char('\n'));
    QCOMPARE(got.size(), lines.size());
    for (const QString &expected : lines) {
        const bool found = std::any_of(got.cbegin(), got.cend(), [&](const QString &line) {
            return line.startsWith(path + QStringLiteral(": ") + expected);
        });
        QVERIFY2(found, qPrintable(options.error().message));
    }
    QVERIFY(!options.error().message.contains(QStringLiteral("hunter2")));
    // A missing file names it too.
    const QString missing = m_dir.filePath(QStringLiteral("missing.json"));
    const auto unreadable = parseRunArguments({QStringLiteral("--profile"), missing}, env());
    QVERIFY(!unreadable);
    QVERIFY(unreadable.error().message.startsWith(missing + QStringLiteral(": ")));
}

QTEST_GUILESS_MAIN(tst_RunOptions)
#include "tst_runoptions.moc"
