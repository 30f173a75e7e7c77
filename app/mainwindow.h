#pragma once

#include "common/result.h"
#include "hub/hubtypes.h"
#include "runtime/runtimetypes.h"

#include <QMainWindow>
#include <QSettings>

#include <memory>

class QActionGroup;
class QDockWidget;
class QLabel;
class QTabWidget;

namespace ango::app {

class CallbackPanel;
class ClassMappingPanel;
struct ClassInfo;
class ConfigEditor;
class ConnectionPanel;
class ConsoleController;
class LocalHubPanel;
class LogPanel;
class MappingStore;
class PreviewPanel;
class ReviewPanel;
class RunPanel;
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
    void applyDefaultSizes();
    void resetLayout();
    QDockWidget *addPanel(QWidget *panel, const QString &title, const QString &name,
                          Qt::DockWidgetArea area);
    void wireController();
    void runOn(const RunSource &source, const nlohmann::json &asset);
    void lookUpAndRun(const RunSource &source);
    void runLookedUpAsset(const RunSource &source, const QUrl &apiHost,
                          const nlohmann::json &asset);
    void failLookUp(const QString &message);
    void cancelRun();
    void showLocalOutcome(const runtime::LocalRunResult &outcome);
    void showLocalCancelled(quint64 requestId, const QString &reason);
    void showHubResult(const runtime::RequestResult &result);
    void wireLocalHub();
    void showLocalHubOutcome(const hub::RunOutcome &outcome);
    void showAnswer(const nlohmann::json &answer, const std::vector<annotation::Problem> &problems,
                    const nlohmann::json &categorySchema);
    void showAssetOf(const nlohmann::json &payload, const QUrl &apiHost = {});
    void loadLabelSet(const QString &projectId);
    void approvePending(const QString &id, const nlohmann::json &edited);
    std::vector<annotation::Problem> revalidate(const nlohmann::json &edited) const;
    void refreshPending();
    void updateRunGate();
    void showClasses();
    QList<ClassInfo> previewClasses(const nlohmann::json &categorySchema) const;
    nlohmann::json buildPayload(const RunSource &source, const QString &assetUrl) const;

    QSettings m_settings;
    std::unique_ptr<MappingStore> m_mappingStore;
    SecretStore *m_secrets = nullptr;
    ConsoleController *m_controller = nullptr;
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
    QTabWidget *m_centre = nullptr;
    QLabel *m_statusLabel = nullptr;
    QActionGroup *m_reviewPolicy = nullptr;
    QByteArray m_defaultState;
    QDockWidget *m_runDock = nullptr;
    QDockWidget *m_inputsDock = nullptr; // callback, mapping, config, connection, local hub
    QDockWidget *m_logDock = nullptr;
    bool m_layoutRestored = false;
    bool m_sized = false;
    QString m_runImagePath;    // the image of the run on screen
    quint64 m_assetTicket = 0; // a later asset fetch wins over an earlier one
    quint64 m_lookUps = 0;     // asset look-ups started so far
    quint64 m_lookUp = 0;      // the look-up the next run waits for; 0: none
};

} // namespace ango::app
