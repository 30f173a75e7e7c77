#include "callbacks/adapters/execcallback.h"
#include "callbacks/adapters/httpcallback.h"
#include "callbacks/adapters/pythoncallback.h"
#include "callrecorder.h"
#include "procstatus.h"
#include "recordinghttpserver.h"

#include <QFile>
#include <QStringList>
#include <QTest>

#include <memory>

using namespace ango;
using namespace ango::callbacks;
using namespace ango::callbacks::adapters;
using ango::test::CallRecorder;
using ango::test::RecordingHttpServer;
using ango::test::ScriptedResponse;
using ango::test::scriptPath;

namespace {

// Alive and not a zombie waiting for its parent.
bool processAlive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype paren = text.lastIndexOf(')');
    return paren > 0 && text.size() > paren + 2 && text.at(paren + 2) != 'Z';
}

QByteArray nestedText(int depth)
{
    return QByteArray(depth, '[') + QByteArray(depth, ']');
}

} // namespace

// Hostile results, output and redirects from the author's code (issue #14), against real child
// processes and real HTTP servers: each ends in a clear error and the callback keeps serving.
class TestHostileCallbacks : public QObject
{
    Q_OBJECT

private:
    static ExecCallbackOptions execOptions()
    {
        ExecCallbackOptions o;
        o.command = QStringLiteral("python3 -u \"%1\"")
                        .arg(scriptPath(QStringLiteral("hostile_exec.py")));
        return o;
    }
    static PythonCallbackOptions pythonOptions()
    {
        PythonCallbackOptions o;
        o.scriptPath = scriptPath(QStringLiteral("hostile_plugin.py"));
        o.bridgeDir = ango::test::sourcePath(QStringLiteral("resources/bridge"));
        return o;
    }
    static HttpCallbackOptions httpOptions(const QUrl &url)
    {
        HttpCallbackOptions o;
        o.url = url;
        return o;
    }
    static void expectStillServing(CallRecorder &calls, quint64 id)
    {
        auto next = calls.startAction(id, {{"action", "echo"}});
        WAIT_DONE(next);
        QVERIFY2(next->ok(), qPrintable(next->error()));
    }
    // Exec and python callbacks alike: a child the author's code spawned ends with the callback.
    template <typename Callback, typename Options>
    static void expectChildrenEndWithTheCallback(const Options &options)
    {
        qint64 child = 0;
        {
            Callback callback(options);
            CallRecorder calls(callback);
            auto outcome = calls.startAction(1, {{"action", "spawn"}});
            WAIT_DONE(outcome);
            QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
            child = outcome->value()["child"].get<qint64>();
            QVERIFY(processAlive(child));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(child), 5000);
    }
    // Exec and python callbacks alike: the worker's environment does not carry the plugin secret.
    template <typename Callback, typename Options>
    static void expectEnvironmentHasNoPluginSecret(const Options &options)
    {
        qputenv("ANGO_PLUGIN_SECRET", "a-plugin-secret-value");
        Callback callback(options);
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "env"}});
        WAIT_DONE(outcome);
        qunsetenv("ANGO_PLUGIN_SECRET");
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        QVERIFY(outcome->value()["secret"].is_null());
    }
    // One call to an HTTP callback ends in an error that says every one of `fragments`.
    static void expectHttpError(const HttpCallbackOptions &options, const QStringList &fragments)
    {
        HttpCallback callback(options);
        CallRecorder calls(callback);
        auto outcome = calls.start(1, ango::test::hubPayload());
        WAIT_DONE(outcome);
        for (const QString &fragment : fragments)
            QVERIFY2(outcome->error().contains(fragment), qPrintable(outcome->error()));
    }

private Q_SLOTS:
    void execResultNestedTooDeep()
    {
        ExecCallback callback(execOptions());
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "deep"}, {"depth", 70000}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->error().contains(QStringLiteral("nested deeper than 512 levels")),
                 qPrintable(outcome->error()));
        QVERIFY2(outcome->error().contains(QStringLiteral("exec callback python3")),
                 qPrintable(outcome->error()));
        expectStillServing(calls, 2);
    }

    // Under the frame limit (maxResultBytes plus the envelope) the line is parsed; the pool's
    // check of the value refuses it before anyone serialises it.
    void execResultOverTheSizeLimit()
    {
        ExecCallbackOptions o = execOptions();
        o.maxResultBytes = 4000;
        ExecCallback callback(o);
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "big"}, {"boxes", 100}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->error().contains(QStringLiteral("maxResultBytes")),
                 qPrintable(outcome->error()));
        expectStillServing(calls, 2);
    }

    // 1M boxes (about 70 MB of JSON, over the 64 MiB default): refused while it is read, never
    // parsed, and the memory is given back.
    void execMillionBoxesAreRefusedInBoundedMemory()
    {
        ANGO_SKIP_MEMORY_BOUNDS_UNDER_ASAN();
        ExecCallback callback(execOptions());
        CallRecorder calls(callback);
        expectStillServing(calls, 1);
        const qint64 peakBefore = ango::test::procStatusKb("VmHWM:");
        auto outcome = calls.startAction(2, {{"action", "big"}, {"boxes", 1000000}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->error().contains(QStringLiteral("maxResultBytes")),
                 qPrintable(outcome->error()));
        expectStillServing(calls, 3);
        const qint64 peakAfter = ango::test::procStatusKb("VmHWM:");
        const qint64 rssAfter = ango::test::procStatusKb("VmRSS:");
        qInfo("1M boxes refused: peak RSS %lld kB -> %lld kB, RSS after %lld kB", peakBefore,
              peakAfter, rssAfter);
        QVERIFY2(peakAfter - peakBefore < 200 * 1024, "peak RSS grew by more than 200 MB");
    }

    void execOutputIsCappedPerCall()
    {
        ExecCallback callback(execOptions());
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "flood"}, {"mb", 64}});
        QTRY_VERIFY_WITH_TIMEOUT(outcome->finished(), 60000);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        QVERIFY2(calls.output.size() <= Worker::kMaxOutputLinesPerCall + 1,
                 qPrintable(QString::number(calls.output.size())));
        qint64 shownBytes = 0;
        for (const auto &line : std::as_const(calls.output))
            shownBytes += line.first.size();
        QVERIFY(shownBytes <= Worker::kMaxOutputBytesPerCall + 1024);
        QVERIFY2(calls.output.last().first.contains(QStringLiteral("more lines")),
                 qPrintable(calls.output.last().first));
        QVERIFY(
            calls.output.last().first.contains(QString::number(65536 - calls.output.size() + 1)));
    }

    void execChildrenEndWithTheCallback()
    {
        expectChildrenEndWithTheCallback<ExecCallback>(execOptions());
    }

    // The runtime cancels a call that timed out: the worker's whole process group goes.
    void execChildrenEndWhenACallIsCancelled()
    {
        ExecCallback callback(execOptions());
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "spawn_and_hang"}});
        QTRY_VERIFY_WITH_TIMEOUT(!calls.output.isEmpty(), ANGO_WAIT_MS);
        const QString line = calls.output.first().first;
        QVERIFY2(line.startsWith(QStringLiteral("child ")), qPrintable(line));
        const qint64 child = line.mid(6).toLongLong();
        QVERIFY(processAlive(child));
        callback.cancel(1);
        QCOMPARE(outcome->doneCount, 1);
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(child), 5000);
        expectStillServing(calls, 2);
    }

    void execEnvironmentHasNoPluginSecret()
    {
        expectEnvironmentHasNoPluginSecret<ExecCallback>(execOptions());
    }

    void execHonoursShellQuoting()
    {
        ExecCallbackOptions o;
        // The inner shell sees  echo {\"quoted\":\"a b\"}  : two words, joined by echo with a
        // space.
        o.command = QStringLiteral(
            "sh -c 'while read -r line; do echo {\\\"quoted\\\":\\\"a b\\\"}; done'");
        ExecCallback callback(o);
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        QVERIFY(outcome->value()["quoted"] == "a b");
    }

    void pythonResultNestedTooDeep()
    {
        PythonCallback callback(pythonOptions());
        CallRecorder calls(callback);
        auto first = calls.startAction(1, {{"action", "pid"}});
        auto outcome = calls.startAction(2, {{"action", "deep"}, {"depth", 5000}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->error().contains(QStringLiteral("nested deeper than 512 levels")),
                 qPrintable(outcome->error()));
        QVERIFY2(outcome->error().startsWith(QStringLiteral("python callback hostile_plugin.py")),
                 qPrintable(outcome->error()));
        expectStillServing(calls, 3);
    }

    void pythonResultTooDeepForJsonDumps()
    {
        PythonCallback callback(pythonOptions());
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "too_deep_for_python"}, {"depth", 3000}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->error().contains(QStringLiteral("nested too deeply")),
                 qPrintable(outcome->error()));
        expectStillServing(calls, 2);
    }

    void pythonChildrenEndWithTheCallback()
    {
        expectChildrenEndWithTheCallback<PythonCallback>(pythonOptions());
    }

    void pythonEnvironmentHasNoPluginSecret()
    {
        expectEnvironmentHasNoPluginSecret<PythonCallback>(pythonOptions());
    }

    void httpResultNestedTooDeep()
    {
        RecordingHttpServer server;
        QVERIFY(server.listen());
        server.enqueue(ScriptedResponse::text(200, nestedText(70000), "application/json"));
        expectHttpError(httpOptions(server.url(QStringLiteral("/predict"))),
                        {QStringLiteral("nested deeper than 512 levels")});
    }

    void httpBodyOverTheSizeLimit()
    {
        RecordingHttpServer server;
        QVERIFY(server.listen());
        server.enqueue(
            ScriptedResponse::text(200, "[\"" + QByteArray(5000, 'x') + "\"]", "application/json"));
        HttpCallbackOptions o = httpOptions(server.url(QStringLiteral("/predict")));
        o.maxResultBytes = 1000;
        expectHttpError(o, {QStringLiteral("larger than 1000 bytes")});
    }

    void httpRedirectToAnotherOriginIsNotFollowed_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("307 would re-POST the payload") << 307;
        QTest::newRow("308 would re-POST the payload") << 308;
        QTest::newRow("302 would take the stranger's reply") << 302;
    }
    void httpRedirectToAnotherOriginIsNotFollowed()
    {
        QFETCH(int, status);
        RecordingHttpServer endpoint;
        RecordingHttpServer stranger;
        QVERIFY(endpoint.listen());
        QVERIFY(stranger.listen());
        const QUrl elsewhere = stranger.url(QStringLiteral("/collect"));
        endpoint.enqueue(ScriptedResponse::redirect(elsewhere, status));
        stranger.setFallback(ScriptedResponse::json(200, {{"objects", "from the stranger"}}));
        expectHttpError(httpOptions(endpoint.url(QStringLiteral("/predict"))),
                        {elsewhere.toString(), QStringLiteral("another origin")});
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(stranger.requestCount(), 0); // the apiKey never went there
        QCOMPARE(endpoint.requestCount(), 1);
    }

    void httpSameOriginRedirectsAreFollowedUpToThree()
    {
        RecordingHttpServer server;
        QVERIFY(server.listen());
        server.enqueue("/a", ScriptedResponse::redirect(server.url(QStringLiteral("/b")), 307));
        server.enqueue("/b", ScriptedResponse::json(200, {{"objects", nlohmann::json::array()}}));
        HttpCallback callback(httpOptions(server.url(QStringLiteral("/a"))));
        CallRecorder calls(callback);
        auto outcome = calls.start(1, ango::test::hubPayload());
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        QCOMPARE(server.requestCount(), 2);
        QCOMPARE(server.requests().last().method, QByteArray("POST"));

        // /r0 -> /r1 -> /r2 -> /r3 -> /r4: the fourth redirect is one too many.
        for (int i = 0; i < 4; ++i)
            server.setRoute(
                "/r" + QByteArray::number(i),
                ScriptedResponse::redirect(server.url(QStringLiteral("/r%1").arg(i + 1)), 307));
        HttpCallback looping(httpOptions(server.url(QStringLiteral("/r0"))));
        CallRecorder loopingCalls(looping);
        auto outcome2 = loopingCalls.start(2, ango::test::hubPayload());
        WAIT_DONE(outcome2);
        QVERIFY2(outcome2->error().contains(QStringLiteral("more than 3 redirects")),
                 qPrintable(outcome2->error()));
        QVERIFY2(outcome2->error().contains(server.url(QStringLiteral("/r4")).toString()),
                 qPrintable(outcome2->error()));
        QCOMPARE(server.requestCount(), 2 + 4);
    }
};

QTEST_GUILESS_MAIN(TestHostileCallbacks)
#include "tst_hostilecallbacks.moc"
