#pragma once
// One room's live subscribers and the delivery of its events to them.
//
// Each event is framed once and the same bytes go to every subscriber; all events of one
// event-loop turn are coalesced into one write per subscriber (a zero-timer flush). A subscriber
// whose unsent bytes would pass the cap is aborted and dropped, so nobody waits for it.

#include "httpserveradapter.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <unordered_map>

namespace confab {

struct HubMetrics
{
    qint64 messages = 0;
    qint64 eventsSent = 0;
    qint64 bytesSent = 0;
    qint64 slowDropped = 0;
    qint64 eventsReplayed = 0;
};

class EventFanout : public QObject
{
    Q_OBJECT
public:
    EventFanout(qint64 maxUnsentBytes, int heartbeatMs, HubMetrics *metrics,
                QObject *parent = nullptr);
    ~EventFanout() override;

    // Queues framed SSE bytes (sse::frame or sse::comment) for every subscriber.
    void publish(const QByteArray &framedEvent);
    // Writes the queued batch now. Called by the zero-timer, and before a new subscriber's
    // replay so that the replay and the live stream meet with no gap and no duplicate.
    void flush();

    // Takes over a stream whose head (and replay) is written; returns the subscriber's id.
    quint64 add(std::unique_ptr<EventStream> stream, const QString &memberId);
    // Sends `lastPayload` to everyone, then closes every stream gracefully (used for `bye`).
    void closeAll(const QByteArray &lastPayload);
    // Cuts the streams of one member (their session ended).
    void closeMember(const QString &memberId);
    int count() const { return int(m_subscribers.size()); }

signals:
    void subscriberLeft(const QString &memberId);

private:
    struct Subscriber
    {
        std::unique_ptr<EventStream> stream;
        QString memberId;
    };
    void remove(quint64 id);
    void closeWhere(const std::function<bool(const Subscriber &)> &matches);

    qint64 m_maxUnsentBytes;
    HubMetrics *m_metrics;
    std::unordered_map<quint64, Subscriber> m_subscribers;
    quint64 m_nextId = 1;
    QByteArray m_batch;
    int m_batchEvents = 0;
    QTimer m_flushTimer;
    QTimer m_heartbeat;
};

} // namespace confab
