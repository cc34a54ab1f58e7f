#pragma once
// The event bus of a hub that runs alone: each conversation's subscribers are an EventFanout
// (its sliced sweep and shared chunks are what keep 1000 subscribers at 200 msg/s fast), made when
// the conversation's first stream subscribes. An event is framed once per publish, whatever the
// number of subscribers.

#include "eventbus.h"
#include "eventfanout.h"

#include <map>

namespace confab {

class LocalEventBus : public EventBus
{
    Q_OBJECT
public:
    LocalEventBus(qint64 maxUnsentBytes, int heartbeatMs, HubMetrics *metrics,
                  QObject *parent = nullptr);
    ~LocalEventBus() override;

    void publish(const PublishableEvent &event, const Audience &audience) override;
    void subscribe(const QString &conversation, std::unique_ptr<EventStream> stream,
                   const QString &memberId) override;
    void closeMember(const QString &memberId) override;
    void closeAll(const PublishableEvent &last) override;
    int subscriberCount() const override;

private:
    EventFanout &fanoutFor(const QString &conversation);

    qint64 m_maxUnsentBytes;
    int m_heartbeatMs;
    HubMetrics *m_metrics;
    std::map<QString, std::unique_ptr<EventFanout>> m_fanouts;
};

} // namespace confab
