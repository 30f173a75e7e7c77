#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

class QButtonGroup;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSettings;

namespace ango::app {

// What to run the callback on: a local image, or an asset of a project (fetched through the REST
// API with the user's key). The API key is not stored by this panel.
struct RunSource
{
    enum class Kind { LocalFile, ProjectAsset };
    Kind kind = Kind::LocalFile;
    QString filePath;
    QString projectId;
    QString assetId;    // either an asset id…
    QString externalId; // …or an external id
    QString apiKey;
};

class RunPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunPanel)

public:
    explicit RunPanel(QSettings &settings, QWidget *parent = nullptr);
    ~RunPanel() override;

    RunSource source() const;
    void setLocalFile(const QString &path);

    // Run is disabled with a reason (invalid config, nothing to run on, a run already going).
    void setRunBlocked(const QString &reason);
    void setBusy(bool busy);
    bool isBusy() const { return m_busy; }
    // The last run's outcome; it stays until the inputs change or another run starts.
    void setOutcome(const QString &text, bool ok);
    void clearOutcome();
    // What the panel says now: why Run is disabled, the run going on, or the last outcome.
    QString message() const;

Q_SIGNALS:
    void runRequested(const ango::app::RunSource &source);
    void cancelRequested();

private:
    void buildUi();
    void updateRunEnabled();
    void tick();
    QString sourceProblem() const;
    QString blockedReason() const;
    void refreshMessage();

    QSettings &m_settings;
    QRadioButton *m_localKind = nullptr;
    QRadioButton *m_assetKind = nullptr;
    QLineEdit *m_file = nullptr;
    QLineEdit *m_project = nullptr;
    QLineEdit *m_asset = nullptr;
    QRadioButton *m_byExternalId = nullptr;
    QLineEdit *m_apiKey = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_busyBar = nullptr;
    QLabel *m_elapsed = nullptr;
    QLabel *m_outcome = nullptr;
    QTimer m_tick;
    QElapsedTimer m_clock;
    QString m_blockedReason;
    QString m_outcomeText;
    bool m_outcomeOk = true;
    bool m_busy = false;
};

} // namespace ango::app
