#include "logging/redact.h"

#include <algorithm>
#include <array>

using nlohmann::json;

namespace ango::logging {

namespace {

constexpr qsizetype kMaskRevealFrom = 8;
constexpr qsizetype kRevealedChars = 4;

const QString kMasked = QStringLiteral("***");

// "[aA]" for a hex letter, so %2f and %2F both match.
QString hexDigitPattern(int digit)
{
    const QChar upper = QChar(u"0123456789ABCDEF"[digit]);
    if (digit < 10)
        return QString(upper);
    return u'[' + QString(upper) + upper.toLower() + u']';
}

QString hexPattern(unsigned value, int digits)
{
    QString out;
    for (int i = digits - 1; i >= 0; --i)
        out += hexDigitPattern(int((value >> (4 * i)) & 0xF));
    return out;
}

// Every way one character of a secret shows up in logs: as itself, percent-encoded (also twice,
// as when an encoded URL is encoded again), '+' for a space in a query string, and JSON-escaped
// with any number of backslashes (JSON inside a JSON string, as configJSON is).
QString characterPattern(char32_t codePoint)
{
    const QString character = QString::fromUcs4(&codePoint, 1);
    QStringList forms{QRegularExpression::escape(character)};

    QString percent;
    QString percentTwice;
    for (const char byte : character.toUtf8()) {
        const QString hex = hexPattern(static_cast<unsigned char>(byte), 2);
        percent += u'%' + hex;
        percentTwice += u"%25" + hex;
    }
    forms << percent << percentTwice;

    QString unicodeEscape;
    for (const QChar unit : character)
        unicodeEscape += u"\\\\+u" + hexPattern(unit.unicode(), 4);
    forms << unicodeEscape;

    switch (codePoint) {
    case U' ':
        forms << QStringLiteral("\\+");
        break;
    case U'"':
        forms << QStringLiteral("\\\\+\"");
        break;
    case U'\\':
        forms << QStringLiteral("\\\\{2,}");
        break;
    case U'/':
        forms << QStringLiteral("\\\\+/");
        break;
    case U'\b':
        forms << QStringLiteral("\\\\+b");
        break;
    case U'\f':
        forms << QStringLiteral("\\\\+f");
        break;
    case U'\n':
        forms << QStringLiteral("\\\\+n");
        break;
    case U'\r':
        forms << QStringLiteral("\\\\+r");
        break;
    case U'\t':
        forms << QStringLiteral("\\\\+t");
        break;
    default:
        break;
    }
    return u"(?:" + forms.join(u'|') + u')';
}

QRegularExpression secretPattern(const QString &secret)
{
    QString pattern;
    for (const char32_t codePoint : secret.toUcs4())
        pattern += characterPattern(codePoint);
    QRegularExpression regex(pattern);
    regex.optimize();
    return regex;
}

// key=value in query strings, "key: value" in headers, "key": "value" in JSON text (also with
// escaped quotes), for names that end like a secret. Values already masked are left alone, so
// redacting twice changes nothing.
const QRegularExpression &keyValuePattern()
{
    static const QRegularExpression regex(
        QStringLiteral(
            R"((?i)(\b[\w.-]*?(?:api[-_]?keys?|secrets?|passwords?|passwd|token|authorization|cookie))"
            R"((?:\\*["'])?\s*[:=]\s*(?:\\*["'])?(?:(?:bearer|basic|token)\s+)?+))"
            R"((?!\*\*\*[^\s"'\\&,;}\]<>]{0,4}(?![^\s"'\\&,;}\]<>]))(?!(?:null|true|false)\b))"
            R"(([^\s"'\\&,;}\]<>]+))"),
        QRegularExpression::UseUnicodePropertiesOption);
    return regex;
}

QString redactKeyValues(const QString &text)
{
    if (!text.contains(u'=') && !text.contains(u':'))
        return text;
    QString out;
    qsizetype copied = 0;
    auto it = keyValuePattern().globalMatch(text);
    while (it.hasNext()) {
        const auto match = it.next();
        out += QStringView(text).mid(copied, match.capturedStart(2) - copied);
        out += mask(match.captured(2));
        copied = match.capturedEnd(2);
    }
    if (copied == 0)
        return text;
    out += QStringView(text).mid(copied);
    return out;
}

struct Hit
{
    qsizetype start;
    qsizetype end;
    const QString *secret; // null once overlapping hits were merged
};

// What mask() makes: "***" and at most 4 characters. Masking it again would lose the hint.
bool isMasked(const QString &text)
{
    return text.startsWith(kMasked) && text.size() <= kMasked.size() + kRevealedChars;
}

json maskedValue(const json &value)
{
    if (value.is_null())
        return value;
    if (value.is_string()) {
        const auto &text = value.get_ref<const std::string &>();
        const QString string = QString::fromStdString(text);
        return text.empty() || isMasked(string) ? value : json(mask(string).toStdString());
    }
    return json(kMasked.toStdString());
}

} // namespace

QString mask(const QString &secret)
{
    if (secret.size() < kMaskRevealFrom)
        return kMasked;
    QString tail = secret.right(kRevealedChars);
    if (tail.front().isLowSurrogate())
        tail.remove(0, 1); // never half a character
    return kMasked + tail;
}

bool isSecretKey(QStringView key)
{
    QString name;
    for (const QChar c : key) {
        if (c.isLetterOrNumber())
            name += c.toLower();
    }
    // Suffixes catch pluginSecret, accessToken, Set-Cookie; "tokens" (a count) stays readable.
    static const std::array suffixes{u"apikey",   u"apikeys",      u"secret", u"secrets",
                                     u"password", u"passwords",    u"passwd", u"token",
                                     u"cookie",   u"authorization"};
    return std::any_of(suffixes.begin(), suffixes.end(),
                       [&](const char16_t *suffix) { return name.endsWith(suffix); });
}

void Redactor::addSecret(const QString &secret)
{
    if (secret.size() < kMinSecretLength || m_secrets.contains(secret))
        return;
    m_secrets << secret;
    rebuildPatterns();
}

void Redactor::removeSecret(const QString &secret)
{
    if (m_secrets.removeAll(secret) > 0)
        rebuildPatterns();
}

void Redactor::rebuildPatterns()
{
    m_patterns.clear();
    for (const QString &secret : std::as_const(m_secrets))
        m_patterns.push_back(Pattern{secret, secretPattern(secret)});
    std::stable_sort(m_patterns.begin(), m_patterns.end(), [](const Pattern &a, const Pattern &b) {
        return a.secret.size() > b.secret.size();
    });
}

// Finds every occurrence of every secret first, overlapping ones included, and masks the union:
// replacing one secret after the other could leave part of an overlapping one in the clear.
QString Redactor::redactSecrets(const QString &text) const
{
    std::vector<Hit> hits;
    for (const Pattern &pattern : m_patterns) {
        qsizetype from = 0;
        while (from < text.size()) {
            const auto match = pattern.regex.match(text, from);
            if (!match.hasMatch())
                break;
            hits.push_back(Hit{match.capturedStart(), match.capturedEnd(), &pattern.secret});
            from = match.capturedStart() + 1;
        }
    }
    if (hits.empty())
        return text;

    std::sort(hits.begin(), hits.end(), [](const Hit &a, const Hit &b) {
        return a.start < b.start || (a.start == b.start && a.end > b.end);
    });
    std::vector<Hit> merged{hits.front()};
    for (auto hit = hits.begin() + 1; hit != hits.end(); ++hit) {
        Hit &last = merged.back();
        if (hit->start >= last.end) {
            merged.push_back(*hit);
        } else if (hit->end > last.end || hit->secret != last.secret) {
            // Where secrets overlap, even the last characters of one would tell part of another.
            last.end = std::max(last.end, hit->end);
            last.secret = nullptr;
        }
    }

    QString out;
    qsizetype copied = 0;
    for (const Hit &hit : merged) {
        out += QStringView(text).mid(copied, hit.start - copied);
        out += hit.secret ? mask(*hit.secret) : kMasked;
        copied = hit.end;
    }
    out += QStringView(text).mid(copied);
    return out;
}

QString Redactor::redact(QString text) const
{
    return redactKeyValues(redactSecrets(text));
}

json Redactor::redactString(const std::string &text) const
{
    // configJSON and similar fields hold JSON as text: redact its structure, secret keys included.
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (text[first] == '{' || text[first] == '[')) {
        const json parsed = json::parse(text, nullptr, false);
        if (!parsed.is_discarded()) {
            json redacted = redact(parsed);
            if (redacted != parsed)
                return redacted.dump(-1, ' ', false, json::error_handler_t::replace);
        }
    }
    const QString original = QString::fromStdString(text);
    const QString redacted = redact(original);
    if (redacted == original)
        return text; // keeps bytes that are not valid UTF-8 as they were
    return redacted.toStdString();
}

json Redactor::redact(json value) const
{
    switch (value.type()) {
    case json::value_t::object: {
        json out = json::object();
        for (auto item = value.begin(); item != value.end(); ++item) {
            const QString name = QString::fromStdString(item.key());
            const QString redactedName = redactSecrets(name);
            const std::string key = redactedName == name ? item.key() : redactedName.toStdString();
            out[key] = isSecretKey(name) ? maskedValue(*item) : redact(std::move(*item));
        }
        return out;
    }
    case json::value_t::array:
        for (json &item : value)
            item = redact(std::move(item));
        return value;
    case json::value_t::string:
        return redactString(value.get_ref<const std::string &>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: {
        // A numeric PIN registered as a secret can arrive as a JSON number.
        if (m_patterns.empty())
            return value;
        const QString digits = QString::fromStdString(value.dump());
        const QString redacted = redactSecrets(digits);
        return redacted == digits ? value : json(redacted.toStdString());
    }
    default:
        return value;
    }
}

} // namespace ango::logging
