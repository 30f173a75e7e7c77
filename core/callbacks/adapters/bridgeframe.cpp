#include "callbacks/adapters/bridgeframe.h"

#include "common/jsonlimits.h"

#include <string_view>

namespace ango::callbacks::adapters {

Result<nlohmann::json> parseBridgeFrame(const QByteArray &frame)
{
    const std::string_view text(frame.constData(), size_t(frame.size()));
    // The result sits one level inside its frame.
    if (const qint64 at = jsonTextTooDeepAt(text, kDefaultJsonMaxDepth + 1); at >= 0)
        return makeError(QStringLiteral("the result is nested deeper than %1 levels (at byte %2 "
                                        "of its frame)")
                             .arg(kDefaultJsonMaxDepth)
                             .arg(at),
                         kFrameTooDeep);
    nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        return makeError(
            QStringLiteral("the bridge sent a malformed frame (%1 bytes)").arg(frame.size()));
    return parsed;
}

} // namespace ango::callbacks::adapters
