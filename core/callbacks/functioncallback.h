#pragma once

#include "callbacks/callback.h"

#include <functional>

// A callback written in C++: the console's own tests, tools and embedders plug a function in.
namespace ango::callbacks {

class FunctionCallback final : public Callback
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FunctionCallback)

public:
    // Returns the result at once (runs on the caller's thread: keep it short).
    using SyncFunction = std::function<Result<nlohmann::json>(const Call &)>;
    // Calls `done` exactly once, now or later, on this object's thread.
    using AsyncFunction = std::function<void(Call, Done)>;

    explicit FunctionCallback(SyncFunction function,
                              QString description = QStringLiteral("C++ function"),
                              QObject *parent = nullptr);
    explicit FunctionCallback(AsyncFunction function,
                              QString description = QStringLiteral("C++ function (async)"),
                              QObject *parent = nullptr);

    QString describe() const override { return m_description; }
    void invoke(Call call, Done done) override;

private:
    SyncFunction m_sync;
    AsyncFunction m_async;
    QString m_description;
};

} // namespace ango::callbacks
