#pragma once

#include "common/result.h"
#include "socketio/engineiopacket.h"
#include "socketio/socketiopacket.h"

#include <QMap>
#include <QObject>
#include <QString>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>

// A Socket.IO v5 client (Engine.IO v4, websocket transport) on QWebSocket. Everything runs on
// the thread that owns the client; no threads of its own. Reconnection follows the JS client:
// exponential backoff with jitter after transport loss, never after a server-side namespace
// DISCONNECT, a CONNECT_ERROR or close().
namespace ango::socketio {

struct ClientOptions
{
    QUrl url; // http(s):// or ws(s)://; an empty path becomes /socket.io/
    QMap<QString, QString> query;
    bool reconnection = true;
    int reconnectionAttempts = -1; // -1: unlimited
    std::chrono::milliseconds reconnectionDelay{1000};
    std::chrono::milliseconds reconnectionDelayMax{5000};
    double randomizationFactor = 0.5;
    std::chrono::milliseconds openTimeout{20000};
    int maxQueuedEmits = 1000; // emits kept while a namespace is not connected
    bool verifyTls = true;
    // Limits on what a server may send (a broken or hostile hub). Each refusal names its option
    // and ends the transport, so the usual reconnection with backoff follows.
    // One incoming WebSocket message (an Engine.IO packet or a binary attachment), in bytes;
    // checked by Qt from the frame headers, before the payload is buffered.
    qint64 maxIncomingMessageBytes = 100LL * 1024 * 1024;
    // Events a namespace holds while its CONNECT reply is due (python-socketio emits before it),
    // counted and in bytes (the latter bounded by maxIncomingMessageBytes).
    int maxEventsBeforeConnect = 1000;
    // From a namespace's CONNECT to the server's reply; 0: no deadline.
    std::chrono::milliseconds connectAckTimeout{20000};
};

struct Event
{
    QString nsp;
    QString name;
    nlohmann::json args = nlohmann::json::array(); // the event's arguments, without its name
    std::optional<std::uint64_t> ackId;            // set when the sender asked for an ack
};

class Client final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Client)

public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    // Receives the ack's arguments (a JSON array), or an error: "ack timeout", "disconnected".
    using AckCallback = std::function<void(Result<nlohmann::json>)>;

    explicit Client(ClientOptions options, QObject *parent = nullptr);
    ~Client() override;

    // The Engine.IO URL derived from the options (ws/wss, /socket.io/ path, EIO=4, websocket).
    static QUrl engineIoUrl(const ClientOptions &options);

    void open();
    void close(); // "io client disconnect": no reconnection

    // Namespaces are (re)joined with their auth on every Engine.IO open.
    void joinNamespace(const QString &nsp, std::optional<nlohmann::json> auth = {});
    void leaveNamespace(const QString &nsp);
    bool isNamespaceConnected(const QString &nsp) const;

    // Emits an event with args (a JSON array, or a single value that becomes one argument).
    // While the namespace is not connected the emit is queued and sent, in order, after it
    // connects. Errors: reserved event name, namespace not joined or refused, queue full,
    // payload above the server's maxPayload.
    Result<void> emitEvent(const QString &nsp,
                           const QString &event,
                           nlohmann::json args = nlohmann::json::array(),
                           AckCallback ack = {},
                           std::chrono::milliseconds ackTimeout = std::chrono::milliseconds{0});
    Result<void> sendAck(const QString &nsp, std::uint64_t id, nlohmann::json args);
    // Emits are written to the socket once the read that caused them is handled (or every few
    // frames of a long read), so that a burst goes out in one write. A caller that knows its
    // burst is complete (the runtime after a run's response) calls this to write it now, before
    // its own clean-up; it waits for the read's end while more received frames are to be handled.
    void flush();

    State state() const;
    std::optional<engineio::Handshake> handshake() const;
    int queuedEmitCount() const;

Q_SIGNALS:
    void stateChanged(ango::socketio::Client::State state);
    void reconnectScheduled(int attempt, int delayMs);
    void namespaceConnected(const QString &nsp, const QString &sid);
    void namespaceConnectError(const QString &nsp, const QString &message, const nlohmann::json &data);
    void namespaceDisconnected(const QString &nsp, const QString &reason);
    void eventReceived(const ango::socketio::Event &event);
    // reason: "io client disconnect", "io server disconnect", "transport close", "transport error",
    // "ping timeout", "parse error", possibly followed by details.
    void disconnected(const QString &reason);
    void protocolError(const QString &message, const QByteArray &offendingBytes);
    void queueOverflow(const QString &nsp, const QString &event);
    // A queued emit that could not be sent once the namespace connected (e.g. above maxPayload).
    void emitFailed(const QString &nsp, const QString &event, const QString &message);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace ango::socketio
