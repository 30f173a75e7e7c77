#pragma once

#include "common/result.h"
#include "hub/httpparser.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QWebSocketServer>

#include <chrono>
#include <functional>
#include <memory>
#include <utility>

class QTcpServer;
class QTcpSocket;
class QWebSocket;

// The hub's one port: HTTP requests go to one handler that answers with a value, WebSocket
// upgrades to a QWebSocketServer (newWebSocket()). Every limit on what a stranger can make the
// hub hold is here, before any request reaches the hub: the size of a request head and body
// (413 answered from Content-Length, before the body is read and before authentication), the
// time a head may take and a connection may idle, the number of open connections; accept errors
// (out of descriptors) pause accepting with a backoff instead of spinning.
namespace ango::hub {

class HttpConnection;
class PendingReply;

struct HttpRequest
{
    QByteArray method;   // "GET", "POST", ...
    QString path;        // percent-decoded
    QByteArray rawQuery; // as sent, without '?'
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString peer; // "address"
    // Where a deferred answer goes (see HttpReply::deferred): an Engine.IO long-poll is held open
    // until the server has something to say.
    std::shared_ptr<PendingReply> later;

    QByteArray header(QByteArrayView name) const; // case-insensitive; empty when absent
    // Form decoding, as web servers read queries: '+' is a space (Python's requests and
    // urlencode write spaces so), then percent-decoding. Empty when absent.
    QString queryValue(const QString &key) const;
    QString displayQuery() const; // decoded, for log lines
};

struct HttpReply
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    // Nothing is written now: the handler keeps HttpRequest::later and answers through it.
    bool deferred = false;

    QByteArray header(QByteArrayView name) const; // case-insensitive; empty when absent
};

// The answer to a request that was deferred. send() writes it once, if the client is still
// connected; later calls do nothing.
class PendingReply final
{
public:
    explicit PendingReply(HttpConnection *connection);
    Q_DISABLE_COPY_MOVE(PendingReply)

    bool isOpen() const; // not answered yet and the client is still there
    void send(const HttpReply &reply);

private:
    QPointer<HttpConnection> m_connection;
    bool m_sent = false;
};

struct HttpFrontLimits
{
    HttpLimits http;
    std::chrono::milliseconds headerTimeout{10000}; // a started request head must be complete
    std::chrono::milliseconds idleTimeout{60000};   // no byte between requests or in a body
    // Open at once (HTTP and WebSocket), and never more than the descriptor limit leaves room
    // for; the longest idle makes room for a newcomer, else it gets 503.
    int maxConnections = 256;
};

class HttpFront final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpFront)

public:
    using Handler = std::function<HttpReply(const HttpRequest &)>;

    explicit HttpFront(Handler handler, HttpFrontLimits limits = {}, QObject *parent = nullptr);
    ~HttpFront() override;

    Result<void> start(const QHostAddress &address, quint16 port);
    void close();
    QHostAddress serverAddress() const;
    quint16 serverPort() const;
    int openConnections() const;

    std::unique_ptr<QWebSocket> nextWebSocket();

Q_SIGNALS:
    void newWebSocket();
    // A request answered with an error before it reached the handler (413, 431, 408, 503, ...).
    void refused(const QString &peer, int status, const QString &reason);
    // accept() failed (e.g. out of file descriptors): accepting resumes after retryInMs; or,
    // with retryInMs -1, accepting paused at the connection limit until one closes.
    void acceptFailed(const QString &error, int retryInMs);

private:
    class Listener;

    Handler m_handler;
    HttpFrontLimits m_limits;
    Listener *m_tcp = nullptr;
    QWebSocketServer m_webSockets;
};

} // namespace ango::hub
