#include "panels/mapping/classmapping.h"
#include "panels/mapping/classmappingmodel.h"
#include "panels/mapping/classmappingpanel.h"
#include "panels/mapping/mappingstore.h"
#include "panels/mapping/targetdelegate.h"

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace ango::app;
using nlohmann::json;

// QCOMPARE cannot take nlohmann::json (its converting operator makes the qfloat16 overload
// ambiguous); compare the compact text instead (keys are sorted, so it is canonical).
#define QCOMPARE_JSON(actual, expected)                                                            \
    QCOMPARE(QString::fromStdString((actual).dump()), QString::fromStdString((expected).dump()))
using Status = ClassMappingModel::Status;

namespace {

QList<LabelTool> sampleTools()
{
    return {LabelTool{QStringLiteral("s-car"), QStringLiteral("Car"),
                      QStringLiteral("bounding-box"), QColor(QStringLiteral("#ff0000"))},
            LabelTool{QStringLiteral("s-person"), QStringLiteral("Person"),
                      QStringLiteral("polygon"), QColor()}};
}

QModelIndex cell(const ClassMappingModel &model, const QString &modelClass, int column)
{
    return model.index(model.rowOfClass(modelClass), column);
}

} // namespace

class tst_ClassMapping final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void categorySchemaIsNullWhenNothingIsMapped();
    void editingChangesCategorySchema();
    void delegatePicksTargetFromLabelSet();
    void duplicateClassNamesAreRefused();
    void parseClassList_data();
    void parseClassList();
    void parseClassListErrors_data();
    void parseClassListErrors();
    void importMergesIntoTable();
    void panelImportsFiles();
    void labelToolsFromProject();
    void unmappedAndReturnedClassesAreHighlighted();
    void unknownTargetIsFlagged();
    void storeKeepsMappingsPerProject();
    void panelSavesAndSwitchesProjects();
    void lastProjectAndItsMappingComeBackOnRelaunch();
    void modelPassesTester();
};

void tst_ClassMapping::categorySchemaIsNullWhenNothingIsMapped()
{
    ClassMappingModel model;
    QVERIFY(model.categorySchema().is_null());
    model.setMappings({{QStringLiteral("car"), {}}, {QStringLiteral("bus"), {}}});
    QVERIFY(model.categorySchema().is_null());
    QVERIFY(categorySchemaOf({}).is_null());
}

void tst_ClassMapping::editingChangesCategorySchema()
{
    ClassMappingModel model;
    QSignalSpy schemaChanged(&model, &ClassMappingModel::categorySchemaChanged);
    model.setMappings(
        {{QStringLiteral("car"), {}}, {QStringLiteral("bus"), {}}, {QStringLiteral("person"), {}}});
    QCOMPARE(schemaChanged.count(), 0); // still null

    QVERIFY(model.setData(cell(model, QStringLiteral("bus"), ClassMappingModel::SchemaIdColumn),
                          QStringLiteral(" s-bus ")));
    QCOMPARE(schemaChanged.count(), 1);
    QCOMPARE_JSON(model.categorySchema(),
                  json::parse(R"([{"schemaId": "s-bus", "modelClass": "bus"}])"));

    QVERIFY(model.setData(cell(model, QStringLiteral("car"), ClassMappingModel::TargetColumn),
                          QStringLiteral("s-car")));
    QCOMPARE_JSON(model.categorySchema(),
                  json::parse(R"([{"schemaId": "s-car", "modelClass": "car"},
                             {"schemaId": "s-bus", "modelClass": "bus"}])"));

    // Renaming a mapped class renames it in the schema.
    QVERIFY(model.setData(cell(model, QStringLiteral("bus"), ClassMappingModel::ClassColumn),
                          QStringLiteral("coach")));
    QCOMPARE_JSON(model.categorySchema()[1],
                  json::parse(R"({"schemaId": "s-bus", "modelClass": "coach"})"));

    // Unmapping and removing take classes out of it; the last one out makes it null again.
    const qsizetype before = schemaChanged.count();
    QVERIFY(model.setData(cell(model, QStringLiteral("car"), ClassMappingModel::SchemaIdColumn),
                          QString()));
    QCOMPARE_JSON(model.categorySchema(),
                  json::parse(R"([{"schemaId": "s-bus", "modelClass": "coach"}])"));
    QVERIFY(model.removeRows(model.rowOfClass(QStringLiteral("coach")), 1));
    QVERIFY(model.categorySchema().is_null());
    QCOMPARE(schemaChanged.count(), before + 2);

    // A row without a class name is never sent.
    QVERIFY(model.insertRows(model.rowCount(), 1));
    QVERIFY(model.setTarget(model.rowCount() - 1, QStringLiteral("s-x")));
    QVERIFY(model.categorySchema().is_null());
}

void tst_ClassMapping::delegatePicksTargetFromLabelSet()
{
    ClassMappingModel model;
    model.setLabelTools(sampleTools());
    model.setMappings({{QStringLiteral("pedestrian"), {}}});
    QTableView view;
    view.setModel(&model);
    TargetDelegate delegate(&model);
    const QModelIndex target = model.index(0, ClassMappingModel::TargetColumn);

    std::unique_ptr<QWidget> editor(delegate.createEditor(view.viewport(), {}, target));
    auto *combo = qobject_cast<QComboBox *>(editor.get());
    QVERIFY(combo);
    QCOMPARE(combo->count(), 3); // "(not mapped)" and the two tools
    QCOMPARE(combo->itemText(2), QStringLiteral("Person (polygon)"));
    // The list is wide enough for its longest entry, however narrow the cell.
    const int widest = combo->fontMetrics().horizontalAdvance(u"Person (polygon)"_qs);
    QVERIFY2(combo->view()->minimumWidth() >= widest,
             qPrintable(QString::number(combo->view()->minimumWidth())));
    QCOMPARE(combo->view()->textElideMode(), Qt::ElideNone);
    delegate.setEditorData(combo, target);
    QCOMPARE(combo->currentIndex(), 0);

    combo->setCurrentIndex(2);
    delegate.setModelData(combo, &model, target);
    QCOMPARE_JSON(model.categorySchema(),
                  json::parse(R"([{"schemaId": "s-person", "modelClass": "pedestrian"}])"));
    QCOMPARE(target.data().toString(), QStringLiteral("Person (polygon)"));

    // A typed schemaId that is no tool's name is taken as it is.
    combo->setEditText(QStringLiteral("raw-id"));
    delegate.setModelData(combo, &model, target);
    QCOMPARE(model.mappings().first().schemaId, QStringLiteral("raw-id"));

    combo->setCurrentIndex(0);
    delegate.setModelData(combo, &model, target);
    QVERIFY(model.categorySchema().is_null());
}

void tst_ClassMapping::duplicateClassNamesAreRefused()
{
    ClassMappingModel model;
    model.setMappings({{QStringLiteral("car"), QStringLiteral("a")}, {QStringLiteral("bus"), {}}});
    QVERIFY(!model.setData(model.index(1, ClassMappingModel::ClassColumn), QStringLiteral("car ")));
    QCOMPARE(model.mappings().at(1).modelClass, QStringLiteral("bus"));
    QCOMPARE(model.addClass(QStringLiteral("car")), 0);
    QCOMPARE(model.rowCount(), 2);
}

void tst_ClassMapping::parseClassList_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QList<ClassMapping>>("expected");
    const QString car = QStringLiteral("car");
    const QString bus = QStringLiteral("bus");
    const QString tl = QStringLiteral("traffic light");

    QTest::newRow("lines") << QByteArray("car\nbus\ntraffic light\n")
                           << QList<ClassMapping>{{car, {}}, {bus, {}}, {tl, {}}};
    QTest::newRow("CRLF, BOM, blanks, comments, repeats")
        << QByteArray("\xEF\xBB\xBF# classes of model v2\r\n  car \r\n\r\nbus\r\ncar\r\n")
        << QList<ClassMapping>{{car, {}}, {bus, {}}};
    QTest::newRow("JSON strings") << QByteArray(R"(["car", "bus", " traffic light "])")
                                  << QList<ClassMapping>{{car, {}}, {bus, {}}, {tl, {}}};
    QTest::newRow("JSON objects") << QByteArray(
        R"([{"modelClass": "car", "schemaId": "s1"}, {"modelClass": "bus"}])")
                                  << QList<ClassMapping>{{car, QStringLiteral("s1")}, {bus, {}}};
    QTest::newRow("JSON mixed, as categorySchema")
        << QByteArray(R"([{"schemaId": "s2", "modelClass": "bus"}, "car"])")
        << QList<ClassMapping>{{bus, QStringLiteral("s2")}, {car, {}}};
}

void tst_ClassMapping::parseClassList()
{
    QFETCH(QByteArray, content);
    QFETCH(QList<ClassMapping>, expected);
    const ango::Result<QList<ClassMapping>> parsed = ango::app::parseClassList(content);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
    QCOMPARE(*parsed, expected);
}

void tst_ClassMapping::parseClassListErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << QByteArray("\n  \n# only a comment\n")
                           << QStringLiteral("No class names found");
    QTest::newRow("broken JSON") << QByteArray(R"(["car", )") << QStringLiteral("Not valid JSON");
    QTest::newRow("object") << QByteArray(R"({"car": 1})")
                            << QStringLiteral("Expected a JSON list");
    QTest::newRow("number in list") << QByteArray(R"(["car", 3])") << QStringLiteral("Item 2");
    QTest::newRow("object without class")
        << QByteArray(R"([{"schemaId": "s"}])") << QStringLiteral("Item 1");
}

void tst_ClassMapping::parseClassListErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    const ango::Result<QList<ClassMapping>> parsed = ango::app::parseClassList(content);
    QVERIFY(!parsed.ok());
    QVERIFY2(parsed.error().message.contains(message), qPrintable(parsed.error().message));
}

void tst_ClassMapping::importMergesIntoTable()
{
    ClassMappingModel model;
    model.setMappings(
        {{QStringLiteral("car"), QStringLiteral("s-car")}, {QStringLiteral("bus"), {}}});
    const int added = model.importMappings({{QStringLiteral("car"), {}},
                                            {QStringLiteral("bus"), QStringLiteral("s-bus")},
                                            {QStringLiteral("bike"), {}}});
    QCOMPARE(added, 1);
    QCOMPARE(model.mappings(),
             (QList<ClassMapping>{{QStringLiteral("car"), QStringLiteral("s-car")},
                                  {QStringLiteral("bus"), QStringLiteral("s-bus")},
                                  {QStringLiteral("bike"), {}}}));
}

void tst_ClassMapping::panelImportsFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString text = dir.filePath(QStringLiteral("classes.txt"));
    const QString list = dir.filePath(QStringLiteral("classes.json"));
    {
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("car\nbus\n");
        QFile jsonFile(list);
        QVERIFY(jsonFile.open(QIODevice::WriteOnly));
        jsonFile.write(R"([{"modelClass": "bus", "schemaId": "s-bus"}, "person"])");
    }
    ClassMappingPanel panel;
    QSignalSpy schemaChanged(&panel, &ClassMappingPanel::categorySchemaChanged);
    QCOMPARE(*panel.importFile(text), 2);
    QVERIFY(panel.categorySchema().is_null());
    QCOMPARE(*panel.importFile(list), 1);
    QCOMPARE(panel.model()->rowCount(), 3);
    QCOMPARE_JSON(panel.categorySchema(),
                  json::parse(R"([{"schemaId": "s-bus", "modelClass": "bus"}])"));
    QCOMPARE(schemaChanged.count(), 1);
    QVERIFY(!panel.importFile(dir.filePath(QStringLiteral("missing.txt"))).ok());
}

void tst_ClassMapping::labelToolsFromProject()
{
    const json response = json::parse(R"({"status": "success", "data": {"project": {
        "name": "P", "categorySchema": {
            "tools": [{"schemaId": "a1", "title": "Car", "tool": "bounding-box", "color": "#12ab34",
                       "required": false, "classifications": []},
                      {"title": "no id"},
                      {"schemaId": "b2", "title": "Lane", "tool": "polyline"}],
            "classifications": [{"schemaId": "c3", "title": "Weather", "tool": "radio"}],
            "relations": []}}}})");
    const ango::Result<QList<LabelTool>> tools = labelToolsFromProjectResponse(response);
    QVERIFY(tools.ok());
    QCOMPARE(tools->size(), 2);
    QCOMPARE(tools->at(0), (LabelTool{QStringLiteral("a1"), QStringLiteral("Car"),
                                      QStringLiteral("bounding-box"), QColor(0x12, 0xab, 0x34)}));
    QCOMPARE(tools->at(1).schemaId, QStringLiteral("b2"));
    QVERIFY(!tools->at(1).color.isValid());
    QVERIFY(!labelToolsFromProjectResponse(json::parse(R"({"data": {"project": {}}})")).ok());
}

void tst_ClassMapping::unmappedAndReturnedClassesAreHighlighted()
{
    ClassMappingModel model;
    model.setMappings({{QStringLiteral("car"), QStringLiteral("s-car")},
                       {QStringLiteral("bus"), {}},
                       {QStringLiteral("bike"), {}}});
    auto statusOf = [&](const QString &name) {
        return Status(cell(model, name, 0).data(ClassMappingModel::StatusRole).toInt());
    };
    auto background = [&](const QString &name) {
        return cell(model, name, ClassMappingModel::ClassColumn).data(Qt::BackgroundRole);
    };
    QCOMPARE(statusOf(QStringLiteral("car")), Status::Mapped);
    QVERIFY(!background(QStringLiteral("car")).isValid());
    QCOMPARE(statusOf(QStringLiteral("bus")), Status::Unmapped);
    const QColor unmappedTint = background(QStringLiteral("bus")).value<QColor>();
    QVERIFY(unmappedTint.isValid());
    QVERIFY(!cell(model, QStringLiteral("bus"), 0).data(Qt::ToolTipRole).toString().isEmpty());

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setReturnedClasses(
        {QStringLiteral("car"), QStringLiteral("bus"), QStringLiteral("truck")});
    QCOMPARE(inserted.count(), 1); // "truck" was never listed: it gets a row to map it
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(statusOf(QStringLiteral("car")), Status::Mapped);
    QCOMPARE(statusOf(QStringLiteral("bus")), Status::ReturnedUnmapped);
    QCOMPARE(statusOf(QStringLiteral("truck")), Status::ReturnedUnmapped);
    QCOMPARE(statusOf(QStringLiteral("bike")), Status::Unmapped);
    QVERIFY(cell(model, QStringLiteral("truck"), 0).data(ClassMappingModel::ReturnedRole).toBool());
    QVERIFY(background(QStringLiteral("truck")).value<QColor>() != unmappedTint);
    QCOMPARE(model.classesWith(Status::ReturnedUnmapped),
             (QStringList{QStringLiteral("bus"), QStringLiteral("truck")}));

    // Mapping it clears the mark; a new result without it clears "returned".
    QVERIFY(model.setTarget(model.rowOfClass(QStringLiteral("truck")), QStringLiteral("s-truck")));
    QCOMPARE(statusOf(QStringLiteral("truck")), Status::Mapped);
    model.setReturnedClasses({});
    QCOMPARE(statusOf(QStringLiteral("bus")), Status::Unmapped);
}

void tst_ClassMapping::unknownTargetIsFlagged()
{
    ClassMappingModel model;
    model.setMappings({{QStringLiteral("car"), QStringLiteral("s-car")},
                       {QStringLiteral("bus"), QStringLiteral("gone")}});
    // Without a label set every schemaId is taken on trust.
    QCOMPARE(model.status(1), Status::Mapped);
    QCOMPARE(model.index(1, ClassMappingModel::TargetColumn).data().toString(),
             QStringLiteral("gone"));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setLabelTools(sampleTools());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.status(0), Status::Mapped);
    QCOMPARE(model.status(1), Status::UnknownTarget);
    QCOMPARE(model.index(0, ClassMappingModel::TargetColumn).data().toString(),
             QStringLiteral("Car (bounding-box)"));
    QCOMPARE(
        model.index(0, ClassMappingModel::TargetColumn).data(Qt::DecorationRole).value<QColor>(),
        QColor(QStringLiteral("#ff0000")));
    QVERIFY(model.index(1, 0).data(Qt::BackgroundRole).isValid());
}

void tst_ClassMapping::storeKeepsMappingsPerProject()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("settings.ini"));
    {
        QSettings settings(path, QSettings::IniFormat);
        MappingStore store(&settings);
        store.save(QStringLiteral("proj/1"),
                   {{{QStringLiteral("car"), QStringLiteral("s1")}}, sampleTools()});
        store.save(QString(), {{{QStringLiteral("bus"), {}}}, {}});
    }
    QSettings settings(path, QSettings::IniFormat);
    MappingStore store(&settings);
    QVERIFY(store.contains(QStringLiteral("proj/1")));
    QVERIFY(!store.contains(QStringLiteral("proj")));
    const MappingStore::Saved saved = store.load(QStringLiteral("proj/1"));
    QCOMPARE(saved.mappings, (QList<ClassMapping>{{QStringLiteral("car"), QStringLiteral("s1")}}));
    QCOMPARE(saved.labelTools, sampleTools());
    QCOMPARE(store.load(QString()).mappings, (QList<ClassMapping>{{QStringLiteral("bus"), {}}}));
    QVERIFY(store.load(QStringLiteral("other")).mappings.isEmpty());
    // Only the two typed values per project are written.
    QStringList keys = settings.allKeys();
    keys.sort();
    QCOMPARE(keys, (QStringList{QStringLiteral("classMapping/_local/labelTools"),
                                QStringLiteral("classMapping/_local/mappings"),
                                QStringLiteral("classMapping/proj%2F1/labelTools"),
                                QStringLiteral("classMapping/proj%2F1/mappings")}));
    store.remove(QStringLiteral("proj/1"));
    QVERIFY(!store.contains(QStringLiteral("proj/1")));
}

void tst_ClassMapping::lastProjectAndItsMappingComeBackOnRelaunch()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("settings.ini"));
    {
        QSettings settings(path, QSettings::IniFormat);
        MappingStore store(&settings);
        ClassMappingPanel panel(&store);
        panel.setProjectId(QStringLiteral("p1"));
        panel.setLabelTools(sampleTools());
        panel.model()->importMappings({{QStringLiteral("car"), QStringLiteral("s-car")}});
    }
    // The next start: a new settings object, store and panel, nothing typed.
    QSettings settings(path, QSettings::IniFormat);
    MappingStore store(&settings);
    ClassMappingPanel panel(&store);
    QCOMPARE(panel.projectId(), QStringLiteral("p1"));
    QCOMPARE(panel.findChild<QLineEdit *>(QStringLiteral("mappingProjectId"))->text(),
             QStringLiteral("p1"));
    QCOMPARE_JSON(panel.categorySchema(),
                  json::parse(R"([{"schemaId": "s-car", "modelClass": "car"}])"));
    QCOMPARE(panel.model()->labelTools(), sampleTools());
}

void tst_ClassMapping::panelSavesAndSwitchesProjects()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    MappingStore store(&settings);
    {
        ClassMappingPanel panel(&store);
        QSignalSpy projectChanged(&panel, &ClassMappingPanel::projectIdChanged);
        QSignalSpy labelSetRequested(&panel, &ClassMappingPanel::labelSetRequested);
        panel.setProjectId(QStringLiteral("p1"));
        QCOMPARE(projectChanged.count(), 1);
        panel.loadLabelSetAction()->trigger();
        QCOMPARE(labelSetRequested.count(), 1);
        QCOMPARE(labelSetRequested.first().first().toString(), QStringLiteral("p1"));
        panel.setLabelTools(sampleTools());
        panel.model()->importMappings({{QStringLiteral("car"), QStringLiteral("s-car")}});

        panel.setProjectId(QStringLiteral("p2"));
        QCOMPARE(panel.model()->rowCount(), 0);
        QVERIFY(panel.model()->labelTools().isEmpty());
        panel.model()->importMappings({{QStringLiteral("bus"), QStringLiteral("s-bus")}});

        panel.setProjectId(QStringLiteral("p1"));
        QCOMPARE_JSON(panel.categorySchema(),
                      json::parse(R"([{"schemaId": "s-car", "modelClass": "car"}])"));
        QCOMPARE(panel.model()->labelTools(), sampleTools());
    }
    // A new panel (next start) finds them again.
    ClassMappingPanel panel(&store);
    panel.setProjectId(QStringLiteral("p2"));
    QCOMPARE_JSON(panel.categorySchema(),
                  json::parse(R"([{"schemaId": "s-bus", "modelClass": "bus"}])"));
}

void tst_ClassMapping::modelPassesTester()
{
    ClassMappingModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMappings({{QStringLiteral("car"), {}}, {QStringLiteral("bus"), QStringLiteral("x")}});
    model.setLabelTools(sampleTools());
    model.importMappings({{QStringLiteral("bike"), {}}});
    model.insertRows(1, 2);
    model.setData(model.index(1, 0), QStringLiteral("tram"));
    model.setReturnedClasses({QStringLiteral("tram"), QStringLiteral("truck")});
    model.removeRows(0, 2);
    model.setTarget(0, QStringLiteral("s-car"));
    model.setMappings({});
}

QTEST_MAIN(tst_ClassMapping)
#include "tst_classmapping.moc"
