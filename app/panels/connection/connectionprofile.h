#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

class QSettings;

namespace ango::app {

// The non-secret half of a connection: what a named profile (staging, production…) stores in
// QSettings. The plugin secret is stored in the keychain under secretKey().
struct ConnectionProfile
{
    QString name = QStringLiteral("default");
    QString pluginId;
    QUrl hubUrl{QStringLiteral("https://plugin.imerit.ango.ai")};
    QUrl apiHost{QStringLiteral("https://imeritapi.ango.ai")};

    QString secretKey() const { return QStringLiteral("plugin-secret/") + name; }

    static QStringList names(QSettings &settings);
    static ConnectionProfile load(QSettings &settings, const QString &name);
    void save(QSettings &settings) const;
    static void remove(QSettings &settings, const QString &name);
};

} // namespace ango::app
