#include "socketiopacket.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>

namespace ango::socketio {

using nlohmann::json;

namespace {

// Names the Node parser refuses as event names (socket.io-parser RESERVED_EVENTS).
constexpr std::string_view kReservedEvents[] = {
    "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
};

Error fail(const QString &message)
{
    return Error::of(message);
}

QString fromUtf8(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString typeName(PacketType type)
{
    switch (type) {
    case PacketType::Connect:
        return QStringLiteral("CONNECT");
    case PacketType::Disconnect:
        return QStringLiteral("DISCONNECT");
    case PacketType::Event:
        return QStringLiteral("EVENT");
    case PacketType::Ack:
        return QStringLiteral("ACK");
    case PacketType::ConnectError:
        return QStringLiteral("CONNECT_ERROR");
    case PacketType::BinaryEvent:
        return QStringLiteral("BINARY_EVENT");
    case PacketType::BinaryAck:
        return QStringLiteral("BINARY_ACK");
    }
    return QStringLiteral("unknown");
}

// What a JSON value is, for error messages (never its content: payloads may carry secrets).
QString kindOf(const json &value)
{
    switch (value.type()) {
    case json::value_t::object:
        return QStringLiteral("an object");
    case json::value_t::array:
        return value.empty() ? QStringLiteral("an empty array") : QStringLiteral("an array");
    case json::value_t::string:
        return QStringLiteral("a string");
    case json::value_t::boolean:
        return QStringLiteral("a boolean");
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
        return QStringLiteral("a number");
    case json::value_t::binary:
        return QStringLiteral("binary");
    case json::value_t::null:
        return QStringLiteral("null");
    case json::value_t::discarded:
        break;
    }
    return QStringLiteral("nothing");
}

// A byte of the header, printable in a one-line error message.
QString describeByte(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f)
        return QStringLiteral("'%1'").arg(QLatin1Char(c));
    return QStringLiteral("0x%1").arg(byte, 2, 16, QLatin1Char('0'));
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isEventType(PacketType type)
{
    return type == PacketType::Event || type == PacketType::BinaryEvent;
}

bool isAckType(PacketType type)
{
    return type == PacketType::Ack || type == PacketType::BinaryAck;
}

bool isBinaryType(PacketType type)
{
    return type == PacketType::BinaryEvent || type == PacketType::BinaryAck;
}

// ---- JSON text scanning: nesting depth and lone surrogate escapes ----

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The code unit of the \uXXXX escape whose hex digits start at `pos`, or -1.
int readHex4(std::string_view text, std::size_t pos)
{
    if (pos + 4 > text.size())
        return -1;
    int value = 0;
    for (std::size_t i = pos; i < pos + 4; ++i) {
        const int digit = hexDigit(text[i]);
        if (digit < 0)
            return -1;
        value = value * 16 + digit;
    }
    return value;
}

bool isHighSurrogate(int unit)
{
    return unit >= 0xD800 && unit <= 0xDBFF;
}

bool isLowSurrogate(int unit)
{
    return unit >= 0xDC00 && unit <= 0xDFFF;
}

struct Escape
{
    std::size_t length; // bytes to skip, from the backslash
    bool loneSurrogate;
};

// The escape at text[pos] == '\\' inside a JSON string. Malformed escapes are skipped over and
// left for nlohmann to report.
Escape scanEscape(std::string_view text, std::size_t pos)
{
    if (pos + 1 >= text.size())
        return {1, false};
    if (text[pos + 1] != 'u')
        return {2, false};
    const int unit = readHex4(text, pos + 2);
    if (unit < 0)
        return {2, false};
    if (isHighSurrogate(unit)) {
        const bool pairFollows = pos + 7 < text.size() && text[pos + 6] == '\\'
                                 && text[pos + 7] == 'u' && isLowSurrogate(readHex4(text, pos + 8));
        return pairFollows ? Escape{12, false} : Escape{6, true};
    }
    return {6, isLowSurrogate(unit)};
}

struct JsonScan
{
    bool tooDeep = false;
    bool loneSurrogate = false;
};

JsonScan scanJson(std::string_view text)
{
    JsonScan scan;
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (inString) {
            if (c == '\\') {
                const Escape escape = scanEscape(text, i);
                scan.loneSurrogate = scan.loneSurrogate || escape.loneSurrogate;
                i += escape.length;
                continue;
            }
            inString = c != '"';
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth) {
                scan.tooDeep = true;
                return scan;
            }
        } else if (c == ']' || c == '}') {
            --depth;
        }
        ++i;
    }
    return scan;
}

// JS JSON.stringify writes a lone surrogate as an escape; nlohmann (rightly) rejects it. Rather
// than failing the whole packet, such escapes become U+FFFD. Surrogate pairs are kept as they are.
std::string replaceLoneSurrogates(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool inString = false;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (inString && c == '\\') {
            const Escape escape = scanEscape(text, i);
            if (escape.loneSurrogate)
                out.append("\\ufffd");
            else
                out.append(text.substr(i, escape.length));
            i += escape.length;
            continue;
        }
        if (c == '"')
            inString = !inString;
        out.push_back(c);
        ++i;
    }
    return out;
}

// nlohmann's message without its "[json.exception...]" prefix and without the "; last read:
// '...'" suffix, which would copy payload content (possibly a secret) into logs.
QString describeJsonError(const json::exception &error)
{
    std::string_view what = error.what();
    if (const auto bracket = what.find("] ");
        what.starts_with("[json.exception.") && bracket != std::string_view::npos)
        what.remove_prefix(bracket + 2);
    if (what.starts_with("parse error")) {
        if (const auto colon = what.find(": "); colon != std::string_view::npos)
            what.remove_prefix(colon + 2);
    }
    if (const auto lastRead = what.find("; last read"); lastRead != std::string_view::npos)
        what = what.substr(0, lastRead);
    if (const auto quote = what.find(" parsing '"); quote != std::string_view::npos)
        what = what.substr(0, quote); // "number overflow parsing '<digits>'"
    return fromUtf8(what);
}

// nlohmann's serializer, straight into `out` (json::dump() would build a temporary string).
void appendJsonBySerializer(std::string &out, const json &value)
{
    nlohmann::detail::serializer<json> serializer(nlohmann::detail::output_adapter<char>(out), ' ',
                                                  json::error_handler_t::replace);
    serializer.dump(value, /*pretty_print=*/false, /*ensure_ascii=*/false, /*indent_step=*/0);
}

// A string of ASCII text, written as nlohmann's serializer writes it (short escapes for the
// usual five, \u00xx for other control characters, DEL as it is). False when it holds a byte
// above 0x7F: UTF-8 is checked (and invalid bytes replaced) by the serializer.
bool appendAsciiString(std::string &out, std::string_view text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::size_t plain = 0;
    while (plain < text.size()) {
        const auto c = static_cast<unsigned char>(text[plain]);
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
            break;
        ++plain;
    }
    if (plain == text.size()) { // the common case: nothing to escape
        out.push_back('"');
        out.append(text);
        out.push_back('"');
        return true;
    }
    if (std::any_of(text.begin() + std::ptrdiff_t(plain), text.end(),
                    [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        return false;
    out.push_back('"');
    out.append(text.substr(0, plain));
    for (const char ch : text.substr(plain)) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (c < 0x20) {
                const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
                out.append(escape, sizeof escape);
            } else {
                out.push_back(ch);
            }
        }
    }
    out.push_back('"');
    return true;
}

template <typename Number> void appendNumber(std::string &out, Number number);

// Serialises straight into `out`, byte for byte as nlohmann's serializer (ensure_ascii off,
// invalid UTF-8 replaced), which it calls for what is rare on our wire: floats, non-ASCII
// strings, binary. Its own walk skips the serializer's per-byte UTF-8 decoding of ASCII text and
// the allocation of an output adapter per call, which made it most of an emit's encoding time.
void appendJson(std::string &out, const json &value)
{
    switch (value.type()) {
    case json::value_t::null:
        out.append("null");
        return;
    case json::value_t::boolean:
        out.append(value.get_ref<const json::boolean_t &>() ? "true" : "false");
        return;
    case json::value_t::number_integer:
        appendNumber(out, value.get_ref<const json::number_integer_t &>());
        return;
    case json::value_t::number_unsigned:
        appendNumber(out, value.get_ref<const json::number_unsigned_t &>());
        return;
    case json::value_t::string:
        if (!appendAsciiString(out, value.get_ref<const json::string_t &>()))
            appendJsonBySerializer(out, value);
        return;
    case json::value_t::array: {
        out.push_back('[');
        bool first = true;
        for (const auto &element : value.get_ref<const json::array_t &>()) {
            if (!first)
                out.push_back(',');
            first = false;
            appendJson(out, element);
        }
        out.push_back(']');
        return;
    }
    case json::value_t::object: {
        out.push_back('{');
        bool first = true;
        for (const auto &[key, member] : value.get_ref<const json::object_t &>()) {
            if (!first)
                out.push_back(',');
            first = false;
            if (!appendAsciiString(out, key))
                appendJsonBySerializer(out, json(key));
            out.push_back(':');
            appendJson(out, member);
        }
        out.push_back('}');
        return;
    }
    case json::value_t::number_float:
    case json::value_t::binary:
    case json::value_t::discarded:
        break;
    }
    appendJsonBySerializer(out, value);
}

template <typename Number> void appendNumber(std::string &out, Number number)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    out.append(buffer, result.ptr);
}

// ---- binary attachments ----

bool hasBinary(const json &value)
{
    switch (value.type()) {
    case json::value_t::binary:
        return true;
    case json::value_t::array:
    case json::value_t::object:
        for (const auto &child : value)
            if (hasBinary(child))
                return true;
        return false;
    default:
        return false;
    }
}

// Replaces binary values by numbered placeholders, depth first, as Node's deconstructPacket.
void extractBinary(json &value, std::vector<std::string> &attachments)
{
    if (value.is_binary()) {
        const auto &bytes = value.get_binary();
        attachments.emplace_back(bytes.begin(), bytes.end());
        value = json{{"_placeholder", true}, {"num", attachments.size() - 1}};
    } else if (value.is_structured()) {
        for (auto &child : value)
            extractBinary(child, attachments);
    }
}

bool isPlaceholder(const json &value)
{
    if (!value.is_object())
        return false;
    const auto flag = value.find("_placeholder");
    return flag != value.end() && flag->is_boolean() && flag->get<bool>();
}

// ---- header diagnosis ----

// Why the text after the header is not a payload, in terms of the header field that is wrong.
// Called only once JSON parsing failed, so valid payloads never pay for it.
std::optional<QString> diagnoseHeader(std::string_view text, std::size_t payloadStart,
                                      bool hadNamespace, bool hadId)
{
    const char c = text[payloadStart];
    if (c == '[' || c == '{' || c == '"' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
        return std::nullopt; // it is a payload, just not valid JSON
    if (hadId)
        return QStringLiteral("ack id is not a number: its digits are followed by %1")
            .arg(describeByte(c));
    const auto rest = text.substr(payloadStart);
    const auto comma = rest.find(',');
    if (!hadNamespace && comma != 0 && comma != std::string_view::npos
        && comma < rest.find_first_of("[{\""))
        return QStringLiteral("namespace must start with '/'");
    const bool idLike
        = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '+' || c == '.';
    if (idLike)
        return QStringLiteral("ack id is not a number: found %1").arg(describeByte(c));
    return QStringLiteral("expected an ack id or a JSON payload, found %1").arg(describeByte(c));
}

Result<void> validatePayload(PacketType type, const std::optional<json> &data)
{
    const QString name = typeName(type);
    switch (type) {
    case PacketType::Connect:
        if (data && !data->is_object())
            return fail(
                QStringLiteral("CONNECT payload must be an object (got %1)").arg(kindOf(*data)));
        break;
    case PacketType::Disconnect:
        break; // python's always_connect refusal carries a reason: accepted and kept
    case PacketType::ConnectError:
        if (data && !data->is_string() && !data->is_object())
            return fail(
                QStringLiteral("CONNECT_ERROR payload must be a string or an object (got %1)")
                    .arg(kindOf(*data)));
        break;
    case PacketType::Event:
    case PacketType::BinaryEvent: {
        if (!data || !data->is_array() || data->empty())
            return fail(QStringLiteral("%1 payload must be a non-empty array (got %2)")
                            .arg(name, data ? kindOf(*data) : QStringLiteral("nothing")));
        const json &eventName = data->front();
        if (!eventName.is_string() && !eventName.is_number())
            return fail(QStringLiteral("event name must be a string or a number (got %1)")
                            .arg(kindOf(eventName)));
        if (eventName.is_string()) {
            const auto &string = eventName.get_ref<const std::string &>();
            for (const auto reserved : kReservedEvents)
                if (string == reserved)
                    return fail(
                        QStringLiteral("'%1' is a reserved event name").arg(fromUtf8(string)));
        }
        break;
    }
    case PacketType::Ack:
    case PacketType::BinaryAck:
        if (data && !data->is_array())
            return fail(
                QStringLiteral("%1 payload must be an array (got %2)").arg(name, kindOf(*data)));
        break;
    }
    return {};
}

// Finds the placeholders of a binary packet, checking each `num` against the announced count.
Result<void> collectPlaceholders(json &value, int attachmentCount,
                                 std::vector<std::pair<json *, int>> &slots)
{
    if (isPlaceholder(value)) {
        const auto num = value.find("num");
        if (num == value.end())
            return fail(QStringLiteral("placeholder has no num"));
        if (!num->is_number_unsigned())
            return fail(QStringLiteral("placeholder num must be a non-negative integer (got %1)")
                            .arg(kindOf(*num)));
        const auto index = num->get<std::uint64_t>();
        if (index >= static_cast<std::uint64_t>(attachmentCount))
            return fail(QStringLiteral("placeholder num %1 is out of range: the packet has %2 "
                                       "attachment(s)")
                            .arg(index)
                            .arg(attachmentCount));
        slots.emplace_back(&value, static_cast<int>(index));
    } else if (value.is_structured()) {
        for (auto &child : value)
            if (auto result = collectPlaceholders(child, attachmentCount, slots); !result)
                return result;
    }
    return {};
}

} // namespace

// ---- Packet ----

Packet Packet::event(std::string nsp, nlohmann::json args, std::optional<std::uint64_t> id)
{
    return Packet{PacketType::Event, std::move(nsp), id, std::move(args)};
}

Packet Packet::ack(std::string nsp, std::uint64_t id, nlohmann::json args)
{
    return Packet{PacketType::Ack, std::move(nsp), id, std::move(args)};
}

Packet Packet::connect(std::string nsp, std::optional<nlohmann::json> auth)
{
    return Packet{PacketType::Connect, std::move(nsp), std::nullopt, std::move(auth)};
}

Packet Packet::disconnect(std::string nsp)
{
    return Packet{PacketType::Disconnect, std::move(nsp), std::nullopt, std::nullopt};
}

// ---- encoding ----

EncodedPacket encode(const Packet &packet)
{
    EncodedPacket encoded;
    PacketType type = packet.type;
    const bool eventOrAck = isEventType(type) || isAckType(type);
    const bool binary = eventOrAck && packet.data && hasBinary(*packet.data);
    if (eventOrAck) {
        if (isEventType(type))
            type = binary ? PacketType::BinaryEvent : PacketType::Event;
        else
            type = binary ? PacketType::BinaryAck : PacketType::Ack;
    }

    // Only binary packets pay for a copy of their data (to put placeholders in).
    json withPlaceholders;
    const json *data = packet.data ? &*packet.data : nullptr;
    if (binary) {
        withPlaceholders = *packet.data;
        extractBinary(withPlaceholders, encoded.attachments);
        data = &withPlaceholders;
    }

    std::string &text = encoded.text;
    text.reserve(16 + packet.nsp.size());
    text.push_back(static_cast<char>('0' + static_cast<int>(type)));
    if (binary) {
        appendNumber(text, encoded.attachments.size());
        text.push_back('-');
    }
    if (!packet.nsp.empty() && packet.nsp != "/") {
        text.append(packet.nsp);
        text.push_back(',');
    }
    if (packet.id)
        appendNumber(text, *packet.id);
    if (data) {
        // A bare number (only a lenient DISCONNECT carries one) would read back as the ack id.
        if (data->is_number())
            text.push_back(' ');
        appendJson(text, *data);
    }
    return encoded;
}

void appendJsonString(std::string &out, std::string_view text)
{
    if (!appendAsciiString(out, text))
        appendJsonBySerializer(out, json(std::string(text)));
}

bool appendEventText(std::string &out, std::string_view nsp, std::string_view name,
                     const json &args, std::optional<std::uint64_t> id)
{
    if (hasBinary(args))
        return false;
    out.push_back(static_cast<char>('0' + static_cast<int>(PacketType::Event)));
    if (!nsp.empty() && nsp != "/") {
        out.append(nsp);
        out.push_back(',');
    }
    if (id)
        appendNumber(out, *id);
    out.push_back('[');
    appendJsonString(out, name);
    if (args.is_array()) {
        for (const auto &arg : args) {
            out.push_back(',');
            appendJson(out, arg);
        }
    } else {
        out.push_back(',');
        appendJson(out, args);
    }
    out.push_back(']');
    return true;
}

// ---- decoding ----

Result<DecodedHeader> decodeText(std::string_view text)
{
    if (text.empty())
        return fail(QStringLiteral("empty Socket.IO packet"));
    if (text.front() < '0' || text.front() > '6')
        return fail(
            QStringLiteral("unknown Socket.IO packet type %1").arg(describeByte(text.front())));

    DecodedHeader header;
    Packet &packet = header.packet;
    packet.type = static_cast<PacketType>(text.front() - '0');
    std::size_t pos = 1;

    if (isBinaryType(packet.type)) {
        // Saturates above the limit, so that a huge digit string is neither overflowed nor
        // allowed to size anything.
        int count = 0;
        const std::size_t start = pos;
        for (; pos < text.size() && isDigit(text[pos]); ++pos)
            if (count <= kMaxAttachments)
                count = count * 10 + (text[pos] - '0');
        if (pos == start)
            return fail(
                QStringLiteral("%1 packet has no attachment count").arg(typeName(packet.type)));
        if (pos == text.size() || text[pos] != '-')
            return fail(QStringLiteral("attachment count of a %1 packet is not followed by '-'")
                            .arg(typeName(packet.type)));
        if (count > kMaxAttachments)
            return fail(QStringLiteral("too many attachments: more than %1").arg(kMaxAttachments));
        header.attachmentCount = count;
        ++pos;
    }

    // The namespace runs from '/' to the first ',' or to the end: "40/custom" is valid.
    const bool hadNamespace = pos < text.size() && text[pos] == '/';
    if (hadNamespace) {
        const std::size_t comma = text.find(',', pos);
        const std::size_t end = comma == std::string_view::npos ? text.size() : comma;
        std::string_view nsp = text.substr(pos, end - pos);
        if (const auto query = nsp.find('?'); query != std::string_view::npos)
            nsp = nsp.substr(0, query); // a v2-style "/ns?x=1", as python strips it
        packet.nsp.assign(nsp);
        pos = comma == std::string_view::npos ? text.size() : comma + 1;
    }

    const bool hadId = pos < text.size() && isDigit(text[pos]);
    if (hadId) {
        std::uint64_t id = 0;
        constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
        for (; pos < text.size() && isDigit(text[pos]); ++pos) {
            const auto digit = static_cast<std::uint64_t>(text[pos] - '0');
            if (id > (kMax - digit) / 10)
                return fail(QStringLiteral("ack id is too large: it overflows 64 bits"));
            id = id * 10 + digit;
        }
        packet.id = id;
    }

    if (pos < text.size()) {
        auto data = parseJson(text.substr(pos));
        if (!data) {
            if (auto wrongHeader = diagnoseHeader(text, pos, hadNamespace, hadId))
                return fail(*wrongHeader);
            return fail(QStringLiteral("invalid %1 payload: %2")
                            .arg(typeName(packet.type), data.error().message));
        }
        packet.data = std::move(*data);
    }

    if (auto valid = validatePayload(packet.type, packet.data); !valid)
        return valid.error();
    return header;
}

void Decoder::reset()
{
    m_pending.reset();
    m_slots.clear();
    m_received = 0;
}

Packet Decoder::complete()
{
    Packet packet = std::move(m_pending->packet);
    packet.type = isEventType(packet.type) ? PacketType::Event : PacketType::Ack;
    reset();
    return packet;
}

Result<std::optional<Packet>> Decoder::addText(std::string_view text)
{
    if (m_pending) {
        const int due = m_pending->attachmentCount - m_received;
        reset();
        return fail(
            QStringLiteral("text frame received while %1 binary attachment(s) were still due")
                .arg(due));
    }
    auto header = decodeText(text);
    if (!header)
        return header.error();
    if (!isBinaryType(header->packet.type))
        return std::optional<Packet>(std::move(header->packet));

    m_pending = std::move(*header);
    // Pointers into the pending data stay valid: it is not moved again until complete().
    if (m_pending->packet.data) {
        if (auto found
            = collectPlaceholders(*m_pending->packet.data, m_pending->attachmentCount, m_slots);
            !found) {
            reset();
            return found.error();
        }
    }
    if (m_pending->attachmentCount == 0)
        return std::optional<Packet>(complete());
    return std::optional<Packet>();
}

Result<std::optional<Packet>> Decoder::addBinary(std::string_view bytes)
{
    if (!m_pending)
        return fail(
            QStringLiteral("binary frame received with no BINARY_EVENT or BINARY_ACK pending"));
    const int num = m_received++;
    const auto *begin = reinterpret_cast<const std::uint8_t *>(bytes.data());
    for (const auto &[value, slotNum] : m_slots)
        if (slotNum == num)
            *value = json::binary(json::binary_t::container_type(begin, begin + bytes.size()));
    if (m_received == m_pending->attachmentCount)
        return std::optional<Packet>(complete());
    return std::optional<Packet>();
}

// ---- JSON ----

namespace {

// The JSON our wire carries almost always: objects, arrays, ASCII strings with short escapes,
// integers, literals. For that it builds the same value nlohmann's parser would (non-negative
// integers unsigned, a repeated key's last value kept) without its per-byte lexer and token
// buffer. Anything else (a byte above 0x7F, a \u escape, a fraction or exponent, an integer out
// of range, any syntax error) gives up, and nlohmann's parser decides: same values, same errors.
class CommonJsonParser
{
public:
    explicit CommonJsonParser(std::string_view text)
        : m_at(text.data())
        , m_end(text.data() + text.size())
    {}

    std::optional<json> parse()
    {
        json value;
        if (!parseValue(value, 0))
            return std::nullopt;
        skipSpace();
        if (m_at != m_end)
            return std::nullopt;
        return value;
    }

private:
    void skipSpace()
    {
        while (m_at != m_end && (*m_at == ' ' || *m_at == '\n' || *m_at == '\r' || *m_at == '\t'))
            ++m_at;
    }

    bool literal(std::string_view word)
    {
        if (std::size_t(m_end - m_at) < word.size() || std::string_view(m_at, word.size()) != word)
            return false;
        m_at += word.size();
        return true;
    }

    bool parseValue(json &out, int depth)
    {
        skipSpace();
        if (m_at == m_end)
            return false;
        switch (*m_at) {
        case '{':
            return parseObject(out, depth + 1);
        case '[':
            return parseArray(out, depth + 1);
        case '"': {
            std::string text;
            if (!parseString(text))
                return false;
            out = std::move(text);
            return true;
        }
        case 't':
            return literal("true") && (out = true, true);
        case 'f':
            return literal("false") && (out = false, true);
        case 'n':
            return literal("null") && (out = nullptr, true);
        default:
            return parseInteger(out);
        }
    }

    bool parseObject(json &out, int depth)
    {
        if (depth > kMaxJsonDepth)
            return false;
        ++m_at; // '{'
        out = json::object();
        auto &members = out.get_ref<json::object_t &>();
        skipSpace();
        if (m_at != m_end && *m_at == '}') {
            ++m_at;
            return true;
        }
        while (true) {
            skipSpace();
            std::string key;
            if (m_at == m_end || *m_at != '"' || !parseString(key))
                return false;
            skipSpace();
            if (m_at == m_end || *m_at != ':')
                return false;
            ++m_at;
            json member;
            if (!parseValue(member, depth))
                return false;
            members[std::move(key)] = std::move(member);
            skipSpace();
            if (m_at == m_end)
                return false;
            if (*m_at == '}') {
                ++m_at;
                return true;
            }
            if (*m_at++ != ',')
                return false;
        }
    }

    bool parseArray(json &out, int depth)
    {
        if (depth > kMaxJsonDepth)
            return false;
        ++m_at; // '['
        out = json::array();
        auto &elements = out.get_ref<json::array_t &>();
        skipSpace();
        if (m_at != m_end && *m_at == ']') {
            ++m_at;
            return true;
        }
        while (true) {
            elements.emplace_back();
            if (!parseValue(elements.back(), depth))
                return false;
            skipSpace();
            if (m_at == m_end)
                return false;
            if (*m_at == ']') {
                ++m_at;
                return true;
            }
            if (*m_at++ != ',')
                return false;
        }
    }

    bool parseString(std::string &out)
    {
        ++m_at; // '"'
        while (true) {
            const char *plain = m_at;
            while (m_at != m_end) {
                const auto c = static_cast<unsigned char>(*m_at);
                if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
                    break;
                ++m_at;
            }
            out.append(plain, std::size_t(m_at - plain));
            if (m_at == m_end)
                return false;
            const char c = *m_at++;
            if (c == '"')
                return true;
            if (c != '\\' || m_at == m_end)
                return false; // a control character, or UTF-8 for nlohmann to check
            switch (*m_at++) {
            case '"':
                out.push_back('"');
                break;
            case '\\':
                out.push_back('\\');
                break;
            case '/':
                out.push_back('/');
                break;
            case 'b':
                out.push_back('\b');
                break;
            case 'f':
                out.push_back('\f');
                break;
            case 'n':
                out.push_back('\n');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 't':
                out.push_back('\t');
                break;
            default:
                return false; // \u (surrogates, U+0000) and invalid escapes
            }
        }
    }

    bool parseInteger(json &out)
    {
        const char *start = m_at;
        const bool negative = *m_at == '-';
        const char *digits = negative ? m_at + 1 : m_at;
        const char *end = digits;
        while (end != m_end && *end >= '0' && *end <= '9')
            ++end;
        if (end == digits || (*digits == '0' && end - digits > 1))
            return false;
        if (end != m_end && (*end == '.' || *end == 'e' || *end == 'E'))
            return false; // a float: nlohmann's rounding
        if (negative) {
            json::number_integer_t value = 0;
            if (std::from_chars(start, end, value).ec != std::errc())
                return false;
            out = value;
        } else {
            json::number_unsigned_t value = 0;
            if (std::from_chars(start, end, value).ec != std::errc())
                return false;
            out = value;
        }
        m_at = end;
        return true;
    }

    const char *m_at;
    const char *m_end;
};

} // namespace

Result<nlohmann::json> parseJson(std::string_view text)
{
    const JsonScan scan = scanJson(text);
    if (scan.tooDeep)
        return fail(QStringLiteral("JSON is nested deeper than %1 levels").arg(kMaxJsonDepth));
    if (!scan.loneSurrogate)
        if (auto common = CommonJsonParser(text).parse())
            return std::move(*common);
    std::string rewritten;
    if (scan.loneSurrogate) {
        rewritten = replaceLoneSurrogates(text);
        text = rewritten;
    }
    try {
        return json::parse(text.data(), text.data() + text.size());
    } catch (const json::parse_error &error) {
        return fail(QStringLiteral("invalid JSON at byte %1: %2")
                        .arg(error.byte)
                        .arg(describeJsonError(error)));
    } catch (const json::exception &error) {
        return fail(QStringLiteral("invalid JSON: %1").arg(describeJsonError(error)));
    }
}

std::string dumpJson(const nlohmann::json &value)
{
    std::string out;
    appendJson(out, value);
    return out;
}

} // namespace ango::socketio
