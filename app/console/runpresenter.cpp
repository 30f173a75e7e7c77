#include "runpresenter.h"

#include "panels/mapping/classmapping.h"
#include "panels/mapping/classmappingmodel.h"
#include "panels/mapping/classmappingpanel.h"
#include "panels/preview/classpalette.h"
#include "panels/preview/previewpanel.h"
#include "panels/preview/previewscene.h"
#include "panels/run/runpanel.h"
#include "runtime/run.h"

namespace ango::app {

using nlohmann::json;

RunPresenter::RunPresenter(PreviewPanel *preview, ClassMappingPanel *mapping, RunPanel *run,
                           QObject *parent)
    : QObject(parent)
    , m_preview(preview)
    , m_mapping(mapping)
    , m_run(run)
{}

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
