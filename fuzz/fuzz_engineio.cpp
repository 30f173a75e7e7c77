// Engine.IO text frames and the OPEN handshake: never crash, and what decodes encodes back to
// the same bytes.
#include "fuzzcheck.h"
#include "socketio/engineiopacket.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace ango::engineio;

namespace {

void checkHandshake(std::string_view json)
{
    const auto handshake = parseHandshake(json);
    if (!handshake)
        return;
    FUZZ_CHECK(!handshake->sid.empty());
    FUZZ_CHECK(handshake->pingInterval.count() > 0
               && handshake->pingInterval.count() <= kMaxPingMs);
    FUZZ_CHECK(handshake->pingTimeout.count() > 0 && handshake->pingTimeout.count() <= kMaxPingMs);
    FUZZ_CHECK(!handshake->maxPayload || *handshake->maxPayload >= 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view frame(reinterpret_cast<const char *>(data), size);
    const auto packet = decodeText(frame);
    const auto view = decodeTextView(frame);
    FUZZ_CHECK(packet.ok() == view.ok());
    FUZZ_CHECK(packet.ok() == (!frame.empty() && frame.front() >= '0' && frame.front() <= '6'));
    if (packet) {
        FUZZ_CHECK(view->type == packet->type && view->data == packet->data);
        FUZZ_CHECK(encodeText(packet->type, packet->data) == frame);
        if (packet->type == PacketType::Open)
            checkHandshake(packet->data);
    }
    checkHandshake(frame);
    return 0;
}
