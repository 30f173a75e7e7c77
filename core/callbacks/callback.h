#pragma once

#include "common/result.h"

#include <QObject>
#include <QString>

#include <nlohmann/json.hpp>

#include <functional>

// What the runtime calls for each plugin request: the author's model behind one interface, whether
// it is a C++ function, the built-in demo, a Python script, a program or an HTTP endpoint.
namespace ango::callbacks {

enum class LogLevel { Debug, Info, Warning, Error };

struct Call
{
    quint64 id = 0;
    // The hub's payload as received (configJSON still a string, apiKey included: it is the
    // author's own code), plus "batches" (copied from "tags" when absent).
    nlohmann::json request;
    // The plugin logger of this run; the runtime forwards it to the hub's `log` event and the
    // local log. Valid until `done` is called.
    std::function<void(LogLevel, const QString &)> log;
};

class Callback : public QObject
{
    Q_OBJECT

public:
    enum class State { Ready, Running, Crashed, Restarting, Failed };
    Q_ENUM(State)

    using Done = std::function<void(Result<nlohmann::json>)>;

    using QObject::QObject;

    virtual QString describe() const = 0;
    // Starts a call; `done` is called exactly once, later or immediately, on this object's thread.
    virtual void invoke(Call call, Done done) = 0;
    // The runtime gave up on a call (timeout, shutdown). The adapter frees what the call holds
    // (for a subprocess: kills and restarts it); a later `done` for it is ignored by the runtime.
    virtual void cancel(quint64 callId) { Q_UNUSED(callId) }
    // Restart workers (the GUI's Restart button); a no-op for in-process callbacks.
    virtual void restart() {}
    virtual State state() const { return State::Ready; }

Q_SIGNALS:
    void stateChanged(ango::callbacks::Callback::State state, const QString &detail);
    // Output of the author's code that is not a result (stdout/stderr lines of a subprocess).
    // `callId`: the call that was running in that process (or had just finished: the line may
    // arrive after the result, which travels on another pipe); 0 when none.
    void outputLine(const QString &line, bool isError, quint64 callId = 0);
};

// The largest result a callback may hand back, serialised (option "maxResultBytes"). A result is
// held parsed and then serialised for the hub; 1M boxes take gigabytes in between.
inline constexpr qint64 kDefaultMaxResultBytes = 64LL * 1024 * 1024;

// Refuses a result nested deeper than kDefaultJsonMaxDepth (the runtime's serialiser recurses
// once per level) or larger than maxBytes once serialised. `callback` is describe()'s text.
Result<void> checkCallbackResult(const nlohmann::json &result, const QString &callback,
                                 qint64 maxBytes);

// Level names as the SDK's PluginLogger sends them: "DEBUG", "INFO", "WARNING", "ERROR".
QString levelName(LogLevel level);

} // namespace ango::callbacks
