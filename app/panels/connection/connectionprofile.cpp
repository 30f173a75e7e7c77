#include "connectionprofile.h"

#include <QSettings>

namespace ango::app {

namespace {
const QString kGroup = QStringLiteral("connectionProfiles");
}

QStringList ConnectionProfile::names(QSettings &settings)
{
    settings.beginGroup(kGroup);
    QStringList result = settings.childGroups();
    settings.endGroup();
    return result;
}

ConnectionProfile ConnectionProfile::load(QSettings &settings, const QString &name)
{
    ConnectionProfile profile;
    profile.name = name;
    settings.beginGroup(kGroup + QLatin1Char('/') + name);
    profile.pluginId = settings.value(QStringLiteral("pluginId")).toString();
    profile.hubUrl = settings.value(QStringLiteral("hubUrl"), profile.hubUrl).toUrl();
    profile.apiHost = settings.value(QStringLiteral("apiHost"), profile.apiHost).toUrl();
    settings.endGroup();
    return profile;
}

void ConnectionProfile::save(QSettings &settings) const
{
    settings.beginGroup(kGroup + QLatin1Char('/') + name);
    settings.setValue(QStringLiteral("pluginId"), pluginId);
    settings.setValue(QStringLiteral("hubUrl"), hubUrl);
    settings.setValue(QStringLiteral("apiHost"), apiHost);
    settings.endGroup();
}

void ConnectionProfile::remove(QSettings &settings, const QString &name)
{
    settings.remove(kGroup + QLatin1Char('/') + name);
}

} // namespace ango::app
