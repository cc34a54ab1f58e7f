#include "localeventbus.h"

#include "ssewriter.h"

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
                                     const QString &key)
{
    auto it = fanouts.find(key);
    if (it == fanouts.end()) {
        auto fanout = std::make_unique<EventFanout>(m_maxUnsentBytes, m_heartbeatMs, m_metrics);
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
}

void LocalEventBus::publish(const PublishableEvent &event, const Audience &audience)
{
    const QByteArray framed = sse::frame(toWire(event.event()));
    if (audience.kind == Audience::Kind::EveryMember) {
        for (auto &entry : m_memberFanouts)
            entry.second->publish(framed);
        return;
    }
    if (audience.kind == Audience::Kind::Member) {
        const auto it = m_memberFanouts.find(audience.id);
        if (it != m_memberFanouts.end())
            it->second->publish(framed);
        return;
    }
    const auto room = m_fanouts.find(audience.id);
    if (room != m_fanouts.end())
        room->second->publish(framed);
    if (m_memberFanouts.empty() || !m_members)
        return;
    const std::set<QString> *members = m_members(audience.id);
    if (!members)
        return;
    // Whichever is smaller is walked: the members, or the members with a stream open.
    if (members->size() <= m_memberFanouts.size()) {
        for (const QString &memberId : *members) {
            const auto it = m_memberFanouts.find(memberId);
            if (it != m_memberFanouts.end())
                it->second->publish(framed);
        }
    } else {
        for (auto &entry : m_memberFanouts) {
            if (members->count(entry.first))
                entry.second->publish(framed);
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
    fanoutIn(m_memberFanouts, memberId).add(std::move(stream), memberId);
}

void LocalEventBus::closeMember(const QString &memberId)
{
    forEachFanout([&memberId](EventFanout &fanout) { fanout.closeMember(memberId); });
}

void LocalEventBus::closeAll(const PublishableEvent &last)
{
    const QByteArray framed = sse::frame(toWire(last.event()));
    forEachFanout([&framed](EventFanout &fanout) { fanout.closeAll(framed); });
}

int LocalEventBus::subscriberCount() const
{
    int count = 0;
    for (const auto &entry : m_fanouts)
        count += entry.second->count();
    for (const auto &entry : m_memberFanouts)
        count += entry.second->count();
    return count;
}

} // namespace confab
