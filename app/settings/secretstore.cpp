#include "secretstore.h"

#include <qt6keychain/keychain.h>

#include <QPointer>

namespace ango::app {

SecretStore::SecretStore(QString service, QObject *parent)
    : QObject(parent)
    , m_service(std::move(service))
{}

SecretStore::~SecretStore() = default;

void SecretStore::setSessionOnly(bool sessionOnly)
{
    m_sessionOnly = sessionOnly;
}

void SecretStore::markUnavailable(const QString &reason)
{
    if (!m_keychainAvailable)
        return;
    m_keychainAvailable = false;
    m_problem = reason;
    Q_EMIT keychainUnavailable(reason);
}

// Jobs have no parent: a backend's asynchronous call (libsecret) still refers to its job when the
// store goes away, so each job lives until it finishes and deletes itself; `this` as the
// connection's context keeps a finished job from calling into a destroyed store.

void SecretStore::read(const QString &key, ReadDone done)
{
    if (m_sessionOnly || !m_keychainAvailable) {
        done(m_session.value(key));
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, key, job, done = std::move(done)] {
        switch (job->error()) {
        case QKeychain::NoError:
            done(job->textData());
            return;
        case QKeychain::EntryNotFound:
            done(m_session.value(key));
            return;
        default:
            markUnavailable(job->errorString());
            done(m_session.value(key));
        }
    });
    job->start();
}

void SecretStore::write(const QString &key, const QString &secret, WriteDone done)
{
    m_session.insert(key, secret);
    if (m_sessionOnly || !m_keychainAvailable) {
        if (done)
            done({});
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    job->setTextData(secret);
    connect(job, &QKeychain::Job::finished, this, [this, job, done = std::move(done)] {
        if (job->error() != QKeychain::NoError) {
            markUnavailable(job->errorString());
            if (done)
                done(makeError(tr("The keychain refused the secret (%1); it is kept for this "
                                  "session only.")
                                   .arg(job->errorString())));
            return;
        }
        if (done)
            done({});
    });
    job->start();
}

void SecretStore::remove(const QString &key, WriteDone done)
{
    m_session.remove(key);
    if (m_sessionOnly || !m_keychainAvailable) {
        if (done)
            done({});
        return;
    }
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [job, done = std::move(done)] {
        if (!done)
            return;
        if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound)
            done(makeError(job->errorString()));
        else
            done({});
    });
    job->start();
}

} // namespace ango::app
