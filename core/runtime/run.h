#pragma once

#include "annotation/annotation.h"
#include "runtime/runtimetypes.h"

#include <QDateTime>
#include <QSize>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

// One run from request to outcome, as the console sees it: what was asked, each stage with its
// time, what came back (raw and normalised), what is wrong with it, the review state and how it
// ended. Runs are kept by the RunRegistry; views read them and never parse log lines back.
namespace ango::runtime {

enum class RunSource {
    Hub,     // a `plugin` event from the hub (the real one or the console's local hub)
    Local,   // the console's own run (Run panel)
    Replay,  // a local run that re-sends a recorded request
    Outside, // the result an outside plugin returned to the console's Local hub
};

enum class ReviewState { NotHeld, Held, Approved, Discarded };

enum class RunOutcome { Running, Delivered, Failed, Discarded, Dropped };

struct RunStage
{
    RequestStage stage = RequestStage::Received;
    QDateTime time;
    bool ok = true;
    qint64 durationMs = -1;
    QString detail;
};

// A result checked the one way core checks results: normalised, then validated against the
// request's categorySchema (and the image size when it is known). Used when a run ends, when a
// held result is shown and when an edit of it is checked again.
struct CheckedResult
{
    std::optional<annotation::Answer> answer; // absent: not an annotation at all (see error)
    std::vector<annotation::Problem> problems;
    QString error;
};
CheckedResult checkResult(const nlohmann::json &result, const nlohmann::json &categorySchema,
                          std::optional<QSize> imageSize = std::nullopt);
// A string field of a JSON object, or empty when the value is absent, not an object or not a
// string: payloads from a hub are read with this, never with json::value() (which throws).
QString textField(const nlohmann::json &object, const char *key);
// The categorySchema of a request payload (null when absent or the payload is not an object).
nlohmann::json categorySchemaOf(const nlohmann::json &request);

struct Run
{
    quint64 id = 0;        // the registry's key, unique for the console's lifetime
    quint64 requestId = 0; // the runtime's id (restarts with the runtime)
    QString session;
    RunSource source = RunSource::Hub;
    bool workflow = false;
    quint64 replayOf = 0; // the run whose request this one re-sent
    // The request as received; apiKey included (it is needed to replay): never log it.
    nlohmann::json request;
    std::vector<RunStage> stages;
    nlohmann::json result; // as the callback returned it
    std::optional<annotation::Answer> answer;
    std::vector<annotation::Problem> problems;
    ReviewState review = ReviewState::NotHeld;
    QString pendingId;
    RunOutcome outcome = RunOutcome::Running;
    QString error;

    bool isFinished() const { return outcome != RunOutcome::Running; }
};

} // namespace ango::runtime
