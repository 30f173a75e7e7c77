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
    : QObject(parent)
    , m_socket(std::move(socket))
    , m_limits(std::move(limits))
    , m_sid(randomId())
{
    m_peer
        = QStringLiteral("%1:%2").arg(m_socket->peerAddress().toString()).arg(m_socket->peerPort());
    m_userAgent = QString::fromUtf8(m_socket->request().rawHeader("User-Agent"));

    // Qt refuses larger messages itself (close code 1009) before buffering all of them.
    m_socket->setMaxAllowedIncomingMessageSize(quint64(m_limits.maxPayload));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(m_limits.maxPayload));

    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &SocketSession::onText);
    connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this, &SocketSession::onBinary);
    connect(m_socket.get(), &QWebSocket::disconnected, this, &SocketSession::onSocketGone);

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
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
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
        {"upgrades", json::array()},
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
    if (m_closed)
        return;
    const QByteArray utf8 = text.toUtf8();
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
    const auto encoded = socketio::encode(packet);
    sendEngine(engineio::encodeText(engineio::PacketType::Message, encoded.text));
    for (const auto &attachment : encoded.attachments)
        m_socket->sendBinaryMessage(QByteArray(attachment.data(), qsizetype(attachment.size())));
}

void SocketSession::sendEngine(const std::string &frame)
{
    if (!m_closed)
        m_socket->sendTextMessage(fromUtf8(frame));
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
