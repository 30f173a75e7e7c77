#pragma once

#include "common/result.h"
#include "profile/profile.h"
#include "runoptions.h"

#include <QProcessEnvironment>

// `ango-console run --profile FILE`: a profile (core/profile) turned into run options. Every
// error line names the file, then the field: "/etc/p.json: profile.concurrency: must be ...".
namespace ango::app {

Result<profile::Profile> loadRunProfile(const QString &path);

// Everything but the secret. The mapping and the config are not used: the hub sends both with
// every request (they serve the GUI's local runs).
void applyProfile(const profile::Profile &profile, const QString &path, RunOptions &options);

// The profile's secret reference resolved; a keychain reference is an error here (the headless
// runner has no keychain).
Result<QString> resolveProfileSecret(const profile::Profile &profile, const QString &path,
                                     const QProcessEnvironment &environment);

} // namespace ango::app
