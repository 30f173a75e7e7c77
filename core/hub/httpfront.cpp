#include "hub/httpfront.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QMetaEnum>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>

namespace ango::hub {

namespace {

// Request heads longer than this are handed to the HTTP server, which refuses them.
constexpr qsizetype kMaxHeadBytes = 16 * 1024;

bool isWebSocketUpgrade(QByteArrayView head)
{
    const QList<QByteArray> lines = head.toByteArray().split('\n');
    for (const QByteArray &line : lines) {
        const QByteArray field = line.trimmed().toLower();
        if (field.startsWith("upgrade:") && field.contains("websocket"))
            return true;
    }
    return false;
}

// Accepts connections and reads each one's request head without consuming it, then passes the
// socket on: to the WebSocket server for an upgrade, else to Qt HTTP Server.
class SplittingServer final : public QTcpServer
{
public:
    SplittingServer(std::function<void(QTcpSocket *)> upgrade, QObject *parent)
        : QTcpServer(parent)
        , m_upgrade(std::move(upgrade))
    {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { sniff(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }

private:
    void sniff(QTcpSocket *socket)
    {
        const QByteArray head = socket->peek(kMaxHeadBytes);
        const qsizetype end = head.indexOf("\r\n\r\n");
        if (end < 0 && head.size() < kMaxHeadBytes)
            return; // the head is not complete yet
        socket->disconnect(this);
        disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        if (end >= 0 && isWebSocketUpgrade(QByteArrayView(head).first(end))) {
            m_upgrade(socket);
        } else {
            addPendingConnection(socket); // Qt HTTP Server takes it from here, synchronously
        }
        // The bytes are already buffered: nobody would be told otherwise.
        Q_EMIT socket->readyRead();
    }

    std::function<void(QTcpSocket *)> m_upgrade;
};

} // namespace

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers)
        if (name.compare(key, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

QByteArray HttpReply::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers)
        if (name.compare(key, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

namespace {

QString formDecode(QByteArray text)
{
    text.replace('+', ' ');
    return QString::fromUtf8(QByteArray::fromPercentEncoding(text));
}

} // namespace

QString HttpRequest::queryValue(const QString &key) const
{
    const QList<QByteArray> pairs = rawQuery.split('&');
    for (const QByteArray &pair : pairs) {
        const qsizetype eq = pair.indexOf('=');
        if (formDecode(eq < 0 ? pair : pair.left(eq)) == key)
            return eq < 0 ? QString() : formDecode(pair.mid(eq + 1));
    }
    return {};
}

QString HttpRequest::displayQuery() const
{
    return formDecode(rawQuery);
}

HttpFront::HttpFront(Handler handler, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_handler(std::move(handler))
    , m_webSockets(QStringLiteral("ango-console local hub"), QWebSocketServer::NonSecureMode)
{
    connect(&m_webSockets, &QWebSocketServer::newConnection, this, &HttpFront::newWebSocket);
}

HttpFront::~HttpFront() = default;

Result<void> HttpFront::start(const QHostAddress &address, quint16 port)
{
    auto *tcp = new SplittingServer(
        [this](QTcpSocket *socket) {
            socket->setParent(nullptr);
            m_webSockets.handleConnection(socket);
        },
        this);
    if (!tcp->listen(address, port)) {
        const QString error = tcp->errorString();
        delete tcp;
        return makeError(QStringLiteral("cannot listen on %1:%2: %3")
                             .arg(address.toString())
                             .arg(port)
                             .arg(error));
    }
    bind(tcp);
    m_tcp = tcp;
    return {};
}

void HttpFront::close()
{
    if (m_tcp)
        m_tcp->close();
}

QHostAddress HttpFront::serverAddress() const
{
    return m_tcp ? m_tcp->serverAddress() : QHostAddress();
}

quint16 HttpFront::serverPort() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

std::unique_ptr<QWebSocket> HttpFront::nextWebSocket()
{
    return std::unique_ptr<QWebSocket>(m_webSockets.nextPendingConnection());
}

bool HttpFront::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    HttpRequest info;
    const auto method = request.method();
    const char *name = QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(method));
    info.method = name ? QByteArray(name).toUpper() : QByteArrayLiteral("UNKNOWN");
    info.path = request.url().path(QUrl::FullyDecoded);
    info.rawQuery = request.url().query(QUrl::FullyEncoded).toUtf8();
    info.headers = request.headers();
    info.body = request.body();
    info.peer = request.remoteAddress().toString();

    info.later = std::make_shared<PendingReply>(socket);

    const HttpReply reply = m_handler(info);
    if (reply.deferred)
        return true;
    auto responder = makeResponder(request, socket);
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(reply.status));
    responder.writeHeader(QByteArrayLiteral("Content-Type"), reply.contentType);
    responder.writeHeader(QByteArrayLiteral("Content-Length"),
                          QByteArray::number(reply.body.size()));
    for (const auto &[key, value] : reply.headers)
        responder.writeHeader(key, value);
    responder.writeBody(reply.body);
    return true;
}

PendingReply::PendingReply(QTcpSocket *socket)
    : m_socket(socket)
{}

bool PendingReply::isOpen() const
{
    return !m_sent && m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void PendingReply::send(const HttpReply &reply)
{
    if (!isOpen())
        return;
    m_sent = true;
    // Only the statuses the deferred Engine.IO answers use.
    const QByteArray reason = reply.status == 200   ? QByteArrayLiteral("OK")
                              : reply.status == 400 ? QByteArrayLiteral("Bad Request")
                                                    : QByteArrayLiteral("Status");
    QByteArray head = "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reason + "\r\n";
    head += "Content-Type: " + reply.contentType + "\r\n";
    head += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\n";
    for (const auto &[key, value] : reply.headers)
        head += key + ": " + value + "\r\n";
    m_socket->write(head + "\r\n" + reply.body);
    if (reply.header("Connection").compare("close", Qt::CaseInsensitive) == 0)
        m_socket->disconnectFromHost(); // after the bytes are written
}

void HttpFront::missingHandler(const QHttpServerRequest &, QTcpSocket *)
{
    // handleRequest() answers everything.
}

} // namespace ango::hub
