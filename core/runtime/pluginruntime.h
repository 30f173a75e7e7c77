#pragma once

#include "callbacks/callback.h"
#include "logging/logentry.h"
#include "runtime/hubapi.h"
#include "runtime/hubtransport.h"
#include "runtime/pendingstore.h"
#include "runtime/runtimetypes.h"

#include <QList>
#include <QObject>

#include <functional>
#include <memory>

namespace ango::rest {
class RestClient;
}

// The C++ counterpart of the SDK's ModelPlugin + run(): joins /plugin on the hub, sends
// heartbeats, turns `plugin` events into callback runs (interactive runs concurrently up to a
// limit, workflow runs FIFO per task), delivers results (`response` event or REST annotate),
// forwards the plugin logger to the `log` event and the local log, and optionally holds results
// for review. Transport trouble never ends it: it reconnects and says so in status().
// Everything runs on the owner's thread.
namespace ango::runtime {

// What the runtime talks to. Left empty, the real ones are built from the options: the
// Socket.IO client (SocketIoTransport) on hubUrl and the REST client (RestHubApi) on apiHost.
// Tests put in-process fakes here (tests/core/runtime/fakehub.h).
struct RuntimeServices
{
    std::unique_ptr<HubTransport> transport;
    std::unique_ptr<HubApi> api;
};

class PluginRuntime final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PluginRuntime)

public:
    using LocalDone = std::function<void(LocalRunResult)>;

    // The callback is not owned; it must outlive the runtime or be replaced with setCallback().
    explicit PluginRuntime(RuntimeOptions options, callbacks::Callback *callback = nullptr,
                           QObject *parent = nullptr);
    PluginRuntime(RuntimeOptions options, RuntimeServices services,
                  callbacks::Callback *callback = nullptr, QObject *parent = nullptr);
    ~PluginRuntime() override;

    const RuntimeOptions &options() const;
    void setCallback(callbacks::Callback *callback);
    callbacks::Callback *callback() const;
    void setReviewPolicy(ReviewPolicy policy);
    void setConcurrency(int interactive, int workflow);

    // Loads the pending store and connects. Load problems are logged and kept in status().
    void start();
    // Graceful stop: new `plugin` events get an error answer, queued runs are answered "not run",
    // running ones get up to `drainBound` to finish (then they are cancelled and answered with
    // an error), then the connection closes and stopped() is emitted.
    void stop(std::chrono::milliseconds drainBound = std::chrono::milliseconds{10000});
    bool isStopped() const;

    RuntimeStatus status() const;

    // Runs a payload through the same path as a hub request (parse, callback, timeout,
    // normalise, validate, the review gate) without a hub: nothing is emitted or posted. `done`
    // is called once, on this thread, unless the runtime is destroyed first (in hold mode: once
    // the held result is approved or discarded). `replayOf` marks a replay of that request in
    // the log and the stages. Returns the request id.
    quint64 runLocal(const nlohmann::json &payload, LocalDone done, quint64 replayOf = 0);
    // A result that an outside plugin returned for `request` (a run the console's Local hub sent
    // to a plugin script): checked as a callback's result is and put through the same review
    // gate, so in hold mode it waits in Review. Nothing is sent to any hub (the plugin's hub
    // has its answer). `done` gets the outcome as for runLocal(): at once in auto mode, on
    // approval (the edit, if any) or discard ("discarded by the reviewer") in hold mode.
    // Returns the request id.
    quint64 reviewOutsideResult(const nlohmann::json &request, nlohmann::json result,
                                LocalDone done);

    // Stops a request that is queued or whose callback runs: the callback call is cancelled and
    // the request ends as failed with `reason` (a hub request gets the error response, a local
    // one its done callback). An error when the id is unknown, already finished, or its result
    // is being delivered or held (discard held results through the review gate).
    Result<void> cancel(quint64 requestId,
                        const QString &reason = QStringLiteral("cancelled in the console"));

    // The review gate (policy Hold). Approving delivers the stored (or edited) result exactly
    // once; a failed delivery puts it back with lastError set.
    QList<PendingResult> pendingResults() const;
    Result<void> approve(const QString &pendingId);
    Result<void> approveEdited(const QString &pendingId, const nlohmann::json &editedResult);
    // Answers the hub once with an error response ("discarded by the reviewer"; a workflow run
    // is not annotated) or a local run's caller with that error.
    Result<void> discard(const QString &pendingId);
    // API keys are not written to disk: after a restart a held workflow result needs its key
    // again before it can be approved.
    Result<void> setPendingApiKey(const QString &pendingId, const QString &apiKey);
    bool pendingHasApiKey(const QString &pendingId) const;

    HubTransport *transport() const;
    // The real REST client (the GUI logs its traffic and fetches images with it); null when the
    // runtime was given another HubApi.
    rest::RestClient *restClient() const;

Q_SIGNALS:
    // Every local log line (already redacted), plugin logger lines included.
    void logged(const ango::logging::LogEntry &entry);
    void requestProgressed(const ango::runtime::RequestEvent &event);
    // Every result that passed normalisation, hub and local runs alike, before it is delivered
    // or held. Only built while something is connected to it.
    void resultReady(const ango::runtime::RequestResult &result);
    void statusChanged(const ango::runtime::RuntimeStatus &status);
    void pendingChanged();
    void stopped();

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace ango::runtime
