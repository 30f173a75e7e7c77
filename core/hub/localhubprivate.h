#pragma once

#include "hub/assetstore.h"
#include "hub/httpfront.h"
#include "hub/localhub.h"
#include "hub/pluginregistry.h"
#include "hub/restapi.h"
#include "hub/socketsession.h"
#include "logging/redact.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>

#include <nlohmann/json.hpp>

// LocalHub's state and its handling of connections, events and REST calls; the public API is in
// localhub.cpp.
namespace ango::hub {

inline const QString kPluginNamespace = QStringLiteral("/plugin");

// A run sent and not yet finished.
struct ActiveRun
{
    QString session;
    QString pluginId;
    QString connectionId;
    QString taskId;
    bool workflow = false;
    QElapsedTimer clock;
};

class LocalHub::Private
{
public:
    Private(LocalHub *q, HubOptions options);

    HttpReply onHttp(const HttpRequest &request);
    void acceptSockets();
    void accept(std::unique_ptr<QWebSocket> socket);
    HttpReply onPolling(const HttpRequest &request);
    void adopt(SocketSession *session);
    SessionLimits sessionLimits() const;
    void onEvent(SocketSession *session, const socketio::Event &event);
    void onHeartbeat(SocketSession *session, const nlohmann::json &beat);
    void onResponse(const nlohmann::json &payload, const QString &via);
    void onPluginLog(const nlohmann::json &payload, const QString &via);
    void onAnnotated(const QString &taskId, const nlohmann::json &body);
    void onConnectionGone(const QString &connectionId, const QString &reason);
    void failRunsOf(const QString &connectionId, const QString &reason);
    void finishRun(const QString &session, bool ok, const QString &error, nlohmann::json result,
                   nlohmann::json message);

    void log(logging::Level level, const QString &category, const QString &direction,
             const QString &kind, const QString &message, const QString &session = {},
             nlohmann::json detail = {});
    void emitLog(logging::LogEntry entry);

    LocalHub *q;
    HubOptions options;
    HttpFront *front = nullptr;
    QUrl url;
    AssetStore assets;
    RestApi *rest = nullptr;
    PluginRegistry *registry = nullptr;
    logging::Redactor redactor;
    QHash<QString, QPointer<SocketSession>> sessions; // Engine.IO sid → connection
    QHash<QString, QString> secrets;                  // plugin id → secret
    QHash<QString, QString> connectionPlugins;        // Engine.IO sid → the plugin id it claimed
    QHash<QString, ActiveRun> runs;                   // session → run
    QHash<QString, QString> taskRuns;                 // task id → session
};

} // namespace ango::hub
