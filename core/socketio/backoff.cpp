#include "backoff.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace ango::socketio {

Backoff::Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max,
                 double randomizationFactor, Random random)
    : m_min(min)
    , m_max(std::max(min, max))
    , m_factor(std::clamp(randomizationFactor, 0.0, 1.0))
    , m_random(random ? std::move(random)
                      : Random([] { return QRandomGenerator::global()->generateDouble(); }))
{}

std::chrono::milliseconds Backoff::next()
{
    // The exponent is bounded so that the doubling cannot overflow; the cap applies anyway.
    const int exponent = std::min(m_attempts++, 30);
    double ms = double(m_min.count()) * std::pow(2.0, exponent);
    if (m_factor > 0) {
        const double deviation = std::floor(m_random() * m_factor * ms);
        ms = (int(std::floor(m_random() * 10)) & 1) == 0 ? ms - deviation : ms + deviation;
    }
    ms = std::clamp(ms, 0.0, double(m_max.count()));
    return std::chrono::milliseconds(qint64(ms));
}

} // namespace ango::socketio
