#pragma once

#include "common/result.h"
#include "eval/dataset.h"

#include <nlohmann/json.hpp>

#include <optional>

// Reading helpers shared by the dataset loaders.
namespace ango::eval::detail {

// The whole file as JSON; errors name the file (and the line/column of a syntax error).
Result<nlohmann::json> readJsonFile(const QString &path, qint64 maxBytes = kMaxDatasetFileBytes);

QString fileLabel(const QString &path); // the file name, for messages

// A COCO id: a whole number (or its text). nullopt otherwise.
std::optional<qint64> readId(const nlohmann::json &value);

// A finite number, nullopt otherwise.
std::optional<double> readNumber(const nlohmann::json &value);

QString describeValue(const nlohmann::json &value);

bool isImageFileName(const QString &name);

} // namespace ango::eval::detail
