#pragma once

#include <QString>
#include <QStringList>

// Where the Python bridge (resources/bridge: ango_bridge.py and the imerit_ango shim) is found.
namespace ango::callbacks::adapters {

// In order: $ANGO_BRIDGE_DIR; installed next to the executable (../share/ango-console/bridge,
// then bridge/); the source tree this was built from. The first holding ango_bridge.py wins.
QStringList bridgeDirectoryCandidates();
// Empty when none holds the bridge.
QString bridgeDirectory();

} // namespace ango::callbacks::adapters
