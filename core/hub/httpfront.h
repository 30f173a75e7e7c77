#pragma once

#include "common/result.h"

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPointer>
#include <QString>
#include <QWebSocketServer>

#include <functional>
#include <memory>
#include <utility>

class QTcpServer;
class QTcpSocket;
class QWebSocket;

// The hub's one port: HTTP requests go to one handler (Qt HTTP Server) that answers with a value,
// WebSocket upgrades to a QWebSocketServer (newWebSocket()). The split happens on the request
// head, before Qt HTTP Server sees the connection: Qt 6.4's own upgrade path does not trigger for
// these requests (they reach handleRequest as plain GETs).
namespace ango::hub {

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
// connected; later calls do nothing. It writes the HTTP/1.1 response itself: Qt 6.4's
// QHttpServerResponder keeps a reference to the request, which is gone by then.
class PendingReply final
{
public:
    explicit PendingReply(QTcpSocket *socket);
    Q_DISABLE_COPY_MOVE(PendingReply)

    bool isOpen() const; // not answered yet and the client is still there
    void send(const HttpReply &reply);

private:
    QPointer<QTcpSocket> m_socket;
    bool m_sent = false;
};

class HttpFront final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpFront)

public:
    using Handler = std::function<HttpReply(const HttpRequest &)>;

    explicit HttpFront(Handler handler, QObject *parent = nullptr);
    ~HttpFront() override;

    Result<void> start(const QHostAddress &address, quint16 port);
    void close();
    QHostAddress serverAddress() const;
    quint16 serverPort() const;

    std::unique_ptr<QWebSocket> nextWebSocket();

Q_SIGNALS:
    void newWebSocket();

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Handler m_handler;
    QTcpServer *m_tcp = nullptr;
    QWebSocketServer m_webSockets;
};

} // namespace ango::hub
