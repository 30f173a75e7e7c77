#pragma once

#include "common/result.h"
#include "hub/httpfront.h"
#include "socketio/client.h"
#include "socketio/socketiopacket.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>

class QWebSocket;

// The server side of one Engine.IO v4 / Socket.IO v5 connection over a WebSocket: OPEN packet,
// server pings, namespace CONNECT / DISCONNECT, events in and out. A session may also start on
// HTTP long-polling (python-socketio and the JS client do unless told transports=["websocket"]):
// packets then queue until the client's GET collects them, POSTs carry the client's packets, and
// a WebSocket with the session's sid takes over after the 2probe / 3probe / 5 upgrade. Anything a
// well-behaved client would not send (an undecodable frame, a client ping, a message above
// maxPayload) ends the connection with a reason that names the fault; other connections are not
// affected.
namespace ango::hub {

struct SessionLimits
{
    std::chrono::milliseconds pingInterval{25000};
    std::chrono::milliseconds pingTimeout{20000};
    std::chrono::milliseconds connectTimeout{45000};
    qint64 maxPayload = 1000000;
    QSet<QString> namespaces{QStringLiteral("/")}; // those a client may join
};

// A random id of URL-safe characters, as Engine.IO sids are.
QString randomId(int length = 20);

class SocketSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SocketSession)

public:
    SocketSession(std::unique_ptr<QWebSocket> socket, SessionLimits limits,
                  QObject *parent = nullptr);
    // A long-polling session: the handshake GET is answered by handlePoll() after open().
    SocketSession(QString peer, QString userAgent, SessionLimits limits, QObject *parent = nullptr);
    ~SocketSession() override;

    QString sid() const { return m_sid; }
    QString peer() const;      // "address:port"
    QString userAgent() const; // from the upgrade request
    bool isOpen() const { return !m_closed; }
    bool isPolling() const { return !m_socket; } // not (yet) upgraded to a WebSocket

    // Long-polling: a GET is held until there is something to send (answered through
    // request.later); a POST carries \x1e-separated packets. Refused once upgraded.
    HttpReply handlePoll(const HttpRequest &request);
    HttpReply handlePost(const HttpRequest &request);
    // A WebSocket that came with this session's sid: probed, then the transport from "5" on.
    void upgrade(std::unique_ptr<QWebSocket> socket);

    // Sends the OPEN packet and starts the heartbeat and the connect timer.
    void open();

    bool isJoined(const QString &nsp) const { return m_joined.contains(nsp); }
    Result<void> emitEvent(const QString &nsp, const QString &event, nlohmann::json args);
    // CONNECT_ERROR with this payload ({"message", "data"}); the namespace is left at once.
    void refuse(const QString &nsp, const nlohmann::json &payload);
    // Ends the connection; `reason` is what closed() reports.
    void close(const QString &reason);

Q_SIGNALS:
    void namespaceJoined(const QString &nsp, const nlohmann::json &auth);
    void namespaceLeft(const QString &nsp, const QString &reason);
    void namespaceRefused(const QString &nsp); // not one of SessionLimits::namespaces
    void eventReceived(const ango::socketio::Event &event);
    // Once per connection. `fault` is true when the client broke the protocol or a limit (the
    // reason says how) rather than just going away.
    void closed(const QString &reason, bool fault);

private:
    void onText(const QString &text);
    void onBinary(const QByteArray &bytes);
    void onPacket(socketio::Packet packet);
    void onSocketGone();
    void adoptSocket(std::unique_ptr<QWebSocket> socket);
    void onProbeText(const QString &text);
    void onEnginePacketText(const QByteArray &utf8);
    void flushPoll();
    void send(const socketio::Packet &packet);
    void sendEngine(const std::string &frame);
    void schedulePing();
    void fail(const QString &reason);
    void finish(const QString &reason, bool fault);

    std::unique_ptr<QWebSocket> m_socket; // null while long-polling
    std::unique_ptr<QWebSocket> m_probe;  // the WebSocket being upgraded to
    QList<std::string> m_outbox;          // long-polling: packets the next GET collects
    std::shared_ptr<PendingReply> m_poll; // long-polling: the GET held open
    SessionLimits m_limits;
    QString m_sid;
    QString m_peer;
    QString m_userAgent;
    QHash<QString, QString> m_joined; // namespace → its Socket.IO sid
    socketio::Decoder m_decoder;
    QTimer m_pingTimer;
    QTimer m_pongTimer;
    QTimer m_connectTimer;
    bool m_closed = false;
};

} // namespace ango::hub
