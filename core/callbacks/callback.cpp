#include "callbacks/callback.h"

#include "common/jsonlimits.h"

namespace ango::callbacks {

Result<void> checkCallbackResult(const nlohmann::json &result, const QString &callback,
                                 qint64 maxBytes)
{
    if (auto depth = checkJsonDepth(result, QStringLiteral("%1: the result").arg(callback)); !depth)
        return depth.error();
    if (maxBytes > 0 && jsonDumpSize(result, maxBytes) > maxBytes)
        return makeError(QStringLiteral("%1: the result is larger than %2 bytes (the "
                                        "maxResultBytes limit)")
                             .arg(callback)
                             .arg(maxBytes));
    return {};
}

QString levelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return QStringLiteral("DEBUG");
    case LogLevel::Info:
        return QStringLiteral("INFO");
    case LogLevel::Warning:
        return QStringLiteral("WARNING");
    case LogLevel::Error:
        return QStringLiteral("ERROR");
    }
    return QStringLiteral("INFO");
}

} // namespace ango::callbacks
