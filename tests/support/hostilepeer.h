#pragma once

#include "peerprocess.h"

#include <QMap>
#include <QString>

#include <memory>

namespace ango::test {

// The hostile hub and REST API (tests/peers/node/hostile.js): a raw Engine.IO WebSocket server
// that breaks the protocol on purpose (oversized messages, no CONNECT reply, floods) and an HTTP
// server that drips or sends huge bodies. Environment: MODE, SIZE, COUNT, DRIP_MS. Started.
std::unique_ptr<PeerProcess> startHostilePeer(QMap<QString, QString> environment);

} // namespace ango::test
