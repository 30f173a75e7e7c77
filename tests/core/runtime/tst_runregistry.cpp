#include "callbacks/adapters/pythoncallback.h"
#include "callbacks/functioncallback.h"
#include "jsoncompare.h"
#include "runtime/pluginruntime.h"
#include "runtime/runregistry.h"
#include "testpaths.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

// Runs as core keeps them: every source through one registry, typed stages, the review gate for
// local runs, replays of the recorded request, and a callback's output logged once with its run.
// No hub: local runs need none (the hub paths are in tst_pluginruntime).

using namespace ango;
using nlohmann::json;

namespace {

json emptyAnswer()
{
    return {{"objects", json::array()},
            {"classifications", json::array()},
            {"relations", json::array()}};
}

json payload(const std::string &session, const std::string &config)
{
    return {{"projectId", "p"},
            {"categorySchema", json::array({{{"schemaId", "s-car"}, {"modelClass", "car"}}})},
            {"assetId", "a-1"},
            {"dataURL", "file:///tmp/image-1.png"},
            {"apiKey", "local-api-key-0123456789"},
            {"session", session},
            {"configJSON", config}};
}

runtime::RuntimeOptions offline(runtime::ReviewPolicy review = runtime::ReviewPolicy::Auto)
{
    runtime::RuntimeOptions options;
    options.hubUrl = QUrl(QStringLiteral("http://127.0.0.1:9")); // never started
    options.review = review;
    return options;
}

// A runtime without a hub and the registry that follows it.
struct Offline
{
    explicit Offline(callbacks::Callback *callback,
                     runtime::ReviewPolicy review = runtime::ReviewPolicy::Auto)
        : rt(offline(review), callback)
    {
        runs.observe(&rt);
        QObject::connect(&rt, &runtime::PluginRuntime::logged, &runs,
                         [this](const logging::LogEntry &entry) { logs.append(entry); });
    }
    // Starts a local run and waits (bounded) until it has finished; its id in the registry.
    quint64 runToTheEnd(const json &request)
    {
        const qsizetype before = finished.count();
        const quint64 id = runs.startLocal(request);
        return QTest::qWaitFor([&] { return finished.count() > before; }, 5000) ? id : 0;
    }
    runtime::PluginRuntime rt;
    runtime::RunRegistry runs;
    QSignalSpy finished{&runs, &runtime::RunRegistry::localRunFinished};
    QList<logging::LogEntry> logs; // the runtime's log
};

} // namespace

class tst_RunRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    void localRunHasTypedStagesInOrder();
    void holdAppliesToLocalRuns_data();
    void holdAppliesToLocalRuns();
    void replaySendsTheRecordedRequestExactly();
    void replayWithCurrentSettingsIsItsOwnRequest();
    void printAppearsOnceWithItsSession();

private:
    QList<json> m_asked; // what the callback was asked, in order
    std::unique_ptr<callbacks::FunctionCallback> m_callback;
};

void tst_RunRegistry::init()
{
    m_asked.clear();
    m_callback = std::make_unique<callbacks::FunctionCallback>([this](const callbacks::Call &call) {
        m_asked.append(call.request);
        return Result<json>(emptyAnswer());
    });
}

void tst_RunRegistry::localRunHasTypedStagesInOrder()
{
    Offline o(m_callback.get());
    const quint64 id = o.runToTheEnd(payload("s-1", "{}"));
    QCOMPARE(o.finished.count(), 1);
    auto &runs = o.runs;
    const runtime::Run *run = runs.run(id);
    QVERIFY(run);
    QCOMPARE(run->source, runtime::RunSource::Local);
    QCOMPARE(run->session, QStringLiteral("s-1"));
    QList<runtime::RequestStage> stages;
    for (const auto &stage : run->stages) {
        stages << stage.stage;
        QVERIFY(stage.time.isValid());
    }
    const QList<runtime::RequestStage> expected{
        runtime::RequestStage::Received, runtime::RequestStage::CallbackStarted,
        runtime::RequestStage::CallbackFinished, runtime::RequestStage::Validated,
        runtime::RequestStage::Delivered};
    QCOMPARE(stages, expected);
    QCOMPARE(run->outcome, runtime::RunOutcome::Delivered);
    JSON_COMPARE(run->result, emptyAnswer());
    QVERIFY(run->answer.has_value());
    QCOMPARE(runs.awaited(), quint64(0));
}

void tst_RunRegistry::holdAppliesToLocalRuns_data()
{
    QTest::addColumn<bool>("approve");
    QTest::newRow("approved") << true;
    QTest::newRow("discarded") << false;
}

void tst_RunRegistry::holdAppliesToLocalRuns()
{
    QFETCH(bool, approve);
    Offline o(m_callback.get(), runtime::ReviewPolicy::Hold);
    auto &rt = o.rt;
    auto &runs = o.runs;
    auto &finished = o.finished;
    QSignalSpy pending(&rt, &runtime::PluginRuntime::pendingChanged);
    const quint64 id = runs.startLocal(payload("held-1", "{}"));
    QTRY_COMPARE(rt.pendingResults().size(), 1);
    QVERIFY(pending.count() >= 1);
    // Held: nobody got the outcome yet, and the console still waits for it.
    QCOMPARE(finished.count(), 0);
    QCOMPARE(runs.awaited(), id);
    const runtime::PendingResult held = rt.pendingResults().constFirst();
    QVERIFY(held.local);
    QCOMPARE(runs.runOfPending(held.id)->id, id);
    QCOMPARE(runs.run(id)->review, runtime::ReviewState::Held);

    QVERIFY(approve ? rt.approve(held.id) : rt.discard(held.id));
    QTRY_COMPARE(finished.count(), 1);
    const auto outcome = finished.first().at(1).value<runtime::LocalRunResult>();
    QVERIFY(rt.pendingResults().isEmpty());
    if (approve) {
        QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
        JSON_COMPARE(outcome.result, emptyAnswer());
        QCOMPARE(runs.run(id)->review, runtime::ReviewState::Approved);
        QCOMPARE(runs.run(id)->outcome, runtime::RunOutcome::Delivered);
    } else {
        QCOMPARE(outcome.error, QStringLiteral("discarded by the reviewer"));
        QCOMPARE(runs.run(id)->review, runtime::ReviewState::Discarded);
        QCOMPARE(runs.run(id)->outcome, runtime::RunOutcome::Discarded);
    }
    QVERIFY(!(approve ? rt.approve(held.id) : rt.discard(held.id))); // once only
    QCOMPARE(finished.count(), 1);
}

void tst_RunRegistry::replaySendsTheRecordedRequestExactly()
{
    Offline o(m_callback.get());
    auto &runs = o.runs;
    auto &finished = o.finished;
    const auto &logs = o.logs;
    const json original = payload("r-1", R"({"threshold": 0.25})");
    const quint64 first = runs.startLocal(original);
    QTRY_COMPARE(finished.count(), 1);

    auto replayed = runs.replay(first);
    QVERIFY2(replayed, replayed ? "" : qPrintable(replayed.error().message));
    QTRY_COMPARE(finished.count(), 2);
    QCOMPARE(m_asked.size(), 2);
    // Exactly the recorded request: mapping, config, asset and key ("batches" is the runtime's
    // own addition, the same both times).
    JSON_COMPARE(m_asked.at(1), m_asked.at(0));
    const runtime::Run *replay = runs.run(*replayed);
    QCOMPARE(replay->source, runtime::RunSource::Replay);
    QCOMPARE(replay->replayOf, first);
    JSON_COMPARE(replay->request, original);
    QVERIFY(replay->stages.front().detail.startsWith(QStringLiteral("replay of request")));
    bool marked = false;
    for (const auto &entry : logs)
        marked |= entry.session == u"r-1" && entry.message.startsWith(u"replay of request");
    QVERIFY(marked);
    QCOMPARE(runs.runsOfSession(QStringLiteral("r-1")).size(), 2);
    QVERIFY(!runs.replay(9999));
}

void tst_RunRegistry::replayWithCurrentSettingsIsItsOwnRequest()
{
    Offline o(m_callback.get());
    const quint64 first = o.runToTheEnd(payload("c-1", "{}"));
    auto &runs = o.runs;
    auto &finished = o.finished;
    QCOMPARE(finished.count(), 1);
    json current = runs.run(first)->request;
    current["configJSON"] = R"({"threshold": 0.9})";
    auto replayed = runs.replay(first, current);
    QVERIFY(replayed);
    QTRY_COMPARE(finished.count(), 2);
    JSON_COMPARE(m_asked.at(1)["configJSON"], json(R"({"threshold": 0.9})"));
    QCOMPARE(runs.run(*replayed)->replayOf, first);
}

void tst_RunRegistry::printAppearsOnceWithItsSession()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString script = dir.filePath(QStringLiteral("printing.py"));
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("def model(data):\n"
               "    data['logger'].info('logger line')\n"
               "    print('printed by the callback', flush=True)\n"
               "    return {'objects': [], 'classifications': [], 'relations': []}\n");
    file.close();
    callbacks::adapters::PythonCallbackOptions options;
    options.scriptPath = script;
    options.function = QStringLiteral("model");
    options.bridgeDir = test::sourcePath(QStringLiteral("resources/bridge"));
    callbacks::adapters::PythonCallback python(options);
    Offline o(&python);
    auto &runs = o.runs;
    auto &finished = o.finished;
    const auto &logs = o.logs;
    runs.startLocal(payload("print-1", "{}"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    const auto outcome = finished.first().at(1).value<runtime::LocalRunResult>();
    QVERIFY2(outcome.error.isEmpty(), qPrintable(outcome.error));
    auto printed = [&logs] {
        QList<logging::LogEntry> found;
        for (const auto &entry : logs)
            if (entry.message.contains(u"printed by the callback"))
                found << entry;
        return found;
    };
    // The stdout line may arrive just after the result (it travels on its own pipe).
    QTRY_COMPARE(printed().size(), 1);
    const logging::LogEntry line = printed().constFirst();
    QCOMPARE(line.session, QStringLiteral("print-1"));
    QCOMPARE(line.kind, QStringLiteral("stdout"));
    QCOMPARE(line.category, QStringLiteral("callback"));
}

QTEST_GUILESS_MAIN(tst_RunRegistry)
#include "tst_runregistry.moc"
