#pragma once

#include <chrono>
#include <functional>

namespace ango::socketio {

// The socket.io JS client's reconnection delay: min·2^n, ± randomization·that, capped at max.
class Backoff
{
public:
    using Random = std::function<double()>; // uniform in [0, 1)

    Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max,
            double randomizationFactor, Random random = {});

    std::chrono::milliseconds next();
    void reset() { m_attempts = 0; }
    int attempts() const { return m_attempts; }

private:
    std::chrono::milliseconds m_min;
    std::chrono::milliseconds m_max;
    double m_factor;
    Random m_random;
    int m_attempts = 0;
};

} // namespace ango::socketio
