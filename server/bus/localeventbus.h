#pragma once
// The event bus of a hub that runs alone. Each conversation's v1 room streams are an EventFanout
// (its sliced sweep and shared chunks are what keep 1000 subscribers at 200 msg/s fast), and so are
// each member's v2 streams (all their devices), made at the first subscribe. An event is framed
// once per publish; a conversation's event goes to the fan-outs of its members who have a stream
// open, found through the member resolver, so it costs nothing for anyone else.

#include "eventbus.h"
#include "eventfanout.h"

#include <map>
#include <memory>

namespace confab {

class LocalEventBus : public EventBus
{
    Q_OBJECT
public:
    LocalEventBus(qint64 maxUnsentBytes, int heartbeatMs, HubMetrics *metrics,
                  QObject *parent = nullptr);
    ~LocalEventBus() override;

    void publish(const PublishableEvent &event, const Audience &audience) override;
    void setMemberResolver(MemberResolver resolver) override { m_members = std::move(resolver); }
    void subscribe(const QString &conversation, std::unique_ptr<EventStream> stream,
                   const QString &memberId) override;
    void subscribeMember(const QString &memberId, std::unique_ptr<EventStream> stream) override;
    void closeMember(const QString &memberId) override;
    void closeAll(const PublishableEvent &last) override;
    int subscriberCount() const override;

private:
    EventFanout &fanoutIn(std::map<QString, std::unique_ptr<EventFanout>> &fanouts,
                          const QString &key,
                          EventStream::Kind kind = EventStream::Kind::EventSource);
    template<class F> void forEachFanout(F &&f);

    qint64 m_maxUnsentBytes;
    int m_heartbeatMs;
    HubMetrics *m_metrics;
    MemberResolver m_members;
    std::map<QString, std::unique_ptr<EventFanout>> m_fanouts; // v1 room streams, by conversation
    std::map<QString, std::unique_ptr<EventFanout>> m_memberFanouts; // v2 streams, by member
    std::map<QString, std::unique_ptr<EventFanout>> m_memberSockets; // v2 WebSockets, by member
};

} // namespace confab
