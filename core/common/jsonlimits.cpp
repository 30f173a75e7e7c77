#include "common/jsonlimits.h"

#include <QStringList>

#include <vector>

using nlohmann::json;

namespace ango {

namespace {

constexpr int kPathComponentsShown = 8;

// One level of an iterative walk: a container and the position of the next child to visit.
struct Frame
{
    const json *container;
    json::const_iterator next;
};

QString describePath(const std::vector<Frame> &stack)
{
    QStringList parts;
    for (const Frame &frame : stack) {
        if (parts.size() == kPathComponentsShown) {
            parts << QStringLiteral("…");
            break;
        }
        // `next` already moved past the child being visited.
        auto child = std::prev(frame.next);
        if (frame.container->is_object())
            parts << QString::fromStdString(child.key());
        else
            parts << QString::number(std::distance(frame.container->cbegin(), child));
    }
    return QLatin1Char('/') + parts.join(QLatin1Char('/'));
}

qint64 scalarDumpSize(const json &value)
{
    switch (value.type()) {
    case json::value_t::null:
        return 4;
    case json::value_t::boolean:
        return value.get<bool>() ? 4 : 5;
    case json::value_t::string:
        return qint64(value.get_ref<const std::string &>().size()) + 2;
    case json::value_t::binary:
        return qint64(value.get_binary().size()) * 4;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return qint64(value.dump().size()); // a scalar: dump() does not recurse
    case json::value_t::number_float:
        return 24; // the widest shortest round-trip form of a double
    default:
        return 0;
    }
}

} // namespace

qint64 jsonTextTooDeepAt(std::string_view text, int maxDepth)
{
    int depth = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i; // the escaped character cannot end the string
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            break;
        case '[':
        case '{':
            if (++depth > maxDepth)
                return qint64(i);
            break;
        case ']':
        case '}':
            depth = std::max(0, depth - 1);
            break;
        default:
            break;
        }
    }
    return -1;
}

Result<json> parseJsonLimited(std::string_view text, const QString &what, JsonLimits limits)
{
    if (limits.maxBytes > 0 && qint64(text.size()) > limits.maxBytes)
        return makeError(QStringLiteral("%1: %2 bytes of JSON, more than the limit of %3 bytes")
                             .arg(what)
                             .arg(qint64(text.size()))
                             .arg(limits.maxBytes));
    if (const qint64 at = jsonTextTooDeepAt(text, limits.maxDepth); at >= 0)
        return makeError(QStringLiteral("%1: JSON nested deeper than %2 levels at byte %3")
                             .arg(what)
                             .arg(limits.maxDepth)
                             .arg(at));
    try {
        return json::parse(text);
    } catch (const json::exception &e) {
        return makeError(
            QStringLiteral("%1: not valid JSON: %2").arg(what, QString::fromUtf8(e.what())));
    }
}

int jsonDepth(const json &value, int stopAfter)
{
    if (!value.is_structured())
        return 0;
    std::vector<Frame> stack{{&value, value.cbegin()}};
    int deepest = 1;
    while (!stack.empty()) {
        Frame &top = stack.back();
        if (top.next == top.container->cend()) {
            stack.pop_back();
            continue;
        }
        const json &child = *top.next++;
        if (!child.is_structured() || child.empty()) {
            deepest = std::max(deepest, int(stack.size()) + (child.is_structured() ? 1 : 0));
            continue;
        }
        stack.push_back({&child, child.cbegin()});
        deepest = std::max(deepest, int(stack.size()));
        if (deepest > stopAfter)
            return deepest;
    }
    return deepest;
}

Result<void> checkJsonDepth(const json &value, const QString &what, int maxDepth)
{
    if (!value.is_structured())
        return {};
    if (maxDepth < 1)
        return makeError(
            QStringLiteral("%1: nested deeper than %2 levels").arg(what).arg(maxDepth));
    std::vector<Frame> stack{{&value, value.cbegin()}};
    while (!stack.empty()) {
        Frame &top = stack.back();
        if (top.next == top.container->cend()) {
            stack.pop_back();
            continue;
        }
        const json &child = *top.next++;
        if (!child.is_structured())
            continue;
        if (int(stack.size()) + 1 > maxDepth)
            return makeError(QStringLiteral("%1: nested deeper than %2 levels at %3")
                                 .arg(what)
                                 .arg(maxDepth)
                                 .arg(describePath(stack)));
        stack.push_back({&child, child.cbegin()});
    }
    return {};
}

qint64 jsonDumpSize(const json &value, qint64 stopAfter)
{
    if (!value.is_structured())
        return scalarDumpSize(value);
    qint64 size = 2; // the brackets of the root
    std::vector<Frame> stack{{&value, value.cbegin()}};
    while (!stack.empty() && size <= stopAfter) {
        Frame &top = stack.back();
        if (top.next == top.container->cend()) {
            stack.pop_back();
            continue;
        }
        if (top.next != top.container->cbegin())
            ++size; // ','
        if (top.container->is_object())
            size += qint64(top.next.key().size()) + 3; // "key":
        const json &child = *top.next++;
        if (child.is_structured()) {
            size += 2;
            stack.push_back({&child, child.cbegin()});
        } else {
            size += scalarDumpSize(child);
        }
    }
    return size;
}

} // namespace ango
