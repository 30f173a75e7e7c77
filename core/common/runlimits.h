#pragma once

// The ranges of the runner's settings, shared by its flags (app/runner/runoptions.cpp) and the
// profile parser, so a value refused on one is refused on the other with the same range.
namespace ango::limits {

// Runs at a time, interactive or workflow, and callback worker processes.
inline constexpr int kMinConcurrency = 1;
inline constexpr int kMaxConcurrency = 256;

// Seconds. Below a second a heartbeat floods the hub; a request timeout under a second fails
// every real model call; above a day nothing waits for it any more.
inline constexpr double kMinHeartbeatSeconds = 1;
inline constexpr double kMaxHeartbeatSeconds = 3600;
inline constexpr double kMinRequestTimeoutSeconds = 1;
inline constexpr double kMaxRequestTimeoutSeconds = 86400;
inline constexpr double kMinDrainSeconds = 0.1;
inline constexpr double kMaxDrainSeconds = 3600;

// --max-result-size, in MiB: the largest callback result accepted (callbacks/callback.h's
// kDefaultMaxResultBytes is the default, 64 MiB).
inline constexpr int kMinResultMiB = 1;
inline constexpr int kMaxResultMiB = 1024;

// --secret-file and profile secret files.
inline constexpr long long kMaxSecretFileBytes = 64 * 1024;

} // namespace ango::limits
