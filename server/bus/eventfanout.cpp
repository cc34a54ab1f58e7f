#include "eventfanout.h"

#include "ssewriter.h"
#include "websocketframes.h"

#include <QLoggingCategory>
#include <QMetaMethod>
#include <QTcpSocket>

#include <algorithm>
#include <iterator>
#include <utility>

Q_LOGGING_CATEGORY(lcFanout, "confab.hub.fanout")

namespace confab {

namespace {
// How long one slice of a sweep may write before it lets the event loop read new requests.
// 1000 loopback writes take about 4 ms on the 2-vCPU machines we measure on. hubbench at 1000
// subscribers x 200 msg/s: slices of 250, 500 and 1000 us gave the same p99 within the noise
// (7-10 ms); 3 ms slices and unsliced sweeps gave 10-12 ms.
constexpr qint64 SweepSliceUs = 500;
// The clock is read once per this many subscribers visited (a vDSO call, tens of ns).
constexpr int ClockEvery = 8;
} // namespace

EventFanout::EventFanout(qint64 maxUnsentBytes, int heartbeatMs, HubMetrics *metrics,
                         EventStream::Kind kind, QObject *parent)
    : QObject(parent)
    , m_maxUnsentBytes(maxUnsentBytes)
    , m_metrics(metrics)
    , m_kind(kind)
{
    m_sweepTimer.setSingleShot(true);
    m_sweepTimer.setInterval(0);
    connect(&m_sweepTimer, &QTimer::timeout, this, [this] { sweep(SweepSliceUs); });
    if (heartbeatMs > 0) {
        m_heartbeat.setInterval(heartbeatMs);
        connect(&m_heartbeat, &QTimer::timeout, this, [this] {
            // A WebSocket's keepalive is a ping (the client's pong is read and dropped).
            if (!m_subscribers.empty())
                publish(m_kind == EventStream::Kind::WebSocket ? ws::pingFrame()
                                                               : sse::comment("hb"));
        });
        m_heartbeat.start();
    }
}

EventFanout::~EventFanout()
{
    // Streams (and the responders they hold) go before the HTTP server does.
    for (Subscriber &subscriber : m_subscribers) {
        if (QTcpSocket *socket = subscriber.stream.socket())
            QObject::disconnect(socket, nullptr, this, nullptr);
    }
    m_subscribers.clear();
}

void EventFanout::publish(const QByteArray &framedEvent)
{
    if (m_subscribers.empty())
        return;
    m_log.push_back(framedEvent);
    ++m_head;
    // Not at once: the events of this event-loop turn go out together.
    if (!m_sweepTimer.isActive())
        m_sweepTimer.start();
}

void EventFanout::flush()
{
    sweep(-1);
}

void EventFanout::sweep(qint64 budgetUs)
{
    m_sweepTimer.stop();
    if (m_log.empty())
        return;
    QElapsedTimer clock;
    clock.start();
    std::vector<quint64> slow;
    int visited = 0;
    bool more = true;
    while (more) {
        auto it = find(m_cursor);
        // Streams that leave while we walk (a flush that fails aborts its socket, whose
        // disconnected() would erase from the list we iterate) are removed after the walk.
        m_walking = true;
        for (; it != m_subscribers.end(); ++it) {
            Subscriber &subscriber = *it;
            if (subscriber.sentUpTo < m_head) {
                EventStream &stream = subscriber.stream;
                const QByteArray &chunk = chunkAfter(subscriber.sentUpTo);
                if (stream.unsentBytes() + chunk.size() > m_maxUnsentBytes) {
                    slow.push_back(subscriber.id);
                } else {
                    stream.write(chunk);
                    // A stream whose bytes wait in Qt's buffer (TLS, WebSocket) is flushed at
                    // once, inside the slice and its time budget: its bytes reach the kernel in
                    // walk order, like a plain stream's send(). Flushing the slice's TLS streams
                    // after the walk instead made a slice several times its budget (encrypting
                    // and sending is most of a TLS delivery's cost, not counted), and the first
                    // subscriber of a slice waited for the whole slice's writes.
                    if (QTcpSocket *socket = stream.socket(); socket && stream.writesThroughQt())
                        socket->flush();
                    m_metrics->eventsSent += qint64(m_head - subscriber.sentUpTo);
                    m_metrics->bytesSent += chunk.size();
                }
                subscriber.sentUpTo = m_head;
            }
            if (budgetUs >= 0 && ++visited % ClockEvery == 0
                && clock.nsecsElapsed() / 1000 >= budgetUs) {
                ++it;
                break;
            }
        }
        const bool outOfTime = it != m_subscribers.end();
        if (outOfTime)
            m_cursor = it->id; // carry on in the next turn
        else
            m_cursor = 0;
        m_walking = false;
        for (quint64 id : std::exchange(m_leftDuringWalk, {}))
            remove(id);
        if (outOfTime)
            break;
        more = finishPass();
        if (more && budgetUs >= 0 && clock.nsecsElapsed() / 1000 >= budgetUs)
            break;
    }
    if (!m_log.empty() && !m_sweepTimer.isActive())
        m_sweepTimer.start();

    dropSlow(slow);
}

void EventFanout::dropSlow(const std::vector<quint64> &slow)
{
    // abort() emits disconnected synchronously, which removes the subscriber: do it after the walk.
    for (quint64 id : slow) {
        const auto found = find(id);
        if (found == m_subscribers.end() || found->id != id)
            continue;
        ++m_metrics->slowDropped;
        qCInfo(lcFanout) << "dropping a slow subscriber of member" << found->memberId;
        found->stream.abort();
        remove(id);
    }
}

bool EventFanout::finishPass()
{
    quint64 oldest = m_head;
    for (const Subscriber &subscriber : m_subscribers)
        oldest = std::min(oldest, subscriber.sentUpTo);
    while (m_logStart < oldest) {
        m_log.pop_front();
        ++m_logStart;
    }
    if (m_log.empty()) {
        m_chunks.clear();
        m_chunks.shrink_to_fit();
    }
    return !m_log.empty();
}

const QByteArray &EventFanout::chunkAfter(quint64 sentUpTo)
{
    if (m_chunksHead != m_head) {
        m_chunks.clear();
        m_chunksHead = m_head;
    }
    for (const CachedChunk &cached : m_chunks) {
        if (cached.after == sentUpTo)
            return cached.chunk;
    }
    QByteArray payload;
    if (m_head - sentUpTo == 1) {
        payload = m_log.back();
    } else {
        for (auto it = m_log.begin() + qsizetype(sentUpTo - m_logStart); it != m_log.end(); ++it)
            payload += *it;
    }
    m_chunks.push_back(CachedChunk {
        sentUpTo,
        m_kind == EventStream::Kind::WebSocket ? payload : EventStream::frameChunk(payload)});
    return m_chunks.back().chunk;
}

quint64 EventFanout::add(std::unique_ptr<EventStream> stream, const QString &memberId)
{
    const quint64 id = m_nextId++;
    QTcpSocket *socket = stream->socket();
    m_subscribers.push_back(Subscriber {id, std::move(*stream), memberId, m_head});
    if (socket) {
        // Connected by method, not to a lambda or a member function pointer: those allocate a
        // slot object for every connection, about 50 bytes per idle subscriber (of about 4.5 KiB).
        static const QMetaMethod disconnected = QMetaMethod::fromSignal(&QTcpSocket::disconnected);
        static const QMetaMethod slot
            = staticMetaObject.method(staticMetaObject.indexOfSlot("streamDisconnected()"));
        connect(socket, disconnected, this, slot);
        if (socket->state() != QAbstractSocket::ConnectedState)
            QTimer::singleShot(0, this, [this, id] { remove(id); });
    }
    return id;
}

void EventFanout::streamDisconnected()
{
    const QObject *socket = sender();
    const auto it = std::find_if(
        m_subscribers.begin(), m_subscribers.end(),
        [socket](const Subscriber &subscriber) { return subscriber.stream.socket() == socket; });
    if (it == m_subscribers.end())
        return;
    if (m_walking)
        m_leftDuringWalk.push_back(it->id);
    else
        remove(it->id);
}

std::vector<EventFanout::Subscriber>::iterator EventFanout::find(quint64 id)
{
    // The first subscriber with this id or a larger one.
    return std::lower_bound(
        m_subscribers.begin(), m_subscribers.end(), id,
        [](const Subscriber &subscriber, quint64 wanted) { return subscriber.id < wanted; });
}

void EventFanout::remove(quint64 id)
{
    const auto it = find(id);
    if (it == m_subscribers.end() || it->id != id)
        return;
    if (QTcpSocket *socket = it->stream.socket())
        QObject::disconnect(socket, nullptr, this, nullptr);
    const QString memberId = it->memberId;
    m_subscribers.erase(it);
    emit subscriberLeft(memberId);
}

void EventFanout::closeMember(const QString &memberId)
{
    closeWhere(
        [&memberId](const Subscriber &subscriber) { return subscriber.memberId == memberId; });
}

void EventFanout::closeAll(const QByteArray &lastPayload)
{
    publish(lastPayload);
    flush();
    closeWhere([](const Subscriber &) { return true; });
}

void EventFanout::closeWhere(const std::function<bool(const Subscriber &)> &matches)
{
    // Gracefully: disconnectFromHost() lets what is queued (a final `bye`) reach the client.
    // Our slots are detached first, so the closes cannot re-enter remove().
    std::vector<Subscriber> closing;
    const auto kept = std::stable_partition(m_subscribers.begin(), m_subscribers.end(),
                                            [&](const Subscriber &s) { return !matches(s); });
    std::move(kept, m_subscribers.end(), std::back_inserter(closing));
    m_subscribers.erase(kept, m_subscribers.end());
    for (Subscriber &subscriber : closing) {
        if (QTcpSocket *socket = subscriber.stream.socket()) {
            QObject::disconnect(socket, nullptr, this, nullptr);
            subscriber.stream.finish();
            // Hands what is queued to the kernel now: a TLS socket still holds it to encrypt,
            // and the window destroys the hub right after shutdown() (no event loop turn
            // in between), which would drop the `bye` of every https:// member.
            socket->flush();
            socket->disconnectFromHost();
        }
    }
    if (m_subscribers.empty()) {
        m_log.clear();
        m_logStart = m_head;
        m_chunks.clear();
    }
}

} // namespace confab
