#include "backoff.h"

#include <algorithm>
#include <cmath>

namespace confab {

Backoff::Backoff()
    : Backoff(Settings {})
{ }

Backoff::Backoff(Settings settings, quint32 seed)
    : m_settings(settings)
    , m_random(seed)
{ }

int Backoff::nextDelayMs(int baseMs)
{
    baseMs = std::max(baseMs, 0);
    const int attempt = m_attempts++;
    if (attempt == 0)
        return baseMs;
    // Grow from at least 1 s so that `retry: 0` does not make a tight loop against a dead host.
    const double grownFrom = std::max(baseMs, 1000);
    const double grown = std::min(double(m_settings.maxDelayMs),
                                  grownFrom * std::pow(m_settings.factor, std::min(attempt, 30)));
    const double jittered = grown * (1.0 - m_settings.jitter * m_random.generateDouble());
    return std::max(baseMs, int(jittered));
}

void Backoff::reset()
{
    m_attempts = 0;
}

int Backoff::attempts() const
{
    return m_attempts;
}

} // namespace confab
