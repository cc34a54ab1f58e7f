#include "eventfanout.h"

#include "ssewriter.h"

#include <QLoggingCategory>
#include <QTcpSocket>

#include <vector>

Q_LOGGING_CATEGORY(lcFanout, "confab.hub.fanout")

namespace confab {

EventFanout::EventFanout(qint64 maxUnsentBytes, int heartbeatMs, HubMetrics *metrics,
                         QObject *parent)
    : QObject(parent)
    , m_maxUnsentBytes(maxUnsentBytes)
    , m_metrics(metrics)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &EventFanout::flush);
    if (heartbeatMs > 0) {
        m_heartbeat.setInterval(heartbeatMs);
        connect(&m_heartbeat, &QTimer::timeout, this, [this] {
            if (!m_subscribers.empty())
                publish(sse::comment("hb"));
        });
        m_heartbeat.start();
    }
}

EventFanout::~EventFanout()
{
    // Streams (and the responders they hold) go before the HTTP server does.
    for (auto &entry : m_subscribers) {
        if (QTcpSocket *socket = entry.second.stream->socket())
            QObject::disconnect(socket, nullptr, this, nullptr);
    }
    m_subscribers.clear();
}

void EventFanout::publish(const QByteArray &framedEvent)
{
    if (m_subscribers.empty())
        return;
    m_batch += framedEvent;
    ++m_batchEvents;
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void EventFanout::flush()
{
    m_flushTimer.stop();
    if (m_batch.isEmpty())
        return;
    const QByteArray chunk = EventStream::frameChunk(m_batch);
    const int events = std::exchange(m_batchEvents, 0);
    m_batch.clear();

    std::vector<quint64> slow;
    qint64 delivered = 0;
    for (auto &[id, subscriber] : m_subscribers) {
        EventStream &stream = *subscriber.stream;
        if (!stream.isOpen())
            continue;
        if (stream.unsentBytes() + chunk.size() > m_maxUnsentBytes) {
            slow.push_back(id);
            continue;
        }
        stream.write(chunk);
        ++delivered;
    }
    m_metrics->eventsSent += delivered * events;
    m_metrics->bytesSent += delivered * chunk.size();
    // abort() emits disconnected synchronously, which removes the subscriber: do it after the walk.
    for (quint64 id : slow) {
        const auto it = m_subscribers.find(id);
        if (it == m_subscribers.end())
            continue;
        ++m_metrics->slowDropped;
        qCInfo(lcFanout) << "dropping a slow subscriber of member" << it->second.memberId;
        it->second.stream->abort();
        remove(id);
    }
}

quint64 EventFanout::add(std::unique_ptr<EventStream> stream, const QString &memberId)
{
    const quint64 id = m_nextId++;
    QTcpSocket *socket = stream->socket();
    m_subscribers.emplace(id, Subscriber {std::move(stream), memberId});
    if (socket) {
        connect(socket, &QTcpSocket::disconnected, this, [this, id] { remove(id); });
        if (socket->state() != QAbstractSocket::ConnectedState)
            QTimer::singleShot(0, this, [this, id] { remove(id); });
    }
    return id;
}

void EventFanout::remove(quint64 id)
{
    const auto it = m_subscribers.find(id);
    if (it == m_subscribers.end())
        return;
    if (QTcpSocket *socket = it->second.stream->socket())
        QObject::disconnect(socket, nullptr, this, nullptr);
    const QString memberId = it->second.memberId;
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
    m_batch += lastPayload;
    ++m_batchEvents;
    flush();
    closeWhere([](const Subscriber &) { return true; });
}

void EventFanout::closeWhere(const std::function<bool(const Subscriber &)> &matches)
{
    // Gracefully: disconnectFromHost() lets what is queued (a final `bye`) reach the client.
    // Our slots are detached first, so the closes cannot re-enter remove().
    for (auto it = m_subscribers.begin(); it != m_subscribers.end();) {
        if (!matches(it->second)) {
            ++it;
            continue;
        }
        if (QTcpSocket *socket = it->second.stream->socket()) {
            QObject::disconnect(socket, nullptr, this, nullptr);
            socket->disconnectFromHost();
        }
        it = m_subscribers.erase(it);
    }
}

} // namespace confab
