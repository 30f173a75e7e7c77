#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <utility>

// The local hub's HTTP/1.1 request framing, pure (no sockets), so the limits are enforced before
// a byte of a body is buffered and the code can be fuzzed. A request is a head (request line and
// header fields, CRLF line ends) and, if Content-Length says so, a body of exactly that size;
// Transfer-Encoding is refused, so no body is ever read without its size being checked first.
namespace ango::hub {

struct HttpLimits
{
    qsizetype maxHeadBytes = 16 * 1024;       // request line + header fields (--max-request-head)
    int maxHeaderFields = 100;                // fields in one head
    qint64 maxBodyBytes = 64LL * 1024 * 1024; // Content-Length (--max-request-body)
};

struct HttpRequestHead
{
    QByteArray method;  // "GET"
    QByteArray target;  // "/socket.io/?EIO=4&transport=polling", as sent
    QByteArray version; // "HTTP/1.1" or "HTTP/1.0"
    QList<std::pair<QByteArray, QByteArray>> headers;
    qint64 contentLength = 0;
    bool keepAlive = true; // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with keep-alive
    bool webSocketUpgrade = false;
    bool expectContinue = false; // "Expect: 100-continue"

    QByteArray header(QByteArrayView name) const; // case-insensitive; empty when absent
};

// Where the head in `buffer` ends (the index after its blank line); 0 when it is not complete
// yet; -1 when no head ends within maxHeadBytes (answer 431).
qsizetype findHeadEnd(QByteArrayView buffer, qsizetype maxHeadBytes);

// Parses a complete head (what findHeadEnd() delimits). On failure Error::status is the HTTP
// status to answer (400, 413, 431, 501, 505) and the message names the field or the limit.
Result<HttpRequestHead> parseRequestHead(QByteArrayView head, const HttpLimits &limits);

// "Not Found" for 404, ...; "Status" for codes the hub never sends.
QByteArray reasonPhrase(int status);

} // namespace ango::hub
