#pragma once
// A token bucket: `burst` tokens, refilled at `perSecond`. perSecond <= 0 means unlimited.

#include <QtGlobal>

namespace confab {

class TokenBucket
{
public:
    TokenBucket() = default;
    TokenBucket(double perSecond, int burst);

    // Takes one token if there is one. Otherwise returns false and sets *retryAfterMs.
    bool take(qint64 nowMs, qint64 *retryAfterMs);

private:
    double m_perSecond = 0;
    double m_capacity = 0;
    double m_tokens = 0;
    qint64 m_lastMs = -1;
};

} // namespace confab
