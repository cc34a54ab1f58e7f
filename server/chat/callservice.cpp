#include "callservice.h"

#include "bus/eventbus.h"
#include "bus/eventfanout.h"
#include "chat/conversationservice.h"
#include "chat/messageservice.h"
#include "protocol.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <algorithm>

namespace confab {

namespace {
constexpr QLatin1StringView MediaAudio("audio");
constexpr QLatin1StringView MediaVideo("video");
constexpr int SecondsPerMinute = 60;

QString stateName(CallService::State state)
{
    switch (state) {
    case CallService::State::Ringing:
        return QStringLiteral("ringing");
    case CallService::State::Active:
        return QStringLiteral("active");
    case CallService::State::Ended:
        return QStringLiteral("ended");
    }
    return {};
}

QString newCallId()
{
    return QStringLiteral("call_%1").arg(QRandomGenerator::system()->generate64(), 16, 16,
                                         QLatin1Char('0'));
}

ServiceError unknownCall()
{
    return ServiceError {404, protocol::error::UnknownCall, QStringLiteral("No such call.")};
}

qint64 durationSeconds(const CallService::Call &call)
{
    if (call.answeredMs <= 0)
        return 0;
    return std::max<qint64>(0, (call.endedMs - call.answeredMs) / 1000);
}

// The summary's English text (clients may render `call` in their own language instead).
QString summaryText(const QString &media, const QString &outcome, qint64 seconds)
{
    const bool video = media == MediaVideo;
    if (outcome == QLatin1StringView("missed"))
        return video ? QStringLiteral("Missed video call") : QStringLiteral("Missed call");
    if (outcome == QLatin1StringView("declined"))
        return video ? QStringLiteral("Declined video call") : QStringLiteral("Declined call");
    const QString length = seconds < SecondsPerMinute
        ? QStringLiteral("%1 s").arg(seconds)
        : QStringLiteral("%1 min").arg((seconds + SecondsPerMinute / 2) / SecondsPerMinute);
    return (video ? QStringLiteral("Video call, %1") : QStringLiteral("Call, %1")).arg(length);
}
} // namespace

QJsonObject CallService::Call::toJson() const
{
    QJsonObject object {{QStringLiteral("id"), id},
                        {QStringLiteral("caller"), caller.toJson()},
                        {QStringLiteral("callee"), callee.toJson()},
                        {QStringLiteral("media"), media},
                        {QStringLiteral("state"), stateName(state)},
                        {QStringLiteral("conversation"), conversation},
                        {QStringLiteral("started"), startedMs},
                        {QStringLiteral("callerDevice"), callerDevice}};
    if (answeredMs > 0)
        object.insert(QStringLiteral("answered"), answeredMs);
    if (!calleeDevice.isEmpty())
        object.insert(QStringLiteral("calleeDevice"), calleeDevice);
    return object;
}

CallService::CallService(ChatStore &store, EventBus &bus, ConversationService &conversations,
                         MessageService &messages, Limits limits, HubMetrics &metrics,
                         QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_bus(bus)
    , m_conversations(conversations)
    , m_messages(messages)
    , m_limits(limits)
    , m_metrics(metrics)
{
    m_clock.start();
}

CallService::~CallService() = default;

bool CallService::isValidDevice(const QString &device)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    return pattern.match(device).hasMatch();
}

bool CallService::isValidMedia(const QString &media)
{
    return media == MediaAudio || media == MediaVideo;
}

std::optional<ServiceError> CallService::takeRateToken(const QString &callerId,
                                                       const QString &calleeId)
{
    std::deque<qint64> &times = m_placed[callerId + QLatin1Char(' ') + calleeId];
    const qint64 now = m_clock.elapsed();
    while (!times.empty() && now - times.front() >= m_limits.rateWindowMs)
        times.pop_front();
    if (int(times.size()) >= m_limits.callsPerWindow) {
        const qint64 waitMs = times.front() + m_limits.rateWindowMs - now;
        return ServiceError {429, protocol::error::RateLimited,
                             QStringLiteral("Too many calls to this member; try again later."),
                             int(std::max<qint64>(1, (waitMs + 999) / 1000))};
    }
    times.push_back(now);
    return std::nullopt;
}

Outcome<CallService::Call> CallService::place(const Member &caller, const Member &callee,
                                              const QString &media, const QString &device,
                                              std::optional<Call> *glare)
{
    forgetOldEnded();
    if (caller.id == callee.id)
        return ServiceError {400, protocol::error::CallSelf,
                             QStringLiteral("A call needs someone else.")};
    for (const QString &party : {caller.id, callee.id}) {
        const auto current = m_currentCallOf.find(party);
        if (current == m_currentCallOf.end())
            continue;
        const Call &busyCall = m_calls.at(current->second)->call;
        // Glare: they are calling us right now. Only then does the answer name the call.
        if (glare && busyCall.state == State::Ringing && busyCall.caller.id == callee.id
            && busyCall.callee.id == caller.id)
            *glare = busyCall;
        return ServiceError {409, protocol::error::Busy,
                             party == caller.id
                                 ? QStringLiteral("You are already in a call.")
                                 : QStringLiteral("%1 is in another call.").arg(callee.name)};
    }
    if (auto limited = takeRateToken(caller.id, callee.id))
        return *limited;
    bool created = false;
    const auto dm = m_conversations.openDm(caller.id, callee.id, &created);
    if (!dm.ok())
        return dm.error;

    auto entry = std::make_unique<Entry>();
    Call &call = entry->call;
    call.id = newCallId();
    call.caller = caller;
    call.callee = callee;
    call.media = media;
    call.conversation = (*dm.value)->id;
    call.startedMs = QDateTime::currentMSecsSinceEpoch();
    call.callerDevice = device;
    Entry &placed = *m_calls.emplace(call.id, std::move(entry)).first->second;
    if (!publish(placed, protocol::EventCallRinging, {{QStringLiteral("call"), call.toJson()}},
                 true, true)) {
        m_calls.erase(call.id);
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not record the call.")};
    }
    m_currentCallOf[caller.id] = call.id;
    m_currentCallOf[callee.id] = call.id;
    // A child too: one let go by stopRinging() is deleted with the service at the latest.
    placed.ringTimer = std::unique_ptr<QTimer>(new QTimer(this));
    placed.ringTimer->setSingleShot(true);
    const QString id = call.id;
    connect(placed.ringTimer.get(), &QTimer::timeout, this, [this, id] {
        const auto it = m_calls.find(id);
        if (it != m_calls.end() && it->second->call.state == State::Ringing)
            end(*it->second, QStringLiteral("missed"));
    });
    placed.ringTimer->start(m_limits.ringTimeoutMs);
    ++m_metrics.callsStarted;
    updateGauges();
    return placed.call;
}

Outcome<CallService::Entry *> CallService::partyCall(const QString &memberId, const QString &callId)
{
    forgetOldEnded();
    const auto it = m_calls.find(callId);
    if (it == m_calls.end() || !it->second->call.hasParty(memberId))
        return unknownCall();
    if (it->second->call.state == State::Ended)
        return ServiceError {410, protocol::error::CallEnded,
                             QStringLiteral("This call has ended.")};
    return it->second.get();
}

Outcome<CallService::Call> CallService::accept(const Member &by, const QString &callId,
                                               const QString &device)
{
    const auto found = partyCall(by.id, callId);
    if (!found.ok())
        return found.error;
    Entry &entry = **found.value;
    Call &call = entry.call;
    if (call.callee.id != by.id)
        return ServiceError {403, protocol::error::NotCallee,
                             QStringLiteral("Only the callee answers a call.")};
    if (call.state == State::Active) {
        if (call.calleeDevice == device)
            return call; // a retry of the same accept
        return ServiceError {409, protocol::error::AlreadyAnswered,
                             QStringLiteral("The call was answered on another device.")};
    }
    call.state = State::Active;
    call.calleeDevice = device;
    call.answeredMs = QDateTime::currentMSecsSinceEpoch();
    stopRinging(entry);
    publish(entry, protocol::EventCallAccepted, {{QStringLiteral("call"), call.toJson()}}, true,
            true);
    updateGauges();
    return call;
}

Outcome<CallService::Call> CallService::decline(const Member &by, const QString &callId)
{
    const auto found = partyCall(by.id, callId);
    if (!found.ok())
        return found.error;
    Entry &entry = **found.value;
    if (entry.call.callee.id != by.id)
        return ServiceError {403, protocol::error::NotCallee,
                             QStringLiteral("Only the callee declines a call.")};
    if (entry.call.state == State::Active)
        return ServiceError {409, protocol::error::AlreadyAnswered,
                             QStringLiteral("The call was answered; hang up instead.")};
    end(entry, QStringLiteral("declined"));
    return entry.call;
}

Outcome<CallService::Call> CallService::hangup(const Member &by, const QString &callId)
{
    const auto found = partyCall(by.id, callId);
    if (!found.ok())
        return found.error;
    Entry &entry = **found.value;
    QString reason = QStringLiteral("hangup");
    if (entry.call.state == State::Ringing)
        reason = entry.call.caller.id == by.id ? QStringLiteral("cancelled")
                                               : QStringLiteral("declined");
    end(entry, reason);
    return entry.call;
}

std::optional<ServiceError> CallService::signal(const Member &from, const QString &callId,
                                                const Signal &signal)
{
    const auto found = partyCall(from.id, callId);
    if (!found.ok())
        return found.error;
    Entry &entry = **found.value;
    const Call &call = entry.call;
    if (call.state != State::Active)
        return ServiceError {409, protocol::error::CallNotActive,
                             QStringLiteral("The call has not been answered yet.")};
    const bool fromCaller = call.caller.id == from.id;
    if (signal.device != (fromCaller ? call.callerDevice : call.calleeDevice))
        return ServiceError {403, protocol::error::WrongDevice,
                             QStringLiteral("This device is not the one in the call.")};
    const QString sdp = signal.description.value(QLatin1StringView("sdp")).toString();
    if (sdp.toUtf8().size() > m_limits.maxSdpBytes)
        return ServiceError {413, protocol::error::SdpTooLarge,
                             QStringLiteral("A session description is limited to %1 bytes.")
                                 .arg(m_limits.maxSdpBytes)};
    QJsonObject data {{QStringLiteral("call"), call.id},
                      {QStringLiteral("from"), from.toJson()},
                      {QStringLiteral("device"), signal.device}};
    if (!signal.description.isEmpty())
        data.insert(QStringLiteral("description"), signal.description);
    else
        data.insert(QStringLiteral("candidate"), signal.candidate);
    if (!publish(entry, protocol::EventCallSignal, data, !fromCaller, fromCaller))
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not relay the signal.")};
    ++m_metrics.callSignalsRelayed;
    return std::nullopt;
}

void CallService::stopRinging(Entry &entry)
{
    // The timer may be the one whose timeout got us here: it goes once control is back.
    if (QTimer *timer = entry.ringTimer.release()) {
        timer->stop();
        timer->deleteLater();
    }
}

bool CallService::publish(Entry &entry, const char *type, QJsonObject data, bool toCaller,
                          bool toCallee)
{
    CallEvent event {0, QByteArray(type), std::move(data)};
    const auto committed = m_store.appendCallEvent(event);
    if (!committed)
        return false;
    entry.events.push_back(Addressed {event, toCaller, toCallee});
    if (toCaller)
        m_bus.publish(*committed, Audience::member(entry.call.caller.id));
    if (toCallee)
        m_bus.publish(*committed, Audience::member(entry.call.callee.id));
    return true;
}

void CallService::end(Entry &entry, const QString &reason)
{
    Call &call = entry.call;
    call.state = State::Ended;
    call.endedMs = QDateTime::currentMSecsSinceEpoch();
    stopRinging(entry);
    for (const QString &party : {call.caller.id, call.callee.id}) {
        const auto current = m_currentCallOf.find(party);
        if (current != m_currentCallOf.end() && current->second == call.id)
            m_currentCallOf.erase(current);
    }
    // The offers, answers and candidates are of no use to anyone any more: only the end is
    // kept (a device that was away still learns that the call is over).
    entry.events.clear();
    publish(entry, protocol::EventCallEnded,
            {{QStringLiteral("call"), call.toJson()},
             {QStringLiteral("reason"), reason},
             {QStringLiteral("duration"), durationSeconds(call)}},
            true, true);
    updateGauges();
    postSummary(call, reason);
}

void CallService::postSummary(const Call &call, const QString &reason)
{
    QString outcome = QStringLiteral("completed");
    if (call.answeredMs <= 0)
        outcome = reason == QLatin1StringView("declined") ? QStringLiteral("declined")
                                                          : QStringLiteral("missed");
    const qint64 seconds = durationSeconds(call);
    m_messages.postNotice(call.caller, call.conversation, summaryText(call.media, outcome, seconds),
                          {{QStringLiteral("id"), call.id},
                           {QStringLiteral("media"), call.media},
                           {QStringLiteral("outcome"), outcome},
                           {QStringLiteral("duration"), seconds}});
}

void CallService::memberGone(const QString &memberId)
{
    const auto current = m_currentCallOf.find(memberId);
    if (current == m_currentCallOf.end())
        return;
    const auto it = m_calls.find(current->second);
    if (it != m_calls.end() && it->second->call.state != State::Ended)
        end(*it->second, QStringLiteral("peer_gone"));
}

std::vector<CallService::Call> CallService::callsOf(const QString &memberId) const
{
    std::vector<Call> calls;
    const auto current = m_currentCallOf.find(memberId);
    if (current != m_currentCallOf.end())
        calls.push_back(m_calls.at(current->second)->call);
    return calls;
}

std::vector<ChatEvent> CallService::eventsFor(const QString &memberId, qint64 afterId) const
{
    std::vector<ChatEvent> events;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &[id, entry] : m_calls) {
        const Call &call = entry->call;
        if (!call.hasParty(memberId)
            || (call.state == State::Ended && now - call.endedMs >= m_limits.endedMemoryMs))
            continue;
        const bool isCaller = call.caller.id == memberId;
        for (const Addressed &addressed : entry->events) {
            if (addressed.event.id > afterId
                && (isCaller ? addressed.toCaller : addressed.toCallee))
                events.push_back(addressed.event);
        }
    }
    std::sort(events.begin(), events.end(), [](const ChatEvent &a, const ChatEvent &b) {
        return eventSequence(a) < eventSequence(b);
    });
    return events;
}

void CallService::forgetOldEnded()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (auto it = m_calls.begin(); it != m_calls.end();) {
        const Call &call = it->second->call;
        if (call.state == State::Ended && now - call.endedMs >= m_limits.endedMemoryMs)
            it = m_calls.erase(it);
        else
            ++it;
    }
}

void CallService::updateGauges()
{
    qint64 ringing = 0;
    qint64 active = 0;
    for (const auto &[id, entry] : m_calls) {
        ringing += entry->call.state == State::Ringing ? 1 : 0;
        active += entry->call.state == State::Active ? 1 : 0;
    }
    m_metrics.callsRinging = ringing;
    m_metrics.callsActive = active;
}

} // namespace confab
