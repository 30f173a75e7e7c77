#include "compactjson.h"

#include <charconv>

namespace ango::app {

namespace {

void appendWithNlohmann(std::string &out, const nlohmann::json &value)
{
    nlohmann::detail::serializer<nlohmann::json> serializer(
        nlohmann::detail::output_adapter<char>(out), ' ', nlohmann::json::error_handler_t::replace);
    serializer.dump(value, false, false, 0);
}

// True when the string can be written between quotes as it is: printable ASCII without '"'
// and '\\'. Others (escapes, UTF-8 to validate) take the careful path.
bool isPlain(const std::string &text)
{
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x80 || byte == '"' || byte == '\\')
            return false;
    }
    return true;
}

void appendString(std::string &out, const std::string &text)
{
    if (isPlain(text)) {
        out += '"';
        out += text;
        out += '"';
        return;
    }
    appendWithNlohmann(out, nlohmann::json(text));
}

template <typename Int> void appendInteger(std::string &out, Int value)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

} // namespace

void appendCompactJson(std::string &out, const nlohmann::json &value)
{
    using Type = nlohmann::json::value_t;
    switch (value.type()) {
    case Type::object: {
        out += '{';
        bool first = true;
        for (const auto &[key, member] : value.get_ref<const nlohmann::json::object_t &>()) {
            if (!first)
                out += ',';
            first = false;
            appendString(out, key);
            out += ':';
            appendCompactJson(out, member);
        }
        out += '}';
        return;
    }
    case Type::array: {
        out += '[';
        bool first = true;
        for (const nlohmann::json &item : value) {
            if (!first)
                out += ',';
            first = false;
            appendCompactJson(out, item);
        }
        out += ']';
        return;
    }
    case Type::string:
        appendString(out, value.get_ref<const std::string &>());
        return;
    case Type::boolean:
        out += value.get<bool>() ? "true" : "false";
        return;
    case Type::null:
        out += "null";
        return;
    case Type::number_integer:
        appendInteger(out, value.get<std::int64_t>());
        return;
    case Type::number_unsigned:
        appendInteger(out, value.get<std::uint64_t>());
        return;
    case Type::number_float: // nlohmann's own format (e.g. "1.0"), kept identical
    case Type::binary:
    case Type::discarded:
        appendWithNlohmann(out, value);
        return;
    }
}

} // namespace ango::app
