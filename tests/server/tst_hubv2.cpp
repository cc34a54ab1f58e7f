// API v2 over real loopback sockets: a hub-wide session, channels, direct messages, the
// conversation list, and one event stream per member (docs/protocol.md, "API v2"). Also what a
// member must never see: a DM between two others, in any stream, replay, page or list.

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

QString conversationOf(const SseParser::Event &event)
{
    return dataOf(event).value(QLatin1StringView("conversation")).toString();
}

HubSettings unlimitedRate()
{
    HubSettings settings;
    settings.messagesPerSecond = 0;
    return settings;
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray messageBody(const QString &text, const QString &clientId)
{
    return json({{QStringLiteral("text"), text}, {QStringLiteral("clientId"), clientId}});
}

QByteArray messagesPath(const QString &conversation)
{
    return "/api/v2/conversations/" + QUrl::toPercentEncoding(conversation) + "/messages";
}

qint64 idOf(const Response &response)
{
    return qint64(response.json().value(QLatin1StringView("id")).toDouble());
}

QJsonObject conversationIn(const Response &list, const QString &id)
{
    for (const QJsonValue &value :
         list.json().value(QLatin1StringView("conversations")).toArray()) {
        if (value.toObject().value(QLatin1StringView("id")).toString() == id)
            return value.toObject();
    }
    return {};
}

StreamReader::Options memberStream(const Session &session, QByteArray lastEventId = {})
{
    StreamReader::Options options {session.token, {}, std::move(lastEventId)};
    options.path = "/api/v2/events";
    return options;
}

int historySize(quint16 port, const Session &session, const QString &conversation)
{
    const Response page = callAs(port, session, "GET", messagesPath(conversation));
    return int(page.json().value(QLatin1StringView("events")).toArray().size());
}

// Posts to lobby and waits until `readers` all have it: every event published before it reached
// them first (a member's stream gets events in publish order).
void barrier(quint16 port, const Session &from, const std::vector<StreamReader *> &readers,
             const QString &marker)
{
    QCOMPARE(callAs(port, from, "POST", messagesPath(QStringLiteral("lobby")),
                    messageBody(marker, marker))
                 .status,
             201);
    for (StreamReader *reader : readers) {
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(reader->events().begin(), reader->events().end(),
                        [&](const SseParser::Event &e) { return e.data.contains(marker); }),
            WaitMs);
    }
}

QJsonObject memberOf(const SseParser::Event &event)
{
    return dataOf(event).value(QLatin1StringView("member")).toObject();
}

QJsonObject addedConversation(const SseParser::Event &event)
{
    return dataOf(event).value(QLatin1StringView("conversation")).toObject();
}

} // namespace

class TestHubV2 : public QObject
{
    Q_OBJECT
private slots:
    void sessionAndChannels();
    void memberStreamCarriesEveryConversation();
    void readStateAndMentions();
    void directMessagesArePrivate();
    void badInputIsRefusedAndStoresNothing();
    void v1AndV2SeeTheSameLobby();
    void authorsEditAndDeleteTheirMessages();
    void hubWideSessionSurvivesRestart();
    void memberDirectory();
    void conversationMembers();
    void typingGoesToTheConversationOnly();
    void typingIsRateLimitedApartFromMessages();
    void presenceIsHubWideOnMemberStreams();
    void membershipEventsGoToTheMemberAlone();
    void resetForAnotherHubOrTheFuture();
    void replayLeavesOutWhatCameBeforeAJoin();
};

void TestHubV2::sessionAndChannels()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    QVERIFY(!ana.token.isEmpty() && !bo.token.isEmpty());
    // Names are unique hub-wide among members present.
    QCOMPARE(call(port, "POST", "/api/v2/session", R"({"name":"ana"})").status, 409);
    // A new member is in lobby.
    QCOMPARE(
        conversationIn(callAs(port, ana, "GET", "/api/v2/conversations"), QStringLiteral("lobby"))
            .value(QLatin1StringView("kind"))
            .toString(),
        QStringLiteral("channel"));

    Response created = callAs(port, ana, "POST", "/api/v2/channels",
                              R"({"title":"Lab 3 Projects","topic":"robots"})");
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json().value(QLatin1StringView("id")).toString(),
             QStringLiteral("lab-3-projects"));
    QCOMPARE(created.json().value(QLatin1StringView("members")).toInt(), 1);

    const Response list = callAs(port, bo, "GET", "/api/v2/channels");
    QCOMPARE(list.status, 200);
    QMap<QString, int> members;
    for (const QJsonValue &value : list.json().value(QLatin1StringView("channels")).toArray())
        members.insert(value.toObject().value(QLatin1StringView("id")).toString(),
                       value.toObject().value(QLatin1StringView("members")).toInt());
    QCOMPARE(members.value(QStringLiteral("lobby")), 2);
    QCOMPARE(members.value(QStringLiteral("lab-3-projects")), 1);

    // Not joined: 403 for reading and posting, and nothing stored.
    const QString lab = QStringLiteral("lab-3-projects");
    Response refused = callAs(port, bo, "POST", messagesPath(lab),
                              messageBody(QStringLiteral("hi"), QStringLiteral("b1")));
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.errorCode(), QStringLiteral("not_a_member"));
    QCOMPARE(callAs(port, bo, "GET", messagesPath(lab)).status, 403);
    QCOMPARE(historySize(port, ana, lab), 1); // Ana's join only

    // Join (twice is once), post, leave.
    QCOMPARE(callAs(port, bo, "PUT", "/api/v2/channels/lab-3-projects/members/me").status, 200);
    const Response again = callAs(port, bo, "PUT", "/api/v2/channels/lab-3-projects/members/me");
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json().value(QLatin1StringView("members")).toInt(), 2);
    QCOMPARE(historySize(port, ana, lab), 2);
    QCOMPARE(callAs(port, bo, "POST", messagesPath(lab),
                    messageBody(QStringLiteral("hi"), QStringLiteral("b1")))
                 .status,
             201);
    QCOMPARE(callAs(port, bo, "DELETE", "/api/v2/channels/lab-3-projects/members/me").status, 204);
    QCOMPARE(callAs(port, bo, "POST", messagesPath(lab),
                    messageBody(QStringLiteral("x"), QStringLiteral("b2")))
                 .status,
             403);
    QCOMPARE(historySize(port, ana, lab), 4); // join, join, message, leave
    QCOMPARE(callAs(port, bo, "PUT", "/api/v2/channels/nowhere/members/me").status, 404);

    // Ending a hub-wide session: the member leaves every channel, the token stops working, and
    // the member's streams are closed.
    StreamReader boStream(port, memberStream(bo));
    QVERIFY(boStream.waitForHead());
    QCOMPARE(callAs(port, bo, "DELETE", "/api/v2/session").status, 204);
    QVERIFY(boStream.waitForClosed());
    QCOMPARE(callAs(port, bo, "GET", "/api/v2/conversations").status, 401);
    const Response lobby = callAs(port, ana, "GET", messagesPath(QStringLiteral("lobby")));
    const QJsonArray events = lobby.json().value(QLatin1StringView("events")).toArray();
    const QJsonObject last = events.last().toObject().value(QLatin1StringView("data")).toObject();
    QCOMPARE(last.value(QLatin1StringView("state")).toString(), QStringLiteral("leave"));
    QCOMPARE(last.value(QLatin1StringView("member"))
                 .toObject()
                 .value(QLatin1StringView("id"))
                 .toString(),
             bo.memberId);
}

void TestHubV2::memberStreamCarriesEveryConversation()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    StreamReader stream(port, memberStream(ana));
    QVERIFY(stream.waitForHead());
    QCOMPARE(stream.status(), 200);

    QCOMPARE(callAs(port, ana, "POST", "/api/v2/channels", R"({"id":"dev","title":"Dev"})").status,
             201);
    QCOMPARE(callAs(port, bo, "POST", messagesPath(QStringLiteral("lobby")),
                    messageBody(QStringLiteral("in lobby"), QStringLiteral("b1")))
                 .status,
             201);
    QCOMPARE(callAs(port, ana, "POST", messagesPath(QStringLiteral("dev")),
                    messageBody(QStringLiteral("in dev"), QStringLiteral("a1")))
                 .status,
             201);
    const Response dm
        = callAs(port, bo, "POST", "/api/v2/dms", json({{QStringLiteral("member"), ana.memberId}}));
    QCOMPARE(dm.status, 201);
    const QString dmId = dm.json().value(QLatin1StringView("id")).toString();
    QCOMPARE(dm.json().value(QLatin1StringView("kind")).toString(), QStringLiteral("dm"));
    QCOMPARE(dm.json().value(QLatin1StringView("title")).toString(), QStringLiteral("Ana"));
    QCOMPARE(callAs(port, bo, "POST", messagesPath(dmId),
                    messageBody(QStringLiteral("just us"), QStringLiteral("b2")))
                 .status,
             201);

    // join(dev), lobby message, dev message, DM message: one stream, ids strictly increasing.
    QTRY_COMPARE_WITH_TIMEOUT(stream.events().size() >= 4, true, WaitMs);
    QStringList seen;
    qint64 previous = 0;
    for (const SseParser::Event &event : stream.events()) {
        if (event.lastEventId.isEmpty() || event.lastEventId.toLongLong() <= previous)
            continue;
        QVERIFY(event.lastEventId.toLongLong() > previous);
        previous = event.lastEventId.toLongLong();
        seen.append(event.type + QLatin1Char('@') + conversationOf(event));
    }
    QCOMPARE(seen,
             (QStringList {QStringLiteral("presence@dev"), QStringLiteral("message@lobby"),
                           QStringLiteral("message@dev"), QStringLiteral("message@") + dmId}));

    // Resume after the first: exactly the three others, from the store.
    // (The stream began with ephemeral events: Ana's own online, conversation_added for dev.)
    QByteArray first;
    for (const SseParser::Event &event : stream.events()) {
        if (!event.lastEventId.isEmpty()) {
            first = event.lastEventId.toUtf8();
            break;
        }
    }
    StreamReader resumed(port, memberStream(ana, first));
    QVERIFY(resumed.waitForEvents(3));
    QStringList replayed;
    for (const SseParser::Event &event : resumed.events())
        replayed.append(event.type + QLatin1Char('@') + conversationOf(event));
    QCOMPARE(replayed, seen.mid(1));

    // From the future, or not a number: reset, then live.
    StreamReader ahead(port, memberStream(ana, QByteArrayLiteral("999999")));
    QVERIFY(ahead.waitForEvents(1));
    QCOMPARE(ahead.events().front().type, QStringLiteral("reset"));
    QCOMPARE(dataOf(ahead.events().front()).value(QLatin1StringView("reason")).toString(),
             QStringLiteral("ahead_of_room"));
    StreamReader garbage(port, memberStream(ana, QByteArrayLiteral("x1")));
    QVERIFY(garbage.waitForEvents(1));
    QCOMPARE(garbage.events().front().type, QStringLiteral("reset"));
    // A DM opened again is the same one.
    const Response dmAgain
        = callAs(port, ana, "POST", "/api/v2/dms", json({{QStringLiteral("member"), bo.memberId}}));
    QCOMPARE(dmAgain.status, 200);
    QCOMPARE(dmAgain.json().value(QLatin1StringView("id")).toString(), dmId);
    QCOMPARE(dmAgain.json().value(QLatin1StringView("title")).toString(), QStringLiteral("Bo"));
}

void TestHubV2::readStateAndMentions()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const QString lobby = QStringLiteral("lobby");
    callAs(port, bo, "POST", messagesPath(lobby),
           messageBody(QStringLiteral("plain"), QStringLiteral("b1")));
    const Response mention = callAs(port, bo, "POST", messagesPath(lobby),
                                    messageBody(QStringLiteral("@Ana look"), QStringLiteral("b2")));
    QCOMPARE(mention.status, 201);
    // The clients' rule (common/mentions.h): any case, never inside a longer name.
    callAs(port, bo, "POST", messagesPath(lobby),
           messageBody(QStringLiteral("hi @ana!"), QStringLiteral("b3")));
    callAs(port, bo, "POST", messagesPath(lobby),
           messageBody(QStringLiteral("(@ANA)"), QStringLiteral("b5")));
    const Response notAna
        = callAs(port, bo, "POST", messagesPath(lobby),
                 messageBody(QStringLiteral("@Anabel too"), QStringLiteral("b4")));
    callAs(port, ana, "POST", messagesPath(lobby),
           messageBody(QStringLiteral("mine @Ana"), QStringLiteral("a1")));
    QJsonObject entry = conversationIn(callAs(port, ana, "GET", "/api/v2/conversations"), lobby);
    QCOMPARE(entry.value(QLatin1StringView("unread")).toInt(), 5); // own messages never count
    QCOMPARE(entry.value(QLatin1StringView("mentions")).toInt(), 3);
    QVERIFY(qint64(entry.value(QLatin1StringView("lastEventId")).toDouble()) > idOf(mention));

    // Reading on one device tells the member's other streams.
    StreamReader otherDevice(port, memberStream(ana));
    QVERIFY(otherDevice.waitForHead());
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/conversations/lobby/read",
                    json({{QStringLiteral("upTo"), idOf(notAna)}}))
                 .status,
             204);
    QTRY_COMPARE_WITH_TIMEOUT(otherDevice.eventsOfType(QStringLiteral("read")).size(), size_t(1),
                              WaitMs);
    const QJsonObject read = dataOf(otherDevice.eventsOfType(QStringLiteral("read")).front());
    QCOMPARE(read.value(QLatin1StringView("conversation")).toString(), lobby);
    QCOMPARE(qint64(read.value(QLatin1StringView("upTo")).toDouble()), idOf(notAna));
    entry = conversationIn(callAs(port, ana, "GET", "/api/v2/conversations"), lobby);
    QCOMPARE(entry.value(QLatin1StringView("unread")).toInt(), 0);
    QCOMPARE(entry.value(QLatin1StringView("mentions")).toInt(), 0);
    // The mark never moves back; beyond the newest id is refused.
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/conversations/lobby/read", R"({"upTo":1})").status,
             204);
    QCOMPARE(conversationIn(callAs(port, ana, "GET", "/api/v2/conversations"), lobby)
                 .value(QLatin1StringView("unread"))
                 .toInt(),
             0);
    QCOMPARE(
        callAs(port, ana, "POST", "/api/v2/conversations/lobby/read", R"({"upTo":99999})").status,
        400);
    // Bo's read state is his own.
    QCOMPARE(conversationIn(callAs(port, bo, "GET", "/api/v2/conversations"), lobby)
                 .value(QLatin1StringView("unread"))
                 .toInt(),
             1);
}

// Privacy: a third member (Cy), in no DM with Ana or Bo, never sees their DM: not in a live
// stream, a replay from 0, paging, posting, read marks, the conversation list or the channel list.
void TestHubV2::directMessagesArePrivate()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const Session cy = signInToHub(port, QStringLiteral("Cy"));
    StreamReader cyLive(port, memberStream(cy));
    QVERIFY(cyLive.waitForHead());
    StreamReader boLive(port, memberStream(bo));
    QVERIFY(boLive.waitForHead());

    const Response dm
        = callAs(port, ana, "POST", "/api/v2/dms", json({{QStringLiteral("member"), bo.memberId}}));
    QCOMPARE(dm.status, 201);
    const QString dmId = dm.json().value(QLatin1StringView("id")).toString();
    QCOMPARE(callAs(port, ana, "POST", messagesPath(dmId),
                    messageBody(QStringLiteral("secret"), QStringLiteral("s1")))
                 .status,
             201);
    // Published after the secret: once Cy has this, the secret would have come before it.
    QCOMPARE(callAs(port, ana, "POST", messagesPath(QStringLiteral("lobby")),
                    messageBody(QStringLiteral("public"), QStringLiteral("p1")))
                 .status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(cyLive.eventsOfType(QStringLiteral("message")).size(), size_t(1),
                              WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(boLive.eventsOfType(QStringLiteral("message")).size(), size_t(2),
                              WaitMs);
    QCOMPARE(conversationOf(boLive.eventsOfType(QStringLiteral("message")).front()), dmId);
    for (const SseParser::Event &event : cyLive.events()) {
        QVERIFY2(!event.data.contains(QLatin1StringView("secret")), qPrintable(event.data));
        QVERIFY(conversationOf(event) != dmId);
    }

    // Replay from the start: still nothing of the DM.
    StreamReader cyReplay(port, memberStream(cy, QByteArrayLiteral("0")));
    QVERIFY(cyReplay.waitForEvents(1));
    QTest::qWait(200);
    QVERIFY(!cyReplay.eventsOfType(QStringLiteral("message")).empty());
    for (const SseParser::Event &event : cyReplay.events())
        QVERIFY2(conversationOf(event) != dmId && !event.data.contains(QLatin1StringView("secret")),
                 qPrintable(event.data));

    // Paging, posting, reading, listing, joining: as if the DM did not exist (404, not 403).
    for (const auto &[method, path, body] :
         {std::tuple<QByteArray, QByteArray, QByteArray> {"GET", messagesPath(dmId), {}},
          {"POST", messagesPath(dmId),
           messageBody(QStringLiteral("let me in"), QStringLiteral("c1"))},
          {"POST", "/api/v2/conversations/" + QUrl::toPercentEncoding(dmId) + "/read",
           R"({"upTo":1})"},
          {"PUT", "/api/v2/channels/" + QUrl::toPercentEncoding(dmId) + "/members/me", {}}}) {
        const Response r = callAs(port, cy, method, path, body);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.errorCode(), QStringLiteral("unknown_conversation"));
    }
    QCOMPARE(callAs(port, cy, "GET", messagesPath(QStringLiteral("no-such-thing"))).errorCode(),
             QStringLiteral("unknown_conversation"));
    QVERIFY(conversationIn(callAs(port, cy, "GET", "/api/v2/conversations"), dmId).isEmpty());
    const Response channels = callAs(port, cy, "GET", "/api/v2/channels");
    QVERIFY(!channels.body.contains(dmId.toUtf8()));
    // Nothing Cy tried was stored.
    QCOMPARE(historySize(port, ana, dmId), 1);
}

void TestHubV2::badInputIsRefusedAndStoresNothing()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    QCOMPARE(call(port, "POST", "/api/v2/session", R"({"name":"Bo","room":"lobby"})").status, 400);
    QCOMPARE(call(port, "GET", "/api/v2/conversations").status, 401);
    QCOMPARE(call(port, "GET", "/api/v2/events").status, 401);

    Response r = callAs(port, ana, "POST", "/api/v2/dms",
                        json({{QStringLiteral("member"), ana.memberId}}));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), QStringLiteral("dm_with_self"));
    r = callAs(port, ana, "POST", "/api/v2/dms", R"({"member":"m_0000000000000000"})");
    QCOMPARE(r.status, 404);
    QCOMPARE(r.errorCode(), QStringLiteral("unknown_member"));
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/dms", R"({"member":5})").status, 400);
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/dms", "{nope").errorCode(),
             QStringLiteral("bad_json"));

    QCOMPARE(
        callAs(port, ana, "POST", "/api/v2/channels", R"({"id":"lobby","title":"Again"})").status,
        409);
    for (const QByteArray &body :
         {QByteArray(R"({"id":"has space","title":"x"})"),
          QByteArray(R"({"id":"123456789012345678901234567890123","title":"x"})"),
          QByteArray(R"({"title":"   "})"), QByteArray(R"({"title":7})")}) {
        r = callAs(port, ana, "POST", "/api/v2/channels", body);
        QCOMPARE(r.status, 400);
        QVERIFY(!r.errorCode().isEmpty());
    }
    // A title without Latin letters still makes a channel (a generated id).
    r = callAs(port, ana, "POST", "/api/v2/channels", R"({"title":"项目"})");
    QCOMPARE(r.status, 201);
    QVERIFY(r.json().value(QLatin1StringView("id")).toString().startsWith(QLatin1StringView("c-")));
    const Response list = callAs(port, ana, "GET", "/api/v2/channels");
    QCOMPARE(list.json().value(QLatin1StringView("channels")).toArray().size(), 2);
    QCOMPARE(callAs(port, ana, "POST", messagesPath(QStringLiteral("lobby")),
                    messageBody(QString(4001, QLatin1Char('x')), QStringLiteral("long")))
                 .status,
             413);
    QCOMPARE(historySize(port, ana, QStringLiteral("lobby")), 1); // Ana's join
    QCOMPARE(call(port, "GET", "/healthz").status, 200);
}

// API v1 clients and v2 clients share the lobby: each sees the other's messages.
void TestHubV2::v1AndV2SeeTheSameLobby()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session old = signIn(port, QStringLiteral("Old"));
    const Session fresh = signInToHub(port, QStringLiteral("New"));
    StreamReader v1(port, {old.token});
    StreamReader v2(port, memberStream(fresh));
    QVERIFY(v1.waitForHead() && v2.waitForHead());
    QCOMPARE(post(port, old, QStringLiteral("from v1"), QStringLiteral("o1")).status, 201);
    QCOMPARE(callAs(port, fresh, "POST", messagesPath(QStringLiteral("lobby")),
                    messageBody(QStringLiteral("from v2"), QStringLiteral("n1")))
                 .status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(v1.eventsOfType(QStringLiteral("message")).size(), size_t(2), WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(v2.eventsOfType(QStringLiteral("message")).size(), size_t(2), WaitMs);
    QCOMPARE(v1.eventsOfType(QStringLiteral("message")).back().lastEventId,
             v2.eventsOfType(QStringLiteral("message")).back().lastEventId);

    // The room list (start page, beacon, web sign-in line) and a v1 member list count both.
    const QJsonArray rooms
        = call(port, "GET", "/api/v1/rooms").json().value(QLatin1StringView("rooms")).toArray();
    QCOMPARE(rooms.size(), 1);
    QCOMPARE(rooms.at(0).toObject().value(QLatin1StringView("members")).toInt(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(call(port, "GET", "/api/v1/rooms")
                                  .json()
                                  .value(QLatin1StringView("rooms"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QLatin1StringView("online"))
                                  .toInt(),
                              2, WaitMs);
    const QByteArray members = callAs(port, old, "GET", "/api/v1/rooms/lobby/members").body;
    QVERIFY2(members.contains("\"New\"") && members.contains("\"Old\""), members.constData());
}

void TestHubV2::authorsEditAndDeleteTheirMessages()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const QString lobby = QStringLiteral("lobby");
    const Response posted = callAs(port, ana, "POST", messagesPath(lobby),
                                   messageBody(QStringLiteral("teh typo"), QStringLiteral("a1")));
    QCOMPARE(posted.status, 201);
    const QByteArray one = messagesPath(lobby) + '/' + QByteArray::number(idOf(posted));
    StreamReader boStream(port, memberStream(bo));
    QVERIFY(boStream.waitForHead());

    // Someone else's: 403, and nothing changes.
    Response r = callAs(port, bo, "PATCH", one, R"({"text":"hijacked"})");
    QCOMPARE(r.status, 403);
    QCOMPARE(r.errorCode(), QStringLiteral("not_author"));
    QCOMPARE(callAs(port, bo, "DELETE", one).status, 403);
    QCOMPARE(callAs(port, ana, "PATCH", messagesPath(lobby) + "/99999", R"({"text":"x"})").status,
             404);
    QCOMPARE(callAs(port, ana, "PATCH", one, R"({"text":"  "})").status, 400);
    QCOMPARE(callAs(port, ana, "PATCH", one, R"({"text":5})").status, 400);

    r = callAs(port, ana, "PATCH", one, R"({"text":"the fix"})");
    QCOMPARE(r.status, 200);
    const qint64 editId = idOf(r);
    QVERIFY(editId > idOf(posted));
    QTRY_COMPARE_WITH_TIMEOUT(boStream.eventsOfType(QStringLiteral("message_edited")).size(),
                              size_t(1), WaitMs);
    const SseParser::Event edited = boStream.eventsOfType(QStringLiteral("message_edited")).front();
    QCOMPARE(edited.lastEventId, QString::number(editId));
    QCOMPARE(qint64(dataOf(edited).value(QLatin1StringView("messageId")).toDouble()), idOf(posted));
    QCOMPARE(dataOf(edited).value(QLatin1StringView("text")).toString(), QStringLiteral("the fix"));

    // History shows the latest text, not the edit itself.
    Response page = callAs(port, bo, "GET", messagesPath(lobby));
    QJsonArray events = page.json().value(QLatin1StringView("events")).toArray();
    QJsonObject last = events.last().toObject().value(QLatin1StringView("data")).toObject();
    QCOMPARE(last.value(QLatin1StringView("text")).toString(), QStringLiteral("the fix"));
    QVERIFY(last.value(QLatin1StringView("edited")).toDouble() > 0);
    for (const QJsonValue &value : events)
        QCOMPARE(value.toObject().value(QLatin1StringView("type")).toString()
                     == QLatin1StringView("message_edited"),
                 false);

    QCOMPARE(callAs(port, ana, "DELETE", one).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(boStream.eventsOfType(QStringLiteral("message_deleted")).size(),
                              size_t(1), WaitMs);
    page = callAs(port, bo, "GET", messagesPath(lobby));
    last = page.json()
               .value(QLatin1StringView("events"))
               .toArray()
               .last()
               .toObject()
               .value(QLatin1StringView("data"))
               .toObject();
    QVERIFY(last.value(QLatin1StringView("deleted")).toBool());
    QVERIFY(last.value(QLatin1StringView("text")).toString().isEmpty());
    // Deleted is gone: no second delete, no edit; and it no longer counts as unread.
    QCOMPARE(callAs(port, ana, "DELETE", one).status, 404);
    QCOMPARE(callAs(port, ana, "PATCH", one, R"({"text":"back"})").status, 404);
    QCOMPARE(conversationIn(callAs(port, bo, "GET", "/api/v2/conversations"), lobby)
                 .value(QLatin1StringView("unread"))
                 .toInt(),
             0);

    // A stream resuming from before the message replays it (latest state) and both changes.
    StreamReader replay(port, memberStream(bo, QByteArray::number(idOf(posted) - 1)));
    QVERIFY(replay.waitForEvents(3));
    QCOMPARE(replay.events()[0].type, QStringLiteral("message"));
    QCOMPARE(replay.events()[1].type, QStringLiteral("message_edited"));
    QCOMPARE(replay.events()[2].type, QStringLiteral("message_deleted"));
}

// A v2 token is stored without a room; a restart must keep it like a v1 token (a web page that
// reconnects after the host restarted the hub would otherwise be sent back to the sign-in form).
void TestHubV2::hubWideSessionSurvivesRestart()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signInToHub(fixture.port(), QStringLiteral("Ana"));
    QCOMPARE(callAs(fixture.port(), ana, "POST", messagesPath(QStringLiteral("lobby")),
                    messageBody(QStringLiteral("before"), QStringLiteral("c-1")))
                 .status,
             201);

    QVERIFY2(fixture.restart(), qPrintable(fixture.error));
    QCOMPARE(callAs(fixture.port(), ana, "GET", "/api/v2/conversations").status, 200);
    QCOMPARE(callAs(fixture.port(), ana, "POST", messagesPath(QStringLiteral("lobby")),
                    messageBody(QStringLiteral("after"), QStringLiteral("c-2")))
                 .status,
             201);
    QCOMPARE(historySize(fixture.port(), ana, QStringLiteral("lobby")), 3); // join + 2
}

void TestHubV2::memberDirectory()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const Session ana = signInToHub(port, QStringLiteral("ana"));
    const Session cy = signIn(port, QStringLiteral("Cy")); // API v1: a member all the same
    StreamReader boLive(port, memberStream(bo));
    QVERIFY(boLive.waitForHead());

    const Response directory = callAs(port, ana, "GET", "/api/v2/members");
    QCOMPARE(directory.status, 200);
    QStringList names;
    QStringList online;
    for (const QJsonValue &value : directory.json().value(QLatin1StringView("members")).toArray()) {
        const QJsonObject entry = value.toObject();
        names.append(entry.value(QLatin1StringView("name")).toString());
        QVERIFY(entry.value(QLatin1StringView("id")).toString().startsWith(QLatin1StringView("m")));
        if (entry.value(QLatin1StringView("online")).toBool())
            online.append(names.back());
    }
    // Sorted by name, case aside; online while a stream is open.
    QCOMPARE(names,
             (QStringList {QStringLiteral("ana"), QStringLiteral("Bo"), QStringLiteral("Cy")}));
    QCOMPARE(online, QStringList {QStringLiteral("Bo")});

    // A member whose session ended is no longer offered.
    QCOMPARE(callAs(port, cy, "DELETE", "/api/v1/session").status, 204);
    QCOMPARE(callAs(port, ana, "GET", "/api/v2/members")
                 .json()
                 .value(QLatin1StringView("members"))
                 .toArray()
                 .size(),
             2);
    QCOMPARE(call(port, "GET", "/api/v2/members").status, 401);
}

// GET /api/v2/conversations/{cid}/members: a channel's joined members, a DM's two, sorted like
// the directory; refused like every conversation route; joins and leaves come as `presence`
// events in the channel, so a client can keep the list current.
void TestHubV2::conversationMembers()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session cy = signInToHub(port, QStringLiteral("Cy"));
    const Session ana = signInToHub(port, QStringLiteral("ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    StreamReader boLive(port, memberStream(bo));
    QVERIFY(boLive.waitForHead());
    const auto namesIn = [](const Response &response) {
        QStringList names;
        for (const QJsonValue &value :
             response.json().value(QLatin1StringView("members")).toArray())
            names.append(value.toObject().value(QLatin1StringView("name")).toString());
        return names;
    };
    const auto membersPath = [](const QString &conversation) -> QByteArray {
        return "/api/v2/conversations/" + QUrl::toPercentEncoding(conversation) + "/members";
    };

    // The lobby: everyone, sorted by name (case aside); online while a stream is open.
    const Response lobby = callAs(port, ana, "GET", membersPath(QStringLiteral("lobby")));
    QCOMPARE(lobby.status, 200);
    QCOMPARE(namesIn(lobby),
             (QStringList {QStringLiteral("ana"), QStringLiteral("Bo"), QStringLiteral("Cy")}));
    for (const QJsonValue &value : lobby.json().value(QLatin1StringView("members")).toArray()) {
        const QJsonObject entry = value.toObject();
        QCOMPARE(entry.value(QLatin1StringView("online")).toBool(),
                 entry.value(QLatin1StringView("id")).toString() == bo.memberId);
    }

    // A channel: its creator, then whoever joins, until they leave.
    QCOMPARE(callAs(port, cy, "POST", "/api/v2/channels", R"({"id":"lab","title":"Lab"})").status,
             201);
    QCOMPARE(namesIn(callAs(port, cy, "GET", membersPath(QStringLiteral("lab")))),
             QStringList {QStringLiteral("Cy")});
    QCOMPARE(callAs(port, bo, "PUT", "/api/v2/channels/lab/members/me").status, 200);
    QCOMPARE(namesIn(callAs(port, cy, "GET", membersPath(QStringLiteral("lab")))),
             (QStringList {QStringLiteral("Bo"), QStringLiteral("Cy")}));
    QCOMPARE(callAs(port, bo, "DELETE", "/api/v2/channels/lab/members/me").status, 204);
    QCOMPARE(namesIn(callAs(port, cy, "GET", membersPath(QStringLiteral("lab")))),
             QStringList {QStringLiteral("Cy")});
    // Bo's stream saw the join and the leave in that channel (the client's way to keep up).
    QTRY_VERIFY_WITH_TIMEOUT(boLive.eventsOfType(QStringLiteral("presence")).size() >= 3, WaitMs);
    QStringList labStates;
    for (const SseParser::Event &event : boLive.eventsOfType(QStringLiteral("presence"))) {
        if (conversationOf(event) == QLatin1StringView("lab"))
            labStates.append(dataOf(event).value(QLatin1StringView("state")).toString());
    }
    QCOMPARE(labStates, (QStringList {QStringLiteral("join"), QStringLiteral("leave")}));
    // Not joined (any more): 403, as for its messages.
    const Response unjoined = callAs(port, bo, "GET", membersPath(QStringLiteral("lab")));
    QCOMPARE(unjoined.status, 403);
    QCOMPARE(unjoined.errorCode(), QStringLiteral("not_a_member"));

    // A DM: its two, for either of them; a third member is told it does not exist.
    const Response dm
        = callAs(port, bo, "POST", "/api/v2/dms", json({{QStringLiteral("member"), ana.memberId}}));
    QCOMPARE(dm.status, 201);
    const QString dmId = dm.json().value(QLatin1StringView("id")).toString();
    for (const Session &side : {ana, bo})
        QCOMPARE(namesIn(callAs(port, side, "GET", membersPath(dmId))),
                 (QStringList {QStringLiteral("ana"), QStringLiteral("Bo")}));
    const Response third = callAs(port, cy, "GET", membersPath(dmId));
    QCOMPARE(third.status, 404);
    QCOMPARE(third.errorCode(), QStringLiteral("unknown_conversation"));
    QVERIFY(!third.body.contains(ana.memberId.toUtf8()));
    QCOMPARE(callAs(port, cy, "GET", membersPath(QStringLiteral("no-such"))).errorCode(),
             QStringLiteral("unknown_conversation"));
    QCOMPARE(call(port, "GET", membersPath(QStringLiteral("lobby"))).status, 401);
}

void TestHubV2::typingGoesToTheConversationOnly()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const Session cy = signInToHub(port, QStringLiteral("Cy"));
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/channels", R"({"id":"dev","title":"Dev"})").status,
             201);
    QCOMPARE(callAs(port, bo, "PUT", "/api/v2/channels/dev/members/me").status, 200);
    const Response dm
        = callAs(port, ana, "POST", "/api/v2/dms", json({{QStringLiteral("member"), bo.memberId}}));
    const QString dmId = dm.json().value(QLatin1StringView("id")).toString();
    const QByteArray dmTyping
        = "/api/v2/conversations/" + QUrl::toPercentEncoding(dmId) + "/typing";
    StreamReader boLive(port, memberStream(bo));
    StreamReader cyLive(port, memberStream(cy));
    QVERIFY(boLive.waitForHead() && cyLive.waitForHead());

    QCOMPARE(callAs(port, ana, "POST", "/api/v2/conversations/dev/typing").status, 204);
    QCOMPARE(callAs(port, ana, "POST", dmTyping).status, 204);
    // Cy may not: 403 for a channel not joined, 404 for another pair's DM (it does not exist).
    const Response notJoined = callAs(port, cy, "POST", "/api/v2/conversations/dev/typing");
    QCOMPARE(notJoined.status, 403);
    QCOMPARE(notJoined.errorCode(), QStringLiteral("not_a_member"));
    const Response hidden = callAs(port, cy, "POST", dmTyping);
    QCOMPARE(hidden.status, 404);
    QCOMPARE(hidden.errorCode(), QStringLiteral("unknown_conversation"));
    barrier(port, ana, {&boLive, &cyLive}, QStringLiteral("after-typing"));

    const auto boTyping = boLive.eventsOfType(QStringLiteral("typing"));
    QCOMPARE(boTyping.size(), size_t(2)); // dev and the DM: the throttle is per conversation
    QCOMPARE(conversationOf(boTyping.at(0)), QStringLiteral("dev"));
    QCOMPARE(conversationOf(boTyping.at(1)), dmId);
    for (const auto &event : boTyping) {
        QCOMPARE(memberOf(event).value(QLatin1StringView("name")).toString(),
                 QStringLiteral("Ana"));
        QVERIFY(!dataOf(event).contains(QLatin1StringView("id")));
    }
    QVERIFY(cyLive.eventsOfType(QStringLiteral("typing")).empty());
}

void TestHubV2::typingIsRateLimitedApartFromMessages()
{
    HubSettings settings;
    settings.messagesPerSecond = 0.01; // no refill within the test
    settings.messageBurst = 2;
    settings.typingIntervalMs = 0;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/conversations/lobby/typing").status, 204);
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/conversations/lobby/typing").status, 204);
    const Response limited = callAs(port, ana, "POST", "/api/v2/conversations/lobby/typing");
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("rate_limited"));
    QVERIFY(!limited.header("retry-after").isEmpty());
    // Typing spent none of the message budget.
    QCOMPARE(callAs(port, ana, "POST", messagesPath(QStringLiteral("lobby")),
                    messageBody(QStringLiteral("one"), QStringLiteral("c1")))
                 .status,
             201);
    QCOMPARE(callAs(port, ana, "POST", messagesPath(QStringLiteral("lobby")),
                    messageBody(QStringLiteral("two"), QStringLiteral("c2")))
                 .status,
             201);
}

void TestHubV2::presenceIsHubWideOnMemberStreams()
{
    HubSettings settings = unlimitedRate();
    settings.offlineGraceMs = 300;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const Session cy = signIn(port, QStringLiteral("Cy"));
    // Ana and Bo share no channel but lobby; Bo leaves it, so presence cannot come through it.
    QCOMPARE(callAs(port, bo, "DELETE", "/api/v2/channels/lobby/members/me").status, 204);
    StreamReader anaLive(port, memberStream(ana));
    QVERIFY(anaLive.waitForHead());

    const auto presenceOf = [&](const QString &name, const QString &state) {
        std::vector<QJsonObject> found;
        for (const auto &event : anaLive.eventsOfType(QStringLiteral("presence"))) {
            const QJsonObject data = dataOf(event);
            if (memberOf(event).value(QLatin1StringView("name")).toString() == name
                && data.value(QLatin1StringView("state")).toString() == state
                && !data.contains(QLatin1StringView("conversation")))
                found.push_back(data);
        }
        return found;
    };

    {
        auto boLive = std::make_unique<StreamReader>(port, memberStream(bo));
        QVERIFY(boLive->waitForHead());
        QTRY_COMPARE_WITH_TIMEOUT(presenceOf(QStringLiteral("Bo"), QStringLiteral("online")).size(),
                                  size_t(1), WaitMs);
        const QJsonObject online
            = presenceOf(QStringLiteral("Bo"), QStringLiteral("online")).front();
        QVERIFY(!online.contains(QLatin1StringView("id")));
        QVERIFY(!online.contains(QLatin1StringView("room")));
        QVERIFY(online.value(QLatin1StringView("ts")).toDouble() > 0);
        QCOMPARE(memberOf(anaLive.eventsOfType(QStringLiteral("presence")).back())
                     .value(QLatin1StringView("id"))
                     .toString(),
                 bo.memberId);
        // A second device of Bo's: still one online.
        StreamReader boPhone(port, memberStream(bo));
        QVERIFY(boPhone.waitForHead());
        boPhone.socket()->abort();
    }
    // Bo's last stream closed: offline after the grace.
    QTRY_COMPARE_WITH_TIMEOUT(presenceOf(QStringLiteral("Bo"), QStringLiteral("offline")).size(),
                              size_t(1), WaitMs);
    QCOMPARE(presenceOf(QStringLiteral("Bo"), QStringLiteral("online")).size(), size_t(1));

    // An API v1 stream counts as well.
    StreamReader cyRoom(port, StreamReader::Options {cy.token});
    QVERIFY(cyRoom.waitForHead());
    QTRY_COMPARE_WITH_TIMEOUT(presenceOf(QStringLiteral("Cy"), QStringLiteral("online")).size(),
                              size_t(1), WaitMs);
    // Signing out is offline at once (well within the grace).
    QCOMPARE(callAs(port, cy, "DELETE", "/api/v1/session").status, 204);
    QTRY_COMPARE_WITH_TIMEOUT(presenceOf(QStringLiteral("Cy"), QStringLiteral("offline")).size(),
                              size_t(1), WaitMs);
}

void TestHubV2::membershipEventsGoToTheMemberAlone()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const Session cy = signInToHub(port, QStringLiteral("Cy"));
    StreamReader anaLive(port, memberStream(ana));
    StreamReader boLive(port, memberStream(bo));
    StreamReader cyLive(port, memberStream(cy));
    QVERIFY(anaLive.waitForHead() && boLive.waitForHead() && cyLive.waitForHead());

    QCOMPARE(callAs(port, ana, "POST", "/api/v2/channels", R"({"id":"dev","title":"Dev"})").status,
             201);
    QCOMPARE(callAs(port, bo, "PUT", "/api/v2/channels/dev/members/me").status, 200);
    QCOMPARE(callAs(port, bo, "DELETE", "/api/v2/channels/dev/members/me").status, 204);
    const Response dm
        = callAs(port, ana, "POST", "/api/v2/dms", json({{QStringLiteral("member"), bo.memberId}}));
    QCOMPARE(dm.status, 201);
    const QString dmId = dm.json().value(QLatin1StringView("id")).toString();
    // Opening it again adds nothing.
    QCOMPARE(
        callAs(port, bo, "POST", "/api/v2/dms", json({{QStringLiteral("member"), ana.memberId}}))
            .status,
        200);
    barrier(port, ana, {&anaLive, &boLive, &cyLive}, QStringLiteral("after-membership"));

    // Ana: dev (created, so joined), then the DM titled with Bo's name.
    const auto anaAdded = anaLive.eventsOfType(QStringLiteral("conversation_added"));
    QCOMPARE(anaAdded.size(), size_t(2));
    QJsonObject dev = addedConversation(anaAdded.at(0));
    // As the conversation list shows it, but with the newest id at the time (Ana's join).
    QJsonObject listed
        = conversationIn(callAs(port, ana, "GET", "/api/v2/conversations"), QStringLiteral("dev"));
    QVERIFY(dev.value(QLatin1StringView("lastEventId")).toInt() > 0);
    QVERIFY(dev.value(QLatin1StringView("lastEventId")).toInt()
            < listed.value(QLatin1StringView("lastEventId")).toInt());
    dev.remove(QStringLiteral("lastEventId"));
    listed.remove(QStringLiteral("lastEventId"));
    QCOMPARE(dev, listed);
    QCOMPARE(dev.value(QLatin1StringView("kind")).toString(), QStringLiteral("channel"));
    QCOMPARE(dev.value(QLatin1StringView("title")).toString(), QStringLiteral("Dev"));
    const QJsonObject anaDm = addedConversation(anaAdded.at(1));
    QCOMPARE(anaDm.value(QLatin1StringView("id")).toString(), dmId);
    QCOMPARE(anaDm.value(QLatin1StringView("title")).toString(), QStringLiteral("Bo"));
    QCOMPARE(
        anaDm.value(QLatin1StringView("with")).toObject().value(QLatin1StringView("id")).toString(),
        bo.memberId);
    QVERIFY(anaLive.eventsOfType(QStringLiteral("conversation_removed")).empty());

    // Bo: dev joined, dev left, the DM titled with Ana's name.
    const auto boAdded = boLive.eventsOfType(QStringLiteral("conversation_added"));
    QCOMPARE(boAdded.size(), size_t(2));
    QCOMPARE(addedConversation(boAdded.at(0)).value(QLatin1StringView("id")).toString(),
             QStringLiteral("dev"));
    QCOMPARE(addedConversation(boAdded.at(1)).value(QLatin1StringView("title")).toString(),
             QStringLiteral("Ana"));
    const auto boRemoved = boLive.eventsOfType(QStringLiteral("conversation_removed"));
    QCOMPARE(boRemoved.size(), size_t(1));
    QCOMPARE(dataOf(boRemoved.front()),
             (QJsonObject {{QStringLiteral("conversation"), QStringLiteral("dev")}}));

    // Cy, a third member, is told of none of it: not the channel, not the pair's DM.
    QVERIFY(cyLive.eventsOfType(QStringLiteral("conversation_added")).empty());
    QVERIFY(cyLive.eventsOfType(QStringLiteral("conversation_removed")).empty());
    for (const SseParser::Event &event : cyLive.events())
        QVERIFY2(!event.data.contains(dmId), qPrintable(event.data));

    // Ephemeral: a replay from the start carries no membership event.
    StreamReader boReplay(port, memberStream(bo, QByteArrayLiteral("0")));
    QVERIFY(boReplay.waitForEvents(1));
    QTest::qWait(200);
    QVERIFY(boReplay.eventsOfType(QStringLiteral("conversation_added")).empty());
}

void TestHubV2::resetForAnotherHubOrTheFuture()
{
    HubFixture hubA(unlimitedRate());
    HubFixture hubB(unlimitedRate());
    QVERIFY(hubA.started() && hubB.started());
    const quint16 port = hubA.port();
    const Response signedIn = call(port, "POST", "/api/v2/session", R"({"name":"Ana"})");
    QCOMPARE(signedIn.status, 201);
    const QString instanceA = signedIn.json().value(QLatin1StringView("hubInstance")).toString();
    QCOMPARE(instanceA.size(), 16);
    QCOMPARE(
        call(port, "GET", "/healthz").json().value(QLatin1StringView("hubInstance")).toString(),
        instanceA);
    const QString instanceB = call(hubB.port(), "GET", "/healthz")
                                  .json()
                                  .value(QLatin1StringView("hubInstance"))
                                  .toString();
    QCOMPARE(instanceB.size(), 16);
    QVERIFY(instanceA != instanceB);

    const Session ana {signedIn.json().value(QLatin1StringView("token")).toString().toUtf8(),
                       QString(), QStringLiteral("Ana")};
    // A token is one hub's: another hub does not know it at all.
    QCOMPARE(callAs(hubB.port(), ana, "GET", "/api/v2/conversations").status, 401);
    const qint64 first = idOf(callAs(port, ana, "POST", messagesPath(QStringLiteral("lobby")),
                                     messageBody(QStringLiteral("one"), QStringLiteral("c1"))));
    const qint64 newest = idOf(callAs(port, ana, "POST", messagesPath(QStringLiteral("lobby")),
                                      messageBody(QStringLiteral("two"), QStringLiteral("c2"))));
    QVERIFY(first > 0 && newest > first);

    const auto resumeFrom = [&](qint64 after, const QString &instance) {
        StreamReader::Options options = memberStream(ana, QByteArray::number(after));
        if (!instance.isEmpty())
            options.path += "?hubInstance=" + instance.toUtf8();
        return std::make_unique<StreamReader>(port, options);
    };
    const auto firstEventOf = [](StreamReader &reader) {
        return reader.waitForEvents(1) ? reader.events().front() : SseParser::Event {};
    };

    // Named as this hub: the missed message. Not named (an older client): the same.
    for (const QString &instance : {instanceA, QString()}) {
        auto resumed = resumeFrom(first, instance);
        const SseParser::Event event = firstEventOf(*resumed);
        QCOMPARE(event.type, QStringLiteral("message"));
        QCOMPARE(event.lastEventId.toLongLong(), newest);
    }
    // Another hub's id, even one this hub has handed out too: reset, then live.
    auto other = resumeFrom(first, instanceB);
    const SseParser::Event reset = firstEventOf(*other);
    QCOMPARE(reset.type, QStringLiteral("reset"));
    QCOMPARE(dataOf(reset).value(QLatin1StringView("reason")).toString(),
             QStringLiteral("other_hub"));
    QCOMPARE(qint64(dataOf(reset).value(QLatin1StringView("lastId")).toDouble()), newest);
    QCOMPARE(callAs(port, ana, "POST", messagesPath(QStringLiteral("lobby")),
                    messageBody(QStringLiteral("live"), QStringLiteral("c3")))
                 .status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(other->eventsOfType(QStringLiteral("message")).size(), size_t(1),
                              WaitMs);
    QCOMPARE(other->eventsOfType(QStringLiteral("reset")).size(), size_t(1));

    // From the future: one past the hub's newest id is a reset; the newest itself is not.
    const qint64 live = newest + 1;
    auto ahead = resumeFrom(live + 1, instanceA);
    const SseParser::Event aheadReset = firstEventOf(*ahead);
    QCOMPARE(aheadReset.type, QStringLiteral("reset"));
    QCOMPARE(dataOf(aheadReset).value(QLatin1StringView("reason")).toString(),
             QStringLiteral("ahead_of_room"));
    auto upToDate = resumeFrom(live, instanceA);
    QVERIFY(upToDate->waitForHead());
    QTest::qWait(200);
    QVERIFY(upToDate->eventsOfType(QStringLiteral("reset")).empty());

    // The instance names the data, so it survives a restart.
    QVERIFY(hubA.restart());
    QCOMPARE(call(hubA.port(), "GET", "/healthz")
                 .json()
                 .value(QLatin1StringView("hubInstance"))
                 .toString(),
             instanceA);
}

void TestHubV2::replayLeavesOutWhatCameBeforeAJoin()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const qint64 seen = idOf(callAs(port, ana, "POST", messagesPath(QStringLiteral("lobby")),
                                    messageBody(QStringLiteral("seen"), QStringLiteral("a1"))));
    QCOMPARE(callAs(port, bo, "POST", "/api/v2/channels", R"({"id":"dev","title":"Dev"})").status,
             201);
    QVERIFY(idOf(callAs(port, bo, "POST", messagesPath(QStringLiteral("dev")),
                        messageBody(QStringLiteral("before Ana"), QStringLiteral("b1"))))
            > seen);
    QCOMPARE(callAs(port, ana, "PUT", "/api/v2/channels/dev/members/me").status, 200);
    QVERIFY(idOf(callAs(port, bo, "POST", messagesPath(QStringLiteral("dev")),
                        messageBody(QStringLiteral("after Ana"), QStringLiteral("b2"))))
            > seen);

    // Ana resumes from before she joined: her join and what followed, not dev's earlier history
    // (that she reads by paging).
    StreamReader resumed(port, memberStream(ana, QByteArray::number(seen)));
    QVERIFY(resumed.waitForEvents(2));
    QTest::qWait(200);
    QStringList texts;
    for (const SseParser::Event &event : resumed.eventsOfType(QStringLiteral("message")))
        texts.append(dataOf(event).value(QLatin1StringView("text")).toString());
    QCOMPARE(texts, QStringList {QStringLiteral("after Ana")});
    QCOMPARE(historySize(port, ana, QStringLiteral("dev")), 4); // join, message, join, message
}

QTEST_GUILESS_MAIN(TestHubV2)
#include "tst_hubv2.moc"
