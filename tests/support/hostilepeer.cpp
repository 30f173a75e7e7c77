#include "hostilepeer.h"

#include "testpaths.h"

#include <QStandardPaths>

namespace ango::test {

std::unique_ptr<PeerProcess> startHostilePeer(QMap<QString, QString> environment)
{
    QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        node = QStringLiteral("node"); // fails to start; diagnostics() says so
    auto peer = std::make_unique<PeerProcess>(
        node, QStringList{sourcePath(QStringLiteral("tests/peers/node/hostile.js"))},
        std::move(environment));
    peer->start();
    return peer;
}

} // namespace ango::test
