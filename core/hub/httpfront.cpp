#include "hub/httpfront.h"

#include "hub/httpconnection.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

#include <unistd.h>

namespace ango::hub {

namespace {

constexpr int kFirstAcceptRetryMs = 50;
constexpr int kLastAcceptRetryMs = 2000;
// Connections over maxConnections still get a 503 to say why; past this many more they are
// closed at once, so a flood cannot use up the descriptors with refusals either.
constexpr int kRefusalSlack = 32;

} // namespace

// Accepts connections, counts them (HTTP and WebSocket alike, until their socket is gone) and
// gives each to an HttpConnection; over the limit the client is told 503.
class HttpFront::Listener final : public QTcpServer
{
public:
    explicit Listener(HttpFront *front)
        : QTcpServer(front)
        , m_front(front)
    {
        connect(this, &QTcpServer::acceptError, this, [this] { backOff(); });
        m_resume.setSingleShot(true);
        connect(&m_resume, &QTimer::timeout, this, [this] { resumeAccepting(); });
    }

    int open() const { return m_open; }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        m_retryMs = kFirstAcceptRetryMs;
        const int limit = m_front->m_limits.maxConnections;
        if (m_open >= limit + kRefusalSlack) {
            ::close(int(descriptor));
            return;
        }
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            ::close(int(descriptor));
            return;
        }
        ++m_open;
        connect(socket, &QObject::destroyed, this, [this] { --m_open; });
        if (m_open > limit) {
            const QString reason
                = QStringLiteral("%1 connections are open, the limit (--max-connections)")
                      .arg(limit);
            Q_EMIT m_front->refused(socket->peerAddress().toString(), 503, reason);
            HttpConnection::writeRefusal(socket, 503, reason);
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            socket->disconnectFromHost();
            return;
        }
        auto *connection = new HttpConnection(
            socket, m_front->m_limits, m_front->m_handler,
            [this](QTcpSocket *upgraded) {
                // Still counted: the WebSocket holds the descriptor until it closes.
                upgraded->setParent(nullptr);
                m_front->m_webSockets.handleConnection(upgraded);
            },
            this);
        connect(connection, &HttpConnection::refused, m_front, &HttpFront::refused);
    }

private:
    // Qt stops accepting on a resource error (EMFILE, ENFILE, ENOBUFS); accepting again at once
    // would spin on the same error, so it resumes after a pause that doubles each time.
    void backOff()
    {
        Q_EMIT m_front->acceptFailed(errorString(), m_retryMs);
        if (!isListening())
            return;
        pauseAccepting();
        m_resume.start(m_retryMs);
        m_retryMs = std::min(m_retryMs * 2, kLastAcceptRetryMs);
    }

    HttpFront *m_front;
    int m_open = 0;
    int m_retryMs = kFirstAcceptRetryMs;
    QTimer m_resume;
};

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

HttpFront::HttpFront(Handler handler, HttpFrontLimits limits, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_limits(limits)
    , m_webSockets(QStringLiteral("ango-console local hub"), QWebSocketServer::NonSecureMode)
{
    m_webSockets.setHandshakeTimeout(m_limits.headerTimeout);
    connect(&m_webSockets, &QWebSocketServer::newConnection, this, &HttpFront::newWebSocket);
}

HttpFront::~HttpFront() = default;

Result<void> HttpFront::start(const QHostAddress &address, quint16 port)
{
    auto *tcp = new Listener(this);
    if (!tcp->listen(address, port)) {
        const QString error = tcp->errorString();
        delete tcp;
        return makeError(QStringLiteral("cannot listen on %1:%2: %3")
                             .arg(address.toString())
                             .arg(port)
                             .arg(error));
    }
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

int HttpFront::openConnections() const
{
    return m_tcp ? m_tcp->open() : 0;
}

std::unique_ptr<QWebSocket> HttpFront::nextWebSocket()
{
    return std::unique_ptr<QWebSocket>(m_webSockets.nextPendingConnection());
}

} // namespace ango::hub
