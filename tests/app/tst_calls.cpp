// Calls as the window sees them, against the real hub (`confab serve` as a child process on
// 127.0.0.1): an incoming call rings in HubConnection's CallTracker and stops when the caller
// hangs up, when it is declined, and when it is answered on another device; the hand-off link
// the window opens in the browser is right, and its code signs that browser in as the same member
// (once). Also the localized summaries of call messages.

#include "callhandoff.h"
#include "calls.h"
#include "hubapi.h"
#include "hubapiwait.h"
#include "hubconnection.h"
#include "hubprocess.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace confab;
using confab::test::HubProcess;
using confab::test::wait;

namespace {

constexpr int Timeout = 30000; // hub start-up under ASan on a busy 2-core machine is slow

HubConnection::Options optionsFor(const QUrl &hub, const QString &name, const QString &storage)
{
    HubConnection::Options options;
    options.hubUrl = hub;
    options.name = name;
    options.storageDir = storage;
    return options;
}

QString fragmentItem(const QUrl &url, const QString &key)
{
    return QUrlQuery(url.fragment(QUrl::FullyEncoded)).queryItemValue(key, QUrl::FullyDecoded);
}

} // namespace

class TestCalls : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void ringsUntilTheCallerHangsUp();
    void declineEndsTheRinging();
    void aWindowOpenedWhileItRingsRingsToo();
    void answeredOnAnotherDeviceStopsRinging();
    void handoffLinkSignsTheBrowserInAsTheSameMember();
    void handoffLinkForStartingACall();
    void handoffUrlSchemes();
    void callSummaries();

private:
    // Ana and Bo, both connected (Live) over their own member streams.
    bool connectBoth();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HubProcess> m_hub;
    std::unique_ptr<HubConnection> m_ana;
    std::unique_ptr<HubConnection> m_bo;
};

void TestCalls::initTestCase()
{
    if (test::confabBinary().isEmpty())
        QSKIP("CONFAB_BINARY is not set (run through ctest)");
}

void TestCalls::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_hub = std::make_unique<HubProcess>(m_dir->filePath(QStringLiteral("hub")));
    QVERIFY2(m_hub->start(), qPrintable(m_hub->errorText()));
}

void TestCalls::cleanup()
{
    m_ana.reset();
    m_bo.reset();
    m_hub.reset();
    m_dir.reset();
}

bool TestCalls::connectBoth()
{
    m_ana = std::make_unique<HubConnection>();
    m_bo = std::make_unique<HubConnection>();
    m_ana->start(
        optionsFor(m_hub->url(), QStringLiteral("Ana"), m_dir->filePath(QStringLiteral("a"))));
    m_bo->start(
        optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("b"))));
    return QTest::qWaitFor([&] { return m_ana->state() == HubConnection::State::Live; }, Timeout)
        && QTest::qWaitFor([&] { return m_bo->state() == HubConnection::State::Live; }, Timeout);
}

void TestCalls::ringsUntilTheCallerHangsUp()
{
    QVERIFY(connectBoth());
    QSignalSpy rang(m_bo->calls(), &CallTracker::incomingCall);
    QSignalSpy anaRang(m_ana->calls(), &CallTracker::incomingCall);
    const auto started = wait<CallInfo>([&](auto done) {
        m_ana->api()->startCall(m_bo->self().id, QStringLiteral("video"),
                                m_ana->calls()->deviceId(), done);
    });
    QVERIFY2(started.ok(), qPrintable(started.error.message));
    QCOMPARE(started.value->state, QStringLiteral("ringing"));

    QTRY_COMPARE_WITH_TIMEOUT(rang.size(), 1, Timeout);
    IncomingCall *call = m_bo->calls()->ringing();
    QVERIFY(call);
    QCOMPARE(rang.first().at(0).value<IncomingCall *>(), call);
    QCOMPARE(call->id(), started.value->id);
    QCOMPARE(call->caller().id, m_ana->self().id);
    QCOMPARE(call->caller().name, QStringLiteral("Ana"));
    QVERIFY(call->isVideo());
    QCOMPARE(call->state(), IncomingCall::State::Ringing);
    QSignalSpy finished(call, &IncomingCall::finished);
    QSignalSpy ended(m_bo->calls(), &CallTracker::callEnded);
    QList<QPair<QString, MessageEvent>> arrived;
    connect(m_bo.get(), &HubConnection::messageArrived, this,
            [&arrived](const QString &cid, const MessageEvent &message) {
                arrived.append({cid, message});
            });

    // The caller's own call does not ring on the caller's side.
    QTest::qWait(200);
    QCOMPARE(anaRang.size(), 0);
    QVERIFY(!m_ana->calls()->ringing());

    const auto hungUp
        = wait<HubApi::Nothing>([&](auto done) { m_ana->api()->hangupCall(call->id(), done); });
    QVERIFY2(hungUp.ok(), qPrintable(hungUp.error.message));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, Timeout);
    QCOMPARE(finished.first().at(0).value<IncomingCall::State>(), IncomingCall::State::Ended);
    QVERIFY(!m_bo->calls()->ringing());
    QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 1, Timeout);
    QCOMPARE(ended.first().at(0).toString(), started.value->id);
    QCOMPARE(ended.first().at(1).toString(), QStringLiteral("cancelled"));

    // The DM gets the summary message, with its `call` object and the text rendered from it.
    QTRY_VERIFY_WITH_TIMEOUT(!arrived.isEmpty(), Timeout);
    const MessageEvent message = arrived.last().second;
    QCOMPARE(arrived.last().first, started.value->conversation);
    QCOMPARE(message.call.value(QLatin1StringView("id")).toString(), started.value->id);
    QCOMPARE(message.call.value(QLatin1StringView("outcome")).toString(), QStringLiteral("missed"));
    QCOMPARE(message.text, callSummaryText(message.call));
    QCOMPARE(message.text, QStringLiteral("Missed video call"));
}

void TestCalls::declineEndsTheRinging()
{
    QVERIFY(connectBoth());
    QSignalSpy rang(m_bo->calls(), &CallTracker::incomingCall);
    QSignalSpy anaEnded(m_ana->calls(), &CallTracker::callEnded);
    const auto started = wait<CallInfo>([&](auto done) {
        m_ana->api()->startCall(m_bo->self().id, QStringLiteral("audio"),
                                m_ana->calls()->deviceId(), done);
    });
    QVERIFY2(started.ok(), qPrintable(started.error.message));
    QTRY_COMPARE_WITH_TIMEOUT(rang.size(), 1, Timeout);
    IncomingCall *call = m_bo->calls()->ringing();
    QVERIFY(call && !call->isVideo());
    QSignalSpy finished(call, &IncomingCall::finished);
    const auto declined
        = wait<HubApi::Nothing>([&](auto done) { m_bo->api()->declineCall(call->id(), done); });
    QVERIFY2(declined.ok(), qPrintable(declined.error.message));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, Timeout);
    QCOMPARE(finished.first().at(0).value<IncomingCall::State>(), IncomingCall::State::Declined);
    // The caller learns it too.
    QTRY_COMPARE_WITH_TIMEOUT(anaEnded.size(), 1, Timeout);
    QCOMPARE(anaEnded.first().at(1).toString(), QStringLiteral("declined"));
}

void TestCalls::aWindowOpenedWhileItRingsRingsToo()
{
    QVERIFY(connectBoth());
    QSignalSpy rang(m_bo->calls(), &CallTracker::incomingCall);
    const auto started = wait<CallInfo>([&](auto done) {
        m_ana->api()->startCall(m_bo->self().id, QStringLiteral("audio"),
                                m_ana->calls()->deviceId(), done);
    });
    QVERIFY2(started.ok(), qPrintable(started.error.message));
    QTRY_COMPARE_WITH_TIMEOUT(rang.size(), 1, Timeout);

    // What the hub lists for a window whose stream cannot replay the call_ringing (opened with
    // no event to resume from, or after a `reset`): it rings for the callee, not the caller.
    const auto boList
        = wait<std::vector<CallInfo>>([&](auto done) { m_bo->api()->fetchCalls(done); });
    QVERIFY2(boList.ok(), qPrintable(boList.error.message));
    QCOMPARE(boList.value->size(), size_t(1));
    CallTracker fromList;
    fromList.setSelfId(m_bo->self().id);
    fromList.applyList(*boList.value);
    QVERIFY(fromList.ringing());
    QCOMPARE(fromList.ringing()->id(), started.value->id);
    QCOMPARE(fromList.ringing()->caller().id, m_ana->self().id);
    const auto anaList
        = wait<std::vector<CallInfo>>([&](auto done) { m_ana->api()->fetchCalls(done); });
    QVERIFY2(anaList.ok(), qPrintable(anaList.error.message));
    CallTracker callerSide;
    callerSide.setSelfId(m_ana->self().id);
    callerSide.applyList(*anaList.value);
    QVERIFY(!callerSide.ringing());

    // Bo opens a second window (same saved session) while it rings: it rings there too (the
    // stream's replay and the list both tell; it rings once).
    HubConnection second;
    QSignalSpy secondRang(second.calls(), &CallTracker::incomingCall);
    second.start(
        optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("b"))));
    QTRY_COMPARE_WITH_TIMEOUT(second.state(), HubConnection::State::Live, Timeout);
    QCOMPARE(second.self().id, m_bo->self().id);
    QTRY_COMPARE_WITH_TIMEOUT(secondRang.size(), 1, Timeout);
    IncomingCall *call = second.calls()->ringing();
    QVERIFY(call);
    QCOMPARE(call->id(), started.value->id);
    QCOMPARE(call->caller().name, QStringLiteral("Ana"));
    QSignalSpy finished(call, &IncomingCall::finished);
    const auto hungUp = wait<HubApi::Nothing>(
        [&](auto done) { m_ana->api()->hangupCall(started.value->id, done); });
    QVERIFY2(hungUp.ok(), qPrintable(hungUp.error.message));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, Timeout);
    QVERIFY(!second.calls()->ringing());
    QCOMPARE(secondRang.size(), 1); // rang once, although the list and a replay may both tell
}

void TestCalls::answeredOnAnotherDeviceStopsRinging()
{
    QVERIFY(connectBoth());
    QSignalSpy rang(m_bo->calls(), &CallTracker::incomingCall);
    const auto started = wait<CallInfo>([&](auto done) {
        m_ana->api()->startCall(m_bo->self().id, QStringLiteral("video"),
                                m_ana->calls()->deviceId(), done);
    });
    QVERIFY2(started.ok(), qPrintable(started.error.message));
    QTRY_COMPARE_WITH_TIMEOUT(rang.size(), 1, Timeout);
    IncomingCall *call = m_bo->calls()->ringing();
    QVERIFY(call);
    QSignalSpy finished(call, &IncomingCall::finished);

    // Bo's other device (a browser tab with a session of its own) answers.
    HubApi otherDevice;
    otherDevice.setBaseUrl(m_hub->url());
    const auto code
        = wait<HubApi::HandoffCode>([&](auto done) { m_bo->api()->requestHandoff(done); });
    QVERIFY2(code.ok(), qPrintable(code.error.message));
    const auto session
        = wait<HubSession>([&](auto done) { otherDevice.redeemHandoff(code.value->code, done); });
    QVERIFY2(session.ok(), qPrintable(session.error.message));
    otherDevice.setToken(session.value->token);
    const auto accepted = wait<CallInfo>([&](auto done) {
        otherDevice.acceptCall(call->id(), QStringLiteral("d_0123456789abcdef"), done);
    });
    QVERIFY2(accepted.ok(), qPrintable(accepted.error.message));
    QCOMPARE(accepted.value->calleeDevice, QStringLiteral("d_0123456789abcdef"));

    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, Timeout);
    QCOMPARE(finished.first().at(0).value<IncomingCall::State>(), IncomingCall::State::Accepted);
    QVERIFY(!m_bo->calls()->ringing());

    // Ending the answered call reaches the window too (its DM gets the summary).
    QSignalSpy ended(m_bo->calls(), &CallTracker::callEnded);
    const auto hungUp = wait<HubApi::Nothing>(
        [&](auto done) { m_ana->api()->hangupCall(started.value->id, done); });
    QVERIFY2(hungUp.ok(), qPrintable(hungUp.error.message));
    QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 1, Timeout);
    QCOMPARE(ended.first().at(1).toString(), QStringLiteral("hangup"));
}

void TestCalls::handoffLinkSignsTheBrowserInAsTheSameMember()
{
    QVERIFY(connectBoth());
    QSignalSpy rang(m_bo->calls(), &CallTracker::incomingCall);
    const auto started = wait<CallInfo>([&](auto done) {
        m_ana->api()->startCall(m_bo->self().id, QStringLiteral("video"),
                                m_ana->calls()->deviceId(), done);
    });
    QVERIFY2(started.ok(), qPrintable(started.error.message));
    QTRY_COMPARE_WITH_TIMEOUT(rang.size(), 1, Timeout);

    QList<QUrl> opened;
    CallHandoff handoff(m_bo->api(), [&](const QUrl &url) {
        opened.append(url);
        return true;
    });
    QSignalSpy openedSpy(&handoff, &CallHandoff::opened);
    QSignalSpy failed(&handoff, &CallHandoff::failed);
    CallHandoff::Request request;
    request.action = CallHandoff::Request::Action::Accept;
    request.callId = started.value->id;
    handoff.open(request);
    QTRY_COMPARE_WITH_TIMEOUT(openedSpy.size(), 1, Timeout);
    QCOMPARE(failed.size(), 0);
    QCOMPARE(opened.size(), 1);
    const QUrl url = opened.first();
    QCOMPARE(openedSpy.first().at(0).toUrl(), url);
    // A hub on this machine: http://localhost (a secure context for the browser, no warning).
    QCOMPARE(url.scheme(), QStringLiteral("http"));
    QCOMPARE(url.host(), QStringLiteral("localhost"));
    QCOMPARE(url.port(), int(m_hub->port()));
    QCOMPARE(url.path(), QStringLiteral("/"));
    QVERIFY(url.query().isEmpty()); // the code travels in the fragment only
    QCOMPARE(fragmentItem(url, QStringLiteral("call")), started.value->id);
    QCOMPARE(fragmentItem(url, QStringLiteral("action")), QStringLiteral("accept"));
    const QString code = fragmentItem(url, QStringLiteral("handoff"));
    QCOMPARE(code.size(), 22);

    // What the page does with it: the same member, a token of its own; then the code is dead.
    HubApi browser;
    browser.setBaseUrl(m_hub->url());
    const auto session = wait<HubSession>([&](auto done) { browser.redeemHandoff(code, done); });
    QVERIFY2(session.ok(), qPrintable(session.error.message));
    QCOMPARE(session.value->member.id, m_bo->self().id);
    QCOMPARE(session.value->member.name, QStringLiteral("Bo"));
    QVERIFY(session.value->token != m_bo->api()->token());
    const auto again = wait<HubSession>([&](auto done) { browser.redeemHandoff(code, done); });
    QVERIFY(!again.ok());
    QCOMPARE(again.error.httpStatus, 404);
    QCOMPARE(again.error.code, QStringLiteral("unknown_code"));

    // The browser accepts as Bo: the window stops ringing.
    IncomingCall *call = m_bo->calls()->ringing();
    QVERIFY(call);
    QSignalSpy finished(call, &IncomingCall::finished);
    browser.setToken(session.value->token);
    const auto accepted = wait<CallInfo>([&](auto done) {
        browser.acceptCall(started.value->id, QStringLiteral("d_00000000000000aa"), done);
    });
    QVERIFY2(accepted.ok(), qPrintable(accepted.error.message));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, Timeout);
    // (The call object is deleted once it stopped ringing: the signal says how.)
    QCOMPARE(finished.first().at(0).value<IncomingCall::State>(), IncomingCall::State::Accepted);
}

void TestCalls::handoffLinkForStartingACall()
{
    QVERIFY(connectBoth());
    QList<QUrl> opened;
    CallHandoff handoff(m_ana->api(), [&](const QUrl &url) {
        opened.append(url);
        return true;
    });
    CallHandoff::Request request;
    request.action = CallHandoff::Request::Action::Start;
    request.calleeId = m_bo->self().id;
    request.media = QStringLiteral("audio");
    handoff.open(request);
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, Timeout);
    const QUrl url = opened.first();
    QCOMPARE(fragmentItem(url, QStringLiteral("action")), QStringLiteral("start"));
    QCOMPARE(fragmentItem(url, QStringLiteral("callee")), m_bo->self().id);
    QCOMPARE(fragmentItem(url, QStringLiteral("media")), QStringLiteral("audio"));
    QVERIFY(fragmentItem(url, QStringLiteral("call")).isEmpty());
    HubApi browser;
    browser.setBaseUrl(m_hub->url());
    const auto session = wait<HubSession>([&](auto done) {
        browser.redeemHandoff(fragmentItem(url, QStringLiteral("handoff")), done);
    });
    QVERIFY2(session.ok(), qPrintable(session.error.message));
    QCOMPARE(session.value->member.id, m_ana->self().id);

    // A browser that will not open is said so (not silently dropped).
    CallHandoff refusing(m_ana->api(), [](const QUrl &) { return false; });
    QSignalSpy failed(&refusing, &CallHandoff::failed);
    refusing.open(request);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, Timeout);
    QVERIFY(!failed.first().at(0).toString().isEmpty());
}

void TestCalls::handoffUrlSchemes()
{
    CallHandoff::Request accept;
    accept.callId = QStringLiteral("call_0123456789abcdef");
    const QString code = QStringLiteral("abc-_DEF");
    const QUrl lan = CallHandoff::handoffUrl(QUrl(QStringLiteral("https://192.168.1.20:8848/")),
                                             true, code, accept);
    QCOMPARE(lan.toString(QUrl::FullyEncoded),
             QStringLiteral("https://192.168.1.20:8848/"
                            "#handoff=abc-_DEF&call=call_0123456789abcdef&action=accept"));
    const QUrl plain = CallHandoff::handoffUrl(QUrl(QStringLiteral("http://10.0.0.5:8848/")), false,
                                               code, accept);
    QCOMPARE(plain.scheme(), QStringLiteral("http"));
    QCOMPARE(plain.host(), QStringLiteral("10.0.0.5"));
    // Loopback in any form, pinned or not: http://localhost.
    for (const QString &hub :
         {QStringLiteral("https://127.0.0.1:9000/"), QStringLiteral("http://[::1]:9000/"),
          QStringLiteral("http://localhost:9000/")}) {
        const QUrl local = CallHandoff::handoffUrl(QUrl(hub), true, code, accept);
        QCOMPARE(local.scheme(), QStringLiteral("http"));
        QCOMPARE(local.host(), QStringLiteral("localhost"));
        QCOMPARE(local.port(), 9000);
    }
    // Text that needs encoding stays one fragment item.
    CallHandoff::Request start;
    start.action = CallHandoff::Request::Action::Start;
    start.calleeId = QStringLiteral("m_a&b=c");
    start.media = QStringLiteral("video");
    const QUrl odd = CallHandoff::handoffUrl(QUrl(QStringLiteral("http://10.0.0.5:8848/")), false,
                                             code, start);
    QCOMPARE(fragmentItem(odd, QStringLiteral("callee")), QStringLiteral("m_a&b=c"));
    QCOMPARE(fragmentItem(odd, QStringLiteral("media")), QStringLiteral("video"));
}

void TestCalls::callSummaries()
{
    const auto summary = [](const char *outcome, const char *media, int duration) {
        return callSummaryText(QJsonObject {{QStringLiteral("id"), QStringLiteral("call_1")},
                                            {QStringLiteral("outcome"), QLatin1String(outcome)},
                                            {QStringLiteral("media"), QLatin1String(media)},
                                            {QStringLiteral("duration"), duration}});
    };
    QCOMPARE(summary("missed", "audio", 0), QStringLiteral("Missed call"));
    QCOMPARE(summary("missed", "video", 0), QStringLiteral("Missed video call"));
    QCOMPARE(summary("declined", "audio", 0), QStringLiteral("Declined call"));
    QCOMPARE(summary("completed", "audio", 185), QStringLiteral("Call, 3 min"));
    QCOMPARE(summary("completed", "video", 40), QStringLiteral("Video call, 40 s"));
    QCOMPARE(summary("completed", "audio", 1), QStringLiteral("Call, 1 s"));
    QVERIFY(callSummaryText(QJsonObject {}).isEmpty());
}

QTEST_GUILESS_MAIN(TestCalls)
#include "tst_calls.moc"
