#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace ango::app {

// Appends the compact JSON text of `value` to `out`: the same text as
// value.dump(-1, ' ', false, error_handler_t::replace), about three times faster for the
// string-heavy details a log holds (plain strings are copied in runs instead of being decoded
// byte by byte; anything unusual is left to nlohmann's serializer).
void appendCompactJson(std::string &out, const nlohmann::json &value);

} // namespace ango::app
