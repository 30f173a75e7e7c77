// `ango-console eval` A/B end to end with a real python3 plugin run twice with different
// configJSON: --compare-config / --compare-callback (B run through the same cache) and
// --baseline (A a report an earlier --out wrote). The deltas follow from the dataset.
#include "evalprocess.h"
#include "testfiles.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cmath>

using ango::test::writeFile;
using nlohmann::json;

namespace {

json readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return json();
    return json::parse(file.readAll().toStdString(), nullptr, false);
}

int lineCount(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return int(file.readAll().count('\n'));
}

bool near(const json &value, double expected)
{
    return value.is_number() && std::abs(value.get<double>() - expected) < 1e-9;
}

using ango::test::Finished;

} // namespace

class tst_EvalCompare : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void compareConfigAndBaseline();
    void badBaseline_data();
    void badBaseline();

private:
    QStringList arguments(const char *variant) const;
    Finished run(const QStringList &arguments);
    QString path(const char *name) const { return m_dir->filePath(QLatin1String(name)); }
    json config(const char *variant) const
    {
        return {{"log", path("calls.log").toStdString()}, {"variant", variant}};
    }

    std::unique_ptr<QTemporaryDir> m_dir;
};

// 4 images with a cat and a dog each. Variant a finds every cat and the dogs of images 1 and 2;
// variant b finds cats and dogs on images 1-3 and nothing on image 4. So cat regresses (AP 1 ->
// 76/101), dog improves (51/101 -> 76/101), image 3 gains its dog, image 4 loses its cat.
void tst_EvalCompare::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(QDir().mkpath(path("images")));
    json coco = {{"images", json::array()},
                 {"annotations", json::array()},
                 {"categories", {{{"id", 1}, {"name", "cat"}}, {{"id", 2}, {"name", "dog"}}}}};
    for (int i = 0; i < 4; ++i) {
        const std::string name = "img" + std::to_string(i + 1) + ".png";
        coco["images"].push_back(
            {{"id", i + 1}, {"file_name", name}, {"width", 640}, {"height", 480}});
        const json cat = {10 + i, 20, 100, 80};
        const json dog = {300, 200 + i, 120, 90};
        coco["annotations"].push_back(
            {{"id", 2 * i + 1}, {"image_id", i + 1}, {"category_id", 1}, {"bbox", cat}});
        coco["annotations"].push_back(
            {{"id", 2 * i + 2}, {"image_id", i + 1}, {"category_id", 2}, {"bbox", dog}});
        json seen = json::array();
        json kitty = {{"cls", "kitty"}, {"box", cat}, {"score", 0.9}};
        if (i == 3)
            kitty["variant"] = "a";
        seen.push_back(kitty);
        if (i < 2)
            seen.push_back({{"cls", "puppy"}, {"box", dog}, {"score", 0.8}});
        if (i == 2)
            seen.push_back({{"cls", "puppy"}, {"box", dog}, {"score", 0.8}, {"variant", "b"}});
        writeFile(m_dir->filePath(QStringLiteral("images/") + QString::fromStdString(name)),
                  QByteArray::fromStdString(json{{"objects", seen}}.dump()));
    }
    writeFile(path("coco.json"), QByteArray::fromStdString(coco.dump()));
    writeFile(path("mapping.json"), R"({"kitty": "cat", "puppy": "dog"})");
}

QStringList tst_EvalCompare::arguments(const char *variant) const
{
    return {QStringLiteral("eval"),
            QStringLiteral("--callback"),
            QStringLiteral("python:" ANGO_EVAL_MODEL),
            QStringLiteral("--coco"),
            path("coco.json"),
            QStringLiteral("--images"),
            path("images"),
            QStringLiteral("--mapping"),
            path("mapping.json"),
            QStringLiteral("--cache-dir"),
            path("cache"),
            QStringLiteral("--concurrency"),
            QStringLiteral("2"),
            QStringLiteral("--config"),
            QString::fromStdString(config(variant).dump())};
}

Finished tst_EvalCompare::run(const QStringList &arguments)
{
    return ango::test::runEvalCli(arguments);
}

void tst_EvalCompare::compareConfigAndBaseline()
{
    // A: variant a; B: the same model under another path (another callback) with variant b.
    const QString copy = path("copy_model.py");
    QVERIFY(QFile::copy(QStringLiteral(ANGO_EVAL_MODEL), copy));
    const Finished ab
        = run(arguments("a")
              + QStringList{QStringLiteral("--compare-callback"), QStringLiteral("python:") + copy,
                            QStringLiteral("--compare-config"),
                            QString::fromStdString(config("b").dump()), QStringLiteral("--out"),
                            path("ab.json")});
    QVERIFY2(ab.code == 0, qPrintable(ab.err));
    QCOMPARE(lineCount(path("calls.log")), 8); // A and B, 4 images each
    const json c = readJson(path("ab.json"))["comparison"];
    QVERIFY2(c.is_object(), qPrintable(ab.err));
    QVERIFY(c["B"].get<std::string>().find("copy_model.py") != std::string::npos);
    QVERIFY(near(c["classes"]["cat"]["A"]["AP"], 1.0));
    QVERIFY(near(c["classes"]["cat"]["deltaAP"], 76.0 / 101 - 1));
    QVERIFY(near(c["classes"]["dog"]["deltaAP50"], 25.0 / 101));
    QVERIFY(near(c["classes"]["dog"]["deltaAR100"], 0.25));
    QVERIFY(near(c["overall"]["deltaAP"], 0.0)); // one class loses what the other gains
    QCOMPARE(c["differingImages"].get<int>(), 2);
    // image 4: F1 2/3 -> 0 (its cat lost); image 3: 2/3 -> 1 (its dog found).
    QCOMPARE(c["images"][0]["file"].get<std::string>(), std::string("img4.png"));
    QVERIFY(near(c["images"][0]["deltaScore"], -2.0 / 3));
    QCOMPARE(c["images"][0]["B"]["fn"].get<int>(), 2);
    QCOMPARE(c["images"][1]["file"].get<std::string>(), std::string("img3.png"));
    QVERIFY(near(c["images"][1]["deltaScore"], 1.0 / 3));
    QVERIFY2(ab.out.contains(QStringLiteral("A/B")), qPrintable(ab.out));
    QVERIFY(ab.out.contains(QStringLiteral("-0.248"))); // cat dAP in the table
    QVERIFY(ab.out.contains(QStringLiteral("img4.png")));
    QVERIFY(ab.out.indexOf(QStringLiteral("img4.png"))
            < ab.out.indexOf(QStringLiteral("img3.png")));

    // A saved report as A: a run of variant a comes from the cache, then variant b with
    // --baseline (4 new calls: the original script under variant b was never run).
    const Finished a = run(arguments("a") + QStringList{QStringLiteral("--out"), path("a.json")});
    QVERIFY2(a.code == 0, qPrintable(a.err));
    QCOMPARE(lineCount(path("calls.log")), 8);
    const Finished b = run(arguments("b")
                           + QStringList{QStringLiteral("--baseline"), path("a.json"),
                                         QStringLiteral("--out"), path("b.json")});
    QVERIFY2(b.code == 0, qPrintable(b.err));
    QCOMPARE(lineCount(path("calls.log")), 12);
    const json cb = readJson(path("b.json"))["comparison"];
    QCOMPARE(cb["A"].get<std::string>(), path("a.json").toStdString());
    QVERIFY(cb["classes"] == c["classes"]);
    QVERIFY(cb["images"][0]["key"] == c["images"][0]["key"]);
    QVERIFY(near(cb["images"][0]["deltaScore"], -2.0 / 3));
}

void tst_EvalCompare::badBaseline_data()
{
    QTest::addColumn<QByteArray>("report"); // empty: no such file
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("named");
    QTest::newRow("missing file") << QByteArray() << QStringList() << QStringLiteral("--baseline");
    QTest::newRow("bad field") << QByteArray(R"({"overall": {}, "classes": {}, "images": [{}]})")
                               << QStringList() << QStringLiteral("images[0].key");
    QTest::newRow("another dataset")
        << QByteArray(R"({"overall": {}, "classes": {}, "images": [{"key": "zz"}]})")
        << QStringList() << QStringLiteral("no image in common");
    QTest::newRow("with compare-config")
        << QByteArray(R"({"overall": {}, "classes": {}, "images": []})")
        << QStringList{QStringLiteral("--compare-config"), QStringLiteral("{}")}
        << QStringLiteral("--baseline excludes");
}

void tst_EvalCompare::badBaseline()
{
    QFETCH(QByteArray, report);
    QFETCH(QStringList, extra);
    QFETCH(QString, named);
    const QString file = path("baseline.json");
    if (!report.isEmpty())
        writeFile(file, report);
    const Finished done
        = run(arguments("a") + QStringList{QStringLiteral("--baseline"), file} + extra);
    QCOMPARE(done.code, 2);
    QVERIFY2(done.err.contains(named), qPrintable(done.err));
}

QTEST_GUILESS_MAIN(tst_EvalCompare)
#include "tst_evalcompare.moc"
