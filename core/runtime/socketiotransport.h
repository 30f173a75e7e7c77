#pragma once

#include "runtime/hubtransport.h"
#include "socketio/client.h"

// The runtime's real transport: a socketio::Client, its signals passed on as they come (direct
// connections: no copy of a payload, no queued hop).
namespace ango::runtime {

class SocketIoTransport final : public HubTransport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SocketIoTransport)

public:
    explicit SocketIoTransport(socketio::ClientOptions options, QObject *parent = nullptr);
    ~SocketIoTransport() override;

    socketio::Client *client() const { return m_client; }

    void open() override;
    void close() override;
    void joinNamespace(const QString &nsp) override;
    bool isNamespaceConnected(const QString &nsp) const override;
    State state() const override;
    Result<void> emitEvent(const QString &nsp, const QString &event, nlohmann::json args) override;
    void flush() override;

private:
    socketio::Client *m_client;
};

} // namespace ango::runtime
