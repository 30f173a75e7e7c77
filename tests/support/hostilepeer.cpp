#include "hostilepeer.h"

namespace ango::test {

std::unique_ptr<PeerProcess> startHostilePeer(QMap<QString, QString> environment)
{
    return startNodeScript(QStringLiteral("hostile.js"), std::move(environment));
}

} // namespace ango::test
