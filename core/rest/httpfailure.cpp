#include "rest/httpfailure.h"

#include <nlohmann/json.hpp>

#include <limits>

namespace ango::rest::detail {

namespace {

QString excerpt(const QString &text, qsizetype maxChars)
{
    const QString simplified = text.simplified();
    if (simplified.size() <= maxChars)
        return simplified;
    return simplified.left(maxChars) + QChar(0x2026);
}

QString stringAt(const nlohmann::json &object, const char *key)
{
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return {};
    return QString::fromStdString(it->get<std::string>());
}

} // namespace

QString serverMessage(const QByteArray &body, qsizetype maxChars)
{
    const nlohmann::json parsed = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (parsed.is_object()) {
        QString message = stringAt(parsed, "message");
        if (message.isEmpty()) {
            const auto error = parsed.find("error");
            if (error != parsed.end() && error->is_object())
                message = stringAt(*error, "message");
            else if (error != parsed.end() && error->is_string())
                message = QString::fromStdString(error->get<std::string>());
        }
        if (!message.isEmpty())
            return excerpt(message, maxChars);
    }
    return excerpt(QString::fromUtf8(body), maxChars);
}

QString statusExplanation(int status, bool apiKeySent)
{
    switch (status) {
    case 401:
        return apiKeySent ? QStringLiteral("the API key was refused")
                          : QStringLiteral("authentication required");
    case 403:
        return apiKeySent ? QStringLiteral("the API key was refused for this resource")
                          : QStringLiteral("access denied");
    case 404:
        return QStringLiteral("not found");
    case 429:
        return QStringLiteral("too many requests");
    default:
        return {};
    }
}

std::optional<std::chrono::milliseconds> parseRetryAfter(const QByteArray &value,
                                                         const QDateTime &now)
{
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const qlonglong seconds = trimmed.toLongLong(&isNumber);
    if (isNumber) {
        if (seconds < 0)
            return std::nullopt;
        // Far beyond any cap the caller applies, and safe from overflow.
        constexpr qlonglong limit = std::numeric_limits<int>::max() / 1000;
        return std::chrono::milliseconds{std::min(seconds, limit) * 1000};
    }
    // HTTP dates end in "GMT", which Qt's RFC 2822 parser does not take as a zone.
    QString date = QString::fromLatin1(trimmed);
    if (date.endsWith(QLatin1String(" GMT")))
        date = date.chopped(4) + QLatin1String(" +0000");
    const QDateTime when = QDateTime::fromString(date, Qt::RFC2822Date);
    if (!when.isValid())
        return std::nullopt;
    return std::chrono::milliseconds{std::max<qint64>(0, now.msecsTo(when))};
}

QUrl withoutQuery(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo);
}

QString withoutSecret(QString text, const QString &secret)
{
    if (!secret.isEmpty())
        text.replace(secret, QStringLiteral("***"));
    return text;
}

} // namespace ango::rest::detail
