#include "localeventbus.h"

#include "ssewriter.h"
#include "websocketframes.h"

namespace confab {

LocalEventBus::LocalEventBus(qint64 maxUnsentBytes, int heartbeatMs, HubMetrics *metrics,
                             QObject *parent)
    : EventBus(parent)
    , m_maxUnsentBytes(maxUnsentBytes)
    , m_heartbeatMs(heartbeatMs)
    , m_metrics(metrics)
{ }

LocalEventBus::~LocalEventBus() = default;

EventFanout &LocalEventBus::fanoutIn(std::map<QString, std::unique_ptr<EventFanout>> &fanouts,
                                     const QString &key, EventStream::Kind kind)
{
    auto it = fanouts.find(key);
    if (it == fanouts.end()) {
        auto fanout
            = std::make_unique<EventFanout>(m_maxUnsentBytes, m_heartbeatMs, m_metrics, kind);
        connect(fanout.get(), &EventFanout::subscriberLeft, this, &EventBus::subscriberLeft);
        it = fanouts.emplace(key, std::move(fanout)).first;
    }
    return *it->second;
}

template<class F> void LocalEventBus::forEachFanout(F &&f)
{
    for (auto &entry : m_fanouts)
        f(*entry.second);
    for (auto &entry : m_memberFanouts)
        f(*entry.second);
    for (auto &entry : m_memberSockets)
        f(*entry.second);
}

void LocalEventBus::publish(const PublishableEvent &event, const Audience &audience)
{
    const WireEvent wire = toWire(event.event());
    const QByteArray framed = sse::frame(wire);
    QByteArray socketFrame; // built once, and only when a WebSocket is to get it
    const auto deliver = [&](const QString &memberId) {
        if (const auto it = m_memberFanouts.find(memberId); it != m_memberFanouts.end())
            it->second->publish(framed);
        if (const auto it = m_memberSockets.find(memberId); it != m_memberSockets.end()) {
            if (socketFrame.isEmpty())
                socketFrame = ws::eventFrame(wire);
            it->second->publish(socketFrame);
        }
    };
    if (audience.kind == Audience::Kind::EveryMember) {
        for (auto &entry : m_memberFanouts)
            entry.second->publish(framed);
        if (!m_memberSockets.empty()) {
            socketFrame = ws::eventFrame(wire);
            for (auto &entry : m_memberSockets)
                entry.second->publish(socketFrame);
        }
        return;
    }
    if (audience.kind == Audience::Kind::Member) {
        deliver(audience.id);
        // Written now rather than in the sweep of the next event-loop turn: these are a call's
        // signals (and read marks), waited for by one person, and their member's fan-out holds a
        // few devices, so the write costs microseconds. Under chat load the next turn can be
        // milliseconds away (it runs the room sweeps' slices and reads the posts first). Anything
        // queued for the member before goes out in the same write, in order.
        for (auto *fanouts : {&m_memberFanouts, &m_memberSockets}) {
            if (const auto it = fanouts->find(audience.id); it != fanouts->end())
                it->second->flush();
        }
        return;
    }
    const auto room = m_fanouts.find(audience.id);
    if (room != m_fanouts.end())
        room->second->publish(framed);
    if ((m_memberFanouts.empty() && m_memberSockets.empty()) || !m_members)
        return;
    const std::set<QString> *members = m_members(audience.id);
    if (!members)
        return;
    // Whichever is smaller is walked: the members, or the members with a stream open.
    if (members->size() <= m_memberFanouts.size() + m_memberSockets.size()) {
        for (const QString &memberId : *members)
            deliver(memberId);
    } else {
        for (auto &entry : m_memberFanouts) {
            if (members->count(entry.first))
                entry.second->publish(framed);
        }
        for (auto &entry : m_memberSockets) {
            if (members->count(entry.first)) {
                if (socketFrame.isEmpty())
                    socketFrame = ws::eventFrame(wire);
                entry.second->publish(socketFrame);
            }
        }
    }
}

void LocalEventBus::subscribe(const QString &conversation, std::unique_ptr<EventStream> stream,
                              const QString &memberId)
{
    fanoutIn(m_fanouts, conversation).add(std::move(stream), memberId);
}

void LocalEventBus::subscribeMember(const QString &memberId, std::unique_ptr<EventStream> stream)
{
    if (stream->isWebSocket())
        fanoutIn(m_memberSockets, memberId, EventStream::Kind::WebSocket)
            .add(std::move(stream), memberId);
    else
        fanoutIn(m_memberFanouts, memberId).add(std::move(stream), memberId);
}

void LocalEventBus::closeMember(const QString &memberId)
{
    forEachFanout([&memberId](EventFanout &fanout) { fanout.closeMember(memberId); });
}

void LocalEventBus::closeAll(const PublishableEvent &last)
{
    const WireEvent wire = toWire(last.event());
    const QByteArray framed = sse::frame(wire);
    for (auto &entry : m_fanouts)
        entry.second->closeAll(framed);
    for (auto &entry : m_memberFanouts)
        entry.second->closeAll(framed);
    const QByteArray socketFrame = ws::eventFrame(wire);
    for (auto &entry : m_memberSockets)
        entry.second->closeAll(socketFrame);
}

int LocalEventBus::subscriberCount() const
{
    int count = 0;
    for (const auto &entry : m_fanouts)
        count += entry.second->count();
    for (const auto &entry : m_memberFanouts)
        count += entry.second->count();
    for (const auto &entry : m_memberSockets)
        count += entry.second->count();
    return count;
}

} // namespace confab
