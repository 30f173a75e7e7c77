// The stateful Socket.IO decoder over a sequence of frames, and encode/decode consistency.
// Input format: frames separated by '\n'; a frame starting with 'b' is a binary frame (the bytes
// after the 'b'), any other frame is the text of an Engine.IO MESSAGE.
#include "fuzzcheck.h"
#include "socketio/socketiopacket.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace ango::socketio;
using nlohmann::json;

namespace {

bool samePacket(const Packet &a, const Packet &b)
{
    return a.type == b.type && a.nsp == b.nsp && a.id == b.id && a.data == b.data;
}

Packet decodeEncoded(const EncodedPacket &encoded)
{
    Decoder decoder;
    auto result = decoder.addText(encoded.text);
    for (const auto &attachment : encoded.attachments) {
        FUZZ_CHECK(result.ok() && !result->has_value());
        result = decoder.addBinary(attachment);
    }
    FUZZ_CHECK(result.ok() && result->has_value());
    FUZZ_CHECK(!decoder.awaitingAttachments());
    return std::move(**result);
}

// Whatever the decoder produced must survive encode → decode unchanged, and encoding must be
// stable from then on.
void checkRoundTrip(const Packet &packet)
{
    FUZZ_CHECK(packet.type != PacketType::BinaryEvent && packet.type != PacketType::BinaryAck);
    const EncodedPacket encoded = encode(packet);
    // A placeholder may be referenced several times; callers refuse more than the limit.
    if (encoded.attachments.size() > static_cast<std::size_t>(kMaxAttachments))
        return;
    const Packet again = decodeEncoded(encoded);
    FUZZ_CHECK(samePacket(packet, again));
    const EncodedPacket reencoded = encode(again);
    FUZZ_CHECK(reencoded.text == encoded.text && reencoded.attachments == encoded.attachments);
}

void checkJson(std::string_view text)
{
    const auto value = parseJson(text);
    if (!value)
        return;
    const std::string dumped = dumpJson(*value);
    const auto again = parseJson(dumped);
    FUZZ_CHECK(again.ok() && *again == *value);
    FUZZ_CHECK(dumpJson(*again) == dumped);
}

// parseJson takes a fast path of its own for the JSON the wire usually carries and hands the rest
// to nlohmann's parser: whatever nlohmann accepts, parseJson gives the same value with the same
// number types (a difference would change what a callback sees).
void checkAgainstNlohmann(std::string_view text)
{
    const auto ours = parseJson(text);
    if (!ours && ours.error().message.contains(QStringLiteral("deeper")))
        return; // refused before any parser walks it
    const json reference = json::parse(text.begin(), text.end(), nullptr, false);
    if (reference.is_discarded()) {
        // Only a lone surrogate escape, which parseJson replaces, may make us accept more.
        FUZZ_CHECK(!ours || text.find("\\u") != std::string_view::npos);
        return;
    }
    FUZZ_CHECK(ours.ok());
    const auto dump = [](const json &value) {
        return value.dump(-1, ' ', false, json::error_handler_t::replace);
    };
    FUZZ_CHECK(*ours == reference && dump(*ours) == dump(reference));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char *>(data), size);
    Decoder decoder;
    for (std::size_t start = 0; start <= input.size();) {
        const std::size_t newline = input.find('\n', start);
        const std::size_t end = newline == std::string_view::npos ? input.size() : newline;
        const std::string_view frame = input.substr(start, end - start);
        start = end + 1;

        const bool binary = !frame.empty() && frame.front() == 'b';
        const auto result = binary ? decoder.addBinary(frame.substr(1)) : decoder.addText(frame);
        if (!result) {
            FUZZ_CHECK(!result.error().message.isEmpty());
            FUZZ_CHECK(!decoder.awaitingAttachments()); // an error resets the decoder
        } else if (result->has_value()) {
            FUZZ_CHECK(!decoder.awaitingAttachments());
            checkRoundTrip(**result);
        } else {
            FUZZ_CHECK(decoder.awaitingAttachments());
        }
        if (!binary) {
            // The header parser alone agrees with what the decoder saw.
            const auto header = decodeText(frame);
            if (header)
                FUZZ_CHECK(header->attachmentCount >= 0
                           && header->attachmentCount <= kMaxAttachments);
        }
    }
    checkJson(input);
    checkAgainstNlohmann(input);
    return 0;
}
