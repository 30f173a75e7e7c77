#include "jsontext.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace ango::app {

namespace {

bool isUtf8Continuation(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// nlohmann's what() starts with "[json.exception.parse_error.101] parse error at line 1, column
// 9: " where the column counts bytes; keep only the reason and give our own position.
QString parseErrorReason(const char *what)
{
    const QString text = QString::fromUtf8(what);
    const qsizetype bracket = text.indexOf(u']');
    const qsizetype colon = text.indexOf(QStringLiteral(": "), bracket < 0 ? 0 : bracket);
    if (colon < 0)
        return text;
    return text.mid(colon + 2);
}

JsonCheck invalidAt(const QByteArray &utf8, std::size_t parserByte, const char *what)
{
    // parse_error::byte counts the characters read, so the offending byte is the one before it.
    const qsizetype offset = parserByte > 0 ? qsizetype(parserByte) - 1 : 0;
    JsonCheck check;
    check.valid = false;
    check.position = positionOfByte(utf8, offset);
    check.message = QStringLiteral("Line %1, column %2: %3")
                        .arg(check.position.line)
                        .arg(check.position.column)
                        .arg(parseErrorReason(what));
    return check;
}

struct Parsed
{
    nlohmann::ordered_json value;
    JsonCheck check;
};

Parsed parse(const QString &text)
{
    Parsed parsed;
    if (text.trimmed().isEmpty()) {
        parsed.check.empty = true;
        return parsed;
    }
    const QByteArray utf8 = text.toUtf8();
    try {
        parsed.value = nlohmann::ordered_json::parse(utf8.cbegin(), utf8.cend());
    } catch (const nlohmann::json::parse_error &error) {
        parsed.check = invalidAt(utf8, error.byte, error.what());
    } catch (const nlohmann::json::exception &error) {
        parsed.check.valid = false;
        parsed.check.message = QString::fromUtf8(error.what());
    }
    return parsed;
}

} // namespace

TextPosition positionOfByte(QByteArrayView utf8, qsizetype byteOffset)
{
    qsizetype end = std::clamp<qsizetype>(byteOffset, 0, utf8.size());
    // An offset inside a multi-byte character means that character.
    while (end > 0 && end < utf8.size() && isUtf8Continuation(utf8[end]))
        --end;
    TextPosition position;
    for (qsizetype i = 0; i < end; ++i) {
        const char c = utf8[i];
        if (c == '\n') {
            ++position.line;
            position.column = 1;
        } else if (!isUtf8Continuation(c)) {
            ++position.column;
        }
    }
    position.offset = int(QString::fromUtf8(utf8.first(end)).size());
    return position;
}

JsonCheck checkJsonText(const QString &text)
{
    return parse(text).check;
}

Result<QString> formatJsonText(const QString &text, int indent)
{
    Parsed parsed = parse(text);
    if (!parsed.check.valid)
        return Error::of(parsed.check.message);
    if (parsed.check.empty)
        return text;
    return QString::fromStdString(parsed.value.dump(indent));
}

Result<QString> minifyJsonText(const QString &text)
{
    Parsed parsed = parse(text);
    if (!parsed.check.valid)
        return Error::of(parsed.check.message);
    if (parsed.check.empty)
        return QString();
    return QString::fromStdString(parsed.value.dump());
}

} // namespace ango::app
