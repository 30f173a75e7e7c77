#pragma once

#include "hub/hubtypes.h"
#include "hub/localhub.h"
#include "logging/logentry.h"

#include <QPointer>
#include <QUrl>
#include <QWidget>

#include <nlohmann/json.hpp>

#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTableView;

namespace ango::app {

class ConnectedPluginModel;
class ScriptControls;

// The console's "Local hub" mode: starts a LocalHub on 127.0.0.1, says which plugin id and secret
// it accepts and the exact line that starts the author's script against it, lists the connected
// plugins with a live indicator, and sends a run for an image to the chosen one. All protocol
// work is the hub's; the owner feeds the mapping and configJSON in and takes the results and log
// lines out (runFinished, logged). The secret never leaves the secret field: the command line
// shows it as the $ANGO_PLUGIN_SECRET reference.
class LocalHubPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalHubPanel)

public:
    // Owns a hub with default options.
    explicit LocalHubPanel(QWidget *parent = nullptr);
    // Drives this hub (not owned; it must outlive the panel or be its child).
    explicit LocalHubPanel(hub::LocalHub *localHub, QWidget *parent = nullptr);
    ~LocalHubPanel() override;

    hub::LocalHub *hub() const { return m_hub; }
    ConnectedPluginModel *pluginModel() const { return m_model; }
    // The script's Launch / Stop, the SDK check and the shim note.
    ScriptControls *scriptControls() const { return m_scriptControls; }

    // What runs carry: a categorySchema list [{"schemaId", "modelClass"}] (null: no mapping) and
    // the configJSON text (blank: null, as the hub sends a plugin without one).
    void setCategorySchema(const nlohmann::json &categorySchema);
    void setConfigJson(const QString &text);
    void setPluginId(const QString &pluginId);
    void setSecret(const QString &secret);
    void setScriptPath(const QString &path);
    // The Callback panel's spec: a python: script is Launch's default.
    void setCallbackSpec(const QString &spec);
    void setAssetPath(const QString &path);
    void setPort(quint16 port);
    void setWorkflow(bool workflow);

    QString startCommand() const; // as shown; empty while the hub is stopped
    // The plugin a run goes to: the selected row's, else the accepted plugin id.
    QString runTarget() const;
    QString sessionInFlight() const { return m_session; }

    // Presses Start / Stop / Run as a user would. The outcome is shown in the panel.
    bool start();
    void stop();
    bool sendRun();

Q_SIGNALS:
    void started(const QUrl &url);
    void stopped();
    // A run went out: the owner loads imagePath into the preview and waits for runFinished.
    void runStarted(const QString &session, const QString &imagePath,
                    const nlohmann::json &categorySchema);
    // Every run of the hub that ended (a response, an annotate body, an error).
    void runFinished(const ango::hub::RunOutcome &outcome);
    // Every hub log line (secrets redacted) and the panel's own.
    void logged(const ango::logging::LogEntry &entry);

private:
    void buildUi();
    void wireHub();
    void applyAcceptedPlugin();
    void updateCommand();
    void updateState();
    void onRunFinished(const hub::RunOutcome &outcome);
    // The message line: the last event (an outcome, an error) while the state it happened in
    // lasts, else what the present state asks of the user.
    void showOutcome(const QString &text, bool ok);
    QString stateHint() const;
    bool runReady() const;
    bool targetConnected() const;  // the run target is live (a valid heartbeat)
    QString targetRefusal() const; // why the hub refused the run target, if it did
    void refreshMessage();
    void logPanelError(const QString &kind, const QString &message);

    QPointer<hub::LocalHub> m_hub;
    ConnectedPluginModel *m_model = nullptr;
    nlohmann::json m_categorySchema;
    std::optional<QString> m_configJson;
    QString m_acceptedId; // the id registered with the hub, to replace it when the field changes
    QString m_session;    // the panel's run in flight
    QString m_event;      // the last outcome or error, cleared when the state changes
    bool m_eventOk = true;
    QString m_stateKey; // what the state was when m_event was shown

    QSpinBox *m_port = nullptr;
    QPushButton *m_startStop = nullptr;
    QLabel *m_address = nullptr;
    QLineEdit *m_pluginId = nullptr;
    QLineEdit *m_secret = nullptr;
    QPushButton *m_generateSecret = nullptr;
    QLineEdit *m_script = nullptr;
    QLineEdit *m_command = nullptr;
    QPushButton *m_copy = nullptr;
    QTableView *m_plugins = nullptr;
    QLineEdit *m_asset = nullptr;
    QRadioButton *m_interactive = nullptr;
    QRadioButton *m_workflow = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_abandon = nullptr;
    QLabel *m_outcome = nullptr;
    ScriptControls *m_scriptControls = nullptr;
};

} // namespace ango::app
