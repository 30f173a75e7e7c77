#pragma once

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <vector>

// Secrets (the plugin secret, every apiKey) never reach a log line, a log event or an export.
namespace ango::logging {

// Registered values shorter than this are ignored: masking every "abc" would garble the text
// while hiding next to nothing.
inline constexpr qsizetype kMinSecretLength = 4;

// "***" followed by the last 4 characters for secrets of at least 8 characters, "***" alone for
// shorter ones (4 of 7 characters would give most of it away).
QString mask(const QString &secret);

// True for object keys named like secrets, whatever their case or separators: apiKey, api_key,
// x-api-key, secret, pluginSecret, password, token, accessToken, authorization, cookie, ...
bool isSecretKey(QStringView key);

class Redactor
{
public:
    void addSecret(const QString &secret); // empty and very short values are ignored
    void removeSecret(const QString &secret);
    // How many secrets are registered; the values themselves are never handed out again.
    qsizetype secretCount() const { return m_secrets.size(); }

    // Replaces every registered secret, also URL-encoded (any case, doubly encoded, '+' for
    // space) and JSON-escaped (at any nesting depth), and masks the values of secret-like
    // "key=value" / "key: value" pairs even when the value is not registered (a plain lower-case
    // word there is prose, "passwd: refused", and stays). Secrets are matched literally, in time
    // linear in the text and the secret, whatever their length or characters.
    QString redact(QString text) const;
    // Masks values of keys named like secrets (see isSecretKey) at any depth, and any known
    // secret inside other strings and keys, including JSON held in a string (configJSON). A value
    // nested deeper than kDefaultJsonMaxDepth is replaced whole: it cannot be walked safely.
    nlohmann::json redact(nlohmann::json value) const;

private:
    struct Pattern
    {
        QString secret;
        QString canonical;            // the secret with every known encoding undone
        std::vector<qint32> fallback; // its Knuth–Morris–Pratt failure function
    };

    void rebuildPatterns();
    QString redactSecrets(const QString &text) const;
    nlohmann::json redactString(const std::string &text) const;
    nlohmann::json redactValue(nlohmann::json value) const;

    QStringList m_secrets;
    std::vector<Pattern> m_patterns; // longest secret first
};

} // namespace ango::logging
