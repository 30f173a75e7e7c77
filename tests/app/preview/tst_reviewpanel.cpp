#include "fixtures.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewview.h"
#include "panels/review/boxeditor.h"
#include "panels/review/discardconfirm.h"
#include "panels/review/reviewpanel.h"

#include <QBuffer>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QMainWindow>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QThreadPool>

using namespace ango::app;
using nlohmann::json;

class tst_ReviewPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void discardThenApproveCarryIdsAndContent();
    void discardAsksInPlaceAndKeepLeavesTheResult();
    void escapeKeepsEvenWhenTheWindowOwnsEscape();
    void draggingAHandleResizesTheBox();
    void clickSelectsTheSmallestAndDragMovesIt();
    void rotatedBoxResizesAlongItsSides();
    void deleteObject();
    void changeClass();
    void problemsFollowEdits();
    void editsStayWithTheirResult();
    void withdrawnResultsLeaveQuietly();
    void imageFromBytes();
    void imageBytesArrivingLaterAreDecodedOffTheGuiThread();
    void undecodableImageBytesAreReported();

private:
    PendingReview pending(const QString &id, json answer = ango::test::everyShapeAnswer()) const;
    QPushButton *button(const char *name) const;
    QPoint viewPos(const QPointF &scenePos) const;
    // Shows the image at 100 % around a scene point, so a drag of n pixels moves n image pixels.
    void zoomToOneAround(const QPointF &scenePos);

    ReviewPanel *m_panel = nullptr;
};

PendingReview tst_ReviewPanel::pending(const QString &id, json answer) const
{
    PendingReview review;
    review.id = id;
    review.title = u"asset "_qs + id;
    review.answer = std::move(answer);
    QImage image(800, 800, QImage::Format_RGB32);
    image.fill(Qt::darkGreen);
    review.image = image;
    return review;
}

void tst_ReviewPanel::init()
{
    m_panel = new ReviewPanel;
    m_panel->resize(1200, 900);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel));
}

void tst_ReviewPanel::cleanup()
{
    delete m_panel;
    m_panel = nullptr;
}

QPushButton *tst_ReviewPanel::button(const char *name) const
{
    return m_panel->findChild<QPushButton *>(QString::fromLatin1(name));
}

QPoint tst_ReviewPanel::viewPos(const QPointF &scenePos) const
{
    return m_panel->preview()->view()->mapFromScene(scenePos);
}

void tst_ReviewPanel::zoomToOneAround(const QPointF &scenePos)
{
    PreviewView *view = m_panel->preview()->view();
    view->resetTransform();
    view->centerOn(scenePos);
    QCOMPARE(view->zoom(), 1.0);
}

void tst_ReviewPanel::discardThenApproveCarryIdsAndContent()
{
    QSignalSpy approved(m_panel, &ReviewPanel::approveRequested);
    QSignalSpy discarded(m_panel, &ReviewPanel::discardRequested);
    QSignalSpy count(m_panel, &ReviewPanel::pendingCountChanged);
    const json second = json::parse(
        R"({"objects": [{"schemaId": "x", "point": [5, 5]}], "classifications": [], "relations": []})");
    m_panel->enqueue(pending(u"session-a"_qs));
    m_panel->enqueue(pending(u"session-b"_qs, second));
    QCOMPARE(m_panel->pendingCount(), 2);
    QCOMPARE(count.size(), 2);
    QCOMPARE(m_panel->currentId(), u"session-a"_qs);
    QCOMPARE(m_panel->preview()->scene()->objectCount(), 8);
    QCOMPARE(m_panel->findChild<QComboBox *>(u"reviewQueueBox"_qs)->currentText(),
             u"asset session-a"_qs);

    button("reviewDiscardButton")->click();
    QCOMPARE(discarded.size(), 0); // asked first
    button("reviewConfirmDiscardButton")->click();
    QCOMPARE(discarded.size(), 1);
    QCOMPARE(discarded.at(0).at(0).toString(), u"session-a"_qs);
    QCOMPARE(approved.size(), 0);
    QCOMPARE(m_panel->currentId(), u"session-b"_qs);
    QCOMPARE(m_panel->preview()->scene()->objectCount(), 1);

    button("reviewUploadButton")->click();
    QCOMPARE(approved.size(), 1);
    QCOMPARE(approved.at(0).at(0).toString(), u"session-b"_qs);
    QCOMPARE(approved.at(0).at(1).value<json>().dump(), second.dump());
    QCOMPARE(m_panel->pendingCount(), 0);
    QCOMPARE(count.last().at(0).toInt(), 0);
    QVERIFY(!button("reviewUploadButton")->isEnabled());
    QVERIFY(!button("reviewDiscardButton")->isEnabled());
    QCOMPARE(m_panel->findChild<QLabel *>(u"reviewStatus"_qs)->text(),
             u"Nothing waiting for review"_qs);
}

// Discard cannot be undone (the hub is answered), so one click only asks, in the panel: no modal
// dialog, nothing sent until the user confirms, and a question never reaches another result.
void tst_ReviewPanel::discardAsksInPlaceAndKeepLeavesTheResult()
{
    QSignalSpy discarded(m_panel, &ReviewPanel::discardRequested);
    m_panel->enqueue(pending(u"session-a"_qs));
    m_panel->enqueue(pending(u"session-b"_qs));
    QWidget *confirm = m_panel->findChild<QWidget *>(u"reviewDiscardConfirm"_qs);
    QVERIFY(confirm);
    QVERIFY(!confirm->isVisible());

    QTest::mouseClick(button("reviewDiscardButton"), Qt::LeftButton);
    QVERIFY(confirm->isVisible());
    QCOMPARE(QApplication::activeModalWidget(), nullptr);
    QCOMPARE(discarded.size(), 0);
    QCOMPARE(m_panel->pendingCount(), 2);
    // Keep (the default) leaves the result waiting.
    QVERIFY(button("reviewKeepButton")->isDefault());
    QTest::mouseClick(button("reviewKeepButton"), Qt::LeftButton);
    QVERIFY(!confirm->isVisible());
    QCOMPARE(discarded.size(), 0);
    QCOMPARE(m_panel->currentId(), u"session-a"_qs);

    // Esc keeps too.
    QTest::mouseClick(button("reviewDiscardButton"), Qt::LeftButton);
    QVERIFY(confirm->isVisible());
    QTest::keyClick(confirm, Qt::Key_Escape);
    QVERIFY(!confirm->isVisible());
    QCOMPARE(discarded.size(), 0);

    // Asked about a, then b is shown: the question goes, b is not discarded.
    QTest::mouseClick(button("reviewDiscardButton"), Qt::LeftButton);
    m_panel->showPending(u"session-b"_qs);
    QVERIFY(!confirm->isVisible());
    QCOMPARE(discarded.size(), 0);

    QTest::mouseClick(button("reviewDiscardButton"), Qt::LeftButton);
    QTest::mouseClick(button("reviewConfirmDiscardButton"), Qt::LeftButton);
    QCOMPARE(discarded.size(), 1);
    QCOMPARE(discarded.at(0).at(0).toString(), u"session-b"_qs);
    QCOMPARE(m_panel->pendingIds(), QStringList{u"session-a"_qs});
    QVERIFY(!confirm->isVisible());
}

void tst_ReviewPanel::draggingAHandleResizesTheBox()
{
    const json answer = ango::test::everyShapeAnswer();
    m_panel->enqueue(pending(u"a"_qs, answer));
    zoomToOneAround(QPointF(45, 60));
    m_panel->selectSlot(0);
    QCOMPARE(m_panel->selectedSlot(), 0);
    BoxEditor *editor = m_panel->boxEditor();
    QVERIFY(editor->isAttached());
    QCOMPARE(editor->handleScenePos(BoxEditor::Right), QPointF(70, 60));

    QSignalSpy edited(m_panel, &ReviewPanel::answerEdited);
    const QPoint handle = viewPos(QPointF(70, 60));
    ango::test::drag(m_panel->preview()->view()->viewport(), handle, handle + QPoint(30, 0));
    QCOMPARE(edited.size(), 1);

    json expected = answer;
    expected["objects"][0]["bounding-box"]["width"] = 80;
    QCOMPARE(m_panel->currentSession()->editedAnswer().dump(), expected.dump());
    // The overlay follows, and the handles sit on the new edge.
    QCOMPARE(m_panel->preview()->scene()->overlayItem(0)->geometry().box, QRectF(20, 30, 80, 60));
    QCOMPARE(editor->handleScenePos(BoxEditor::Right), QPointF(100, 60));

    // A corner changes two sides at once.
    const QPoint corner = viewPos(QPointF(20, 30));
    ango::test::drag(m_panel->preview()->view()->viewport(), corner, corner + QPoint(-5, 10));
    expected["objects"][0]["bounding-box"] = {{"x", 15}, {"y", 40}, {"width", 85}, {"height", 50}};

    QSignalSpy approved(m_panel, &ReviewPanel::approveRequested);
    button("reviewUploadButton")->click();
    QCOMPARE(approved.size(), 1);
    QCOMPARE(approved.at(0).at(0).toString(), u"a"_qs);
    QCOMPARE(approved.at(0).at(1).value<json>().dump(), expected.dump());
}

void tst_ReviewPanel::clickSelectsTheSmallestAndDragMovesIt()
{
    const json answer = ango::test::everyShapeAnswer();
    m_panel->enqueue(pending(u"a"_qs, answer));
    zoomToOneAround(QPointF(45, 60));
    QWidget *viewport = m_panel->preview()->view()->viewport();
    // objects[7] (30, 40, 10 x 10) lies inside objects[0].
    const QPoint inner = viewPos(QPointF(35, 45));
    ango::test::sendMouse(viewport, QEvent::MouseButtonPress, inner, Qt::LeftButton,
                          Qt::LeftButton);
    ango::test::sendMouse(viewport, QEvent::MouseButtonRelease, inner, Qt::LeftButton,
                          Qt::NoButton);
    QCOMPARE(m_panel->selectedSlot(), 7);
    QVERIFY(m_panel->boxEditor()->isAttached());

    ango::test::drag(viewport, inner, inner + QPoint(12, 8));
    json expected = answer;
    expected["objects"][7]["bounding-box"]["x"] = 42;
    expected["objects"][7]["bounding-box"]["y"] = 48;
    QCOMPARE(m_panel->currentSession()->editedAnswer().dump(), expected.dump());

    // Clicking where only the big box is selects it, although the small one is selected.
    const QPoint outer = viewPos(QPointF(60, 80));
    ango::test::sendMouse(viewport, QEvent::MouseButtonPress, outer, Qt::LeftButton,
                          Qt::LeftButton);
    ango::test::sendMouse(viewport, QEvent::MouseButtonRelease, outer, Qt::LeftButton,
                          Qt::NoButton);
    QCOMPARE(m_panel->selectedSlot(), 0);
}

void tst_ReviewPanel::rotatedBoxResizesAlongItsSides()
{
    const json answer = ango::test::everyShapeAnswer();
    m_panel->enqueue(pending(u"a"_qs, answer));
    zoomToOneAround(QPointF(220, 110));
    m_panel->selectSlot(1); // (200, 100, 40 x 20) turned 90 degrees around (220, 110)
    BoxEditor *editor = m_panel->boxEditor();
    // The right side of the unturned box now faces down.
    const QPointF right = editor->handleScenePos(BoxEditor::Right);
    QVERIFY(qAbs(right.x() - 220) < 1e-9 && qAbs(right.y() - 130) < 1e-9);
    const QPoint handle = viewPos(QPointF(220, 130));
    ango::test::drag(m_panel->preview()->view()->viewport(), handle, handle + QPoint(0, 10));

    // 10 px longer along its own x axis; the centre moves 5 px down; the rotation stays.
    json expected = answer;
    expected["objects"][1]["rotated-bounding-box"]
        = {{"x", 195}, {"y", 105}, {"width", 50}, {"height", 20}, {"rotation", 90}};
    QCOMPARE(m_panel->currentSession()->editedAnswer().dump(), expected.dump());
}

void tst_ReviewPanel::deleteObject()
{
    const json answer = ango::test::everyShapeAnswer();
    m_panel->enqueue(pending(u"a"_qs, answer));
    QVERIFY(!button("reviewDeleteButton")->isEnabled());
    m_panel->selectSlot(2);
    QVERIFY(button("reviewDeleteButton")->isEnabled());
    button("reviewDeleteButton")->click();
    QCOMPARE(m_panel->preview()->scene()->overlayItem(2), nullptr);
    QCOMPARE(m_panel->selectedSlot(), -1);

    // The Delete key, with the focus on the image.
    m_panel->selectSlot(7);
    m_panel->preview()->view()->setFocus();
    QTest::keyClick(m_panel->preview()->view(), Qt::Key_Delete);
    QCOMPARE(m_panel->preview()->scene()->overlayItem(7), nullptr);

    json expected = answer;
    expected["objects"].erase(7);
    expected["objects"].erase(2);
    expected["relations"] = json::array(); // it pointed at objects[7]
    QSignalSpy approved(m_panel, &ReviewPanel::approveRequested);
    button("reviewUploadButton")->click();
    QCOMPARE(approved.at(0).at(1).value<json>().dump(), expected.dump());
}

void tst_ReviewPanel::changeClass()
{
    m_panel->setClasses({ClassInfo{u"car"_qs, u"Car"_qs, QColor(Qt::blue)},
                         ClassInfo{u"truck"_qs, u"Truck"_qs, QColor(Qt::yellow)},
                         ClassInfo{u"boat"_qs, u"Boat"_qs, {}}});
    const json answer = ango::test::everyShapeAnswer();
    m_panel->enqueue(pending(u"a"_qs, answer));
    auto *classBox = m_panel->findChild<QComboBox *>(u"reviewClassBox"_qs);
    QVERIFY(!classBox->isEnabled());
    m_panel->selectSlot(7);
    QVERIFY(classBox->isEnabled());
    QCOMPARE(classBox->currentText(), u"Car"_qs);

    // The user picks the next entry.
    classBox->setFocus();
    QTest::keyClick(classBox, Qt::Key_Down);
    QCOMPARE(classBox->currentText(), u"Truck"_qs);
    json expected = answer;
    expected["objects"][7]["schemaId"] = "truck";
    QCOMPARE(m_panel->currentSession()->editedAnswer().dump(), expected.dump());
    const OverlayItem *item = m_panel->preview()->scene()->overlayItem(7);
    QCOMPARE(item->classKey(), u"truck"_qs);
    QCOMPARE(m_panel->preview()->scene()->classColor(item->classSlot()), QColor(Qt::yellow));

    QVERIFY(m_panel->changeClass(0, u"boat"_qs));
    expected["objects"][0]["schemaId"] = "boat";
    QCOMPARE(m_panel->currentSession()->editedAnswer().dump(), expected.dump());
    QVERIFY(!m_panel->changeClass(6 + 10, u"boat"_qs));

    button("reviewRevertButton")->click();
    QCOMPARE(m_panel->currentSession()->editedAnswer().dump(), answer.dump());
    QCOMPARE(m_panel->preview()->scene()->overlayItem(7)->classKey(), u"car"_qs);
}

void tst_ReviewPanel::problemsFollowEdits()
{
    // Boxes wider than 60 px are a problem, reported at their index in the edited answer.
    int validations = 0;
    m_panel->setValidator([&validations](const json &answer) {
        ++validations;
        std::vector<ango::annotation::Problem> problems;
        for (std::size_t i = 0; i < answer["objects"].size(); ++i) {
            const json &object = answer["objects"][i];
            if (object.contains("bounding-box") && object["bounding-box"]["width"].is_number()
                && object["bounding-box"]["width"].get<double>() > 60)
                problems.push_back({"objects[" + std::to_string(i) + "].bounding-box.width",
                                    u"too wide"_qs, ango::annotation::Severity::Error});
        }
        return problems;
    });
    PendingReview review = pending(u"a"_qs);
    review.problems.push_back({"objects[3].polyline", u"arrived with the result"_qs,
                               ango::annotation::Severity::Warning});
    m_panel->enqueue(review);
    PreviewScene *scene = m_panel->preview()->scene();
    QCOMPARE(validations, 0); // unedited: the result's own problems
    QCOMPARE(scene->overlayItem(3)->problemCount(), 1);

    QSignalSpy edited(m_panel, &ReviewPanel::answerEdited);
    QVERIFY(m_panel->deleteObject(1));
    QVERIFY(m_panel->deleteObject(2));
    QVERIFY(m_panel->moveBox(7, QRectF(30, 40, 70, 10)));
    QCOMPARE(edited.size(), 3);
    QCOMPARE(edited.last().at(0).toString(), u"a"_qs);
    QCOMPARE(edited.last().at(1).value<json>()["objects"].size(), std::size_t(6));
    QCOMPARE(validations, 3);
    // Reported as objects[5] of the edited answer: shown and marked as objects[7].
    QCOMPARE(scene->overlayItem(7)->problemCount(), 1);
    QCOMPARE(scene->overlayItem(3)->problemCount(), 0);
    QListWidget *list = m_panel->preview()->problemList();
    QCOMPARE(list->count(), 2); // and objects[6], which cannot be drawn
    QCOMPARE(list->item(0)->text(), u"objects[7].bounding-box.width — too wide"_qs);
}

void tst_ReviewPanel::editsStayWithTheirResult()
{
    const json answer = ango::test::everyShapeAnswer();
    m_panel->enqueue(pending(u"a"_qs, answer));
    m_panel->enqueue(pending(u"b"_qs, answer));
    QVERIFY(m_panel->deleteObject(0));
    m_panel->showPending(u"b"_qs);
    QVERIFY(!m_panel->currentSession()->isEdited());
    QVERIFY(m_panel->preview()->scene()->overlayItem(0));
    m_panel->showPending(u"a"_qs);
    QCOMPARE(m_panel->preview()->scene()->overlayItem(0), nullptr);

    QSignalSpy approved(m_panel, &ReviewPanel::approveRequested);
    button("reviewUploadButton")->click();
    button("reviewUploadButton")->click();
    QCOMPARE(approved.size(), 2);
    QCOMPARE(approved.at(0).at(0).toString(), u"a"_qs);
    QCOMPARE(approved.at(0).at(1).value<json>()["objects"].size(), std::size_t(7));
    QCOMPARE(approved.at(1).at(0).toString(), u"b"_qs);
    QCOMPARE(approved.at(1).at(1).value<json>().dump(), answer.dump());
}

void tst_ReviewPanel::withdrawnResultsLeaveQuietly()
{
    QSignalSpy approved(m_panel, &ReviewPanel::approveRequested);
    QSignalSpy discarded(m_panel, &ReviewPanel::discardRequested);
    m_panel->enqueue(pending(u"a"_qs));
    m_panel->enqueue(pending(u"b"_qs));
    m_panel->enqueue(pending(u"c"_qs));
    m_panel->withdraw(u"a"_qs); // on screen
    QCOMPARE(m_panel->currentId(), u"b"_qs);
    m_panel->withdraw(u"c"_qs); // waiting behind
    QCOMPARE(m_panel->pendingIds(), QStringList{u"b"_qs});
    QCOMPARE(m_panel->currentId(), u"b"_qs);
    QCOMPARE(approved.size() + discarded.size(), 0);
}

void tst_ReviewPanel::imageFromBytes()
{
    QImage image(321, 123, QImage::Format_RGB32);
    image.fill(Qt::gray);
    QByteArray png;
    QBuffer buffer(&png);
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    QVERIFY(image.save(&buffer, "PNG"));
    PendingReview review = pending(u"a"_qs);
    review.image = QImage();
    review.imageData = png;
    QSignalSpy loaded(m_panel->preview(), &PreviewPanel::imageLoaded);
    m_panel->enqueue(review);
    QTRY_COMPARE(loaded.size(), 1);
    QCOMPARE(m_panel->preview()->scene()->imageSize(), QSize(321, 123));
}

namespace {

QByteArray pngOf(QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::gray);
    QByteArray png;
    QBuffer buffer(&png);
    if (!buffer.open(QIODevice::WriteOnly) || !image.save(&buffer, "PNG"))
        return {};
    return png;
}

} // namespace

// The console fetches a held result's image after enqueueing it: the bytes are decoded on the
// thread pool, not in setImageData() itself, and land on the result they belong to.
void tst_ReviewPanel::imageBytesArrivingLaterAreDecodedOffTheGuiThread()
{
    PendingReview a = pending(u"a"_qs);
    a.image = QImage();
    PendingReview b = pending(u"b"_qs);
    b.image = QImage();
    m_panel->enqueue(a);
    m_panel->enqueue(b);
    QCOMPARE(m_panel->currentId(), u"a"_qs);
    const QByteArray forA = pngOf(QSize(321, 123));
    const QByteArray forB = pngOf(QSize(64, 32));
    QVERIFY(!forA.isEmpty() && !forB.isEmpty());

    m_panel->setImageData(u"b"_qs, forB);
    m_panel->setImageData(u"a"_qs, forA);
    QVERIFY(m_panel->preview()->scene()->imageSize().isEmpty()); // not decoded in the call
    QTRY_COMPARE(m_panel->preview()->scene()->imageSize(), QSize(321, 123));
    m_panel->discardCurrent();
    QCOMPARE(m_panel->currentId(), u"b"_qs);
    QTRY_COMPARE(m_panel->preview()->scene()->imageSize(), QSize(64, 32));

    // Bytes for a result decided meanwhile, and a panel gone before decoding ends: no effect.
    m_panel->setImageData(u"a"_qs, forA);
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents(); // the decoded image's delivery
    QCOMPARE(m_panel->preview()->scene()->imageSize(), QSize(64, 32));
    m_panel->setImageData(u"b"_qs, forA);
    delete m_panel;
    m_panel = nullptr;
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
}

void tst_ReviewPanel::undecodableImageBytesAreReported()
{
    PendingReview review = pending(u"a"_qs);
    review.image = QImage();
    m_panel->enqueue(review);
    QSignalSpy failed(m_panel, &ReviewPanel::imageFailed);
    m_panel->setImageData(u"a"_qs, QByteArrayLiteral("not an image"));
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(failed.first().first().toString(), u"a"_qs);
    QVERIFY(!failed.first().at(1).toString().isEmpty());
    QVERIFY(m_panel->preview()->scene()->imageSize().isEmpty());
}

// In the console the Run menu's Cancel run owns Esc window-wide; while the discard question is
// asked, Esc still answers it ("Keep") and cancels nothing.
void tst_ReviewPanel::escapeKeepsEvenWhenTheWindowOwnsEscape()
{
    QMainWindow window;
    QAction *cancelRun = window.menuBar()->addMenu(u"Run"_qs)->addAction(u"Cancel run"_qs);
    cancelRun->setShortcut(QKeySequence(Qt::Key_Escape));
    QSignalSpy cancelled(cancelRun, &QAction::triggered);
    auto *confirm = new DiscardConfirm;
    window.setCentralWidget(confirm);
    QSignalSpy confirmed(confirm, &DiscardConfirm::confirmed);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    confirm->ask(u"r1"_qs);
    QTRY_VERIFY(confirm->isVisible() && confirm->focusWidget());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
    QVERIFY(confirm->isHidden());
    QVERIFY(confirm->askingAbout().isEmpty());
    QCOMPARE(cancelled.size(), 0);
    QCOMPARE(confirmed.size(), 0);
    // With no question asked, Esc is the window's again.
    window.setFocus();
    QTest::keyClick(&window, Qt::Key_Escape);
    QCOMPARE(cancelled.size(), 1);
}

QTEST_MAIN(tst_ReviewPanel)
#include "tst_reviewpanel.moc"
