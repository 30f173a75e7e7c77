#pragma once

#include "runtime/hubapi.h"
#include "runtime/hubtransport.h"

#include <QList>
#include <QMap>

#include <nlohmann/json.hpp>

// In-process stand-ins for what the runtime talks to (runtime::RuntimeServices), so the request
// flow runs without a hub: the test plays the hub (sends `plugin` events, drops the transport,
// closes the namespace) and reads what the runtime emitted and posted.
namespace ango::test {

// Behaves as socketio::Client does towards its owner: open() connects the joined namespaces on
// the next turn of the event loop; while the transport is down an emit is queued and sent once
// the namespace is back; after the server closed a namespace emits are refused until it is
// joined again.
class FakeHubTransport final : public runtime::HubTransport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeHubTransport)

public:
    struct Emit
    {
        QString nsp;
        QString event;
        nlohmann::json args;
    };

    using HubTransport::HubTransport;

    void open() override;
    void close() override;
    void joinNamespace(const QString &nsp) override;
    bool isNamespaceConnected(const QString &nsp) const override;
    State state() const override { return m_state; }
    Result<void> emitEvent(const QString &nsp, const QString &event, nlohmann::json args) override;

    // The hub's side.
    void sendPlugin(const nlohmann::json &payload);
    void dropTransport(); // "transport close": namespaces pending, emits queued
    void reconnect();     // the transport is back: joined namespaces connect, the queue is sent
    void serverDisconnect(const QString &nsp); // "io server disconnect": emits refused

    // What reached the hub (queued emits only once sent), in order.
    const QList<Emit> &sent() const { return m_sent; }
    QList<nlohmann::json> sent(const QString &event) const; // first argument of each
    int queuedCount() const { return int(m_queue.size()); }

Q_SIGNALS:
    void emitted(const QString &event, const nlohmann::json &payload);

private:
    enum class Ns { Pending, Connected, ServerClosed };
    void setState(State state);
    void connectNamespaces();
    void deliver(Emit out);

    State m_state = State::Disconnected;
    QMap<QString, Ns> m_namespaces;
    QList<Emit> m_queue;
    QList<Emit> m_sent;
};

// Answers annotate() on the next turn of the event loop with `status`: 2xx is accepted,
// anything else fails with an error naming the status and the URL, as rest::RestClient's do.
class FakeHubApi final : public runtime::HubApi
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FakeHubApi)

public:
    struct Annotate
    {
        QString apiKey;
        QString taskId;
        nlohmann::json answer;
    };

    using HubApi::HubApi;

    void annotate(const QString &apiKey, const QString &taskId, const nlohmann::json &answer,
                  JsonDone done) override;

    int status = 200;
    const QList<Annotate> &calls() const { return m_calls; }

private:
    QList<Annotate> m_calls;
};

} // namespace ango::test
