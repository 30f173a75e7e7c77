#pragma once

#include "common/jsonlimits.h"
#include "common/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// Encoding never fails: binary values in the data of an EVENT or ACK make it a BINARY_* packet
// with attachments (a BINARY_* packet without binary values is sent as EVENT / ACK, since Node
// refuses zero attachments). Callers must refuse more than kMaxAttachments attachments. Other
// packet types have no attachments: binary values there are written as nlohmann's
// {"bytes":[...],"subtype":null}. nsp must start with '/'. A bare number payload is written after
// a space so that it cannot merge with the ack id. Invalid UTF-8 in strings is replaced by U+FFFD
// rather than throwing.
EncodedPacket encode(const Packet &packet);

// Appends the text of the EVENT packet [name, args...] (args: an array of arguments, or one value
// that is the only argument) to `out`, exactly as encode(Packet::event(nsp, [name, args...], id))
// writes it, without building that array or a string of its own. Returns false, leaving `out`
// as it was, when the arguments hold binary values: those need encode() and attachments.
bool appendEventText(std::string &out, std::string_view nsp, std::string_view name,
                     const nlohmann::json &args, std::optional<std::uint64_t> id = {});

// Parses a Socket.IO packet from the text of an Engine.IO MESSAGE. For packets announcing
// attachments, `attachmentCount` is set and placeholders are left in `data` unresolved.
// Validation follows the Node decoder (EVENT: a non-empty array named by a string or number that
// is not reserved; ACK: an array or absent; CONNECT: an object or absent; CONNECT_ERROR: a string,
// an object or absent; at most kMaxAttachments), leniently: DISCONNECT may carry any payload
// (python's always_connect), a "?query" after the namespace is dropped, and 0 attachments are
// accepted.
struct DecodedHeader
{
    Packet packet;
    int attachmentCount = 0;
};
Result<DecodedHeader> decodeText(std::string_view text);

// Stateful decoder: text frames, then the binary frames a BINARY_* packet announced.
// Returns a complete packet, std::nullopt while attachments are still due, or an error
// (after which the decoder is reset). A completed BINARY_EVENT / BINARY_ACK comes out as EVENT /
// ACK (as in the Node decoder) with nlohmann::json::binary_t values where its placeholders were.
// Placeholders are checked when the text frame arrives, so a bad `num` fails at once.
class Decoder
{
public:
    Decoder() = default;
    // Not copyable: m_slots point into the pending data. Moving keeps them valid, as they point
    // at elements inside the data's heap-allocated array, never at the top-level value.
    Decoder(const Decoder &) = delete;
    Decoder &operator=(const Decoder &) = delete;
    Decoder(Decoder &&) = default;
    Decoder &operator=(Decoder &&) = default;

    Result<std::optional<Packet>> addText(std::string_view text);
    Result<std::optional<Packet>> addBinary(std::string_view bytes);
    bool awaitingAttachments() const { return m_pending.has_value(); }
    void reset();

private:
    Packet complete();

    std::optional<DecodedHeader> m_pending;
    // The placeholders inside m_pending's data and the attachment each stands for.
    std::vector<std::pair<nlohmann::json *, int>> m_slots;
    int m_received = 0;
};

// JSON parsing with the project's rules: python's json.dumps escapes non-ASCII as \uXXXX with
// surrogate pairs (joined by nlohmann); a lone surrogate escape, as JS JSON.stringify can emit,
// becomes U+FFFD instead of failing the whole packet.
// Nesting deeper than kMaxJsonDepth is refused so that recursive walks (dump, placeholders)
// stay within the stack.
constexpr int kMaxJsonDepth = kDefaultJsonMaxDepth; // 512, as for all JSON from outside
Result<nlohmann::json> parseJson(std::string_view text);

// Serialises with invalid UTF-8 replaced by U+FFFD.
std::string dumpJson(const nlohmann::json &value);

} // namespace ango::socketio
