// The wire format both ends share: chat events through their JSON, through SSE framing and back
// through the parser; the SSE writer's framing rules; the LAN beacon's encode/decode.

#include "beacon.h"
#include "chatevent.h"
#include "protocol.h"
#include "sseparser.h"
#include "ssewriter.h"

#include <QJsonDocument>
#include <QTest>

using namespace confab;

namespace {

// Frames the event as the hub does, parses it as a client does, and decodes the result.
std::optional<ChatEvent> throughTheWire(const ChatEvent &event, QString *lastEventId = nullptr)
{
    SseParser parser;
    std::optional<ChatEvent> result;
    int dispatched = 0;
    parser.setEventSink([&](const SseParser::Event &parsed) {
        ++dispatched;
        result = fromWire(parsed.type, parsed.data);
        if (lastEventId)
            *lastEventId = parsed.lastEventId;
    });
    parser.feed(sse::frame(toWire(event)));
    return dispatched == 1 ? result : std::nullopt;
}

MessageEvent sampleMessage()
{
    MessageEvent message;
    message.id = 42;
    message.room = QStringLiteral("lobby");
    message.from = {QStringLiteral("m_1"), QStringLiteral("Ana")};
    // Line breaks, quotes, markup and non-ASCII must all survive the trip untouched.
    message.text
        = QString::fromUtf8("hi\nthere \"you\" <b>&amp;</b> \xC3\xA9\xF0\x9F\x98\x80\r\nend");
    message.ts = 1700000000123;
    message.clientId = QStringLiteral("c-abc");
    return message;
}

} // namespace

class TestWireFormat : public QObject
{
    Q_OBJECT
private slots:
    void messageFastWriterMatchesQJson_data();
    void messageFastWriterMatchesQJson();
    void messageRoundTrip();
    void presenceRoundTrip_data();
    void presenceRoundTrip();
    void typingResetByeRoundTrip();
    void malformedEventsAreRejected_data();
    void malformedEventsAreRejected();
    void frameSplitsMultiLineData();
    void frameLeavesOutIdForEphemeralEvents();
    void retryAndComment();
    void beaconRoundTrip();
    void beaconQuery();
    void beaconRejectsForeignDatagrams_data();
    void beaconRejectsForeignDatagrams();
};

void TestWireFormat::messageFastWriterMatchesQJson_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("name");
    QTest::addColumn<qint64>("edited");
    QTest::addColumn<bool>("deleted");
    QTest::newRow("plain") << QStringLiteral("hello") << QStringLiteral("Ana") << qint64(0)
                           << false;
    QTest::newRow("quotes and backslashes") << QStringLiteral("say \"hi\" \\o/ </script>")
                                            << QStringLiteral("A\"b\\") << qint64(0) << false;
    QTest::newRow("control characters") << QString::fromUtf8("a\b\f\n\r\tz\x01\x1f\x7f")
                                        << QStringLiteral("x\ny") << qint64(0) << false;
    QTest::newRow("non-ASCII") << QStringLiteral("张三 — ok 😀 \u2028\u2029 \u00e9")
                               << QStringLiteral("博") << qint64(0) << false;
    QTest::newRow("lone surrogate") << (QStringLiteral("a") + QChar(0xD800) + QStringLiteral("b"))
                                    << QStringLiteral("n") << qint64(0) << false;
    QTest::newRow("lone low and trailing high surrogates")
        << (QChar(0xDC00) + QStringLiteral("x😀") + QChar(0xDBFF)) << QStringLiteral("n")
        << qint64(0) << false;
    QTest::newRow("edited") << QStringLiteral("new") << QStringLiteral("Bo")
                            << qint64(1700000000123) << false;
    QTest::newRow("deleted") << QString() << QStringLiteral("Bo") << qint64(1700000000123) << true;
}

void TestWireFormat::messageFastWriterMatchesQJson()
{
    QFETCH(QString, text);
    QFETCH(QString, name);
    QFETCH(qint64, edited);
    QFETCH(bool, deleted);
    MessageEvent message {
        9007199254740991, QStringLiteral("dm:m_1:m_2"), Member {QStringLiteral("m_2"), name}, text,
        1700000000000,    QStringLiteral("c-\"1")};
    message.editedTs = edited;
    message.deleted = deleted;
    // The direct writer and QJsonDocument give the very same bytes, so both ends agree.
    QCOMPARE(messageToCompactJson(message),
             QJsonDocument(messageToJson(message)).toJson(QJsonDocument::Compact));
    QCOMPARE(toWire(message).data, messageToCompactJson(message));
    const auto back = fromWire(u"message", QString::fromUtf8(toWire(message).data));
    QVERIFY(back);
    QCOMPARE(std::get<MessageEvent>(*back).from.name, name);
}

void TestWireFormat::messageRoundTrip()
{
    const MessageEvent sent = sampleMessage();
    QString lastId;
    const auto received = throughTheWire(sent, &lastId);
    QVERIFY(received);
    const auto *message = std::get_if<MessageEvent>(&*received);
    QVERIFY(message);
    QCOMPARE(message->id, sent.id);
    QCOMPARE(message->room, sent.room);
    QCOMPARE(message->from, sent.from);
    QCOMPARE(message->text, sent.text);
    QCOMPARE(message->ts, sent.ts);
    QCOMPARE(message->clientId, sent.clientId);
    QCOMPARE(lastId, QStringLiteral("42"));
    QCOMPARE(eventSequence(*received), 42);
    // The data is one line of compact JSON, as the protocol promises.
    QVERIFY(!toWire(sent).data.contains('\n'));
}

void TestWireFormat::presenceRoundTrip_data()
{
    QTest::addColumn<int>("state");
    QTest::addColumn<qint64>("id");
    QTest::addColumn<qint64>("expectedSequence");
    QTest::newRow("join") << int(PresenceState::Join) << qint64(7) << qint64(7);
    QTest::newRow("leave") << int(PresenceState::Leave) << qint64(8) << qint64(8);
    // Ephemeral: an id set by mistake is not sent, the event stays out of history.
    QTest::newRow("online") << int(PresenceState::Online) << qint64(9) << qint64(0);
    QTest::newRow("offline") << int(PresenceState::Offline) << qint64(0) << qint64(0);
}

void TestWireFormat::presenceRoundTrip()
{
    QFETCH(int, state);
    QFETCH(qint64, id);
    QFETCH(qint64, expectedSequence);
    const PresenceEvent sent {PresenceState(state),
                              {QStringLiteral("m_2"), QStringLiteral("Bo")},
                              QStringLiteral("lobby"),
                              id,
                              1700000000000};
    QString lastId;
    const auto received = throughTheWire(sent, &lastId);
    QVERIFY(received);
    const auto *presence = std::get_if<PresenceEvent>(&*received);
    QVERIFY(presence);
    QCOMPARE(int(presence->state), state);
    QCOMPARE(presence->member, sent.member);
    QCOMPARE(presence->room, sent.room);
    QCOMPARE(presence->ts, sent.ts);
    QCOMPARE(presence->id, expectedSequence);
    QCOMPARE(eventSequence(*received), expectedSequence);
    QCOMPARE(lastId, expectedSequence ? QString::number(expectedSequence) : QString());
}

void TestWireFormat::typingResetByeRoundTrip()
{
    const Member bo {QStringLiteral("m_2"), QStringLiteral("Bo")};
    auto typing = throughTheWire(TypingEvent {bo, QStringLiteral("lobby")});
    QVERIFY(typing && std::holds_alternative<TypingEvent>(*typing));
    QCOMPARE(std::get<TypingEvent>(*typing).member, bo);
    QCOMPARE(std::get<TypingEvent>(*typing).room, QStringLiteral("lobby"));

    auto reset
        = throughTheWire(ResetEvent {QStringLiteral("lobby"), 99, QStringLiteral("too old")});
    QVERIFY(reset && std::holds_alternative<ResetEvent>(*reset));
    QCOMPARE(std::get<ResetEvent>(*reset).lastId, 99);
    QCOMPARE(std::get<ResetEvent>(*reset).reason, QStringLiteral("too old"));
    QCOMPARE(eventSequence(*reset), 0);

    auto bye = throughTheWire(ByeEvent {QStringLiteral("shutting down")});
    QVERIFY(bye && std::holds_alternative<ByeEvent>(*bye));
    QCOMPARE(std::get<ByeEvent>(*bye).reason, QStringLiteral("shutting down"));
}

void TestWireFormat::malformedEventsAreRejected_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("data");
    QTest::newRow("unknown type") << QStringLiteral("shout") << QStringLiteral("{}");
    QTest::newRow("not json") << QStringLiteral("message") << QStringLiteral("hello");
    QTest::newRow("json array") << QStringLiteral("message") << QStringLiteral("[1]");
    QTest::newRow("message without id")
        << QStringLiteral("message")
        << QStringLiteral(R"({"from":{"id":"m_1","name":"A"},"text":"x"})");
    QTest::newRow("message with string text missing")
        << QStringLiteral("message")
        << QStringLiteral(R"({"id":1,"from":{"id":"m_1","name":"A"}})");
    QTest::newRow("message without sender")
        << QStringLiteral("message") << QStringLiteral(R"({"id":1,"text":"x"})");
    QTest::newRow("presence with unknown state")
        << QStringLiteral("presence")
        << QStringLiteral(R"({"state":"dancing","member":{"id":"m_1","name":"A"}})");
    QTest::newRow("typing without member")
        << QStringLiteral("typing") << QStringLiteral(R"({"room":"x"})");
}

void TestWireFormat::malformedEventsAreRejected()
{
    QFETCH(QString, type);
    QFETCH(QString, data);
    QVERIFY(!fromWire(type, data));
}

void TestWireFormat::frameSplitsMultiLineData()
{
    const QByteArray framed = sse::frame({"note", "a\r\nb\rc\nd", 5});
    QCOMPARE(framed, QByteArray("id: 5\nevent: note\ndata: a\ndata: b\ndata: c\ndata: d\n\n"));
    SseParser parser;
    QString data;
    parser.setEventSink([&data](const SseParser::Event &event) { data = event.data; });
    parser.feed(framed);
    QCOMPARE(data, QStringLiteral("a\nb\nc\nd"));
}

void TestWireFormat::frameLeavesOutIdForEphemeralEvents()
{
    QCOMPARE(sse::frame({"typing", "{}", 0}), QByteArray("event: typing\ndata: {}\n\n"));
    // An empty payload still dispatches (one empty `data:` line).
    QCOMPARE(sse::frame({"x", "", 0}), QByteArray("event: x\ndata: \n\n"));
}

void TestWireFormat::retryAndComment()
{
    QCOMPARE(sse::retryField(3000), QByteArray("retry: 3000\n\n"));
    QCOMPARE(sse::comment("hb"), QByteArray(": hb\n\n"));
    SseParser parser;
    int dispatched = 0;
    parser.setEventSink([&dispatched](const SseParser::Event &) { ++dispatched; });
    parser.feed(QByteArray(sse::retryField(1234) + sse::comment("hb")));
    QCOMPARE(parser.reconnectionTimeMs(), std::optional<int>(1234));
    QCOMPARE(dispatched, 0);
}

void TestWireFormat::beaconRoundTrip()
{
    BeaconAnnounce sent;
    sent.roomId = QStringLiteral("lobby");
    sent.title = QString::fromUtf8("Lab 3 \xE2\x80\x94 caf\xC3\xA9");
    sent.host = QStringLiteral("ana-laptop");
    sent.url = QUrl(QStringLiteral("http://192.168.1.20:8848/"));
    sent.members = 3;
    sent.locked = true;
    sent.apiVersion = protocol::ApiVersion;
    sent.fingerprint = QString(64, QLatin1Char('a'));
    const QByteArray datagram = beacon::encodeAnnounce(sent);
    QVERIFY(datagram.size() <= protocol::BeaconMaxBytes);
    const auto received = beacon::decodeAnnounce(datagram);
    QVERIFY(received);
    QCOMPARE(*received, sent);
    QVERIFY(!beacon::isQuery(datagram));
    QVERIFY(datagram.contains("\"fp\":\""));
    // A hub without TLS sends no fingerprint at all.
    sent.fingerprint.clear();
    QVERIFY(!beacon::encodeAnnounce(sent).contains("fp"));
    QCOMPARE(beacon::decodeAnnounce(beacon::encodeAnnounce(sent))->fingerprint, QString());
    // The longest title and host name, and a fingerprint, still fit in one datagram.
    sent.fingerprint = QString(64, QLatin1Char('f'));
    sent.title = QString(64, QChar(0x4E2D));
    sent.host = QString(64, QChar(0x4E2D));
    QVERIFY(beacon::encodeAnnounce(sent).size() <= protocol::BeaconMaxBytes);

    // Over-long titles are cut so that the datagram stays small.
    sent.title = QString(500, QLatin1Char('t'));
    const auto trimmed = beacon::decodeAnnounce(beacon::encodeAnnounce(sent));
    QVERIFY(trimmed);
    QVERIFY(trimmed->title.size() < 100);
}

void TestWireFormat::beaconQuery()
{
    const QByteArray query = beacon::encodeQuery();
    QVERIFY(beacon::isQuery(query));
    QVERIFY(!beacon::decodeAnnounce(query));
}

void TestWireFormat::beaconRejectsForeignDatagrams_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not json") << QByteArray("hello");
    QTest::newRow("no confab key")
        << QByteArray(R"({"kind":"announce","room":"lobby","url":"http://10.0.0.1:8848/"})");
    QTest::newRow("ftp url") << QByteArray(
        R"({"confab":1,"kind":"announce","room":"lobby","url":"ftp://10.0.0.1/"})");
    QTest::newRow("no url") << QByteArray(R"({"confab":1,"kind":"announce","room":"lobby"})");
    QTest::newRow("url without host")
        << QByteArray(R"({"confab":1,"kind":"announce","room":"lobby","url":"http:///x"})");
    // A fingerprint is 64 hex digits or absent: a joiner pins the hub to it.
    QTest::newRow("short fingerprint") << QByteArray(
        R"({"confab":1,"kind":"announce","room":"lobby","url":"http://10.0.0.1/","fp":"abcd"})");
    QTest::newRow("fingerprint not hex") << QByteArray(
        R"({"confab":1,"kind":"announce","room":"lobby","url":"http://10.0.0.1/",)"
        R"("fp":"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"})");
    QTest::newRow("fingerprint not a string") << QByteArray(
        R"({"confab":1,"kind":"announce","room":"lobby","url":"http://10.0.0.1/","fp":7})");
    QByteArray oversized
        = R"({"confab":1,"kind":"announce","room":"lobby","url":"http://10.0.0.1/","title":")";
    oversized += QByteArray(protocol::BeaconMaxBytes, 'a') + "\"}";
    QTest::newRow("oversized") << oversized;
}

void TestWireFormat::beaconRejectsForeignDatagrams()
{
    QFETCH(QByteArray, datagram);
    QVERIFY(!beacon::decodeAnnounce(datagram));
    QVERIFY(!beacon::isQuery(datagram));
}

QTEST_APPLESS_MAIN(TestWireFormat)
#include "tst_wireformat.moc"
