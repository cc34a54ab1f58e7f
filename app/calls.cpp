#include "calls.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcCalls, "confab.calls")

namespace confab {

namespace {
// The call events (docs/protocol.md, "Calls").
constexpr QLatin1StringView CallEventPrefix("call_");
constexpr QLatin1StringView CallRinging("call_ringing");
constexpr QLatin1StringView CallAccepted("call_accepted");
constexpr QLatin1StringView CallSignal("call_signal");
constexpr QLatin1StringView CallEnded("call_ended");
// Calls remembered as over (ended, or answered): late news of them must not ring again.
constexpr int RememberedCalls = 16;
constexpr int DeviceIdBytes = 8; // "d_" + 16 hex, as the web page makes its own
constexpr int SecondsPerMinute = 60;

Member memberOf(const QJsonObject &object)
{
    return Member {object.value(QLatin1StringView("id")).toString(),
                   object.value(QLatin1StringView("name")).toString()};
}
} // namespace

std::optional<CallInfo> CallInfo::fromJson(const QJsonObject &object)
{
    CallInfo call;
    call.id = object.value(QLatin1StringView("id")).toString();
    call.caller = memberOf(object.value(QLatin1StringView("caller")).toObject());
    call.callee = memberOf(object.value(QLatin1StringView("callee")).toObject());
    call.media = object.value(QLatin1StringView("media")).toString();
    call.state = object.value(QLatin1StringView("state")).toString();
    call.conversation = object.value(QLatin1StringView("conversation")).toString();
    call.started = qint64(object.value(QLatin1StringView("started")).toDouble());
    call.callerDevice = object.value(QLatin1StringView("callerDevice")).toString();
    call.calleeDevice = object.value(QLatin1StringView("calleeDevice")).toString();
    if (call.id.isEmpty() || call.caller.id.isEmpty() || call.callee.id.isEmpty())
        return std::nullopt;
    if (call.media != QLatin1StringView(callmedia::Video))
        call.media = QString::fromLatin1(callmedia::Audio);
    return call;
}

IncomingCall::IncomingCall(const CallInfo &call, QObject *parent)
    : QObject(parent)
    , m_call(call)
{ }

void IncomingCall::finish(State state, const QString &reason)
{
    if (m_state != State::Ringing)
        return;
    m_state = state;
    m_endReason = reason;
    emit finished(state);
}

CallTracker::CallTracker(QObject *parent)
    : QObject(parent)
{
    QByteArray bytes(DeviceIdBytes, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = char(QRandomGenerator::global()->bounded(256));
    m_deviceId = QStringLiteral("d_") + QString::fromLatin1(bytes.toHex());
    m_ringTimeout.setSingleShot(true);
    m_ringTimeout.setInterval(LocalRingTimeoutMs);
    connect(&m_ringTimeout, &QTimer::timeout, this,
            [this] { finishRinging(IncomingCall::State::Ended, QStringLiteral("missed")); });
}

void CallTracker::finishRinging(IncomingCall::State state, const QString &reason)
{
    IncomingCall *call = m_ringing;
    if (!call)
        return;
    m_ringing = nullptr;
    m_ringTimeout.stop();
    call->finish(state, reason);
    call->deleteLater();
}

bool CallTracker::isCallEvent(const QString &type)
{
    return type.startsWith(CallEventPrefix);
}

void CallTracker::apply(const QString &type, const QJsonObject &data)
{
    if (type == CallSignal)
        return; // SDP and candidates are for the browser page that runs the call
    if (type == CallEnded) {
        // `call` is the CALL object (an id string is taken too).
        const QJsonValue callValue = data.value(QLatin1StringView("call"));
        const QString id = callValue.isObject()
            ? callValue.toObject().value(QLatin1StringView("id")).toString()
            : callValue.toString();
        if (id.isEmpty())
            return;
        const QString reason = data.value(QLatin1StringView("reason")).toString();
        const bool repeat = m_ended.contains(id);
        noteDone(id, &m_ended);
        if (m_ringing && m_ringing->id() == id)
            finishRinging(reason == QLatin1StringView("declined") ? IncomingCall::State::Declined
                                                                  : IncomingCall::State::Ended,
                          reason);
        if (!repeat)
            emit callEnded(id, reason, data.value(QLatin1StringView("duration")).toInt());
        return;
    }
    const auto call = CallInfo::fromJson(data.value(QLatin1StringView("call")).toObject());
    if (!call) {
        qCDebug(lcCalls) << "ignoring malformed" << type;
        return;
    }
    if (type == CallRinging) {
        // The caller's streams get call_ringing too: our own outgoing call does not ring here.
        if (call->callee.id != m_selfId || call->state != QLatin1StringView("ringing"))
            return;
        ring(*call);
        return;
    }
    if (type == CallAccepted) {
        // Accepted by our browser tab (after a hand-off) or on another device: stop ringing.
        noteDone(call->id, &m_answered);
        if (m_ringing && m_ringing->id() == call->id)
            finishRinging(IncomingCall::State::Accepted);
        return;
    }
}

void CallTracker::noteDone(const QString &callId, QStringList *list)
{
    if (list->contains(callId))
        return;
    list->append(callId);
    if (list->size() > RememberedCalls)
        list->removeFirst();
}

void CallTracker::ring(const CallInfo &call)
{
    if (m_ringing && m_ringing->id() == call.id)
        return; // a replay, or the list telling what the stream told already
    // A replay, or a list answer older than the stream's news: that call rings no more.
    if (m_ended.contains(call.id) || m_answered.contains(call.id))
        return;
    // The hub allows one ringing or active call per party (409 busy), so a second ringing
    // call means the first one's end was missed: it no longer rings.
    finishRinging(IncomingCall::State::Ended);
    m_ringing = new IncomingCall(call, this);
    m_ringTimeout.start();
    emit incomingCall(m_ringing);
}

void CallTracker::applyList(const std::vector<CallInfo> &calls)
{
    for (const CallInfo &call : calls) {
        if (call.callee.id == m_selfId && call.state == QLatin1StringView("ringing")) {
            ring(call);
            return;
        }
    }
}

void CallTracker::clear()
{
    finishRinging(IncomingCall::State::Ended);
}

QString callSummaryText(const QJsonObject &call)
{
    const QString outcome = call.value(QLatin1StringView("outcome")).toString();
    const bool video
        = call.value(QLatin1StringView("media")).toString() == QLatin1StringView(callmedia::Video);
    const int seconds = qMax(0, call.value(QLatin1StringView("duration")).toInt());
    if (outcome == QLatin1StringView("missed"))
        return video ? QCoreApplication::translate("confab::CallSummary", "Missed video call")
                     : QCoreApplication::translate("confab::CallSummary", "Missed call");
    if (outcome == QLatin1StringView("declined"))
        return video ? QCoreApplication::translate("confab::CallSummary", "Declined video call")
                     : QCoreApplication::translate("confab::CallSummary", "Declined call");
    if (outcome != QLatin1StringView("completed"))
        return {};
    // Under a minute in seconds, then whole minutes (rounded), as "Call, 3 min".
    const int minutes = (seconds + SecondsPerMinute / 2) / SecondsPerMinute;
    QString length;
    if (seconds < SecondsPerMinute)
        length = QCoreApplication::translate("confab::CallSummary", "%n s", nullptr, seconds);
    else
        length = QCoreApplication::translate("confab::CallSummary", "%n min", nullptr, minutes);
    return video ? QCoreApplication::translate("confab::CallSummary", "Video call, %1").arg(length)
                 : QCoreApplication::translate("confab::CallSummary", "Call, %1").arg(length);
}

} // namespace confab
