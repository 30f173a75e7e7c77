#include "fakehub.h"

#include <QPointer>
#include <QTimer>

namespace ango::test {

void FakeHubTransport::open()
{
    if (m_state != State::Disconnected)
        return;
    setState(State::Connecting);
    QTimer::singleShot(0, this, [this] {
        if (m_state == State::Connecting)
            reconnect();
    });
}

void FakeHubTransport::close()
{
    for (auto it = m_namespaces.begin(); it != m_namespaces.end(); ++it) {
        const bool wasConnected = it.value() == Ns::Connected;
        it.value() = Ns::Pending;
        if (wasConnected)
            Q_EMIT namespaceDisconnected(it.key(), QStringLiteral("io client disconnect"));
    }
    m_queue.clear();
    setState(State::Disconnected);
    Q_EMIT disconnected(QStringLiteral("io client disconnect"));
}

void FakeHubTransport::joinNamespace(const QString &nsp)
{
    m_namespaces[nsp] = Ns::Pending;
    if (m_state == State::Connected)
        QTimer::singleShot(0, this, [this] { connectNamespaces(); });
}

bool FakeHubTransport::isNamespaceConnected(const QString &nsp) const
{
    return m_namespaces.value(nsp, Ns::Pending) == Ns::Connected;
}

Result<void> FakeHubTransport::emitEvent(const QString &nsp, const QString &event,
                                         nlohmann::json args)
{
    const auto it = m_namespaces.constFind(nsp);
    if (it == m_namespaces.constEnd())
        return makeError(QStringLiteral("namespace %1 is not joined").arg(nsp));
    if (it.value() == Ns::ServerClosed)
        return makeError(QStringLiteral("namespace %1 was disconnected by the server").arg(nsp));
    Emit out{nsp, event, std::move(args)};
    if (it.value() == Ns::Pending)
        m_queue.append(std::move(out));
    else
        deliver(std::move(out));
    return {};
}

void FakeHubTransport::sendPlugin(const nlohmann::json &payload)
{
    Q_EMIT eventReceived(QStringLiteral("/plugin"), QStringLiteral("plugin"),
                         nlohmann::json::array({payload}));
}

void FakeHubTransport::dropTransport()
{
    for (auto it = m_namespaces.begin(); it != m_namespaces.end(); ++it) {
        if (it.value() != Ns::Connected)
            continue;
        it.value() = Ns::Pending;
        Q_EMIT namespaceDisconnected(it.key(), QStringLiteral("transport close"));
    }
    Q_EMIT disconnected(QStringLiteral("transport close"));
    setState(State::Reconnecting);
}

void FakeHubTransport::reconnect()
{
    setState(State::Connected);
    connectNamespaces();
}

void FakeHubTransport::serverDisconnect(const QString &nsp)
{
    if (m_namespaces.value(nsp) != Ns::Connected)
        return;
    m_namespaces[nsp] = Ns::ServerClosed;
    Q_EMIT namespaceDisconnected(nsp, QStringLiteral("io server disconnect"));
}

QList<nlohmann::json> FakeHubTransport::sent(const QString &event) const
{
    QList<nlohmann::json> payloads;
    for (const Emit &out : m_sent)
        if (out.event == event)
            payloads.append(out.args.is_array() && !out.args.empty() ? out.args.front()
                                                                     : nlohmann::json());
    return payloads;
}

void FakeHubTransport::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void FakeHubTransport::connectNamespaces()
{
    if (m_state != State::Connected)
        return;
    for (auto it = m_namespaces.begin(); it != m_namespaces.end(); ++it) {
        if (it.value() == Ns::Connected)
            continue;
        const QString nsp = it.key();
        it.value() = Ns::Connected;
        // As the client does: what waited is sent before the owner hears of the connection.
        for (qsizetype i = 0; i < m_queue.size();) {
            if (m_queue.at(i).nsp == nsp)
                deliver(m_queue.takeAt(i));
            else
                ++i;
        }
        Q_EMIT namespaceConnected(nsp);
    }
}

void FakeHubTransport::deliver(Emit out)
{
    m_sent.append(std::move(out));
    const Emit &last = m_sent.constLast();
    Q_EMIT emitted(last.event, last.args.is_array() && !last.args.empty() ? last.args.front()
                                                                          : nlohmann::json());
}

void FakeHubApi::annotate(const QString &apiKey, const QString &taskId,
                          const nlohmann::json &answer, JsonDone done)
{
    m_calls.append(Annotate{apiKey, taskId, answer});
    const int answerStatus = status;
    QPointer<FakeHubApi> guard(this);
    QTimer::singleShot(0, this, [guard, answerStatus, taskId, done = std::move(done)] {
        if (!guard)
            return;
        if (answerStatus >= 200 && answerStatus < 300) {
            done(nlohmann::json{{"status", "ok"}});
            return;
        }
        done(Error{QStringLiteral("HTTP %1 from POST /v2/annotate/%2: the fake API refused it")
                       .arg(answerStatus)
                       .arg(taskId),
                   answerStatus});
    });
}

} // namespace ango::test
