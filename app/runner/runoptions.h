#pragma once

#include "common/result.h"
#include "runtime/runtimetypes.h"

#include <QProcessEnvironment>
#include <QStringList>

// The flags of `ango-console run`, parsed without side effects beyond reading the profile and the
// secret file, so they can be tested alone.
namespace ango::app {

enum class LogFormat { Text, Jsonl };

struct RunOptions
{
    runtime::RuntimeOptions runtime;
    QString callbackSpec = QStringLiteral("demo");
    QString callbackSource = QStringLiteral("--callback"); // names it in errors: flag or profile
    QString callbackInterpreter; // python: only; empty: the adapter's default (python3 on PATH)
    int callbackWorkers = 0;     // worker processes; 0: as many as interactive runs at a time
    QString profilePath;         // --profile, empty when none
    LogFormat logFormat = LogFormat::Text;
    logging::Level logLevel = logging::Level::Info; // from LOGLEVEL, as the SDK
    std::chrono::milliseconds drainBound{10000};
    qint64 maxResultBytes = 64LL * 1024 * 1024; // --max-result-size, callbacks' "maxResultBytes"
    bool help = false;
};

// `arguments` are those after "run". Values come from the profile (--profile FILE), then from
// the flags, which override it. The secret comes from --secret-file, else the profile's secret
// reference, else ANGO_PLUGIN_SECRET; never from the command line. Errors name the flag, or the
// file and the field of the profile (exit code 2).
Result<RunOptions> parseRunArguments(const QStringList &arguments,
                                     const QProcessEnvironment &environment);

QString runUsage();

} // namespace ango::app
