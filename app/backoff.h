#pragma once
// Reconnection delays for a link that keeps failing: exponential growth from a base delay, capped,
// with random jitter so that a room full of clients does not reconnect in lockstep when the hub
// comes back. reset() after a healthy connection starts over at the base delay.

#include <QRandomGenerator>

namespace confab {

class Backoff
{
public:
    struct Settings
    {
        int maxDelayMs = 30000; // the growth stops here (a server's longer `retry:` still wins)
        double factor = 2.0;
        double jitter = 0.3; // each grown delay is cut by a random 0..30 %
    };

    Backoff();
    explicit Backoff(Settings settings, quint32 seed = QRandomGenerator::global()->generate());

    // The delay before the next attempt, given the stream's reconnection time, and counts the
    // attempt. The first attempt after a reset waits exactly baseMs, as the SSE standard says.
    int nextDelayMs(int baseMs);
    void reset();
    int attempts() const;

private:
    Settings m_settings;
    QRandomGenerator m_random;
    int m_attempts = 0;
};

} // namespace confab
