// Datasets (COCO file, Ango export, image folder) and the way answers become detections: errors
// name the file, the entry and the field; the rest is still read.
#include "eval/dataset.h"
#include "eval/predictions.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "jsoncompare.h"

using namespace ango::eval;
using nlohmann::json;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

json cocoFile()
{
    return json::parse(R"({
      "images": [{"id": 1, "file_name": "a.png", "width": 640, "height": 480},
                 {"id": 2, "file_name": "b.png"}],
      "categories": [{"id": 3, "name": "cat"}, {"id": 7, "name": "Dog"}],
      "annotations": [
        {"id": 1, "image_id": 1, "category_id": 3, "bbox": [10, 20, 30, 40]},
        {"id": 2, "image_id": 1, "category_id": 7, "bbox": [0, 0, 5, 5], "area": 12.5, "iscrowd": 1},
        {"id": 3, "image_id": 2, "category_id": 3, "bbox": [1, 2, 3, 4]}
      ]})");
}

QStringList problemTexts(const Dataset &d)
{
    QStringList out;
    for (const DatasetProblem &p : d.problems)
        out << p.text();
    return out;
}

} // namespace

class tst_EvalDataset : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void readsCocoFile();
    void cocoEntryProblems_data();
    void cocoEntryProblems();
    void cocoFileErrors_data();
    void cocoFileErrors();
    void readsAngoExport();
    void readsImageFolder();
    void mapsAnswersToCategories();
    void mappingErrorsNameTheClass();

private:
    void writeImages();
    QString writeCoco(const json &coco);
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_EvalDataset::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    writeImages();
}

void tst_EvalDataset::writeImages()
{
    writeFile(m_dir->filePath(QStringLiteral("images/a.png")), "png");
    writeFile(m_dir->filePath(QStringLiteral("images/b.png")), "png");
}

QString tst_EvalDataset::writeCoco(const json &coco)
{
    const QString path = m_dir->filePath(QStringLiteral("instances.json"));
    writeFile(path, QByteArray::fromStdString(coco.dump()));
    return path;
}

void tst_EvalDataset::readsCocoFile()
{
    auto d = loadCocoDataset(writeCoco(cocoFile()), m_dir->filePath(QStringLiteral("images")));
    QVERIFY2(d.ok(), d.ok() ? "" : qPrintable(d.error().message));
    QCOMPARE(d->problemCount, 0);
    QCOMPARE(d->categories.size(), 2u);
    QCOMPARE(d->categories[1].name, QStringLiteral("Dog"));
    QCOMPARE(d->categoryByName(QStringLiteral("dog")), 1);
    QCOMPARE(d->images.size(), 2u);
    QCOMPARE(d->images[0].size, QSize(640, 480));
    QVERIFY(d->images[0].url.startsWith(QStringLiteral("file://")));
    QCOMPARE(d->images[0].truth.size(), 2u);
    const TruthObject &crowd = d->images[0].truth[1];
    QCOMPARE(crowd.category, 1);
    QVERIFY(crowd.crowd);
    QCOMPARE(crowd.area, 12.5);
    QCOMPARE(d->images[0].truth[0].box.w, 30.0);
    QCOMPARE(d->images[0].truth[0].area, 1200.0);
}

void tst_EvalDataset::cocoEntryProblems_data()
{
    QTest::addColumn<QString>("patch"); // JSON pointer = value
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("images");
    QTest::addColumn<int>("truth");
    QTest::newRow("missing bbox") << QStringLiteral("/annotations/2/bbox")
                                  << QStringLiteral("instances.json: annotations[2] (id 3): bbox: "
                                                    "is missing")
                                  << 2 << 2;
    QTest::newRow("missing image") << QStringLiteral("/images/1/file_name=\"gone.png\"")
                                   << QStringLiteral("instances.json: images[1] (id 2): file_name: "
                                                     "the image gone.png is not in")
                                   << 1 << 2;
    QTest::newRow("unknown category")
        << QStringLiteral("/annotations/0/category_id=99")
        << QStringLiteral("instances.json: annotations[0] (id 1): category_id: 99 is not the id "
                          "of any category in the file")
        << 2 << 2;
    QTest::newRow("unknown image") << QStringLiteral("/annotations/2/image_id=5")
                                   << QStringLiteral("instances.json: annotations[2] (id 3): "
                                                     "image_id: 5 is not the id of any image")
                                   << 2 << 2;
    QTest::newRow("bad bbox value") << QStringLiteral("/annotations/0/bbox/2=\"wide\"")
                                    << QStringLiteral("instances.json: annotations[0] (id 1): "
                                                      "bbox[2]: must be a finite number, but it "
                                                      "is text \"wide\"")
                                    << 2 << 2;
    QTest::newRow("category without name")
        << QStringLiteral("/categories/1/name")
        << QStringLiteral("instances.json: categories[1] (id 7): name: is missing; the category "
                          "and its annotations are left out")
        << 2 << 2;
}

void tst_EvalDataset::cocoEntryProblems()
{
    QFETCH(QString, patch);
    QFETCH(QString, expected);
    QFETCH(int, images);
    QFETCH(int, truth);
    json coco = cocoFile();
    const qsizetype eq = patch.indexOf(QLatin1Char('='));
    const json::json_pointer pointer(patch.left(eq < 0 ? patch.size() : eq).toStdString());
    if (eq < 0)
        coco[pointer.parent_pointer()].erase(pointer.back());
    else
        coco[pointer] = json::parse(patch.mid(eq + 1).toStdString());
    auto d = loadCocoDataset(writeCoco(coco), m_dir->filePath(QStringLiteral("images")));
    QVERIFY2(d.ok(), d.ok() ? "" : qPrintable(d.error().message));
    QCOMPARE(d->problemCount, 1);
    QVERIFY2(d->problems[0].text().startsWith(expected), qPrintable(problemTexts(*d).join(u'\n')));
    QCOMPARE(int(d->images.size()), images); // the rest is still there to evaluate
    QCOMPARE(int(d->truthCount()), truth);
}

void tst_EvalDataset::cocoFileErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not json") << QByteArray("{\"images\": [")
                              << QStringLiteral("is not valid JSON");
    QTest::newRow("no images") << QByteArray(R"({"annotations": [], "categories": []})")
                               << QStringLiteral("instances.json: images: is missing");
    QTest::newRow("annotations not a list")
        << QByteArray(R"({"images": [], "annotations": {}, "categories": []})")
        << QStringLiteral("instances.json: annotations: must be a list, but it is an object");
    QTest::newRow("a list") << QByteArray("[]")
                            << QStringLiteral("instances.json: must be a JSON object");
}

void tst_EvalDataset::cocoFileErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = m_dir->filePath(QStringLiteral("instances.json"));
    writeFile(path, content);
    auto d = loadCocoDataset(path, m_dir->filePath(QStringLiteral("images")));
    QVERIFY(!d.ok());
    QVERIFY2(d.error().message.contains(expected), qPrintable(d.error().message));
    QVERIFY(d.error().message.contains(QStringLiteral("instances.json")));
    auto noDir = loadCocoDataset(path, m_dir->filePath(QStringLiteral("nowhere")));
    QVERIFY(!noDir.ok());
    QVERIFY(noDir.error().message.contains(QStringLiteral("nowhere")));
}

void tst_EvalDataset::readsAngoExport()
{
    const json exported = json::parse(R"([
      {"externalId": "a.png", "asset": "https://example.invalid/a.png",
       "metadata": {"width": 640, "height": 480},
       "task": {"tools": [
         {"schemaId": "s1", "title": "Car", "objectId": "1",
          "bounding-box": {"x": 1, "y": 2, "width": 10, "height": 20}},
         {"schemaId": "s2", "title": "Person", "polygon": [[0, 0], [10, 0], [5, 8]]},
         {"schemaId": "s3", "title": "Car", "point": [3, 3]}]}},
      {"asset": "https://example.invalid/x.png", "task": {"tools": []}},
      {"externalId": "remote.jpg", "asset": "https://example.invalid/remote.jpg",
       "task": {"tools": [{"schemaId": "s1", "bounding-box": {"x": 0, "y": 0, "width": 4, "height": 4}}]}}
    ])");
    const QString path = m_dir->filePath(QStringLiteral("export.json"));
    writeFile(path, QByteArray::fromStdString(exported.dump()));
    auto d = loadAngoExport(path, m_dir->filePath(QStringLiteral("images")));
    QVERIFY2(d.ok(), d.ok() ? "" : qPrintable(d.error().message));
    QCOMPARE(d->images.size(), 2u);
    QCOMPARE(d->images[0].localPath, m_dir->filePath(QStringLiteral("images/a.png")));
    QCOMPARE(d->images[0].size, QSize(640, 480));
    QCOMPARE(d->images[1].localPath, QString());
    QCOMPARE(d->images[1].url, QStringLiteral("https://example.invalid/remote.jpg"));
    QCOMPARE(d->categories.size(), 2u);
    QCOMPARE(d->categories[0].schemaId, QStringLiteral("s1"));
    QCOMPARE(d->images[0].truth.size(), 2u); // the point has no area
    QCOMPARE(d->images[0].truth[1].box.w, 10.0);
    QCOMPARE(d->images[0].truth[1].box.h, 8.0);
    QCOMPARE(d->polygonTruth, 1);
    const QStringList problems = problemTexts(*d);
    QCOMPARE(problems.size(), 2);
    QCOMPARE(problems[0], QStringLiteral("export.json: [1]: externalId: is missing"));
    QVERIFY2(problems[1].startsWith(QStringLiteral(
                 "export.json: [2] (externalId \"remote.jpg\"): task.tools[0].title")),
             qPrintable(problems[1]));
}

void tst_EvalDataset::readsImageFolder()
{
    writeFile(m_dir->filePath(QStringLiteral("images/sub/c.jpg")), "jpg");
    writeFile(m_dir->filePath(QStringLiteral("images/notes.txt")), "txt");
    auto d = loadImageFolder(m_dir->filePath(QStringLiteral("images")));
    QVERIFY(d.ok());
    QVERIFY(!d->hasTruth);
    QStringList keys;
    for (const DatasetImage &image : d->images)
        keys << image.key;
    QCOMPARE(keys, (QStringList{QStringLiteral("a.png"), QStringLiteral("b.png"),
                                QStringLiteral("sub/c.jpg")}));
    QVERIFY(!loadImageFolder(m_dir->filePath(QStringLiteral("images/sub/none"))).ok());
}

void tst_EvalDataset::mapsAnswersToCategories()
{
    auto d = loadCocoDataset(writeCoco(cocoFile()), m_dir->filePath(QStringLiteral("images")));
    QVERIFY(d.ok());
    auto mapping = mappingFromModelClasses(*d, json{{"kitty", "CAT"}, {"puppy", "dog"}});
    QVERIFY2(mapping.ok(), mapping.ok() ? "" : qPrintable(mapping.error().message));
    JSON_COMPARE(mapping->categorySchema,
                 json::parse(R"([{"schemaId": "cat", "modelClass": "kitty"},
                                 {"schemaId": "Dog", "modelClass": "puppy"}])"));
    auto answer = ango::annotation::normalize(json::parse(R"({"objects": [
        {"schemaId": "Dog", "confidence": 0.25, "bounding-box": {"x": 1, "y": 2, "width": 3, "height": 4}},
        {"schemaId": "cat", "score": 0.5, "rotated-bounding-box": {"x": 0, "y": 0, "width": 10, "height": 10, "rotation": 90}},
        {"schemaId": "unknown", "bounding-box": {"x": 1, "y": 2, "width": 3, "height": 4}},
        {"schemaId": "cat", "point": [1, 1]},
        {"title": "CAT", "confidence": "high", "bounding-box": {"x": 5, "y": 5, "width": 1, "height": 1}}
      ]})"));
    QVERIFY(answer.ok());
    const ImagePrediction p = predictionsFromAnswer(*answer, *mapping, *d);
    QCOMPARE(p.detections.size(), 3u);
    QCOMPARE(p.detections[0].category, 1);
    QCOMPARE(p.detections[0].score, 0.25);
    QCOMPARE(p.detections[1].category, 0);
    QCOMPARE(p.detections[1].score, 0.5);
    QCOMPARE(p.detections[2].score, 1.0); // not a number: the default
    QCOMPARE(p.detections[2].category, 0);
    QCOMPARE(p.objectIndex, (std::vector<int>{0, 1, 4}));
    QCOMPARE(p.unmapped, 1);
    QCOMPARE(p.notMeasured, 1);
    QCOMPARE(p.byBoundingBox, 1);

    auto identity = mappingFromModelClasses(*d, json());
    QVERIFY(identity.ok());
    QCOMPARE(identity->categorySchema.size(), 2u);
}

void tst_EvalDataset::mappingErrorsNameTheClass()
{
    auto d = loadCocoDataset(writeCoco(cocoFile()), m_dir->filePath(QStringLiteral("images")));
    QVERIFY(d.ok());
    auto bad = mappingFromModelClasses(*d, json{{"kitty", "lion"}});
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().message,
             QStringLiteral("mapping: \"kitty\": \"lion\" is not a category of the dataset"));
    QVERIFY(!mappingFromModelClasses(*d, json::array()).ok());
}

QTEST_GUILESS_MAIN(tst_EvalDataset)
#include "tst_evaldataset.moc"
