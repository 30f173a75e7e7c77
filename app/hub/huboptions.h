#pragma once

#include "common/result.h"
#include "hub/hubtypes.h"
#include "logging/logentry.h"

#include <QProcessEnvironment>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>

// The flags of `ango-console hub`, parsed without side effects beyond reading the mapping file,
// so they can be tested alone. Errors name the flag (exit code 2).
namespace ango::app {

struct HubCommandOptions
{
    QString listen = QStringLiteral("127.0.0.1:0");
    QString pluginId;
    QString secret; // from ANGO_PLUGIN_SECRET, never from the command line
    QString assetPath;
    nlohmann::json categorySchema; // null: no --mapping
    std::optional<QString> configJson;
    bool workflow = false;
    bool once = false;
    std::chrono::milliseconds timeout{60000};
    hub::HubOptions hub;
    logging::Level logLevel = logging::Level::Info; // LOGLEVEL, as the runner
    bool help = false;
};

// `arguments` are those after "hub".
Result<HubCommandOptions> parseHubArguments(const QStringList &arguments,
                                            const QProcessEnvironment &environment);

// A mapping file's content: a JSON list of {"schemaId", "modelClass"} (strings).
Result<nlohmann::json> parseMapping(const QByteArray &content);

QString hubUsage();

} // namespace ango::app
