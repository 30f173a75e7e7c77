#pragma once

#include "common/result.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace ango::app {

// Secrets (plugin secrets, API keys) go to the OS keychain through qtkeychain, never to QSettings.
// When no keychain answers (a headless box without a secret service), the secret is kept in
// memory for this session only, and `keychainAvailable()` says so, so the user can be told.
class SecretStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretStore)

public:
    using ReadDone = std::function<void(Result<QString>)>;
    using WriteDone = std::function<void(Result<void>)>;

    explicit SecretStore(QString service, QObject *parent = nullptr);
    ~SecretStore() override;

    // An empty string when nothing is stored under `key` (not an error).
    void read(const QString &key, ReadDone done);
    void write(const QString &key, const QString &secret, WriteDone done = {});
    void remove(const QString &key, WriteDone done = {});

    // False once the keychain failed for a reason other than "no such entry".
    bool keychainAvailable() const { return m_keychainAvailable; }
    QString keychainProblem() const { return m_problem; }

    // For tests and for machines where the keychain must not be touched.
    void setSessionOnly(bool sessionOnly);

Q_SIGNALS:
    void keychainUnavailable(const QString &reason);

private:
    void markUnavailable(const QString &reason);

    QString m_service;
    QHash<QString, QString> m_session; // fallback, memory only
    bool m_keychainAvailable = true;
    bool m_sessionOnly = false;
    QString m_problem;
};

} // namespace ango::app
