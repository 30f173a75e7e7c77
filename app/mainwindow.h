#pragma once

#include "common/result.h"
#include "hub/hubtypes.h"
#include "runtime/runtimetypes.h"

#include <QMainWindow>
#include <QSettings>

#include <memory>

class QDockWidget;
class QLabel;
class QTabWidget;

namespace ango::app {

class CallbackPanel;
class ClassMappingPanel;
class ConfigEditor;
class ConnectionPanel;
class ConsoleController;
class DockLayout;
class LocalHubPanel;
class LogPanel;
class MappingStore;
class PreviewPanel;
class Replayer;
class ReviewPanel;
class RunLauncher;
class RunPanel;
class RunPresenter;
struct RunSettings;
class SecretStore;
struct RunSource;

// The console: dockable panels around the image preview. The window only arranges panels and
// wires them to the ConsoleController; the work happens in core/ behind it.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    // Where plugin secrets go: the OS keychain, or memory only (tests, the sandbox demo: the
    // user's keychain is not touched).
    enum class SecretStorage { Keychain, SessionOnly };

    explicit MainWindow(QWidget *parent = nullptr,
                        SecretStorage secretStorage = SecretStorage::Keychain);
    ~MainWindow() override;

    ConsoleController *controller() const { return m_controller; }
    PreviewPanel *preview() const { return m_preview; }
    RunPanel *runPanel() const { return m_run; }
    ClassMappingPanel *mappingPanel() const { return m_mapping; }
    ConfigEditor *configEditor() const { return m_config; }
    LogPanel *logPanel() const { return m_log; }
    ReviewPanel *reviewPanel() const { return m_review; }
    QWidget *centre() const { return m_centre; }
    LocalHubPanel *localHubPanel() const { return m_localHub; }

    // Sets up the offline sandbox (sample image, mapping, sample model) when nothing is
    // configured yet, or always when forced (--sandbox-demo).
    void prepareSandbox(bool force);
    // Presses Run as a user would.
    void startRun();
    // File > Export profile: this setup as a profile for `ango-console run --profile FILE`.
    Result<void> exportProfile(const QString &path) const;

Q_SIGNALS:
    // A run's result is on screen (overlays drawn) or the run failed.
    void runShown(bool ok);
    // The result of a run started on the hub is in the preview (its image may still load).
    void hubResultShown(const QString &session);
    // A run sent by the local hub panel ended; ok when its result is in the preview.
    void localHubResultShown(const QString &session, bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void buildPanels();
    void buildMenus();
    QDockWidget *addPanel(QWidget *panel, const QString &title, const QString &name,
                          Qt::DockWidgetArea area);
    void wireController();
    void applyCallback(const QString &spec, const QVariantMap &options);
    RunSettings runSettings() const;
    void wireLocalHub();
    void updateRunGate();
    void showClasses();

    QSettings m_settings;
    std::unique_ptr<MappingStore> m_mappingStore;
    SecretStore *m_secrets = nullptr;
    ConsoleController *m_controller = nullptr;
    RunLauncher *m_launcher = nullptr;
    RunPresenter *m_presenter = nullptr;
    Replayer *m_replayer = nullptr;
    std::unique_ptr<DockLayout> m_layout;
    ConnectionPanel *m_connection = nullptr;
    CallbackPanel *m_callback = nullptr;
    RunPanel *m_run = nullptr;
    ClassMappingPanel *m_mapping = nullptr;
    ConfigEditor *m_config = nullptr;
    LogPanel *m_log = nullptr;
    PreviewPanel *m_preview = nullptr;
    ReviewPanel *m_review = nullptr;
    LocalHubPanel *m_localHub = nullptr;
    nlohmann::json m_localHubSchema; // the categorySchema of the local hub's run in flight
    QString m_localHubImage;         // and its image file
    QTabWidget *m_centre = nullptr;
    QLabel *m_statusLabel = nullptr;
    QDockWidget *m_runDock = nullptr;
    QDockWidget *m_inputsDock = nullptr; // callback, mapping, config, connection, local hub
    QDockWidget *m_logDock = nullptr;
};

} // namespace ango::app
