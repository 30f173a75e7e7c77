#pragma once

#include "common/result.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <string_view>

// JSON from outside (a hub, an HTTP endpoint, a callback's output) may be nested arbitrarily deep.
// nlohmann's parser and destructor are iterative, but dump(), copies and comparisons recurse once
// per level: 70,000 levels overflow the stack. Everything here walks with an explicit stack, so a
// value can be checked before anything recursive touches it.
namespace ango {

inline constexpr int kDefaultJsonMaxDepth = 512;

struct JsonLimits
{
    int maxDepth = kDefaultJsonMaxDepth;
    qint64 maxBytes = 0; // 0: no size limit of its own (the reader of the text bounds it)
};

// Parses `text`, refusing text larger than maxBytes or nested deeper than maxDepth before nlohmann
// builds anything. `what` names the source in the error: "exec callback ./model: result nested
// deeper than 512 levels at byte 513".
Result<nlohmann::json> parseJsonLimited(std::string_view text, const QString &what,
                                        JsonLimits limits = {});

// The byte offset at which `text` first opens more than maxDepth arrays/objects (strings and their
// escapes skipped), or -1. Works on any text, well-formed or not, in one pass.
qint64 jsonTextTooDeepAt(std::string_view text, int maxDepth = kDefaultJsonMaxDepth);

// Nesting depth of `value` (a scalar is 0, [] is 1, [[1]] is 2), counted iteratively; stops
// counting once it passes `stopAfter`.
int jsonDepth(const nlohmann::json &value, int stopAfter = kDefaultJsonMaxDepth);

// Refuses a value nested deeper than maxDepth, naming `what` and the path to where it gets too
// deep: "exec callback ./model: result nested deeper than 512 levels at /boxes/0/0/0/…".
Result<void> checkJsonDepth(const nlohmann::json &value, const QString &what,
                            int maxDepth = kDefaultJsonMaxDepth);

// The size of value.dump() (compact) without building it, counted iteratively. Stops once the
// count passes `stopAfter` and returns a value above it. Strings count their raw bytes (escapes
// can make the dump somewhat larger) and numbers their printed width.
qint64 jsonDumpSize(const nlohmann::json &value, qint64 stopAfter);

} // namespace ango
