#pragma once

#include "common/result.h"
#include "profile/profile.h"

#include <QString>

// Profiles on disk. Both are small synchronous file operations meant for start-up and for an
// explicit export, like reading a settings file.
namespace ango::profile {

// Errors start with the path, then the parse problems.
Result<Profile> loadFile(const QString &path);
// Atomic (QSaveFile), mode 0644: a profile holds no secret.
Result<void> saveFile(const QString &path, const Profile &profile);

} // namespace ango::profile
