#include "engineiopacket.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace ango::engineio {

namespace {

Error fail(const QString &message)
{
    return Error::of(message);
}

// Control bytes and non-ASCII are shown as hex so that an error message stays one printable line.
QString describeByte(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f)
        return QStringLiteral("'%1'").arg(QLatin1Char(c));
    return QStringLiteral("0x%1").arg(byte, 2, 16, QLatin1Char('0'));
}

// An integral JSON number as a double (exact up to 2^53, beyond which every field is too large
// anyway). Integral floats are accepted since some encoders write 25000.0.
std::optional<double> integralValue(const nlohmann::json &value)
{
    if (value.is_number_unsigned()) // checked first: is_number_integer() is true for it too
        return static_cast<double>(value.get<std::uint64_t>());
    if (value.is_number_integer())
        return static_cast<double>(value.get<std::int64_t>());
    if (value.is_number_float() && std::isfinite(value.get<double>())
        && std::floor(value.get<double>()) == value.get<double>())
        return value.get<double>();
    return std::nullopt;
}

// A millisecond field of the OPEN packet: a positive integer.
Result<std::chrono::milliseconds> readInterval(const nlohmann::json &object, const char *key)
{
    const QString name = QString::fromLatin1(key);
    const auto it = object.find(key);
    if (it == object.end())
        return fail(QStringLiteral("OPEN packet has no %1").arg(name));
    const auto value = integralValue(*it);
    if (!value)
        return fail(QStringLiteral("OPEN packet's %1 is not an integer").arg(name));
    if (*value <= 0)
        return fail(QStringLiteral("OPEN packet's %1 must be positive").arg(name));
    if (*value > static_cast<double>(kMaxPingMs))
        return fail(QStringLiteral("OPEN packet's %1 is too large").arg(name));
    return std::chrono::milliseconds{static_cast<std::int64_t>(*value)};
}

} // namespace

Result<PacketView> decodeTextView(std::string_view frame)
{
    if (frame.empty())
        return fail(QStringLiteral("empty Engine.IO packet"));
    const char type = frame.front();
    if (type < '0' || type > '6')
        return fail(QStringLiteral("unknown Engine.IO packet type %1").arg(describeByte(type)));
    return PacketView{static_cast<PacketType>(type), frame.substr(1)};
}

Result<Packet> decodeText(std::string_view frame)
{
    auto view = decodeTextView(frame);
    if (!view)
        return view.error();
    return Packet{view->type, std::string(view->data)};
}

std::string encodeText(PacketType type, std::string_view data)
{
    std::string frame;
    frame.reserve(data.size() + 1);
    frame.push_back(static_cast<char>(type));
    frame.append(data);
    return frame;
}

Result<Handshake> parseHandshake(std::string_view json)
{
    // Without exceptions: a malformed payload yields a discarded value. nlohmann parses and
    // destroys without recursion, so deep nesting cannot exhaust the stack here.
    const auto object = nlohmann::json::parse(json.data(), json.data() + json.size(), nullptr,
                                              /*allow_exceptions=*/false);
    if (object.is_discarded())
        return fail(QStringLiteral("OPEN packet payload is not valid JSON"));
    if (!object.is_object())
        return fail(QStringLiteral("OPEN packet payload is not a JSON object"));

    Handshake handshake;
    const auto sid = object.find("sid");
    if (sid == object.end())
        return fail(QStringLiteral("OPEN packet has no sid"));
    if (!sid->is_string())
        return fail(QStringLiteral("OPEN packet's sid is not a string"));
    handshake.sid = sid->get<std::string>();
    if (handshake.sid.empty())
        return fail(QStringLiteral("OPEN packet's sid is empty"));

    if (const auto upgrades = object.find("upgrades");
        upgrades != object.end() && !upgrades->is_null()) {
        if (!upgrades->is_array())
            return fail(QStringLiteral("OPEN packet's upgrades is not an array"));
        for (const auto &upgrade : *upgrades) {
            if (!upgrade.is_string())
                return fail(QStringLiteral("OPEN packet's upgrades contains a non-string"));
            handshake.upgrades.push_back(upgrade.get<std::string>());
        }
    }

    auto interval = readInterval(object, "pingInterval");
    if (!interval)
        return interval.error();
    handshake.pingInterval = *interval;
    auto timeout = readInterval(object, "pingTimeout");
    if (!timeout)
        return timeout.error();
    handshake.pingTimeout = *timeout;

    // Absent in python-engineio before 4.11; only used to refuse oversized emits.
    if (const auto maxPayload = object.find("maxPayload");
        maxPayload != object.end() && !maxPayload->is_null()) {
        const auto value = integralValue(*maxPayload);
        if (!value)
            return fail(QStringLiteral("OPEN packet's maxPayload is not an integer"));
        if (*value < 0)
            return fail(QStringLiteral("OPEN packet's maxPayload is negative"));
        if (*value > 9007199254740992.0) // 2^53, JavaScript's largest exact integer
            return fail(QStringLiteral("OPEN packet's maxPayload is too large"));
        handshake.maxPayload = static_cast<std::int64_t>(*value);
    }
    return handshake;
}

} // namespace ango::engineio
