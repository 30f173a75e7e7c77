#pragma once

#include "callbacks/callback.h"
#include "logging/logentry.h"
#include "logging/redact.h"
#include "runtime/runtimetypes.h"

#include <QObject>
#include <QSet>
#include <QVariantMap>

#include <memory>

namespace ango::runtime {
class PluginRuntime;
}

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

    // A run without the hub; the outcome arrives through localRunFinished().
    quint64 runLocal(const nlohmann::json &payload);
    void cancelLocalRun();

    runtime::PluginRuntime *runtime() const { return m_runtime.get(); }
    const logging::Redactor &redactor() const { return m_redactor; }
    // API keys typed into the console are masked everywhere too.
    void addSecret(const QString &secret);

Q_SIGNALS:
    void logged(const ango::logging::LogEntry &entry);
    void statusChanged(const ango::runtime::RuntimeStatus &status);
    void requestProgressed(const ango::runtime::RequestEvent &event);
    void localRunFinished(const ango::runtime::LocalRunResult &outcome);
    void pendingChanged();
    void callbackChanged(ango::callbacks::Callback *callback);

private:
    void rebuildRuntime(runtime::RuntimeOptions options, bool start);
    void note(logging::Level level, const QString &message);

    QString m_pendingStorePath;
    std::unique_ptr<callbacks::Callback> m_callback;
    QString m_callbackSpec;
    std::unique_ptr<runtime::PluginRuntime> m_runtime;
    runtime::ReviewPolicy m_review = runtime::ReviewPolicy::Auto;
    logging::Redactor m_redactor;
    quint64 m_localRun = 0; // the local run the GUI waits for; 0: none
    quint64 m_lastFinished = 0;
    QSet<quint64> m_cancelledRuns;
};

} // namespace ango::app
