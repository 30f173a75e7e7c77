#pragma once

#include "eval/batchrun.h"
#include "eval/cocoeval.h"
#include "eval/confusion.h"
#include "eval/dataset.h"
#include "eval/predictions.h"

#include <nlohmann/json.hpp>

// The report of `ango-console eval`: the JSON document and the per-class table on stdout.
namespace ango::app {

struct EvalInputs
{
    const eval::Dataset *dataset = nullptr;
    const eval::ClassMapping *mapping = nullptr;
    const std::vector<eval::ImageRun> *runs = nullptr;
    QString callbackSpec;
    QString callbackIdentity;
    std::optional<QString> configJson;
    double seconds = 0;
};

struct EvalOutcome
{
    std::vector<eval::ImagePrediction> predictions;
    eval::EvalResult metrics;
    eval::ConfusionMatrix confusion;
};

EvalOutcome evaluateRuns(const EvalInputs &inputs);

// overall.AP/AP50/AP75/..., classes.<name>.AP/AP50/AP75/AR100, confusion, latencyMs.p50/p95,
// images[], dataset, callback, mapping, config, notes. -1 where a class has no ground truth.
nlohmann::json buildReport(const EvalInputs &inputs, const EvalOutcome &outcome);

QString classTable(const nlohmann::json &report);

} // namespace ango::app
