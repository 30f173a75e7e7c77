#include "replayer.h"

#include "consolecontroller.h"
#include "panels/run/runpanel.h"
#include "runlauncher.h"
#include "runtime/run.h"
#include "runtime/runregistry.h"

namespace ango::app {

using nlohmann::json;

Replayer::Replayer(ConsoleController *controller, RunLauncher *launcher, RunPanel *run,
                   std::function<CurrentRunSettings()> current, QObject *parent)
    : QObject(parent)
    , m_controller(controller)
    , m_launcher(launcher)
    , m_run(run)
    , m_current(std::move(current))
{}

void Replayer::replay(const json &logged, bool withCurrentSettings)
{
    const auto runs = m_controller->runs()->runsOfSession(runtime::textField(logged, "session"));
    const quint64 original = runs.isEmpty() ? 0 : runs.constFirst()->id;
    json request = original ? runs.constFirst()->request : m_controller->withKnownApiKey(logged);
    if (!request.is_object())
        return;
    if (withCurrentSettings) {
        const CurrentRunSettings current = m_current();
        request["categorySchema"] = current.categorySchema;
        if (current.configJson)
            request["configJSON"] = *current.configJson;
        else
            request.erase("configJSON");
    }
    m_launcher->loadImageOf(request);
    m_run->setBusy(true);
    if (!original) { // from an earlier session of the console: what the log kept
        m_controller->runLocal(request);
        return;
    }
    const auto started = withCurrentSettings ? m_controller->replay(original, request)
                                             : m_controller->replay(original);
    if (!started) {
        m_run->setBusy(false);
        m_run->setOutcome(started.error().message, false);
    }
}

} // namespace ango::app
