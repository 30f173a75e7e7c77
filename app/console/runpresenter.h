#pragma once

#include "annotation/annotation.h"
#include "hub/hubtypes.h"
#include "runtime/runtimetypes.h"

#include <QObject>

#include <nlohmann/json.hpp>

namespace ango::app {

class ClassMappingPanel;
class ConsoleController;
class PreviewPanel;
class RunLauncher;
class RunPanel;

// Shows how runs ended in the window's panels, whatever their source: the checked result over
// its image in the preview, the classes it returned in the mapping, the outcome in the Run
// panel. It decides nothing: results come checked by core (runtime::checkResult).
class RunPresenter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunPresenter)

public:
    RunPresenter(PreviewPanel *preview, ClassMappingPanel *mapping, RunPanel *run,
                 QObject *parent = nullptr);

    void showLocalOutcome(const runtime::LocalRunResult &outcome);
    void showLocalCancelled(const QString &reason);
    // A run started on the hub; `schema` is its request's categorySchema.
    void showHubResult(const runtime::RequestResult &result);
    // What an outside plugin answered the local hub, checked against `schema`.
    void showLocalHubOutcome(const hub::RunOutcome &outcome, const nlohmann::json &schema);

    // Shows what the controller and the launcher report about runs: a look-up, a start, an
    // outcome, a held local run, a hub run's result over the image its request names.
    void follow(ConsoleController *controller, RunLauncher *launcher);

Q_SIGNALS:
    void runShown(bool ok);
    void hubResultShown(const QString &session);
    void localHubResultShown(const QString &session, bool ok);
    void noticed(const QString &message, int timeoutMs);
    // A hub result delivered at once is on its way to the preview: bring the preview forward.
    void previewWanted();

private:
    void followLauncher(RunLauncher *launcher);
    void showAnswer(const nlohmann::json &answer, const std::vector<annotation::Problem> &problems,
                    const nlohmann::json &categorySchema);

    PreviewPanel *m_preview;
    ClassMappingPanel *m_mapping;
    RunPanel *m_run;
};

} // namespace ango::app
