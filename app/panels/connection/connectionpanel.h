#pragma once

#include "connectionprofile.h"
#include "runtime/runtimetypes.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;

namespace ango::app {

class SecretStore;

// Plugin ID, secret, hosts and named profiles; Connect/Disconnect; the runtime's live status.
// The panel holds no connection logic: it asks for one with connectRequested() and shows what
// setStatus() reports.
class ConnectionPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionPanel)

public:
    ConnectionPanel(QSettings &settings, SecretStore &secrets, QWidget *parent = nullptr);
    ~ConnectionPanel() override;

    ConnectionProfile profile() const;
    QString secret() const;

    void setStatus(const runtime::RuntimeStatus &status);
    // For the status line when the keychain is missing.
    void setNotice(const QString &notice);
    // Where the secret goes, as the secret field tells the user: the system keychain, or memory
    // for this session only (chosen so, or because no keychain answered).
    void setSecretsSessionOnly(bool sessionOnly);

Q_SIGNALS:
    void connectRequested(const ango::app::ConnectionProfile &profile, const QString &secret);
    void disconnectRequested();

private:
    void buildUi();
    void loadProfile(const QString &name);
    void saveProfile();
    void newProfile();
    void deleteProfile();
    void toggleConnection();
    void refreshStatusText();
    void updateConnectEnabled();
    void describeSecretStorage();

    QSettings &m_settings;
    SecretStore &m_secrets;
    QComboBox *m_profiles = nullptr;
    QLineEdit *m_pluginId = nullptr;
    QLineEdit *m_secret = nullptr;
    QLineEdit *m_hubUrl = nullptr;
    QLineEdit *m_apiHost = nullptr;
    QPushButton *m_connect = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_heartbeat = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_notice = nullptr;
    QTimer m_ageTimer;
    runtime::RuntimeStatus m_status;
    QString m_currentProfile;
    bool m_secretsSessionOnly = false;
};

} // namespace ango::app
