#include "tokenbucket.h"

#include <algorithm>
#include <cmath>

namespace confab {

TokenBucket::TokenBucket(double perSecond, int burst)
    : m_perSecond(perSecond)
    , m_capacity(std::max(1, burst))
    , m_tokens(m_capacity)
{ }

bool TokenBucket::take(qint64 nowMs, qint64 *retryAfterMs)
{
    if (m_perSecond <= 0)
        return true;
    if (m_lastMs >= 0)
        m_tokens = std::min(m_capacity, m_tokens + double(nowMs - m_lastMs) * m_perSecond / 1000.0);
    m_lastMs = nowMs;
    if (m_tokens >= 1.0) {
        m_tokens -= 1.0;
        return true;
    }
    if (retryAfterMs)
        *retryAfterMs = qint64(std::ceil((1.0 - m_tokens) * 1000.0 / m_perSecond));
    return false;
}

} // namespace confab
