#pragma once

#include <QString>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

// Plain-word descriptions of JSON values and paths, for messages a plugin author reads.
namespace ango::annotation::detail {

// "text \"abc\"", "the number 5", "a list", "an object", "null", "true", "NaN", ...
QString describe(const nlohmann::json &value);

// member("objects[3]", "bounding-box") == "objects[3].bounding-box"; member("", "answer") ==
// "answer".
std::string member(const std::string &path, std::string_view key);
// index("objects", 3) == "objects[3]".
std::string index(const std::string &path, std::size_t i);

QString number(double value);
QString quoted(const std::string &text);

} // namespace ango::annotation::detail
