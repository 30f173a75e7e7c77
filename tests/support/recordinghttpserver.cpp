#include "recordinghttpserver.h"

#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace ango::test {

namespace {

constexpr qsizetype kMaxHeadSize = 64 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 411:
        return "Length Required";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

QString formDecode(QByteArray text)
{
    text.replace('+', ' ');
    return QString::fromUtf8(QByteArray::fromPercentEncoding(text));
}

bool hasHeaderIn(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

QByteArray RecordedRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool RecordedRequest::hasHeader(QByteArrayView name) const
{
    return hasHeaderIn(headers, name);
}

QString RecordedRequest::queryValue(const QString &key) const
{
    for (const QByteArray &pair : query.split('&')) {
        const qsizetype equals = pair.indexOf('=');
        const QByteArray name = equals < 0 ? pair : pair.left(equals);
        if (formDecode(name) == key)
            return equals < 0 ? QString() : formDecode(pair.mid(equals + 1));
    }
    return {};
}

QStringList RecordedRequest::queryKeys() const
{
    QStringList keys;
    if (query.isEmpty())
        return keys;
    for (const QByteArray &pair : query.split('&')) {
        const qsizetype equals = pair.indexOf('=');
        keys << formDecode(equals < 0 ? pair : pair.left(equals));
    }
    return keys;
}

ScriptedResponse ScriptedResponse::json(int status, const nlohmann::json &body)
{
    return text(status, QByteArray::fromStdString(body.dump()), "application/json");
}

ScriptedResponse ScriptedResponse::text(int status, QByteArray body, QByteArray contentType)
{
    ScriptedResponse response;
    response.status = status;
    response.body = std::move(body);
    response.headers.append({"Content-Type", std::move(contentType)});
    return response;
}

ScriptedResponse ScriptedResponse::redirect(const QUrl &location, int status)
{
    ScriptedResponse response;
    response.status = status;
    response.headers.append({"Location", location.toEncoded()});
    return response;
}

ScriptedResponse ScriptedResponse::noAnswer()
{
    ScriptedResponse response;
    response.answer = false;
    return response;
}

ScriptedResponse ScriptedResponse::withHeader(QByteArray name, QByteArray value) const
{
    ScriptedResponse copy = *this;
    copy.headers.append({std::move(name), std::move(value)});
    return copy;
}

ScriptedResponse ScriptedResponse::after(std::chrono::milliseconds wait) const
{
    ScriptedResponse copy = *this;
    copy.delay = wait;
    return copy;
}

RecordingHttpServer::RecordingHttpServer(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
    , m_fallback(ScriptedResponse::json(404, {{"message", "no scripted response"}}))
{
    m_clock.start();
    connect(m_server, &QTcpServer::newConnection, this, &RecordingHttpServer::accept);
}

RecordingHttpServer::~RecordingHttpServer()
{
    // The sockets are our children; silence them so no signal reaches a half-destroyed server.
    for (QTcpSocket *socket : m_connections.keys())
        socket->disconnect(this);
}

bool RecordingHttpServer::listen()
{
    return m_server->listen(QHostAddress::LocalHost, 0);
}

quint16 RecordingHttpServer::port() const
{
    return m_server->serverPort();
}

QUrl RecordingHttpServer::url(const QString &pathAndQuery) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(pathAndQuery));
}

void RecordingHttpServer::enqueue(ScriptedResponse response)
{
    m_queue.enqueue(std::move(response));
}

void RecordingHttpServer::enqueue(const QByteArray &path, ScriptedResponse response)
{
    m_pathQueues[path].enqueue(std::move(response));
}

void RecordingHttpServer::setRoute(const QByteArray &path, ScriptedResponse response)
{
    m_routes.insert(path, std::move(response));
}

void RecordingHttpServer::setFallback(ScriptedResponse response)
{
    m_fallback = std::move(response);
}

void RecordingHttpServer::accept()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        const int index = m_connectionCount++;
        m_connections.insert(socket, Connection{index, {}, false});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket, index] {
            m_connections.remove(socket);
            socket->deleteLater();
            Q_EMIT connectionClosed(index);
        });
    }
}

void RecordingHttpServer::readFrom(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    it->buffer += socket->readAll();
    process(socket);
}

// Takes complete requests off the connection's buffer one at a time; a request whose answer
// is pending holds the next ones back, as HTTP/1.1 requires answers in order.
void RecordingHttpServer::process(QTcpSocket *socket)
{
    QPointer<QTcpSocket> guard(socket);
    while (guard && m_connections.contains(socket)) {
        Connection &connection = m_connections[socket];
        if (connection.busy)
            return;
        const qsizetype headEnd = connection.buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            if (connection.buffer.size() > kMaxHeadSize)
                reply(socket, ScriptedResponse::text(400, "request head too large"), true);
            return;
        }
        const QList<QByteArray> lines = connection.buffer.left(headEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        if (requestLine.size() != 3) {
            reply(socket, ScriptedResponse::text(400, "bad request line"), true);
            return;
        }
        RecordedRequest request;
        request.method = requestLine[0];
        request.target = requestLine[1];
        const qsizetype question = request.target.indexOf('?');
        request.path = question < 0 ? request.target : request.target.left(question);
        request.query = question < 0 ? QByteArray() : request.target.mid(question + 1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
        }
        if (request.header("Transfer-Encoding").toLower().contains("chunked")) {
            reply(socket, ScriptedResponse::text(411, "send a Content-Length"), true);
            return;
        }
        const qsizetype length = request.header("Content-Length").toLongLong();
        const qsizetype total = headEnd + 4 + length;
        if (connection.buffer.size() < total)
            return; // the rest of the body is still on its way
        request.body = connection.buffer.mid(headEnd + 4, length);
        connection.buffer.remove(0, total);
        request.receivedAtMs = m_clock.elapsed();
        request.connection = connection.index;

        const bool close
            = request.header("Connection").toLower() == "close" || requestLine[2] == "HTTP/1.0";
        const ScriptedResponse response = responseFor(request.path);
        connection.busy = true;
        m_requests.append(std::move(request));
        Q_EMIT requestReceived(int(m_requests.size()) - 1);
        if (!guard || !m_connections.contains(socket) || !response.answer)
            return;

        if (response.delay.count() > 0) {
            QTimer::singleShot(response.delay, socket, [this, socket, response, close] {
                reply(socket, response, close || response.closeAfter);
                process(socket);
            });
            return;
        }
        reply(socket, response, close || response.closeAfter);
    }
}

ScriptedResponse RecordingHttpServer::responseFor(const QByteArray &path)
{
    if (auto queue = m_pathQueues.find(path); queue != m_pathQueues.end() && !queue->isEmpty())
        return queue->dequeue();
    if (!m_queue.isEmpty())
        return m_queue.dequeue();
    if (auto route = m_routes.constFind(path); route != m_routes.constEnd())
        return *route;
    return m_fallback;
}

void RecordingHttpServer::reply(QTcpSocket *socket, const ScriptedResponse &response, bool close)
{
    if (!m_connections.contains(socket))
        return;
    QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + ' '
                      + reasonPhrase(response.status) + "\r\n";
    for (const auto &[name, value] : response.headers)
        head += name + ": " + value + "\r\n";
    if (!hasHeaderIn(response.headers, "Content-Length"))
        head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    head += close ? "Connection: close\r\n" : "Connection: keep-alive\r\n";
    socket->write(head + "\r\n" + response.body);
    m_connections[socket].busy = false;
    if (close) {
        m_connections[socket].busy = true; // nothing more is read from a closing connection
        socket->disconnectFromHost();
    }
}

} // namespace ango::test
