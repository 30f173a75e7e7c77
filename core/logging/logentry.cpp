#include "logging/logentry.h"

#include "common/jsonlimits.h"
#include "logging/redact.h"

#include <QStringList>

#include <array>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace ango::logging {

namespace {

constexpr std::array kLevelNames{u"debug", u"info", u"warning", u"error"};

std::string isoUtc(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs).toStdString();
}

void putText(json &out, const char *key, const QString &value)
{
    if (!value.isEmpty())
        out[key] = value.toStdString();
}

bool hasDetail(const json &detail)
{
    return !detail.is_null() && !(detail.is_structured() && detail.empty());
}

Error fieldError(const char *key, const char *expected, const json &value)
{
    return Error::of(QLatin1String(key) + u": must be " + QLatin1String(expected) + u", but it is "
                     + QString::fromUtf8(value.type_name()) + u'.');
}

std::optional<Error> readText(const json &in, const char *key, QString &out)
{
    const auto it = in.find(key);
    if (it == in.end() || it->is_null())
        return std::nullopt;
    if (!it->is_string())
        return fieldError(key, "text", *it);
    out = QString::fromStdString(it->get<std::string>());
    return std::nullopt;
}

template <typename Int> std::optional<Error> readInteger(const json &in, const char *key, Int &out)
{
    const auto it = in.find(key);
    if (it == in.end() || it->is_null())
        return std::nullopt;
    if (!it->is_number_integer())
        return fieldError(key, "a whole number", *it);
    if constexpr (std::is_unsigned_v<Int>) {
        if (it->is_number_integer() && !it->is_number_unsigned())
            return fieldError(key, "a whole number not below 0", *it);
    }
    out = it->get<Int>();
    return std::nullopt;
}

// One line stays one line: a multi-line message would look like several entries. Other control
// characters (ESC, NUL, DEL, C1) are shown as \xNN: from a request path or a callback's output
// they could otherwise move the cursor, recolour or rewrite the terminal the log is read on.
QString singleLine(QString text)
{
    text.replace(u"\r\n"_s, u"\\n"_s);
    const auto isControl
        = [](char16_t c) { return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f); };
    if (std::none_of(text.cbegin(), text.cend(), [&](QChar c) { return isControl(c.unicode()); }))
        return text;
    QString out;
    out.reserve(text.size() + 16);
    for (const QChar c : std::as_const(text)) {
        const char16_t u = c.unicode();
        if (u == u'\n' || u == u'\r')
            out += u"\\n"_s;
        else if (u == u'\t')
            out += u"\\t"_s;
        else if (isControl(u))
            out += u"\\x"_s + QString::number(u, 16).rightJustified(2, u'0');
        else
            out += c;
    }
    return out;
}

// A detail nested deeper than the limit would overflow the stack of dump() and of copies.
json safeDetail(const json &detail)
{
    if (jsonDepth(detail) > kDefaultJsonMaxDepth)
        return json(u"(detail nested deeper than %1 levels, not shown)"_s.arg(kDefaultJsonMaxDepth)
                        .toStdString());
    return detail;
}

} // namespace

QString levelName(Level level)
{
    return QString::fromUtf16(kLevelNames[std::size_t(level)]);
}

std::optional<Level> levelFromName(QStringView name)
{
    for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
        if (name.compare(QStringView(kLevelNames[i]), Qt::CaseInsensitive) == 0)
            return Level(i);
    }
    return std::nullopt;
}

json toJson(const LogEntry &entry)
{
    json out = json::object();
    out["id"] = entry.id;
    if (entry.time.isValid())
        out["time"] = isoUtc(entry.time);
    out["level"] = levelName(entry.level).toStdString();
    putText(out, "category", entry.category);
    putText(out, "direction", entry.direction);
    putText(out, "kind", entry.kind);
    putText(out, "session", entry.session);
    putText(out, "status", entry.status);
    if (entry.durationMs >= 0)
        out["durationMs"] = entry.durationMs;
    if (entry.sizeBytes >= 0)
        out["sizeBytes"] = entry.sizeBytes;
    putText(out, "message", entry.message);
    if (hasDetail(entry.detail))
        out["detail"] = safeDetail(entry.detail);
    return out;
}

Result<LogEntry> logEntryFromJson(const json &in)
{
    if (!in.is_object())
        return Error::of(u"A log entry must be a JSON object, but it is "
                         + QString::fromUtf8(in.type_name()) + u'.');
    LogEntry entry;
    QString time;
    QString level;
    for (auto error :
         {readInteger(in, "id", entry.id), readText(in, "time", time), readText(in, "level", level),
          readText(in, "category", entry.category), readText(in, "direction", entry.direction),
          readText(in, "kind", entry.kind), readText(in, "session", entry.session),
          readText(in, "status", entry.status), readInteger(in, "durationMs", entry.durationMs),
          readInteger(in, "sizeBytes", entry.sizeBytes), readText(in, "message", entry.message)}) {
        if (error)
            return *error;
    }
    if (!time.isEmpty()) {
        entry.time = QDateTime::fromString(time, Qt::ISODateWithMs);
        if (!entry.time.isValid())
            return Error::of(u"time: \"" + time + u"\" is not an ISO-8601 date and time.");
    }
    if (!level.isEmpty()) {
        const auto parsed = levelFromName(level);
        if (!parsed)
            return Error::of(u"level: \"" + level
                             + u"\" is not one of debug, info, warning, error.");
        entry.level = *parsed;
    }
    if (const auto detail = in.find("detail"); detail != in.end())
        entry.detail = *detail;
    return entry;
}

QByteArray toJsonLine(const LogEntry &entry)
{
    // Text from plugins may hold bytes that are not UTF-8; an export must not fail on them.
    std::string line = toJson(entry).dump(-1, ' ', false, json::error_handler_t::replace);
    line += '\n';
    return QByteArray::fromStdString(line);
}

QString formatText(const LogEntry &entry)
{
    QStringList parts;
    parts << (entry.time.isValid() ? QString::fromStdString(isoUtc(entry.time))
                                   : QStringLiteral("-"));
    parts << levelName(entry.level).toUpper();
    for (const QString *text : {&entry.category, &entry.direction, &entry.kind}) {
        if (!text->isEmpty())
            parts << singleLine(*text);
    }
    if (!entry.session.isEmpty())
        parts << u"session=" + singleLine(entry.session);
    if (!entry.status.isEmpty())
        parts << singleLine(entry.status);
    if (entry.durationMs >= 0)
        parts << QString::number(entry.durationMs) + u" ms";
    if (entry.sizeBytes >= 0)
        parts << QString::number(entry.sizeBytes) + u" B";

    QString line = parts.join(u' ');
    if (!entry.message.isEmpty())
        line += u": " + singleLine(entry.message);
    if (hasDetail(entry.detail))
        line += u' '
                + QString::fromStdString(
                    safeDetail(entry.detail).dump(-1, ' ', false, json::error_handler_t::replace));
    return line;
}

LogEntry redactEntry(const Redactor &redactor, LogEntry entry)
{
    for (QString *text : {&entry.category, &entry.direction, &entry.kind, &entry.session,
                          &entry.status, &entry.message})
        *text = redactor.redact(std::move(*text));
    entry.detail = redactor.redact(std::move(entry.detail));
    return entry;
}

} // namespace ango::logging
