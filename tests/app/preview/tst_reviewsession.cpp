#include "fixtures.h"
#include "panels/review/reviewsession.h"

#include <QTest>

using namespace ango::app;
using nlohmann::json;

class tst_ReviewSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void uneditedIsTheOriginal();
    void movingABoxRewritesOnlyWhatChanged();
    void coordinates_data();
    void coordinates();
    void rotatedBoxKeepsItsRotation();
    void onlyBoxesMove();
    void deleteDropsObjectAndItsRelations();
    void groupRelationsShrink();
    void changeClass();
    void deletedObjectsCannotBeEdited();
    void revert();
    void exportIndices();
};

void tst_ReviewSession::uneditedIsTheOriginal()
{
    const json answer = ango::test::everyShapeAnswer();
    ReviewSession session(answer);
    QCOMPARE(session.slotCount(), 8);
    QVERIFY(!session.isEdited());
    QCOMPARE(session.editedAnswer().dump(), answer.dump());
    // Re-setting a box to where it is changes nothing.
    QVERIFY(session.setBox(0, QRectF(20, 30, 50, 60)).ok());
    QVERIFY(!session.isEdited());
    QCOMPARE(session.editedAnswer().dump(), answer.dump());
}

void tst_ReviewSession::movingABoxRewritesOnlyWhatChanged()
{
    const json answer = ango::test::everyShapeAnswer();
    ReviewSession session(answer);
    QVERIFY(session.setBox(0, QRectF(25, 30, 80, 60)).ok());
    QVERIFY(session.isEdited());
    json expected = answer;
    expected["objects"][0]["bounding-box"]["x"] = 25;
    expected["objects"][0]["bounding-box"]["width"] = 80;
    const json edited = session.editedAnswer();
    QCOMPARE(edited.dump(), expected.dump());
    // The other objects, classifications and relations are byte-identical.
    for (std::size_t i = 1; i < answer["objects"].size(); ++i)
        QCOMPARE(edited["objects"][i].dump(), answer["objects"][i].dump());
    QCOMPARE(edited["classifications"].dump(), answer["classifications"].dump());
    QCOMPARE(edited["relations"].dump(), answer["relations"].dump());
}

void tst_ReviewSession::coordinates_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("whole") << 42.0 << QByteArray("42");
    QTest::newRow("nearly whole") << 41.999999 << QByteArray("42");
    QTest::newRow("fraction") << 12.345678 << QByteArray("12.35");
    QTest::newRow("negative") << -3.5 << QByteArray("-3.5");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
}

void tst_ReviewSession::coordinates()
{
    QFETCH(double, value);
    QFETCH(QByteArray, json);
    const nlohmann::json written = coordinateJson(value);
    QVERIFY(written.is_number());
    QCOMPARE(QByteArray::fromStdString(written.dump()), json);
}

void tst_ReviewSession::rotatedBoxKeepsItsRotation()
{
    const json answer = ango::test::everyShapeAnswer();
    ReviewSession session(answer);
    QVERIFY(session.setBox(1, QRectF(210.5, 100, 40, 20)).ok());
    const json box = session.editedAnswer()["objects"][1]["rotated-bounding-box"];
    QCOMPARE(
        box.dump(),
        json::parse(R"({"x": 210.5, "y": 100, "width": 40, "height": 20, "rotation": 90})").dump());
}

void tst_ReviewSession::onlyBoxesMove()
{
    ReviewSession session(ango::test::everyShapeAnswer());
    for (int slot : {2, 3, 4, 5}) {
        const auto result = session.setBox(slot, QRectF(0, 0, 10, 10));
        QVERIFY(!result.ok());
        QVERIFY(result.error().message.contains(u"not a box"_qs));
    }
    QVERIFY(!session.setBox(99, QRectF(0, 0, 1, 1)).ok());
    QVERIFY(!session.isEdited());
}

void tst_ReviewSession::deleteDropsObjectAndItsRelations()
{
    const json answer = ango::test::everyShapeAnswer();
    ReviewSession session(answer);
    QVERIFY(session.deleteObject(7).ok()); // "h", the relation's target
    const json edited = session.editedAnswer();
    QCOMPARE(edited["objects"].size(), std::size_t(7));
    for (std::size_t i = 0; i < 7; ++i)
        QCOMPARE(edited["objects"][i].dump(), answer["objects"][i].dump());
    QCOMPARE(edited["relations"].dump(), "[]");
    QCOMPARE(edited["classifications"].dump(), answer["classifications"].dump());

    ReviewSession other(answer);
    QVERIFY(other.deleteObject(2).ok()); // not related to anything
    QCOMPARE(other.editedAnswer()["relations"].dump(), answer["relations"].dump());
    QCOMPARE(other.editedAnswer()["objects"].size(), std::size_t(7));
    QVERIFY(other.editedAnswer()["objects"][2]["objectId"] == "d");
}

void tst_ReviewSession::groupRelationsShrink()
{
    const json answer = json::parse(R"({
      "objects": [{"objectId": "a", "point": [1, 1]}, {"objectId": "b", "point": [2, 2]},
                  {"objectId": "c", "point": [3, 3]}],
      "classifications": [],
      "relations": [{"schemaId": "g3", "group": ["a", "b", "c"]},
                    {"schemaId": "g2", "group": ["a", "b"]},
                    {"schemaId": "g0", "group": ["b", "c"]}]})");
    ReviewSession session(answer);
    QVERIFY(session.deleteObject(0).ok());
    QCOMPARE(session.editedAnswer()["relations"].dump(),
             json::parse(R"([{"schemaId": "g3", "group": ["b", "c"]},
                             {"schemaId": "g0", "group": ["b", "c"]}])")
                 .dump());
}

void tst_ReviewSession::changeClass()
{
    const json answer = json::parse(R"({"objects": [
        {"schemaId": "car", "bounding-box": {"x": 1, "y": 2, "width": 3, "height": 4}},
        {"title": "Boat", "point": [5, 6]}], "classifications": [], "relations": []})");
    ReviewSession session(answer);
    QVERIFY(session.setSchemaId(0, u"car"_qs).ok());
    QVERIFY(!session.isEdited()); // same class
    QVERIFY(session.setSchemaId(0, u"truck"_qs).ok());
    QVERIFY(session.setSchemaId(1, u"ship"_qs).ok());
    QCOMPARE(session.editedAnswer().dump(), json::parse(R"({"objects": [
                 {"schemaId": "truck", "bounding-box": {"x": 1, "y": 2, "width": 3, "height": 4}},
                 {"schemaId": "ship", "point": [5, 6]}], "classifications": [], "relations": []})")
                                                .dump());
    QVERIFY(!session.setSchemaId(0, QString()).ok());
}

void tst_ReviewSession::deletedObjectsCannotBeEdited()
{
    ReviewSession session(ango::test::everyShapeAnswer());
    QVERIFY(session.deleteObject(0).ok());
    QVERIFY(session.isDeleted(0));
    QVERIFY(session.object(0).is_null());
    QVERIFY(!session.deleteObject(0).ok());
    QVERIFY(!session.setBox(0, QRectF(0, 0, 5, 5)).ok());
    QVERIFY(!session.setSchemaId(0, u"x"_qs).ok());
}

void tst_ReviewSession::revert()
{
    const json answer = ango::test::everyShapeAnswer();
    ReviewSession session(answer);
    QVERIFY(session.deleteObject(3).ok());
    QVERIFY(session.setBox(0, QRectF(0, 0, 5, 5)).ok());
    session.revert();
    QVERIFY(!session.isEdited());
    QVERIFY(!session.isDeleted(3));
    QCOMPARE(session.editedAnswer().dump(), answer.dump());
}

void tst_ReviewSession::exportIndices()
{
    ReviewSession session(ango::test::everyShapeAnswer());
    QVERIFY(session.deleteObject(1).ok());
    QVERIFY(session.deleteObject(4).ok());
    QCOMPARE(session.slotOfExportIndex(0), 0);
    QCOMPARE(session.slotOfExportIndex(1), 2);
    QCOMPARE(session.slotOfExportIndex(3), 5);
    QCOMPARE(session.slotOfExportIndex(6), -1);
    QCOMPARE(session.exportIndexOfSlot(5), 3);
    QCOMPARE(session.exportIndexOfSlot(4), -1);
}

QTEST_GUILESS_MAIN(tst_ReviewSession)
#include "tst_reviewsession.moc"
