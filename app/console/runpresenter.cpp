#include "runpresenter.h"

#include "consolecontroller.h"
#include "runlauncher.h"

#include "panels/mapping/classmapping.h"
#include "panels/mapping/classmappingmodel.h"
#include "panels/mapping/classmappingpanel.h"
#include "panels/preview/classpalette.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewscene.h"
#include "panels/run/runpanel.h"
#include "runtime/run.h"
#include "runtime/runregistry.h"

namespace ango::app {

using nlohmann::json;

RunPresenter::RunPresenter(PreviewPanel *preview, ClassMappingPanel *mapping, RunPanel *run,
                           QObject *parent)
    : QObject(parent)
    , m_preview(preview)
    , m_mapping(mapping)
    , m_run(run)
{}

void RunPresenter::follow(ConsoleController *controller, RunLauncher *launcher)
{
    connect(controller, &ConsoleController::localRunFinished, this,
            &RunPresenter::showLocalOutcome);
    connect(controller, &ConsoleController::localRunCancelled, this,
            [this](quint64, const QString &reason) { showLocalCancelled(reason); });
    connect(controller->runs(), &runtime::RunRegistry::runChanged, this,
            [this, controller](quint64 id, const runtime::RunStage &stage) {
                if (stage.stage != runtime::RequestStage::Held || id != controller->localRunId())
                    return;
                m_run->setBusy(false);
                m_run->setOutcome(tr("Held for review: approve or discard it in Review"), true);
            });
    connect(controller, &ConsoleController::resultReady, this,
            [this, controller, launcher](const runtime::RequestResult &result) {
                if (result.local)
                    return; // local runs come through localRunFinished
                launcher->loadImageOf(result.request);
                if (controller->reviewPolicy() == runtime::ReviewPolicy::Auto)
                    Q_EMIT previewWanted();
                showHubResult(result);
            });
    followLauncher(launcher);
}

void RunPresenter::followLauncher(RunLauncher *launcher)
{
    connect(launcher, &RunLauncher::lookUpStarted, this, [this] {
        m_run->setBusy(true);
        m_run->setOutcome(tr("Looking up the asset…"), true);
        m_preview->clear();
    });
    connect(launcher, &RunLauncher::lookUpFailed, this, [this](const QString &message) {
        m_run->setBusy(false);
        m_run->setOutcome(tr("Asset look-up failed, the run did not start: %1").arg(message),
                          false);
        Q_EMIT runShown(false);
    });
    connect(launcher, &RunLauncher::lookUpCancelled, this, [this] {
        m_run->setBusy(false);
        m_run->setOutcome(tr("Run cancelled (while looking up the asset)"), false);
        Q_EMIT runShown(false);
    });
    connect(launcher, &RunLauncher::runStarted, this, [this] {
        m_run->setBusy(true);
        m_run->setOutcome(tr("Running…"), true);
        m_preview->setAnswer(json::object());
    });
    connect(launcher, &RunLauncher::imageFileChosen, m_preview, &PreviewPanel::loadImageFile);
    connect(launcher, &RunLauncher::imageFetched, m_preview, &PreviewPanel::loadImageData);
    connect(launcher, &RunLauncher::imageFailed, this, [this](const QString &message) {
        m_preview->setImage(QImage());
        Q_EMIT noticed(tr("Asset image not loaded: %1").arg(message), 15000);
    });
}

void RunPresenter::showLocalOutcome(const runtime::LocalRunResult &outcome)
{
    m_run->setBusy(false);
    if (!outcome.error.isEmpty()) {
        m_run->setOutcome(tr("Run failed: %1").arg(outcome.error), false);
        Q_EMIT runShown(false);
        return;
    }
    showAnswer(outcome.answer ? outcome.answer->toJson() : json::object(), outcome.problems,
               m_mapping->categorySchema());
    const int objects = m_preview->scene()->objectCount();
    m_run->setOutcome(tr("%n object(s) in %1 ms, %2 problem(s)", nullptr, objects)
                          .arg(outcome.durationMs)
                          .arg(outcome.problems.size()),
                      true);
    Q_EMIT runShown(true);
}

void RunPresenter::showLocalCancelled(const QString &reason)
{
    m_run->setBusy(false);
    m_run->setOutcome(tr("Run cancelled (%1)").arg(reason), false);
    Q_EMIT runShown(false);
}

void RunPresenter::showAnswer(const json &answer, const std::vector<annotation::Problem> &problems,
                              const json &categorySchema)
{
    m_preview->setClasses(
        classesOfMapping(categorySchema, labelToolsToJson(m_mapping->model()->labelTools())));
    m_preview->setAnswer(answer);
    m_preview->setProblems(problems);
    QStringList returned;
    const json objects = answer.is_object() ? answer.value("objects", json()) : json();
    for (const json &object : objects.is_array() ? objects : json::array())
        if (const QString modelClass = runtime::textField(object, "modelClass");
            !modelClass.isEmpty())
            returned << modelClass;
    returned.removeDuplicates();
    m_mapping->setReturnedClasses(returned);
}

// Runs users start on the hub: shown like a local run, over the asset the request names.
void RunPresenter::showHubResult(const runtime::RequestResult &result)
{
    showAnswer(result.answer.toJson(), result.problems, runtime::categorySchemaOf(result.request));
    Q_EMIT noticed(
        tr("Hub run %1: %n object(s), %2 problem(s)", nullptr, m_preview->scene()->objectCount())
            .arg(result.session)
            .arg(result.problems.size()),
        10000);
    Q_EMIT hubResultShown(result.session);
}

// What the author's script answered the local hub: read, checked and drawn like any other run.
void RunPresenter::showLocalHubOutcome(const hub::RunOutcome &outcome, const json &schema)
{
    if (!outcome.ok) {
        Q_EMIT noticed(tr("Local hub run %1 failed: %2").arg(outcome.session, outcome.error),
                       15000);
        Q_EMIT localHubResultShown(outcome.session, false);
        return;
    }
    // A workflow run's annotate body wraps the answer; an interactive response is the result.
    const json result = !outcome.workflow            ? outcome.result
                        : outcome.result.is_object() ? outcome.result.value("answer", json())
                                                     : json();
    const QSize size = m_preview->scene()->imageSize();
    const runtime::CheckedResult checked
        = runtime::checkResult(result, schema, size.isEmpty() ? std::nullopt : std::optional(size));
    if (!checked.answer) {
        Q_EMIT noticed(tr("Local hub run %1 returned an invalid result: %2")
                           .arg(outcome.session, checked.error),
                       15000);
        Q_EMIT localHubResultShown(outcome.session, false);
        return;
    }
    showAnswer(checked.answer->toJson(), checked.problems, schema);
    Q_EMIT noticed(tr("Local hub run %1: %n object(s), %2 problem(s)", nullptr,
                      int(checked.answer->objects.size()))
                       .arg(outcome.session)
                       .arg(checked.problems.size()),
                   10000);
    Q_EMIT localHubResultShown(outcome.session, true);
}

} // namespace ango::app
