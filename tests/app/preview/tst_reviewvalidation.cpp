// Review with core's own validation (annotation::normalize + validate) as the main window wires
// it: edits are re-validated and the problems land on the right objects.
#include "annotation/annotation.h"
#include "fixtures.h"
#include "panels/preview/previewpanel.h"
#include "panels/review/reviewpanel.h"

#include <QListWidget>
#include <QTest>

using namespace ango::app;
using nlohmann::json;

class tst_ReviewValidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void editsAreRevalidatedByCore();
};

void tst_ReviewValidation::editsAreRevalidatedByCore()
{
    const QSize imageSize(800, 800);
    auto validator = [imageSize](const json &answer) {
        const auto normalised = ango::annotation::normalize(answer);
        if (!normalised)
            return std::vector<ango::annotation::Problem>{
                {"", normalised.error().message, ango::annotation::Severity::Error}};
        return ango::annotation::validate(*normalised,
                                          ango::annotation::ValidationContext{json(), imageSize});
    };
    json answer = ango::test::everyShapeAnswer();
    answer["objects"].erase(6); // the undrawable one: core reports it, not the point here
    PendingReview review;
    review.id = u"a"_qs;
    review.answer = answer;
    review.image = QImage(imageSize, QImage::Format_RGB32);
    review.problems = validator(answer);

    ReviewPanel panel;
    panel.setValidator(validator);
    panel.enqueue(review);
    PreviewScene *scene = panel.preview()->scene();
    const int before = int(scene->problems().size());
    QCOMPARE(scene->overlayItem(6)->problemCount(), 0); // objects[6] is "h" now

    // Delete two objects in front of it, then push it out of the image: core reports it as
    // objects[4] of the edited answer; the panel marks and lists it as objects[6].
    QVERIFY(panel.deleteObject(1));
    QVERIFY(panel.deleteObject(2));
    QVERIFY(panel.moveBox(6, QRectF(790, 40, 30, 10)));
    QVERIFY(scene->overlayItem(6)->problemCount() >= 1);
    QCOMPARE(int(scene->problems().size()), before + scene->overlayItem(6)->problemCount());
    bool listed = false;
    for (const ListedProblem &problem : scene->problems()) {
        if (problem.objectIndex == 6) {
            QVERIFY2(problem.path.startsWith(u"objects[6]"_qs), qPrintable(problem.path));
            listed = true;
        }
    }
    QVERIFY(listed);

    // Back inside: the problem goes away.
    QVERIFY(panel.moveBox(6, QRectF(30, 40, 10, 10)));
    QCOMPARE(scene->overlayItem(6)->problemCount(), 0);
}

QTEST_MAIN(tst_ReviewValidation)
#include "tst_reviewvalidation.moc"
