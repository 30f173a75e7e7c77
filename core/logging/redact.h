#pragma once

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

// Secrets (the plugin secret, every apiKey) never reach a log line, a log event or an export.
namespace ango::logging {

// "***" followed by at most the last 4 characters (fewer for short secrets, none under 8).
QString mask(const QString &secret);

class Redactor
{
public:
    void addSecret(const QString &secret); // empty and very short values are ignored
    void removeSecret(const QString &secret);
    QString redact(QString text) const;
    // Masks values of keys named like secrets (apiKey, secret, apikey, password, token,
    // authorization) at any depth, and any known secret inside other strings.
    nlohmann::json redact(nlohmann::json value) const;

private:
    QStringList m_secrets;
};

} // namespace ango::logging
