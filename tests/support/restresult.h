#pragma once

// Header only: the REST tests link ango_rest themselves; the support library does not.
#include "common/result.h"
#include "rest/restclient.h"

#include <QString>

#include <chrono>
#include <functional>
#include <optional>

namespace ango::test {

// Retries that keep a test short; the transfer timeout is longer than any drip or delay the
// tests' peers use, so it never trips unless a test means it to.
inline rest::RetryPolicy fastRetryPolicy(int attempts = 3)
{
    using namespace std::chrono_literals;
    rest::RetryPolicy policy;
    policy.maxAttempts = attempts;
    policy.initialDelay = 5ms;
    policy.maxDelay = 50ms;
    policy.transferTimeout = 5000ms;
    return policy;
}

// Results of a REST call land here; `calls` proves "exactly once".
template <typename T> struct RestOutcome
{
    int calls = 0;
    std::optional<Result<T>> result;

    std::function<void(Result<T>)> callback()
    {
        return [this](Result<T> r) {
            ++calls;
            result.emplace(std::move(r));
        };
    }
    bool ok() const { return result && result->ok(); }
    QString error() const { return result && !result->ok() ? result->error().message : QString(); }
    int status() const { return result && !result->ok() ? result->error().status : -1; }
};

} // namespace ango::test
