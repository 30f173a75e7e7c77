#include "hub/httpconnection.h"

#include <QDateTime>
#include <QTcpSocket>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <sys/socket.h>

namespace ango::hub {

namespace {

// Unread bytes kept by Qt per connection: enough for the largest head; the body is drained from
// it as it arrives, so the kernel's flow control holds back a fast sender instead of our memory.
constexpr qint64 kReadBufferBytes = 256 * 1024;
// After refusing a request, what the client still sends is read and dropped for this long, so
// it sees the answer instead of a reset; then the connection is closed.
constexpr int kLingerMs = 2000;

QByteArray serialise(int status, const HttpReply &reply, bool close)
{
    QByteArray head
        = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    head += "Content-Type: " + reply.contentType + "\r\n";
    head += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\n";
    for (const auto &[key, value] : reply.headers)
        if (key.compare("Content-Length", Qt::CaseInsensitive) != 0
            && key.compare("Content-Type", Qt::CaseInsensitive) != 0
            && key.compare("Connection", Qt::CaseInsensitive) != 0)
            head += key + ": " + value + "\r\n";
    if (close)
        head += "Connection: close\r\n";
    return head + "\r\n" + reply.body;
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const HttpFrontLimits &config,
                               const HttpFront::Handler &handler, Upgrade upgrade, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_config(config)
    , m_handler(handler)
    , m_upgrade(std::move(upgrade))
    , m_peer(socket->peerAddress().toString())
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(std::max<qint64>(kReadBufferBytes, config.http.maxHeadBytes + 4));
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &HttpConnection::onTimeout);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::process);
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    m_deadline.start(m_config.idleTimeout);
    m_idleSince = QDateTime::currentMSecsSinceEpoch();
    QMetaObject::invokeMethod(this, &HttpConnection::process, Qt::QueuedConnection);
}

bool HttpConnection::isConnected() const
{
    return m_socket && m_state == State::Handling
           && m_socket->state() == QAbstractSocket::ConnectedState;
}

bool HttpConnection::isIdle() const
{
    return m_socket && m_state == State::Head && !m_headClockRunning
           && m_socket->bytesAvailable() == 0;
}

qint64 HttpConnection::idleSinceMs() const
{
    return m_idleSince;
}

void HttpConnection::evict()
{
    m_deadline.stop();
    m_state = State::Closing;
    m_socket->abort(); // its descriptor is wanted now
    deleteLater();
}

void HttpConnection::writeRefusal(QTcpSocket *socket, int status, const QString &message)
{
    HttpReply reply;
    reply.status = status;
    reply.body = QByteArray::fromStdString(
        nlohmann::json{{"status", status}, {"message", message.toStdString()}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace));
    socket->write(serialise(status, reply, true));
}

void HttpConnection::process()
{
    if (m_processing)
        return; // the loop below picks up what arrived
    m_processing = true;
    while (true) {
        if (m_state == State::Closing) {
            m_socket->skip(m_socket->bytesAvailable());
            break;
        }
        if (m_state == State::Handling)
            break;
        if (m_state == State::Head) {
            if (m_socket->bytesAvailable() == 0)
                break;
            const QByteArray peeked = m_socket->peek(m_config.http.maxHeadBytes);
            const qsizetype end = findHeadEnd(peeked, m_config.http.maxHeadBytes);
            if (end < 0) {
                refuse(431, QStringLiteral("the request head is over %1 bytes (--max-request-head)")
                                .arg(m_config.http.maxHeadBytes));
                break;
            }
            if (end == 0) {
                // Part of a head: it has headerTimeout to be complete, however slowly it drips.
                if (!m_headClockRunning) {
                    m_headClockRunning = true;
                    m_deadline.start(m_config.headerTimeout);
                }
                break;
            }
            auto head = parseRequestHead(QByteArrayView(peeked).first(end), m_config.http);
            if (!head) {
                refuse(head.error().status, head.error().message);
                break;
            }
            m_headClockRunning = false;
            if (head->webSocketUpgrade) {
                handOver();
                m_processing = false;
                return;
            }
            m_socket->skip(end);
            m_head = std::move(*head);
            m_body.clear();
            if (m_head.expectContinue && m_head.contentLength > 0)
                m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
            m_state = State::Body;
            m_deadline.start(m_config.idleTimeout);
        }
        if (m_state == State::Body) {
            const qint64 missing = m_head.contentLength - m_body.size();
            if (missing > 0) {
                const qint64 available = std::min(missing, m_socket->bytesAvailable());
                if (available == 0)
                    break;
                m_body += m_socket->read(available);
                m_deadline.start(m_config.idleTimeout); // progress: the body is not stalled
                if (m_body.size() < m_head.contentLength)
                    continue;
            }
            m_state = State::Handling;
            m_deadline.stop();
            dispatch();
        }
    }
    m_processing = false;
}

void HttpConnection::dispatch()
{
    HttpRequest request;
    request.method = m_head.method;
    const QByteArray target = m_head.target;
    const qsizetype question = target.indexOf('?');
    const QUrl url = QUrl::fromEncoded(question < 0 ? target : target.left(question));
    request.path = url.isValid() ? url.path(QUrl::FullyDecoded)
                                 : QString::fromUtf8(QByteArray::fromPercentEncoding(
                                     question < 0 ? target : target.left(question)));
    request.rawQuery = question < 0 ? QByteArray() : target.mid(question + 1);
    request.headers = std::move(m_head.headers);
    request.body = std::exchange(m_body, {});
    request.peer = m_peer;
    request.later = std::make_shared<PendingReply>(this);
    const HttpReply answer = m_handler(request);
    if (!answer.deferred)
        reply(answer);
}

void HttpConnection::reply(const HttpReply &answer)
{
    if (m_state != State::Handling)
        return;
    const bool close = !m_head.keepAlive
                       || answer.header("Connection").compare("close", Qt::CaseInsensitive) == 0;
    m_socket->write(serialise(answer.status, answer, close));
    if (close) {
        closeAfterWriting();
        return;
    }
    m_state = State::Head;
    m_deadline.start(m_config.idleTimeout);
    m_idleSince = QDateTime::currentMSecsSinceEpoch();
    // The next pipelined request, if any, once this call's caller is done.
    QMetaObject::invokeMethod(this, &HttpConnection::process, Qt::QueuedConnection);
}

void HttpConnection::refuse(int status, const QString &message)
{
    Q_EMIT refused(m_peer, status, message);
    writeRefusal(m_socket, status, message);
    closeAfterWriting();
}

void HttpConnection::closeAfterWriting()
{
    m_state = State::Closing;
    m_socket->skip(m_socket->bytesAvailable());
    // Half-close once the answer is out; what the client still sends is dropped until it closes
    // or the linger ends.
    const auto shutWrite = [this] {
        if (m_socket->bytesToWrite() == 0 && m_socket->socketDescriptor() >= 0)
            ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    };
    connect(m_socket, &QTcpSocket::bytesWritten, this, shutWrite);
    m_socket->flush();
    shutWrite();
    m_deadline.start(kLingerMs);
}

void HttpConnection::onTimeout()
{
    switch (m_state) {
    case State::Head:
        if (m_headClockRunning) {
            refuse(408, QStringLiteral("the request head did not arrive within %1 s "
                                       "(--header-timeout)")
                            .arg(double(m_config.headerTimeout.count()) / 1000.0));
            return;
        }
        m_socket->disconnectFromHost(); // idle keep-alive connection
        return;
    case State::Body:
        refuse(408, QStringLiteral("the request body stalled for %1 s (--idle-timeout)")
                        .arg(double(m_config.idleTimeout.count()) / 1000.0));
        return;
    case State::Closing:
        m_socket->abort();
        deleteLater();
        return;
    case State::Handling:
        return;
    }
}

void HttpConnection::handOver()
{
    m_deadline.stop();
    m_socket->disconnect(this);
    m_socket->setReadBufferSize(0);
    m_socket->setParent(nullptr);
    QTcpSocket *socket = std::exchange(m_socket, nullptr);
    m_state = State::Closing;
    m_upgrade(socket);
    // The head is already buffered: QWebSocketServer would not be told otherwise.
    Q_EMIT socket->readyRead();
    deleteLater();
}

PendingReply::PendingReply(HttpConnection *connection)
    : m_connection(connection)
{}

bool PendingReply::isOpen() const
{
    return !m_sent && m_connection && m_connection->isConnected();
}

void PendingReply::send(const HttpReply &reply)
{
    if (!isOpen())
        return;
    m_sent = true;
    m_connection->reply(reply);
}

} // namespace ango::hub
