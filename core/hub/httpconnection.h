#pragma once

#include "hub/httpfront.h"
#include "hub/httpparser.h"

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>

class QTcpSocket;

// One HTTP/1.1 connection of the hub: reads a request head (bounded in size and time), checks its
// Content-Length against the limit before reading a byte of the body, reads exactly that body,
// hands the request to the handler and writes the answer; keep-alive until the client closes or
// stays idle. A WebSocket upgrade leaves with its head unread, for QWebSocketServer.
namespace ango::hub {

class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    using Upgrade = std::function<void(QTcpSocket *)>;

    // Takes the socket (parented to the connection).
    HttpConnection(QTcpSocket *socket, const HttpFrontLimits &config,
                   const HttpFront::Handler &handler, Upgrade upgrade, QObject *parent);

    // Writes an answer (now, or later for a deferred one) and goes on with the next request.
    void reply(const HttpReply &reply);
    bool isConnected() const;
    // Between requests with nothing received: the first to go when the connections run out.
    bool isIdle() const;
    qint64 idleSinceMs() const; // QDateTime::currentMSecsSinceEpoch() when it went idle
    void evict();

    // A status and a message the hub answered a bad request with (413, 431, 408, ...).
    static void writeRefusal(QTcpSocket *socket, int status, const QString &message);

Q_SIGNALS:
    void refused(const QString &peer, int status, const QString &reason);

private:
    enum class State { Head, Body, Handling, Closing };

    void process();
    void dispatch();
    void refuse(int status, const QString &message);
    void closeAfterWriting();
    void onTimeout();
    void handOver();

    QTcpSocket *m_socket;
    const HttpFrontLimits &m_config;
    const HttpFront::Handler &m_handler;
    Upgrade m_upgrade;
    QString m_peer;
    State m_state = State::Head;
    bool m_headClockRunning = false;
    bool m_processing = false;
    qint64 m_idleSince = 0;
    HttpRequestHead m_head;
    QByteArray m_body;
    QTimer m_deadline;
};

} // namespace ango::hub
