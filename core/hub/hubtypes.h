#pragma once

#include <QDateTime>
#include <QHostAddress>
#include <QMetaType>
#include <QString>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>

// Value types of the local hub's API: options, connected plugins and runs.
namespace ango::hub {

struct HubOptions
{
    // Engine.IO heartbeat: the server pings every interval and drops a client that has not
    // answered within the timeout (Node's defaults).
    std::chrono::milliseconds pingInterval{25000};
    std::chrono::milliseconds pingTimeout{20000};
    // A client that joins no namespace within this is dropped (Node's connectTimeout).
    std::chrono::milliseconds connectTimeout{45000};
    // Largest WebSocket message accepted, announced as maxPayload in the OPEN packet.
    qint64 maxPayload = 1000000;
    // A plugin whose last heartbeat is older than this shows as stale. The SDK beats every
    // 60 s and the hub's indicator turns red "in a couple of minutes".
    std::chrono::milliseconds staleAfter{150000};
    // What the `plugin` payload and the REST answers say about where the run comes from.
    QString projectId = QStringLiteral("local-project");
    QString orgId = QStringLiteral("local-org");
    QString runBy = QStringLiteral("local-user");
    // The apiKey every run carries and every REST call must present; empty: a random one.
    QString apiKey;
    // Uploads (PUT to an upload URL) kept in memory, in bytes all together.
    qint64 maxUploadBytes = 64 * 1024 * 1024;

    // What a stranger on the port can make the hub hold (flags of `ango-console hub`). A request
    // body over maxRequestBody is answered 413 from its Content-Length, before it is read and
    // before authentication; a head over maxRequestHead 431.
    qint64 maxRequestBody = 64LL * 1024 * 1024; // --max-request-body
    qint64 maxRequestHead = 16 * 1024;          // --max-request-head
    // A request head that has started must be complete within headerTimeout (408 otherwise); a
    // connection with no byte for idleTimeout between requests or inside a body is closed.
    std::chrono::milliseconds headerTimeout{10000}; // --header-timeout
    std::chrono::milliseconds idleTimeout{60000};   // --idle-timeout
    // Connections open at once, HTTP and WebSocket; more are answered 503. Kept well under the
    // usual 1,024 descriptors per process.
    int maxConnections = 256; // --max-connections
    // Listening on anything but a loopback address serves the assets and the REST API to the
    // network: refused unless this is set (--allow-remote).
    bool allowRemote = false;
};

enum class PluginState {
    Pending, // joined /plugin, no heartbeat yet: not known who it is
    Live,    // heartbeats with the right secret
    Stale,   // no heartbeat for staleAfter
    Refused, // wrong secret or unknown id: told with CONNECT_ERROR, never gets a run
};

QString pluginStateName(PluginState state); // "pending", "live", "stale", "refused"

// One /plugin connection as the hub sees it.
struct ConnectedPlugin
{
    QString connectionId; // the Engine.IO sid
    QString pluginId;     // from the heartbeat; empty while pending
    PluginState state = PluginState::Pending;
    QString refusal; // why it was refused
    QDateTime connectedAt;
    QDateTime lastHeartbeat; // invalid: none yet
    QString peer;            // "127.0.0.1:54321"
    QString userAgent;
};

// A local image served as an asset: GET /v2/project/{id}/assets lists it and its `data` URL
// points at the hub's own /files/ route.
struct HubAsset
{
    QString id;
    QString externalId; // the file name
    QString filePath;
    QString dataUrl;
};

struct RunRequest
{
    QString pluginId;
    QString assetId;
    nlohmann::json categorySchema;     // [{"schemaId","modelClass"}] or null: no mapping
    std::optional<QString> configJson; // sent as a string, as the hub does; none: null
    bool workflow = false;
};

// How a run ended: the plugin's `response` (interactive), the body it POSTed to
// /v2/annotate/{taskId} (workflow), or an error.
struct RunOutcome
{
    QString session;
    QString taskId; // workflow runs only
    bool workflow = false;
    bool ok = false;
    QString error;          // why it failed (ok == false)
    nlohmann::json result;  // the response's "response" / the annotate body
    nlohmann::json message; // what came in as is: the whole `response` payload or annotate body
    qint64 durationMs = -1;
};

} // namespace ango::hub

Q_DECLARE_METATYPE(ango::hub::ConnectedPlugin)
Q_DECLARE_METATYPE(ango::hub::RunOutcome)
