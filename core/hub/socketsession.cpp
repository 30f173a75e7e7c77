#include "hub/socketsession.h"

#include "socketio/engineiopacket.h"

#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QWebSocket>

namespace ango::hub {

using nlohmann::json;

namespace {

// After close() the socket lingers this long for the close handshake, then is aborted.
constexpr int kCloseGraceMs = 2000;

QString fromUtf8(const std::string &text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

// A frame's beginning for a log line: printable, short, never the whole payload.
QString preview(const QByteArray &bytes)
{
    constexpr qsizetype kMax = 40;
    QString out;
    for (const char c : bytes.left(kMax)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f)
            out += QLatin1Char(c);
        else
            out += QStringLiteral("\\x%1").arg(byte, 2, 16, QLatin1Char('0'));
    }
    if (bytes.size() > kMax)
        out += QStringLiteral("… (%1 bytes)").arg(bytes.size());
    return out;
}

// Long-polling answers close their connection: the port tells HTTP from WebSocket by a
// connection's first request, so the client's upgrade request must not reuse a polling
// connection (aiohttp and requests keep them alive otherwise).
HttpReply pollingReply(QByteArray body)
{
    HttpReply reply;
    reply.contentType = QByteArrayLiteral("text/plain; charset=UTF-8");
    reply.body = std::move(body);
    reply.headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
    return reply;
}

// Engine.IO's answer to a long-polling request it cannot serve (Node: code 3 "Bad request").
HttpReply engineError(const QString &message)
{
    HttpReply reply = pollingReply(
        QByteArray::fromStdString(json{{"code", 3}, {"message", message.toStdString()}}.dump()));
    reply.status = 400;
    reply.contentType = QByteArrayLiteral("application/json");
    return reply;
}

} // namespace

QString randomId(int length)
{
    static constexpr char kAlphabet[]
        = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QString id;
    id.reserve(length);
    auto *random = QRandomGenerator::system();
    for (int i = 0; i < length; ++i)
        id += QLatin1Char(kAlphabet[random->bounded(64)]);
    return id;
}

SocketSession::SocketSession(std::unique_ptr<QWebSocket> socket, SessionLimits limits,
                             QObject *parent)
    : SocketSession(
        QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort()),
        QString::fromUtf8(socket->request().rawHeader("User-Agent")), std::move(limits), parent)
{
    adoptSocket(std::move(socket));
}

SocketSession::SocketSession(QString peer, QString userAgent, SessionLimits limits, QObject *parent)
    : QObject(parent)
    , m_limits(std::move(limits))
    , m_sid(randomId())
    , m_peer(std::move(peer))
    , m_userAgent(std::move(userAgent))
{
    m_pingTimer.setSingleShot(true);
    m_pingTimer.setInterval(m_limits.pingInterval);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        sendEngine(engineio::encodeText(engineio::PacketType::Ping));
        m_pongTimer.start();
    });
    m_pongTimer.setSingleShot(true);
    m_pongTimer.setInterval(m_limits.pingTimeout);
    connect(&m_pongTimer, &QTimer::timeout, this, [this] {
        fail(
            QStringLiteral("ping timeout: no pong within %1 ms").arg(m_limits.pingTimeout.count()));
    });
    m_connectTimer.setSingleShot(true);
    m_connectTimer.setInterval(m_limits.connectTimeout);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("no namespace joined within %1 ms")
                 .arg(m_limits.connectTimeout.count()));
    });
}

SocketSession::~SocketSession()
{
    for (const auto &socket : {m_socket.get(), m_probe.get()})
        if (socket) {
            socket->disconnect(this);
            socket->abort();
        }
}

void SocketSession::adoptSocket(std::unique_ptr<QWebSocket> socket)
{
    m_socket = std::move(socket);
    // Qt refuses larger messages itself (close code 1009) before buffering all of them.
    m_socket->setMaxAllowedIncomingMessageSize(quint64(m_limits.maxPayload));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(m_limits.maxPayload));

    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &SocketSession::onText);
    connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this, &SocketSession::onBinary);
    connect(m_socket.get(), &QWebSocket::disconnected, this, &SocketSession::onSocketGone);
}

HttpReply SocketSession::handlePoll(const HttpRequest &request)
{
    if (m_closed || !isPolling())
        return engineError(QStringLiteral("the session no longer polls"));
    if (m_poll && m_poll->isOpen()) {
        // Engine.IO allows one GET at a time; Node closes the session too.
        fail(QStringLiteral("overlapping long-polling GET requests"));
        return engineError(QStringLiteral("overlapping GET requests"));
    }
    m_poll = request.later;
    flushPoll();
    HttpReply held;
    held.deferred = true;
    return held;
}

HttpReply SocketSession::handlePost(const HttpRequest &request)
{
    if (m_closed || !isPolling())
        return engineError(QStringLiteral("the session no longer polls"));
    if (request.body.size() > m_limits.maxPayload) {
        fail(QStringLiteral("message above maxPayload (%1 bytes): a POST of %2 bytes")
                 .arg(m_limits.maxPayload)
                 .arg(request.body.size()));
        return engineError(QStringLiteral("payload too large"));
    }
    // A payload is packets joined by the record separator; binary ones are "b" + base64.
    const QList<QByteArray> packets = request.body.split('\x1e');
    for (const QByteArray &packet : packets) {
        if (packet.startsWith('b'))
            onBinary(QByteArray::fromBase64(packet.mid(1)));
        else
            onEnginePacketText(packet);
        if (m_closed)
            return engineError(QStringLiteral("the session was closed"));
    }
    return pollingReply(QByteArrayLiteral("ok"));
}

void SocketSession::upgrade(std::unique_ptr<QWebSocket> socket)
{
    if (m_closed || !isPolling() || m_probe) {
        QWebSocket *refused = socket.release();
        connect(refused, &QWebSocket::disconnected, refused, &QObject::deleteLater);
        QMetaObject::invokeMethod(
            refused,
            [refused] {
                refused->close(QWebSocketProtocol::CloseCodeProtocolError,
                               QStringLiteral("the session cannot be upgraded"));
            },
            Qt::QueuedConnection);
        return;
    }
    m_probe = std::move(socket);
    m_probe->setMaxAllowedIncomingMessageSize(quint64(m_limits.maxPayload));
    connect(m_probe.get(), &QWebSocket::textMessageReceived, this, &SocketSession::onProbeText);
    connect(m_probe.get(), &QWebSocket::disconnected, this, [this] {
        // The upgrade failed; the client goes on polling.
        m_probe->disconnect(this);
        m_probe.release()->deleteLater();
    });
}

void SocketSession::onProbeText(const QString &text)
{
    if (text == QLatin1String("2probe")) {
        m_probe->sendTextMessage(QStringLiteral("3probe"));
        // A noop ends the GET in flight, so that the client can pause polling.
        m_outbox.push_back(engineio::encodeText(engineio::PacketType::Noop));
        flushPoll();
        return;
    }
    if (text != QLatin1String("5")) {
        fail(QStringLiteral("unexpected packet during the websocket upgrade (frame starts \"%1\")")
                 .arg(preview(text.toUtf8())));
        return;
    }
    std::unique_ptr<QWebSocket> socket = std::move(m_probe);
    socket->disconnect(this);
    std::vector<std::string> queued(m_outbox.begin(), m_outbox.end());
    m_outbox.clear();
    if (m_poll) {
        m_outbox.push_back(engineio::encodeText(engineio::PacketType::Noop));
        flushPoll();
        m_outbox.clear();
    }
    m_poll.reset();
    adoptSocket(std::move(socket));
    for (const std::string &frame : queued)
        sendEngine(frame);
}

void SocketSession::flushPoll()
{
    if (!m_poll || m_outbox.isEmpty())
        return;
    std::shared_ptr<PendingReply> poll = std::move(m_poll);
    if (!poll->isOpen())
        return; // the client gave up on this GET; the packets wait for the next one
    QByteArray body;
    for (const std::string &frame : std::as_const(m_outbox)) {
        if (!body.isEmpty())
            body += '\x1e';
        body += QByteArray(frame.data(), qsizetype(frame.size()));
    }
    m_outbox.clear();
    poll->send(pollingReply(body));
}

QString SocketSession::peer() const
{
    return m_peer;
}

QString SocketSession::userAgent() const
{
    return m_userAgent;
}

void SocketSession::open()
{
    const json handshake = {
        {"sid", m_sid.toStdString()},
        {"upgrades", isPolling() ? json::array({"websocket"}) : json::array()},
        {"pingInterval", m_limits.pingInterval.count()},
        {"pingTimeout", m_limits.pingTimeout.count()},
        {"maxPayload", m_limits.maxPayload},
    };
    sendEngine(engineio::encodeText(engineio::PacketType::Open, socketio::dumpJson(handshake)));
    schedulePing();
    m_connectTimer.start();
}

Result<void> SocketSession::emitEvent(const QString &nsp, const QString &event, json args)
{
    if (m_closed)
        return makeError(QStringLiteral("the connection is closed"));
    if (!m_joined.contains(nsp))
        return makeError(QStringLiteral("the client has not joined %1").arg(nsp));
    if (!args.is_array())
        args = json::array({std::move(args)});
    args.insert(args.begin(), event.toStdString());
    send(socketio::Packet::event(nsp.toStdString(), std::move(args)));
    return {};
}

void SocketSession::refuse(const QString &nsp, const json &payload)
{
    if (m_closed)
        return;
    m_joined.remove(nsp);
    send(socketio::Packet{socketio::PacketType::ConnectError, nsp.toStdString(), std::nullopt,
                          payload});
}

void SocketSession::close(const QString &reason)
{
    finish(reason, false);
}

void SocketSession::onText(const QString &text)
{
    onEnginePacketText(text.toUtf8());
}

void SocketSession::onEnginePacketText(const QByteArray &utf8)
{
    if (m_closed)
        return;
    const auto packet
        = engineio::decodeTextView(std::string_view(utf8.constData(), size_t(utf8.size())));
    if (!packet) {
        fail(QStringLiteral("garbage frame: %1 (frame starts \"%2\")")
                 .arg(packet.error().message, preview(utf8)));
        return;
    }
    switch (packet->type) {
    case engineio::PacketType::Pong:
        m_pongTimer.stop();
        schedulePing();
        return;
    case engineio::PacketType::Message: {
        auto decoded = m_decoder.addText(packet->data);
        if (!decoded) {
            fail(QStringLiteral("undecodable Socket.IO packet: %1 (frame starts \"%2\")")
                     .arg(decoded.error().message, preview(utf8)));
            return;
        }
        if (*decoded)
            onPacket(std::move(**decoded));
        return;
    }
    case engineio::PacketType::Close:
        finish(QStringLiteral("client closed the connection"), false);
        return;
    case engineio::PacketType::Noop:
        return;
    case engineio::PacketType::Ping:
        // Engine.IO v4 servers ping, clients answer; Node closes on this too.
        fail(QStringLiteral(
            "invalid heartbeat direction: the client sent a ping (Engine.IO v3 client?)"));
        return;
    case engineio::PacketType::Open:
    case engineio::PacketType::Upgrade:
        fail(QStringLiteral("unexpected Engine.IO packet from the client (frame starts \"%1\")")
                 .arg(preview(utf8)));
        return;
    }
}

void SocketSession::onBinary(const QByteArray &bytes)
{
    if (m_closed)
        return;
    auto decoded = m_decoder.addBinary(std::string_view(bytes.constData(), size_t(bytes.size())));
    if (!decoded) {
        fail(QStringLiteral("unexpected binary frame: %1 (%2 bytes)")
                 .arg(decoded.error().message)
                 .arg(bytes.size()));
        return;
    }
    if (*decoded)
        onPacket(std::move(**decoded));
}

void SocketSession::onPacket(socketio::Packet packet)
{
    const QString nsp = fromUtf8(packet.nsp);
    switch (packet.type) {
    case socketio::PacketType::Connect: {
        if (m_joined.contains(nsp)) {
            fail(QStringLiteral("second CONNECT to %1, which the client already joined").arg(nsp));
            return;
        }
        if (!m_limits.namespaces.contains(nsp)) {
            send(socketio::Packet{socketio::PacketType::ConnectError, packet.nsp, std::nullopt,
                                  json{{"message", "Invalid namespace"}}});
            Q_EMIT namespaceRefused(nsp);
            return;
        }
        const QString nspSid = randomId();
        m_joined.insert(nsp, nspSid);
        m_connectTimer.stop();
        send(socketio::Packet::connect(packet.nsp, json{{"sid", nspSid.toStdString()}}));
        Q_EMIT namespaceJoined(nsp, packet.data.value_or(json::object()));
        return;
    }
    case socketio::PacketType::Disconnect:
        if (m_joined.remove(nsp) > 0)
            Q_EMIT namespaceLeft(nsp, QStringLiteral("client namespace disconnect"));
        return;
    case socketio::PacketType::Event:
    case socketio::PacketType::BinaryEvent: {
        socketio::Event event;
        event.nsp = nsp;
        event.ackId = packet.id;
        json args = packet.data.value_or(json::array());
        const json &name = args.front();
        event.name = name.is_string() ? fromUtf8(name.get<std::string>()) : fromUtf8(name.dump());
        args.erase(args.begin());
        event.args = std::move(args);
        if (!m_joined.contains(nsp)) {
            // python's server ignores these; a plugin refused a moment ago may still have one
            // in flight, which is no reason to drop its connection.
            Q_EMIT eventReceived(event);
            return;
        }
        if (event.ackId)
            send(socketio::Packet::ack(packet.nsp, *event.ackId, json::array()));
        Q_EMIT eventReceived(event);
        return;
    }
    case socketio::PacketType::Ack:
    case socketio::PacketType::BinaryAck:
        return; // the hub asks for no acks
    case socketio::PacketType::ConnectError:
        fail(QStringLiteral("the client sent a CONNECT_ERROR, which only servers send"));
        return;
    }
}

void SocketSession::onSocketGone()
{
    if (m_closed)
        return;
    QString reason = QStringLiteral("transport close");
    bool fault = false;
    // Qt closes by itself (1009) when a message exceeds the limit set in the constructor.
    if (m_socket->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData) {
        reason = QStringLiteral("message above maxPayload (%1 bytes): %2")
                     .arg(m_limits.maxPayload)
                     .arg(m_socket->closeReason());
        fault = true;
    } else if (m_socket->closeCode() == QWebSocketProtocol::CloseCodeWrongDatatype) {
        reason = QStringLiteral("garbage frame: text that is not UTF-8 (%1)")
                     .arg(m_socket->closeReason());
        fault = true;
    } else if (m_socket->closeCode() == QWebSocketProtocol::CloseCodeProtocolError) {
        reason = QStringLiteral("WebSocket protocol error: %1").arg(m_socket->closeReason());
        fault = true;
    }
    finish(reason, fault);
}

void SocketSession::send(const socketio::Packet &packet)
{
    if (m_closed)
        return;
    const auto encoded = socketio::encode(packet);
    const std::string text = engineio::encodeText(engineio::PacketType::Message, encoded.text);
    if (m_socket) {
        m_socket->sendTextMessage(fromUtf8(text));
        for (const auto &attachment : encoded.attachments)
            m_socket->sendBinaryMessage(
                QByteArray(attachment.data(), qsizetype(attachment.size())));
        return;
    }
    // Long-polling carries binary packets as "b" + base64, in the same payload as their header.
    m_outbox.push_back(text);
    for (const auto &attachment : encoded.attachments)
        m_outbox.push_back(
            "b"
            + QByteArray(attachment.data(), qsizetype(attachment.size())).toBase64().toStdString());
    flushPoll();
}

void SocketSession::sendEngine(const std::string &frame)
{
    if (m_closed)
        return;
    if (m_socket) {
        m_socket->sendTextMessage(fromUtf8(frame));
        return;
    }
    m_outbox.push_back(frame);
    flushPoll();
}

void SocketSession::schedulePing()
{
    if (!m_closed)
        m_pingTimer.start();
}

void SocketSession::fail(const QString &reason)
{
    finish(reason, true);
}

void SocketSession::finish(const QString &reason, bool fault)
{
    if (m_closed)
        return;
    m_closed = true;
    m_pingTimer.stop();
    m_pongTimer.stop();
    m_connectTimer.stop();
    const auto joined = m_joined.keys();
    m_joined.clear();

    if (m_probe) {
        m_probe->disconnect(this);
        m_probe->abort();
        m_probe.release()->deleteLater();
    }
    if (!m_socket) {
        // Long-polling: the GET in flight, if any, carries the close packet.
        m_outbox.clear();
        m_outbox.push_back(engineio::encodeText(engineio::PacketType::Close));
        flushPoll();
        m_outbox.clear();
        for (const QString &nsp : joined)
            Q_EMIT namespaceLeft(nsp, reason);
        Q_EMIT closed(reason, fault);
        return;
    }
    // The socket outlives the session for the close handshake, so that the session may be
    // deleted as soon as closed() is out.
    QWebSocket *socket = m_socket.release();
    socket->disconnect(this);
    socket->setParent(nullptr);
    if (socket->state() == QAbstractSocket::ConnectedState) {
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(kCloseGraceMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
        socket->close(fault ? QWebSocketProtocol::CloseCodePolicyViolated
                            : QWebSocketProtocol::CloseCodeNormal,
                      reason.left(80)); // a close reason must fit in 123 bytes
    } else {
        socket->deleteLater();
    }

    for (const QString &nsp : joined)
        Q_EMIT namespaceLeft(nsp, reason);
    Q_EMIT closed(reason, fault);
}

} // namespace ango::hub
