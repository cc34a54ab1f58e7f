// The REST bodies of common/restapi.h: what the hub writes, HubApi reads back unchanged, and
// request readers refuse what the protocol does not allow.

#include "protocol.h"
#include "restapi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace confab;

namespace {
QJsonObject parse(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}
} // namespace

class TestRestApi : public QObject
{
    Q_OBJECT
private slots:
    void sessionRequestOptionalFields();
    void sessionRequestRefusesWrongTypes_data();
    void sessionRequestRefusesWrongTypes();
    void sessionInfoRoundTrip();
    void messageRequestAndAnswer();
    void historyPageCarriesStreamEvents();
    void memberAndRoomLists();
    void errorBodyShape();
    void v2Bodies();
    void v2EventsNameTheirConversation();
    void v2MemberDirectory();
    void v2MembershipEvents();
    void v2MembershipEventsRefuseMalformed_data();
    void v2MembershipEventsRefuseMalformed();
    void v2TypingAndHubWidePresence();
};

void TestRestApi::sessionRequestOptionalFields()
{
    const auto bare = SessionRequest::fromJson(parse(R"({"name":"Ana"})"));
    QVERIFY(bare);
    QCOMPARE(bare->name, QStringLiteral("Ana"));
    QVERIFY(!bare->password);
    QVERIFY(!bare->room);
    // An empty room is sent and read as given (the hub answers unknown_room), not as "absent".
    const auto full = SessionRequest::fromJson(parse(R"({"name":"Bo","password":"p","room":""})"));
    QVERIFY(full);
    QCOMPARE(full->password.value_or(QStringLiteral("?")), QStringLiteral("p"));
    QVERIFY(full->room && full->room->isEmpty());
    QCOMPARE(SessionRequest::fromJson(full->toJson())->toJson(), full->toJson());
    const SessionRequest bareRequest {QStringLiteral("Cy"), std::nullopt, std::nullopt};
    QVERIFY(!bareRequest.toJson().contains(QLatin1StringView("room")));
}

void TestRestApi::sessionRequestRefusesWrongTypes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("no name") << QByteArray(R"({"password":"x"})");
    QTest::newRow("number name") << QByteArray(R"({"name":42})");
    QTest::newRow("number password") << QByteArray(R"({"name":"a","password":1})");
    QTest::newRow("null room") << QByteArray(R"({"name":"a","room":null})");
}

void TestRestApi::sessionRequestRefusesWrongTypes()
{
    QFETCH(QByteArray, json);
    QVERIFY(!SessionRequest::fromJson(QJsonDocument::fromJson(json).object()));
}

void TestRestApi::sessionInfoRoundTrip()
{
    const SessionInfo info {QStringLiteral("tok"),
                            Member {QStringLiteral("m_1"), QStringLiteral("安娜")},
                            QStringLiteral("lobby"), QStringLiteral("Lab 3")};
    const auto back = SessionInfo::fromJson(info.toJson());
    QVERIFY(back);
    QCOMPARE(back->token, info.token);
    QCOMPARE(back->member, info.member);
    QCOMPARE(back->roomId, info.roomId);
    QCOMPARE(back->roomTitle, info.roomTitle);
    QVERIFY(!SessionInfo::fromJson(parse(R"({"member":{"id":"m_1","name":"A"}})")));
    QVERIFY(!SessionInfo::fromJson(parse(R"({"token":"t"})")));
}

void TestRestApi::messageRequestAndAnswer()
{
    const auto request = MessageRequest::fromJson(parse(R"({"text":"hi\nthere"})"));
    QVERIFY(request);
    QCOMPARE(request->text, QStringLiteral("hi\nthere"));
    QVERIFY(request->clientId.isEmpty());
    QVERIFY(!MessageRequest::fromJson(parse(R"({"text":1})")));
    QVERIFY(!MessageRequest::fromJson(parse(R"({"text":"x","clientId":7})")));

    const PostedMessage posted {42, 1700000000000};
    QCOMPARE(posted.toJson(), parse(R"({"id":42,"ts":1700000000000})"));
    const auto back = PostedMessage::fromJson(posted.toJson());
    QVERIFY(back);
    QCOMPARE(back->id, posted.id);
    QCOMPARE(back->ts, posted.ts);
    QVERIFY(!PostedMessage::fromJson(parse(R"({"ts":5})")));
}

void TestRestApi::historyPageCarriesStreamEvents()
{
    const Member ana {QStringLiteral("m_1"), QStringLiteral("Ana")};
    HistoryPage page;
    page.hasMore = true;
    page.events.push_back(PresenceEvent {PresenceState::Join, ana, QStringLiteral("lobby"), 1, 10});
    page.events.push_back(MessageEvent {2, QStringLiteral("lobby"), ana, QStringLiteral("你好"), 11,
                                        QStringLiteral("c")});
    const QJsonObject json = page.toJson();
    const QJsonArray events = json.value(QLatin1StringView("events")).toArray();
    QCOMPARE(events.size(), 2);
    // Each `data` is exactly what the stream carries for that event.
    const WireEvent wire = toWire(page.events[1]);
    QCOMPARE(events[1].toObject().value(QLatin1StringView("type")).toString(),
             QString::fromLatin1(wire.type));
    QCOMPARE(events[1].toObject().value(QLatin1StringView("data")).toObject(),
             QJsonDocument::fromJson(wire.data).object());

    // A newer hub's unknown event kinds are skipped, not fatal.
    QJsonObject withUnknown = json;
    QJsonArray more = events;
    more.append(QJsonObject {{QStringLiteral("type"), QStringLiteral("call_ring")},
                             {QStringLiteral("data"), QJsonObject {}}});
    withUnknown.insert(QStringLiteral("events"), more);
    const auto back = HistoryPage::fromJson(withUnknown);
    QVERIFY(back);
    QVERIFY(back->hasMore);
    QCOMPARE(back->events.size(), size_t(2));
    const auto *message = std::get_if<MessageEvent>(&back->events[1]);
    QVERIFY(message);
    QCOMPARE(message->text, QStringLiteral("你好"));
    QCOMPARE(message->id, qint64(2));
}

void TestRestApi::memberAndRoomLists()
{
    const std::vector<MemberInfo> members {
        {Member {QStringLiteral("m_1"), QStringLiteral("Ana")}, true},
        {Member {QStringLiteral("m_2"), QStringLiteral("Bo")}, false}};
    const auto membersBack = memberListFromJson(memberListToJson(members));
    QVERIFY(membersBack);
    QCOMPARE(membersBack->size(), size_t(2));
    QCOMPARE(membersBack->at(0).member, members[0].member);
    QVERIFY(membersBack->at(0).online);
    QVERIFY(!membersBack->at(1).online);

    const std::vector<RoomInfo> rooms {
        {QStringLiteral("lobby"), QStringLiteral("Lobby"), 3, 2, true}};
    const QJsonObject json = roomListToJson(rooms);
    QCOMPARE(
        json,
        parse(
            R"({"rooms":[{"id":"lobby","title":"Lobby","members":3,"online":2,"locked":true}]})"));
    const auto roomsBack = roomListFromJson(json);
    QVERIFY(roomsBack);
    QCOMPARE(roomsBack->at(0).members, 3);
    QCOMPARE(roomsBack->at(0).online, 2);
    QVERIFY(roomsBack->at(0).locked);
}

void TestRestApi::errorBodyShape()
{
    const ErrorBody error {QLatin1StringView(protocol::error::TextTooLong), QStringLiteral("long")};
    QCOMPARE(error.toJson(), parse(R"({"error":{"code":"text_too_long","message":"long"}})"));
    const auto back = ErrorBody::fromJson(error.toJson());
    QVERIFY(back);
    QCOMPARE(back->code, error.code);
    QCOMPARE(back->message, error.message);
    QVERIFY(!ErrorBody::fromJson(parse(R"({"error":"text"})")));
}

void TestRestApi::v2Bodies()
{
    const auto channel = ChannelRequest::fromJson(parse(R"({"title":"Lab"})"));
    QVERIFY(channel);
    QVERIFY(channel->id.isEmpty());
    QCOMPARE(ChannelRequest::fromJson(channel->toJson())->title, QStringLiteral("Lab"));
    QVERIFY(!ChannelRequest::fromJson(parse(R"({"id":"x"})")));
    QVERIFY(!ChannelRequest::fromJson(parse(R"({"title":"x","topic":3})")));
    QVERIFY(!DmRequest::fromJson(parse(R"({"member":1})")));
    QVERIFY(!ReadRequest::fromJson(parse(R"({"upTo":"5"})")));
    QVERIFY(!ReadRequest::fromJson(parse(R"({"upTo":-1})")));
    QCOMPARE(ReadRequest::fromJson(parse(R"({"upTo":5})"))->upTo, qint64(5));

    ConversationInfo dm;
    dm.id = QStringLiteral("dm:m_1:m_2");
    dm.kind = QString::fromLatin1(protocol::KindDm);
    dm.title = QStringLiteral("博");
    dm.lastEventId = 9;
    dm.unread = 2;
    dm.mentions = 1;
    dm.with = Member {QStringLiteral("m_2"), QStringLiteral("博")};
    const auto list = conversationListFromJson(conversationListToJson({dm}));
    QVERIFY(list && list->size() == 1);
    QCOMPARE(list->front().id, dm.id);
    QCOMPARE(list->front().lastEventId, qint64(9));
    QCOMPARE(list->front().unread, 2);
    QCOMPARE(list->front().mentions, 1);
    QVERIFY(list->front().with == dm.with);

    const HubSession session {QStringLiteral("t"),
                              Member {QStringLiteral("m_1"), QStringLiteral("A")},
                              QStringLiteral("00c0ffee00c0ffee")};
    QCOMPARE(HubSession::fromJson(session.toJson())->member, session.member);
    QCOMPARE(HubSession::fromJson(session.toJson())->hubInstance, session.hubInstance);
    QVERIFY(!session.toJson().contains(QLatin1StringView("room")));
    // An older hub's answer has no instance: read as empty, and not written when empty.
    QVERIFY(HubSession::fromJson(parse(R"({"token":"t","member":{"id":"m_1","name":"A"}})"))
                ->hubInstance.isEmpty());
    const HealthInfo health {QStringLiteral("ok"), QStringLiteral("1"), 1, 4000, QString()};
    QVERIFY(!health.toJson().contains(QLatin1StringView("hubInstance")));
}

void TestRestApi::v2EventsNameTheirConversation()
{
    const MessageEvent message {7,
                                QStringLiteral("dev"),
                                Member {QStringLiteral("m_1"), QStringLiteral("A")},
                                QStringLiteral("x"),
                                1,
                                {}};
    const JsonEvent json = toJsonEvent(message);
    QCOMPARE(json.data.value(QLatin1StringView("conversation")).toString(), QStringLiteral("dev"));
    QCOMPARE(json.data.value(QLatin1StringView("room")).toString(), QStringLiteral("dev"));
    // A reader that only knows `conversation` still places the event.
    QJsonObject onlyConversation = json.data;
    onlyConversation.remove(QStringLiteral("room"));
    const auto back = fromJsonEvent(u"message", onlyConversation);
    QVERIFY(back);
    QCOMPARE(std::get<MessageEvent>(*back).room, QStringLiteral("dev"));

    const WireEvent read = toWire(ReadEvent {QStringLiteral("dev"), 7});
    QCOMPARE(read.type, QByteArrayLiteral("read"));
    QCOMPARE(read.id, qint64(0));
    const auto readBack = fromWire(u"read", QString::fromUtf8(read.data));
    QVERIFY(readBack);
    QCOMPARE(std::get<ReadEvent>(*readBack).upTo, qint64(7));
    QCOMPARE(std::get<ReadEvent>(*readBack).conversation, QStringLiteral("dev"));
}

void TestRestApi::v2MemberDirectory()
{
    // GET /api/v2/members has exactly this shape (the hub sorts by name).
    const std::vector<MemberInfo> members {
        {Member {QStringLiteral("m_2"), QStringLiteral("Ana")}, true},
        {Member {QStringLiteral("m_1"), QStringLiteral("张")}, false}};
    const QJsonObject json = memberListToJson(members);
    QCOMPARE(json,
             parse(R"({"members":[{"id":"m_2","name":"Ana","online":true},)"
                   R"({"id":"m_1","name":"\u5f20","online":false}]})"));
    const auto back = memberListFromJson(json);
    QVERIFY(back && back->size() == 2);
    QCOMPARE(back->at(1).member.name, QStringLiteral("张"));
    QVERIFY(!back->at(1).online);
}

void TestRestApi::v2MembershipEvents()
{
    ConversationInfo dm;
    dm.id = QStringLiteral("dm:m_1:m_2");
    dm.kind = QString::fromLatin1(protocol::KindDm);
    dm.title = QStringLiteral("Bo");
    dm.lastEventId = 12;
    dm.with = Member {QStringLiteral("m_2"), QStringLiteral("Bo")};
    const WireEvent added = toWire(ConversationAddedEvent {dm});
    QCOMPARE(added.type, QByteArrayLiteral("conversation_added"));
    QCOMPARE(added.id, qint64(0)); // ephemeral: never replayed
    // The data's `conversation` is the very object GET /api/v2/conversations lists.
    const QJsonObject expected {{QStringLiteral("conversation"), dm.toJson()}};
    QCOMPARE(toJsonEvent(ConversationAddedEvent {dm}).data, expected);
    const auto addedBack = fromWire(u"conversation_added", QString::fromUtf8(added.data));
    QVERIFY(addedBack);
    const auto &info = std::get<ConversationAddedEvent>(*addedBack).conversation;
    QCOMPARE(info.id, dm.id);
    QCOMPARE(info.kind, dm.kind);
    QCOMPARE(info.title, dm.title);
    QCOMPARE(info.lastEventId, qint64(12));
    QVERIFY(info.with == dm.with);
    QCOMPARE(eventSequence(*addedBack), qint64(0));

    const WireEvent removed = toWire(ConversationRemovedEvent {QStringLiteral("dev")});
    QCOMPARE(removed.type, QByteArrayLiteral("conversation_removed"));
    QCOMPARE(removed.data, QByteArrayLiteral(R"({"conversation":"dev"})"));
    const auto removedBack = fromWire(u"conversation_removed", QString::fromUtf8(removed.data));
    QVERIFY(removedBack);
    QCOMPARE(std::get<ConversationRemovedEvent>(*removedBack).conversation, QStringLiteral("dev"));
}

void TestRestApi::v2MembershipEventsRefuseMalformed_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("added without conversation")
        << QStringLiteral("conversation_added") << QByteArray(R"({})");
    QTest::newRow("added with an id only")
        << QStringLiteral("conversation_added") << QByteArray(R"({"conversation":"dev"})");
    QTest::newRow("added without kind")
        << QStringLiteral("conversation_added") << QByteArray(R"({"conversation":{"id":"dev"}})");
    QTest::newRow("removed without conversation")
        << QStringLiteral("conversation_removed") << QByteArray(R"({"room":""})");
    QTest::newRow("removed with an object")
        << QStringLiteral("conversation_removed") << QByteArray(R"({"conversation":{"id":"dev"}})");
}

void TestRestApi::v2MembershipEventsRefuseMalformed()
{
    QFETCH(QString, type);
    QFETCH(QByteArray, json);
    QVERIFY(!fromWire(type, QString::fromUtf8(json)));
}

void TestRestApi::v2TypingAndHubWidePresence()
{
    const Member bo {QStringLiteral("m_2"), QStringLiteral("Bo")};
    // typing names its conversation under both names (v1 readers know `room`).
    const JsonEvent typing = toJsonEvent(TypingEvent {bo, QStringLiteral("dm:m_1:m_2")});
    QCOMPARE(typing.data,
             parse(R"({"member":{"id":"m_2","name":"Bo"},"conversation":"dm:m_1:m_2",)"
                   R"("room":"dm:m_1:m_2"})"));
    QCOMPARE(typing.id, qint64(0));

    // Hub-wide online/offline on member streams names no conversation at all.
    const JsonEvent online
        = toJsonEvent(PresenceEvent {PresenceState::Online, bo, QString(), 0, 1700000000000});
    QCOMPARE(online.data,
             parse(R"({"state":"online","member":{"id":"m_2","name":"Bo"},"ts":1700000000000})"));
    QCOMPARE(online.id, qint64(0));
    const auto back = fromJsonEvent(u"presence", online.data);
    QVERIFY(back);
    QCOMPARE(int(std::get<PresenceEvent>(*back).state), int(PresenceState::Online));
    QVERIFY(std::get<PresenceEvent>(*back).room.isEmpty());
    // A v1 room's online event still names its room.
    const JsonEvent roomOnline
        = toJsonEvent(PresenceEvent {PresenceState::Offline, bo, QStringLiteral("lobby"), 0, 1});
    QCOMPARE(roomOnline.data.value(QLatin1StringView("room")).toString(), QStringLiteral("lobby"));
}

QTEST_GUILESS_MAIN(TestRestApi)
#include "tst_restapi.moc"
