// The Python bridge's JSON-lines channel as the console reads it: every line of the input is a
// frame. Never crash, and what is accepted is an object that can be serialised and read back
// (nlohmann's dump() recurses: a frame that passed the depth check must not overflow it).
#include "callbacks/adapters/bridgeframe.h"
#include "common/jsonlimits.h"
#include "fuzzcheck.h"

#include <QByteArray>
#include <QList>

#include <cstddef>
#include <cstdint>

using namespace ango;
using namespace ango::callbacks::adapters;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray input
        = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const QByteArray &line : input.split('\n')) {
        const auto frame = parseBridgeFrame(line);
        if (!frame) {
            FUZZ_CHECK(!frame.error().message.isEmpty());
            continue;
        }
        FUZZ_CHECK(frame->is_object());
        FUZZ_CHECK(jsonDepth(*frame, kDefaultJsonMaxDepth + 2) <= kDefaultJsonMaxDepth + 1);
        const std::string dumped
            = frame->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        FUZZ_CHECK(jsonDumpSize(*frame, qint64(dumped.size()) + 1) >= 0);
        const auto again = parseBridgeFrame(QByteArray::fromStdString(dumped));
        FUZZ_CHECK(again.ok());
        // The result inside, as the worker pool checks it before the runtime serialises it.
        if (const auto result = frame->find("result"); result != frame->end())
            FUZZ_CHECK(checkJsonDepth(*result, QStringLiteral("result")).ok());
    }
    return 0;
}
