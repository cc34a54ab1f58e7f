#pragma once
// Calls as the window sees them (docs/protocol.md, "Calls"). The window has no WebRTC: it rings,
// and it hands a call to the system browser (callhandoff.h), where the hub's page runs the media.
// CallTracker follows the call events of the member's stream and keeps the one incoming call
// that rings here (an IncomingCall), until it is accepted, declined, cancelled, missed or
// answered on another device.

#include "restapi.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <optional>
#include <vector>

namespace confab {

// A call as the hub describes it (CALL in docs/protocol.md).
struct CallInfo
{
    QString id;
    Member caller;
    Member callee;
    QString media; // "audio" or "video"
    QString state; // "ringing", "active", "ended"
    QString conversation; // the DM between the two
    qint64 started = 0;
    QString callerDevice;
    QString calleeDevice; // empty until accepted

    bool isVideo() const { return media == QLatin1StringView("video"); }
    static std::optional<CallInfo> fromJson(const QJsonObject &object);
};

// The hub stops ringing after 45 s (`missed`). If its call_ended never reaches us (a stream
// reset lost it), the window stops ringing by itself a little later.
inline constexpr int HubRingTimeoutMs = 45 * 1000;
inline constexpr int LocalRingTimeoutMs = HubRingTimeoutMs + 10 * 1000;

namespace callmedia {
inline constexpr char Audio[] = "audio";
inline constexpr char Video[] = "video";
} // namespace callmedia

// One call ringing for this member. Lives until it stops ringing (then finished() and it is
// deleted later by its tracker).
class IncomingCall : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Ringing,
        Accepted, // accepted here (handed to the browser) or on another device of ours
        Declined,
        Ended, // the caller cancelled, it was missed (45 s), or a party went away
    };
    Q_ENUM(State)

    IncomingCall(const CallInfo &call, QObject *parent = nullptr);

    QString id() const { return m_call.id; }
    Member caller() const { return m_call.caller; }
    QString media() const { return m_call.media; }
    bool isVideo() const { return m_call.isVideo(); }
    QString conversation() const { return m_call.conversation; }
    State state() const { return m_state; }
    // The hub's reason when it ended ("cancelled", "missed", "declined", ...); empty otherwise.
    QString endReason() const { return m_endReason; }

signals:
    // It stopped ringing: state() says how.
    void finished(confab::IncomingCall::State state);

private:
    friend class CallTracker;
    void finish(State state, const QString &reason = {});

    CallInfo m_call;
    State m_state = State::Ringing;
    QString m_endReason;
};

class CallTracker : public QObject
{
    Q_OBJECT
public:
    explicit CallTracker(QObject *parent = nullptr);

    // The member this window is signed in as (calls where they are the callee ring here).
    void setSelfId(const QString &memberId) { m_selfId = memberId; }
    // This window's device id ("d_" and 16 hex digits), made once per tracker.
    QString deviceId() const { return m_deviceId; }

    // call_ringing, call_accepted, call_signal, call_ended (and any later call_* event).
    static bool isCallEvent(const QString &type);
    // One call event from the stream: `type` is call_ringing, call_accepted, call_ended or
    // call_signal (ignored: the window carries no media). Repeats (a replay after a reconnect)
    // change nothing.
    void apply(const QString &type, const QJsonObject &data);
    // The member's calls as GET /api/v2/calls lists them: one ringing for us that does not ring
    // here yet starts ringing (its later events come over the stream as usual).
    void applyList(const std::vector<CallInfo> &calls);
    // The stream was reset or restarted without replay: nothing we ring for may still be true.
    void clear();

    IncomingCall *ringing() const { return m_ringing; }

signals:
    void incomingCall(confab::IncomingCall *call);
    // Every call of ours that ended (in or out, rung here or not).
    void callEnded(const QString &callId, const QString &reason, int durationSeconds);

private:
    void ring(const CallInfo &call);
    static void noteDone(const QString &callId, QStringList *list);
    void finishRinging(IncomingCall::State state, const QString &reason = {});

    QString m_selfId;
    QString m_deviceId;
    QPointer<IncomingCall> m_ringing;
    QTimer m_ringTimeout;
    // The newest calls known to be over or answered (a bounded list): late news of them (a
    // replay, a list answer that crossed the stream's events) must not ring again.
    QStringList m_ended;
    QStringList m_answered;
};

// "Missed call", "Call, 3 min", ... for a call summary message (its `call` object), in the
// user's language; empty when the object is not one.
QString callSummaryText(const QJsonObject &call);

} // namespace confab
