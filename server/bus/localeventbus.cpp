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

EventFanout &LocalEventBus::fanoutFor(const QString &conversation)
{
    auto it = m_fanouts.find(conversation);
    if (it == m_fanouts.end()) {
        auto fanout = std::make_unique<EventFanout>(m_maxUnsentBytes, m_heartbeatMs, m_metrics);
        connect(fanout.get(), &EventFanout::subscriberLeft, this, &EventBus::subscriberLeft);
        it = m_fanouts.emplace(conversation, std::move(fanout)).first;
    }
    return *it->second;
}

void LocalEventBus::publish(const PublishableEvent &event, const Audience &audience)
{
    const QByteArray framed = sse::frame(toWire(event.event()));
    if (audience.kind == Audience::Kind::Conversation) {
        const auto it = m_fanouts.find(audience.id);
        if (it != m_fanouts.end())
            it->second->publish(framed);
        return;
    }
    for (auto &entry : m_fanouts)
        entry.second->publishToMember(audience.id, framed);
}

void LocalEventBus::subscribe(const QString &conversation, std::unique_ptr<EventStream> stream,
                              const QString &memberId)
{
    fanoutFor(conversation).add(std::move(stream), memberId);
}

void LocalEventBus::closeMember(const QString &memberId)
{
    for (auto &entry : m_fanouts)
        entry.second->closeMember(memberId);
}

void LocalEventBus::closeAll(const PublishableEvent &last)
{
    const QByteArray framed = sse::frame(toWire(last.event()));
    for (auto &entry : m_fanouts)
        entry.second->closeAll(framed);
}

int LocalEventBus::subscriberCount() const
{
    int count = 0;
    for (const auto &entry : m_fanouts)
        count += entry.second->count();
    return count;
}

} // namespace confab
