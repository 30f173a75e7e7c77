#pragma once

#include "callbacks/callback.h"
#include "eval/batchrun.h"
#include "eval/comparison.h"
#include "evaloptions.h"
#include "evalreport.h"

#include <QVariantMap>

#include <functional>
#include <memory>

namespace ango::runtime {
class PluginRuntime;
} // namespace ango::runtime

// The A/B of `ango-console eval`: --baseline FILE (A a saved report, B this run) or
// --compare-callback / --compare-config (A this run, B the same dataset with another callback
// and/or configJSON, run before A through the same result cache). Deltas are B − A.
namespace ango::app {

class EvalComparison
{
public:
    // nullptr when the options ask for no A/B. Errors (an unreadable baseline, a bad B callback
    // spec) name the flag and the file.
    static Result<std::unique_ptr<EvalComparison>> prepare(const EvalOptions &options,
                                                           const eval::Dataset &dataset,
                                                           const eval::ClassMapping &mapping,
                                                           runtime::PluginRuntime *runtimeA,
                                                           const QVariantMap &callbackOptions);
    ~EvalComparison();

    // Runs B when it has to be run, then calls then(); at once when A is a saved report.
    void runB(std::function<void()> then);
    // Adds report["comparison"]; returns the delta table for stdout. On failure (no image in
    // common) the section holds the error, failed() is true and the error is on stderr.
    QString addTo(nlohmann::json &report, const EvalInputs &inputs, const EvalOutcome &outcome);
    bool failed() const { return m_failed; }

private:
    EvalComparison() = default;

    const eval::Dataset *m_dataset = nullptr;
    const eval::ClassMapping *m_mapping = nullptr;
    std::optional<eval::ScoreCard> m_baseline; // --baseline
    QString m_labelB;
    QString m_specB;
    std::optional<QString> m_configB;
    std::unique_ptr<callbacks::Callback> m_callbackB; // only for --compare-callback
    std::unique_ptr<runtime::PluginRuntime> m_runtimeB;
    runtime::PluginRuntime *m_runtimeUsed = nullptr;
    std::unique_ptr<eval::BatchRun> m_batchB;
    eval::BatchOptions m_batchOptions;
    bool m_failed = false;
};

// The A/B table on stdout: per-class AP and deltas (largest change first), the overall row, and
// the `images` images that differ most.
QString comparisonTable(const eval::Comparison &comparison, int images = 10);

// What a run measured, for the A/B labels: "SPEC" or "SPEC config JSON".
QString runLabel(const QString &callbackSpec, const std::optional<QString> &configJson);

} // namespace ango::app
