#pragma once

#include "common/result.h"

#include <QByteArray>

#include <nlohmann/json.hpp>

// The reading side of the Python bridge's JSON-lines channel (resources/bridge/ango_bridge.py),
// kept free of processes and Qt objects so it can be fuzzed (fuzz/fuzz_bridgeframe.cpp).
namespace ango::callbacks::adapters {

// The status of parseBridgeFrame's error for a frame nested too deep (the author's result).
inline constexpr int kFrameTooDeep = 1;

// One line of the channel: a JSON object, nested at most kDefaultJsonMaxDepth levels below the
// frame (so a result may be as deep as any other callback's). Checked on the text before it is
// parsed; what is returned can be serialised, copied and compared without overflowing the stack.
Result<nlohmann::json> parseBridgeFrame(const QByteArray &frame);

} // namespace ango::callbacks::adapters
