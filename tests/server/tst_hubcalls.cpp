// Calls over real loopback sockets (docs/protocol.md, "Calls"): placing, ringing on every device,
// answering, the relay of offers, answers and candidates to the other party's streams only,
// hanging up, missed and peer-gone ends, the summaries in the DM, resuming a stream with
// Last-Event-ID while a call runs, and every refusal. A third member must never see a thing.

#include "hubtestkit.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace confab;
using namespace confab::test;

namespace {

QJsonObject dataOf(const SseParser::Event &event)
{
    return QJsonDocument::fromJson(event.data.toUtf8()).object();
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

HubSettings quickSettings()
{
    HubSettings settings;
    settings.messagesPerSecond = 0;
    return settings;
}

StreamReader::Options memberStream(const Session &session, QByteArray lastEventId = {})
{
    StreamReader::Options options {session.token, {}, std::move(lastEventId)};
    options.path = "/api/v2/events";
    return options;
}

QByteArray placeBody(const Session &callee, QAnyStringView device, QAnyStringView media = "video")
{
    return json({{QStringLiteral("callee"), callee.memberId},
                 {QStringLiteral("media"), media.toString()},
                 {QStringLiteral("device"), device.toString()}});
}

QByteArray deviceBody(const QString &device)
{
    return json({{QStringLiteral("device"), device}});
}

QByteArray callPath(const QString &id, const char *action)
{
    return "/api/v2/calls/" + id.toUtf8() + '/' + action;
}

QByteArray offerBody(QAnyStringView device, QAnyStringView type, QAnyStringView sdp)
{
    return json({{QStringLiteral("device"), device.toString()},
                 {QStringLiteral("description"),
                  QJsonObject {{QStringLiteral("type"), type.toString()},
                               {QStringLiteral("sdp"), sdp.toString()}}}});
}

QByteArray candidateBody(QAnyStringView device, const QString &candidate)
{
    return json({{QStringLiteral("device"), device.toString()},
                 {QStringLiteral("candidate"),
                  QJsonObject {{QStringLiteral("candidate"), candidate},
                               {QStringLiteral("sdpMid"), QStringLiteral("0")},
                               {QStringLiteral("sdpMLineIndex"), 0}}}});
}

QString callIdOf(const Response &response)
{
    return response.json()
        .value(QLatin1StringView("call"))
        .toObject()
        .value(QLatin1StringView("id"))
        .toString();
}

int countOf(const StreamReader &reader, const QString &type)
{
    return int(reader.eventsOfType(type).size());
}

int callEventsOn(const StreamReader &reader)
{
    return int(std::count_if(
        reader.events().begin(), reader.events().end(),
        [](const SseParser::Event &e) { return e.type.startsWith(QLatin1StringView("call_")); }));
}

bool anyEventContains(const StreamReader &reader, const QString &text)
{
    return std::any_of(reader.events().begin(), reader.events().end(),
                       [&](const SseParser::Event &e) { return e.data.contains(text); });
}

qint64 lastIdOf(const StreamReader &reader)
{
    qint64 last = 0;
    for (const SseParser::Event &event : reader.events()) {
        if (!event.lastEventId.isEmpty())
            last = std::max(last, event.lastEventId.toLongLong());
    }
    return last;
}

// The messages of a conversation's first page, by text.
QJsonArray pageOf(quint16 port, const Session &session, const QString &conversation)
{
    return callAs(port, session, "GET",
                  "/api/v2/conversations/" + QUrl::toPercentEncoding(conversation) + "/messages")
        .json()
        .value(QLatin1StringView("events"))
        .toArray();
}

QByteArray metricsText(quint16 port)
{
    return call(port, "GET", "/metrics").body;
}

qint64 metricValue(const QByteArray &metrics, const QByteArray &name)
{
    for (const QByteArray &line : metrics.split('\n')) {
        if (line.startsWith(QByteArray(name + ' ')))
            return line.mid(name.size() + 1).toLongLong();
    }
    return -1;
}

} // namespace

class TestHubCalls : public QObject
{
    Q_OBJECT
private slots:
    void signallingReachesTheOtherPartyOnly();
    void refusals();
    void glareAndBusy();
    void rateLimitPerCallerAndCallee();
    void oversizeSdpIsRefused();
    void resumeDeliversAMissedSignalOnce();
    void ringingBecomesMissed();
    void peerGoneWhenTheLastStreamCloses();
    void iceServersFromTheSettings();
};

void TestHubCalls::signallingReachesTheOtherPartyOnly()
{
    HubFixture fixture(quickSettings());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const Session cy = signInToHub(port, QStringLiteral("Cy"));
    StreamReader anaLive(port, memberStream(ana));
    StreamReader boLaptop(port, memberStream(bo));
    StreamReader boPhone(port, memberStream(bo));
    StreamReader cyLive(port, memberStream(cy));
    for (StreamReader *reader : {&anaLive, &boLaptop, &boPhone, &cyLive})
        QVERIFY(reader->waitForHead());

    const Response placed = callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "d_ana"));
    QCOMPARE(placed.status, 201);
    const QJsonObject call = placed.json().value(QLatin1StringView("call")).toObject();
    const QString id = call.value(QLatin1StringView("id")).toString();
    QVERIFY(id.startsWith(QLatin1StringView("call_")));
    QCOMPARE(id.size(), 5 + 16);
    QCOMPARE(call.value(QLatin1StringView("state")).toString(), QStringLiteral("ringing"));
    QCOMPARE(call.value(QLatin1StringView("media")).toString(), QStringLiteral("video"));
    QCOMPARE(call.value(QLatin1StringView("callerDevice")).toString(), QStringLiteral("d_ana"));
    QCOMPARE(call.value(QLatin1StringView("caller")).toObject().value(QLatin1StringView("id")),
             QJsonValue(ana.memberId));
    const QString dm = call.value(QLatin1StringView("conversation")).toString();
    QVERIFY(dm.startsWith(QLatin1StringView("dm:")));

    // Both of Bo's devices ring; Ana's own stream knows too.
    for (StreamReader *reader : {&anaLive, &boLaptop, &boPhone})
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*reader, QStringLiteral("call_ringing")), 1, WaitMs);
    const auto ringing = boPhone.eventsOfType(QStringLiteral("call_ringing")).front();
    QVERIFY(ringing.lastEventId.toLongLong() > 0);
    QCOMPARE(dataOf(ringing).value(QLatin1StringView("id")).toDouble(),
             double(ringing.lastEventId.toLongLong()));
    QCOMPARE(dataOf(ringing)
                 .value(QLatin1StringView("call"))
                 .toObject()
                 .value(QLatin1StringView("id"))
                 .toString(),
             id);
    QCOMPARE(callAs(port, bo, "GET", "/api/v2/calls")
                 .json()
                 .value(QLatin1StringView("calls"))
                 .toArray()
                 .size(),
             1);
    QCOMPARE(metricValue(metricsText(port), "confab_calls_ringing"), 1);

    // No signals before the call is answered.
    QCOMPARE(callAs(port, ana, "POST", callPath(id, "signal"), offerBody("d_ana", "offer", "v=0"))
                 .status,
             409);

    const Response accepted
        = callAs(port, bo, "POST", callPath(id, "accept"), deviceBody(QStringLiteral("d_bo1")));
    QCOMPARE(accepted.status, 200);
    QCOMPARE(accepted.json()
                 .value(QLatin1StringView("call"))
                 .toObject()
                 .value(QLatin1StringView("calleeDevice"))
                 .toString(),
             QStringLiteral("d_bo1"));
    for (StreamReader *reader : {&anaLive, &boLaptop, &boPhone})
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*reader, QStringLiteral("call_accepted")), 1, WaitMs);
    // The same device again is the same answer; another device is too late.
    QCOMPARE(callAs(port, bo, "POST", callPath(id, "accept"), deviceBody(QStringLiteral("d_bo1")))
                 .status,
             200);
    const Response late
        = callAs(port, bo, "POST", callPath(id, "accept"), deviceBody(QStringLiteral("d_bo2")));
    QCOMPARE(late.status, 409);
    QCOMPARE(late.errorCode(), QStringLiteral("already_answered"));
    QCOMPARE(metricValue(metricsText(port), "confab_calls_active"), 1);
    QCOMPARE(metricValue(metricsText(port), "confab_calls_ringing"), 0);

    // Offer, answer and candidates: each to the other party's streams, never back.
    const QString secretSdp
        = QStringLiteral("v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\ns=zebrasdp\r\n");
    QCOMPARE(
        callAs(port, ana, "POST", callPath(id, "signal"), offerBody("d_ana", "offer", secretSdp))
            .status,
        202);
    QCOMPARE(callAs(port, bo, "POST", callPath(id, "signal"),
                    offerBody("d_bo1", "answer", QStringLiteral("v=0 zebraanswer")))
                 .status,
             202);
    QCOMPARE(
        callAs(port, ana, "POST", callPath(id, "signal"),
               candidateBody("d_ana", QStringLiteral("candidate:1 1 udp 1 127.0.0.1 9 typ host")))
            .status,
        202);
    QCOMPARE(
        callAs(port, bo, "POST", callPath(id, "signal"),
               candidateBody("d_bo1", QStringLiteral("candidate:2 1 udp 1 127.0.0.1 8 typ host")))
            .status,
        202);
    // A device of Bo's that is not in the call cannot signal.
    const Response wrongDevice = callAs(port, bo, "POST", callPath(id, "signal"),
                                        candidateBody("d_bo2", QStringLiteral("candidate:3")));
    QCOMPARE(wrongDevice.status, 403);
    QCOMPARE(wrongDevice.errorCode(), QStringLiteral("wrong_device"));

    QTRY_COMPARE_WITH_TIMEOUT(countOf(boLaptop, QStringLiteral("call_signal")), 2, WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(countOf(anaLive, QStringLiteral("call_signal")), 2, WaitMs);
    const auto offer = dataOf(boLaptop.eventsOfType(QStringLiteral("call_signal")).front());
    QCOMPARE(offer.value(QLatin1StringView("call")).toString(), id);
    QCOMPARE(offer.value(QLatin1StringView("device")).toString(), QStringLiteral("d_ana"));
    QCOMPARE(offer.value(QLatin1StringView("from")).toObject().value(QLatin1StringView("name")),
             QJsonValue(QStringLiteral("Ana")));
    QCOMPARE(offer.value(QLatin1StringView("description"))
                 .toObject()
                 .value(QLatin1StringView("sdp"))
                 .toString(),
             secretSdp);
    const auto answer = dataOf(anaLive.eventsOfType(QStringLiteral("call_signal")).front());
    QCOMPARE(answer.value(QLatin1StringView("description"))
                 .toObject()
                 .value(QLatin1StringView("type"))
                 .toString(),
             QStringLiteral("answer"));
    QVERIFY(!anyEventContains(anaLive, QStringLiteral("zebrasdp")));
    QVERIFY(!anyEventContains(boLaptop, QStringLiteral("zebraanswer")));
    QCOMPARE(metricValue(metricsText(port), "confab_call_signals_relayed_total"), 4);

    // Ana hangs up: the end on both sides, and a summary in the DM.
    QCOMPARE(callAs(port, ana, "POST", callPath(id, "hangup")).status, 200);
    for (StreamReader *reader : {&anaLive, &boLaptop, &boPhone})
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*reader, QStringLiteral("call_ended")), 1, WaitMs);
    const auto ended = dataOf(anaLive.eventsOfType(QStringLiteral("call_ended")).front());
    QCOMPARE(ended.value(QLatin1StringView("reason")).toString(), QStringLiteral("hangup"));
    QVERIFY(ended.value(QLatin1StringView("duration")).toDouble() >= 0);
    QTRY_VERIFY_WITH_TIMEOUT(
        anyEventContains(boLaptop, QStringLiteral("\"outcome\":\"completed\"")), WaitMs);
    const QJsonArray page = pageOf(port, bo, dm);
    QCOMPARE(page.size(), 1);
    const QJsonObject summary = page.at(0).toObject().value(QLatin1StringView("data")).toObject();
    QCOMPARE(summary.value(QLatin1StringView("call"))
                 .toObject()
                 .value(QLatin1StringView("outcome"))
                 .toString(),
             QStringLiteral("completed"));
    QVERIFY(summary.value(QLatin1StringView("text"))
                .toString()
                .startsWith(QLatin1StringView("Video call, ")));
    QCOMPARE(summary.value(QLatin1StringView("from")).toObject().value(QLatin1StringView("id")),
             QJsonValue(ana.memberId));

    // After the end: 410, and no call listed.
    QCOMPARE(
        callAs(port, bo, "POST", callPath(id, "signal"), offerBody("d_bo1", "offer", "v=0")).status,
        410);
    QCOMPARE(callAs(port, ana, "POST", callPath(id, "hangup")).errorCode(),
             QStringLiteral("call_ended"));
    QCOMPARE(callAs(port, ana, "GET", "/api/v2/calls")
                 .json()
                 .value(QLatin1StringView("calls"))
                 .toArray()
                 .size(),
             0);

    // Cy saw nothing: not live, not in a replay from before the call, not by search, not in
    // lobby's history; and Cy cannot touch the call.
    QCOMPARE(callEventsOn(cyLive), 0);
    QVERIFY(!anyEventContains(cyLive, QStringLiteral("zebra")));
    StreamReader cyReplay(port, memberStream(cy, "1"));
    QVERIFY(cyReplay.waitForHead());
    QVERIFY(cyReplay.waitForEvents(1));
    QTest::qWait(200);
    QCOMPARE(callEventsOn(cyReplay), 0);
    QVERIFY(!anyEventContains(cyReplay, id));
    const Response search = callAs(port, cy, "GET", "/api/v2/search?q=zebrasdp");
    QCOMPARE(search.status, 200);
    QCOMPARE(search.json().value(QLatin1StringView("results")).toArray().size(), 0);
    QCOMPARE(callAs(port, ana, "GET", "/api/v2/search?q=zebrasdp")
                 .json()
                 .value(QLatin1StringView("results"))
                 .toArray()
                 .size(),
             0);
    for (const QJsonValue &event : pageOf(port, cy, QStringLiteral("lobby")))
        QVERIFY(!event.toObject()
                     .value(QLatin1StringView("type"))
                     .toString()
                     .startsWith(QLatin1StringView("call_")));
    QCOMPARE(callAs(port, cy, "POST", callPath(id, "hangup")).errorCode(),
             QStringLiteral("unknown_call"));
    // /metrics names no member.
    const QByteArray metrics = metricsText(port);
    QVERIFY(!metrics.contains(ana.memberId.toUtf8()));
    QVERIFY(!metrics.contains(bo.memberId.toUtf8()));
    QVERIFY(!metrics.contains(id.toUtf8()));
}

void TestHubCalls::refusals()
{
    HubFixture fixture(quickSettings());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const Session cy = signInToHub(port, QStringLiteral("Cy"));

    const Response self = callAs(port, ana, "POST", "/api/v2/calls", placeBody(ana, "d_ana"));
    QCOMPARE(self.status, 400);
    QCOMPARE(self.errorCode(), QStringLiteral("call_self"));
    Session ghost = bo;
    ghost.memberId = QStringLiteral("m_nobody");
    const Response unknown = callAs(port, ana, "POST", "/api/v2/calls", placeBody(ghost, "d_ana"));
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.errorCode(), QStringLiteral("unknown_member"));
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "d_ana", "hologram")).status,
             400);
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "bad device!")).status, 400);
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/calls", "not json").status, 400);
    QCOMPARE(call(port, "POST", "/api/v2/calls", placeBody(bo, "d_x")).status, 401);
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/calls/call_0000000000000000/accept",
                    deviceBody(QStringLiteral("d_ana")))
                 .errorCode(),
             QStringLiteral("unknown_call"));

    const QString id = callIdOf(callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "d_ana")));
    QVERIFY(!id.isEmpty());
    // Not a party: the same 404 as no call at all.
    for (const char *action : {"accept", "decline", "hangup", "signal"}) {
        const Response outsider = callAs(port, cy, "POST", callPath(id, action),
                                         action == QByteArrayView("signal")
                                             ? candidateBody("d_cy", QStringLiteral("candidate:1"))
                                             : deviceBody(QStringLiteral("d_cy")));
        QCOMPARE(outsider.status, 404);
        QCOMPARE(outsider.errorCode(), QStringLiteral("unknown_call"));
    }
    // Only the callee answers or declines.
    QCOMPARE(callAs(port, ana, "POST", callPath(id, "accept"), deviceBody(QStringLiteral("d_ana")))
                 .errorCode(),
             QStringLiteral("not_callee"));
    QCOMPARE(callAs(port, ana, "POST", callPath(id, "decline")).status, 403);
    QCOMPARE(callAs(port, bo, "POST", callPath(id, "accept"), "{}").status, 400);
    QCOMPARE(
        callAs(port, bo, "POST", callPath(id, "accept"), deviceBody(QStringLiteral("d_bo"))).status,
        200);
    // A signal needs exactly one of description and candidate, well formed.
    QCOMPARE(callAs(port, bo, "POST", callPath(id, "signal"),
                    json({{QStringLiteral("device"), QStringLiteral("d_bo")}}))
                 .status,
             400);
    QCOMPARE(callAs(port, bo, "POST", callPath(id, "signal"),
                    offerBody(QStringLiteral("d_bo"), QStringLiteral("rollback"), "v=0"))
                 .status,
             400);
    QJsonObject both = QJsonDocument::fromJson(offerBody("d_bo", "offer", "v=0")).object();
    both.insert(QStringLiteral("candidate"), QJsonObject {});
    QCOMPARE(callAs(port, bo, "POST", callPath(id, "signal"), json(both)).status, 400);
    QCOMPARE(callAs(port, bo, "POST", callPath(id, "decline")).errorCode(),
             QStringLiteral("already_answered"));
    QCOMPARE(callAs(port, bo, "POST", callPath(id, "hangup")).status, 200);
    for (const char *action : {"accept", "decline", "hangup"}) {
        const Response after
            = callAs(port, bo, "POST", callPath(id, action), deviceBody(QStringLiteral("d_bo")));
        QCOMPARE(after.status, 410);
        QCOMPARE(after.errorCode(), QStringLiteral("call_ended"));
    }
}

void TestHubCalls::glareAndBusy()
{
    HubFixture fixture(quickSettings());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const Session cy = signInToHub(port, QStringLiteral("Cy"));
    const QString id = callIdOf(callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "d_ana")));
    QVERIFY(!id.isEmpty());
    // Bo calls Ana at the same moment: busy, and the answer names Ana's call to accept instead.
    const Response glare = callAs(port, bo, "POST", "/api/v2/calls", placeBody(ana, "d_bo"));
    QCOMPARE(glare.status, 409);
    QCOMPARE(glare.errorCode(), QStringLiteral("busy"));
    QCOMPARE(callIdOf(glare), id);
    // Anyone else gets busy without a word about the call.
    const Response busy = callAs(port, cy, "POST", "/api/v2/calls", placeBody(bo, "d_cy"));
    QCOMPARE(busy.status, 409);
    QVERIFY(!busy.json().contains(QLatin1StringView("call")));
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/calls", placeBody(cy, "d_ana")).status, 409);
    // Bo accepts the one call; both are in it.
    QCOMPARE(
        callAs(port, bo, "POST", callPath(id, "accept"), deviceBody(QStringLiteral("d_bo"))).status,
        200);
    QCOMPARE(callAs(port, bo, "POST", "/api/v2/calls", placeBody(ana, "d_bo")).status, 409);
    QCOMPARE(callAs(port, bo, "POST", callPath(id, "hangup")).status, 200);
    // Free again.
    QCOMPARE(callAs(port, cy, "POST", "/api/v2/calls", placeBody(bo, "d_cy")).status, 201);
}

void TestHubCalls::rateLimitPerCallerAndCallee()
{
    HubFixture fixture(quickSettings());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const Session cy = signInToHub(port, QStringLiteral("Cy"));
    for (int i = 0; i < 3; ++i) {
        const QString id
            = callIdOf(callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "d_ana")));
        QVERIFY(!id.isEmpty());
        QCOMPARE(callAs(port, ana, "POST", callPath(id, "hangup")).status, 200);
    }
    const Response limited = callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "d_ana"));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("rate_limited"));
    const int retryAfter = limited.header("retry-after").toInt();
    QVERIFY(retryAfter >= 1 && retryAfter <= 60);
    // Another callee, or the other way round, is another budget.
    const QString other
        = callIdOf(callAs(port, ana, "POST", "/api/v2/calls", placeBody(cy, "d_ana")));
    QVERIFY(!other.isEmpty());
    QCOMPARE(callAs(port, ana, "POST", callPath(other, "hangup")).status, 200);
    QCOMPARE(callAs(port, bo, "POST", "/api/v2/calls", placeBody(ana, "d_bo")).status, 201);
    // Three cancelled calls are three missed-call notes in the DM, from the caller.
    QTRY_VERIFY_WITH_TIMEOUT(pageOf(port, bo,
                                    callAs(port, ana, "POST", "/api/v2/dms",
                                           json({{QStringLiteral("member"), bo.memberId}}))
                                        .json()
                                        .value(QLatin1StringView("id"))
                                        .toString())
                                     .size()
                                 == 3,
                             WaitMs);
}

void TestHubCalls::oversizeSdpIsRefused()
{
    HubSettings settings = quickSettings();
    settings.maxBodyBytes = 200 * 1024; // so that the SDP cap, not the body cap, refuses
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    StreamReader boLive(port, memberStream(bo));
    QVERIFY(boLive.waitForHead());
    const QString id = callIdOf(callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "d_ana")));
    QCOMPARE(
        callAs(port, bo, "POST", callPath(id, "accept"), deviceBody(QStringLiteral("d_bo"))).status,
        200);
    const QString justFits(64 * 1024, QLatin1Char('a'));
    QCOMPARE(
        callAs(port, ana, "POST", callPath(id, "signal"), offerBody("d_ana", "offer", justFits))
            .status,
        202);
    const Response tooLarge = callAs(port, ana, "POST", callPath(id, "signal"),
                                     offerBody("d_ana", "offer", justFits + QLatin1Char('a')));
    QCOMPARE(tooLarge.status, 413);
    QCOMPARE(tooLarge.errorCode(), QStringLiteral("sdp_too_large"));
    QTRY_COMPARE_WITH_TIMEOUT(countOf(boLive, QStringLiteral("call_signal")), 1, WaitMs);
    QTest::qWait(100);
    QCOMPARE(countOf(boLive, QStringLiteral("call_signal")), 1);

    // With the default body cap, the body is refused before it is read.
    HubFixture defaults(quickSettings());
    QVERIFY(defaults.started());
    const Session cy = signInToHub(defaults.port(), QStringLiteral("Cy"));
    const Response body = callAs(defaults.port(), cy, "POST", callPath(id, "signal"),
                                 offerBody("d_cy", "offer", justFits));
    QCOMPARE(body.status, 413);
    QCOMPARE(body.errorCode(), QStringLiteral("body_too_large"));
}

void TestHubCalls::resumeDeliversAMissedSignalOnce()
{
    HubFixture fixture(quickSettings());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    StreamReader anaLive(port, memberStream(ana));
    QVERIFY(anaLive.waitForHead());
    auto boLive = std::make_unique<StreamReader>(port, memberStream(bo));
    QVERIFY(boLive->waitForHead());
    const QString id = callIdOf(callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "d_ana")));
    QCOMPARE(
        callAs(port, bo, "POST", callPath(id, "accept"), deviceBody(QStringLiteral("d_bo"))).status,
        200);
    QCOMPARE(callAs(port, ana, "POST", callPath(id, "signal"), offerBody("d_ana", "offer", "first"))
                 .status,
             202);
    QTRY_COMPARE_WITH_TIMEOUT(countOf(*boLive, QStringLiteral("call_signal")), 1, WaitMs);
    const qint64 resumeFrom = lastIdOf(*boLive);
    QVERIFY(resumeFrom > 0);

    // Bo's stream breaks (well within the offline grace); Ana's signal comes in between.
    boLive->socket()->abort();
    boLive.reset();
    QCOMPARE(callAs(port, ana, "POST", callPath(id, "signal"),
                    candidateBody("d_ana", QStringLiteral("candidate:missed")))
                 .status,
             202);
    // A chat message in between too: the replay merges both in id order.
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/conversations/lobby/messages",
                    json({{QStringLiteral("text"), QStringLiteral("between")},
                          {QStringLiteral("clientId"), QStringLiteral("c1")}}))
                 .status,
             201);

    StreamReader resumed(port, memberStream(bo, QByteArray::number(resumeFrom)));
    QVERIFY(resumed.waitForHead());
    QTRY_VERIFY_WITH_TIMEOUT(anyEventContains(resumed, QStringLiteral("between")), WaitMs);
    QCOMPARE(countOf(resumed, QStringLiteral("call_signal")), 1);
    QVERIFY(anyEventContains(resumed, QStringLiteral("candidate:missed")));
    QVERIFY(!anyEventContains(resumed, QStringLiteral("\"first\"")));
    QCOMPARE(countOf(resumed, QStringLiteral("call_ringing")), 0);
    // In id order, each once.
    qint64 previous = resumeFrom;
    for (const SseParser::Event &event : resumed.events()) {
        if (event.lastEventId.isEmpty())
            continue;
        QVERIFY(event.lastEventId.toLongLong() > previous);
        previous = event.lastEventId.toLongLong();
    }
    // Live again: the next signal arrives once.
    QCOMPARE(callAs(port, ana, "POST", callPath(id, "signal"),
                    candidateBody("d_ana", QStringLiteral("candidate:live")))
                 .status,
             202);
    QTRY_COMPARE_WITH_TIMEOUT(countOf(resumed, QStringLiteral("call_signal")), 2, WaitMs);
    QTest::qWait(100);
    QCOMPARE(countOf(resumed, QStringLiteral("call_signal")), 2);
    // The call survived the break.
    QCOMPARE(countOf(anaLive, QStringLiteral("call_ended")), 0);
}

void TestHubCalls::ringingBecomesMissed()
{
    HubSettings settings = quickSettings();
    settings.callRingTimeoutMs = 300;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    StreamReader anaLive(port, memberStream(ana));
    StreamReader boLive(port, memberStream(bo));
    QVERIFY(anaLive.waitForHead());
    QVERIFY(boLive.waitForHead());
    const Response placed
        = callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "d_ana", "audio"));
    const QString id = callIdOf(placed);
    const QString dm = placed.json()
                           .value(QLatin1StringView("call"))
                           .toObject()
                           .value(QLatin1StringView("conversation"))
                           .toString();
    for (StreamReader *reader : {&anaLive, &boLive})
        QTRY_COMPARE_WITH_TIMEOUT(countOf(*reader, QStringLiteral("call_ended")), 1, WaitMs);
    const QJsonObject ended = dataOf(boLive.eventsOfType(QStringLiteral("call_ended")).front());
    QCOMPARE(ended.value(QLatin1StringView("reason")).toString(), QStringLiteral("missed"));
    QCOMPARE(ended.value(QLatin1StringView("duration")).toInt(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(pageOf(port, bo, dm).size(), 1, WaitMs);
    const QJsonObject summary
        = pageOf(port, bo, dm).at(0).toObject().value(QLatin1StringView("data")).toObject();
    QCOMPARE(summary.value(QLatin1StringView("text")).toString(), QStringLiteral("Missed call"));
    QCOMPARE(summary.value(QLatin1StringView("call")).toObject(),
             (QJsonObject {{QStringLiteral("id"), id},
                           {QStringLiteral("media"), QStringLiteral("audio")},
                           {QStringLiteral("outcome"), QStringLiteral("missed")},
                           {QStringLiteral("duration"), 0}}));
    QCOMPARE(
        callAs(port, bo, "POST", callPath(id, "accept"), deviceBody(QStringLiteral("d_bo"))).status,
        410);
    // A device that was away still learns of the end on resume (the signals are gone).
    StreamReader late(port, memberStream(bo, QByteArray::number(lastIdOf(boLive) - 3)));
    QVERIFY(late.waitForHead());
    QTRY_VERIFY_WITH_TIMEOUT(countOf(late, QStringLiteral("call_ended")) == 1, WaitMs);
}

void TestHubCalls::peerGoneWhenTheLastStreamCloses()
{
    HubSettings settings = quickSettings();
    settings.offlineGraceMs = 200;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    StreamReader anaLive(port, memberStream(ana));
    QVERIFY(anaLive.waitForHead());
    auto boLive = std::make_unique<StreamReader>(port, memberStream(bo));
    QVERIFY(boLive->waitForHead());
    const QString id = callIdOf(callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "d_ana")));
    QCOMPARE(
        callAs(port, bo, "POST", callPath(id, "accept"), deviceBody(QStringLiteral("d_bo"))).status,
        200);
    QTest::qWait(300);
    QCOMPARE(countOf(anaLive, QStringLiteral("call_ended")), 0);
    boLive->socket()->abort();
    boLive.reset();
    QTRY_COMPARE_WITH_TIMEOUT(countOf(anaLive, QStringLiteral("call_ended")), 1, WaitMs);
    const QJsonObject ended = dataOf(anaLive.eventsOfType(QStringLiteral("call_ended")).front());
    QCOMPARE(ended.value(QLatin1StringView("reason")).toString(), QStringLiteral("peer_gone"));
    QCOMPARE(metricValue(metricsText(port), "confab_calls_active"), 0);
    // Ana can call again (Bo is back).
    StreamReader boBack(port, memberStream(bo));
    QVERIFY(boBack.waitForHead());
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/calls", placeBody(bo, "d_ana")).status, 201);
}

void TestHubCalls::iceServersFromTheSettings()
{
    HubSettings settings = quickSettings();
    settings.iceServers = {QStringLiteral("stun:stun.lan:3478"),
                           QStringLiteral("turn:confab:s%40cret@10.0.0.2:3478?transport=udp")};
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const Session ana = signInToHub(fixture.port(), QStringLiteral("Ana"));
    QCOMPARE(call(fixture.port(), "GET", "/api/v2/calls/config").status, 401);
    const Response config = callAs(fixture.port(), ana, "GET", "/api/v2/calls/config");
    QCOMPARE(config.status, 200);
    const QJsonArray servers = config.json().value(QLatin1StringView("iceServers")).toArray();
    QCOMPARE(servers.size(), 2);
    QCOMPARE(servers.at(0).toObject(),
             (QJsonObject {
                 {QStringLiteral("urls"), QJsonArray {QStringLiteral("stun:stun.lan:3478")}}}));
    QCOMPARE(servers.at(1).toObject(),
             (QJsonObject {{QStringLiteral("urls"),
                            QJsonArray {QStringLiteral("turn:10.0.0.2:3478?transport=udp")}},
                           {QStringLiteral("username"), QStringLiteral("confab")},
                           {QStringLiteral("credential"), QStringLiteral("s@cret")}}));
    // Without any: an empty list (host candidates need no server on one LAN).
    HubFixture plain(quickSettings());
    QVERIFY(plain.started());
    const Session bo = signInToHub(plain.port(), QStringLiteral("Bo"));
    QCOMPARE(callAs(plain.port(), bo, "GET", "/api/v2/calls/config")
                 .json()
                 .value(QLatin1StringView("iceServers"))
                 .toArray()
                 .size(),
             0);
}

QTEST_GUILESS_MAIN(TestHubCalls)
#include "tst_hubcalls.moc"
