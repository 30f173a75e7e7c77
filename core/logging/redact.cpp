#include "logging/redact.h"

#include "common/jsonlimits.h"

#include <QRegularExpression>

#include <algorithm>
#include <array>
#include <limits>
#include <optional>

using nlohmann::json;

namespace ango::logging {

namespace {

constexpr qsizetype kMaskRevealFrom = 8;
constexpr qsizetype kRevealedChars = 4;

const QString kMasked = QStringLiteral("***");

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

// What the escaping of JSON puts after a backslash, and the character it stands for.
std::optional<char16_t> jsonEscapeOf(QChar c)
{
    switch (c.unicode()) {
    case u'"':
        return u'"';
    case u'/':
        return u'/';
    case u'b':
        return u'\b';
    case u'f':
        return u'\f';
    case u'n':
        return u'\n';
    case u'r':
        return u'\r';
    case u't':
        return u'\t';
    default:
        return std::nullopt;
    }
}

// Text with every encoding the redactor knows undone ('+' and ' ' made one, as a query string
// makes them), one unit per decoded UTF-16 unit, each
// with the span of the original text it came from. A secret is found by searching its own
// canonical form in it, literally: no pattern is ever built from a secret.
struct Canonical
{
    QString text;
    // Original start and end of each unit; 32 bits keep a 4 MB text at 32 MB of offsets.
    std::vector<qint32> from;
    std::vector<qint32> to;
};

// At `i`: percent-encoded, also repeatedly (%2541 is %41 is 'A'). The byte, and where it ends.
std::optional<std::pair<unsigned char, qsizetype>> percentByte(QStringView text, qsizetype i)
{
    if (text.at(i) != u'%')
        return std::nullopt;
    qsizetype j = i + 1;
    // "%25" before the hex digits: the '%' itself was encoded again.
    while (j + 3 < text.size() && text.at(j) == u'2' && text.at(j + 1) == u'5'
           && hexValue(text.at(j + 2)) >= 0 && hexValue(text.at(j + 3)) >= 0)
        j += 2;
    if (j + 1 >= text.size() || hexValue(text.at(j)) < 0 || hexValue(text.at(j + 1)) < 0)
        return std::nullopt;
    return std::pair{
        static_cast<unsigned char>(hexValue(text.at(j)) * 16 + hexValue(text.at(j + 1))), j + 2};
}

// One percent-encoded character at `i` (its UTF-8 bytes each %XX, maybe encoded again): the
// decoded UTF-16 units and the end of the token; else the character itself.
qsizetype decodePercent(QStringView text, qsizetype i, QString &units)
{
    if (const auto first = percentByte(text, i)) {
        const unsigned char lead = first->first;
        const int continuation = lead < 0x80    ? 0
                                 : lead >= 0xF0 ? 3
                                 : lead >= 0xE0 ? 2
                                 : lead >= 0xC0 ? 1
                                                : -1;
        QByteArray bytes(1, char(lead));
        qsizetype end = first->second;
        for (int k = 0; k < continuation; ++k) {
            const auto next = end < text.size() ? percentByte(text, end) : std::nullopt;
            if (!next || (next->first & 0xC0) != 0x80) {
                bytes.clear();
                break;
            }
            bytes.append(char(next->first));
            end = next->second;
        }
        if (continuation >= 0 && !bytes.isEmpty()) {
            units = QString::fromUtf8(bytes);
            return end;
        }
        // Not UTF-8: the '%' with all its "25" layers, then the hex digits as they are, as the
        // raw text decodes ("%2525C3x" and "%25C3x" are "%C3x").
        units = QStringLiteral("%");
        return first->second - 2;
    }
    units = QString(text.at(i));
    return i + 1;
}

// One JSON escape at `i`, escaped any number of times (\\n is \n is a line break): the
// character it stands for and the end of the token; else the character itself.
qsizetype decodeEscape(QStringView text, qsizetype i, QString &units)
{
    if (text.at(i) != u'\\') {
        units = QString(text.at(i));
        return i + 1;
    }
    qsizetype j = i;
    while (j < text.size() && text.at(j) == u'\\')
        ++j;
    const qsizetype run = j - i;
    if (j < text.size()) {
        if (text.at(j) == u'u' && j + 4 < text.size()) {
            int value = 0;
            bool hex = true;
            for (int k = 1; k <= 4; ++k) {
                const int digit = hexValue(text.at(j + k));
                hex = hex && digit >= 0;
                value = value * 16 + digit;
            }
            if (hex) {
                units = QString(QChar(char16_t(value)));
                return j + 5;
            }
        }
        // An even run before '"' is escaped backslashes and then the end of a JSON string:
        // `"…\\"` holds a backslash, not a quote.
        const bool endsString = text.at(j) == u'"' && run % 2 == 0;
        if (const auto escaped = jsonEscapeOf(text.at(j)); escaped && !endsString) {
            units = QString(QChar(*escaped));
            return j + 1;
        }
    }
    // A backslash escaped any number of times is one backslash.
    units = QStringLiteral("\\");
    return run >= 2 ? j : i + 1;
}

// One pass of `decode` over `in`, the offsets carried through to the original text.
template <typename Decode>
Canonical decodePass(const Canonical &in, bool withOffsets, Decode decode, bool foldPlus)
{
    Canonical out;
    out.text.reserve(in.text.size());
    if (withOffsets) {
        out.from.reserve(in.from.size());
        out.to.reserve(in.to.size());
    }
    QString units;
    for (qsizetype i = 0; i < in.text.size();) {
        const qsizetype end = decode(QStringView(in.text), i, units);
        for (const QChar unit : std::as_const(units)) {
            out.text += foldPlus && unit == u'+' ? QChar(u' ') : unit;
            if (withOffsets) {
                out.from.push_back(in.from[size_t(i)]);
                out.to.push_back(in.to[size_t(end - 1)]);
            }
        }
        i = end;
    }
    return out;
}

// Percent-decoding first, then JSON escapes: an encoded backslash still escapes what follows,
// as it does for whoever decodes the text. '+' and ' ' are one, as in a query string.
// `withOffsets` false: the text alone (for a secret, whose offsets nobody needs).
Canonical canonicalise(QStringView text, bool withOffsets = true)
{
    Canonical original;
    original.text = text.toString();
    if (withOffsets) {
        original.from.resize(size_t(text.size()));
        original.to.resize(size_t(text.size()));
        for (qsizetype i = 0; i < text.size(); ++i) {
            original.from[size_t(i)] = qint32(i);
            original.to[size_t(i)] = qint32(i + 1);
        }
    }
    Canonical decoded = decodePass(original, withOffsets, decodePercent, false);
    original = Canonical();
    return decodePass(decoded, withOffsets, decodeEscape, true);
}

// Knuth–Morris–Pratt: the failure function of `needle`, then every (also overlapping)
// occurrence of it, in O(text + needle) whatever either holds.
std::vector<qint32> failureFunction(const QString &needle)
{
    std::vector<qint32> fallback(size_t(needle.size()), 0);
    qint32 k = 0;
    for (qsizetype i = 1; i < needle.size(); ++i) {
        while (k > 0 && needle.at(i) != needle.at(k))
            k = fallback[size_t(k - 1)];
        if (needle.at(i) == needle.at(k))
            ++k;
        fallback[size_t(i)] = k;
    }
    return fallback;
}

template <typename Found>
void findAll(QStringView haystack, const QString &needle, const std::vector<qint32> &fallback,
             Found found)
{
    if (needle.isEmpty() || haystack.size() < needle.size())
        return;
    qsizetype k = 0;
    for (qsizetype i = 0; i < haystack.size(); ++i) {
        while (k > 0 && haystack.at(i) != needle.at(k))
            k = fallback[size_t(k - 1)];
        if (haystack.at(i) == needle.at(k))
            ++k;
        if (k == needle.size()) {
            found(i + 1 - k, i + 1);
            k = fallback[size_t(k - 1)];
        }
    }
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

// Lower-case letters only: a word of a message, which masking would garble ("***sed").
bool isPlainWord(QStringView value)
{
    return std::all_of(value.begin(), value.end(), [](QChar c) { return c >= u'a' && c <= u'z'; });
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
        if (isPlainWord(match.capturedView(2)))
            continue; // "passwd: refused" is prose, not a password
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
    for (const QString &secret : std::as_const(m_secrets)) {
        QString canonical = canonicalise(secret, false).text;
        std::vector<qint32> fallback = failureFunction(canonical);
        m_patterns.push_back(Pattern{secret, std::move(canonical), std::move(fallback)});
    }
    std::stable_sort(m_patterns.begin(), m_patterns.end(), [](const Pattern &a, const Pattern &b) {
        return a.secret.size() > b.secret.size();
    });
}

// Finds every occurrence of every secret first, overlapping ones included, and masks the union:
// replacing one secret after the other could leave part of an overlapping one in the clear.
QString Redactor::redactSecrets(const QString &text) const
{
    // Offsets are 32 bits; a log text of 2 GB is not redacted but refused whole.
    if (m_patterns.empty())
        return text;
    if (text.size() >= std::numeric_limits<qint32>::max())
        return kMasked;
    // Without '%' or '\\' there is nothing to decode: the canonical form is the text itself
    // with '+' made ' ', unit for unit. Most log lines are such text, and decoding them unit by
    // unit cost more than everything else the runtime does for a run.
    std::optional<Canonical> decoded;
    QString folded;
    QStringView haystack = text;
    if (text.contains(u'%') || text.contains(u'\\')) {
        decoded = canonicalise(text);
        haystack = decoded->text;
    } else if (text.contains(u'+')) {
        folded = text;
        folded.replace(u'+', u' ');
        haystack = folded;
    }
    std::vector<Hit> hits;
    for (const Pattern &pattern : m_patterns) {
        findAll(haystack, pattern.canonical, pattern.fallback, [&](qsizetype start, qsizetype end) {
            hits.push_back(decoded ? Hit{decoded->from[size_t(start)], decoded->to[size_t(end - 1)],
                                         &pattern.secret}
                                   : Hit{start, end, &pattern.secret});
        });
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
    // Too deep to walk (or compare) safely: redacted as text instead.
    if (first != std::string::npos && (text[first] == '{' || text[first] == '[')
        && jsonTextTooDeepAt(text) < 0) {
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
    if (jsonDepth(value) > kDefaultJsonMaxDepth)
        return json(QStringLiteral("*** (nested deeper than %1 levels, not shown)")
                        .arg(kDefaultJsonMaxDepth)
                        .toStdString());
    return redactValue(std::move(value));
}

json Redactor::redactValue(json value) const
{
    switch (value.type()) {
    case json::value_t::object: {
        json out = json::object();
        for (auto item = value.begin(); item != value.end(); ++item) {
            const QString name = QString::fromStdString(item.key());
            const QString redactedName = redactSecrets(name);
            const std::string key = redactedName == name ? item.key() : redactedName.toStdString();
            out[key] = isSecretKey(name) ? maskedValue(*item) : redactValue(std::move(*item));
        }
        return out;
    }
    case json::value_t::array:
        for (json &item : value)
            item = redactValue(std::move(item));
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
