#pragma once

#include "callbacks/callback.h"
#include "jsoncompare.h"
#include "testpaths.h"

#include <QList>
#include <QString>
#include <QTest>

#include <memory>
#include <optional>
#include <utility>

// Starts calls on a Callback and records what comes back: the result (and how often `done` was
// called: exactly once is the contract), the plugin logger lines, and how many output lines the
// callback had emitted when `done` came.
namespace ango::test {

struct CallOutcome
{
    std::optional<Result<nlohmann::json>> result;
    int doneCount = 0;
    int outputLinesAtDone = -1;
    QList<std::pair<callbacks::LogLevel, QString>> logs;

    bool finished() const { return doneCount > 0; }
    bool ok() const { return result && result->ok(); }
    const nlohmann::json &value() const { return result->value(); }
    QString error() const { return result && !result->ok() ? result->error().message : QString(); }
};

// A request shaped like the hub's `plugin` payload; `config` becomes the configJSON string.
inline nlohmann::json hubPayload(const nlohmann::json &config = nlohmann::json::object())
{
    return {{"projectId", "p1"},
            {"apiKey", "user-api-key"},
            {"orgId", "org1"},
            {"runBy", "user1"},
            {"session", "session-1"},
            {"assetId", "asset-1"},
            {"dataURL", "https://assets.example/image.jpg"},
            {"categorySchema", {{{"schemaId", "schema-car"}, {"modelClass", "car"}}}},
            {"configJSON", config.dump()},
            {"batches", nlohmann::json::array()}};
}

class CallRecorder
{
public:
    explicit CallRecorder(callbacks::Callback &callback)
        : m_callback(callback)
    {
        QObject::connect(&callback, &callbacks::Callback::outputLine, &callback,
                         [this](const QString &line, bool isError) {
                             output.append({line, isError});
                         });
    }

    std::shared_ptr<CallOutcome> start(quint64 id, nlohmann::json request)
    {
        auto outcome = std::make_shared<CallOutcome>();
        callbacks::Call call;
        call.id = id;
        call.request = std::move(request);
        call.log = [outcome](callbacks::LogLevel level, const QString &message) {
            outcome->logs.append({level, message});
        };
        m_callback.invoke(std::move(call), [this, outcome](Result<nlohmann::json> result) {
            outcome->result = std::move(result);
            ++outcome->doneCount;
            outcome->outputLinesAtDone = int(output.size());
        });
        return outcome;
    }

    std::shared_ptr<CallOutcome> startAction(quint64 id, nlohmann::json config)
    {
        return start(id, hubPayload(config));
    }

    bool sawOutput(const QString &line, bool isError) const
    {
        return output.contains({line, isError});
    }

    QList<std::pair<QString, bool>> output;

private:
    callbacks::Callback &m_callback;
};

inline QString scriptPath(const QString &name)
{
    return sourcePath(QStringLiteral("tests/core/callbacks/adapters/scripts/") + name);
}

} // namespace ango::test

// Python startup (a pyenv shim on PATH) and a loaded machine make a few seconds normal.
#define ANGO_WAIT_MS 20000
#define WAIT_DONE(outcome) QTRY_VERIFY_WITH_TIMEOUT((outcome)->finished(), ANGO_WAIT_MS)
// QCOMPARE cannot take nlohmann::json (its overloads make json convert to every number type).
