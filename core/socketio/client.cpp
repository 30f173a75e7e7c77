#include "client.h"

#include "backoff.h"
#include "transporterror.h"

#include <QAbstractSocket>
#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QPointer>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QtEndian>

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <map>
#include <vector>

Q_LOGGING_CATEGORY(lcSocketIo, "ango.socketio", QtWarningMsg)

namespace ango::socketio {

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

constexpr qsizetype kOffendingBytesShown = 200;

bool isReservedEvent(const QString &name)
{
    static const std::array<QLatin1StringView, 6> reserved = {
        QLatin1StringView("connect"),     QLatin1StringView("connect_error"),
        QLatin1StringView("disconnect"),  QLatin1StringView("disconnecting"),
        QLatin1StringView("newListener"), QLatin1StringView("removeListener"),
    };
    return std::any_of(reserved.begin(), reserved.end(),
                       [&](QLatin1StringView r) { return name == r; });
}

QByteArray truncated(const QByteArray &bytes)
{
    return bytes.size() <= kOffendingBytesShown ? bytes : bytes.left(kOffendingBytesShown) + "…";
}

std::string toStd(const QString &s)
{
    return s.toStdString();
}

QString closeCodeText(QWebSocketProtocol::CloseCode code)
{
    switch (code) {
    case QWebSocketProtocol::CloseCodeTooMuchData:
        return QStringLiteral("message too big");
    case QWebSocketProtocol::CloseCodeNormal:
        return QStringLiteral("normal closure");
    case QWebSocketProtocol::CloseCodeGoingAway:
        return QStringLiteral("going away");
    case QWebSocketProtocol::CloseCodeProtocolError:
        return QStringLiteral("protocol error");
    case QWebSocketProtocol::CloseCodeMissingStatusCode:
        return QStringLiteral("no status code");
    case QWebSocketProtocol::CloseCodeAbnormalDisconnection:
        return QStringLiteral("abnormal disconnection");
    default:
        return QString();
    }
}

} // namespace

class Client::Private
{
public:
    enum class NsStatus { Pending, Connected, Refused, ServerDisconnected, Left };

    struct Namespace
    {
        std::optional<json> auth;
        NsStatus status = NsStatus::Pending;
        QString sid;
        std::uint64_t nextAckId = 0;
        std::deque<Event> receiveBuffer; // events that arrived before the CONNECT reply
        qint64 receiveBufferBytes = 0;   // the frames those events came in
    };

    struct PendingAck
    {
        AckCallback callback;
        bool sent = false;
        std::optional<Clock::time_point> deadline;
    };

    struct QueuedEmit
    {
        QString nsp;
        QString event;
        Packet packet;
    };

    using AckKey = std::pair<QString, std::uint64_t>;

    Private(Client *q, ClientOptions options)
        : q(q)
        , options(std::move(options))
        , backoff(this->options.reconnectionDelay, this->options.reconnectionDelayMax,
                  this->options.randomizationFactor)
    {
        pingTimer.setSingleShot(true);
        openTimer.setSingleShot(true);
        reconnectTimer.setSingleShot(true);
        ackTimer.setSingleShot(true);
        connectAckTimer.setSingleShot(true);
        QObject::connect(&pingTimer, &QTimer::timeout, q,
                         [this] { transportLost(QStringLiteral("ping timeout")); });
        QObject::connect(&openTimer, &QTimer::timeout, q, [this] {
            const QUrl url = Client::engineIoUrl(this->options);
            net::FaultContext context = net::FaultContext::of(url);
            context.waited = this->options.openTimeout;
            context.detail = QStringLiteral("no Engine.IO handshake");
            transportLost(QStringLiteral("transport error: ")
                          + net::describeNetworkFault(net::NetworkFault::Timeout, context));
        });
        QObject::connect(&reconnectTimer, &QTimer::timeout, q, [this] { startTransport(); });
        QObject::connect(&ackTimer, &QTimer::timeout, q, [this] { expireAcks(); });
        QObject::connect(&connectAckTimer, &QTimer::timeout, q, [this] { connectAckExpired(); });
    }

    ~Private() { dropSocket(); }

    Client *q;
    ClientOptions options;
    Backoff backoff;
    State state = State::Disconnected;
    bool wantOpen = false;
    std::unique_ptr<QWebSocket> socket;
    bool engineOpen = false;
    std::optional<engineio::Handshake> handshake;
    QDeadlineTimer pingDeadline;
    Decoder decoder;
    std::map<QString, Namespace> namespaces;
    std::map<AckKey, PendingAck> acks;
    std::multimap<Clock::time_point, AckKey> ackDeadlines;
    std::deque<QueuedEmit> queue;
    // The TCP socket under `socket`, once its handshake is done: text frames are written to it
    // directly (see writeTextFrame).
    QPointer<QAbstractSocket> tcp;
    QRandomGenerator maskKeys{QRandomGenerator::system()->generate()};
    static constexpr int kFramesPerFlush = 8; // one write() per 8 answers, not one per emit
    int framesSinceFlush = 0;
    std::string frame; // the frame being built; keeps its capacity from one emit to the next
    QTimer pingTimer;
    QTimer openTimer;
    QTimer reconnectTimer;
    QTimer ackTimer;
    QTimer connectAckTimer; // one deadline for all namespaces whose CONNECT reply is due
    // The last transport was dropped because the hub broke a limit (no CONNECT reply, a message
    // too big, too many events before the reply): the next Engine.IO open must not reset the
    // backoff, or such a hub would be retried at full speed. Reset at the first CONNECT reply.
    bool hubBrokeLimit = false;
    qint64 packetBytes = 0; // frames of the packet being decoded (text plus attachments)
    quint64 generation = 0; // bumped on every transport teardown, to stop stale processing

    void setState(State s)
    {
        if (state == s)
            return;
        state = s;
        Q_EMIT q->stateChanged(s);
    }

    void startTransport()
    {
        dropSocket();
        setState(backoff.attempts() > 0 ? State::Reconnecting : State::Connecting);
        socket = std::make_unique<QWebSocket>();
        if (!options.verifyTls) {
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            tls.setPeerVerifyMode(QSslSocket::VerifyNone);
            socket->setSslConfiguration(tls);
        }
        QWebSocket *ws = socket.get();
        if (options.maxIncomingMessageBytes > 0) {
            ws->setMaxAllowedIncomingMessageSize(quint64(options.maxIncomingMessageBytes));
            ws->setMaxAllowedIncomingFrameSize(quint64(options.maxIncomingMessageBytes));
        }
        QObject::connect(ws, &QWebSocket::connected, q, [this, ws] {
            tcp = ws->findChild<QAbstractSocket *>();
            if (!tcp)
                return;
            // Small request/response frames: don't let Nagle hold them back.
            tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            // Connected after QWebSocket's own readyRead handler, so this runs once the frames
            // of a read have been handled: what they made us send goes out now, in one write,
            // instead of one poll later when the socket reports it can write.
            QObject::connect(tcp, &QAbstractSocket::readyRead, q, [this] {
                framesSinceFlush = 0;
                flushWrites();
            });
            // Within a long read (many requests in flight) the answers go out every few frames:
            // held until the whole read is handled, the server would sit idle meanwhile and the
            // two would take turns instead of working at once.
            QObject::connect(ws, &QWebSocket::textMessageReceived, q, [this] {
                if (++framesSinceFlush >= kFramesPerFlush) {
                    framesSinceFlush = 0;
                    flushWrites();
                }
            });
        });
        QObject::connect(ws, &QWebSocket::textMessageReceived, q,
                         [this](const QString &text) { onText(text.toUtf8()); });
        QObject::connect(ws, &QWebSocket::binaryMessageReceived, q,
                         [this](const QByteArray &b) { onBinary(b); });
        QObject::connect(ws, &QWebSocket::disconnected, q, [this, ws] {
            const auto code = ws->closeCode();
            QString reason = QStringLiteral("transport close");
            const QString text = closeCodeText(code);
            if (code != QWebSocketProtocol::CloseCodeNormal || !ws->closeReason().isEmpty())
                reason += QStringLiteral(" (code %1%2%3)")
                              .arg(int(code))
                              .arg(text.isEmpty() ? QString() : QStringLiteral(", ") + text)
                              .arg(ws->closeReason().isEmpty()
                                       ? QString()
                                       : QStringLiteral(": ") + ws->closeReason());
            if (code == QWebSocketProtocol::CloseCodeTooMuchData) {
                hubBrokeLimit = true;
                reason += QStringLiteral(": the server sent a message above "
                                         "maxIncomingMessageBytes (%1 bytes)")
                              .arg(options.maxIncomingMessageBytes);
            }
            // A transport that never opened failed to reach the hub: say why, with the host,
            // rather than "transport close" (whichever of the two signals comes first).
            if (!engineOpen && ws->error() != QAbstractSocket::UnknownSocketError) {
                transportLost(unreachable(ws->error(), ws->errorString()));
                return;
            }
            transportLost(reason);
        });
        // Qt 6.4 names the signal error(); errorOccurred() arrives in 6.5.
        QObject::connect(ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), q,
                         [this, ws](QAbstractSocket::SocketError error) {
                             transportLost(engineOpen ? QStringLiteral("transport error: ")
                                                            + ws->errorString()
                                                      : unreachable(error, ws->errorString()));
                         });
        QObject::connect(ws, &QWebSocket::sslErrors, q, [this](const QList<QSslError> &errors) {
            QStringList texts;
            for (const auto &e : errors)
                texts << e.errorString();
            transportLost(QStringLiteral("transport error: TLS verification failed: ")
                          + texts.join(QStringLiteral("; ")));
        });
        openTimer.start(options.openTimeout);
        ws->open(QNetworkRequest(Client::engineIoUrl(options)));
    }

    // "transport error: " and the cause in plain words naming the host, e.g. "127.0.0.1 refused
    // the connection on port 9 — is the hub running? (...)".
    QString unreachable(QAbstractSocket::SocketError error, const QString &detail) const
    {
        const QUrl url = Client::engineIoUrl(options);
        const bool secure = url.scheme() == QLatin1String("wss");
        const QString host
            = QStringLiteral("%1:%2").arg(url.host()).arg(url.port(secure ? 443 : 80));
        return QStringLiteral("transport error: ")
               + describeTransportFault(classifySocketError(error), host, detail);
    }

    // Graceful: a WebSocket close frame goes out first (close()); otherwise the socket is aborted.
    void dropSocket(bool graceful = false)
    {
        ++generation;
        engineOpen = false;
        pingTimer.stop();
        openTimer.stop();
        connectAckTimer.stop();
        decoder.reset();
        packetBytes = 0;
        if (tcp)
            QObject::disconnect(tcp, nullptr, q, nullptr);
        tcp = nullptr;
        if (!socket)
            return;
        QWebSocket *ws = socket.release();
        QObject::disconnect(ws, nullptr, q, nullptr);
        if (graceful) {
            ws->close();
            ws->flush();
        } else {
            ws->abort();
        }
        ws->deleteLater();
    }

    // --- incoming ----------------------------------------------------------------------------

    void onText(const QByteArray &frame)
    {
        auto packet = engineio::decodeText(std::string_view(frame.constData(), frame.size()));
        if (!packet) {
            parseError(packet.error().message, frame);
            return;
        }
        switch (packet->type) {
        case engineio::PacketType::Open:
            onOpen(*packet, frame);
            break;
        case engineio::PacketType::Ping:
            if (!engineOpen)
                return parseError(QStringLiteral("ping before the Engine.IO handshake"), frame);
            send(engineio::encodeText(engineio::PacketType::Pong, packet->data));
            armPingTimer();
            break;
        case engineio::PacketType::Close:
            transportLost(QStringLiteral("transport close (server sent an Engine.IO close)"));
            break;
        case engineio::PacketType::Message:
            if (!engineOpen)
                return parseError(QStringLiteral("message before the Engine.IO handshake"), frame);
            packetBytes = frame.size();
            onDecoded(decoder.addText(packet->data), frame);
            break;
        case engineio::PacketType::Pong:
        case engineio::PacketType::Upgrade:
        case engineio::PacketType::Noop:
            break;
        }
    }

    void onBinary(const QByteArray &frame)
    {
        if (!engineOpen)
            return parseError(QStringLiteral("binary frame before the Engine.IO handshake"), frame);
        packetBytes += frame.size();
        onDecoded(decoder.addBinary(std::string_view(frame.constData(), frame.size())), frame);
    }

    void parseError(const QString &message, const QByteArray &frame)
    {
        Q_EMIT q->protocolError(message, truncated(frame));
        transportLost(QStringLiteral("parse error: ") + message);
    }

    void onOpen(const engineio::Packet &packet, const QByteArray &frame)
    {
        if (engineOpen)
            return parseError(QStringLiteral("second Engine.IO open packet"), frame);
        auto hs = engineio::parseHandshake(packet.data);
        if (!hs)
            return parseError(QStringLiteral("invalid Engine.IO handshake: ") + hs.error().message,
                              frame);
        handshake = std::move(*hs);
        engineOpen = true;
        openTimer.stop();
        if (!hubBrokeLimit)
            backoff.reset();
        armPingTimer();
        setState(State::Connected);
        const quint64 gen = generation;
        for (auto &[nsp, ns] : namespaces) {
            if (ns.status != NsStatus::Pending)
                continue;
            sendPacket(Packet::connect(toStd(nsp), ns.auth));
            if (gen != generation)
                return;
            armConnectAckTimer();
        }
    }

    void armConnectAckTimer()
    {
        if (options.connectAckTimeout.count() > 0 && !connectAckTimer.isActive())
            connectAckTimer.start(options.connectAckTimeout);
    }

    // A hub that answers pings but never replies to CONNECT would otherwise hold us for ever.
    void connectAckExpired()
    {
        QStringList waiting;
        for (const auto &[nsp, ns] : namespaces)
            if (ns.status == NsStatus::Pending)
                waiting << nsp;
        if (!engineOpen || waiting.isEmpty())
            return;
        hubBrokeLimit = true;
        transportLost(QStringLiteral("connect timeout: no CONNECT reply for %1 within %2 ms "
                                     "(connectAckTimeout)")
                          .arg(waiting.join(QStringLiteral(", ")))
                          .arg(options.connectAckTimeout.count()));
    }

    void armPingTimer()
    {
        const auto window = handshake->pingInterval + handshake->pingTimeout;
        pingTimer.start(window);
        pingDeadline.setRemainingTime(window);
    }

    void onDecoded(Result<std::optional<Packet>> decoded, const QByteArray &frame)
    {
        if (!decoded)
            return parseError(decoded.error().message, frame);
        if (decoded->has_value())
            onPacket(std::move(**decoded));
    }

    void onPacket(Packet packet)
    {
        const QString nsp = QString::fromStdString(packet.nsp);
        switch (packet.type) {
        case PacketType::Connect:
            return onNamespaceConnect(nsp, packet);
        case PacketType::ConnectError:
            return onConnectError(nsp, packet);
        case PacketType::Disconnect:
            return onServerDisconnect(nsp);
        case PacketType::Event:
        case PacketType::BinaryEvent:
            return onEvent(nsp, std::move(packet));
        case PacketType::Ack:
        case PacketType::BinaryAck:
            return onAck(nsp, std::move(packet));
        }
    }

    void onNamespaceConnect(const QString &nsp, const Packet &packet)
    {
        auto it = namespaces.find(nsp);
        if (it == namespaces.end() || it->second.status != NsStatus::Pending) {
            qCDebug(lcSocketIo) << "ignoring CONNECT for" << nsp;
            return;
        }
        Namespace &ns = it->second;
        if (!packet.data || !packet.data->is_object() || !packet.data->contains("sid")
            || !(*packet.data)["sid"].is_string()) {
            return parseError(QStringLiteral("CONNECT for %1 without a sid: the server does not "
                                             "speak Socket.IO v5")
                                  .arg(nsp),
                              QByteArray::fromStdString(encode(packet).text));
        }
        ns.status = NsStatus::Connected;
        ns.sid = QString::fromStdString((*packet.data)["sid"].get<std::string>());
        ns.receiveBufferBytes = 0;
        if (hubBrokeLimit) {
            hubBrokeLimit = false;
            backoff.reset();
        }
        // The others still waiting get a fresh window: the server is answering.
        connectAckTimer.stop();
        if (std::any_of(namespaces.begin(), namespaces.end(),
                        [](const auto &e) { return e.second.status == NsStatus::Pending; }))
            armConnectAckTimer();
        const quint64 gen = generation;
        QPointer<Client> guard(q);
        Q_EMIT q->namespaceConnected(nsp, ns.sid);
        if (!guard || gen != generation)
            return;
        // Events the server emitted before its CONNECT reply (python-socketio does so).
        while (true) {
            auto nsIt = namespaces.find(nsp);
            if (nsIt == namespaces.end() || nsIt->second.status != NsStatus::Connected
                || nsIt->second.receiveBuffer.empty())
                break;
            Event ev = std::move(nsIt->second.receiveBuffer.front());
            nsIt->second.receiveBuffer.pop_front();
            Q_EMIT q->eventReceived(ev);
            if (!guard || gen != generation)
                return;
        }
        flushQueue(nsp);
    }

    void onConnectError(const QString &nsp, const Packet &packet)
    {
        auto it = namespaces.find(nsp);
        if (it == namespaces.end())
            return;
        QString message = QStringLiteral("connection refused");
        json data;
        if (packet.data) {
            if (packet.data->is_string()) {
                message = QString::fromStdString(packet.data->get<std::string>());
            } else if (packet.data->is_object()) {
                if (auto m = packet.data->find("message");
                    m != packet.data->end() && m->is_string())
                    message = QString::fromStdString(m->get<std::string>());
                if (auto d = packet.data->find("data"); d != packet.data->end())
                    data = *d;
            }
        }
        it->second.status = NsStatus::Refused;
        it->second.receiveBuffer.clear();
        it->second.receiveBufferBytes = 0;
        failSentAcks(nsp, QStringLiteral("namespace %1 refused: %2").arg(nsp, message));
        QPointer<Client> guard(q);
        Q_EMIT q->namespaceConnectError(nsp, message, data);
        if (guard)
            closeIfNoNamespaceLeft(QStringLiteral("io server disconnect"));
    }

    void onServerDisconnect(const QString &nsp)
    {
        auto it = namespaces.find(nsp);
        if (it == namespaces.end() || it->second.status != NsStatus::Connected)
            return;
        it->second.status = NsStatus::ServerDisconnected;
        failSentAcks(nsp, QStringLiteral("disconnected"));
        QPointer<Client> guard(q);
        Q_EMIT q->namespaceDisconnected(nsp, QStringLiteral("io server disconnect"));
        if (guard)
            closeIfNoNamespaceLeft(QStringLiteral("io server disconnect"));
    }

    void onEvent(const QString &nsp, Packet packet)
    {
        auto it = namespaces.find(nsp);
        if (it == namespaces.end())
            return; // python-socketio ignores events for namespaces not joined; so do we
        json &array = *packet.data;
        Event ev;
        ev.nsp = nsp;
        ev.name = array[0].is_string() ? QString::fromStdString(array[0].get<std::string>())
                                       : QString::fromStdString(array[0].dump());
        array.erase(array.begin());
        ev.args = std::move(array);
        ev.ackId = packet.id;
        switch (it->second.status) {
        case NsStatus::Pending: {
            Namespace &ns = it->second;
            const qint64 limitBytes = options.maxIncomingMessageBytes;
            if (int(ns.receiveBuffer.size()) >= options.maxEventsBeforeConnect
                || (limitBytes > 0 && ns.receiveBufferBytes + packetBytes > limitBytes)) {
                const QString message
                    = QStringLiteral("more than %1 events (or %2 bytes) arrived for %3 before its "
                                     "CONNECT reply (maxEventsBeforeConnect)")
                          .arg(options.maxEventsBeforeConnect)
                          .arg(limitBytes)
                          .arg(nsp);
                ns.receiveBuffer.clear();
                ns.receiveBufferBytes = 0;
                hubBrokeLimit = true;
                return parseError(message, QByteArray());
            }
            ns.receiveBufferBytes += packetBytes;
            ns.receiveBuffer.push_back(std::move(ev));
            break;
        }
        case NsStatus::Connected:
            Q_EMIT q->eventReceived(ev);
            break;
        default:
            break;
        }
    }

    void onAck(const QString &nsp, Packet packet)
    {
        if (!packet.id)
            return;
        auto it = acks.find({nsp, *packet.id});
        if (it == acks.end()) {
            qCDebug(lcSocketIo) << "ack for unknown id" << *packet.id << "on" << nsp;
            return;
        }
        AckCallback callback = std::move(it->second.callback);
        acks.erase(it);
        json args = packet.data ? std::move(*packet.data) : json::array();
        if (callback)
            callback(std::move(args));
    }

    // --- outgoing ----------------------------------------------------------------------------

    // A text frame is built in `frame` behind kFrameHeaderRoom bytes kept for its header:
    // beginTextFrame(), append the Engine.IO packet, writeTextFrame().
    static constexpr std::size_t kFrameHeaderRoom = 14; // 2 + 8 (64-bit length) + 4 (mask)

    void beginTextFrame() { frame.assign(kFrameHeaderRoom, '\0'); }
    std::size_t framePayloadSize() const { return frame.size() - kFrameHeaderRoom; }

    // Writes the frame straight to the TCP socket, where QTcpSocket gathers everything sent in
    // this event-loop turn into one write(). QWebSocket::sendTextMessage() would take a QString
    // (UTF-8 to UTF-16 and back) and copy the payload twice more, per frame. Each frame is one
    // write() into the socket's buffer, so QWebSocket's own frames (pong, close) only ever come
    // between whole frames. The payload is valid UTF-8: the JSON serializer replaces invalid
    // sequences and names come from QStrings.
    void writeTextFrame()
    {
        const std::size_t size = framePayloadSize();
        char *payload = frame.data() + kFrameHeaderRoom;
        if (!tcp || socket->state() != QAbstractSocket::ConnectedState) {
            socket->sendTextMessage(QString::fromUtf8(payload, qsizetype(size)));
            return;
        }
        // RFC 6455 section 5.2: FIN + text opcode, MASK bit and length, then the masking key.
        std::array<uchar, kFrameHeaderRoom> header{};
        std::size_t used = 0;
        header[used++] = 0x81;
        if (size < 126) {
            header[used++] = uchar(0x80 | size);
        } else if (size <= 0xFFFF) {
            header[used++] = 0x80 | 126;
            qToBigEndian(quint16(size), header.data() + used);
            used += 2;
        } else {
            header[used++] = 0x80 | 127;
            qToBigEndian(quint64(size), header.data() + used);
            used += 8;
        }
        // A client masks every frame with a fresh unpredictable key (section 10.3).
        const quint32 key = maskKeys.generate();
        std::memcpy(header.data() + used, &key, 4);
        used += 4;
        uchar mask[4];
        std::memcpy(mask, &key, 4);
        auto *bytes = reinterpret_cast<uchar *>(payload);
        std::size_t i = 0;
        const quint64 wide = quint64(key) | (quint64(key) << 32);
        for (; i + 8 <= size; i += 8) {
            quint64 chunk;
            std::memcpy(&chunk, bytes + i, 8);
            chunk ^= wide;
            std::memcpy(bytes + i, &chunk, 8);
        }
        for (; i < size; ++i)
            bytes[i] ^= mask[i % 4];
        char *start = payload - used;
        std::memcpy(start, header.data(), used);
        tcp->write(start, qint64(used + size));
    }

    void flushWrites()
    {
        if (tcp && tcp->bytesToWrite() > 0)
            tcp->flush();
    }

    void send(std::string_view text)
    {
        beginTextFrame();
        frame.append(text);
        writeTextFrame();
    }

    void sendPacket(const Packet &packet)
    {
        EncodedPacket encoded = encode(packet);
        sendEncoded(encoded);
    }

    void sendEncoded(const EncodedPacket &encoded)
    {
        beginTextFrame();
        frame.push_back(char(engineio::PacketType::Message));
        frame.append(encoded.text);
        writeTextFrame();
        for (const auto &attachment : encoded.attachments)
            socket->sendBinaryMessage(QByteArray(attachment.data(), qsizetype(attachment.size())));
    }

    // The common emit, an event without binary values sent at once, is encoded straight into
    // the frame: no [name, args...] array, no packet, no string of its own. False when the
    // arguments hold binary values (they need encode() and attachments).
    bool beginEventFrame(const QString &nsp, const QString &event, const json &args,
                         std::optional<std::uint64_t> id)
    {
        beginTextFrame();
        frame.push_back(char(engineio::PacketType::Message));
        const QByteArray name = utf8Of(event); // shared copies: a second lookup may evict
        const QByteArray space = utf8Of(nsp);
        return appendEventText(frame, std::string_view(space.constData(), size_t(space.size())),
                               std::string_view(name.constData(), size_t(name.size())), args, id);
    }

    // The same few event names and namespaces are emitted over and over: their UTF-8 is kept
    // (a handful, so that arbitrary names cannot grow it) instead of converted on every emit.
    static constexpr std::size_t kUtf8Kept = 8;
    std::vector<std::pair<QString, QByteArray>> utf8Kept;

    const QByteArray &utf8Of(const QString &text)
    {
        for (const auto &[kept, utf8] : utf8Kept)
            if (kept == text)
                return utf8;
        if (utf8Kept.size() == kUtf8Kept)
            utf8Kept.erase(utf8Kept.begin());
        utf8Kept.emplace_back(text, text.toUtf8());
        return utf8Kept.back().second;
    }

    std::optional<QString> payloadProblem(std::int64_t largest, const QString &event) const
    {
        if (!handshake || !handshake->maxPayload || largest <= *handshake->maxPayload)
            return std::nullopt;
        return QStringLiteral("event '%1' is %2 bytes, above the server's maxPayload of %3 bytes")
            .arg(event)
            .arg(largest)
            .arg(*handshake->maxPayload);
    }

    std::optional<QString> sizeProblem(const EncodedPacket &encoded, const QString &event) const
    {
        if (encoded.attachments.size() > size_t(kMaxAttachments))
            return QStringLiteral("event '%1' carries %2 binary attachments; servers accept at "
                                  "most %3")
                .arg(event)
                .arg(encoded.attachments.size())
                .arg(kMaxAttachments);
        std::int64_t largest = std::int64_t(encoded.text.size()) + 1;
        for (const auto &a : encoded.attachments)
            largest = std::max<std::int64_t>(largest, std::int64_t(a.size()));
        return payloadProblem(largest, event);
    }

    bool canSendNow(const QString &nsp)
    {
        if (!engineOpen)
            return false;
        if (pingDeadline.hasExpired()) {
            // Timers may have been throttled (suspend); the link is dead even if no timer fired.
            transportLost(QStringLiteral("ping timeout"));
            return false;
        }
        auto it = namespaces.find(nsp);
        if (it == namespaces.end() || it->second.status != NsStatus::Connected)
            return false;
        return std::none_of(queue.begin(), queue.end(),
                            [&](const QueuedEmit &e) { return e.nsp == nsp; });
    }

    void flushQueue(const QString &nsp)
    {
        const quint64 gen = generation;
        for (auto it = queue.begin(); it != queue.end();) {
            if (it->nsp != nsp) {
                ++it;
                continue;
            }
            QueuedEmit item = std::move(*it);
            it = queue.erase(it);
            EncodedPacket encoded = encode(item.packet);
            if (auto problem = sizeProblem(encoded, item.event)) {
                failAck(nsp, item.packet.id, *problem);
                Q_EMIT q->emitFailed(nsp, item.event, *problem);
            } else {
                sendEncoded(encoded);
                if (item.packet.id)
                    if (auto a = acks.find({nsp, *item.packet.id}); a != acks.end())
                        a->second.sent = true;
            }
            if (gen != generation)
                return;
        }
    }

    // --- acks --------------------------------------------------------------------------------

    void registerAck(const QString &nsp, std::uint64_t id, AckCallback callback,
                     std::chrono::milliseconds timeout)
    {
        PendingAck pending{std::move(callback), false, std::nullopt};
        if (timeout.count() > 0) {
            pending.deadline = Clock::now() + timeout;
            ackDeadlines.emplace(*pending.deadline, AckKey{nsp, id});
            armAckTimer();
        }
        acks.emplace(AckKey{nsp, id}, std::move(pending));
    }

    void armAckTimer()
    {
        if (ackDeadlines.empty()) {
            ackTimer.stop();
            return;
        }
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
            ackDeadlines.begin()->first - Clock::now());
        ackTimer.start(std::max(wait, std::chrono::milliseconds(0)) + std::chrono::milliseconds(1));
    }

    void expireAcks()
    {
        const auto now = Clock::now();
        std::vector<AckCallback> expired;
        while (!ackDeadlines.empty() && ackDeadlines.begin()->first <= now) {
            const auto [deadline, key] = *ackDeadlines.begin();
            ackDeadlines.erase(ackDeadlines.begin());
            auto it = acks.find(key);
            if (it != acks.end() && it->second.deadline == deadline) {
                expired.push_back(std::move(it->second.callback));
                acks.erase(it);
            }
        }
        armAckTimer();
        for (auto &callback : expired)
            if (callback)
                callback(makeError(QStringLiteral("ack timeout")));
    }

    void failAck(const QString &nsp, std::optional<std::uint64_t> id, const QString &message)
    {
        if (!id)
            return;
        auto it = acks.find({nsp, *id});
        if (it == acks.end())
            return;
        AckCallback callback = std::move(it->second.callback);
        acks.erase(it);
        if (callback)
            callback(makeError(message));
    }

    // Acks of packets already on the wire can never arrive once the namespace session ends;
    // acks of packets still queued stay, as in the JS client.
    void failSentAcks(const std::optional<QString> &nsp, const QString &message)
    {
        std::vector<AckCallback> failed;
        for (auto it = acks.begin(); it != acks.end();) {
            if (it->second.sent && (!nsp || it->first.first == *nsp)) {
                failed.push_back(std::move(it->second.callback));
                it = acks.erase(it);
            } else {
                ++it;
            }
        }
        for (auto &callback : failed)
            if (callback)
                callback(makeError(message));
    }

    // --- teardown ----------------------------------------------------------------------------

    void transportLost(const QString &reason)
    {
        if (!socket && state == State::Disconnected)
            return;
        const bool wasOpen = engineOpen;
        dropSocket();
        QPointer<Client> guard(q);
        const quint64 gen = generation;
        for (auto &[nsp, ns] : namespaces) {
            const bool wasConnected = ns.status == NsStatus::Connected;
            if (ns.status == NsStatus::Connected || ns.status == NsStatus::Pending)
                ns.status = NsStatus::Pending;
            ns.receiveBuffer.clear();
            ns.receiveBufferBytes = 0;
            if (wasConnected) {
                Q_EMIT q->namespaceDisconnected(nsp, reason);
                if (!guard || gen != generation)
                    return;
            }
        }
        failSentAcks(std::nullopt, QStringLiteral("disconnected"));
        if (!guard)
            return;
        if (wasOpen || state != State::Reconnecting) {
            Q_EMIT q->disconnected(reason);
            if (!guard || gen != generation)
                return;
        }
        scheduleReconnect();
    }

    void scheduleReconnect()
    {
        if (!wantOpen || !options.reconnection) {
            setState(State::Disconnected);
            return;
        }
        if (options.reconnectionAttempts >= 0
            && backoff.attempts() >= options.reconnectionAttempts) {
            wantOpen = false;
            setState(State::Disconnected);
            Q_EMIT q->disconnected(QStringLiteral("reconnection failed after %1 attempts")
                                       .arg(options.reconnectionAttempts));
            return;
        }
        const auto delay = backoff.next();
        setState(State::Reconnecting);
        reconnectTimer.start(delay);
        Q_EMIT q->reconnectScheduled(backoff.attempts(), int(delay.count()));
    }

    bool anyNamespaceActive() const
    {
        return std::any_of(namespaces.begin(), namespaces.end(), [](const auto &entry) {
            return entry.second.status == NsStatus::Connected
                   || entry.second.status == NsStatus::Pending;
        });
    }

    // Like the reference clients, the Engine.IO session ends when no namespace is left.
    void closeIfNoNamespaceLeft(const QString &reason)
    {
        if (anyNamespaceActive() || !socket)
            return;
        wantOpen = false;
        reconnectTimer.stop();
        dropSocket();
        failSentAcks(std::nullopt, QStringLiteral("disconnected"));
        setState(State::Disconnected);
        Q_EMIT q->disconnected(reason);
    }
};

Client::Client(ClientOptions options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(options)))
{}

Client::~Client() = default;

QUrl Client::engineIoUrl(const ClientOptions &options)
{
    QUrl url = options.url;
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1StringView("http"))
        url.setScheme(QStringLiteral("ws"));
    else if (scheme == QLatin1StringView("https"))
        url.setScheme(QStringLiteral("wss"));
    QString path = url.path();
    if (path.isEmpty() || path == QLatin1StringView("/"))
        path = QStringLiteral("/socket.io/");
    else if (!path.endsWith(QLatin1Char('/')))
        path += QLatin1Char('/'); // Node drops the socket and python answers 404 without it
    url.setPath(path);
    QUrlQuery query(url);
    for (auto it = options.query.cbegin(); it != options.query.cend(); ++it)
        query.addQueryItem(it.key(), it.value());
    query.removeAllQueryItems(QStringLiteral("EIO"));
    query.removeAllQueryItems(QStringLiteral("transport"));
    query.addQueryItem(QStringLiteral("EIO"), QStringLiteral("4"));
    query.addQueryItem(QStringLiteral("transport"), QStringLiteral("websocket"));
    url.setQuery(query);
    return url;
}

void Client::open()
{
    if (d->wantOpen)
        return;
    d->wantOpen = true;
    d->backoff.reset();
    d->hubBrokeLimit = false;
    for (auto &[nsp, ns] : d->namespaces)
        if (ns.status == Private::NsStatus::Refused
            || ns.status == Private::NsStatus::ServerDisconnected)
            ns.status = Private::NsStatus::Pending;
    d->startTransport();
}

void Client::close()
{
    const bool wasActive = d->wantOpen || d->socket;
    d->wantOpen = false;
    d->reconnectTimer.stop();
    if (!wasActive)
        return;
    QPointer<Client> guard(this);
    if (d->engineOpen) {
        for (auto &[nsp, ns] : d->namespaces)
            if (ns.status == Private::NsStatus::Connected)
                d->sendPacket(Packet::disconnect(toStd(nsp)));
    }
    d->dropSocket(true);
    const quint64 gen = d->generation;
    for (auto &[nsp, ns] : d->namespaces) {
        const bool wasConnected = ns.status == Private::NsStatus::Connected;
        if (wasConnected || ns.status == Private::NsStatus::Pending)
            ns.status = Private::NsStatus::Pending;
        ns.receiveBuffer.clear();
        ns.receiveBufferBytes = 0;
        if (wasConnected) {
            Q_EMIT namespaceDisconnected(nsp, QStringLiteral("io client disconnect"));
            if (!guard || gen != d->generation)
                return;
        }
    }
    d->failSentAcks(std::nullopt, QStringLiteral("disconnected"));
    if (!guard)
        return;
    d->setState(State::Disconnected);
    Q_EMIT disconnected(QStringLiteral("io client disconnect"));
}

void Client::joinNamespace(const QString &nsp, std::optional<nlohmann::json> auth)
{
    auto [it, inserted] = d->namespaces.try_emplace(nsp);
    Private::Namespace &ns = it->second;
    ns.auth = std::move(auth);
    if (ns.status == Private::NsStatus::Connected)
        return;
    // A namespace already Pending has its CONNECT on the wire (or sent on open); a second one
    // makes the Node server close the connection.
    const bool needsConnect = inserted || ns.status != Private::NsStatus::Pending;
    ns.status = Private::NsStatus::Pending;
    if (d->engineOpen && needsConnect) {
        const quint64 gen = d->generation;
        d->sendPacket(Packet::connect(toStd(nsp), ns.auth));
        if (gen == d->generation)
            d->armConnectAckTimer();
    }
}

void Client::leaveNamespace(const QString &nsp)
{
    auto it = d->namespaces.find(nsp);
    if (it == d->namespaces.end())
        return;
    const bool wasConnected = it->second.status == Private::NsStatus::Connected;
    if (wasConnected && d->engineOpen)
        d->sendPacket(Packet::disconnect(toStd(nsp)));
    d->namespaces.erase(it);
    d->failSentAcks(nsp, QStringLiteral("disconnected"));
    QPointer<Client> guard(this);
    if (wasConnected)
        Q_EMIT namespaceDisconnected(nsp, QStringLiteral("io client disconnect"));
    if (guard)
        d->closeIfNoNamespaceLeft(QStringLiteral("io client disconnect"));
}

bool Client::isNamespaceConnected(const QString &nsp) const
{
    auto it = d->namespaces.find(nsp);
    return it != d->namespaces.end() && it->second.status == Private::NsStatus::Connected;
}

Result<void> Client::emitEvent(const QString &nsp, const QString &event, nlohmann::json args,
                               AckCallback ack, std::chrono::milliseconds ackTimeout)
{
    if (isReservedEvent(event))
        return makeError(QStringLiteral("'%1' is a reserved event name").arg(event));
    auto it = d->namespaces.find(nsp);
    if (it == d->namespaces.end())
        return makeError(QStringLiteral("namespace %1 is not joined").arg(nsp));
    if (it->second.status == Private::NsStatus::Refused)
        return makeError(QStringLiteral("namespace %1 was refused by the server").arg(nsp));
    if (it->second.status == Private::NsStatus::ServerDisconnected)
        return makeError(QStringLiteral("namespace %1 was disconnected by the server").arg(nsp));

    std::optional<std::uint64_t> id;
    if (ack)
        id = it->second.nextAckId++;
    const bool now = d->canSendNow(nsp);
    if (now && d->beginEventFrame(nsp, event, args, id)) {
        if (auto problem = d->payloadProblem(std::int64_t(d->framePayloadSize()), event))
            return makeError(*problem);
        if (id) {
            d->registerAck(nsp, *id, std::move(ack), ackTimeout);
            d->acks[{nsp, *id}].sent = true;
        }
        d->writeTextFrame();
        return {};
    }

    json array = json::array();
    array.push_back(toStd(event));
    if (args.is_array()) {
        for (auto &a : args)
            array.push_back(std::move(a));
    } else {
        array.push_back(std::move(args));
    }
    Packet packet = Packet::event(toStd(nsp), std::move(array), id);

    if (now) {
        EncodedPacket encoded = encode(packet);
        if (auto problem = d->sizeProblem(encoded, event))
            return makeError(*problem);
        if (id) {
            d->registerAck(nsp, *id, std::move(ack), ackTimeout);
            d->acks[{nsp, *id}].sent = true;
        }
        d->sendEncoded(encoded);
        return {};
    }
    if (int(d->queue.size()) >= d->options.maxQueuedEmits) {
        Q_EMIT queueOverflow(nsp, event);
        return makeError(QStringLiteral("emit queue full (%1 emits waiting): '%2' not queued")
                             .arg(d->options.maxQueuedEmits)
                             .arg(event));
    }
    if (id)
        d->registerAck(nsp, *id, std::move(ack), ackTimeout);
    d->queue.push_back({nsp, event, std::move(packet)});
    return {};
}

Result<void> Client::sendAck(const QString &nsp, std::uint64_t id, nlohmann::json args)
{
    if (!d->engineOpen || !isNamespaceConnected(nsp))
        return makeError(QStringLiteral("cannot ack %1 on %2: not connected").arg(id).arg(nsp));
    if (!args.is_array())
        args = json::array({std::move(args)});
    d->sendPacket(Packet::ack(toStd(nsp), id, std::move(args)));
    return {};
}

void Client::flush()
{
    if (d->tcp && d->tcp->bytesAvailable() == 0)
        d->flushWrites();
}

Client::State Client::state() const
{
    return d->state;
}

std::optional<engineio::Handshake> Client::handshake() const
{
    return d->handshake;
}

int Client::queuedEmitCount() const
{
    return int(d->queue.size());
}

} // namespace ango::socketio
