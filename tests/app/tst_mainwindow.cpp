// The console window end to end: panels wired to the controller, the runtime and core, with the
// sandbox sample model, C++ callbacks that record what they are asked, and the local hub (a real
// Socket.IO + REST peer on 127.0.0.1) for runs started on the hub.
#include "annotation/annotation.h"
#include "callbacks/callbackfactory.h"
#include "callbacks/functioncallback.h"
#include "console/consolecontroller.h"
#include "hub/localhub.h"
#include "nodehub.h"
#include "jsoncompare.h"
#include "mainwindow.h"
#include "panels/config/configeditor.h"
#include "panels/connection/connectionpanel.h"
#include "panels/connection/connectionprofile.h"
#include "panels/localhub/localhubpanel.h"
#include "panels/log/logmodel.h"
#include "panels/log/logpanel.h"
#include "panels/log/logview.h"
#include "panels/log/requesttimeline.h"
#include "panels/mapping/classmappingmodel.h"
#include "panels/mapping/classmappingpanel.h"
#include "panels/preview/objectslist.h"
#include "panels/preview/overlayitem.h"
#include "panels/preview/overlayshape.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewscene.h"
#include "panels/preview/previewview.h"
#include "panels/review/reviewpanel.h"
#include "peerprocess.h"
#include "profile/profilefile.h"
#include "profile/profilejson.h"
#include "recordinghttpserver.h"
#include "runner/runoptions.h"
#include "runtime/pluginruntime.h"
#include "runtime/runregistry.h"
#include "sandbox/samplemodel.h"
#include "settings/secretstore.h"
#include "testpaths.h"
#include "windowfixture.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QBuffer>
#include <QFile>
#include <QHelpEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocumentFragment>
#include <QToolTip>

using namespace ango;
using namespace ango::app;
using nlohmann::json;

namespace {

// What the "recorder" callback was asked, newest last.
QList<json> &recordedRequests()
{
    static QList<json> requests;
    return requests;
}

// A callback that only answers when told to, and records what the runtime cancels.
class HeldCallback final : public callbacks::Callback
{
public:
    QString describe() const override { return QStringLiteral("held test callback"); }
    void invoke(callbacks::Call call, Done done) override
    {
        calls.append(call.id);
        pending = std::move(done);
    }
    void cancel(quint64 callId) override { cancelled.append(callId); }

    QList<quint64> calls;
    QList<quint64> cancelled;
    Done pending;
};

void registerTestCallbacks()
{
    callbacks::registerCallbackKind(
        QStringLiteral("recorder"), [](const QString &, const QVariantMap &) {
            return Result<std::unique_ptr<callbacks::Callback>>(
                std::make_unique<callbacks::FunctionCallback>([](const callbacks::Call &call) {
                    recordedRequests().append(call.request);
                    return sandbox::runSampleModel(call.request);
                }));
        });
    // The sample model's answer plus a copy of its first box (objectId and all) moved outside the
    // image: a real result with a problem core reports.
    callbacks::registerCallbackKind(
        QStringLiteral("outsider"), [](const QString &, const QVariantMap &) {
            return Result<std::unique_ptr<callbacks::Callback>>(
                std::make_unique<callbacks::FunctionCallback>([](const callbacks::Call &call) {
                    auto answer = sandbox::runSampleModel(call.request);
                    if (!answer || !answer->contains("objects"))
                        return answer;
                    for (const json &object : (*answer)["objects"]) {
                        if (!object.contains("bounding-box"))
                            continue;
                        json outside = object;
                        outside["bounding-box"]["x"] = -5000;
                        outside["bounding-box"]["y"] = -5000;
                        (*answer)["objects"].push_back(outside);
                        break;
                    }
                    return answer;
                }));
        });
    callbacks::registerCallbackKind(
        QStringLiteral("held"), [](const QString &, const QVariantMap &) {
            return Result<std::unique_ptr<callbacks::Callback>>(std::make_unique<HeldCallback>());
        });
}

const QString kLocalHubPlugin = QStringLiteral("local-plugin");
const QString kLocalHubSecret = QStringLiteral("local-secret-value");

json objectsOf(const json &answer)
{
    return answer.is_object() ? answer.value("objects", json::array()) : json::array();
}

} // namespace

class tst_MainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void sandboxRunDrawsTheReturnedObjects();
    void previewSpeaksTheMapping();
    void hoverAndObjectCountsSpeakTheResult();
    void editingTheMappingChangesTheCategorySchemaSent();
    void invalidConfigDisablesRunWithLineAndColumn();
    void panelModelsPassTheModelTester();
    void logTimelineFollowsTheRequest();
    void cancelStopsTheCallback();
    void labelSetIsLoadedFromTheProject();
    void labelSetErrorsAreShownInWords();
    void replayRestoresTheMaskedApiKey();
    void hubRunsShowInThePreview();
    void holdModeApproveDiscardAndEditDecideWhatIsDelivered();
    void projectAssetRunsOnTheLookedUpAsset();
    void projectAssetLookUpErrorsStartNoRun();
    void cancelWhileLookingUpTheAssetStartsNoRun();
    void heldResultImagesReachTheReviewPanel();
    void secretFieldSaysWhereTheSecretGoes();
    void localHubRunsShowInThePreviewWithTheWindowsMapping();
    void exportedProfileIsWhatTheRunnerReads();
    void holdAppliesToTheConsolesOwnRuns();
    void holdAppliesToAnOutsidePluginsRuns();
    void wrongTypedPayloadFieldsAreAnsweredNotThrown_data();
    void wrongTypedPayloadFieldsAreAnsweredNotThrown();

private:
    QPushButton *runButton() const { return m_window->findChild<QPushButton *>(u"runButton"_qs); }
    QLabel *runOutcome() const { return m_window->findChild<QLabel *>(u"runOutcomeLabel"_qs); }
    bool runAndWait();
    // The Local hub panel started with the sample image, and an SDK-style python-socketio plugin
    // (tests/peers/python/plugin_client.py) started against it with the line the panel shows:
    // wait for hub()->isLive(kLocalHubPlugin). Null when the hub did not start.
    std::unique_ptr<test::PeerProcess> startLocalHubPlugin();
    // Fills the Run panel for a project asset on `api` (the API host of the Connection panel).
    void chooseProjectAsset(const QUrl &api, const QString &projectId, const QString &asset,
                            bool byExternalId, const QString &apiKey);
    void connectToHub(hub::LocalHub &hub);
    QString sampleImageCopy();

    QTemporaryDir m_home;
    MainWindow *m_window = nullptr;
};

void tst_MainWindow::initTestCase()
{
    QVERIFY(m_home.isValid());
    // No QStandardPaths test mode: it would put the pending store in ~/.qttest, shared by every
    // run of this test, so results held by one run would come back in the next.
    ango::test::useThrowAwaySettings(m_home, u"tst_mainwindow"_qs);
    registerTestCallbacks();
}

void tst_MainWindow::init()
{
    QSettings().clear();
    recordedRequests().clear();
    // Results a test left held must not come back in the next one.
    QFile::remove(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                  + u"/pending-results.json"_qs);
    m_window = ango::test::openSandboxWindow({1400, 900});
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
}

void tst_MainWindow::cleanup()
{
    delete m_window;
    m_window = nullptr;
}

bool tst_MainWindow::runAndWait()
{
    QSignalSpy shown(m_window, &MainWindow::runShown);
    if (!runButton()->isEnabled()) {
        qWarning() << "Run is disabled:" << runButton()->toolTip();
        return false;
    }
    QTest::mouseClick(runButton(), Qt::LeftButton);
    if (!shown.count() && !shown.wait(10000))
        return false;
    return shown.first().first().toBool();
}

QString tst_MainWindow::sampleImageCopy()
{
    const QString path = m_home.filePath(u"sample.png"_qs);
    if (!QFile::exists(path))
        QFile::copy(sandbox::sampleImagePath(), path);
    return path;
}

void tst_MainWindow::sandboxRunDrawsTheReturnedObjects()
{
    QVERIFY(runAndWait());

    // What the sample model returns for the sandbox mapping, normalised as core does it.
    auto mapping = sandbox::sampleMapping();
    QVERIFY(mapping);
    auto raw = sandbox::runSampleModel(json{{"categorySchema", mapping->categorySchema}});
    QVERIFY(raw);
    auto answer = annotation::normalize(*raw);
    QVERIFY(answer);
    const json expected = objectsOf(answer->toJson());
    QVERIFY(expected.size() >= 5);

    PreviewScene *scene = m_window->preview()->scene();
    QCOMPARE(scene->objectCount(), int(expected.size()));
    const QList<OverlayItem *> items = scene->overlayItems();
    QCOMPARE(items.size(), qsizetype(expected.size()));
    for (int i = 0; i < int(expected.size()); ++i) {
        OverlayItem *item = scene->overlayItem(i);
        QVERIFY(item);
        QCOMPARE(item->objectIndex(), i);
        QCOMPARE(item->classKey(), QString::fromStdString(expected[i].value("schemaId", "")));
        auto shape = shapeFromObject(expected[i], QString());
        QVERIFY(shape);
        QCOMPARE(int(item->geometry().kind), int(shape->kind));
        QCOMPARE(item->imageBounds(), shape->bounds());
    }
    QVERIFY(runOutcome()->text().contains(QString::number(expected.size())));
}

// Each object is named by its model class and label and drawn in the colour of the mapping
// panel's swatch for its row; names and colours follow the mapping when it changes.
void tst_MainWindow::previewSpeaksTheMapping()
{
    QVERIFY(runAndWait());
    ClassMappingModel *model = m_window->mappingPanel()->model();
    PreviewScene *scene = m_window->preview()->scene();
    QVERIFY(scene->objectCount() >= 5);
    int checked = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QString modelClass
            = model->data(model->index(row, 0), ClassMappingModel::ModelClassRole).toString();
        const QString schemaId
            = model->data(model->index(row, 0), ClassMappingModel::SchemaIdRole).toString();
        const QColor swatch
            = model->data(model->index(row, ClassMappingModel::TargetColumn), Qt::DecorationRole)
                  .value<QColor>();
        const QString label
            = model->toolFor(schemaId) ? model->toolFor(schemaId)->title : QString();
        QVERIFY(swatch.isValid());
        QVERIFY(!label.isEmpty());
        for (const OverlayItem *item : scene->overlayItems()) {
            const json &object = scene->objectJson(item->objectIndex());
            if (object.value("modelClass", std::string()) != modelClass.toStdString())
                continue;
            QCOMPARE(item->classKey(), schemaId);
            QCOMPARE(scene->classColor(item->classSlot()), swatch);
            QCOMPARE(scene->palette().objectName(object), u"%1 (%2)"_qs.arg(modelClass, label));
            ++checked;
        }
    }
    QCOMPARE(checked, scene->objectCount());

    // A second model class mapped to the car's label: its name is the class list's, the colour
    // still the label's.
    const int carRow = model->rowOfClass(u"car"_qs);
    QVERIFY(carRow >= 0);
    const QString carSchema
        = model->data(model->index(carRow, 0), ClassMappingModel::SchemaIdRole).toString();
    const int truckRow = model->addClass(u"truck"_qs);
    QVERIFY(model->setTarget(truckRow, carSchema));
    QCOMPARE(scene->palette().nameOf(carSchema), u"car / truck (Car)"_qs);
    QCOMPARE(scene->palette().colorOf(carSchema), model->toolFor(carSchema)->color);
}

// After a real run whose result has a problem: hovering the object names its path in the
// result, its model class and label and core's problem; the objects list counts each class.
void tst_MainWindow::hoverAndObjectCountsSpeakTheResult()
{
    QVERIFY(m_window->controller()->useCallback(u"outsider"_qs, {}));
    QVERIFY(runAndWait());
    PreviewScene *scene = m_window->preview()->scene();
    const int outsider = scene->objectCount() - 1;
    const json &object = scene->objectJson(outsider);
    QVERIFY2(object.contains("bounding-box"), object.dump().c_str());
    QCOMPARE(object["bounding-box"]["x"].get<double>(), -5000.0);
    const QString modelClass = QString::fromStdString(object.value("modelClass", ""));
    const QString schemaId = QString::fromStdString(object.value("schemaId", ""));
    const auto tool = m_window->mappingPanel()->model()->toolFor(schemaId);
    QVERIFY(!modelClass.isEmpty() && tool);

    PreviewView *view = m_window->preview()->view();
    view->showObject(outsider);
    const QPoint at = view->mapFromScene(scene->overlayItem(outsider)->imageBounds().center());
    QHelpEvent help(QEvent::ToolTip, at, view->viewport()->mapToGlobal(at));
    QApplication::sendEvent(view->viewport(), &help);
    QTRY_VERIFY(QToolTip::isVisible());
    const QString text = QTextDocumentFragment::fromHtml(QToolTip::text()).toPlainText();
    QToolTip::hideText();
    // The problems are core's, as the run reported them (the copy repeats an objectId).
    const QList<ListedProblem> problems = scene->problemsOfObject(outsider);
    QVERIFY(!problems.isEmpty());
    QString head
        = u"answer.objects[%1]\nModel class: %2 · Label: %3\n%4 problem(s):"_qs.arg(outsider)
              .arg(modelClass, tool->title)
              .arg(problems.size());
    for (const ListedProblem &problem : problems)
        head += u"\n%1 answer.%2: %3"_qs.arg(problem.error ? u"✖"_qs : u"⚠"_qs, problem.path,
                                             problem.message);
    QVERIFY2(text.startsWith(head), qPrintable(text));
    QVERIFY2(text.contains(u"is also the objectId of"_qs), qPrintable(text));

    // Counts per class, as the result has them.
    QHash<QString, int> expected;
    for (int i = 0; i < scene->objectCount(); ++i)
        ++expected[QString::fromStdString(scene->objectJson(i).value("schemaId", ""))];
    ObjectsList *list = m_window->preview()->classList();
    QCOMPARE(list->count(), expected.size());
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        const QListWidgetItem *row = list->rowOfClass(it.key());
        QVERIFY2(row, qPrintable(it.key()));
        QVERIFY2(row->text().endsWith(u" ×%1"_qs.arg(it.value())), qPrintable(row->text()));
        const auto label = m_window->mappingPanel()->model()->toolFor(it.key());
        QVERIFY(label);
        QVERIFY2(row->text().contains(u"(%1)"_qs.arg(label->title)), qPrintable(row->text()));
    }
    QVERIFY(list->rowOfClass(schemaId)->text().endsWith(u" ×%1"_qs.arg(expected.value(schemaId))));
}

void tst_MainWindow::editingTheMappingChangesTheCategorySchemaSent()
{
    QVERIFY(m_window->controller()->useCallback(u"recorder"_qs, {}));
    m_window->configEditor()->setConfigJson(u"{ \"threshold\" : 0.25 }"_qs);
    QVERIFY(runAndWait());
    QCOMPARE(recordedRequests().size(), 1);
    const json before = recordedRequests().last();
    QVERIFY(before["categorySchema"].is_array());
    // configJSON goes out as the editor's exact text, as the hub sends it.
    QVERIFY2(before["configJSON"] == json("{ \"threshold\" : 0.25 }"),
             (before["configJSON"]).dump().c_str());

    // Map the first class to another schemaId, as a user does in the table.
    ClassMappingModel *model = m_window->mappingPanel()->model();
    const QString firstClass = model->mappings().first().modelClass;
    const QModelIndex target = model->index(0, ClassMappingModel::SchemaIdColumn);
    QVERIFY(model->flags(target) & Qt::ItemIsEditable);
    QVERIFY(model->setData(target, u"edited-schema-id"_qs));
    QVERIFY(runAndWait());
    QCOMPARE(recordedRequests().size(), 2);
    const json after = recordedRequests().last()["categorySchema"];
    QVERIFY(after != before["categorySchema"]);
    QVERIFY2(after == m_window->mappingPanel()->categorySchema(), (after).dump().c_str());
    bool found = false;
    for (const json &entry : after) {
        if (entry["modelClass"] == firstClass.toStdString()) {
            QVERIFY2(entry["schemaId"] == json("edited-schema-id"),
                     (entry["schemaId"]).dump().c_str());
            found = true;
        }
    }
    QVERIFY(found);
    // The model used it: the preview shows that class under the new schemaId.
    QVERIFY(m_window->preview()->scene()->classKeys().contains(u"edited-schema-id"_qs));
}

void tst_MainWindow::invalidConfigDisablesRunWithLineAndColumn()
{
    QVERIFY(m_window->controller()->useCallback(u"recorder"_qs, {}));
    QVERIFY(runButton()->isEnabled());
    m_window->configEditor()->setConfigJson(u"{\n  \"threshold\": 0.5,\n  \"x\": }\n"_qs);
    QVERIFY(!m_window->configEditor()->isValid());
    QVERIFY(!runButton()->isEnabled());
    QVERIFY2(runButton()->toolTip().contains(u"Line 3, column"_qs),
             qPrintable(runButton()->toolTip()));
    QVERIFY2(runOutcome()->text().contains(u"Line 3, column"_qs), qPrintable(runOutcome()->text()));

    // The menu's Run (Ctrl+Return) is refused too, and the callback is not called.
    QSignalSpy shown(m_window, &MainWindow::runShown);
    m_window->startRun();
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.first().first().toBool(), false);
    QVERIFY(recordedRequests().isEmpty());

    m_window->configEditor()->setConfigJson(u"{\"threshold\": 0.5}"_qs);
    QVERIFY(runButton()->isEnabled());
    QVERIFY(runAndWait());
    QCOMPARE(recordedRequests().size(), 1);
}

void tst_MainWindow::panelModelsPassTheModelTester()
{
    QAbstractItemModelTester mappingTester(m_window->mappingPanel()->model(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester logTester(m_window->logPanel()->model(),
                                       QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester filterTester(m_window->logPanel()->filterModel(),
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester timelineTester(m_window->logPanel()->timelineModel(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
    // The window's own traffic through every model: runs, mapping edits, log selection.
    QVERIFY(runAndWait());
    ClassMappingModel *model = m_window->mappingPanel()->model();
    QVERIFY(model->setData(model->index(0, ClassMappingModel::SchemaIdColumn), u"other"_qs));
    model->addClass(u"extra-class"_qs);
    QVERIFY(runAndWait());
    m_window->logPanel()->model()->flush();
    LogView *view = m_window->logPanel()->view();
    const int rows = view->model()->rowCount();
    QVERIFY(rows > 5);
    view->setCurrentIndex(view->model()->index(rows - 1, 0));
    m_window->logPanel()->filterEdit()->setText(u"delivered"_qs);
    QTRY_VERIFY(view->model()->rowCount() < rows);
}

void tst_MainWindow::logTimelineFollowsTheRequest()
{
    QVERIFY(runAndWait());
    LogModel *log = m_window->logPanel()->model();
    log->flush();
    // The "request" entries of the run, in order, each with the runtime's stage name.
    QString session;
    QStringList kinds;
    int lastRequestRow = -1;
    for (int row = 0; row < log->rowCount(); ++row) {
        const logging::LogEntry entry = log->entry(row);
        if (entry.category != u"request")
            continue;
        if (session.isEmpty())
            session = entry.session;
        if (entry.session == session) {
            kinds << entry.kind;
            lastRequestRow = row;
        }
    }
    QVERIFY(!session.isEmpty());
    QCOMPARE(kinds, (QStringList{u"received"_qs, u"callback started"_qs, u"callback finished"_qs,
                                 u"validated"_qs, u"delivered"_qs}));

    // Selecting one of them shows the whole timeline, every step reached.
    LogView *view = m_window->logPanel()->view();
    const QModelIndex source = log->index(lastRequestRow, 0);
    const QModelIndex shown = m_window->logPanel()->filterModel()->mapFromSource(source);
    QVERIFY(shown.isValid());
    view->setCurrentIndex(shown);
    RequestTimelineModel *timeline = m_window->logPanel()->timelineModel();
    QTRY_COMPARE(timeline->session(), session);
    for (RequestStep step : kRequestSteps)
        QVERIFY2(timeline->stepState(step) == RequestTimelineModel::StepState::Reached,
                 qPrintable(requestStepName(step)));
}

void tst_MainWindow::cancelStopsTheCallback()
{
    QVERIFY(m_window->controller()->useCallback(u"held"_qs, {}));
    auto *callback = dynamic_cast<HeldCallback *>(m_window->controller()->callback());
    QVERIFY(callback);
    QSignalSpy shown(m_window, &MainWindow::runShown);
    QTest::mouseClick(runButton(), Qt::LeftButton);
    QTRY_COMPARE(callback->calls.size(), 1);
    QVERIFY(!runButton()->isEnabled()); // busy
    QCOMPARE(m_window->controller()->runtime()->status().running, 1);

    auto *cancel = m_window->findChild<QPushButton *>(u"cancelButton"_qs);
    QVERIFY(cancel && cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QCOMPARE(callback->cancelled, callback->calls); // the runtime cancelled the call itself
    QCOMPARE(m_window->controller()->runtime()->status().running, 0);
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.first().first().toBool(), false);
    QVERIFY2(runOutcome()->text().contains(u"cancelled"_qs, Qt::CaseInsensitive),
             qPrintable(runOutcome()->text()));
    QVERIFY(runButton()->isEnabled());

    // A late answer of the cancelled call changes nothing on screen.
    const int objectsBefore = m_window->preview()->scene()->objectCount();
    if (callback->pending)
        callback->pending(sandbox::runSampleModel(json::object()));
    QCOMPARE(shown.count(), 1);
    QCOMPARE(m_window->preview()->scene()->objectCount(), objectsBefore);
}

void tst_MainWindow::labelSetIsLoadedFromTheProject()
{
    test::RecordingHttpServer api;
    QVERIFY(api.listen());
    const json tools
        = json::array({{{"schemaId", "s-car"}, {"title", "Car"}, {"tool", "bounding-box"}},
                       {{"schemaId", "s-tree"}, {"title", "Tree"}, {"tool", "polygon"}}});
    api.setRoute(
        "/v2/project/p-42",
        test::ScriptedResponse::json(
            200,
            {{"status", "success"},
             {"data", {{"project", {{"_id", "p-42"}, {"categorySchema", {{"tools", tools}}}}}}}}));
    m_window->findChild<QLineEdit *>(u"apiHostEdit"_qs)->setText(api.url().toString());
    auto *apiKey = m_window->findChild<QLineEdit *>(u"runApiKeyEdit"_qs);
    QVERIFY(apiKey);
    apiKey->setText(u"key-for-the-label-set"_qs);
    m_window->mappingPanel()->setProjectId(u"p-42"_qs);

    ClassMappingModel *model = m_window->mappingPanel()->model();
    m_window->mappingPanel()->loadLabelSetAction()->trigger();
    QTRY_COMPARE(model->labelTools().size(), 2);
    QCOMPARE(model->labelTools()[0].schemaId, u"s-car"_qs);
    QCOMPARE(model->labelTools()[1].title, u"Tree"_qs);
    QCOMPARE(api.requestCount(), 1);
    QCOMPARE(api.requests()[0].header("apikey"), QByteArray("key-for-the-label-set"));
    // The call is in the request log, the key is not.
    LogModel *log = m_window->logPanel()->model();
    log->flush();
    bool logged = false;
    for (int row = 0; row < log->rowCount(); ++row) {
        const logging::LogEntry entry = log->entry(row);
        QVERIFY(!logging::formatText(entry).contains(u"key-for-the-label-set"_qs));
        logged = logged
                 || (entry.category == u"rest" && entry.message.contains(u"/v2/project/p-42"_qs));
    }
    QVERIFY(logged);
}

void tst_MainWindow::labelSetErrorsAreShownInWords()
{
    test::RecordingHttpServer api;
    QVERIFY(api.listen());
    api.setFallback(test::ScriptedResponse::json(404, {{"message", "Project not found"}}));
    m_window->findChild<QLineEdit *>(u"apiHostEdit"_qs)->setText(api.url().toString());
    m_window->findChild<QLineEdit *>(u"runApiKeyEdit"_qs)->setText(u"some-api-key"_qs);
    m_window->mappingPanel()->setProjectId(u"missing"_qs);
    auto *message = m_window->findChild<QLabel *>(u"mappingMessage"_qs);
    m_window->mappingPanel()->loadLabelSetAction()->trigger();
    QTRY_VERIFY(message->text().contains(u"404"_qs));
    QVERIFY2(message->text().contains(u"/v2/project/missing"_qs), qPrintable(message->text()));
    QVERIFY(!message->text().contains(u"some-api-key"_qs));

    // Without an API key nothing is sent and the panel says what is missing.
    m_window->findChild<QLineEdit *>(u"runApiKeyEdit"_qs)->clear();
    m_window->mappingPanel()->loadLabelSetAction()->trigger();
    QVERIFY2(message->text().contains(u"API key"_qs), qPrintable(message->text()));
    QCOMPARE(api.requestCount(), 1);
}

void tst_MainWindow::replayRestoresTheMaskedApiKey()
{
    QVERIFY(m_window->controller()->useCallback(u"recorder"_qs, {}));
    const QString key = u"replay-api-key-123456"_qs;
    json recorded = {{"session", "s-replay"},
                     {"assetId", "a1"},
                     {"apiKey", key.toStdString()},
                     {"categorySchema", m_window->mappingPanel()->categorySchema()},
                     {"dataURL", ""}};
    // The console has seen the key (a run with it), the log only shows it masked.
    QSignalSpy shown(m_window, &MainWindow::runShown);
    m_window->controller()->runLocal(recorded);
    QCOMPARE(recordedRequests().size(), 1);
    recorded["apiKey"] = logging::mask(key).toStdString();
    QVERIFY(recorded["apiKey"] != json(key.toStdString()));
    Q_EMIT m_window->logPanel()->replayRequested(recorded);
    QTRY_COMPARE(recordedRequests().size(), 2);
    QVERIFY2(recordedRequests().last()["apiKey"] == json(key.toStdString()),
             (recordedRequests().last()["apiKey"]).dump().c_str());
    // The recorded request exactly, whatever the window's mapping and config say now.
    m_window->configEditor()->setConfigJson(u"{ \"threshold\" : 0.75 }"_qs);
    Q_EMIT m_window->logPanel()->replayRequested(recorded);
    QTRY_COMPARE(recordedRequests().size(), 3);
    JSON_COMPARE(recordedRequests().at(2), recordedRequests().at(0));
    const auto runs = m_window->controller()->runs()->runsOfSession(u"s-replay"_qs);
    QCOMPARE(runs.size(), 3);
    QCOMPARE(runs.last()->source, runtime::RunSource::Replay);
    QCOMPARE(runs.last()->replayOf, runs.first()->id);

    // "Replay with current settings" takes the window's configJSON instead.
    LogModel *log = m_window->logPanel()->model();
    log->flush();
    int payloadRow = -1;
    for (int row = 0; row < log->rowCount() && payloadRow < 0; ++row)
        if (log->entry(row).session == u"s-replay" && log->entry(row).kind == u"plugin"
            && log->entry(row).direction == u"in" && log->entry(row).detail.is_object())
            payloadRow = row;
    QVERIFY(payloadRow >= 0);
    m_window->logPanel()->view()->setCurrentIndex(
        m_window->logPanel()->filterModel()->mapFromSource(log->index(payloadRow, 0)));
    auto *withCurrent = m_window->findChild<QAction *>(u"replayWithCurrentSettings"_qs);
    QVERIFY(withCurrent && withCurrent->isEnabled()); // a replayable request is picked
    withCurrent->trigger();
    QTRY_COMPARE(recordedRequests().size(), 4);
    JSON_COMPARE(recordedRequests().last()["configJSON"], json("{ \"threshold\" : 0.75 }"));
    QVERIFY(recordedRequests().last()["apiKey"] == json(key.toStdString()));

    // A request of an earlier console session: what the log kept; an unknown key stays masked.
    recorded["session"] = "s-earlier";
    recorded["apiKey"] = "***zzzz";
    Q_EMIT m_window->logPanel()->replayRequested(recorded);
    QTRY_COMPARE(recordedRequests().size(), 5);
    QVERIFY2(recordedRequests().last()["apiKey"] == json("***zzzz"),
             (recordedRequests().last()["apiKey"]).dump().c_str());
}

void tst_MainWindow::connectToHub(hub::LocalHub &hub)
{
    QVERIFY(hub.start(u"127.0.0.1:0"_qs));
    hub.setPluginSecret(u"plugin-1"_qs, u"plugin-secret-value"_qs);
    ConnectionProfile profile;
    profile.pluginId = u"plugin-1"_qs;
    profile.hubUrl = hub.url();
    profile.apiHost = hub.url();
    m_window->controller()->connectToHub(profile, u"plugin-secret-value"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(hub.isLive(u"plugin-1"_qs), 10000);
}

void tst_MainWindow::hubRunsShowInThePreview()
{
    QVERIFY(m_window->controller()->useCallback(u"recorder"_qs, {}));
    hub::LocalHub hub;
    connectToHub(hub);
    if (QTest::currentTestFailed())
        return;
    auto asset = hub.addAsset(sampleImageCopy());
    QVERIFY(asset);
    const QImage sample(sampleImageCopy());

    m_window->preview()->clear();
    QSignalSpy shownHub(m_window, &MainWindow::hubResultShown);
    QSignalSpy image(m_window->preview(), &PreviewPanel::imageLoaded);
    QSignalSpy finished(&hub, &hub::LocalHub::runFinished);
    const json schema = json::array({{{"schemaId", "hub-car"}, {"modelClass", "car"}}});
    auto session = hub.sendRun(u"plugin-1"_qs, asset->id, schema, std::nullopt, false);
    QVERIFY(session);
    QTRY_COMPARE_WITH_TIMEOUT(shownHub.count(), 1, 10000);
    QCOMPARE(shownHub.first().first().toString(), *session);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    const auto outcome = finished.first().first().value<hub::RunOutcome>();
    QVERIFY(outcome.ok);

    // The preview shows what the hub received, over the asset fetched from the hub's URL.
    const json delivered = objectsOf(outcome.result);
    PreviewScene *scene = m_window->preview()->scene();
    QCOMPARE(scene->objectCount(), int(delivered.size()));
    QCOMPARE(scene->overlayItems().size(), qsizetype(delivered.size()));
    QVERIFY(scene->classKeys().contains(u"hub-car"_qs));
    QTRY_VERIFY_WITH_TIMEOUT(image.count() >= 1, 10000);
    QCOMPARE(scene->imageSize(), sample.size());
    // Unmapped classes come back without a schemaId: validation problems are listed.
    QVERIFY(!scene->problems().isEmpty());

    // Its progress is in the log as a timeline, with the hub's session.
    LogModel *log = m_window->logPanel()->model();
    log->flush();
    QStringList kinds;
    for (int row = 0; row < log->rowCount(); ++row) {
        const logging::LogEntry entry = log->entry(row);
        QVERIFY(!logging::formatText(entry).contains(hub.apiKey()));
        if (entry.category == u"request" && entry.session == *session)
            kinds << entry.kind;
    }
    QVERIFY2(kinds.contains(u"received"_qs) && kinds.contains(u"delivered"_qs),
             qPrintable(kinds.join(u',')));
}

void tst_MainWindow::holdModeApproveDiscardAndEditDecideWhatIsDelivered()
{
    QVERIFY(m_window->controller()->useCallback(u"recorder"_qs, {}));
    QAction *hold = nullptr;
    for (QAction *action : m_window->findChildren<QAction *>())
        if (action->text().contains(u"(hold)"_qs))
            hold = action;
    QVERIFY(hold);
    hold->trigger();
    QCOMPARE(m_window->controller()->reviewPolicy(), runtime::ReviewPolicy::Hold);

    hub::LocalHub hub;
    connectToHub(hub);
    if (QTest::currentTestFailed())
        return;
    auto asset = hub.addAsset(sampleImageCopy());
    QVERIFY(asset);
    QSignalSpy finished(&hub, &hub::LocalHub::runFinished);
    ReviewPanel *review = m_window->reviewPanel();
    auto mapping = sandbox::sampleMapping();
    QVERIFY(mapping);
    const json schema = mapping->categorySchema;

    // 1. Discard: the hub is answered once, with the reason, and gets no result.
    auto discarded = hub.sendRun(u"plugin-1"_qs, asset->id, schema, std::nullopt, false);
    QVERIFY(discarded);
    QTRY_COMPARE_WITH_TIMEOUT(review->pendingCount(), 1, 10000);
    QCOMPARE(m_window->controller()->runtime()->pendingResults().size(), 1);
    // One click only asks; the runtime still holds the result (nothing answered the hub) until
    // the reviewer confirms.
    QTest::mouseClick(review->findChild<QPushButton *>(u"reviewDiscardButton"_qs), Qt::LeftButton);
    QCOMPARE(m_window->controller()->runtime()->pendingResults().size(), 1);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(hub.runsInFlight(), 1);
    QTest::mouseClick(review->findChild<QPushButton *>(u"reviewConfirmDiscardButton"_qs),
                      Qt::LeftButton);
    QCOMPARE(m_window->controller()->runtime()->pendingResults().size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    const auto refused = finished.takeFirst().first().value<hub::RunOutcome>();
    QCOMPARE(refused.session, *discarded);
    QVERIFY(!refused.ok);
    QVERIFY2(refused.error.contains(u"discarded by the reviewer"_qs), qPrintable(refused.error));

    // 2. Approve unchanged: the callback's result goes out as it returned it.
    auto approved = hub.sendRun(u"plugin-1"_qs, asset->id, schema, std::nullopt, false);
    QVERIFY(approved);
    QTRY_COMPARE_WITH_TIMEOUT(review->pendingCount(), 1, 10000);
    QCOMPARE(finished.count(), 0);
    review->approveCurrent();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    auto outcome = finished.takeFirst().first().value<hub::RunOutcome>();
    QCOMPARE(outcome.session, *approved); // not the discarded one
    QVERIFY(outcome.ok);
    auto expected = sandbox::runSampleModel(json{{"categorySchema", schema}});
    QVERIFY(expected);
    QVERIFY2(outcome.result == *expected, (outcome.result).dump().c_str());

    // 3. Edit (move a box), then approve: the hub gets the moved box.
    auto edited = hub.sendRun(u"plugin-1"_qs, asset->id, schema, std::nullopt, false);
    QVERIFY(edited);
    QTRY_COMPARE_WITH_TIMEOUT(review->pendingCount(), 1, 10000);
    const json objects = objectsOf(review->currentSession()->editedAnswer());
    int boxSlot = -1;
    for (int i = 0; i < int(objects.size()) && boxSlot < 0; ++i)
        if (objects[i].contains("bounding-box"))
            boxSlot = i;
    QVERIFY(boxSlot >= 0);
    QVERIFY(review->moveBox(boxSlot, QRectF(11, 22, 33, 44)));
    review->approveCurrent();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    outcome = finished.takeFirst().first().value<hub::RunOutcome>();
    QCOMPARE(outcome.session, *edited);
    const json box = objectsOf(outcome.result).at(boxSlot).at("bounding-box");
    QCOMPARE(box.at("x").get<double>(), 11.0);
    QCOMPARE(box.at("y").get<double>(), 22.0);
    QCOMPARE(box.at("width").get<double>(), 33.0);
    QCOMPARE(box.at("height").get<double>(), 44.0);
    QCOMPARE(review->pendingCount(), 0);
    QCOMPARE(hub.runsInFlight(), 0); // the discarded run was answered too
    QCOMPARE(finished.count(), 0);   // and only once
}

namespace {

QByteArray pngOf(QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    QByteArray png;
    QBuffer buffer(&png);
    if (!buffer.open(QIODevice::WriteOnly) || !image.save(&buffer, "PNG"))
        return {};
    return png;
}

json assetsAnswer(const json &assets)
{
    return {{"status", "success"}, {"data", {{"assets", assets}, {"total", assets.size()}}}};
}

} // namespace

void tst_MainWindow::chooseProjectAsset(const QUrl &api, const QString &projectId,
                                        const QString &asset, bool byExternalId,
                                        const QString &apiKey)
{
    m_window->findChild<QLineEdit *>(u"apiHostEdit"_qs)->setText(api.toString());
    m_window->findChild<QRadioButton *>(u"runAssetKindButton"_qs)->setChecked(true);
    m_window->findChild<QLineEdit *>(u"runProjectEdit"_qs)->setText(projectId);
    m_window->findChild<QLineEdit *>(u"runAssetEdit"_qs)->setText(asset);
    m_window->findChild<QRadioButton *>(u"runByExternalIdButton"_qs)->setChecked(byExternalId);
    m_window->findChild<QLineEdit *>(u"runApiKeyEdit"_qs)->setText(apiKey);
}

void tst_MainWindow::projectAssetRunsOnTheLookedUpAsset()
{
    QVERIFY(m_window->controller()->useCallback(u"recorder"_qs, {}));
    test::RecordingHttpServer api;
    QVERIFY(api.listen());
    const QSize size(333, 222);
    const QByteArray png = pngOf(size);
    QVERIFY(!png.isEmpty());
    // The file URL carries a signature in its query, as signed bucket URLs do.
    const QString fileUrl = api.url(u"/files/street.png?signature=abc"_qs).toString();
    api.setRoute("/v2/project/p-7/assets",
                 test::ScriptedResponse::json(
                     200, assetsAnswer(json::array({{{"_id", "a-1"},
                                                     {"externalId", "street.png"},
                                                     {"data", fileUrl.toStdString()}}}))));
    api.setRoute("/files/street.png", test::ScriptedResponse::text(200, png, "image/png"));
    const QString key = u"asset-api-key-9876"_qs;
    chooseProjectAsset(api.url(), u"p-7"_qs, u"a-1"_qs, false, key);

    m_window->preview()->clear();
    QSignalSpy image(m_window->preview(), &PreviewPanel::imageLoaded);
    QVERIFY(runAndWait());

    // The asset was looked up by its id in the project, with the key typed in the Run panel.
    QVERIFY(api.requestCount() >= 1);
    const test::RecordedRequest lookUp = api.requests().first();
    QCOMPARE(lookUp.path, QByteArray("/v2/project/p-7/assets"));
    const json byId = json::parse(lookUp.queryValue(u"filters"_qs).toStdString(), nullptr, false);
    QVERIFY2(byId == json({{"_id", "a-1"}}), byId.dump().c_str());
    QCOMPARE(lookUp.header("apikey"), key.toUtf8());

    // The callback got the payload the hub would send for that asset.
    QCOMPARE(recordedRequests().size(), 1);
    const json sent = recordedRequests().last();
    QVERIFY2(sent["dataURL"] == json(fileUrl.toStdString()), sent.dump().c_str());
    QVERIFY2(sent["assetId"] == json("a-1"), sent.dump().c_str());
    QVERIFY2(sent["externalId"] == json("street.png"), sent.dump().c_str());
    QVERIFY2(sent["projectId"] == json("p-7"), sent.dump().c_str());
    QVERIFY2(sent["apiKey"] == json(key.toStdString()), sent.dump().c_str());

    // The preview shows the fetched image under the returned objects.
    QTRY_VERIFY_WITH_TIMEOUT(image.count() >= 1, 10000);
    QCOMPARE(m_window->preview()->scene()->imageSize(), size);
    QVERIFY(m_window->preview()->scene()->objectCount() > 0);

    // By external id: the filter names it, and the payload carries the asset's own id.
    recordedRequests().clear();
    const int before = api.requestCount();
    chooseProjectAsset(api.url(), u"p-7"_qs, u"street.png"_qs, true, key);
    QVERIFY(runAndWait());
    QVERIFY(api.requestCount() > before);
    const json byExternalId = json::parse(
        api.requests()[before].queryValue(u"filters"_qs).toStdString(), nullptr, false);
    QVERIFY2(byExternalId == json({{"externalId", "street.png"}}), byExternalId.dump().c_str());
    QCOMPARE(recordedRequests().size(), 1);
    QVERIFY2(recordedRequests().last()["assetId"] == json("a-1"),
             recordedRequests().last().dump().c_str());
    QVERIFY(recordedRequests().last()["dataURL"] == json(fileUrl.toStdString()));
}

void tst_MainWindow::projectAssetLookUpErrorsStartNoRun()
{
    QVERIFY(m_window->controller()->useCallback(u"recorder"_qs, {}));
    test::RecordingHttpServer api;
    QVERIFY(api.listen());
    api.setFallback(test::ScriptedResponse::json(404, {{"message", "Project not found"}}));
    const QString key = u"lookup-api-key-5555"_qs;
    chooseProjectAsset(api.url(), u"missing"_qs, u"a-1"_qs, false, key);

    QVERIFY(!runAndWait());
    QCOMPARE(api.requestCount(), 1); // 404 is not retried
    QVERIFY(recordedRequests().isEmpty());
    const QString said = runOutcome()->text();
    QVERIFY2(said.contains(u"404"_qs), qPrintable(said));
    QVERIFY2(said.contains(u"/v2/project/missing/assets"_qs), qPrintable(said));
    QVERIFY2(!said.contains(u"filters"_qs), qPrintable(said)); // the URL without its query
    QVERIFY(!said.contains(key));
    QVERIFY(runButton()->isEnabled());

    // A project without that asset: the same, in words.
    api.setRoute("/v2/project/p-7/assets",
                 test::ScriptedResponse::json(200, assetsAnswer(json::array())));
    chooseProjectAsset(api.url(), u"p-7"_qs, u"gone"_qs, false, key);
    QVERIFY(!runAndWait());
    QVERIFY2(runOutcome()->text().contains(u"gone"_qs), qPrintable(runOutcome()->text()));
    QVERIFY(recordedRequests().isEmpty());

    // Nothing listening: a transport error, after the client's bounded retries.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const QUrl unreachable(u"http://127.0.0.1:%1"_qs.arg(closed.serverPort()));
    closed.close();
    chooseProjectAsset(unreachable, u"p-7"_qs, u"a-1"_qs, false, key);
    QSignalSpy shown(m_window, &MainWindow::runShown);
    QTest::mouseClick(runButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, 15000);
    QCOMPARE(shown.first().first().toBool(), false);
    QVERIFY2(runOutcome()->text().contains(u"refused"_qs), qPrintable(runOutcome()->text()));
    QVERIFY(recordedRequests().isEmpty());
    QVERIFY(runButton()->isEnabled());
}

void tst_MainWindow::cancelWhileLookingUpTheAssetStartsNoRun()
{
    QVERIFY(m_window->controller()->useCallback(u"recorder"_qs, {}));
    test::RecordingHttpServer api;
    QVERIFY(api.listen());
    api.setFallback(test::ScriptedResponse::noAnswer());
    chooseProjectAsset(api.url(), u"p-7"_qs, u"a-1"_qs, false, u"cancel-api-key-1234"_qs);
    QSignalSpy shown(m_window, &MainWindow::runShown);
    QSignalSpy asked(&api, &test::RecordingHttpServer::requestReceived);
    QTest::mouseClick(runButton(), Qt::LeftButton);
    QTRY_COMPARE(asked.count(), 1);
    QVERIFY(!runButton()->isEnabled()); // busy while looking up
    auto *cancel = m_window->findChild<QPushButton *>(u"cancelButton"_qs);
    QVERIFY(cancel && cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.first().first().toBool(), false);
    QVERIFY2(runOutcome()->text().contains(u"cancelled"_qs, Qt::CaseInsensitive),
             qPrintable(runOutcome()->text()));
    QVERIFY(runButton()->isEnabled());
    QVERIFY(recordedRequests().isEmpty());
}

void tst_MainWindow::heldResultImagesReachTheReviewPanel()
{
    QVERIFY(m_window->controller()->useCallback(u"recorder"_qs, {}));
    for (QAction *action : m_window->findChildren<QAction *>())
        if (action->text().contains(u"(hold)"_qs))
            action->trigger();
    QCOMPARE(m_window->controller()->reviewPolicy(), runtime::ReviewPolicy::Hold);
    hub::LocalHub hub;
    connectToHub(hub);
    if (QTest::currentTestFailed())
        return;
    auto asset = hub.addAsset(sampleImageCopy());
    QVERIFY(asset);
    auto mapping = sandbox::sampleMapping();
    QVERIFY(mapping);
    QVERIFY(hub.sendRun(u"plugin-1"_qs, asset->id, mapping->categorySchema, std::nullopt, false));
    ReviewPanel *review = m_window->reviewPanel();
    QTRY_COMPARE_WITH_TIMEOUT(review->pendingCount(), 1, 10000);
    // Fetched from the hub's asset URL, decoded by the panel, shown under the held objects.
    QTRY_COMPARE_WITH_TIMEOUT(review->preview()->scene()->imageSize(),
                              QImage(sampleImageCopy()).size(), 10000);
    QVERIFY(review->preview()->scene()->objectCount() > 0);
}

void tst_MainWindow::secretFieldSaysWhereTheSecretGoes()
{
    // The window of these tests keeps secrets in memory only, and says so.
    auto *secret = m_window->findChild<QLineEdit *>(u"secretEdit"_qs);
    QVERIFY(secret);
    QVERIFY2(secret->placeholderText().contains(u"session"_qs),
             qPrintable(secret->placeholderText()));
    QVERIFY(!secret->placeholderText().contains(u"keychain"_qs));

    // A panel whose store uses the keychain says that, until the keychain turns out missing.
    QSettings settings;
    SecretStore store(u"ango-console-test"_qs);
    store.setSessionOnly(true); // this test never touches the real keychain
    ConnectionPanel panel(settings, store);
    panel.setSecretsSessionOnly(false);
    auto *field = panel.findChild<QLineEdit *>(u"secretEdit"_qs);
    QVERIFY(field->placeholderText().contains(u"keychain"_qs));
    Q_EMIT store.keychainUnavailable(u"no secret service"_qs);
    QVERIFY2(field->placeholderText().contains(u"session"_qs),
             qPrintable(field->placeholderText()));
}

std::unique_ptr<test::PeerProcess> tst_MainWindow::startLocalHubPlugin()
{
    LocalHubPanel *panel = m_window->localHubPanel();
    const QString pluginId = kLocalHubPlugin;
    panel->setPluginId(pluginId);
    panel->setSecret(kLocalHubSecret);
    panel->setPort(0);
    panel->setAssetPath(sampleImageCopy());
    if (!panel->start())
        return nullptr;
    QMap<QString, QString> environment = panel->hub()->startEnvironment(pluginId);
    environment.insert(u"ANGO_PLUGIN_SECRET"_qs, kLocalHubSecret);
    auto plugin = std::make_unique<test::PeerProcess>(
        u"/usr/bin/python3"_qs, QStringList{test::sourcePath(u"tests/peers/python/plugin_client.py"_qs)},
        environment);
    plugin->start();
    return plugin;
}

void tst_MainWindow::localHubRunsShowInThePreviewWithTheWindowsMapping()
{
    // The author's script (an SDK-style python-socketio plugin) started against the console's
    // local hub with the line the panel shows; Run in the panel; the answer lands in the preview.
    LocalHubPanel *panel = m_window->localHubPanel();
    const QString secret = kLocalHubSecret;
    const auto started = startLocalHubPlugin();
    QVERIFY(started);
    test::PeerProcess &plugin = *started;
    QTRY_VERIFY2_WITH_TIMEOUT(panel->hub()->isLive(kLocalHubPlugin),
                              qPrintable(plugin.diagnostics()), 15000);

    // The run carries the window's mapping and config, as edited there.
    m_window->configEditor()->setConfigJson(u"{\"threshold\": 0.25}"_qs);
    const json schema = m_window->mappingPanel()->categorySchema();
    QVERIFY(schema.is_array() && !schema.empty());
    QList<json> sent;
    connect(
        panel->hub(), &hub::LocalHub::runSent, this,
        [&sent](const QString &, const QString &, const json &payload) { sent.append(payload); });
    QSignalSpy shown(m_window, &MainWindow::localHubResultShown);
    QSignalSpy finished(panel, &LocalHubPanel::runFinished);
    QVERIFY(panel->sendRun());
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, 15000);
    QVERIFY2(shown.first().at(1).toBool(), qPrintable(plugin.diagnostics()));
    QCOMPARE(sent.count(), 1);
    const json payload = sent.constFirst();
    QVERIFY2(payload["categorySchema"] == schema, payload.dump().c_str());
    QVERIFY2(payload["configJSON"] == json("{\"threshold\": 0.25}"), payload.dump().c_str());

    QCOMPARE(finished.count(), 1);
    const auto outcome = finished.first().first().value<hub::RunOutcome>();
    const json delivered = objectsOf(outcome.result);
    QVERIFY(!delivered.empty());
    PreviewScene *scene = m_window->preview()->scene();
    QCOMPARE(scene->objectCount(), int(delivered.size()));
    QCOMPARE(scene->overlayItems().size(), qsizetype(delivered.size()));
    QVERIFY(scene->classKeys().contains(
        QString::fromStdString(delivered[0].value("schemaId", std::string()))));

    // Its log lines reach the console's log, secrets masked.
    LogModel *log = m_window->logPanel()->model();
    log->flush();
    bool sawRun = false;
    for (int row = 0; row < log->rowCount(); ++row) {
        const QString line = logging::formatText(log->entry(row));
        QVERIFY(!line.contains(secret));
        QVERIFY(!line.contains(panel->hub()->apiKey()));
        sawRun = sawRun || line.contains(outcome.session);
    }
    QVERIFY(sawRun);
    panel->stop();
}

void tst_MainWindow::exportedProfileIsWhatTheRunnerReads()
{
    auto *pluginId = m_window->findChild<QLineEdit *>(u"pluginIdEdit"_qs);
    auto *secret = m_window->findChild<QLineEdit *>(u"secretEdit"_qs);
    auto *hubUrl = m_window->findChild<QLineEdit *>(u"hubUrlEdit"_qs);
    QVERIFY(pluginId && secret && hubUrl);
    pluginId->setText(u"exported-plugin"_qs);
    secret->setText(u"do-not-export-this-secret"_qs);
    hubUrl->setText(u"http://127.0.0.1:4321"_qs);
    m_window->configEditor()->setConfigJson(u"{\n  \"zeta\": 1,\n  \"alpha\": [true]\n}"_qs);
    for (QAction *action : m_window->findChildren<QAction *>())
        if (action->text().contains(u"(hold)"_qs))
            action->trigger();

    QTemporaryDir dir;
    const QString path = dir.filePath(u"setup.json"_qs);
    const auto exported = m_window->exportProfile(path);
    QVERIFY2(exported.ok(), exported.ok() ? "" : qPrintable(exported.error().message));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("do-not-export-this-secret"));

    const auto loaded = profile::loadFile(path);
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error().message));
    QCOMPARE(loaded->pluginId, u"exported-plugin"_qs);
    QCOMPARE(loaded->hubUrl, QUrl(u"http://127.0.0.1:4321"_qs));
    QCOMPARE(loaded->callback.spec, u"demo"_qs); // the sandbox model runs as the demo
    QCOMPARE(loaded->configJson, u"{\"zeta\":1,\"alpha\":[true]}"_qs); // compact, order kept
    QVERIFY(loaded->review == profile::ReviewPolicy::Hold);
    QVERIFY(loaded->secret.kind == profile::SecretReference::Kind::Environment);
    QVERIFY(profile::categorySchema(*loaded) == m_window->mappingPanel()->categorySchema());

    // The runner takes it as it is, the secret from the environment.
    QProcessEnvironment environment;
    environment.insert(u"ANGO_PLUGIN_SECRET"_qs, u"from-the-environment"_qs);
    const auto options = parseRunArguments({u"--profile"_qs, path}, environment);
    QVERIFY2(options.ok(), options.ok() ? "" : qPrintable(options.error().message));
    QCOMPARE(options->runtime.pluginId, u"exported-plugin"_qs);
    QCOMPARE(options->runtime.secret, u"from-the-environment"_qs);
    QVERIFY(options->runtime.review == runtime::ReviewPolicy::Hold);
}

// The review gate holds the console's own runs as it holds hub runs: the Run panel says so and
// the result is shown once approved.
void tst_MainWindow::holdAppliesToTheConsolesOwnRuns()
{
    QVERIFY(m_window->controller()->useCallback(u"recorder"_qs, {}));
    m_window->controller()->setReviewPolicy(runtime::ReviewPolicy::Hold);
    QSignalSpy shown(m_window, &MainWindow::runShown);
    ReviewPanel *review = m_window->reviewPanel();
    QTest::mouseClick(runButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(review->pendingCount(), 1, 10000);
    QCOMPARE(shown.count(), 0);
    QVERIFY2(runOutcome()->text().contains(u"Held for review"_qs),
             qPrintable(runOutcome()->text()));
    QVERIFY(m_window->controller()->runtime()->pendingResults().constFirst().local);
    review->approveCurrent();
    QTRY_COMPARE(shown.count(), 1);
    QVERIFY(shown.first().first().toBool());
    QVERIFY(m_window->preview()->scene()->objectCount() > 0);
    QCOMPARE(review->pendingCount(), 0);

    // Discarded: the run ends as failed, with the reason.
    QTest::mouseClick(runButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(review->pendingCount(), 1, 10000);
    review->discardCurrent();
    QTRY_COMPARE(shown.count(), 2);
    QVERIFY(!shown.last().first().toBool());
    QVERIFY2(runOutcome()->text().contains(u"discarded by the reviewer"_qs),
             qPrintable(runOutcome()->text()));
}

void tst_MainWindow::wrongTypedPayloadFieldsAreAnsweredNotThrown_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value"); // JSON
    const char *fields[]
        = {"dataURL",    "categorySchema", "apiKey", "projectId", "assetId", "externalId",
           "configJSON", "orgId",          "runBy",  "batches",   "tags"};
    const char *values[] = {"42", "{\"a\": [1]}", "[\"x\"]", "true"};
    for (const char *field : fields)
        for (const char *value : values)
            QTest::addRow("%s=%s", field, value)
                << QString::fromUtf8(field) << QString::fromUtf8(value);
}

// A hub (the emulated one) sends a field with a wrong type: the window shows or refuses the run,
// the hub gets its answer, nothing throws out of a slot.
void tst_MainWindow::wrongTypedPayloadFieldsAreAnsweredNotThrown()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QVERIFY(m_window->controller()->useCallback(u"recorder"_qs, {}));
    test::NodeHub hub;
    hub.start();
    QTRY_VERIFY_WITH_TIMEOUT(hub.port() > 0, 15000);
    ConnectionProfile profile;
    profile.pluginId = u"plugin-1"_qs;
    profile.hubUrl = QUrl(hub.url());
    profile.apiHost = QUrl(u"http://127.0.0.1:9"_qs); // no REST: image fetches fail in words
    m_window->controller()->connectToHub(profile, u"plugin-secret-value"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(hub.count("heartbeat") >= 1, 10000);

    json payload = {{"projectId", "p"},
                    {"categorySchema", json::array({{{"schemaId", "s"}, {"modelClass", "car"}}})},
                    {"assetId", "a"},
                    {"dataURL", "http://127.0.0.1:9/image.png"},
                    {"apiKey", "api-key-0123456789"},
                    {"session", "wrong-type"}};
    payload[field.toStdString()] = json::parse(value.toStdString());
    hub.sendPlugin(payload);
    QTRY_COMPARE_WITH_TIMEOUT(hub.forSession("response", "wrong-type").size(), 1, 10000);
    // Still alive and serving: a well-formed run after it is answered too.
    payload = {{"session", "after"}, {"categorySchema", nullptr}};
    hub.sendPlugin(payload);
    QTRY_COMPARE_WITH_TIMEOUT(hub.forSession("response", "after").size(), 1, 10000);
    QVERIFY(m_window->isVisible());
}


// The review gate holds what an outside plugin answered a Local hub run as it holds every run:
// nothing is shown until it is approved (then as delivered), and a discarded one is dropped with
// one log line.
void tst_MainWindow::holdAppliesToAnOutsidePluginsRuns()
{
    m_window->controller()->setReviewPolicy(runtime::ReviewPolicy::Hold);
    LocalHubPanel *panel = m_window->localHubPanel();
    const auto plugin = startLocalHubPlugin();
    QVERIFY(plugin);
    QTRY_VERIFY2_WITH_TIMEOUT(panel->hub()->isLive(kLocalHubPlugin),
                              qPrintable(plugin->diagnostics()), 15000);
    ReviewPanel *review = m_window->reviewPanel();
    QSignalSpy shown(m_window, &MainWindow::localHubResultShown);
    QSignalSpy finished(panel, &LocalHubPanel::runFinished);

    QVERIFY(panel->sendRun());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
    QTRY_COMPARE(review->pendingCount(), 1);
    QCOMPARE(shown.count(), 0);
    QCOMPARE(m_window->preview()->scene()->objectCount(), 0);
    const auto outcome = finished.first().first().value<hub::RunOutcome>();
    QVERIFY2(outcome.ok, qPrintable(outcome.error + plugin->diagnostics()));
    const runtime::PendingResult held = m_window->controller()->runtime()->pendingResults().first();
    QVERIFY(held.local);
    QCOMPARE(held.session, outcome.session);
    const runtime::Run *run = m_window->controller()->runs()->runOfPending(held.id);
    QVERIFY(run);
    QCOMPARE(run->source, runtime::RunSource::Outside);

    review->approveCurrent();
    QTRY_COMPARE(shown.count(), 1);
    QCOMPARE(shown.first().at(0).toString(), outcome.session);
    QVERIFY(shown.first().at(1).toBool());
    QCOMPARE(m_window->preview()->scene()->objectCount(), int(objectsOf(outcome.result).size()));
    QCOMPARE(review->pendingCount(), 0);
    QCOMPARE(run->outcome, runtime::RunOutcome::Delivered);

    // The next one discarded: not shown as delivered, logged once, gone from Review.
    QVERIFY(panel->sendRun());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 15000);
    QTRY_COMPARE(review->pendingCount(), 1);
    const QString second = finished.last().first().value<hub::RunOutcome>().session;
    review->discardCurrent();
    QTRY_COMPARE(shown.count(), 2);
    QCOMPARE(shown.last().at(0).toString(), second);
    QVERIFY(!shown.last().at(1).toBool());
    QCOMPARE(review->pendingCount(), 0);
    QVERIFY(m_window->controller()->runtime()->pendingResults().isEmpty());
    LogModel *log = m_window->logPanel()->model();
    log->flush();
    int discardedLines = 0;
    for (int row = 0; row < log->rowCount(); ++row) {
        const logging::LogEntry entry = log->entry(row);
        if (entry.session == second && entry.category == u"runtime"_qs
            && entry.message.contains(u"discarded"_qs))
            ++discardedLines;
    }
    QCOMPARE(discardedLines, 1);
    panel->stop();
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
