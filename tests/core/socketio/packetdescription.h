#pragma once

#include "socketio/socketiopacket.h"

#include <QByteArray>

#include <string>

// A one-line, exact description of a Socket.IO packet for data-driven tests:
//   TYPE[+attachments] nsp[ #id][ data]
// where binary values inside data appear as <bin hex> so that they cannot be confused with JSON.
namespace ango::test {

inline std::string describeValue(const nlohmann::json &value)
{
    using nlohmann::json;
    if (value.is_binary()) {
        std::string out = "<bin ";
        static constexpr char kHex[] = "0123456789abcdef";
        for (const std::uint8_t byte : value.get_binary()) {
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0xf]);
        }
        return out + ">";
    }
    if (value.is_array()) {
        std::string out = "[";
        for (const auto &child : value) {
            if (out.size() > 1)
                out.push_back(',');
            out += describeValue(child);
        }
        return out + "]";
    }
    if (value.is_object()) {
        std::string out = "{";
        for (const auto &[key, child] : value.items()) {
            if (out.size() > 1)
                out.push_back(',');
            out += socketio::dumpJson(json(key)) + ":" + describeValue(child);
        }
        return out + "}";
    }
    return socketio::dumpJson(value);
}

inline const char *typeName(socketio::PacketType type)
{
    static constexpr const char *kNames[]
        = {"CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"};
    const auto index = static_cast<int>(type);
    return index >= 0 && index < 7 ? kNames[index] : "INVALID";
}

// attachments < 0: not shown (complete packets); otherwise shown for BINARY_* types.
inline QByteArray describe(const socketio::Packet &packet, int attachments = -1)
{
    std::string out = typeName(packet.type);
    if (attachments >= 0)
        out += "+" + std::to_string(attachments);
    out += " " + packet.nsp;
    if (packet.id)
        out += " #" + std::to_string(*packet.id);
    if (packet.data)
        out += " " + describeValue(*packet.data);
    return QByteArray::fromStdString(out);
}

inline QByteArray errorText(const Error &error)
{
    return "error: " + error.message.toUtf8();
}

} // namespace ango::test
