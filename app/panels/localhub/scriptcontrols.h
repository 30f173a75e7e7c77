#pragma once

#include "logging/logentry.h"
#include "sdkprobe.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;

namespace ango::hub {
class LocalHub;
}

namespace ango::app {

class ScriptLauncher;

// The Local hub panel's part for the author's script: whether python3 has the SDK (asked once, when
// the hub first starts) and so whether the start line needs the console's imerit_ango shim on
// PYTHONPATH, said in plain words; Launch / Stop for the script as a child process with the hub's
// environment, its output in the log. The script stops with the hub and with the console.
class ScriptControls final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScriptControls)

public:
    struct Inputs
    {
        std::function<QString()> script;                   // the panel's Script field
        std::function<QString()> pluginId;                 // the accepted plugin id
        std::function<void(const QString &)> chooseScript; // writes a chosen script back
    };

    ScriptControls(hub::LocalHub *hub, Inputs inputs, QWidget *parent = nullptr);
    ~ScriptControls() override;

    SdkProbe *probe() const { return m_probe; }
    ScriptLauncher *launcher() const { return m_launcher; }
    // The console's shim folder when python3 lacks the SDK (the line and Launch put it first on
    // PYTHONPATH), else empty. Also empty while the probe has not answered.
    QString pythonPath() const;
    QString note() const; // what the note line says
    // The Callback panel's python script: Launch's default when the Script field is empty.
    void setCallbackScript(const QString &path) { m_callbackScript = path; }
    QString callbackScript() const { return m_callbackScript; }

    void hubStarted();
    void hubStopped();
    // Presses Launch: the script (the field, else the callback's; else a file dialog) with the
    // hub's environment. Waits for the probe when it has not answered yet.
    bool launch();
    void stopScript();

Q_SIGNALS:
    void pythonPathChanged();
    void logged(const ango::logging::LogEntry &entry);

private:
    QString scriptToLaunch() const;
    void startLaunch();
    void updateState();

    QPointer<hub::LocalHub> m_hub;
    Inputs m_inputs;
    SdkProbe *m_probe = nullptr;
    ScriptLauncher *m_launcher = nullptr;
    QString m_callbackScript;
    bool m_launchPending = false;
    QLabel *m_note = nullptr;
    QPushButton *m_launch = nullptr;
    QPushButton *m_stop = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace ango::app
