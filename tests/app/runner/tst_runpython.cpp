#include "nodehub.h"
#include "jsoncompare.h"
#include "recordinghttpserver.h"
#include "runnerprocess.h"
#include "testpaths.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

// `ango-console run` with the author's own, unmodified SDK scripts (--callback python:...) and
// with a profile (--profile FILE): the built binary against the emulated hub (official Node
// socket.io server), a recording HTTP server as the REST API, and the real /usr/bin/python3.

using ango::test::RunnerProcess;
using nlohmann::json;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kScripts = QStringLiteral("tests/core/callbacks/adapters/scripts/");
const std::string kSecret = "python-runner-secret-Q1W2E3";
const std::string kApiKey = "python-runner-api-key-R4T5Y6";

json payload(const std::string &session, const std::string &schemaId, json extra = {})
{
    json p = {{"projectId", "proj"},
              {"categorySchema", json::array({{{"schemaId", schemaId}, {"modelClass", "dog"}}})},
              {"assetId", "asset"},
              {"dataURL", "https://example.invalid/dog.jpg"},
              {"apiKey", kApiKey},
              {"orgId", "org"},
              {"runBy", "user"},
              {"session", session},
              {"configJSON", ""}};
    if (extra.is_object()) {
        for (auto it = extra.begin(); it != extra.end(); ++it)
            p[it.key()] = it.value();
    }
    return p;
}

QString writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(content);
    return path;
}

} // namespace

class tst_RunPython : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void olderScriptAnswersWithTheMappedSchemaId();
    void loggerLinesReachTheHubAsLogEvents();
    void scriptExceptionIsAnsweredAndServingGoesOn();
    void pythonFlagChoosesTheInterpreter();
    void profileGivesEverythingAndFlagsOverride();
    void badProfileExitsTwoNamingFileAndField_data();
    void badProfileExitsTwoNamingFileAndField();
    void cleanupTestCase();

private:
    // A runner started from the source tree, so that the script paths are the relative ones a
    // user types; ready once the hub has its heartbeat.
    std::unique_ptr<RunnerProcess> startRunner(const QString &pluginId, const QStringList &extra,
                                               const std::string &secret = kSecret)
    {
        auto runner = std::make_unique<RunnerProcess>(
            QStringList{QStringLiteral("--plugin-id"), pluginId, QStringLiteral("--host"),
                        m_hub->url(), QStringLiteral("--api-host"), m_api->url().toString(),
                        QStringLiteral("--log-format"), QStringLiteral("jsonl"),
                        QStringLiteral("--heartbeat-interval"), QStringLiteral("1")}
                + extra,
            QString::fromStdString(secret), ango::test::sourcePath(QString()));
        return runner;
    }
    int heartbeatsFrom(const QString &pluginId) const
    {
        int n = 0;
        for (const json &record : m_hub->records("heartbeat"))
            n += record["payload"].value("id", "") == pluginId.toStdString() ? 1 : 0;
        return n;
    }
    bool waitUntilServing(RunnerProcess &runner, const QString &pluginId)
    {
        // QTRY_ inside a helper returns from it on failure: report through the result.
        [&] {
            QTRY_VERIFY2_WITH_TIMEOUT(heartbeatsFrom(pluginId) >= 1 || runner.finished(),
                                      qPrintable(diagnostics(runner)), 15000);
        }();
        return heartbeatsFrom(pluginId) >= 1 && !runner.finished();
    }
    // SIGTERM, and a clean exit: the interpreters must not keep the runner alive.
    bool stopCleanly(RunnerProcess &runner)
    {
        runner.process().terminate();
        [&] {
            QTRY_VERIFY2_WITH_TIMEOUT(runner.finished(), qPrintable(diagnostics(runner)), 15000);
        }();
        return runner.finished() && runner.process().exitStatus() == QProcess::NormalExit
               && runner.process().exitCode() == 0;
    }
    QList<json> logsFor(const std::string &session) const
    {
        QList<json> payloads;
        for (const json &record : m_hub->forSession("log", session))
            payloads << record["payload"];
        return payloads;
    }
    int responsesFor(const std::string &session) const
    {
        return int(m_hub->forSession("response", session).size());
    }
    json responseFor(const std::string &session) const
    {
        const auto list = m_hub->forSession("response", session);
        return list.isEmpty() ? json() : list.constFirst()["payload"];
    }
    QString diagnostics(const RunnerProcess &runner) const
    {
        return m_hub->diagnostics() + QStringLiteral("\n--- runner ---\n") + runner.tail();
    }

    QTemporaryDir m_dir;
    std::unique_ptr<ango::test::NodeHub> m_hub;
    std::unique_ptr<ango::test::RecordingHttpServer> m_api;
};

void tst_RunPython::initTestCase()
{
    QVERIFY2(QFileInfo::exists(ango::test::consolePath()), qPrintable(ango::test::consolePath()));
    QVERIFY2(QFileInfo(kPython).isExecutable(), "the Debian python3 is needed");
    QVERIFY(m_dir.isValid());
    m_hub = std::make_unique<ango::test::NodeHub>();
    m_hub->start();
    m_api = std::make_unique<ango::test::RecordingHttpServer>();
    QVERIFY(m_api->listen());
    m_api->setFallback(
        ango::test::ScriptedResponse::json(200, {{"status", "ok"}, {"data", json::object()}}));
    QTRY_VERIFY_WITH_TIMEOUT(m_hub->port() > 0, 15000);
}

// `def cb(**data)`, ModelPlugin(...) and run(...) under __main__: the box's schemaId is the one
// the script looked up in the categorySchema this run carried.
void tst_RunPython::olderScriptAnswersWithTheMappedSchemaId()
{
    auto runner = startRunner(QStringLiteral("py-older"), {QStringLiteral("--callback"),
                                                           QStringLiteral("python:") + kScripts
                                                               + QStringLiteral("older_plugin.py"),
                                                           QStringLiteral("--python"), kPython});
    QVERIFY(waitUntilServing(*runner, QStringLiteral("py-older")));

    m_hub->sendPlugin(payload("old-1", "sch-older-7"));
    m_hub->sendPlugin(payload("old-2", "sch-older-8"));
    QTRY_VERIFY2_WITH_TIMEOUT(responsesFor("old-1") == 1 && responsesFor("old-2") == 1,
                              qPrintable(diagnostics(*runner)), 15000);
    for (const auto &[session, schemaId] :
         {std::pair{"old-1", "sch-older-7"}, std::pair{"old-2", "sch-older-8"}}) {
        const json response = responseFor(session);
        QVERIFY2(!response.contains("error"), response.dump().c_str());
        JSON_COMPARE(response["session"], json(session));
        // The script's own return value, as the SDK emits it.
        const json box = response["response"]["answer"]["objects"][0];
        JSON_COMPARE(box["schemaId"], json(schemaId));
        JSON_COMPARE(box["bounding-box"],
                     (json{{"x", 20}, {"y", 30}, {"width", 50}, {"height", 60}}));
        // Called as cb(**data) with the hub's keys plus the SDK's logger and batches.
        JSON_COMPARE(response["response"]["keys"],
                     (json{"apiKey", "assetId", "batches", "categorySchema", "configJSON",
                           "dataURL", "logger", "orgId", "projectId", "runBy", "session"}));
    }
    // The script's logger.info(...) went to the hub as the SDK's `log` event ...
    const QList<json> logs = logsFor("old-1");
    QCOMPARE(logs.size(), 1);
    JSON_COMPARE(logs.constFirst()["level"], json("INFO"));
    JSON_COMPARE(logs.constFirst()["msg"], json("Plugin session is started!"));
    JSON_COMPARE(logs.constFirst()["pluginId"], json("py-older"));
    // ... and to the runner's own log.
    QTRY_COMPARE(runner->countLines({{"session", "old-1"},
                                     {"category", "plugin"},
                                     {"message", "Plugin session is started!"}}),
                 1);
    QVERIFY(stopCleanly(*runner));
}

// `def cb(data)` with a module-level ModelPlugin(...): every logger method reaches the hub with
// its level, its message and the session of the run that logged it.
void tst_RunPython::loggerLinesReachTheHubAsLogEvents()
{
    auto runner
        = startRunner(QStringLiteral("py-newest-log"),
                      {QStringLiteral("--callback"),
                       QStringLiteral("python:") + kScripts + QStringLiteral("newest_plugin.py"),
                       QStringLiteral("--python"), kPython});
    QVERIFY(waitUntilServing(*runner, QStringLiteral("py-newest-log")));

    m_hub->sendPlugin(payload("log-1", "sch-1", {{"configJSON", R"({"action": "log"})"}}));
    m_hub->sendPlugin(payload("log-2", "sch-1", {{"configJSON", R"({"action": "log"})"}}));
    QTRY_VERIFY2_WITH_TIMEOUT(responsesFor("log-1") == 1 && responsesFor("log-2") == 1,
                              qPrintable(diagnostics(*runner)), 15000);
    for (const std::string session : {"log-1", "log-2"}) {
        QList<std::pair<std::string, std::string>> received;
        for (const json &log : logsFor(session)) {
            JSON_COMPARE(log["session"], json(session));
            received.append({log["level"].get<std::string>(), log["msg"].get<std::string>()});
        }
        // The SDK joins extra arguments with spaces, with none after the message itself.
        const QList<std::pair<std::string, std::string>> expected = {
            {"INFO", "Plugin session is started!"},
            {"INFO", "boxes:1 2"},
            {"WARNING", "low confidence"},
            {"ERROR", "bad asset"},
            {"DEBUG", "details"},
        };
        QVERIFY2(received == expected, qPrintable(diagnostics(*runner)));
    }
    QVERIFY(stopCleanly(*runner));
}

// A script exception answers that run with an error carrying the reason; the next run is
// served by the same runner.
void tst_RunPython::scriptExceptionIsAnsweredAndServingGoesOn()
{
    auto runner = startRunner(
        QStringLiteral("py-newest-raise"),
        {QStringLiteral("--callback"),
         QStringLiteral("python:") + kScripts + QStringLiteral("newest_plugin.py:run_model"),
         QStringLiteral("--python"), kPython});
    QVERIFY(waitUntilServing(*runner, QStringLiteral("py-newest-raise")));

    m_hub->sendPlugin(payload("raise-1", "sch-1", {{"configJSON", R"({"action": "raise"})"}}));
    QTRY_VERIFY2_WITH_TIMEOUT(responsesFor("raise-1") == 1, qPrintable(diagnostics(*runner)),
                              15000);
    const json failed = responseFor("raise-1");
    JSON_COMPARE(failed["error"], json(true));
    JSON_COMPARE(failed["session"], json("raise-1"));
    const QString reason = QString::fromStdString(failed.value("message", ""));
    QVERIFY2(reason.contains(QStringLiteral("model exploded")), failed.dump().c_str());
    // The traceback is in the runner's log, for the author.
    QTRY_VERIFY(runner->countLines({{"session", "raise-1"}, {"level", "error"}}) >= 1);

    m_hub->sendPlugin(payload("raise-2", "sch-1", {{"configJSON", R"({"action": "pid"})"}}));
    QTRY_VERIFY2_WITH_TIMEOUT(responsesFor("raise-2") == 1, qPrintable(diagnostics(*runner)),
                              15000);
    QVERIFY2(!responseFor("raise-2").contains("error"), responseFor("raise-2").dump().c_str());
    QVERIFY(!runner->finished());
    QVERIFY(stopCleanly(*runner));

    const QByteArray output = runner->everything();
    QVERIFY(!output.contains(QByteArray::fromStdString(kSecret)));
    QVERIFY(!output.contains(QByteArray::fromStdString(kApiKey)));
}

// The interpreter is the one --python names: a missing one fails the run with its path, where
// python3 from PATH would have answered.
void tst_RunPython::pythonFlagChoosesTheInterpreter()
{
    const QString missing = m_dir.filePath(QStringLiteral("venv/bin/python-from-the-flag"));
    auto runner
        = startRunner(QStringLiteral("py-no-interpreter"),
                      {QStringLiteral("--callback"),
                       QStringLiteral("python:") + kScripts + QStringLiteral("older_plugin.py"),
                       QStringLiteral("--python"), missing});
    QVERIFY(waitUntilServing(*runner, QStringLiteral("py-no-interpreter")));
    m_hub->sendPlugin(payload("no-interpreter-1", "sch-1"));
    QTRY_VERIFY2_WITH_TIMEOUT(responsesFor("no-interpreter-1") == 1,
                              qPrintable(diagnostics(*runner)), 15000);
    const json failed = responseFor("no-interpreter-1");
    JSON_COMPARE(failed["error"], json(true));
    QVERIFY2(QString::fromStdString(failed.value("message", ""))
                 .contains(QStringLiteral("python-from-the-flag could not be started")),
             failed.dump().c_str());
    QVERIFY(stopCleanly(*runner));
}

// Hosts, plugin id, secret (a file reference), callback with its interpreter, concurrency and
// heartbeat all come from the profile; --log-format on the command line overrides the profile's.
void tst_RunPython::profileGivesEverythingAndFlagsOverride()
{
    const std::string fileSecret = "profile-file-secret-P9O8I7";
    const QString secretPath = writeFile(m_dir.filePath(QStringLiteral("plugin-secret")),
                                         QByteArray::fromStdString(fileSecret) + '\n');
    QVERIFY(!secretPath.isEmpty());
    const json profile = {
        {"version", 1},
        {"name", "end-to-end"},
        {"hubUrl", m_hub->url().toStdString()},
        {"apiHost", m_api->url().toString().toStdString()},
        {"pluginId", "py-profile"},
        {"secret", {{"file", secretPath.toStdString()}}},
        {"callback",
         {{"spec", QString(QStringLiteral("python:") + kScripts + QStringLiteral("older_plugin.py"))
                       .toStdString()},
          {"interpreter", kPython.toStdString()},
          {"concurrency", 2}}},
        {"mapping", json::array({{{"schemaId", "unused"}, {"modelClass", "dog"}}})},
        {"concurrency", 2},
        {"heartbeatSeconds", 1},
        {"requestTimeoutSeconds", 20},
        {"review", "auto"},
        {"logFormat", "text"},
    };
    const QString profilePath = writeFile(m_dir.filePath(QStringLiteral("profile.json")),
                                          QByteArray::fromStdString(profile.dump(2)));
    QVERIFY(!profilePath.isEmpty());

    // ANGO_PLUGIN_SECRET holds another value: the profile's reference must win over it.
    RunnerProcess runner({QStringLiteral("--profile"), profilePath, QStringLiteral("--log-format"),
                          QStringLiteral("jsonl")},
                         QStringLiteral("environment-secret-not-this-one"),
                         ango::test::sourcePath(QString()));
    QVERIFY(waitUntilServing(runner, QStringLiteral("py-profile")));
    json heartbeat;
    for (const json &record : m_hub->records("heartbeat")) {
        if (record["payload"].value("id", "") == "py-profile")
            heartbeat = record["payload"];
    }
    JSON_COMPARE(heartbeat, (json{{"id", "py-profile"}, {"secret", fileSecret}}));

    m_hub->sendPlugin(payload("profile-1", "sch-profile-3"));
    QTRY_VERIFY2_WITH_TIMEOUT(responsesFor("profile-1") == 1, qPrintable(diagnostics(runner)),
                              15000);
    JSON_COMPARE(responseFor("profile-1")["response"]["answer"]["objects"][0]["schemaId"],
                 json("sch-profile-3"));
    QCOMPARE(logsFor("profile-1").size(), 1);
    // The heartbeat interval is the profile's 0.3 s, not the default minute.
    QTRY_VERIFY_WITH_TIMEOUT(heartbeatsFrom(QStringLiteral("py-profile")) >= 3, 5000);
    QVERIFY(stopCleanly(runner));

    // jsonl from the flag, although the profile says text.
    QVERIFY(runner.lines().size() > 2);
    for (const QByteArray &line : runner.lines())
        QVERIFY2(json::parse(line.constBegin(), line.constEnd(), nullptr, false).is_object(),
                 line.left(300).constData());
    QVERIFY(!runner.everything().contains(QByteArray::fromStdString(fileSecret)));
}

void tst_RunPython::badProfileExitsTwoNamingFileAndField_data()
{
    QTest::addColumn<QByteArray>("profile");
    QTest::addColumn<QStringList>("named");
    const QByteArray head = R"({"version": 1, "pluginId": "p", )";
    QTest::newRow("concurrency zero")
        << head + R"("secret": {"env": "ANGO_PLUGIN_SECRET"}, "concurrency": 0})"
        << QStringList{QStringLiteral("profile.concurrency")};
    QTest::newRow("keychain reference") << head + R"("secret": {"keychain": "plugin-secret/prod"}})"
                                        << QStringList{QStringLiteral("profile.secret.keychain"),
                                                       QStringLiteral("plugin-secret/prod")};
    QTest::newRow("missing secret file")
        << head + R"("secret": {"file": "/nonexistent/ango/secret"}})"
        << QStringList{QStringLiteral("profile.secret.file"),
                       QStringLiteral("/nonexistent/ango/secret")};
    QTest::newRow("callback script missing")
        << head
               + R"("secret": {"env": "ANGO_PLUGIN_SECRET"}, "callback": "python:/nonexistent/model.py"})"
        << QStringList{QStringLiteral("profile.callback"), QStringLiteral("/nonexistent/model.py")};
}

void tst_RunPython::badProfileExitsTwoNamingFileAndField()
{
    QFETCH(QByteArray, profile);
    QFETCH(QStringList, named);
    const QString path
        = writeFile(m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-')
                                   + QStringLiteral(".json")),
                    profile);
    QVERIFY(!path.isEmpty());
    RunnerProcess runner({QStringLiteral("--profile"), path}, QString::fromStdString(kSecret));
    QTRY_VERIFY_WITH_TIMEOUT(runner.finished(), 15000);
    QCOMPARE(runner.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(runner.process().exitCode(), 2);
    const QString message = QString::fromUtf8(runner.standardError());
    QVERIFY2(message.contains(path + QStringLiteral(": ")), qPrintable(message));
    for (const QString &part : named)
        QVERIFY2(message.contains(part), qPrintable(message));
}

void tst_RunPython::cleanupTestCase()
{
    m_api.reset();
    m_hub.reset();
}

QTEST_GUILESS_MAIN(tst_RunPython)
#include "tst_runpython.moc"
