// The Evaluate tab's A/B (offscreen): A is the tab's run, B the same callback with another
// configJSON or a saved report. The per-class delta table (contents, the largest change first),
// the images sorted by the largest difference, and the split preview of one of them.
#include "callbacks/functioncallback.h"
#include "panels/gallery/comparepanel.h"
#include "panels/gallery/evalpanel.h"
#include "panels/gallery/splitpreview.h"
#include "panels/preview/previewscene.h"
#include "recordinghttpserver.h"
#include "runtime/pluginruntime.h"
#include "testfiles.h"

#include <QDir>
#include <QImage>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace ango;
using namespace ango::app;
using nlohmann::json;

namespace {

json box(int x, int y)
{
    return {{"x", x}, {"y", y}, {"width", 50}, {"height", 50}};
}

json object(const char *schemaId, const json &where, double score)
{
    return {{"schemaId", schemaId}, {"bounding-box", where}, {"confidence", score}};
}

// The hand-computed case of tst_comparison: A finds all on img1 and img2's cat, misses img3's
// dog, sees a bird on empty img4. B ({"variant": "b"}) moves img2's cat off target, finds img3's
// dog at IoU 2/3 and sees nothing on img4.
json answer(const std::string &url, bool b)
{
    json objects = json::array();
    auto has = [&url](const char *name) { return url.find(name) != std::string::npos; };
    if (has("img1.png")) {
        objects = {object("s-cat", box(0, 0), 0.9), object("s-dog", box(100, 100), 0.9),
                   object("s-bird", box(300, 0), 0.9)};
    } else if (has("img2.png")) {
        objects.push_back(object("s-cat", b ? box(400, 200) : box(0, 0), 0.8));
    } else if (has("img3.png") && b) {
        objects.push_back(object("s-dog", box(210, 200), 0.7));
    } else if (has("img4.png") && !b) {
        objects.push_back(object("s-bird", box(400, 200), 0.5));
    }
    return {{"objects", objects}};
}

QStringList row(const QTableWidget *table, int r)
{
    QStringList out;
    for (int c = 0; c < table->columnCount(); ++c)
        out << (table->item(r, c) ? table->item(r, c)->text() : QString());
    return out;
}

QStringList column(const QTableWidget *table, int c)
{
    QStringList out;
    for (int r = 0; r < table->rowCount(); ++r)
        out << table->item(r, c)->text();
    return out;
}

} // namespace

class tst_ComparePanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // not the user's cache
    void init();
    void configBDeltaTableAndSplitPreview();
    void savedReportAsB();
    void opensExportAndLiveProject();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<callbacks::FunctionCallback> m_model;
    std::unique_ptr<runtime::PluginRuntime> m_runtime;
    std::unique_ptr<EvalPanel> m_panel;
};

void tst_ComparePanel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QImage image(500, 300, QImage::Format_RGB32);
    for (int i = 1; i <= 4; ++i) {
        image.fill(QColor::fromHsv(i * 60, 80, 230));
        QVERIFY(image.save(m_dir->filePath(QStringLiteral("img%1.png").arg(i))));
    }
    const json coco
        = {{"images",
            {{{"id", 1}, {"file_name", "img1.png"}},
             {{"id", 2}, {"file_name", "img2.png"}},
             {{"id", 3}, {"file_name", "img3.png"}},
             {{"id", 4}, {"file_name", "img4.png"}}}},
           {"categories",
            {{{"id", 1}, {"name", "cat"}},
             {{"id", 2}, {"name", "dog"}},
             {{"id", 3}, {"name", "bird"}}}},
           {"annotations",
            {{{"id", 1}, {"image_id", 1}, {"category_id", 1}, {"bbox", {0, 0, 50, 50}}},
             {{"id", 2}, {"image_id", 1}, {"category_id", 2}, {"bbox", {100, 100, 50, 50}}},
             {{"id", 3}, {"image_id", 1}, {"category_id", 3}, {"bbox", {300, 0, 50, 50}}},
             {{"id", 4}, {"image_id", 2}, {"category_id", 1}, {"bbox", {0, 0, 50, 50}}},
             {{"id", 5}, {"image_id", 3}, {"category_id", 2}, {"bbox", {200, 200, 50, 50}}}}}};
    ango::test::writeFile(m_dir->filePath(QStringLiteral("coco.json")),
                          QByteArray::fromStdString(coco.dump()));
    m_model = std::make_unique<callbacks::FunctionCallback>(
        [](const callbacks::Call &call) -> ango::Result<json> {
            const std::string config = call.request.value("configJSON", "");
            return answer(call.request.value("dataURL", ""),
                          config.find("\"b\"") != std::string::npos);
        });
    m_runtime = std::make_unique<runtime::PluginRuntime>(runtime::RuntimeOptions{}, m_model.get());
    m_panel = std::make_unique<EvalPanel>([this] { return m_runtime.get(); },
                                          [] {
                                              return EvalSetup{QStringLiteral("test:function"),
                                                               json::parse(R"([
                    {"schemaId": "s-cat", "modelClass": "cat"},
                    {"schemaId": "s-dog", "modelClass": "dog"},
                    {"schemaId": "s-bird", "modelClass": "bird"}])"),
                                                               std::nullopt};
                                          });
    m_panel->resize(1200, 800);
    QDir(QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
         + QStringLiteral("/ango-console/eval"))
        .removeRecursively();
    QVERIFY(m_panel->openDataset(m_dir->filePath(QStringLiteral("coco.json")), m_dir->path()).ok());
    QSignalSpy evaluated(m_panel.get(), &EvalPanel::evaluated);
    m_panel->start();
    QTRY_COMPARE(evaluated.size(), 1);
}

void tst_ComparePanel::configBDeltaTableAndSplitPreview()
{
    ComparePanel *ab = m_panel->comparison();
    QSignalSpy compared(ab, &ComparePanel::compared);
    ab->compareWith(ComparePanel::Source::Config, QStringLiteral(R"({"variant": "b"})"));
    QTRY_COMPARE(compared.size(), 1);

    // cat regresses by 50/101, dog improves by 20/101 (AP50 by 50/101), bird stays: the largest
    // |ΔAP| first, "all" last.
    const QTableWidget *classes = ab->classTable();
    QCOMPARE(classes->rowCount(), 4);
    QCOMPARE(column(classes, 0), (QStringList{QStringLiteral("cat"), QStringLiteral("dog"),
                                              QStringLiteral("bird"), QStringLiteral("all")}));
    QCOMPARE(row(classes, 0), (QStringList{QStringLiteral("cat"), QStringLiteral("1.000"),
                                           QStringLiteral("0.505"), QStringLiteral("-0.495"),
                                           QStringLiteral("-0.495"), QStringLiteral("-0.500")}));
    QCOMPARE(row(classes, 1), (QStringList{QStringLiteral("dog"), QStringLiteral("0.505"),
                                           QStringLiteral("0.703"), QStringLiteral("+0.198"),
                                           QStringLiteral("+0.495"), QStringLiteral("+0.200")}));
    QCOMPARE(row(classes, 2).at(3), QStringLiteral("0.000"));
    QCOMPARE(row(classes, 3).at(3), QStringLiteral("-0.099")); // -10/101 overall

    // img2 F1 1 -> 0 and img3 0 -> 1 (3 changes each, by key), img4 0 -> 1 (2), img1 unchanged.
    const QTableWidget *images = ab->imageTable();
    QCOMPARE(column(images, 0),
             (QStringList{QStringLiteral("img2.png"), QStringLiteral("img3.png"),
                          QStringLiteral("img4.png"), QStringLiteral("img1.png")}));
    QCOMPARE(row(images, 0), (QStringList{QStringLiteral("img2.png"), QStringLiteral("1 / 0 / 0"),
                                          QStringLiteral("0 / 1 / 1"), QStringLiteral("1.00"),
                                          QStringLiteral("0.00"), QStringLiteral("-1.000")}));
    QCOMPARE(row(images, 3).at(5), QStringLiteral("0.000"));
    QVERIFY(ab->status().contains(QStringLiteral("3 of 4 images differ")));

    // The split preview: the same image, A's cat on the left, B's misplaced cat on the right.
    SplitPreview *split = ab->splitPreview();
    QSignalSpy shown(split, &SplitPreview::shown);
    ab->openImage(0);
    QTRY_COMPARE(shown.size(), 1);
    QVERIFY(split->imagePath().endsWith(QStringLiteral("img2.png")));
    QCOMPARE(split->sceneA()->imageSize(), QSize(500, 300));
    QCOMPARE(split->sceneB()->imageSize(), QSize(500, 300));
    QCOMPARE(split->sceneA()->objectCount(), 1);
    QCOMPARE(split->sceneB()->objectCount(), 1);
    QCOMPARE(split->sceneA()->objectJson(0)["bounding-box"]["x"].get<int>(), 0);
    QCOMPARE(split->sceneB()->objectJson(0)["bounding-box"]["x"].get<int>(), 400);
    QVERIFY2(split->captionB().contains(QStringLiteral("0 / 1 / 1")),
             qPrintable(split->captionB()));
}

void tst_ComparePanel::savedReportAsB()
{
    ComparePanel *ab = m_panel->comparison();
    // A report of another run: every image perfect, dog with AP 1.
    const QString report = m_dir->filePath(QStringLiteral("report.json"));
    json images = json::array();
    for (int i = 1; i <= 4; ++i)
        images.push_back({{"key", std::to_string(i)},
                          {"file", "img" + std::to_string(i) + ".png"},
                          {"tp", i == 1 ? 3 : (i == 4 ? 0 : 1)},
                          {"fp", 0},
                          {"fn", 0},
                          {"detections", i == 1 ? 3 : (i == 4 ? 0 : 1)},
                          {"state", "done"}});
    json perfect = {{"AP", 1.0}, {"AP50", 1.0}, {"AR100", 1.0}};
    ango::test::writeFile(report,
                          QByteArray::fromStdString(json{
                              {"overall", perfect},
                              {"classes", {{"cat", perfect}, {"dog", perfect}, {"bird", perfect}}},
                              {"images", images}}.dump()));
    QSignalSpy compared(ab, &ComparePanel::compared);
    // A B run first: a finished B is replaced by the next one.
    ab->compareWith(ComparePanel::Source::Config, QStringLiteral(R"({"variant": "b"})"));
    QTRY_COMPARE(compared.size(), 1);
    ab->compareWith(ComparePanel::Source::Report, report);
    QCOMPARE(compared.size(), 2); // a file: no batch to wait for
    // A: cat 1, dog 51/101, bird 1 -> only dog moves (+50/101).
    QCOMPARE(column(ab->classTable(), 0).first(), QStringLiteral("dog"));
    QCOMPARE(row(ab->classTable(), 0).at(3), QStringLiteral("+0.495"));
    QCOMPARE(column(ab->imageTable(), 0).mid(0, 2),
             (QStringList{QStringLiteral("img3.png"), QStringLiteral("img4.png")}));
    SplitPreview *split = ab->splitPreview();
    QSignalSpy shown(split, &SplitPreview::shown);
    ab->openImage(0);
    QTRY_COMPARE(shown.size(), 1);
    QCOMPARE(split->sceneA()->objectCount(), 0); // A missed img3's dog
    QCOMPARE(split->sceneB()->objectCount(), 0); // a report has no objects to draw
    QVERIFY(split->captionB().contains(QStringLiteral("saved report")));

    // A broken report: the message names the field, the tables stay empty.
    ango::test::writeFile(report, R"({"overall": {}, "classes": {}, "images": [{"key": 5}]})");
    QSignalSpy failed(ab, &ComparePanel::failed);
    ab->compareWith(ComparePanel::Source::Report, report);
    QCOMPARE(failed.size(), 1);
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("images[0].key")),
             qPrintable(failed.first().first().toString()));
    QCOMPARE(ab->classTable()->rowCount(), 0);
}

void tst_ComparePanel::opensExportAndLiveProject()
{
    // The Ango export: assets by path in the image folder, their answers as ground truth.
    json assets = json::array();
    for (int i = 1; i <= 3; ++i)
        assets.push_back(
            {{"externalId", "img" + std::to_string(i) + ".png"},
             {"task",
              {{"tools",
                json::array(
                    {{{"title", "cat"},
                      {"bounding-box", {{"x", 0}, {"y", 0}, {"width", 50}, {"height", 50}}}}})}}}});
    const QString exportFile = m_dir->filePath(QStringLiteral("export.json"));
    ango::test::writeFile(exportFile, QByteArray::fromStdString(assets.dump()));
    QVERIFY(m_panel->openExport(exportFile, m_dir->path()).ok());
    QVERIFY2(m_panel->datasetText().startsWith(QStringLiteral("3 images, 1 classes, 3 objects")),
             qPrintable(m_panel->datasetText()));
    QVERIFY(!m_panel->comparison()->comparison()); // A went with the old dataset

    // A live project: two pages from the recording server, with the panel's host and key.
    ango::test::RecordingHttpServer server;
    QVERIFY(server.listen());
    auto page = [&server](const json &ids, int total) {
        json list = json::array();
        for (const auto &id : ids)
            list.push_back(
                {{"externalId", id},
                 {"data", server.url(QStringLiteral("/img/") + QString::fromStdString(id))
                              .toString()
                              .toStdString()},
                 {"task",
                  {{"tools",
                    json::array({{{"title", "dog"},
                                  {"bounding-box",
                                   {{"x", 1}, {"y", 1}, {"width", 9}, {"height", 9}}}}})}}}});
        return ango::test::ScriptedResponse::json(200,
                                                  {{"data", {{"assets", list}, {"total", total}}}});
    };
    server.enqueue("/v2/project/P9/assets", page(json::array({"a", "b"}), 3));
    server.enqueue("/v2/project/P9/assets", page(json::array({"c"}), 3));
    QSignalSpy loaded(m_panel.get(), &EvalPanel::projectLoaded);
    m_panel->openProject(
        QStringLiteral("P9")); // no access given yet: the label says what is missing
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(loaded.takeFirst().first().toBool(), false);
    QVERIFY(m_panel->datasetText().contains(QStringLiteral("API key")));
    m_panel->setProjectAccess([&server] {
        return ProjectAccess{server.url(), QStringLiteral("k-1")};
    });
    m_panel->openProject(QStringLiteral("P9"));
    QTRY_COMPARE(loaded.size(), 1);
    QCOMPARE(loaded.first().first().toBool(), true);
    QVERIFY2(m_panel->datasetText().startsWith(QStringLiteral("3 images, 1 classes, 3 objects")),
             qPrintable(m_panel->datasetText()));
    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(server.requests()[1].header("apikey"), QByteArray("k-1"));

    // A failed page: the label names the URL and the status.
    server.setRoute("/v2/project/P8/assets",
                    ango::test::ScriptedResponse::json(404, {{"message", "no such project"}}));
    loaded.clear();
    m_panel->openProject(QStringLiteral("P8"));
    QTRY_COMPARE(loaded.size(), 1);
    QCOMPARE(loaded.first().first().toBool(), false);
    QVERIFY2(m_panel->datasetText().contains(
                 server.url(QStringLiteral("/v2/project/P8/assets")).toString())
                 && m_panel->datasetText().contains(QStringLiteral("404")),
             qPrintable(m_panel->datasetText()));
}

QTEST_MAIN(tst_ComparePanel)
#include "tst_comparepanel.moc"
