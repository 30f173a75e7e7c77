#pragma once

#include "hub/assetstore.h"
#include "hub/httpfront.h"
#include "logging/logentry.h"

#include <QHash>
#include <QObject>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <functional>
#include <vector>

// The REST endpoints the SDK calls, emulated on the hub's port (ango-protocol.md §4):
//   GET  /v2/project/{id}/assets   the local images as assets, `data` = a /files/ URL here
//   GET  /v2/project/{id}          the project, its label set built from the run's mapping
//   POST /v2/annotate/{taskId}     a workflow run's result
//   POST /v2/import/labels         batch pre-labels
//   GET  /v2/task/{id}             a workflow task and its last answer
//   GET  /v2/getUploadUrl + PUT    uploads kept in memory, served back by GET
//   GET  /v2/getSignedUrl          URLs here need no signing: echoed back
//   POST /v2/pluginLog, /v2/pluginResponse   the REST connector's back-channel
// /v2/ calls must carry the run's apiKey in the `apikey` header (401 otherwise). Anything else is
// answered 404 with a JSON body and logged with its method and path, so authors see what their
// script tried. Error bodies follow the API's shape:
// {"status":"fail","error":{"statusCode"},"message"}.
namespace ango::hub {

class RestApi final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestApi)

public:
    explicit RestApi(AssetStore *assets, QObject *parent = nullptr);

    void setApiKey(const QString &apiKey) { m_apiKey = apiKey; }
    void setProjectId(const QString &projectId) { m_projectId = projectId; }
    void setBaseUrl(const QUrl &base) { m_base = base; }
    void setMaxUploadBytes(qint64 bytes) { m_maxUploadBytes = bytes; }
    // The project's label set, as GET /v2/project/{id} returns it: one bounding-box tool per
    // mapped class of this categorySchema ([{"schemaId","modelClass"}]).
    void setCategorySchema(const nlohmann::json &categorySchema);
    // A workflow task that GET /v2/task/{id} knows about.
    void registerTask(const QString &taskId, const QString &assetId);

    HttpReply handle(const HttpRequest &request);

Q_SIGNALS:
    void annotated(const QString &taskId, const nlohmann::json &body);
    void labelsImported(const nlohmann::json &body);
    void pluginLogPosted(const nlohmann::json &body);
    void pluginResponsePosted(const nlohmann::json &body);
    // One entry per request (not yet redacted: the hub redacts what it passes on).
    void logged(const ango::logging::LogEntry &entry);

private:
    struct Task
    {
        QString assetId;
        nlohmann::json answer; // {"tools","classifications","relations"}
    };

    HttpReply route(const HttpRequest &request, logging::Level &level, QString &note);
    HttpReply assets(const HttpRequest &request, const QString &projectId);
    HttpReply project(const QString &projectId);
    HttpReply annotate(const HttpRequest &request, const QString &taskId, QString &note);
    HttpReply importLabels(const HttpRequest &request, QString &note);
    HttpReply task(const QString &taskId);
    HttpReply uploadUrl(const HttpRequest &request);
    HttpReply signedUrl(const HttpRequest &request);
    HttpReply backChannel(const HttpRequest &request, bool isLog, QString &note);
    HttpReply putUpload(const HttpRequest &request, QString &note);
    HttpReply getUpload(const QString &path);
    HttpReply assetFile(const HubAsset &asset);

    AssetStore *m_assets;
    QString m_apiKey;
    QString m_projectId;
    QUrl m_base;
    qint64 m_maxUploadBytes = 64 * 1024 * 1024;
    nlohmann::json m_labelSet;
    QHash<QString, Task> m_tasks;
    QHash<QString, QByteArray> m_uploads; // "/uploads/{token}/{name}" → bytes
    QHash<QString, bool> m_uploadSlots;   // upload paths handed out, not yet written
    qint64 m_uploadBytes = 0;
    std::vector<std::function<void()>> m_deferred; // signals of the request being handled
};

// The error body of the API's shape.
HttpReply jsonError(int status, const QString &message);
HttpReply jsonReply(int status, const nlohmann::json &body);

} // namespace ango::hub
