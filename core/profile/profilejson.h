#pragma once

#include "common/result.h"
#include "profile/profile.h"

#include <QByteArray>
#include <QByteArrayView>

#include <nlohmann/json.hpp>

namespace ango::profile {

// Reads a profile. Every problem is reported, one per line of the error message, each naming the
// JSON path and what was found: `profile.concurrency: must be a positive integer, got "eight"`.
// Unknown keys are errors (a misspelt "review" must not silently deliver unreviewed results);
// keys starting with "x-" are ignored, for notes and tools. A literal secret is rejected, and its
// value never appears in the message.
Result<Profile> parse(QByteArrayView json);

// Indented JSON with a final newline, in the documented key order; parse(toJson(p)) == p.
QByteArray toJson(const Profile &profile);

// The mapping as the hub sends it: [{"schemaId", "modelClass"}], or null when nothing is mapped.
nlohmann::json categorySchema(const Profile &profile);

} // namespace ango::profile
