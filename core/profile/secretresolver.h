#pragma once

#include "common/result.h"
#include "profile/profile.h"

#include <QProcessEnvironment>
#include <QString>

// Turns a profile's secret reference into the secret, for the headless runner. Keychain
// references are the GUI's to resolve (it owns qtkeychain): here they are an error that says so.
// Error messages name the reference, never the secret.
namespace ango::profile {

Result<QString> resolveSecret(const SecretReference &reference,
                              const QProcessEnvironment &environment);
Result<QString> resolveSecret(const Profile &profile, const QProcessEnvironment &environment
                                                      = QProcessEnvironment::systemEnvironment());

// "${VAR}" in a file reference replaced from `environment`; an unset or empty variable is an
// error (a path like "/plugin-secret" would silently point elsewhere).
Result<QString> expandFileReference(const QString &path, const QProcessEnvironment &environment);

// Secrets larger than this are refused (and /dev/zero does not hang the runner).
inline constexpr qint64 kMaxSecretFileBytes = 64 * 1024;

} // namespace ango::profile
