#include "callbacks/adapters/execcallback.h"
#include "callrecorder.h"

#include <QSignalSpy>
#include <QTest>

using namespace ango;
using namespace ango::callbacks;
using namespace ango::callbacks::adapters;
using ango::test::CallRecorder;
using ango::test::scriptPath;

// The exec: adapter with a small JSON-lines program (scripts/exec_model.py under python3).
class TestExecCallback : public QObject
{
    Q_OBJECT

private:
    static ExecCallbackOptions options(int concurrency = 1)
    {
        ExecCallbackOptions o;
        o.command
            = QStringLiteral("python3 -u \"%1\"").arg(scriptPath(QStringLiteral("exec_model.py")));
        o.concurrency = concurrency;
        return o;
    }

private Q_SLOTS:
    void requestInResultOut()
    {
        ExecCallback callback(options());
        CallRecorder calls(callback);
        const nlohmann::json request = ango::test::hubPayload({{"action", "echo"}});
        auto outcome = calls.start(1, request);
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        JSON_COMPARE(outcome->value()["echo"], request); // the payload as is, apiKey included
        QVERIFY(calls.sawOutput(QStringLiteral("working on asset-1"), true)); // stderr
        QCOMPARE(outcome->outputLinesAtDone, 1);
        QCOMPARE(callback.state(), Callback::State::Ready);
    }

    void nonJsonStdoutIsOutput()
    {
        ExecCallback callback(options());
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "noise"}});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->ok(), qPrintable(outcome->error()));
        JSON_COMPARE(outcome->value(), nlohmann::json({{"quiet", false}}));
        QVERIFY(calls.sawOutput(QStringLiteral("loading model..."), false));
    }

    void errorLine()
    {
        ExecCallback callback(options());
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {{"action", "error"}});
        WAIT_DONE(outcome);
        QCOMPARE(outcome->error(), QStringLiteral("no such asset"));
    }

    void manyCallsInOrder_data()
    {
        QTest::addColumn<int>("concurrency");
        QTest::newRow("one process") << 1;
        QTest::newRow("three processes") << 3;
    }

    void manyCallsInOrder()
    {
        QFETCH(int, concurrency);
        ExecCallback callback(options(concurrency));
        CallRecorder calls(callback);
        QList<std::shared_ptr<ango::test::CallOutcome>> outcomes;
        for (quint64 id = 1; id <= 30; ++id) {
            nlohmann::json request = ango::test::hubPayload({{"action", "echo"}});
            request["session"] = "s" + std::to_string(id);
            outcomes << calls.start(id, request);
        }
        for (int i = 0; i < outcomes.size(); ++i) {
            WAIT_DONE(outcomes[i]);
            QVERIFY2(outcomes[i]->ok(), qPrintable(outcomes[i]->error()));
            QCOMPARE(outcomes[i]->doneCount, 1);
            JSON_COMPARE(outcomes[i]->value()["echo"]["session"], "s" + std::to_string(i + 1));
        }
    }

    void crashIsReportedAndTheProcessRestarted()
    {
        ExecCallback callback(options());
        CallRecorder calls(callback);
        auto first = calls.startAction(1, {{"action", "echo"}});
        WAIT_DONE(first);
        auto crashing = calls.startAction(2, {{"action", "exit"}});
        WAIT_DONE(crashing);
        QVERIFY2(
            crashing->error().contains(QStringLiteral("exited with code 5 while running call 2")),
            qPrintable(crashing->error()));
        auto next = calls.startAction(3, {{"action", "echo"}});
        WAIT_DONE(next);
        QVERIFY2(next->ok(), qPrintable(next->error()));
        QVERIFY(next->value()["pid"] != first->value()["pid"]);
    }

    void cancelRestartsAHangingProcess()
    {
        ExecCallback callback(options());
        CallRecorder calls(callback);
        auto hanging = calls.startAction(1, {{"action", "hang"}});
        QTRY_VERIFY_WITH_TIMEOUT(calls.sawOutput(QStringLiteral("hanging"), true), ANGO_WAIT_MS);
        callback.cancel(1);
        QCOMPARE(hanging->doneCount, 1);
        QVERIFY(hanging->error().contains(QStringLiteral("cancelled")));
        auto next = calls.startAction(2, {{"action", "echo"}});
        WAIT_DONE(next);
        QVERIFY2(next->ok(), qPrintable(next->error()));
    }

    void missingProgram()
    {
        ExecCallbackOptions o;
        o.command = QStringLiteral("/nonexistent/model --serve");
        ExecCallback callback(o);
        QTRY_COMPARE_WITH_TIMEOUT(callback.state(), Callback::State::Failed, ANGO_WAIT_MS);
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->error().startsWith(QStringLiteral("model could not be started")),
                 qPrintable(outcome->error()));
    }

    void programThatExitsAtOnce()
    {
        ExecCallbackOptions o;
        o.command = QStringLiteral(
            "python3 -c \"import sys; print('no model here', file=sys.stderr); sys.exit(2)\"");
        ExecCallback callback(o);
        CallRecorder calls(callback);
        auto outcome = calls.startAction(1, {});
        WAIT_DONE(outcome);
        QVERIFY2(outcome->error().contains(QStringLiteral("exited with code 2")),
                 qPrintable(outcome->error()));
        QVERIFY(calls.sawOutput(QStringLiteral("no model here"), true));
    }
};

QTEST_GUILESS_MAIN(TestExecCallback)
#include "tst_execcallback.moc"
