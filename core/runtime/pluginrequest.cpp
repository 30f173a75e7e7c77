#include "runtime/pluginrequest.h"

#include <algorithm>

namespace ango::runtime {

namespace {

QString describeType(const nlohmann::json &value)
{
    return QString::fromUtf8(value.type_name());
}

// Ids arrive as strings; a number is accepted as its decimal text, anything else is absent.
QString idText(const nlohmann::json &payload, const char *key)
{
    const auto it = payload.find(key);
    if (it == payload.end())
        return {};
    if (it->is_string())
        return QString::fromStdString(it->get<std::string>());
    if (it->is_number())
        return QString::fromStdString(it->dump());
    return {};
}

// The number of UTF-8 code points in the first `bytes` bytes (continuation bytes do not count).
qsizetype codePoints(const std::string &text, std::size_t from, std::size_t to)
{
    qsizetype count = 0;
    for (std::size_t i = from; i < to && i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
            ++count;
    }
    return count;
}

} // namespace

bool isTruthy(const nlohmann::json &value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
        return false;
    case nlohmann::json::value_t::boolean:
        return value.get<bool>();
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
        return value.get<double>() != 0.0;
    case nlohmann::json::value_t::string:
        return !value.get_ref<const std::string &>().empty();
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::object:
    case nlohmann::json::value_t::binary:
        return !value.empty();
    }
    return false;
}

Result<nlohmann::json> parseJsonText(const std::string &text, const QString &what)
{
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        // e.byte is 1-based and points at the character that could not be read.
        const std::size_t faultByte
            = e.byte == 0 ? 0 : std::min<std::size_t>(e.byte - 1, text.size());
        const std::size_t lineStart = faultByte == 0 ? 0 : text.rfind('\n', faultByte - 1);
        const std::size_t lineBegin
            = lineStart == std::string::npos || faultByte == 0 ? 0 : lineStart + 1;
        const qsizetype line
            = 1 + qsizetype(std::count(text.begin(), text.begin() + qsizetype(faultByte), '\n'));
        const qsizetype column = 1 + codePoints(text, lineBegin, faultByte);
        const qsizetype character = 1 + codePoints(text, 0, faultByte);
        // nlohmann's text is "[json.exception.parse_error.101] parse error at line L, column C:
        // <reason>"; keep only the reason, the position is given in characters above.
        QString reason = QString::fromUtf8(e.what());
        if (const qsizetype colon
            = reason.indexOf(QLatin1String(": "), reason.indexOf(QLatin1String("column")));
            colon >= 0)
            reason = reason.mid(colon + 2);
        return makeError(
            QStringLiteral("%1 is not valid JSON at line %2, column %3 (character %4): %5")
                .arg(what)
                .arg(line)
                .arg(column)
                .arg(character)
                .arg(reason));
    } catch (const nlohmann::json::exception &e) {
        return makeError(
            QStringLiteral("%1 is not valid JSON: %2").arg(what, QString::fromUtf8(e.what())));
    }
}

Result<PluginRequest> parsePluginRequest(const nlohmann::json &payload)
{
    if (!payload.is_object())
        return makeError(
            QStringLiteral("the plugin payload is a JSON %1, not an object; there is no "
                           "session to answer, so it is dropped")
                .arg(describeType(payload)));
    const auto session = payload.find("session");
    if (session == payload.end() || session->is_null())
        return makeError(QStringLiteral("the plugin payload has no \"session\"; there is nobody to "
                                        "answer, so it is dropped"));
    PluginRequest request;
    if (session->is_string())
        request.session = QString::fromStdString(session->get<std::string>());
    else if (session->is_number())
        request.session = QString::fromStdString(session->dump());
    else
        return makeError(
            QStringLiteral("the plugin payload's \"session\" is a JSON %1, not a string; it "
                           "is dropped")
                .arg(describeType(*session)));
    if (request.session.isEmpty())
        return makeError(
            QStringLiteral("the plugin payload's \"session\" is empty; it is dropped"));
    request.sessionValue = *session;

    request.payload = payload;
    request.projectId = idText(payload, "projectId");
    request.assetId = idText(payload, "assetId");
    request.dataUrl = idText(payload, "dataURL");
    request.apiKey = idText(payload, "apiKey");
    request.orgId = idText(payload, "orgId");
    request.runBy = idText(payload, "runBy");
    request.taskId = idText(payload, "taskId");
    request.workflow = isTruthy(payload.value("workflow", nlohmann::json()));
    if (const auto overwrite = payload.find("overwrite"); overwrite != payload.end())
        request.overwrite = isTruthy(*overwrite);

    if (const auto schema = payload.find("categorySchema"); schema != payload.end()) {
        if (schema->is_array() || schema->is_null())
            request.categorySchema = *schema;
        else
            request.warnings << QStringLiteral(
                                    "categorySchema is a JSON %1, not a list; treated as no "
                                    "class mapping")
                                    .arg(describeType(*schema));
    }

    // The SDK gives the callback "batches"; older hubs send "tags".
    if (const auto batches = payload.find("batches");
        batches != payload.end() && !batches->is_null())
        request.batches = *batches;
    else if (const auto tags = payload.find("tags"); tags != payload.end() && !tags->is_null())
        request.batches = *tags;
    request.payload["batches"] = request.batches;

    if (const auto config = payload.find("configJSON"); config != payload.end()) {
        if (config->is_string()) {
            const std::string &text = config->get_ref<const std::string &>();
            if (!text.empty()) {
                auto parsed = parseJsonText(text, QStringLiteral("configJSON"));
                if (parsed)
                    request.config = std::move(parsed.value());
                else
                    request.errors << parsed.error().message;
            }
        } else if (config->is_object() || config->is_array()) {
            request.config = *config; // already decoded by whoever sent it
        } else if (!config->is_null()) {
            request.errors << QStringLiteral(
                                  "configJSON is a JSON %1; expected a string holding JSON")
                                  .arg(describeType(*config));
        }
    }

    if (request.workflow && request.taskId.isEmpty())
        request.errors << QStringLiteral(
            "a workflow run needs a taskId to annotate, and this payload "
            "has none");
    return request;
}

} // namespace ango::runtime
