#include "connectionpanel.h"

#include "settings/secretstore.h"

#include "panels/common/elidedlabel.h"

#include <QAction>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStyle>
#include <QVBoxLayout>

namespace ango::app {

namespace {

QString ageText(const QDateTime &since)
{
    if (!since.isValid())
        return QObject::tr("no heartbeat yet");
    const qint64 seconds = since.secsTo(QDateTime::currentDateTimeUtc());
    if (seconds < 60)
        return QObject::tr("last heartbeat %1 s ago").arg(seconds);
    return QObject::tr("last heartbeat %1 min ago").arg(seconds / 60);
}

} // namespace

ConnectionPanel::ConnectionPanel(QSettings &settings, SecretStore &secrets, QWidget *parent)
    : QWidget(parent)
    , m_settings(settings)
    , m_secrets(secrets)
{
    buildUi();
    m_secretsSessionOnly = !m_secrets.keychainAvailable();
    describeSecretStorage();
    connect(&m_secrets, &SecretStore::keychainUnavailable, this,
            [this] { setSecretsSessionOnly(true); });
    QStringList names = ConnectionProfile::names(m_settings);
    if (names.isEmpty())
        names << ConnectionProfile().name;
    m_profiles->addItems(names);
    const QString last = m_settings.value(QStringLiteral("connection/lastProfile")).toString();
    if (names.contains(last))
        m_profiles->setCurrentText(last);
    loadProfile(m_profiles->currentText());
    connect(m_profiles, &QComboBox::currentTextChanged, this, [this](const QString &name) {
        saveProfile();
        loadProfile(name);
    });
    m_ageTimer.setInterval(1000);
    connect(&m_ageTimer, &QTimer::timeout, this, &ConnectionPanel::refreshStatusText);
    m_ageTimer.start();
    refreshStatusText();
}

ConnectionPanel::~ConnectionPanel() = default;

void ConnectionPanel::buildUi()
{
    m_profiles = new QComboBox(this);
    m_profiles->setObjectName(QStringLiteral("profileCombo"));
    m_profiles->setToolTip(tr("Named connection profiles, e.g. staging and production"));
    auto *newProfile = new QPushButton(tr("New…"), this);
    newProfile->setToolTip(tr("Create a profile from the current fields"));
    auto *deleteProfile = new QPushButton(tr("Delete"), this);
    deleteProfile->setToolTip(tr("Delete this profile and its stored secret"));
    connect(newProfile, &QPushButton::clicked, this, &ConnectionPanel::newProfile);
    connect(deleteProfile, &QPushButton::clicked, this, &ConnectionPanel::deleteProfile);

    m_pluginId = new QLineEdit(this);
    m_pluginId->setObjectName(QStringLiteral("pluginIdEdit"));
    m_pluginId->setPlaceholderText(tr("from the plugin's Development box on the hub"));
    m_secret = new QLineEdit(this);
    m_secret->setObjectName(QStringLiteral("secretEdit"));
    m_secret->setEchoMode(QLineEdit::Password);
    QAction *show = m_secret->addAction(style()->standardIcon(QStyle::SP_FileDialogContentsView),
                                        QLineEdit::TrailingPosition);
    show->setCheckable(true);
    show->setToolTip(tr("Show the secret"));
    connect(show, &QAction::toggled, this, [this](bool on) {
        m_secret->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
    });
    m_hubUrl = new QLineEdit(this);
    m_hubUrl->setObjectName(QStringLiteral("hubUrlEdit"));
    m_hubUrl->setToolTip(tr("Socket.IO host of the plugin hub"));
    m_apiHost = new QLineEdit(this);
    m_apiHost->setObjectName(QStringLiteral("apiHostEdit"));
    m_apiHost->setToolTip(tr("REST API host (assets, annotate)"));

    m_connect = new QPushButton(tr("Connect"), this);
    m_connect->setObjectName(QStringLiteral("connectButton"));
    m_connect->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+C")));
    m_connect->setToolTip(tr("Connect to the hub and serve runs (Ctrl+Shift+C)"));
    connect(m_connect, &QPushButton::clicked, this, &ConnectionPanel::toggleConnection);
    for (QLineEdit *edit : {m_pluginId, m_secret, m_hubUrl})
        connect(edit, &QLineEdit::textChanged, this, &ConnectionPanel::updateConnectEnabled);

    m_state = new ElidedLabel(this, 1);
    m_state->setObjectName(QStringLiteral("connectionStateLabel"));
    m_heartbeat = new QLabel(this);
    m_error = new ElidedLabel(this, 3);
    m_error->setObjectName(QStringLiteral("connectionErrorLabel"));
    m_error->setStyleSheet(QStringLiteral("color: #d9534f;"));
    m_notice = new ElidedLabel(this, 3);
    m_notice->hide();

    auto *profileRow = new QHBoxLayout;
    profileRow->addWidget(m_profiles, 1);
    profileRow->addWidget(newProfile);
    profileRow->addWidget(deleteProfile);
    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows); // narrow docks: labels go above
    form->addRow(tr("Profile"), profileRow);
    form->addRow(tr("Plugin ID"), m_pluginId);
    form->addRow(tr("Secret"), m_secret);
    form->addRow(tr("Plugin host"), m_hubUrl);
    form->addRow(tr("API host"), m_apiHost);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_connect);
    layout->addWidget(m_state);
    layout->addWidget(m_heartbeat);
    layout->addWidget(m_error);
    layout->addWidget(m_notice);
    layout->addStretch();
}

ConnectionProfile ConnectionPanel::profile() const
{
    ConnectionProfile p;
    p.name = m_profiles->currentText();
    p.pluginId = m_pluginId->text().trimmed();
    p.hubUrl = QUrl::fromUserInput(m_hubUrl->text().trimmed());
    p.apiHost = QUrl::fromUserInput(m_apiHost->text().trimmed());
    return p;
}

QString ConnectionPanel::secret() const
{
    return m_secret->text();
}

void ConnectionPanel::setSecretsSessionOnly(bool sessionOnly)
{
    m_secretsSessionOnly = sessionOnly;
    describeSecretStorage();
}

void ConnectionPanel::describeSecretStorage()
{
    if (m_secretsSessionOnly) {
        m_secret->setPlaceholderText(tr("kept for this session only, never saved"));
        m_secret->setToolTip(tr("The plugin secret stays in memory until the console closes; "
                                "it is not written to the keychain or to disk."));
    } else {
        m_secret->setPlaceholderText(tr("stored in the system keychain"));
        m_secret->setToolTip(tr("The plugin secret is saved in the system keychain, never in "
                                "the settings file."));
    }
}

void ConnectionPanel::loadProfile(const QString &name)
{
    m_currentProfile = name;
    const ConnectionProfile p = ConnectionProfile::load(m_settings, name);
    m_pluginId->setText(p.pluginId);
    m_hubUrl->setText(p.hubUrl.toString());
    m_apiHost->setText(p.apiHost.toString());
    m_secret->clear();
    m_secrets.read(p.secretKey(), [this, name](Result<QString> secret) {
        if (secret.ok() && m_currentProfile == name)
            m_secret->setText(*secret);
    });
    m_settings.setValue(QStringLiteral("connection/lastProfile"), name);
    updateConnectEnabled();
}

void ConnectionPanel::saveProfile()
{
    if (m_currentProfile.isEmpty())
        return;
    ConnectionProfile p = profile();
    p.name = m_currentProfile;
    p.save(m_settings);
    if (!m_secret->text().isEmpty())
        m_secrets.write(p.secretKey(), m_secret->text());
}

void ConnectionPanel::newProfile()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New profile"), tr("Profile name:"),
                                               QLineEdit::Normal, QString(), &ok)
                             .trimmed();
    if (!ok || name.isEmpty() || name.contains(QLatin1Char('/')))
        return;
    saveProfile();
    m_currentProfile = name;
    saveProfile(); // the current fields become the new profile
    if (m_profiles->findText(name) < 0)
        m_profiles->addItem(name);
    m_profiles->setCurrentText(name);
}

void ConnectionPanel::deleteProfile()
{
    const QString name = m_profiles->currentText();
    ConnectionProfile::remove(m_settings, name);
    ConnectionProfile removed;
    removed.name = name;
    m_secrets.remove(removed.secretKey());
    m_currentProfile.clear();
    m_profiles->removeItem(m_profiles->currentIndex());
    if (m_profiles->count() == 0)
        m_profiles->addItem(ConnectionProfile().name);
}

void ConnectionPanel::toggleConnection()
{
    const bool active = m_status.state != runtime::ConnectionState::Stopped;
    if (active) {
        Q_EMIT disconnectRequested();
        return;
    }
    saveProfile();
    Q_EMIT connectRequested(profile(), secret());
}

void ConnectionPanel::updateConnectEnabled()
{
    const bool active = m_status.state != runtime::ConnectionState::Stopped;
    const bool complete = !m_pluginId->text().trimmed().isEmpty() && !m_secret->text().isEmpty()
                          && QUrl::fromUserInput(m_hubUrl->text().trimmed()).isValid();
    m_connect->setEnabled(active || complete);
    m_connect->setText(active ? tr("Disconnect") : tr("Connect"));
    if (!active && !complete)
        m_connect->setToolTip(tr("Enter the plugin ID, its secret and the plugin host first"));
    else
        m_connect->setToolTip(active ? tr("Stop serving runs and disconnect")
                                     : tr("Connect to the hub and serve runs (Ctrl+Shift+C)"));
}

void ConnectionPanel::setStatus(const runtime::RuntimeStatus &status)
{
    m_status = status;
    for (QLineEdit *edit : {m_pluginId, m_secret, m_hubUrl, m_apiHost})
        edit->setReadOnly(status.state != runtime::ConnectionState::Stopped);
    m_profiles->setEnabled(status.state == runtime::ConnectionState::Stopped);
    updateConnectEnabled();
    refreshStatusText();
}

void ConnectionPanel::setNotice(const QString &notice)
{
    m_notice->setText(notice);
    m_notice->setVisible(!notice.isEmpty());
}

void ConnectionPanel::refreshStatusText()
{
    using runtime::ConnectionState;
    QString state;
    switch (m_status.state) {
    case ConnectionState::Stopped:
        state = tr("Not connected");
        break;
    case ConnectionState::Connecting:
        state = tr("Connecting…");
        break;
    case ConnectionState::Connected:
        state = tr("● Connected");
        break;
    case ConnectionState::Reconnecting: {
        const qint64 ms = m_status.reconnectAt.isValid()
                              ? QDateTime::currentDateTimeUtc().msecsTo(m_status.reconnectAt)
                              : m_status.reconnectInMs;
        state = tr("Reconnecting in %1 s (attempt %2)")
                    .arg(std::max<qint64>(0, (ms + 999) / 1000))
                    .arg(m_status.reconnectAttempt);
        break;
    }
    case ConnectionState::Stopping:
        state = tr("Stopping: finishing runs in flight…");
        break;
    }
    m_state->setText(state);
    m_heartbeat->setText(
        m_status.state == ConnectionState::Stopped ? QString() : ageText(m_status.lastHeartbeat));
    m_error->setText(m_status.lastError.isEmpty() ? QString()
                                                  : tr("Last error: %1").arg(m_status.lastError));
}

} // namespace ango::app
