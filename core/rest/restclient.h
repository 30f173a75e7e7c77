#pragma once

#include "common/result.h"

#include <QObject>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>

// The Ango REST calls the plugin runtime and the console make (header `apikey`). Bounded retries
// with backoff on 429, 5xx and timeouts; other 4xx fail at once. Errors carry the HTTP status, the
// URL without its query string (it may hold ids, never keys) and the server's message.
// Error::status is the HTTP status when the server refused the request (or a redirect failed);
// 0 for transport failures (refused, timeout, …) and for a 2xx whose content is unusable (not
// JSON, missing data.*, no such asset). Callbacks run exactly once, from the event loop, never
// from inside the call that started the request, and never after the client is destroyed.
// Redirects (GET only) are followed by hand, never from https to http, at most 10 hops; the
// apikey header goes to the API host's scheme+host+port only.
namespace ango::rest {

struct RetryPolicy
{
    int maxAttempts = 4;
    std::chrono::milliseconds initialDelay{250};
    std::chrono::milliseconds maxDelay{4000};
    std::chrono::milliseconds transferTimeout{30000}; // silence on the connection
    // One attempt, from the request to the body's last byte: a server dripping a byte now and
    // then never trips transferTimeout. Expiry counts as a timeout, retried like one, but no
    // attempt starts once the call is this old: a call ends within twice this. 0: none.
    std::chrono::milliseconds callTimeout{60000};
    // The largest response body read, checked from Content-Length and while reading; above it
    // the call fails (not retried) without buffering the rest. 0: no limit.
    qint64 maxResponseBytes = 256LL * 1024 * 1024;
};

struct AssetQuery
{
    QString projectId;
    QString assetId;    // filters {"_id": …} when set
    QString externalId; // else filters {"externalId": …}
};

class RestClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RestClient)

public:
    using JsonDone = std::function<void(Result<nlohmann::json>)>;
    using BytesDone = std::function<void(Result<QByteArray>)>;

    explicit RestClient(QUrl apiHost, QObject *parent = nullptr);
    ~RestClient() override;

    QUrl apiHost() const;
    void setRetryPolicy(RetryPolicy policy);

    // GET /v2/project/{id}/assets?page=1&limit=10&filters=… → data.assets[0] (its "data" is the URL)
    void getAsset(const QString &apiKey, const AssetQuery &query, JsonDone done);
    // GET /v2/project/{id}/assets?page=N&limit=M → data (its "assets" list and "total"): one page
    // of a project's assets, for evaluating on a live project (eval/projectassets.h).
    void getAssetPage(const QString &apiKey, const QString &projectId, int page, int limit,
                      JsonDone done);
    // GET of the asset file; redirects followed; the apikey header only goes to the API host.
    void fetchBytes(const QString &apiKey, const QUrl &url, BytesDone done);
    // GET /v2/project/{id} → data.project
    void getProject(const QString &apiKey, const QString &projectId, JsonDone done);
    // POST /v2/import/labels {"project", "jsonContent"}
    void importLabels(const QString &apiKey,
                      const QString &projectId,
                      const nlohmann::json &jsonContent,
                      JsonDone done);
    // POST /v2/annotate/{taskId}?nextStage=…&isPlugin=… {"answer": answer, "duration": 0}
    void annotate(const QString &apiKey,
                  const QString &taskId,
                  const nlohmann::json &answer,
                  JsonDone done,
                  bool nextStage = true,
                  bool isPlugin = true);

Q_SIGNALS:
    // For the request log: one started/finished pair per attempt.
    void requestStarted(quint64 id, const QString &method, const QUrl &urlWithoutQuery, int attempt);
    void requestFinished(quint64 id, int httpStatus, qint64 durationMs, qint64 bytes, const QString &error);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace ango::rest
