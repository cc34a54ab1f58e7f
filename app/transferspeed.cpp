#include "transferspeed.h"

#include <QElapsedTimer>

#include <algorithm>

namespace confab {

TransferSpeed::TransferSpeed(Clock clock)
    : m_clock(std::move(clock))
{
    if (!m_clock) {
        m_clock = [] {
            static QElapsedTimer monotonic = [] {
                QElapsedTimer timer;
                timer.start();
                return timer;
            }();
            return monotonic.elapsed();
        };
    }
}

void TransferSpeed::start(qint64 position)
{
    m_running = true;
    m_markMs = m_clock();
    m_markPosition = position;
}

bool TransferSpeed::stop()
{
    m_running = false;
    const bool changed = m_speed != 0;
    m_speed = 0;
    return changed;
}

bool TransferSpeed::sample(qint64 position, bool force)
{
    if (!m_running)
        return false;
    const qint64 now = m_clock();
    const qint64 elapsed = now - m_markMs;
    if (elapsed <= 0 || (!force && elapsed < IntervalMs))
        return false;
    const double latest
        = std::max(0.0, double(position - m_markPosition) * 1000.0 / double(elapsed));
    m_speed = m_speed > 0 ? Smoothing * latest + (1 - Smoothing) * m_speed : latest;
    m_markMs = now;
    m_markPosition = position;
    return true;
}

} // namespace confab
