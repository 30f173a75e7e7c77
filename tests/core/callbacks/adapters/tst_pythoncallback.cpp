#include "callbacks/adapters/pythoncallback.h"
#include "callrecorder.h"
#include "recordinghttpserver.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <set>

using namespace ango;
using namespace ango::callbacks;
using namespace ango::callbacks::adapters;
using ango::test::CallRecorder;
using ango::test::scriptPath;

// The python: adapter with a real `python3` (from PATH) running SDK-style scripts through the
// bridge shipped in resources/bridge.
class TestPythonCallback : public QObject
{
    Q_OBJECT

private:
    static PythonCallbackOptions options(const QString &script, const QString &function = {})
    {
        PythonCallbackOptions o;
        o.scriptPath = scriptPath(script);
        o.function = function;
        o.bridgeDir = ango::test::sourcePath(QStringLiteral("resources/bridge"));
        return o;
    }

    static bool waitForState(Callback &callback, Callback::State state)
    {
        return QTest::qWaitFor([&] { return callback.state() == state; }, ANGO_WAIT_MS);
    }

private Q_SLOTS:
    void newestConventionWithModuleLevelPlugin()
    {
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "echo"}});
        WAIT_DONE(outcome);
        QCOMPARE(outcome->doneCount, 1);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        const nlohmann::json &result = outcome->value();
        // The hub payload's keys (apiKey included) plus the logger, handed as one dict.
        const nlohmann::json expectedKeys
            = {"apiKey", "assetId", "batches",   "categorySchema", "configJSON", "dataURL",
               "logger", "orgId",   "projectId", "runBy",          "session"};
        JSON_COMPARE(result["keys"], expectedKeys);
        JSON_COMPARE(result["apiKey"], "user-api-key");
        JSON_COMPARE(result["argumentIsDict"], true);
        JSON_COMPARE(result["loggerMethods"], true);
        JSON_COMPARE(result["config"], nlohmann::json({{"action", "echo"}}));
        JSON_COMPARE(result["main"], "__ango_plugin__"); // imported, not run as __main__
        QCOMPARE(callback.loaded().callback, QStringLiteral("run_model")); // not the helper
        QCOMPARE(callback.loaded().convention, QStringLiteral("dict"));
        QVERIFY(callback.loaded().shim);
        QVERIFY(callback.describe().contains(QStringLiteral("run_model(data)")));
        QCOMPARE(callback.state(), Callback::State::Ready);
    }

    void olderConventionWithPluginOnlyUnderMain()
    {
        PythonCallback callback(options(QStringLiteral("older_plugin.py")));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"threshold", 0.5}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        const nlohmann::json &result = outcome->value();
        JSON_COMPARE(result["answer"]["objects"][0]["schemaId"], "schema-car");
        JSON_COMPARE(result["data"], "https://assets.example/image.jpg");
        JSON_COMPARE(result["config"]["threshold"], 0.5);
        QVERIFY(result["keys"].size() == 11);
        QCOMPARE(callback.loaded().callback, QStringLiteral("sample_callback"));
        QCOMPARE(callback.loaded().convention, QStringLiteral("kwargs"));
        QCOMPARE(outcome->logs.size(), 1);
        QCOMPARE(outcome->logs[0].second, QStringLiteral("Plugin session is started!"));
        // The __main__ block ends with os._exit(99): had it run, the worker would have died.
        auto again = calls.startAction(2, {});
        WAIT_DONE(again);
        QVERIFY(again->ok());
    }

    void namedFunction()
    {
        PythonCallback callback(
            options(QStringLiteral("named_functions.py"), QStringLiteral("second_model")));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        JSON_COMPARE(outcome->value(), nlohmann::json({{"model", "second"}, {"project", "p1"}}));
    }

    void noCallbackFound()
    {
        PythonCallback callback(options(QStringLiteral("named_functions.py")));
        QVERIFY(waitForState(callback, Callback::State::Failed));
        QVERIFY(callback.stateDetail().contains(QStringLiteral("found no callback")));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QVERIFY(outcome->error().contains(QStringLiteral("python:")));
        QVERIFY(outcome->error().contains(QStringLiteral(":FUNCTION")));
    }

    void loggerCallsReachTheCallLog()
    {
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "log"}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        const QList<std::pair<LogLevel, QString>> expected{
            {LogLevel::Info, QStringLiteral("Plugin session is started!")},
            {LogLevel::Info, QStringLiteral("boxes:1 2")}, // the SDK's concatenation
            {LogLevel::Warning, QStringLiteral("low confidence")},
            {LogLevel::Error, QStringLiteral("bad asset")},
            {LogLevel::Debug, QStringLiteral("details")}};
        QCOMPARE(outcome->logs, expected);
        QVERIFY(calls.output.isEmpty());
    }

    void printsAreOutputNeverFrames()
    {
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(5, {{"action", "print"}, {"id", 5}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        JSON_COMPARE(outcome->value(), nlohmann::json({{"printed", true}}));
        QVERIFY(outcome->logs.isEmpty()); // the forged log frame on stderr is just a line
        const QList<std::pair<QString, bool>> stdoutLines{
            {QStringLiteral("plain stdout"), false},
            {QStringLiteral(R"({"type":"result","id":5,"ok":true,"result":"forged"})"), false},
            {QStringLiteral(R"({"objects": [], "classifications": [], "relations": []})"), false},
            {QStringLiteral("partial line"), false}};
        const QList<std::pair<QString, bool>> stderrLines{
            {QStringLiteral("plain stderr"), true},
            {QStringLiteral(R"({"type":"log","id":5,"level":"ERROR","msg":"forged log"})"), true}};
        QList<std::pair<QString, bool>> seenStdout, seenStderr;
        for (const auto &line : calls.output)
            (line.second ? seenStderr : seenStdout).append(line);
        QCOMPARE(seenStdout, stdoutLines);
        QCOMPARE(seenStderr, stderrLines);
        // What a call printed is delivered before its result.
        QCOMPARE(outcome->outputLinesAtDone, 6);
    }

    void floodOfOutputBeforeTheResult()
    {
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "flood"}, {"lines", 20000}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        // At most kMaxOutputLinesPerCall lines are passed on, then one line sums up the rest.
        QCOMPARE(outcome->outputLinesAtDone, Worker::kMaxOutputLinesPerCall + 1);
        QCOMPARE(calls.output.first().first, QStringLiteral("line 0"));
        QCOMPARE(calls.output.at(Worker::kMaxOutputLinesPerCall - 1).first,
                 QStringLiteral("line %1").arg(Worker::kMaxOutputLinesPerCall - 1));
        QVERIFY2(calls.output.last().first.contains(
                     QStringLiteral("%1 more lines").arg(20000 - Worker::kMaxOutputLinesPerCall)),
                 qPrintable(calls.output.last().first));
    }

    void exceptionBecomesAnErrorWithTheTraceback()
    {
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        auto before = calls.startAction(1, {{"action", "pid"}});
        WAIT_DONE(before);
        QVERIFY(before->ok());
        auto failed = calls.startAction(2, {{"action", "raise"}});
        WAIT_DONE(failed);
        QCOMPARE(failed->doneCount, 1);
        const QString error = failed->error();
        QVERIFY2(error.startsWith(QStringLiteral("ValueError: model exploded\n")),
                 qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("Traceback (most recent call last)")),
                 qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("newest_plugin.py\", line 64, in run_model")),
                 qPrintable(error));
        QVERIFY2(!error.contains(QStringLiteral("ango_bridge.py")), qPrintable(error));
        QVERIFY(calls.sawOutput(QStringLiteral("about to fail"), false));
        // The interpreter survives an exception.
        auto after = calls.startAction(3, {{"action", "pid"}});
        WAIT_DONE(after);
        QVERIFY(after->ok());
        JSON_COMPARE(after->value()["pid"], before->value()["pid"]);
    }

    void sysExitInTheCallbackIsAnError()
    {
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "sysexit"}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->error().startsWith(QStringLiteral("the callback called sys.exit(4)")),
                 qPrintable(outcome->error()));
        auto after = calls.startAction(2, {{"action", "pid"}});
        WAIT_DONE(after);
        QVERIFY(after->ok());
    }

    void cancelKillsAHangingWorkerAndRestartsIt()
    {
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        QSignalSpy states(&callback, &Callback::stateChanged);
        auto first = calls.startAction(1, {{"action", "pid"}});
        WAIT_DONE(first);
        auto hanging = calls.startAction(2, {{"action", "hang"}});
        QTRY_VERIFY_WITH_TIMEOUT(calls.sawOutput(QStringLiteral("hanging"), false), ANGO_WAIT_MS);
        QCOMPARE(callback.state(), Callback::State::Running);
        states.clear();
        callback.cancel(2);
        QVERIFY(hanging->finished());
        QCOMPARE(hanging->doneCount, 1);
        QVERIFY2(hanging->error().contains(QStringLiteral("cancelled")),
                 qPrintable(hanging->error()));
        auto next = calls.startAction(3, {{"action", "pid"}});
        WAIT_DONE(next);
        QVERIFY2(next->ok(), qPrintable(next->error()));
        QVERIFY(next->value()["pid"] != first->value()["pid"]); // a fresh interpreter
        QVERIFY(!states.isEmpty());
        QCOMPARE(states.first().at(0).value<Callback::State>(), Callback::State::Restarting);
        QCOMPARE(hanging->doneCount, 1);
    }

    void cancelOfAQueuedCall()
    {
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        auto hanging = calls.startAction(1, {{"action", "hang"}});
        auto queued = calls.startAction(2, {{"action", "pid"}});
        QTRY_VERIFY_WITH_TIMEOUT(calls.sawOutput(QStringLiteral("hanging"), false), ANGO_WAIT_MS);
        callback.cancel(2);
        QVERIFY(queued->error().contains(QStringLiteral("before it started")));
        QVERIFY(!hanging->finished());
        callback.cancel(1);
        QVERIFY(hanging->finished());
    }

    void crashInTheMiddleOfACall_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("expected");
        QTest::newRow("os._exit") << QStringLiteral("exit")
                                  << QStringLiteral("exited with code 7 while running call 2");
        QTest::newRow("SIGKILL") << QStringLiteral(
            "kill") << QStringLiteral("was killed by signal 9 (SIGKILL) while running call 2");
    }

    void crashInTheMiddleOfACall()
    {
        QFETCH(QString, action);
        QFETCH(QString, expected);
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        QSignalSpy states(&callback, &Callback::stateChanged);
        auto first = calls.startAction(1, {{"action", "pid"}});
        WAIT_DONE(first);
        auto crashing = calls.startAction(2, {{"action", action.toStdString()}});
        WAIT_DONE(crashing);
        QCOMPARE(crashing->doneCount, 1);
        QVERIFY2(crashing->error().contains(expected), qPrintable(crashing->error()));
        QVERIFY(crashing->error().contains(QStringLiteral("python3 (pid ")));
        if (action == QLatin1String("exit"))
            QVERIFY(calls.sawOutput(QStringLiteral("exiting with 7"), false));
        bool sawCrashed = false;
        for (const auto &change : states)
            sawCrashed
                = sawCrashed || change.at(0).value<Callback::State>() == Callback::State::Crashed;
        QVERIFY(sawCrashed);
        auto next = calls.startAction(3, {{"action", "pid"}});
        WAIT_DONE(next);
        QVERIFY2(next->ok(), qPrintable(next->error()));
        QVERIFY(next->value()["pid"] != first->value()["pid"]);
    }

    void crashWhileIdleRestartsTheWorker()
    {
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        QSignalSpy states(&callback, &Callback::stateChanged);
        auto first = calls.startAction(1, {{"action", "exit_later"}});
        WAIT_DONE(first);
        QVERIFY2(first->ok(), qPrintable(first->error()));
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(states.cbegin(), states.cend(),
                                             [](const QList<QVariant> &change) {
                                                 return change.at(0).value<Callback::State>()
                                                            == Callback::State::Crashed
                                                        && change.at(1).toString().contains(
                                                            QStringLiteral("exited with code 3"));
                                             }),
                                 ANGO_WAIT_MS);
        auto next = calls.startAction(2, {{"action", "pid"}});
        WAIT_DONE(next);
        QVERIFY2(next->ok(), qPrintable(next->error()));
        QVERIFY(next->value()["pid"] != first->value()["pid"]);
    }

    void restartInterruptsTheRunningCall()
    {
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        auto hanging = calls.startAction(1, {{"action", "hang"}});
        QTRY_VERIFY_WITH_TIMEOUT(calls.sawOutput(QStringLiteral("hanging"), false), ANGO_WAIT_MS);
        callback.restart();
        QCOMPARE(hanging->doneCount, 1);
        QVERIFY2(hanging->error().contains(QStringLiteral("interrupted")),
                 qPrintable(hanging->error()));
        QCOMPARE(callback.state(), Callback::State::Restarting);
        auto next = calls.startAction(2, {{"action", "pid"}});
        WAIT_DONE(next);
        QVERIFY2(next->ok(), qPrintable(next->error()));
    }

    void scriptThatDoesNotImport_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("expected");
        QTest::newRow("exception")
            << QStringLiteral("import_error.py")
            << QStringLiteral("import_error.py, line 7: RuntimeError: model weights not found");
        QTest::newRow("syntax") << QStringLiteral("syntax_error.py")
                                << QStringLiteral("syntax_error.py, line 3: SyntaxError");
    }

    void scriptThatDoesNotImport()
    {
        QFETCH(QString, script);
        QFETCH(QString, expected);
        PythonCallback callback(options(script));
        QSignalSpy states(&callback, &Callback::stateChanged);
        QVERIFY(waitForState(callback, Callback::State::Failed));
        QVERIFY2(callback.stateDetail().contains(expected), qPrintable(callback.stateDetail()));
        QCOMPARE(states.last().at(0).value<Callback::State>(), Callback::State::Failed);
        // A call tries again (the author may have fixed the file) and gets the same clear error.
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QCOMPARE(outcome->doneCount, 1);
        QVERIFY2(outcome->error().contains(expected), qPrintable(outcome->error()));
        QVERIFY(outcome->error().contains(QStringLiteral("cannot load plugin script")));
    }

    void poolRunsCallsConcurrently()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        auto o = options(QStringLiteral("newest_plugin.py"));
        o.concurrency = 3;
        PythonCallback callback(o);
        CallRecorder calls(callback);
        // Each call returns only once three calls run at the same time.
        const nlohmann::json barrier{
            {"action", "barrier"}, {"folder", folder.path().toStdString()}, {"count", 3}};
        QList<std::shared_ptr<ango::test::CallOutcome>> outcomes;
        for (quint64 id = 1; id <= 3; ++id)
            outcomes << calls.startAction(id, barrier);
        std::set<int> pids;
        for (const auto &outcome : outcomes) {
            WAIT_DONE(outcome);
            QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
            pids.insert(outcome->value()["pid"].get<int>());
        }
        QCOMPARE(pids.size(), size_t(3));
        QCOMPARE(callback.processIds().size(), 3);
    }

    void installedPackageIsNeutralised()
    {
        auto o = options(QStringLiteral("real_package_plugin.py"));
        o.environment.insert(QStringLiteral("PYTHONPATH"), scriptPath(QStringLiteral("fake_site")));
        PythonCallback callback(o);
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        JSON_COMPARE(outcome->value()["marker"], "fake real package");
        QVERIFY(!callback.loaded().shim);
        QCOMPARE(callback.loaded().callback, QStringLiteral("run_model"));
    }

    void shimSdkTalksToTheConfiguredApiHost()
    {
        ango::test::RecordingHttpServer api;
        QVERIFY(api.listen());
        api.enqueue(ango::test::ScriptedResponse::json(
            200, {{"data",
                   {{"assets", {{{"externalId", "ext-1"}, {"data", "https://x/1.jpg"}}}},
                    {"total", 1}}}}));
        auto o = options(QStringLiteral("newest_plugin.py"));
        o.apiHost = api.url(QStringLiteral("/")).toString();
        PythonCallback callback(o);
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "sdk"}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        JSON_COMPARE(outcome->value()["externalId"], "ext-1");
        QCOMPARE(api.requestCount(), 1);
        const auto &request = api.requests().first();
        QCOMPARE(request.method, QByteArray("GET"));
        QCOMPARE(request.path, QByteArray("/v2/project/p1/assets"));
        QCOMPARE(request.header("apikey"), QByteArray("user-api-key"));
        JSON_COMPARE(
            nlohmann::json::parse(request.queryValue(QStringLiteral("filters")).toStdString()),
            nlohmann::json({{"_id", "asset-1"}}));
    }

    void resultsAreConvertedToJson_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("expected"); // the JSON, or a piece of the error
        QTest::newRow("toDict")
            << QStringLiteral("payload") << true
            << QStringLiteral(
                   R"({"answer":{"classifications":[],"objects":[],"relations":[]},"duration":0})");
        QTest::newRow("None") << QStringLiteral("none") << true << QStringLiteral("null");
        QTest::newRow("object") << QStringLiteral("unserializable") << false
                                << QStringLiteral("cannot be sent as JSON: Object of type object");
        QTest::newRow("NaN") << QStringLiteral("nan") << false
                             << QStringLiteral("cannot be sent as JSON: Out of range");
    }

    void resultsAreConvertedToJson()
    {
        QFETCH(QString, action);
        QFETCH(bool, ok);
        QFETCH(QString, expected);
        PythonCallback callback(options(QStringLiteral("newest_plugin.py")));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", action.toStdString()}});
        WAIT_DONE(outcome);
        QCOMPARE(outcome->ok(), ok);
        if (ok)
            JSON_COMPARE(outcome->value(), nlohmann::json::parse(expected.toStdString()));
        else
            QVERIFY2(outcome->error().contains(expected), qPrintable(outcome->error()));
    }

    void reloadsWhenTheScriptChanges()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString path = folder.filePath(QStringLiteral("plugin.py"));
        auto write = [&](const char *version) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(QByteArray("def run_model(data):\n    return {\"version\": \"") + version
                       + "\"}\n");
        };
        write("v1");
        PythonCallbackOptions o = options(QString(), QStringLiteral("run_model"));
        o.scriptPath = path;
        o.reloadOnChange = true;
        PythonCallback callback(o);
        CallRecorder calls(callback);
        auto v1 = calls.startAction(1, {});
        WAIT_DONE(v1);
        QVERIFY2(v1->ok(), qPrintable(v1->error()));
        JSON_COMPARE(v1->value()["version"], "v1");

        QSignalSpy states(&callback, &Callback::stateChanged);
        write("v2");
        QTRY_VERIFY_WITH_TIMEOUT(!states.isEmpty(), ANGO_WAIT_MS);
        QCOMPARE(states.first().at(0).value<Callback::State>(), Callback::State::Restarting);
        QVERIFY(states.first().at(1).toString().contains(QStringLiteral("plugin.py changed")));
        QVERIFY(waitForState(callback, Callback::State::Ready));
        auto v2 = calls.startAction(2, {});
        WAIT_DONE(v2);
        QVERIFY2(v2->ok(), qPrintable(v2->error()));
        JSON_COMPARE(v2->value()["version"], "v2");
    }

    void missingInterpreter()
    {
        auto o = options(QStringLiteral("newest_plugin.py"));
        o.interpreter = QStringLiteral("/nonexistent/python3");
        PythonCallback callback(o);
        QVERIFY(waitForState(callback, Callback::State::Failed));
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->error().contains(QStringLiteral("python3 could not be started")),
                 qPrintable(outcome->error()));
    }
};

QTEST_GUILESS_MAIN(TestPythonCallback)
#include "tst_pythoncallback.moc"
