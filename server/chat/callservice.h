#pragma once
// Calls (issue 13, docs/protocol.md "Calls"): who calls whom, ringing, answering, ending, and the
// relay of WebRTC signalling between the two parties' own streams. The hub sees no media, only
// the signals' sizes. A call's events take ids from the hub-wide sequence (ChatStore::
// appendCallEvent) but live here, in memory, for as long as the call rings or runs (its
// `call_ended` a while longer), so that a stream resuming with Last-Event-ID gets what it
// missed; nobody else ever sees them. Publishes through the bus only.

#include "outcome.h"
#include "store/chatstore.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <deque>
#include <map>
#include <memory>
#include <vector>

namespace confab {

class EventBus;
class ConversationService;
class MessageService;
struct HubMetrics;

class CallService : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        int ringTimeoutMs = 0; // ringing this long: missed
        int callsPerWindow = 0; // from one caller to one callee within rateWindowMs
        int rateWindowMs = 0;
        int endedMemoryMs = 0; // an ended call answers 410 (and replays its end) this long
        int maxSdpBytes = 0;
    };

    enum class State { Ringing, Active, Ended };
    struct Call
    {
        QString id;
        Member caller;
        Member callee;
        QString media; // "audio" or "video"
        State state = State::Ringing;
        QString conversation; // the DM of the two
        qint64 startedMs = 0;
        qint64 answeredMs = 0; // 0: never answered
        qint64 endedMs = 0;
        QString callerDevice;
        QString calleeDevice; // the device that accepted

        bool hasParty(const QString &memberId) const
        {
            return caller.id == memberId || callee.id == memberId;
        }
        QJsonObject toJson() const;
    };

    // What a signal carries (the route checked its shape; the service checks who and when).
    struct Signal
    {
        QString device;
        QJsonObject description; // {"type", "sdp"}, or empty
        QJsonObject candidate; // or empty
    };

    CallService(ChatStore &store, EventBus &bus, ConversationService &conversations,
                MessageService &messages, Limits limits, HubMetrics &metrics,
                QObject *parent = nullptr);
    ~CallService() override;

    static bool isValidDevice(const QString &device);
    static bool isValidMedia(const QString &media);

    // 400 call_self, 409 busy (with the glare call in *glare when the callee is calling the
    // caller), 429 rate_limited. The callee is a member with a live session (the route checked).
    Outcome<Call> place(const Member &caller, const Member &callee, const QString &media,
                        const QString &device, std::optional<Call> *glare);
    Outcome<Call> accept(const Member &by, const QString &callId, const QString &device);
    Outcome<Call> decline(const Member &by, const QString &callId);
    Outcome<Call> hangup(const Member &by, const QString &callId);
    std::optional<ServiceError> signal(const Member &from, const QString &callId,
                                       const Signal &signal);

    // The member's ringing and active calls.
    std::vector<Call> callsOf(const QString &memberId) const;
    // The call events addressed to the member with an id above `afterId`, oldest first (for a
    // resuming stream; the rest of its replay comes from the store).
    std::vector<ChatEvent> eventsFor(const QString &memberId, qint64 afterId) const;

    // The member's last stream closed and the offline grace passed (or their session ended):
    // their call ends (peer_gone).
    void memberGone(const QString &memberId);

private:
    struct Addressed
    {
        CallEvent event;
        bool toCaller = false;
        bool toCallee = false;
    };
    struct Entry
    {
        Call call;
        std::vector<Addressed> events;
        std::unique_ptr<QTimer> ringTimer;
    };

    // The call, if `memberId` is one of its parties (else the refusal: 404 for both "none" and
    // "not yours", 410 for an ended one).
    Outcome<Entry *> partyCall(const QString &memberId, const QString &callId);
    bool publish(Entry &entry, const char *type, QJsonObject data, bool toCaller, bool toCallee);
    void end(Entry &entry, const QString &reason);
    static void stopRinging(Entry &entry);
    void postSummary(const Call &call, const QString &reason);
    void forgetOldEnded();
    void updateGauges();
    std::optional<ServiceError> takeRateToken(const QString &callerId, const QString &calleeId);

    ChatStore &m_store;
    EventBus &m_bus;
    ConversationService &m_conversations;
    MessageService &m_messages;
    Limits m_limits;
    HubMetrics &m_metrics;
    QElapsedTimer m_clock;
    std::map<QString, std::unique_ptr<Entry>> m_calls; // by call id: live, and ended ones a while
    std::map<QString, QString> m_currentCallOf; // member id → their ringing or active call
    std::map<QString, std::deque<qint64>> m_placed; // "caller callee" → m_clock times of calls
};

} // namespace confab
