#include "annotation/jsonwords.h"

#include <cmath>

namespace ango::annotation::detail {

namespace {
constexpr qsizetype kMaxQuotedChars = 40;
}

QString number(double value)
{
    return QString::number(value, 'g', 10);
}

QString quoted(const std::string &text)
{
    QString s = QString::fromStdString(text);
    if (s.size() > kMaxQuotedChars)
        s = s.left(kMaxQuotedChars) + u"...";
    return u'"' + s + u'"';
}

QString describe(const nlohmann::json &value)
{
    using T = nlohmann::json::value_t;
    switch (value.type()) {
    case T::null:
        return QStringLiteral("null");
    case T::boolean:
        return value.get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
    case T::number_integer:
    case T::number_unsigned:
    case T::number_float: {
        const double d = value.get<double>();
        if (std::isnan(d))
            return QStringLiteral("NaN (not a number)");
        if (std::isinf(d))
            return d > 0 ? QStringLiteral("infinity") : QStringLiteral("minus infinity");
        return u"the number " + number(d);
    }
    case T::string:
        return u"text " + quoted(value.get_ref<const std::string &>());
    case T::array:
        return value.empty() ? QStringLiteral("an empty list") : QStringLiteral("a list");
    case T::object:
        return QStringLiteral("an object");
    case T::binary:
        return QStringLiteral("binary data");
    case T::discarded:
        break;
    }
    return QStringLiteral("an unreadable value");
}

std::string member(const std::string &path, std::string_view key)
{
    if (path.empty())
        return std::string(key);
    std::string out = path;
    out += '.';
    out += key;
    return out;
}

std::string index(const std::string &path, std::size_t i)
{
    return path + '[' + std::to_string(i) + ']';
}

} // namespace ango::annotation::detail
