#pragma once
// The speed of one transfer (an upload's or a download's), as the strip and the progress bar
// show it: bytes per second over about IntervalMs, smoothed so that the figure does not jump
// with every buffer. It measures only while running: a pause, a retry or the end stops it, and
// the next run measures afresh from where that one starts.

#include <QtGlobal>

#include <functional>

namespace confab {

class TransferSpeed
{
public:
    static constexpr qint64 IntervalMs = 500; // a new figure at most this often
    static constexpr double Smoothing = 0.5; // weight of the newest interval in the figure

    using Clock = std::function<qint64()>; // milliseconds, monotonic
    // clock: tests pass their own; the default is a monotonic clock.
    explicit TransferSpeed(Clock clock = {});

    // Starts measuring at this position (bytes sent or received so far).
    void start(qint64 position);
    // Stops measuring; true when the figure was not 0 (it is 0 now: a change to show).
    bool stop();
    bool isRunning() const { return m_running; }
    // The transfer is at this position: true when that made a new figure (at most one per
    // IntervalMs; `force` takes one now, e.g. at the end, when any time has passed).
    bool sample(qint64 position, bool force = false);
    double bytesPerSecond() const { return m_speed; }

private:
    Clock m_clock;
    bool m_running = false;
    qint64 m_markMs = 0;
    qint64 m_markPosition = 0;
    double m_speed = 0;
};

} // namespace confab
