#pragma once

#include "callbacks/callback.h"
#include "logging/logentry.h"
#include "logging/redact.h"
#include "runtime/runtimetypes.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QUrl>
#include <QVariantMap>

#include <functional>
#include <memory>
#include <optional>

namespace ango::runtime {
class PluginRuntime;
class RunRegistry;
} // namespace ango::runtime
namespace ango::hub {
struct RunOutcome;
} // namespace ango::hub
namespace ango::rest {
class RestClient;
struct AssetQuery;
} // namespace ango::rest

namespace ango::app {

struct ConnectionProfile;

// The console's model side: the callback in use and the plugin runtime (local runs, and the hub
// connection when connected). Panels talk to it; it knows nothing about widgets.
class ConsoleController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleController)

public:
    explicit ConsoleController(QString pendingStorePath, QObject *parent = nullptr);
    ~ConsoleController() override;

    Result<void> useCallback(const QString &spec, const QVariantMap &options);
    callbacks::Callback *callback() const;
    QString callbackSpec() const { return m_callbackSpec; }

    void setReviewPolicy(runtime::ReviewPolicy policy);
    runtime::ReviewPolicy reviewPolicy() const { return m_review; }

    void connectToHub(const ConnectionProfile &profile, const QString &secret);
    void disconnectFromHub();
    bool isConnected() const;

    // A run without the hub; the outcome arrives through localRunFinished(), or
    // localRunCancelled() after cancelLocalRun(). Returns its id in runs().
    quint64 runLocal(const nlohmann::json &payload);
    // Re-sends the recorded request of run `runId` exactly, or `request` instead when given
    // ("replay with current settings"); marked as a replay.
    Result<quint64> replay(quint64 runId, std::optional<nlohmann::json> request = std::nullopt);
    // What an outside plugin answered a run of the console's Local hub goes through the review
    // gate like every run (in hold mode it waits in Review): `show` gets it at once in auto
    // mode, once approved (the edit, if any) or, with ok false and the reason, once discarded.
    // A failed run has nothing to review and is shown at once.
    void reviewLocalHubOutcome(const hub::RunOutcome &outcome, const QString &imagePath,
                               const nlohmann::json &categorySchema,
                               std::function<void(const hub::RunOutcome &)> show);
    // Stops the callback of the local run the GUI waits for (PluginRuntime::cancel).
    void cancelLocalRun();
    quint64 localRunId() const;
    // Every run of every source, with its stages, result and review state.
    runtime::RunRegistry *runs() const { return m_runs; }

    // A recorded payload has its apiKey masked ("***1234"); this puts back the real key when
    // the console has seen it (typed for a run or carried by a hub request).
    nlohmann::json withKnownApiKey(nlohmann::json payload) const;

    // GET /v2/project/{id} → data.project on apiHost, logged like every REST call.
    void fetchProject(const QUrl &apiHost, const QString &apiKey, const QString &projectId,
                      std::function<void(Result<nlohmann::json>)> done);
    // GET /v2/project/{id}/assets?filters={"_id"|"externalId": …} → data.assets[0] on apiHost
    // (its "data" is the file URL), logged like every REST call. Errors name the HTTP status
    // and the URL without its query string.
    void lookUpAsset(const QUrl &apiHost, const QString &apiKey, const rest::AssetQuery &query,
                     std::function<void(Result<nlohmann::json>)> done);
    // The asset image of a request payload: its dataURL, else the asset looked up by assetId
    // (or externalId) in its project. Through the runtime's REST client, or the console's for
    // `apiHost` when given (the apikey header only goes to that API host). `done` is not called
    // once the controller is gone.
    void fetchAssetImage(const nlohmann::json &payload,
                         std::function<void(Result<QByteArray>)> done, const QUrl &apiHost = {});

    runtime::PluginRuntime *runtime() const { return m_runtime.get(); }
    const logging::Redactor &redactor() const { return m_redactor; }
    // API keys typed into the console are masked everywhere too.
    void addSecret(const QString &secret);

Q_SIGNALS:
    void logged(const ango::logging::LogEntry &entry);
    void statusChanged(const ango::runtime::RuntimeStatus &status);
    void requestProgressed(const ango::runtime::RequestEvent &event);
    void localRunFinished(const ango::runtime::LocalRunResult &outcome);
    void localRunCancelled(quint64 requestId, const QString &reason);
    // A validated result of any run, hub or local, before delivery or review.
    void resultReady(const ango::runtime::RequestResult &result);
    void pendingChanged();
    void callbackChanged(ango::callbacks::Callback *callback);

private:
    void rebuildRuntime(runtime::RuntimeOptions options, bool start);
    void note(logging::Level level, const QString &message);
    void logProgress(const runtime::RequestEvent &event);
    void logRestTraffic(rest::RestClient *client);
    void rememberApiKey(const nlohmann::json &payload);
    rest::RestClient *consoleRest(const QUrl &apiHost);

    QString m_pendingStorePath;
    std::unique_ptr<callbacks::Callback> m_callback;
    QString m_callbackSpec;
    std::unique_ptr<runtime::PluginRuntime> m_runtime;
    runtime::ReviewPolicy m_review = runtime::ReviewPolicy::Auto;
    logging::Redactor m_redactor;
    runtime::RunRegistry *m_runs = nullptr;
    QStringList m_apiKeys; // newest last; never logged or stored
    // Label sets and project assets, one client per API host the user chose: replacing a
    // client would drop the answers still owed by it.
    QHash<QUrl, rest::RestClient *> m_consoleRest;
};

} // namespace ango::app
