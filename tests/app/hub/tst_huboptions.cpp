#include "hub/huboptions.h"

#include <QTemporaryDir>
#include <QTest>

// The flags of `ango-console hub`: what they set, and errors that name the flag.

using namespace ango;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;
using nlohmann::json;

class tst_HubOptions : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_image;
    QString m_mapping;
    QString m_badMapping;

    QProcessEnvironment environment(const QString &secret = u"the-secret"_s) const
    {
        QProcessEnvironment env;
        if (!secret.isEmpty())
            env.insert(u"ANGO_PLUGIN_SECRET"_s, secret);
        return env;
    }

    QString write(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(content);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_image = write(u"image.png"_s, "png");
        m_mapping = write(u"mapping.json"_s, R"([{"schemaId":"s1","modelClass":"car"}])");
        m_badMapping = write(u"bad.json"_s, R"({"schemaId":"s1"})");
    }

    void everyFlag()
    {
        const QStringList arguments = {u"--listen"_s,
                                       u"127.0.0.1:0"_s,
                                       u"--plugin-id"_s,
                                       u"p-1"_s,
                                       u"--asset"_s,
                                       m_image,
                                       u"--mapping"_s,
                                       m_mapping,
                                       u"--config=[1,2]"_s,
                                       u"--workflow"_s,
                                       u"--once"_s,
                                       u"--timeout"_s,
                                       u"2.5"_s,
                                       u"--ping-interval"_s,
                                       u"0.3"_s,
                                       u"--ping-timeout"_s,
                                       u"0.2"_s,
                                       u"--max-payload"_s,
                                       u"4096"_s,
                                       u"--max-request-body"_s,
                                       u"2048"_s,
                                       u"--max-request-head"_s,
                                       u"4096"_s,
                                       u"--header-timeout"_s,
                                       u"1.5"_s,
                                       u"--idle-timeout"_s,
                                       u"7"_s,
                                       u"--max-connections"_s,
                                       u"12"_s,
                                       u"--allow-remote"_s};
        auto parsed = app::parseHubArguments(arguments, environment());
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(parsed->listen, u"127.0.0.1:0"_s);
        QCOMPARE(parsed->pluginId, u"p-1"_s);
        QCOMPARE(parsed->secret, u"the-secret"_s);
        QCOMPARE(parsed->assetPath, m_image);
        QVERIFY(parsed->categorySchema == json::parse(R"([{"schemaId":"s1","modelClass":"car"}])"));
        QCOMPARE(parsed->configJson, std::optional<QString>(u"[1,2]"_s));
        QVERIFY(parsed->workflow);
        QVERIFY(parsed->once);
        QCOMPARE(parsed->timeout, 2500ms);
        QCOMPARE(parsed->hub.pingInterval, 300ms);
        QCOMPARE(parsed->hub.pingTimeout, 200ms);
        QCOMPARE(parsed->hub.maxPayload, qint64(4096));
        QCOMPARE(parsed->hub.maxRequestBody, qint64(2048));
        QCOMPARE(parsed->hub.maxRequestHead, qint64(4096));
        QCOMPARE(parsed->hub.headerTimeout, 1500ms);
        QCOMPARE(parsed->hub.idleTimeout, 7000ms);
        QCOMPARE(parsed->hub.maxConnections, 12);
        QVERIFY(parsed->hub.allowRemote);
    }

    void defaults()
    {
        auto parsed = app::parseHubArguments(
            {u"--plugin-id"_s, u"p"_s, u"--asset"_s, m_image, u"--once"_s}, environment());
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->listen, u"127.0.0.1:0"_s);
        QVERIFY(parsed->categorySchema.is_null());
        QVERIFY(!parsed->configJson);
        QVERIFY(!parsed->workflow);
        QCOMPARE(parsed->timeout, 60000ms);
        QCOMPARE(parsed->hub.maxRequestBody, qint64(64) * 1024 * 1024);
        QCOMPARE(parsed->hub.headerTimeout, 10000ms);
        QCOMPARE(parsed->hub.idleTimeout, 60000ms);
        QCOMPARE(parsed->hub.maxConnections, 256);
        QVERIFY(!parsed->hub.allowRemote);
    }

    void errorsNameTheFlag_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<bool>("withSecret");
        QTest::addColumn<QString>("message");
        const QStringList base = {u"--plugin-id"_s, u"p"_s, u"--asset"_s, m_image, u"--once"_s};
        QTest::newRow("unknown flag")
            << (QStringList(base) << u"--nope"_s) << true << u"unknown flag --nope"_s;
        QTest::newRow("stray argument")
            << (QStringList(base) << u"extra"_s) << true << u"unexpected argument \"extra\""_s;
        QTest::newRow("no plugin id") << QStringList{u"--asset"_s, m_image, u"--once"_s} << true
                                      << u"--plugin-id is required"_s;
        QTest::newRow("no asset") << QStringList{u"--plugin-id"_s, u"p"_s, u"--once"_s} << true
                                  << u"--asset is required"_s;
        QTest::newRow("missing asset") << QStringList{u"--plugin-id"_s, u"p"_s, u"--asset"_s,
                                                      u"/nonexistent/x.png"_s, u"--once"_s}
                                       << true << u"--asset: /nonexistent/x.png does not exist"_s;
        QTest::newRow("value missing")
            << (QStringList(base) << u"--timeout"_s) << true << u"--timeout needs a value"_s;
        QTest::newRow("bad timeout") << (QStringList(base) << u"--timeout"_s << u"soon"_s) << true
                                     << u"--timeout needs a number of seconds"_s;
        QTest::newRow("bad listen") << (QStringList(base) << u"--listen"_s << u"localhost"_s)
                                    << true << u"--listen needs HOST:PORT"_s;
        QTest::newRow("bad config") << (QStringList(base) << u"--config"_s << u"{oops"_s) << true
                                    << u"--config is not valid JSON"_s;
        QTest::newRow("bad mapping")
            << (QStringList(base) << u"--mapping"_s << m_badMapping) << true
            << u"--mapping: "_s + m_badMapping + u" must be a JSON list"_s;
        QTest::newRow("unreadable mapping")
            << (QStringList(base) << u"--mapping"_s << u"/nonexistent.json"_s) << true
            << u"--mapping: cannot read /nonexistent.json"_s;
        QTest::newRow("twice") << (QStringList(base) << u"--plugin-id"_s << u"q"_s) << true
                               << u"--plugin-id is given twice"_s;
        QTest::newRow("switch twice")
            << (QStringList(base) << u"--once"_s) << true << u"--once is given twice"_s;
        QTest::newRow("switch with value")
            << (QStringList(base) << u"--workflow=yes"_s) << true << u"--workflow takes no value"_s;
        QTest::newRow("secret on the command line")
            << (QStringList(base) << u"--secret"_s << u"x"_s) << true
            << u"--secret is not accepted"_s;
        QTest::newRow("no --once") << QStringList{u"--plugin-id"_s, u"p"_s, u"--asset"_s, m_image}
                                   << true << u"--once is required"_s;
        QTest::newRow("small max payload") << (QStringList(base) << u"--max-payload"_s << u"10"_s)
                                           << true << u"--max-payload needs a number of bytes"_s;
        QTest::newRow("small request body")
            << (QStringList(base) << u"--max-request-body"_s << u"100"_s) << true
            << u"--max-request-body needs a number of bytes from 1024"_s;
        QTest::newRow("huge request head")
            << (QStringList(base) << u"--max-request-head"_s << u"99999999"_s) << true
            << u"--max-request-head needs a number of bytes"_s;
        QTest::newRow("zero header timeout")
            << (QStringList(base) << u"--header-timeout"_s << u"0"_s) << true
            << u"--header-timeout needs a number of seconds above 0"_s;
        QTest::newRow("bad idle timeout") << (QStringList(base) << u"--idle-timeout"_s << u"x"_s)
                                          << true << u"--idle-timeout needs a number of seconds"_s;
        QTest::newRow("no connections") << (QStringList(base) << u"--max-connections"_s << u"0"_s)
                                        << true << u"--max-connections needs a whole number"_s;
        QTest::newRow("no secret") << base << false << u"ANGO_PLUGIN_SECRET is not set"_s;
    }

    void errorsNameTheFlag()
    {
        QFETCH(QStringList, arguments);
        QFETCH(bool, withSecret);
        QFETCH(QString, message);
        auto parsed
            = app::parseHubArguments(arguments, environment(withSecret ? u"s"_s : QString()));
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().message.startsWith(message), qPrintable(parsed.error().message));
    }

    void mappingEntriesAreChecked()
    {
        QVERIFY(app::parseMapping("[]").ok());
        QVERIFY(!app::parseMapping(R"([{"schemaId":"s"}])").ok());
        QVERIFY(!app::parseMapping(R"([{"schemaId":1,"modelClass":"c"}])").ok());
        const auto error = app::parseMapping(R"([{"schemaId":"a","modelClass":"b"}, 3])");
        QVERIFY(!error.ok());
        QVERIFY2(error.error().message.contains(u"entry 2"_s), qPrintable(error.error().message));
    }

    void help()
    {
        auto parsed = app::parseHubArguments({u"--help"_s}, QProcessEnvironment());
        QVERIFY(parsed.ok());
        QVERIFY(parsed->help);
        QVERIFY(app::hubUsage().contains(u"LISTENING=HOST:PORT"_s));
    }
};

QTEST_GUILESS_MAIN(tst_HubOptions)
#include "tst_huboptions.moc"
