#include "profile/profilefile.h"

#include "profile/profilejson.h"

#include <QFile>
#include <QSaveFile>

namespace ango::profile {

namespace {

// A profile is a few hundred bytes; this bounds what a wrong path (a log, a device) costs.
constexpr qint64 kMaxProfileBytes = 1024 * 1024;

} // namespace

Result<Profile> loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(
            QStringLiteral("%1: cannot read the profile: %2").arg(path, file.errorString()));
    const QByteArray content = file.read(kMaxProfileBytes + 1);
    if (content.size() > kMaxProfileBytes)
        return makeError(QStringLiteral("%1: larger than %2 bytes, not a profile")
                             .arg(path)
                             .arg(kMaxProfileBytes));
    auto profile = parse(content);
    if (!profile)
        return makeError(path + QStringLiteral(":\n") + profile.error().message);
    return profile;
}

Result<void> saveFile(const QString &path, const Profile &profile)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(
            QStringLiteral("%1: cannot write the profile: %2").arg(path, file.errorString()));
    file.write(toJson(profile));
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                        | QFileDevice::ReadOther);
    if (!file.commit())
        return makeError(
            QStringLiteral("%1: cannot write the profile: %2").arg(path, file.errorString()));
    return {};
}

} // namespace ango::profile
