#pragma once

#include "common/result.h"
#include "runtime/runtimetypes.h"

#include <QProcessEnvironment>
#include <QStringList>

// The flags of `ango-console run`, parsed without side effects so they can be tested alone.
namespace ango::app {

enum class LogFormat { Text, Jsonl };

struct RunOptions
{
    runtime::RuntimeOptions runtime;
    QString callbackSpec = QStringLiteral("demo");
    LogFormat logFormat = LogFormat::Text;
    logging::Level logLevel = logging::Level::Info; // from LOGLEVEL, as the SDK
    std::chrono::milliseconds drainBound{10000};
    bool help = false;
};

// `arguments` are those after "run". The secret comes from ANGO_PLUGIN_SECRET or --secret-file,
// never from the command line. Errors name the flag (exit code 2).
Result<RunOptions> parseRunArguments(const QStringList &arguments,
                                     const QProcessEnvironment &environment);

QString runUsage();

} // namespace ango::app
