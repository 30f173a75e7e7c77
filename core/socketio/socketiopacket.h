#pragma once

#include "common/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Socket.IO v5 packets, carried inside Engine.IO MESSAGE packets:
//   <type>[<#attachments>-][<nsp>,][<ack id>][<JSON payload>]
// followed, for BINARY_EVENT / BINARY_ACK, by one binary frame per attachment. Binary values are
// nlohmann::json::binary_t inside `data`; the codec turns them into {"_placeholder":true,"num":i}
// on the wire and back.
namespace ango::socketio {

enum class PacketType : int {
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
};

constexpr int kMaxAttachments = 10; // the Node server closes the connection above this

struct Packet
{
    PacketType type = PacketType::Event;
    std::string nsp = "/";
    std::optional<std::uint64_t> id; // ack id
    std::optional<nlohmann::json> data;

    static Packet event(std::string nsp, nlohmann::json args, std::optional<std::uint64_t> id = {});
    static Packet ack(std::string nsp, std::uint64_t id, nlohmann::json args);
    static Packet connect(std::string nsp, std::optional<nlohmann::json> auth = {});
    static Packet disconnect(std::string nsp);
};

struct EncodedPacket
{
    std::string text;                     // without the Engine.IO "4" prefix
    std::vector<std::string> attachments; // raw bytes, one binary frame each
};

// Encoding never fails: binary values in data make it a BINARY_* packet with attachments.
// Invalid UTF-8 in strings is replaced by U+FFFD rather than throwing.
EncodedPacket encode(const Packet &packet);

// Parses a Socket.IO packet from the text of an Engine.IO MESSAGE. For packets announcing
// attachments, `attachmentCount` is set and placeholders are left in `data` unresolved.
struct DecodedHeader
{
    Packet packet;
    int attachmentCount = 0;
};
Result<DecodedHeader> decodeText(std::string_view text);

// Stateful decoder: text frames, then the binary frames a BINARY_* packet announced.
// Returns a complete packet, std::nullopt while attachments are still due, or an error
// (after which the decoder is reset).
class Decoder
{
public:
    Result<std::optional<Packet>> addText(std::string_view text);
    Result<std::optional<Packet>> addBinary(std::string_view bytes);
    bool awaitingAttachments() const { return m_pending.has_value(); }
    void reset();

private:
    std::optional<DecodedHeader> m_pending;
    std::vector<std::string> m_attachments;
};

// JSON parsing with the project's rules: python's json.dumps escapes non-ASCII as \uXXXX with
// surrogate pairs (joined by nlohmann); a lone surrogate escape, as JS JSON.stringify can emit,
// becomes U+FFFD instead of failing the whole packet.
Result<nlohmann::json> parseJson(std::string_view text);

// Serialises with invalid UTF-8 replaced by U+FFFD.
std::string dumpJson(const nlohmann::json &value);

} // namespace ango::socketio
