#include "callbacks/adapters/bridgelocation.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace ango::callbacks::adapters {

QStringList bridgeDirectoryCandidates()
{
    QStringList candidates;
    if (const QString fromEnvironment = qEnvironmentVariable("ANGO_BRIDGE_DIR");
        !fromEnvironment.isEmpty())
        candidates << fromEnvironment;
    if (QCoreApplication::instance()) {
        const QDir appDir(QCoreApplication::applicationDirPath());
        candidates << appDir.absoluteFilePath(QStringLiteral("../share/ango-console/bridge"))
                   << appDir.absoluteFilePath(QStringLiteral("bridge"));
    }
    candidates << QStringLiteral(ANGO_BRIDGE_SOURCE_DIR);
    return candidates;
}

QString bridgeDirectory()
{
    for (const QString &candidate : bridgeDirectoryCandidates()) {
        if (QFileInfo(QDir(candidate).filePath(QStringLiteral("ango_bridge.py"))).isFile())
            return QDir(candidate).absolutePath();
    }
    return {};
}

} // namespace ango::callbacks::adapters
