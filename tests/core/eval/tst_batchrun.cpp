// Batch runs through the runtime's local-run path: N at a time, cache hits on a re-run, a changed
// image/config/callback recomputed, failures not cached, cancel.
#include "callbacks/functioncallback.h"
#include "eval/batchrun.h"
#include "runtime/pluginruntime.h"
#include "testfiles.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <map>

using namespace ango;
using namespace ango::eval;
using ango::test::writeFile;
using nlohmann::json;

class tst_BatchRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void runsEveryImageOnceAndResumesFromCache();
    void changesAreRecomputed();
    void failuresAreNotCached();
    void keepsConcurrencyAndCancels();
    void runtimeReplacedMidBatch();

private:
    Dataset dataset() const;
    BatchOptions options() const;
    // Runs a batch to its end; returns the finished flag's value.
    bool runToEnd(BatchRun &batch);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::map<std::string, int> m_calls;
    QSet<QString> m_failOn;
    std::unique_ptr<callbacks::FunctionCallback> m_callback;
    std::unique_ptr<runtime::PluginRuntime> m_runtime;
};

void tst_BatchRun::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("images"))));
    for (int i = 0; i < 6; ++i)
        writeFile(m_dir->filePath(QStringLiteral("images/%1.png").arg(i)),
                  QByteArray("image-") + QByteArray::number(i));
    m_calls.clear();
    m_failOn.clear();
    m_callback = std::make_unique<callbacks::FunctionCallback>(
        [this](const callbacks::Call &call) -> Result<json> {
            const std::string url = call.request.value("dataURL", "");
            ++m_calls[url];
            if (m_failOn.contains(QString::fromStdString(call.request.value("assetId", ""))))
                return makeError(QStringLiteral("model exploded"));
            const std::string config = call.request.value("configJSON", "");
            return json{{"objects",
                         {{{"schemaId", call.request["categorySchema"][0]["schemaId"]},
                           {"confidence", 0.5},
                           {"note", config},
                           {"bounding-box", {{"x", 1}, {"y", 2}, {"width", 3}, {"height", 4}}}}}}};
        });
    m_runtime
        = std::make_unique<runtime::PluginRuntime>(runtime::RuntimeOptions{}, m_callback.get());
}

Dataset tst_BatchRun::dataset() const
{
    auto d = loadImageFolder(m_dir->filePath(QStringLiteral("images")));
    return d.ok() ? std::move(d.value()) : Dataset{};
}

BatchOptions tst_BatchRun::options() const
{
    BatchOptions o;
    o.callbackIdentity = QStringLiteral("function:test");
    o.categorySchema = json::parse(R"([{"schemaId": "cat", "modelClass": "kitty"}])");
    o.configJson = QStringLiteral("{\"threshold\": 0.5}");
    o.concurrency = 2;
    o.cacheDir = m_dir->filePath(QStringLiteral("cache"));
    return o;
}

bool tst_BatchRun::runToEnd(BatchRun &batch)
{
    QSignalSpy finished(&batch, &BatchRun::finished);
    batch.start();
    if (!finished.wait(20000) && finished.isEmpty())
        return false;
    return finished.size() == 1 && !finished.first().first().toBool();
}

void tst_BatchRun::runsEveryImageOnceAndResumesFromCache()
{
    const Dataset d = dataset();
    QCOMPARE(d.images.size(), 6u);
    BatchRun first(m_runtime.get(), d, options());
    QVERIFY(runToEnd(first));
    QCOMPARE(m_calls.size(), 6u);
    for (const auto &[url, count] : m_calls)
        QCOMPARE(count, 1);
    const BatchProgress p = first.progress();
    QCOMPARE(p.done, 6);
    QCOMPARE(p.cached, 0);
    QCOMPARE(p.failed, 0);
    QCOMPARE(p.etaSeconds, 0.0);
    const json payload = first.payloadFor(2);
    QCOMPARE(QString::fromStdString(payload["dataURL"].get<std::string>()), d.images[2].url);
    QCOMPARE(payload["configJSON"].get<std::string>(), std::string("{\"threshold\": 0.5}"));
    QCOMPARE(QDir(options().cacheDir).entryList(QDir::Files).size(), 6);

    m_calls.clear();
    BatchRun again(m_runtime.get(), d, options());
    QVERIFY(runToEnd(again));
    QVERIFY(m_calls.empty());
    QCOMPARE(again.progress().cached, 6);
    for (std::size_t i = 0; i < d.images.size(); ++i) {
        QVERIFY(again.runs()[i].cached);
        QVERIFY(again.runs()[i].answer.has_value());
        QVERIFY(again.runs()[i].result == first.runs()[i].result);
    }
}

void tst_BatchRun::changesAreRecomputed()
{
    const Dataset d = dataset();
    BatchRun first(m_runtime.get(), d, options());
    QVERIFY(runToEnd(first));

    m_calls.clear();
    writeFile(d.images[4].localPath, "changed pixels");
    BatchRun changedImage(m_runtime.get(), d, options());
    QVERIFY(runToEnd(changedImage));
    QCOMPARE(m_calls.size(), 1u);
    QCOMPARE(m_calls.begin()->first, d.images[4].url.toStdString());

    struct Change
    {
        const char *what;
        std::function<void(BatchOptions &)> apply;
    };
    const std::vector<Change> changes{
        {"config", [](BatchOptions &o) { o.configJson = QStringLiteral("{\"threshold\": 0.9}"); }},
        {"no config", [](BatchOptions &o) { o.configJson.reset(); }},
        {"mapping", [](BatchOptions &o) { o.categorySchema[0]["modelClass"] = "cat"; }},
        {"callback", [](BatchOptions &o) { o.callbackIdentity = QStringLiteral("function:v2"); }},
    };
    for (const Change &change : changes) {
        m_calls.clear();
        BatchOptions o = options();
        change.apply(o);
        BatchRun batch(m_runtime.get(), d, o);
        QVERIFY(runToEnd(batch));
        QVERIFY2(m_calls.size() == 6u, change.what);
        QCOMPARE(batch.progress().cached, 0);
    }
}

void tst_BatchRun::failuresAreNotCached()
{
    const Dataset d = dataset();
    m_failOn.insert(d.images[1].key);
    BatchRun first(m_runtime.get(), d, options());
    QVERIFY(runToEnd(first));
    QCOMPARE(first.progress().failed, 1);
    QCOMPARE(first.runs()[1].state, ImageRun::State::Failed);
    QVERIFY(first.runs()[1].error.contains(QStringLiteral("model exploded")));

    m_failOn.clear();
    m_calls.clear();
    BatchRun again(m_runtime.get(), d, options());
    QVERIFY(runToEnd(again));
    QCOMPARE(m_calls.size(), 1u);
    QCOMPARE(m_calls.begin()->first, d.images[1].url.toStdString());
    QCOMPARE(again.progress().failed, 0);
}

void tst_BatchRun::keepsConcurrencyAndCancels()
{
    // An asynchronous callback that answers only when told: the in-flight count is observable.
    std::vector<callbacks::Callback::Done> waiting;
    int maxInFlight = 0;
    callbacks::FunctionCallback held([&](callbacks::Call, callbacks::Callback::Done done) {
        waiting.push_back(std::move(done));
        maxInFlight = std::max(maxInFlight, int(waiting.size()));
    });
    runtime::PluginRuntime runtime(runtime::RuntimeOptions{}, &held);
    const Dataset d = dataset();
    BatchOptions o = options();
    o.cacheDir.clear();
    o.concurrency = 3;
    BatchRun batch(&runtime, d, o);
    QSignalSpy finished(&batch, &BatchRun::finished);
    QSignalSpy progressed(&batch, &BatchRun::progressed);
    batch.start();
    QTRY_COMPARE(int(waiting.size()), 3);
    QCOMPARE(batch.progress().running, 3);
    // One answer frees one slot.
    auto done = std::move(waiting.front());
    waiting.erase(waiting.begin());
    done(json{{"objects", json::array()}});
    QTRY_COMPARE(int(waiting.size()), 3);
    QCOMPARE(maxInFlight, 3);
    QCOMPARE(batch.progress().done, 1);
    QVERIFY(batch.progress().ratePerSecond > 0);
    QVERIFY(batch.progress().etaSeconds > 0);

    batch.cancel();
    QTRY_COMPARE(finished.size(), 1);
    QVERIFY(finished.first().first().toBool());
    qsizetype cancelled = 0;
    for (const ImageRun &run : batch.runs())
        cancelled += run.state == ImageRun::State::Cancelled;
    QCOMPARE(cancelled, 5);
    QCOMPARE(batch.progress().done, 6);
    for (auto &late : waiting)
        late(json{{"objects", json::array()}}); // answers after the cancel are ignored
    QCOMPARE(finished.size(), 1);
}

void tst_BatchRun::runtimeReplacedMidBatch()
{
    // The console rebuilds its runtime on connect: the batch must end, not wait forever.
    std::vector<callbacks::Callback::Done> waiting;
    callbacks::FunctionCallback held([&](callbacks::Call, callbacks::Callback::Done done) {
        waiting.push_back(std::move(done));
    });
    auto runtime = std::make_unique<runtime::PluginRuntime>(runtime::RuntimeOptions{}, &held);
    const Dataset d = dataset();
    BatchOptions o = options();
    o.concurrency = 2;
    BatchRun batch(runtime.get(), d, o);
    QSignalSpy finished(&batch, &BatchRun::finished);
    batch.start();
    QTRY_COMPARE(int(waiting.size()), 2);
    runtime.reset();
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(batch.progress().failed, 6);
    QVERIFY(batch.runs()[0].error.contains(QStringLiteral("replaced")));
}

QTEST_GUILESS_MAIN(tst_BatchRun)
#include "tst_batchrun.moc"
