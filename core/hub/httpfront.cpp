#include "hub/httpfront.h"

#include "hub/httpconnection.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

#include <sys/resource.h>
#include <unistd.h>

namespace ango::hub {

namespace {

constexpr int kFirstAcceptRetryMs = 50;
constexpr int kLastAcceptRetryMs = 2000;
// A connection between two requests of a keep-alive client is not evicted at once.
constexpr qint64 kMinIdleToEvictMs = 1000;

int descriptorLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return 1 << 20;
    return int(std::min<rlim_t>(limit.rlim_cur, 1 << 20));
}

// How the descriptors are shared: some stay with the hub itself (files, pipes, the event loop);
// of the rest, a slack lets connections over the limit still get a 503 saying why (past it,
// accepting pauses until one closes, so a flood cannot use them up with refusals either); the
// remainder caps the connections served. 64 descriptors: 33 served, 11 slack; 1,024: 912, 32.
struct DescriptorShare
{
    int served;
    int slack;
};

DescriptorShare descriptorShare()
{
    const int limit = descriptorLimit();
    const int room = std::max(2, limit - 16 - limit / 16);
    const int slack = std::max(1, std::min(32, room / 4));
    return {std::max(1, room - slack), slack};
}
} // namespace

// Accepts connections, counts them (HTTP and WebSocket alike, until their socket is gone) and
// gives each to an HttpConnection; over the limit the client is told 503.
class HttpFront::Listener final : public QTcpServer
{
public:
    explicit Listener(HttpFront *front)
        : QTcpServer(front)
        , m_front(front)
        , m_limit(std::min(front->m_limits.maxConnections, descriptorShare().served))
        , m_slack(descriptorShare().slack)
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
        // At the limit the connection idle longest makes room, so idle clients cannot shut
        // others out; only when every connection is busy is the newcomer refused.
        if (m_open >= m_limit)
            evictIdlest();
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            ::close(int(descriptor));
            return;
        }
        ++m_open;
        // Counted while its descriptor is open: until it is closed or the socket is gone.
        auto counted = std::make_shared<bool>(true);
        const auto release = [this, counted] {
            if (!std::exchange(*counted, false))
                return;
            --m_open;
            if (m_full && m_open < m_limit + m_slack) {
                m_full = false;
                resumeAccepting();
            }
        };
        connect(socket, &QAbstractSocket::stateChanged, this,
                [release](QAbstractSocket::SocketState state) {
                    if (state == QAbstractSocket::UnconnectedState)
                        release();
                });
        connect(socket, &QObject::destroyed, this, release);
        // Out of room even for refusals: newcomers wait in the kernel's backlog. Accepting on
        // would only fail (Qt 6.4 retries EMFILE at once, a busy loop).
        if (m_open >= m_limit + m_slack && !m_full) {
            m_full = true;
            pauseAccepting();
            Q_EMIT m_front->acceptFailed(
                QStringLiteral("%1 connections open, all this hub takes (--max-connections %2, "
                               "descriptor limit %3)")
                    .arg(m_open)
                    .arg(m_front->m_limits.maxConnections)
                    .arg(descriptorLimit()),
                -1);
        }
        if (m_open > m_limit) {
            const QString reason = QStringLiteral("%1 connections are open and busy, the limit "
                                                  "(--max-connections)")
                                       .arg(m_limit);
            // A flood of refusals is one log line a second, with the count.
            ++m_unreported;
            if (!m_reported.isValid() || m_reported.elapsed() >= 1000) {
                Q_EMIT m_front->refused(
                    socket->peerAddress().toString(), 503,
                    QStringLiteral("%1 (%2 connection%3 refused since the "
                                   "last report)")
                        .arg(reason)
                        .arg(m_unreported)
                        .arg(m_unreported == 1 ? QString() : QStringLiteral("s")));
                m_reported.start();
                m_unreported = 0;
            }
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
    bool evictIdlest()
    {
        HttpConnection *idlest = nullptr;
        const qint64 newest = QDateTime::currentMSecsSinceEpoch() - kMinIdleToEvictMs;
        for (HttpConnection *connection :
             findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly))
            if (connection->isIdle() && connection->idleSinceMs() <= newest
                && (!idlest || connection->idleSinceMs() < idlest->idleSinceMs()))
                idlest = connection;
        if (!idlest)
            return false;
        idlest->evict();
        return true;
    }

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
    int m_limit;
    int m_slack;
    int m_open = 0;
    bool m_full = false;
    int m_retryMs = kFirstAcceptRetryMs;
    QTimer m_resume;
    QElapsedTimer m_reported;
    qint64 m_unreported = 0;
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
