#pragma once
// One room's live subscribers and the delivery of its events to them.
//
// Each event is framed once and kept in a short log until every subscriber has it. Every
// subscriber remembers how far into that log it has been sent. A sweep walks the subscribers in
// order and gives each, in one write, everything it has not had yet: the bytes for one starting
// point are built once and shared by every subscriber at that point, never copied per subscriber.
//
// The sweep runs in slices of about half a millisecond and returns to the event loop in between, so
// a message posted while 1000 subscribers are being written to is read, stored and answered at
// once. Subscribers the sweep has not reached yet then get both events in the same write, and the
// ones it has passed get the new one on the next sweep. Under load this batches by itself (fewer,
// larger writes); when idle each event goes out in the turn after it is published.
//
// A subscriber whose unsent bytes would pass the cap is aborted and dropped, so nobody waits for
// it.

#include "httpserveradapter.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace confab {

struct HubMetrics
{
    qint64 messages = 0;
    qint64 eventsSent = 0;
    qint64 bytesSent = 0;
    qint64 slowDropped = 0;
    qint64 eventsReplayed = 0;
    // Calls (chat/callservice): counts only, nothing per member or call.
    qint64 callsRinging = 0;
    qint64 callsActive = 0;
    qint64 callsStarted = 0;
    qint64 callSignalsRelayed = 0;
};

class EventFanout : public QObject
{
    Q_OBJECT
public:
    // `kind`: what the subscribers are, and so how events are framed: event-stream frames in HTTP
    // chunks, or WebSocket frames as they are (both built once and shared).
    EventFanout(qint64 maxUnsentBytes, int heartbeatMs, HubMetrics *metrics,
                EventStream::Kind kind = EventStream::Kind::EventSource, QObject *parent = nullptr);
    ~EventFanout() override;

    // Queues framed bytes (sse::frame or sse::comment; for WebSockets ws::textFrame) for every
    // current subscriber.
    void publish(const QByteArray &framedEvent);
    // Delivers everything queued to every subscriber now, in one go (used before `bye`).
    void flush();

    // Takes over a stream whose head (and replay) is written; returns the subscriber's id. The
    // stream gets the events published from now on: everything published before is already
    // committed to the store, so the caller's replay has it.
    quint64 add(std::unique_ptr<EventStream> stream, const QString &memberId);
    // Sends `lastPayload` to everyone, then closes every stream gracefully (used for `bye`).
    void closeAll(const QByteArray &lastPayload);
    // Cuts the streams of one member (their session ended).
    void closeMember(const QString &memberId);
    int count() const { return int(m_subscribers.size()); }
    // Events published but not yet written to every subscriber.
    int backlog() const { return int(m_log.size()); }

signals:
    void subscriberLeft(const QString &memberId);

private slots:
    // A stream's socket disconnected (the sender): its subscriber leaves.
    void streamDisconnected();

private:
    struct Subscriber
    {
        quint64 id = 0;
        EventStream stream;
        QString memberId;
        quint64 sentUpTo = 0; // sequence number of the last event written to this stream
    };
    std::vector<Subscriber>::iterator find(quint64 id);
    // One slice of the sweep; with `budgetUs` < 0 it runs until everyone is up to date.
    void sweep(qint64 budgetUs);
    // Ends a pass over all subscribers: forgets events everyone has, and says if anyone lacks one.
    bool finishPass();
    // The chunk carrying every event after `sentUpTo`, built once per starting point. The
    // reference is good until the next call.
    const QByteArray &chunkAfter(quint64 sentUpTo);
    void remove(quint64 id);
    void dropSlow(const std::vector<quint64> &slow);
    void closeWhere(const std::function<bool(const Subscriber &)> &matches);

    qint64 m_maxUnsentBytes;
    HubMetrics *m_metrics;
    EventStream::Kind m_kind;
    // Sorted by id (new ids are larger, so adding appends): a sweep's position, kept as an id,
    // survives adds and removes. A vector, because the sweep walks it a thousand times a second.
    std::vector<Subscriber> m_subscribers;
    quint64 m_nextId = 1;
    std::deque<QByteArray> m_log; // framed events m_logStart+1 ... m_head
    quint64 m_logStart = 0;
    quint64 m_head = 0;
    quint64 m_cursor = 0; // id of the next subscriber this pass visits
    struct CachedChunk
    {
        quint64 after = 0;
        QByteArray chunk;
    };
    std::vector<CachedChunk> m_chunks; // valid for m_chunksHead only
    quint64 m_chunksHead = 0;
    // A sweep is walking m_subscribers: streams that disconnect meanwhile wait in
    // m_leftDuringWalk and are removed once the walk is done.
    bool m_walking = false;
    std::vector<quint64> m_leftDuringWalk;
    QTimer m_sweepTimer;
    QTimer m_heartbeat;
};

} // namespace confab
