#pragma once

#include "common/result.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Engine.IO v4 packets over the websocket transport: one packet per WebSocket frame. Text frames
// start with the packet type digit; binary frames are always MESSAGE packets with no type byte.
namespace ango::engineio {

enum class PacketType : char {
    Open = '0',
    Close = '1',
    Ping = '2',
    Pong = '3',
    Message = '4',
    Upgrade = '5',
    Noop = '6',
};

struct Packet
{
    PacketType type = PacketType::Noop;
    std::string data; // payload after the type byte
};

// Decodes a text frame. An empty frame or an unknown type byte is an error.
Result<Packet> decodeText(std::string_view frame);

// The same without copying the payload: `data` views into `frame` (for the MESSAGE hot path).
struct PacketView
{
    PacketType type = PacketType::Noop;
    std::string_view data;
};
Result<PacketView> decodeTextView(std::string_view frame);

std::string encodeText(PacketType type, std::string_view data = {});

// The JSON payload of the OPEN packet. Fields are read by key: their order differs between
// servers and maxPayload is absent in python-engineio before 4.11.
struct Handshake
{
    std::string sid;
    std::vector<std::string> upgrades;
    std::chrono::milliseconds pingInterval{25000};
    std::chrono::milliseconds pingTimeout{20000};
    std::optional<std::int64_t> maxPayload;
};

// pingInterval and pingTimeout must be positive integers of at most kMaxPingMs, so that their
// sum still fits a QTimer's int interval.
constexpr std::int64_t kMaxPingMs = std::int64_t{1} << 30;
Result<Handshake> parseHandshake(std::string_view json);

} // namespace ango::engineio
