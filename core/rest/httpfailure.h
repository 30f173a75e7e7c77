#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QUrl>

#include <chrono>
#include <optional>

// Pure helpers that turn a failed HTTP exchange into a message a person can act on, without
// leaking what must not leak (query strings may carry signatures; servers may echo the key).
namespace ango::rest::detail {

// The server's own words: {"message": …}, {"error": {"message": …}}, {"error": "…"}; otherwise
// an excerpt of the body with whitespace collapsed, at most maxChars characters (+ "…").
QString serverMessage(const QByteArray &body, qsizetype maxChars = 300);

// A plain explanation for the statuses people meet most; empty for the others.
QString statusExplanation(int status, bool apiKeySent);

// Retry-After as delay-seconds or an HTTP-date; nullopt when absent or unreadable.
std::optional<std::chrono::milliseconds> parseRetryAfter(const QByteArray &value,
                                                         const QDateTime &now);

// The URL as it may appear in messages and the request log: no query, fragment or user info.
QUrl withoutQuery(const QUrl &url);

// Replaces every occurrence of secret by "***" (nothing to do for an empty secret).
QString withoutSecret(QString text, const QString &secret);

} // namespace ango::rest::detail
