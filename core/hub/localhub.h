#pragma once

#include "common/result.h"
#include "hub/hubtypes.h"
#include "logging/logentry.h"

#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QObject>
#include <QUrl>

#include <memory>

// A stand-in for the Ango plugin hub on this machine: one port serves the Socket.IO side
// (/socket.io/, namespace /plugin, Engine.IO v4 over WebSocket) and the REST endpoints the SDK
// calls (/v2/...), so an unmodified plugin script can be run and debugged against the console.
// The hub tracks connected plugins and their heartbeats, refuses a wrong secret with a
// CONNECT_ERROR, sends runs (`plugin` events) and reports what comes back: the `response` of an
// interactive run, the annotate body of a workflow run, the plugin's log lines.
// Everything runs on the owner's thread; nothing here blocks.
namespace ango::hub {

class LocalHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalHub)

public:
    explicit LocalHub(HubOptions options = {}, QObject *parent = nullptr);
    ~LocalHub() override;

    const HubOptions &options() const;

    // "127.0.0.1:8080", "[::1]:0", "localhost:0"; port 0 picks a free one (see url()).
    Result<void> start(const QString &listen);
    Result<void> start(const QHostAddress &address, quint16 port);
    void stop(); // closes every connection and the port
    bool isListening() const;
    QUrl url() const;              // http://address:port, the socket host and the REST host alike
    QString listenAddress() const; // "127.0.0.1:PORT"

    // The plugins allowed to connect, with their secrets. A heartbeat with another id or a wrong
    // secret is refused.
    void setPluginSecret(const QString &pluginId, const QString &secret);
    void removePlugin(const QString &pluginId);
    // The apiKey every run carries; REST calls must present it.
    QString apiKey() const;

    // The line that starts a plugin script against this hub: its environment (ANGO_HOST,
    // ANGO_API_HOST, ANGO_PLUGIN_ID, ANGO_PLUGIN_SECRET) and the command. Unless revealSecret,
    // the secret appears as the shell reference "$ANGO_PLUGIN_SECRET", so the line can be shown
    // or logged as it is.
    // pythonPath, when not empty, goes first on PYTHONPATH (before what the shell already has):
    // the console's imerit_ango shim, for a python without the SDK.
    QMap<QString, QString> startEnvironment(const QString &pluginId) const;
    QString startCommand(const QString &pluginId, const QString &scriptPath,
                         bool revealSecret = false, const QString &pythonPath = {}) const;

    Result<HubAsset> addAsset(const QString &filePath);
    QList<HubAsset> assets() const;

    QList<ConnectedPlugin> plugins() const;
    bool isLive(const QString &pluginId) const;

    // Sends a `plugin` event to the plugin's newest live connection. The asset is an id from
    // addAsset() or the path of an image file (added on the fly). Returns the run's session;
    // the run ends with runFinished() exactly once (response, annotate, the plugin's error
    // report, or its connection going away), unless abandonRun() is called first.
    Result<QString> sendRun(const RunRequest &run);
    Result<QString> sendRun(const QString &pluginId, const QString &assetId,
                            const nlohmann::json &categorySchema, std::optional<QString> configJson,
                            bool workflow);
    void abandonRun(const QString &session);
    int runsInFlight() const;
    int openConnections() const; // HTTP and WebSocket, as counted against maxConnections

Q_SIGNALS:
    void pluginConnected(const ango::hub::ConnectedPlugin &plugin);
    // Heartbeats and state changes (pending → live → stale, refused): the live indicator.
    void pluginChanged(const ango::hub::ConnectedPlugin &plugin);
    void pluginRefused(const ango::hub::ConnectedPlugin &plugin);
    void pluginDisconnected(const ango::hub::ConnectedPlugin &plugin);

    // payload: the `plugin` event as sent, with the apiKey masked.
    void runSent(const QString &session, const QString &pluginId, const nlohmann::json &payload);
    void runFinished(const ango::hub::RunOutcome &outcome);
    // A plugin logger line (`log` event or POST /v2/pluginLog), session from its payload.
    void pluginLogged(const QString &session, const ango::logging::LogEntry &entry);
    void labelsImported(const nlohmann::json &body);

    // Every log line of the hub (connections, refusals, protocol faults, REST calls, plugin
    // logs), secrets redacted.
    void logged(const ango::logging::LogEntry &entry);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace ango::hub
