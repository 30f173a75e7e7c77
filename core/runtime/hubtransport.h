#pragma once

#include "common/result.h"

#include <QObject>
#include <QString>

#include <nlohmann/json.hpp>

// What the runtime needs of its connection to the hub, so that tests can put an in-process fake
// where the Socket.IO client stands (as KeePassXC's MockNetworkAccessManager stands for Qt's).
// The real one is SocketIoTransport. Contract, as socketio::Client keeps it: everything on the
// owner's thread; events arrive only for joined namespaces; an emit while the namespace is not
// connected is either queued (sent in order once it is) or refused with an error, never dropped
// in silence; after transport loss the transport reconnects by itself, after a namespace
// refusal or a server-side disconnect it does not (the runtime joins again).
namespace ango::runtime {

class HubTransport : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HubTransport)

public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    using QObject::QObject;

    virtual void open() = 0;
    virtual void close() = 0; // by the client: no reconnection
    virtual void joinNamespace(const QString &nsp) = 0;
    virtual bool isNamespaceConnected(const QString &nsp) const = 0;
    virtual State state() const = 0;
    // args: a JSON array of the event's arguments.
    virtual Result<void> emitEvent(const QString &nsp, const QString &event, nlohmann::json args)
        = 0;
    // Puts what was emitted on the wire now rather than when the event loop next turns: a run's
    // answer leaves before its clean-up. Order and content are unchanged.
    virtual void flush() {}

Q_SIGNALS:
    void stateChanged(ango::runtime::HubTransport::State state);
    void reconnectScheduled(int attempt, int delayMs);
    void namespaceConnected(const QString &nsp);
    void namespaceConnectError(const QString &nsp, const QString &message);
    // reason "io server disconnect…" when the server dropped the namespace.
    void namespaceDisconnected(const QString &nsp, const QString &reason);
    // args: the event's arguments (a JSON array), without its name.
    void eventReceived(const QString &nsp, const QString &name, const nlohmann::json &args);
    void disconnected(const QString &reason);
    void protocolError(const QString &message);
    void queueOverflow(const QString &nsp, const QString &event);
    void emitFailed(const QString &nsp, const QString &event, const QString &message);
};

} // namespace ango::runtime
