#pragma once

#include "socketio/client.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <optional>

// What the client's integration tests observe: every signal of a Client, in arrival order, plus
// the helpers both peer suites share.
namespace ango::test {

using nlohmann::json;
using socketio::Client;

inline QString jsonText(const json &value)
{
    return QString::fromStdString(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

// Short reconnection delays keep the reconnect tests fast.
inline socketio::ClientOptions testOptions(int port)
{
    socketio::ClientOptions options;
    options.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    options.reconnectionDelay = std::chrono::milliseconds{50};
    options.reconnectionDelayMax = std::chrono::milliseconds{200};
    options.randomizationFactor = 0.5;
    options.openTimeout = std::chrono::milliseconds{3000};
    return options;
}

// The outcome of one ack callback; `calls` catches a callback invoked twice.
struct AckBox
{
    std::optional<Result<json>> result;
    int calls = 0;

    static std::pair<std::shared_ptr<AckBox>, Client::AckCallback> make()
    {
        auto box = std::make_shared<AckBox>();
        return {box, [box](Result<json> result) {
                    ++box->calls;
                    box->result.emplace(std::move(result));
                }};
    }
    bool ok() const { return result && result->ok(); }
    QString text() const
    {
        if (!result)
            return QStringLiteral("<no ack yet>");
        return result->ok() ? jsonText(result->value())
                            : QStringLiteral("error: ") + result->error().message;
    }
};

class ClientRecorder final : public QObject
{
public:
    struct ConnectError
    {
        QString nsp;
        QString message;
        json data;
    };

    explicit ClientRecorder(Client *client)
    {
        connect(client, &Client::stateChanged, this, [this](Client::State state) {
            states.append(state);
            log.append(QStringLiteral("state %1").arg(int(state)));
        });
        connect(client, &Client::reconnectScheduled, this, [this](int attempt, int delayMs) {
            reconnects.append({attempt, delayMs});
            log.append(
                QStringLiteral("reconnectScheduled attempt %1 in %2 ms").arg(attempt).arg(delayMs));
        });
        connect(client, &Client::namespaceConnected, this,
                [this](const QString &nsp, const QString &sid) {
                    connects.append({nsp, sid});
                    log.append(QStringLiteral("namespaceConnected %1 %2").arg(nsp, sid));
                });
        connect(client, &Client::namespaceConnectError, this,
                [this](const QString &nsp, const QString &message, const json &data) {
                    connectErrors.append({nsp, message, data});
                    log.append(QStringLiteral("namespaceConnectError %1 %2 %3")
                                   .arg(nsp, message, jsonText(data)));
                });
        connect(client, &Client::namespaceDisconnected, this,
                [this](const QString &nsp, const QString &reason) {
                    namespaceDisconnects.append({nsp, reason});
                    log.append(QStringLiteral("namespaceDisconnected %1 %2").arg(nsp, reason));
                });
        connect(client, &Client::eventReceived, this, [this](const socketio::Event &event) {
            events.append(event);
            log.append(
                QStringLiteral("event %1 %2 %3%4")
                    .arg(event.nsp, event.name, jsonText(event.args))
                    .arg(event.ackId ? QStringLiteral(" ack id %1").arg(*event.ackId) : QString()));
        });
        connect(client, &Client::disconnected, this, [this](const QString &reason) {
            disconnects.append(reason);
            log.append(QStringLiteral("disconnected %1").arg(reason));
        });
        connect(client, &Client::protocolError, this,
                [this](const QString &message, const QByteArray &bytes) {
                    protocolErrors.append(message);
                    log.append(QStringLiteral("protocolError %1 [%2]")
                                   .arg(message, QString::fromUtf8(bytes.left(200))));
                });
        connect(client, &Client::queueOverflow, this,
                [this](const QString &nsp, const QString &event) {
                    overflows.append({nsp, event});
                    log.append(QStringLiteral("queueOverflow %1 %2").arg(nsp, event));
                });
    }

    int connectCount(const QString &nsp) const
    {
        return int(std::count_if(connects.cbegin(), connects.cend(),
                                 [&](const auto &c) { return c.first == nsp; }));
    }
    QString sidOfConnect(const QString &nsp, int index) const
    {
        for (const auto &c : connects)
            if (c.first == nsp && index-- == 0)
                return c.second;
        return {};
    }
    QList<socketio::Event> eventsNamed(const QString &name, const QString &nsp = {}) const
    {
        QList<socketio::Event> found;
        for (const auto &e : events)
            if (e.name == name && (nsp.isEmpty() || e.nsp == nsp))
                found.append(e);
        return found;
    }
    int eventCount(const QString &name) const { return int(eventsNamed(name).size()); }
    // Position of the first log line starting with prefix, -1 if none: for ordering checks.
    int logIndex(const QString &prefix) const
    {
        for (int i = 0; i < log.size(); ++i)
            if (log.at(i).startsWith(prefix))
                return i;
        return -1;
    }

    QStringList log;
    QList<Client::State> states;
    QList<QPair<int, int>> reconnects;       // attempt, delay
    QList<QPair<QString, QString>> connects; // nsp, sid
    QList<ConnectError> connectErrors;
    QList<QPair<QString, QString>> namespaceDisconnects; // nsp, reason
    QList<socketio::Event> events;
    QStringList disconnects;
    QStringList protocolErrors;
    QList<QPair<QString, QString>> overflows; // nsp, event
};

} // namespace ango::test
