#pragma once

#include <QObject>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace ango::app {

class ConsoleController;
class RunLauncher;
class RunPanel;

// What "Replay with current settings" puts in place of the recorded request's.
struct CurrentRunSettings
{
    nlohmann::json categorySchema;
    std::optional<std::string> configJson; // none: the request carries no configJSON
};

// Replays a run picked in the log. Replay re-sends the run's recorded request exactly (the log
// only has it with the apiKey masked); with current settings, the window's mapping and
// configJSON replace the recorded ones. A request from an earlier session of the console (no
// run of it in the registry) runs locally from what the log kept.
class Replayer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Replayer)

public:
    Replayer(ConsoleController *controller, RunLauncher *launcher, RunPanel *run,
             std::function<CurrentRunSettings()> current, QObject *parent = nullptr);

    void replay(const nlohmann::json &logged, bool withCurrentSettings);

private:
    ConsoleController *m_controller;
    RunLauncher *m_launcher;
    RunPanel *m_run;
    std::function<CurrentRunSettings()> m_current;
};

} // namespace ango::app
