#pragma once

#include "common/result.h"
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
// server pings, namespace CONNECT / DISCONNECT, events in and out. Anything a well-behaved client
// would not send (an undecodable frame, a client ping, a message above maxPayload) ends the
// connection with a reason that names the fault; other connections are not affected.
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
    ~SocketSession() override;

    QString sid() const { return m_sid; }
    QString peer() const;      // "address:port"
    QString userAgent() const; // from the upgrade request
    bool isOpen() const { return !m_closed; }

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
    void send(const socketio::Packet &packet);
    void sendEngine(const std::string &frame);
    void schedulePing();
    void fail(const QString &reason);
    void finish(const QString &reason, bool fault);

    std::unique_ptr<QWebSocket> m_socket;
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
