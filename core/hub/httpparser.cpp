#include "hub/httpparser.h"

#include <limits>

namespace ango::hub {

namespace {

// RFC 9110 token characters: method and field names.
bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f)
            return false;
        if (QByteArrayView("\"(),/:;<=>?@[\\]{}").contains(c))
            return false;
    }
    return true;
}

bool hasControlCharacters(QByteArrayView text)
{
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
            return true;
    }
    return false;
}

bool listContains(QByteArrayView list, QByteArrayView token)
{
    for (const QByteArray &item : list.toByteArray().split(','))
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

Error refuse(int status, const QString &message)
{
    return makeError(message, status);
}

} // namespace

QByteArray HttpRequestHead::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers)
        if (name.compare(key, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

qsizetype findHeadEnd(QByteArrayView buffer, qsizetype maxHeadBytes)
{
    const qsizetype end = buffer.first(std::min(buffer.size(), maxHeadBytes)).indexOf("\r\n\r\n");
    if (end >= 0)
        return end + 4;
    return buffer.size() >= maxHeadBytes ? -1 : 0;
}

Result<HttpRequestHead> parseRequestHead(QByteArrayView head, const HttpLimits &limits)
{
    if (head.size() > limits.maxHeadBytes)
        return refuse(431, QStringLiteral("the request head is over %1 bytes (--max-request-head)")
                               .arg(limits.maxHeadBytes));
    if (head.endsWith("\r\n\r\n"))
        head.chop(4);
    const QList<QByteArray> lines = head.toByteArray().split('\n');
    for (qsizetype i = 0; i + 1 < lines.size(); ++i)
        if (!lines.at(i).endsWith('\r'))
            return refuse(400, QStringLiteral("a line of the request head ends without CR"));

    HttpRequestHead parsed;
    const QByteArray requestLine
        = lines.constFirst().endsWith('\r') ? lines.constFirst().chopped(1) : lines.constFirst();
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty()
        || hasControlCharacters(parts.at(1)))
        return refuse(400, QStringLiteral("malformed request line"));
    parsed.method = parts.at(0);
    parsed.target = parts.at(1);
    parsed.version = parts.at(2);
    if (parsed.version != "HTTP/1.1" && parsed.version != "HTTP/1.0")
        return refuse(505, QStringLiteral("only HTTP/1.1 and HTTP/1.0 are served"));
    if (!parsed.target.startsWith('/'))
        return refuse(400, QStringLiteral("the request target must be a path starting with /"));

    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).endsWith('\r') ? lines.at(i).chopped(1) : lines.at(i);
        if (line.startsWith(' ') || line.startsWith('\t'))
            return refuse(400, QStringLiteral("folded header lines are not accepted"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return refuse(400, QStringLiteral("malformed header field on line %1").arg(i + 1));
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (hasControlCharacters(value))
            return refuse(400, QStringLiteral("control characters in header field %1")
                                   .arg(QString::fromLatin1(line.left(colon))));
        if (parsed.headers.size() >= limits.maxHeaderFields)
            return refuse(431,
                          QStringLiteral("more than %1 header fields").arg(limits.maxHeaderFields));
        parsed.headers.append({line.left(colon), value});
    }

    if (!parsed.header("Transfer-Encoding").isEmpty())
        return refuse(501, QStringLiteral("Transfer-Encoding is not supported: send the body "
                                          "with a Content-Length"));
    bool lengthSeen = false;
    for (const auto &[key, value] : std::as_const(parsed.headers)) {
        if (key.compare("Content-Length", Qt::CaseInsensitive) != 0)
            continue;
        qint64 length = 0;
        if (value.isEmpty())
            return refuse(400, QStringLiteral("empty Content-Length"));
        for (const char c : value) {
            if (c < '0' || c > '9')
                return refuse(400, QStringLiteral("Content-Length is not a number"));
            if (length > (std::numeric_limits<qint64>::max() - 9) / 10)
                return refuse(413, QStringLiteral("the request body is over the limit of %1 "
                                                  "bytes (--max-request-body)")
                                       .arg(limits.maxBodyBytes));
            length = length * 10 + (c - '0');
        }
        if (lengthSeen && length != parsed.contentLength)
            return refuse(400, QStringLiteral("conflicting Content-Length fields"));
        lengthSeen = true;
        parsed.contentLength = length;
    }
    if (parsed.contentLength > limits.maxBodyBytes)
        return refuse(413, QStringLiteral("the request body of %1 bytes is over the limit of %2 "
                                          "bytes (--max-request-body)")
                               .arg(parsed.contentLength)
                               .arg(limits.maxBodyBytes));

    const QByteArray connection = parsed.header("Connection");
    parsed.keepAlive = parsed.version == "HTTP/1.1" ? !listContains(connection, "close")
                                                    : listContains(connection, "keep-alive");
    parsed.webSocketUpgrade = listContains(parsed.header("Upgrade"), "websocket");
    parsed.expectContinue
        = parsed.header("Expect").compare("100-continue", Qt::CaseInsensitive) == 0;
    return parsed;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return QByteArrayLiteral("Continue");
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 204:
        return QByteArrayLiteral("No Content");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 413:
        return QByteArrayLiteral("Content Too Large");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 422:
        return QByteArrayLiteral("Unprocessable Content");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 505:
        return QByteArrayLiteral("HTTP Version Not Supported");
    default:
        return QByteArrayLiteral("Status");
    }
}

} // namespace ango::hub
