#include "runtime/socketiotransport.h"

namespace ango::runtime {

namespace {

HubTransport::State stateOf(socketio::Client::State state)
{
    switch (state) {
    case socketio::Client::State::Disconnected:
        return HubTransport::State::Disconnected;
    case socketio::Client::State::Connecting:
        return HubTransport::State::Connecting;
    case socketio::Client::State::Connected:
        return HubTransport::State::Connected;
    case socketio::Client::State::Reconnecting:
        return HubTransport::State::Reconnecting;
    }
    return HubTransport::State::Disconnected;
}

} // namespace

SocketIoTransport::SocketIoTransport(socketio::ClientOptions options, QObject *parent)
    : HubTransport(parent)
    , m_client(new socketio::Client(std::move(options), this))
{
    using socketio::Client;
    connect(m_client, &Client::stateChanged, this,
            [this](Client::State state) { Q_EMIT stateChanged(stateOf(state)); });
    connect(m_client, &Client::reconnectScheduled, this, &HubTransport::reconnectScheduled);
    connect(m_client, &Client::namespaceConnected, this,
            [this](const QString &nsp, const QString &) { Q_EMIT namespaceConnected(nsp); });
    connect(m_client, &Client::namespaceConnectError, this,
            [this](const QString &nsp, const QString &message, const nlohmann::json &) {
                Q_EMIT namespaceConnectError(nsp, message);
            });
    connect(m_client, &Client::namespaceDisconnected, this, &HubTransport::namespaceDisconnected);
    connect(m_client, &Client::eventReceived, this, [this](const socketio::Event &event) {
        Q_EMIT eventReceived(event.nsp, event.name, event.args);
    });
    connect(m_client, &Client::disconnected, this, &HubTransport::disconnected);
    connect(m_client, &Client::protocolError, this,
            [this](const QString &message, const QByteArray &) { Q_EMIT protocolError(message); });
    connect(m_client, &Client::queueOverflow, this, &HubTransport::queueOverflow);
    connect(m_client, &Client::emitFailed, this, &HubTransport::emitFailed);
}

SocketIoTransport::~SocketIoTransport()
{
    // The client's last signals (it closes its socket) must not reach a half-destroyed owner.
    disconnect(m_client, nullptr, this, nullptr);
    delete m_client;
}

void SocketIoTransport::open()
{
    m_client->open();
}

void SocketIoTransport::close()
{
    m_client->close();
}

void SocketIoTransport::joinNamespace(const QString &nsp)
{
    m_client->joinNamespace(nsp);
}

bool SocketIoTransport::isNamespaceConnected(const QString &nsp) const
{
    return m_client->isNamespaceConnected(nsp);
}

HubTransport::State SocketIoTransport::state() const
{
    return stateOf(m_client->state());
}

Result<void> SocketIoTransport::emitEvent(const QString &nsp, const QString &event,
                                          nlohmann::json args)
{
    return m_client->emitEvent(nsp, event, std::move(args));
}

void SocketIoTransport::flush()
{
    m_client->flush();
}

} // namespace ango::runtime
