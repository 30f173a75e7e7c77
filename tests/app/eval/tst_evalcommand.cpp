// `ango-console eval` end to end with a real python3 plugin script: the report's numbers for a
// dataset whose answers are known, the --min-map gate, exit 2 on bad input, exports, and a batch
// killed halfway that resumes with nothing computed twice and nothing lost, and one interrupted by
// SIGINT/SIGTERM that finishes what it started, says so, exits 130 and resumes.
#include "evalprocess.h"
#include "testfiles.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <csignal>

using ango::test::writeFile;
using nlohmann::json;

namespace {

QStringList readLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

json readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return json();
    return json::parse(file.readAll().toStdString(), nullptr, false);
}

using ango::test::Finished;

} // namespace

class tst_EvalCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void reportsKnownAnswers();
    void gatesOnMinMap();
    void badInputExitsTwo_data();
    void badInputExitsTwo();
    void datasetProblemsAreWarnings();
    void resumesAfterKill();
    void signalFinishesRunningAndResumes_data();
    void signalFinishesRunningAndResumes();

private:
    // 8 images: 4 with a cat and a dog each. The model finds every cat exactly; it finds the
    // dogs of images 0 and 1 only; it also "sees" a bird (no ground truth) on image 2.
    void writeDataset(int images = 8);
    QStringList baseArguments(const json &config = json::object()) const;
    Finished run(const QStringList &arguments);

    std::unique_ptr<QTemporaryDir> m_dir;
    json m_coco;
};

void tst_EvalCommand::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("images"))));
    writeDataset();
    writeFile(m_dir->filePath(QStringLiteral("mapping.json")),
              R"({"kitty": "cat", "puppy": "dog", "birdie": "bird"})");
}

void tst_EvalCommand::writeDataset(int images)
{
    m_coco = {{"images", json::array()},
              {"annotations", json::array()},
              {"categories",
               {{{"id", 1}, {"name", "cat"}},
                {{"id", 2}, {"name", "dog"}},
                {{"id", 3}, {"name", "bird"}}}}};
    int annotation = 0;
    for (int i = 0; i < images; ++i) {
        const std::string name = "img" + std::to_string(i) + ".png";
        m_coco["images"].push_back(
            {{"id", i + 1}, {"file_name", name}, {"width", 640}, {"height", 480}});
        json seen = json::array();
        if (i < 4) {
            const json cat = {10 + i, 20, 100, 80};
            const json dog = {300, 200 + i, 120, 90};
            m_coco["annotations"].push_back(
                {{"id", ++annotation}, {"image_id", i + 1}, {"category_id", 1}, {"bbox", cat}});
            m_coco["annotations"].push_back(
                {{"id", ++annotation}, {"image_id", i + 1}, {"category_id", 2}, {"bbox", dog}});
            seen.push_back({{"cls", "kitty"}, {"box", cat}, {"score", 0.9}});
            if (i < 2)
                seen.push_back({{"cls", "puppy"}, {"box", dog}, {"score", 0.8}});
            if (i == 2)
                seen.push_back({{"cls", "birdie"}, {"box", {500, 10, 50, 50}}, {"score", 0.7}});
        }
        writeFile(m_dir->filePath(QStringLiteral("images/") + QString::fromStdString(name)),
                  QByteArray::fromStdString(json{{"name", name}, {"objects", seen}}.dump()));
    }
    writeFile(m_dir->filePath(QStringLiteral("coco.json")),
              QByteArray::fromStdString(m_coco.dump()));
}

QStringList tst_EvalCommand::baseArguments(const json &config) const
{
    return {QStringLiteral("eval"),
            QStringLiteral("--callback"),
            QStringLiteral("python:" ANGO_EVAL_MODEL),
            QStringLiteral("--coco"),
            m_dir->filePath(QStringLiteral("coco.json")),
            QStringLiteral("--images"),
            m_dir->filePath(QStringLiteral("images")),
            QStringLiteral("--mapping"),
            m_dir->filePath(QStringLiteral("mapping.json")),
            QStringLiteral("--cache-dir"),
            m_dir->filePath(QStringLiteral("cache")),
            QStringLiteral("--config"),
            QString::fromStdString(config.dump())};
}

Finished tst_EvalCommand::run(const QStringList &arguments)
{
    return ango::test::runEvalCli(arguments);
}

void tst_EvalCommand::reportsKnownAnswers()
{
    const QString report = m_dir->filePath(QStringLiteral("report.json"));
    const QString predictions = m_dir->filePath(QStringLiteral("predictions.json"));
    const QString labels = m_dir->filePath(QStringLiteral("labels.json"));
    const Finished done = run(
        baseArguments()
        + QStringList{QStringLiteral("--out"), report, QStringLiteral("--predictions"), predictions,
                      QStringLiteral("--label-import"), labels, QStringLiteral("--project-id"),
                      QStringLiteral("p1"), QStringLiteral("--concurrency"), QStringLiteral("2")});
    QVERIFY2(done.code == 0, qPrintable(done.err));
    const json r = readJson(report);
    QVERIFY(r.is_object());
    // cat: all found exactly -> 1. dog: half found, precision 1 -> recall points 0..0.50 -> 51/101.
    QCOMPARE(r["classes"]["cat"]["AP"].get<double>(), 1.0);
    QCOMPARE(r["classes"]["dog"]["AP50"].get<double>(), 51.0 / 101.0);
    QCOMPARE(r["classes"]["bird"]["AP"].get<double>(), -1.0); // no ground truth
    QCOMPARE(r["classes"]["bird"]["detections"].get<int>(), 1);
    QVERIFY(std::abs(r["overall"]["AP"].get<double>() - (1.0 + 51.0 / 101.0) / 2) < 1e-12);
    QVERIFY(std::abs(r["overall"]["AP75"].get<double>() - (1.0 + 51.0 / 101.0) / 2) < 1e-12);
    QCOMPARE(r["images"].size(), 8u);
    QCOMPARE(r["images"][0]["tp"].get<int>(), 2);
    QCOMPARE(r["images"][2]["fn"].get<int>(), 1);
    QCOMPARE(r["images"][2]["fp"].get<int>(), 1); // the bird
    QVERIFY(r["latencyMs"]["p50"].get<double>() >= 0);
    QCOMPARE(r["run"]["computed"].get<int>(), 8);
    QCOMPARE(r["dataset"]["kind"].get<std::string>(), std::string("coco"));
    QCOMPARE(r["mapping"]["categorySchema"].size(), 3u);
    QVERIFY(r["callback"]["identity"].get<std::string>().find("#") != std::string::npos);
    // Confusion: rows truth, columns predicted; cat-cat 4, dog-dog 2, dog missed 2, bird on
    // nothing.
    const json &m = r["confusion"]["matrix"];
    QCOMPARE(m[0][0].get<int>(), 4);
    QCOMPARE(m[1][1].get<int>(), 2);
    QCOMPARE(m[1][3].get<int>(), 2);
    QCOMPARE(m[3][2].get<int>(), 1);
    QVERIFY(done.out.contains(QStringLiteral("cat")));
    QVERIFY(done.out.contains(QStringLiteral("1.000")));
    QVERIFY(done.out.contains(QStringLiteral("0.505"))); // dog AP50 in the table

    const json p = readJson(predictions);
    QCOMPARE(p.size(), 7u); // 4 cats, 2 dogs, 1 bird
    QCOMPARE(p[0]["image_id"].get<int>(), 1);
    QCOMPARE(p[0]["category_id"].get<int>(), 1);
    QCOMPARE(p[0]["score"].get<double>(), 0.9);
    const json l = readJson(labels);
    QCOMPARE(l["project"].get<std::string>(), std::string("p1"));
    QCOMPARE(l["jsonContent"].size(), 8u);
    QCOMPARE(l["jsonContent"][0]["externalId"].get<std::string>(), std::string("1"));
    QCOMPARE(l["jsonContent"][0]["objects"][0]["schemaId"].get<std::string>(), std::string("cat"));
}

void tst_EvalCommand::gatesOnMinMap()
{
    const Finished below = run(baseArguments() + QStringList{QStringLiteral("--min-map=0.9")});
    QCOMPARE(below.code, 1);
    QVERIFY2(below.err.contains(QStringLiteral("below --min-map 0.9")), qPrintable(below.err));
    const Finished above = run(baseArguments() + QStringList{QStringLiteral("--min-map=0.7")});
    QCOMPARE(above.code, 0);
}

void tst_EvalCommand::badInputExitsTwo_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QByteArray>("coco");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bad flag") << QStringList{QStringLiteral("--bogus=1")} << QByteArray()
                              << QStringLiteral("unknown flag --bogus");
    QTest::newRow("not json") << QStringList{} << QByteArray("{")
                              << QStringLiteral("coco.json: is not valid JSON");
    QTest::newRow("no categories")
        << QStringList{} << QByteArray(R"({"images": [], "annotations": []})")
        << QStringLiteral("coco.json: categories: is missing");
}

void tst_EvalCommand::badInputExitsTwo()
{
    QFETCH(QStringList, extra);
    QFETCH(QByteArray, coco);
    QFETCH(QString, expected);
    if (!coco.isEmpty())
        writeFile(m_dir->filePath(QStringLiteral("coco.json")), coco);
    const Finished done = run(baseArguments() + extra);
    QCOMPARE(done.code, 2);
    QVERIFY2(done.err.contains(expected), qPrintable(done.err));
    writeDataset();
    writeFile(m_dir->filePath(QStringLiteral("mapping.json")), R"({"kitty": "lion"})");
    const Finished mapping = run(baseArguments());
    QCOMPARE(mapping.code, 2);
    QVERIFY2(mapping.err.contains(QStringLiteral("mapping.json: mapping: \"kitty\": \"lion\"")),
             qPrintable(mapping.err));
}

void tst_EvalCommand::datasetProblemsAreWarnings()
{
    m_coco["annotations"][1]["category_id"] = 42; // image 1's dog
    m_coco["images"][7]["file_name"] = "gone.png";
    writeFile(m_dir->filePath(QStringLiteral("coco.json")),
              QByteArray::fromStdString(m_coco.dump()));
    const QString report = m_dir->filePath(QStringLiteral("report.json"));
    const Finished done = run(baseArguments() + QStringList{QStringLiteral("--out"), report});
    QVERIFY2(done.code == 0, qPrintable(done.err));
    QVERIFY2(
        done.err.contains(QStringLiteral("coco.json: annotations[1] (id 2): category_id: 42 is "
                                         "not the id of any category")),
        qPrintable(done.err));
    QVERIFY2(done.err.contains(QStringLiteral("coco.json: images[7] (id 8): file_name: the image "
                                              "gone.png is not in")),
             qPrintable(done.err));
    const json r = readJson(report);
    QCOMPARE(r["images"].size(), 7u);
    QCOMPARE(r["dataset"]["problemCount"].get<int>(), 2);
    // The dog of image 1 is no longer ground truth: the model's dog there is a false positive.
    QCOMPARE(r["classes"]["dog"]["groundTruth"].get<int>(), 3);
    QCOMPARE(r["classes"]["cat"]["AP"].get<double>(), 1.0);
}

void tst_EvalCommand::resumesAfterKill()
{
    writeDataset(12);
    const QString log1 = m_dir->filePath(QStringLiteral("calls1.log"));
    const QString cache = m_dir->filePath(QStringLiteral("cache"));
    QProcess first;
    QSignalSpy finished(&first, &QProcess::finished);
    first.start(QStringLiteral(ANGO_EVAL_CLI),
                baseArguments(json{{"log", log1.toStdString()}, {"delay", 0.3}})
                    + QStringList{QStringLiteral("--concurrency=2")});
    // Killed once a few images are done and others are running.
    QTRY_VERIFY_WITH_TIMEOUT(QDir(cache).entryList(QDir::Files).size() >= 3, 60000);
    first.kill();
    QTRY_VERIFY(!finished.isEmpty());
    const qsizetype kept = QDir(cache).entryList(QDir::Files).size();
    const QStringList started = readLines(log1);
    QVERIFY(kept >= 3 && kept < 12);

    // The config is part of the cache key: the resume uses the same one, and its calls append
    // to the same log.
    const QString report = m_dir->filePath(QStringLiteral("report.json"));
    const Finished second
        = run(baseArguments(json{{"log", log1.toStdString()}, {"delay", 0.3}})
              + QStringList{QStringLiteral("--concurrency=2"), QStringLiteral("--out"), report});
    QVERIFY2(second.code == 0, qPrintable(second.err));
    const QStringList all = readLines(log1);
    const QStringList resumed = all.mid(started.size());
    // Nothing computed twice: only the images without a stored result ran again.
    QCOMPARE(resumed.size(), 12 - kept);
    const json r = readJson(report);
    QCOMPARE(r["run"]["cached"].get<qsizetype>(), kept);
    QCOMPARE(r["run"]["computed"].get<qsizetype>(), 12 - kept);
    QCOMPARE(r["run"]["failed"].get<int>(), 0);
    // Nothing lost: every image has its result, the metrics are those of a full run.
    QCOMPARE(r["classes"]["cat"]["AP"].get<double>(), 1.0);
    QCOMPARE(r["classes"]["dog"]["AP50"].get<double>(), 51.0 / 101.0);
    // Every image ran in one of the runs; one whose result was stored never ran again.
    QSet<QString> ran(started.begin(), started.end());
    for (const QString &name : resumed)
        ran.insert(name);
    QCOMPARE(ran.size(), 12);
    QCOMPARE(QDir(cache).entryList(QDir::Files).size(), 12);
}

void tst_EvalCommand::signalFinishesRunningAndResumes_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::addColumn<QString>("name");
    QTest::newRow("SIGINT") << int(SIGINT) << QStringLiteral("SIGINT");
    QTest::newRow("SIGTERM") << int(SIGTERM) << QStringLiteral("SIGTERM");
}

void tst_EvalCommand::signalFinishesRunningAndResumes()
{
    QFETCH(int, signalNumber);
    QFETCH(QString, name);
    writeDataset(12);
    const QString calls = m_dir->filePath(QStringLiteral("calls.log"));
    const QString cache = m_dir->filePath(QStringLiteral("cache"));
    const json config{{"log", calls.toStdString()}, {"delay", 0.4}};
    QProcess first;
    QSignalSpy finished(&first, &QProcess::finished);
    first.start(QStringLiteral(ANGO_EVAL_CLI),
                baseArguments(config) + QStringList{QStringLiteral("--concurrency=2")});
    // Interrupted once the callback has started a few images (it logs each call as it begins),
    // so some are done, two are running and the rest wait.
    QTRY_VERIFY_WITH_TIMEOUT(readLines(calls).size() >= 4, 60000);
    QVERIFY(::kill(pid_t(first.processId()), signalNumber) == 0);
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 30000);
    const QString err = QString::fromUtf8(first.readAllStandardError());
    QCOMPARE(first.exitStatus(), QProcess::NormalExit);
    QVERIFY2(first.exitCode() == 130, qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("interrupted by ") + name), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("the same command resumes")), qPrintable(err));
    // Images not run are not reported as failures.
    QVERIFY2(err.contains(QStringLiteral(", 0 failed, ")), qPrintable(err));
    QVERIFY2(!err.contains(QRegularExpression(QStringLiteral("[1-9][0-9]* failed\\)"))),
             qPrintable(err));
    // No report for a partial run.
    QVERIFY(first.readAllStandardOutput().isEmpty());

    // Every image the callback started was let finish and cached: nothing lost...
    const QStringList started = readLines(calls);
    const qsizetype kept = QDir(cache).entryList(QDir::Files).size();
    QCOMPARE(kept, started.size());
    QVERIFY2(kept >= 4 && kept < 12, qPrintable(QString::number(kept)));
    QVERIFY2(err.contains(QStringLiteral("%1 of 12 images have a result").arg(kept)),
             qPrintable(err));

    // ...and the re-run computes only the others: nothing twice.
    const QString report = m_dir->filePath(QStringLiteral("report.json"));
    const Finished second
        = run(baseArguments(config)
              + QStringList{QStringLiteral("--concurrency=2"), QStringLiteral("--out"), report});
    QVERIFY2(second.code == 0, qPrintable(second.err));
    const QStringList resumed = readLines(calls).mid(started.size());
    QCOMPARE(resumed.size(), 12 - kept);
    for (const QString &image : resumed)
        QVERIFY2(!started.contains(image), qPrintable(image));
    const json r = readJson(report);
    QCOMPARE(r["run"]["cached"].get<qsizetype>(), kept);
    QCOMPARE(r["run"]["computed"].get<qsizetype>(), 12 - kept);
    QCOMPARE(r["classes"]["cat"]["AP"].get<double>(), 1.0);
    QCOMPARE(r["classes"]["dog"]["AP50"].get<double>(), 51.0 / 101.0);
}

QTEST_GUILESS_MAIN(tst_EvalCommand)
#include "tst_evalcommand.moc"
