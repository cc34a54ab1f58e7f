// The hub's HTTP API and event stream over real loopback sockets (docs/protocol.md).

#include "hubtestkit.h"
#include "store/sqlitechatstore.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace confab;
using namespace confab::test;

namespace {

QJsonObject dataOf(const SseParser::Event &event)
{
    return QJsonDocument::fromJson(event.data.toUtf8()).object();
}

QList<QPair<QByteArray, QByteArray>> bearer(const Session &session)
{
    return {qMakePair(QByteArrayLiteral("Authorization"), "Bearer " + session.token)};
}

HubSettings unlimitedRate()
{
    HubSettings settings;
    settings.messagesPerSecond = 0;
    return settings;
}

// One keep-alive connection that reads answers strictly by HTTP/1.1 framing: an answer to HEAD,
// a 1xx, 204 or 304 has no body whatever its headers say; any other needs a Content-Length. So a
// body where none belongs, or a wrong length, makes the next answer unreadable.
class KeepAliveClient
{
public:
    explicit KeepAliveClient(quint16 port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket,
                         [this] { m_buffer += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }
    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    // The next answer; `complete` is false when it did not arrive whole in time.
    Response next(bool toHead = false)
    {
        Response response;
        qsizetype headEnd = -1;
        if (!QTest::qWaitFor([&] { return (headEnd = m_buffer.indexOf("\r\n\r\n")) >= 0; }, WaitMs))
            return response;
        const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
        const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
        if (statusLine.size() < 2 || statusLine[0] != "HTTP/1.1")
            return response; // not an answer: stray bytes of the one before
        response.status = statusLine[1].toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                response.headers.append(
                    qMakePair(lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()));
        }
        qint64 length = 0;
        const bool bodyless
            = toHead || response.status < 200 || response.status == 204 || response.status == 304;
        if (!bodyless) {
            bool ok = false;
            length = response.header("content-length").toLongLong(&ok);
            if (!ok)
                return response;
        }
        const qsizetype bodyStart = headEnd + 4;
        [[maybe_unused]] const bool whole
            = QTest::qWaitFor([&] { return m_buffer.size() - bodyStart >= length; }, WaitMs);
        response.body = m_buffer.mid(bodyStart, length);
        response.complete = response.body.size() == length;
        m_buffer.remove(0, bodyStart + response.body.size());
        return response;
    }
    // Bytes after the last answer read.
    QByteArray rest(int settleMs = 100)
    {
        QTest::qWait(settleMs);
        return m_buffer;
    }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

// The events of a whole chunked event-stream body.
std::vector<SseParser::Event> eventsOfChunkedBody(QByteArray body)
{
    std::vector<SseParser::Event> events;
    SseParser parser;
    parser.setEventSink([&events](const SseParser::Event &event) { events.push_back(event); });
    for (;;) {
        const qsizetype lineEnd = body.indexOf("\r\n");
        bool ok = false;
        const qint64 size = lineEnd < 0 ? -1 : body.left(lineEnd).toLongLong(&ok, 16);
        if (!ok || size <= 0 || body.size() < lineEnd + 2 + size + 2)
            break;
        parser.feed(body.mid(lineEnd + 2, size));
        body.remove(0, lineEnd + 2 + size + 2);
    }
    return events;
}

} // namespace

class TestHub : public QObject
{
    Q_OBJECT
private slots:
    void streamFramingAndHeaders();
    void streamRequestsTakenBeforeQtHttpServer();
    void subscribePostReceive();
    void replayIsExactWhilePostsArrive();
    void resetWhenReplayImpossible_data();
    void resetWhenReplayImpossible();
    void tokenAndLastEventIdInQuery();
    void restartKeepsHistoryIdsAndSessions();
    void idempotentRetries();
    void historyPaging();
    void membersRoomsHealthMetrics();
    void presenceOnlineOfflineWithGrace();
    void typingIsThrottled();
    void leaveEndsSession();
    void badInput();
    void bodyTooLargeRefusedFromHeader();
    void headersTooLarge();
    void chunkedBodyNeedsLength();
    void rateLimitedWithRetryAfter();
    void connectionCap();
    void passwordProtectedRoom();
    void originAndHostChecks();
    void unfinishedAndIdleConnectionsAreCut();
    void pipelinedRequestDoesNotCorruptStream();
    void headAndNoContentAnswersHaveNoBody();
    void everyRequestOnAKeepAliveConnectionIsChecked();
    void byeReachesAClientThatReadsLate();
    void hubDestroyedWhileAStreamIsClosing();
    void requestSentWithStreamRequestDoesNotCorruptStream();
    void slowSubscriberDroppedOthersContinue();
    void byeOnShutdown();
    void heartbeatComments();
    void unusedSessionsExpire();
    void staticWebClient();
    void storeCheckpointsOnItsOwnThread();
    void roomsShareOneHubWideSequence();
};

void TestHub::streamFramingAndHeaders()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    QVERIFY(!ana.token.isEmpty());
    // At least 128 bits in URL-safe base64.
    QVERIFY(QByteArray::fromBase64(ana.token, QByteArray::Base64UrlEncoding).size() >= 16);
    QVERIFY(!ana.token.contains('+') && !ana.token.contains('/'));

    StreamReader stream(fixture.port(), {ana.token});
    QVERIFY(stream.waitForHead());
    QCOMPARE(stream.status(), 200);
    QCOMPARE(stream.header("content-type"), QByteArrayLiteral("text/event-stream; charset=utf-8"));
    QCOMPARE(stream.header("cache-control"), QByteArrayLiteral("no-cache"));
    QCOMPARE(stream.header("transfer-encoding"), QByteArrayLiteral("chunked"));
    QVERIFY(stream.header("content-length").isEmpty());
    QVERIFY(stream.waitForEvents(1)); // her own `online`
    QCOMPARE(stream.retryMs(), std::optional<int>(protocol::DefaultRetryMs));

    const QString text = QStringLiteral("line one\nline two \u00e9\u4e2d <b>");
    const Response posted = post(fixture.port(), ana, text, QStringLiteral("c-1"));
    QCOMPARE(posted.status, 201);
    const qint64 id = qint64(posted.json().value(QLatin1StringView("id")).toDouble());
    QVERIFY(id > 0);
    QVERIFY(stream.waitForEvents(2));
    const SseParser::Event &event = stream.events().back();
    QCOMPARE(event.type, QStringLiteral("message"));
    QCOMPARE(event.lastEventId, QString::number(id));
    const QJsonObject data = dataOf(event);
    QCOMPARE(data.value(QLatin1StringView("text")).toString(), text);
    QCOMPARE(qint64(data.value(QLatin1StringView("id")).toDouble()), id);
    QCOMPARE(data.value(QLatin1StringView("room")).toString(), QStringLiteral("lobby"));
    QCOMPARE(data.value(QLatin1StringView("clientId")).toString(), QStringLiteral("c-1"));
    QCOMPARE(data.value(QLatin1StringView("from"))
                 .toObject()
                 .value(QLatin1StringView("name"))
                 .toString(),
             QStringLiteral("Ana"));
    QCOMPARE(qint64(data.value(QLatin1StringView("ts")).toDouble()),
             qint64(posted.json().value(QLatin1StringView("ts")).toDouble()));
    // Ephemeral events carry no id: the last event ID is unchanged by them.
    const auto online = stream.eventsOfType(QStringLiteral("presence"));
    QCOMPARE(online.size(), size_t(1));
    QCOMPARE(dataOf(online[0]).value(QLatin1StringView("state")).toString(),
             QStringLiteral("online"));
}

void TestHub::subscribePostReceive()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    const Session bo = signIn(fixture.port(), QStringLiteral("Bo"));
    StreamReader boStream(fixture.port(), {bo.token});
    QVERIFY(boStream.waitForEvents(1));
    // Bo's second device: one member, two streams.
    StreamReader boTablet(fixture.port(), {bo.token});
    QVERIFY(boTablet.waitForHead());
    for (int i = 0; i < 5; ++i)
        QCOMPARE(
            post(fixture.port(), ana, QStringLiteral("m%1").arg(i), QStringLiteral("a-%1").arg(i))
                .status,
            201);
    QTRY_COMPARE_WITH_TIMEOUT(boStream.eventsOfType(QStringLiteral("message")).size(), size_t(5),
                              WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(boTablet.eventsOfType(QStringLiteral("message")).size(), size_t(5),
                              WaitMs);
    const auto messages = boStream.eventsOfType(QStringLiteral("message"));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(dataOf(messages[size_t(i)]).value(QLatin1StringView("text")).toString(),
                 QStringLiteral("m%1").arg(i));
}

void TestHub::replayIsExactWhilePostsArrive()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    for (int i = 0; i < 10; ++i)
        QCOMPARE(post(fixture.port(), ana, QStringLiteral("before %1").arg(i),
                      QStringLiteral("b-%1").arg(i))
                     .status,
                 201);
    const qint64 resumeFrom = 5;

    // Posts in flight on their own connections while the resuming stream opens.
    std::vector<std::unique_ptr<QTcpSocket>> posters;
    const auto firePosts = [&](int first, int count) {
        for (int i = first; i < first + count; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            const QByteArray body
                = QJsonDocument(
                      QJsonObject {{QStringLiteral("text"), QStringLiteral("during %1").arg(i)},
                                   {QStringLiteral("clientId"), QStringLiteral("d-%1").arg(i)}})
                      .toJson(QJsonDocument::Compact);
            socket->connectToHost(QHostAddress::LocalHost, fixture.port());
            socket->write("POST /api/v1/rooms/lobby/messages HTTP/1.1\r\nHost: 127.0.0.1:"
                          + QByteArray::number(fixture.port()) + "\r\nAuthorization: Bearer "
                          + ana.token + "\r\nContent-Type: application/json\r\nContent-Length: "
                          + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            posters.push_back(std::move(socket));
        }
    };
    firePosts(0, 30);
    QTest::qWait(5);
    StreamReader stream(fixture.port(),
                        {ana.token, QStringLiteral("lobby"), QByteArray::number(resumeFrom)});
    firePosts(30, 30);
    // join (1) + 10 + 60 messages = 71 history events; expect exactly 6..71.
    const qint64 expectedLast = 71;
    QVERIFY(QTest::qWaitFor(
        [&] {
            const auto &events = stream.events();
            return !events.empty() && events.back().lastEventId == QString::number(expectedLast);
        },
        WaitMs));
    qint64 previous = resumeFrom;
    QString lastSeenId;
    for (const SseParser::Event &event : stream.events()) {
        if (event.lastEventId == lastSeenId)
            continue; // ephemeral event: the last event ID did not change
        const qint64 id = event.lastEventId.toLongLong();
        QCOMPARE(id, previous + 1); // no gap, no duplicate
        previous = id;
        lastSeenId = event.lastEventId;
    }
    QCOMPARE(previous, expectedLast);
}

void TestHub::resetWhenReplayImpossible_data()
{
    QTest::addColumn<QByteArray>("lastEventId");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not a number") << QByteArrayLiteral("abc") << QStringLiteral("unknown_id");
    QTest::newRow("ahead of the room")
        << QByteArrayLiteral("9999") << QStringLiteral("ahead_of_room");
    QTest::newRow("older than the replay window")
        << QByteArrayLiteral("1") << QStringLiteral("too_old");
}

void TestHub::resetWhenReplayImpossible()
{
    QFETCH(QByteArray, lastEventId);
    QFETCH(QString, reason);
    HubSettings settings = unlimitedRate();
    settings.maxReplayEvents = 5;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    for (int i = 0; i < 10; ++i)
        QCOMPARE(
            post(fixture.port(), ana, QStringLiteral("x"), QStringLiteral("r-%1").arg(i)).status,
            201);
    StreamReader stream(fixture.port(), {ana.token, QStringLiteral("lobby"), lastEventId});
    QVERIFY(stream.waitForEvents(1));
    const SseParser::Event &first = stream.events().front();
    QCOMPARE(first.type, QStringLiteral("reset"));
    QCOMPARE(dataOf(first).value(QLatin1StringView("reason")).toString(), reason);
    QCOMPARE(qint64(dataOf(first).value(QLatin1StringView("lastId")).toDouble()), qint64(11));
    // Then live, with nothing replayed.
    QCOMPARE(post(fixture.port(), ana, QStringLiteral("live"), QStringLiteral("live")).status, 201);
    QTRY_COMPARE_WITH_TIMEOUT(stream.eventsOfType(QStringLiteral("message")).size(), size_t(1),
                              WaitMs);
    QCOMPARE(stream.eventsOfType(QStringLiteral("message")).front().lastEventId,
             QStringLiteral("12"));
}

void TestHub::tokenAndLastEventIdInQuery()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(
            post(fixture.port(), ana, QStringLiteral("q%1").arg(i), QStringLiteral("q-%1").arg(i))
                .status,
            201);
    StreamReader::Options options {ana.token, QStringLiteral("lobby"), QByteArrayLiteral("2")};
    options.viaQuery = true;
    StreamReader stream(fixture.port(), options);
    QTRY_COMPARE_WITH_TIMEOUT(stream.eventsOfType(QStringLiteral("message")).size(), size_t(2),
                              WaitMs);
    QCOMPARE(stream.eventsOfType(QStringLiteral("message")).front().lastEventId,
             QStringLiteral("3"));
}

void TestHub::restartKeepsHistoryIdsAndSessions()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(post(fixture.port(), ana, QStringLiteral("keep %1").arg(i),
                      QStringLiteral("k-%1").arg(i))
                     .status,
                 201);

    QVERIFY2(fixture.restart(), qPrintable(fixture.error));
    // The token survived; ids continue after the stored ones.
    const Response next
        = post(fixture.port(), ana, QStringLiteral("after restart"), QStringLiteral("k-3"));
    QCOMPARE(next.status, 201);
    QCOMPARE(qint64(next.json().value(QLatin1StringView("id")).toDouble()), qint64(5));
    // A retry of a message sent before the restart is still recognised.
    const Response retry
        = post(fixture.port(), ana, QStringLiteral("keep 0"), QStringLiteral("k-0"));
    QCOMPARE(qint64(retry.json().value(QLatin1StringView("id")).toDouble()), qint64(2));

    const Response history
        = call(fixture.port(), "GET", "/api/v1/rooms/lobby/messages", {}, bearer(ana));
    QCOMPARE(history.status, 200);
    const QJsonArray events = history.json().value(QLatin1StringView("events")).toArray();
    QCOMPARE(events.size(), 5); // join + 4 messages
    QCOMPARE(events.at(0).toObject().value(QLatin1StringView("type")).toString(),
             QStringLiteral("presence"));
    QCOMPARE(events.at(1)
                 .toObject()
                 .value(QLatin1StringView("data"))
                 .toObject()
                 .value(QLatin1StringView("text"))
                 .toString(),
             QStringLiteral("keep 0"));

    StreamReader stream(fixture.port(),
                        {ana.token, QStringLiteral("lobby"), QByteArrayLiteral("3")});
    QTRY_COMPARE_WITH_TIMEOUT(stream.eventsOfType(QStringLiteral("message")).size(), size_t(2),
                              WaitMs);
    QCOMPARE(stream.eventsOfType(QStringLiteral("message")).front().lastEventId,
             QStringLiteral("4"));
}

void TestHub::idempotentRetries()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    const Session bo = signIn(fixture.port(), QStringLiteral("Bo"));
    StreamReader stream(fixture.port(), {bo.token});
    QVERIFY(stream.waitForHead());
    const Response first
        = post(fixture.port(), ana, QStringLiteral("once"), QStringLiteral("same"));
    const Response again
        = post(fixture.port(), ana, QStringLiteral("once"), QStringLiteral("same"));
    QCOMPARE(first.status, 201);
    QCOMPARE(again.status, 201);
    QCOMPARE(again.body, first.body);
    // The same clientId from another member is another message.
    const Response other = post(fixture.port(), bo, QStringLiteral("mine"), QStringLiteral("same"));
    QCOMPARE(other.status, 201);
    QVERIFY(other.body != first.body);
    QTRY_COMPARE_WITH_TIMEOUT(stream.eventsOfType(QStringLiteral("message")).size(), size_t(2),
                              WaitMs);
    QTest::qWait(100);
    QCOMPARE(stream.eventsOfType(QStringLiteral("message")).size(), size_t(2));
}

void TestHub::historyPaging()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(
            post(fixture.port(), ana, QStringLiteral("p%1").arg(i), QStringLiteral("p-%1").arg(i))
                .status,
            201);
    Response page
        = call(fixture.port(), "GET", "/api/v1/rooms/lobby/messages?limit=2", {}, bearer(ana));
    QCOMPARE(page.status, 200);
    QJsonArray events = page.json().value(QLatin1StringView("events")).toArray();
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0)
                 .toObject()
                 .value(QLatin1StringView("data"))
                 .toObject()
                 .value(QLatin1StringView("text"))
                 .toString(),
             QStringLiteral("p3"));
    QVERIFY(page.json().value(QLatin1StringView("hasMore")).toBool());
    page = call(fixture.port(), "GET", "/api/v1/rooms/lobby/messages?before=3&limit=10", {},
                bearer(ana));
    events = page.json().value(QLatin1StringView("events")).toArray();
    QCOMPARE(events.size(), 2); // join (1) and p0 (2)
    QVERIFY(!page.json().value(QLatin1StringView("hasMore")).toBool());
    QCOMPARE(call(fixture.port(), "GET", "/api/v1/rooms/lobby/messages?limit=zero", {}, bearer(ana))
                 .status,
             400);
}

void TestHub::membersRoomsHealthMetrics()
{
    HubSettings settings = unlimitedRate();
    settings.roomIds = {QStringLiteral("lobby"), QStringLiteral("lab-3")};
    settings.title = QStringLiteral("Lab 3");
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    QSignalSpy roomsChanged(&fixture.hub(), &Hub::roomsChanged);
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    const Session bo = signIn(fixture.port(), QStringLiteral("Bo"), QStringLiteral("lab-3"));
    QVERIFY(!bo.token.isEmpty());
    QVERIFY(roomsChanged.count() >= 2);
    StreamReader stream(fixture.port(), {ana.token});
    QVERIFY(stream.waitForEvents(1));

    const Response rooms = call(fixture.port(), "GET", "/api/v1/rooms");
    QCOMPARE(rooms.status, 200);
    const QJsonArray list = rooms.json().value(QLatin1StringView("rooms")).toArray();
    QCOMPARE(list.size(), 2);
    for (const QJsonValue &room : list) {
        QCOMPARE(room.toObject().value(QLatin1StringView("members")).toInt(), 1);
        QCOMPARE(room.toObject().value(QLatin1StringView("title")).toString(),
                 QStringLiteral("Lab 3"));
    }
    const Response members
        = call(fixture.port(), "GET", "/api/v1/rooms/lobby/members", {}, bearer(ana));
    QCOMPARE(members.status, 200);
    const QJsonArray memberList = members.json().value(QLatin1StringView("members")).toArray();
    QCOMPARE(memberList.size(), 1);
    QCOMPARE(memberList.at(0).toObject().value(QLatin1StringView("online")).toBool(), true);
    // A token is good for its own room only.
    QCOMPARE(call(fixture.port(), "GET", "/api/v1/rooms/lab-3/members", {}, bearer(ana)).status,
             401);

    const Response health = call(fixture.port(), "GET", "/healthz");
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().value(QLatin1StringView("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(health.json().value(QLatin1StringView("api")).toInt(), 1);

    QCOMPARE(post(fixture.port(), ana, QStringLiteral("count me"), QStringLiteral("m")).status,
             201);
    QVERIFY(stream.waitForEvents(2));
    const Response metrics = call(fixture.port(), "GET", "/metrics");
    QCOMPARE(metrics.status, 200);
    QVERIFY(metrics.header("content-type").startsWith("text/plain"));
    QVERIFY2(metrics.body.contains("\nconfab_subscribers 1\n"), metrics.body.constData());
    QVERIFY(metrics.body.contains("\nconfab_messages_total 1\n"));
    QVERIFY(metrics.body.contains("confab_events_sent_total "));
    QVERIFY(metrics.body.contains("confab_bytes_sent_total "));
    QVERIFY(metrics.body.contains("\nconfab_slow_subscribers_dropped_total 0\n"));
    QVERIFY(metrics.body.contains("confab_events_replayed_total "));
}

void TestHub::presenceOnlineOfflineWithGrace()
{
    HubSettings settings = unlimitedRate();
    settings.offlineGraceMs = 1500; // long enough for a reconnect on a loaded CI machine
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    const Session bo = signIn(fixture.port(), QStringLiteral("Bo"));
    StreamReader anaStream(fixture.port(), {ana.token});
    QVERIFY(anaStream.waitForEvents(1));
    const auto states = [&] {
        QStringList out;
        for (const auto &event : anaStream.eventsOfType(QStringLiteral("presence"))) {
            const QJsonObject data = dataOf(event);
            if (data.value(QLatin1StringView("member"))
                    .toObject()
                    .value(QLatin1StringView("name"))
                    .toString()
                == QLatin1StringView("Bo"))
                out << data.value(QLatin1StringView("state")).toString();
        }
        return out;
    };
    auto boStream
        = std::make_unique<StreamReader>(fixture.port(), StreamReader::Options {bo.token});
    QTRY_COMPARE_WITH_TIMEOUT(states(), QStringList {QStringLiteral("online")}, WaitMs);
    // A quick reconnect inside the grace period does not flap.
    boStream.reset();
    boStream = std::make_unique<StreamReader>(fixture.port(), StreamReader::Options {bo.token});
    QVERIFY(boStream->waitForHead());
    QTest::qWait(2000); // past the grace period
    QCOMPARE(states(), QStringList {QStringLiteral("online")});
    boStream.reset();
    QTRY_COMPARE_WITH_TIMEOUT(
        states(), (QStringList {QStringLiteral("online"), QStringLiteral("offline")}), WaitMs);
    // Name uniqueness is about members online: Bo is offline now, so the name is free again,
    // while Ana (online) still holds hers, case-insensitively.
    QCOMPARE(call(fixture.port(), "POST", "/api/v1/session", R"({"name":" ANA "})").status, 409);
    QCOMPARE(call(fixture.port(), "POST", "/api/v1/session", R"({"name":"bo"})").status, 201);
}

void TestHub::typingIsThrottled()
{
    HubSettings settings = unlimitedRate();
    settings.typingIntervalMs = 30000; // the three calls below surely fall inside one interval
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    const Session bo = signIn(fixture.port(), QStringLiteral("Bo"));
    StreamReader stream(fixture.port(), {bo.token});
    QVERIFY(stream.waitForEvents(1));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(
            call(fixture.port(), "POST", "/api/v1/rooms/lobby/typing", QByteArray(""), bearer(ana))
                .status,
            204);
    QCOMPARE(post(fixture.port(), ana, QStringLiteral("marker"), QStringLiteral("t")).status, 201);
    QTRY_COMPARE_WITH_TIMEOUT(stream.eventsOfType(QStringLiteral("message")).size(), size_t(1),
                              WaitMs);
    const auto typing = stream.eventsOfType(QStringLiteral("typing"));
    QCOMPARE(typing.size(), size_t(1));
    // Ephemeral: no id: the stream (opened without a resume point) has seen no id before it.
    QCOMPARE(typing[0].lastEventId, QString());
    QVERIFY(!stream.eventsOfType(QStringLiteral("message")).front().lastEventId.isEmpty());
    QCOMPARE(dataOf(typing[0])
                 .value(QLatin1StringView("member"))
                 .toObject()
                 .value(QLatin1StringView("name"))
                 .toString(),
             QStringLiteral("Ana"));
}

void TestHub::leaveEndsSession()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    const Session bo = signIn(fixture.port(), QStringLiteral("Bo"));
    StreamReader boStream(fixture.port(), {bo.token});
    QVERIFY(boStream.waitForEvents(1));
    StreamReader anaStream(fixture.port(), {ana.token});
    QVERIFY(anaStream.waitForHead());
    QCOMPARE(call(fixture.port(), "DELETE", "/api/v1/session", {}, bearer(ana)).status, 204);
    QVERIFY(anaStream.waitForClosed());
    QVERIFY(QTest::qWaitFor(
        [&] {
            for (const auto &event : boStream.eventsOfType(QStringLiteral("presence"))) {
                if (dataOf(event).value(QLatin1StringView("state")).toString()
                    == QLatin1StringView("leave"))
                    return !event.lastEventId.isEmpty();
            }
            return false;
        },
        WaitMs));
    QCOMPARE(post(fixture.port(), ana, QStringLiteral("gone"), QStringLiteral("g")).status, 401);
    QCOMPARE(call(fixture.port(), "DELETE", "/api/v1/session", {}, bearer(ana)).status, 401);
}

void TestHub::badInput()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signIn(port, QStringLiteral("Ana"));

    Response r = call(port, "POST", "/api/v1/session", "{not json");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.errorCode(), QStringLiteral("bad_json"));
    QVERIFY(r.json()
                .value(QLatin1StringView("error"))
                .toObject()
                .value(QLatin1StringView("message"))
                .isString());
    QCOMPARE(call(port, "POST", "/api/v1/session", "[1,2]").errorCode(),
             QStringLiteral("bad_json"));
    QCOMPARE(call(port, "POST", "/api/v1/session", R"({"name":"   "})").errorCode(),
             QStringLiteral("bad_name"));
    QCOMPARE(
        call(port, "POST", "/api/v1/session", R"({"name":"123456789012345678901234567890123"})")
            .errorCode(),
        QStringLiteral("bad_name"));
    QCOMPARE(call(port, "POST", "/api/v1/session", R"({"name":42})").status, 400);
    r = call(port, "POST", "/api/v1/session", R"({"name":"ana"})");
    QCOMPARE(r.status, 409);
    QCOMPARE(r.errorCode(), QStringLiteral("name_taken"));

    r = call(port, "POST", "/api/v1/rooms/lobby/messages", R"({"text":"x"})");
    QCOMPARE(r.status, 401);
    QCOMPARE(r.errorCode(), QStringLiteral("unauthorized"));
    QCOMPARE(call(port, "POST", "/api/v1/rooms/lobby/messages", R"({"text":"x"})",
                  {qMakePair(QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer nope"))})
                 .status,
             401);
    QCOMPARE(call(port, "GET", "/api/v1/rooms/lobby/events").status, 401);

    r = call(port, "GET", "/api/v1/rooms/kitchen/events", {}, bearer(ana));
    QCOMPARE(r.status, 404);
    QCOMPARE(r.errorCode(), QStringLiteral("unknown_room"));
    r = call(port, "GET", "/api/v1/nothing-here");
    QCOMPARE(r.status, 404);
    QCOMPARE(r.errorCode(), QStringLiteral("not_found"));

    r = call(port, "GET", "/api/v1/session");
    QCOMPARE(r.status, 405);
    QCOMPARE(r.errorCode(), QStringLiteral("method_not_allowed"));
    QCOMPARE(r.header("allow"), QByteArrayLiteral("POST, DELETE"));
    QCOMPARE(call(port, "POST", "/api/v1/rooms/lobby/events", "{}", bearer(ana)).header("allow"),
             QByteArrayLiteral("GET"));
    QCOMPARE(call(port, "DELETE", "/api/v1/rooms", {}).status, 405);

    r = post(port, ana, QString(4001, QLatin1Char('x')), QStringLiteral("long"));
    QCOMPARE(r.status, 413);
    QCOMPARE(r.errorCode(), QStringLiteral("text_too_long"));
    QCOMPARE(post(port, ana, QString(4000, QLatin1Char('x')), QStringLiteral("fits")).status, 201);
    QCOMPARE(post(port, ana, QStringLiteral("   "), QStringLiteral("empty")).status, 400);
    QCOMPARE(
        call(port, "POST", "/api/v1/rooms/lobby/messages", "{\"text\":", bearer(ana)).errorCode(),
        QStringLiteral("bad_json"));
    QCOMPARE(post(port, ana, QStringLiteral("x"), QString(65, QLatin1Char('c'))).status, 400);

    // The hub keeps serving after all that.
    QCOMPARE(call(port, "GET", "/healthz").status, 200);
}

void TestHub::bodyTooLargeRefusedFromHeader()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    // Only the head is sent: the answer must come from Content-Length alone.
    const Response r = rawRequest(
        fixture.port(),
        "POST /api/v1/rooms/lobby/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + ana.token
            + "\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{\"text\":\"");
    QCOMPARE(r.status, 413);
    QCOMPARE(r.errorCode(), QStringLiteral("body_too_large"));
    // Just over the cap with the whole body sent is refused too.
    const QByteArray body(protocol::DefaultMaxBodyBytes + 1, 'x');
    QCOMPARE(call(fixture.port(), "POST", "/api/v1/rooms/lobby/messages", body, bearer(ana)).status,
             413);
    QCOMPARE(call(fixture.port(), "GET", "/healthz").status, 200);
}

void TestHub::headersTooLarge()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Response r = rawRequest(fixture.port(),
                                  "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                                      + QByteArray(20 * 1024, 'a') + "\r\n\r\n");
    QCOMPARE(r.status, 431);
    QCOMPARE(r.errorCode(), QStringLiteral("headers_too_large"));
    // A head that never ends is cut at the cap as well.
    QCOMPARE(rawRequest(fixture.port(),
                        "GET /healthz HTTP/1.1\r\nX-Endless: " + QByteArray(40 * 1024, 'b'))
                 .status,
             431);
    QCOMPARE(call(fixture.port(), "GET", "/healthz").status, 200);
}

void TestHub::chunkedBodyNeedsLength()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Response r = rawRequest(
        fixture.port(),
        "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        "d\r\n{\"name\":\"Al\"}\r\n0\r\n\r\n");
    QCOMPARE(r.status, 411);
    QCOMPARE(r.errorCode(), QStringLiteral("length_required"));
}

void TestHub::rateLimitedWithRetryAfter()
{
    HubSettings settings;
    settings.messagesPerSecond = 0.05; // no refill while the test runs, however slow the machine
    settings.messageBurst = 3;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    const Session bo = signIn(fixture.port(), QStringLiteral("Bo"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(
            post(fixture.port(), ana, QStringLiteral("burst"), QStringLiteral("b%1").arg(i)).status,
            201);
    const Response limited
        = post(fixture.port(), ana, QStringLiteral("too many"), QStringLiteral("b3"));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("rate_limited"));
    QVERIFY(limited.header("retry-after").toInt() >= 1);
    // Per member: Bo is not affected, and a retry of an accepted message is not counted.
    QCOMPARE(post(fixture.port(), bo, QStringLiteral("hi"), QStringLiteral("b0")).status, 201);
    QCOMPARE(post(fixture.port(), ana, QStringLiteral("burst"), QStringLiteral("b0")).status, 201);
}

void TestHub::connectionCap()
{
    HubSettings settings;
    settings.maxConnections = 3;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<QTcpSocket>());
        held.back()->connectToHost(QHostAddress::LocalHost, fixture.port());
    }
    QTRY_COMPARE_WITH_TIMEOUT(fixture.hub().connectionCount(), 3, WaitMs);
    const Response refused = call(fixture.port(), "GET", "/healthz");
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.errorCode(), QStringLiteral("too_many_connections"));
    held.clear();
    QTRY_COMPARE_WITH_TIMEOUT(fixture.hub().connectionCount(), 0, WaitMs);
    QCOMPARE(call(fixture.port(), "GET", "/healthz").status, 200);
}

void TestHub::passwordProtectedRoom()
{
    HubSettings settings;
    settings.password = QStringLiteral("s3cret");
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    Response r
        = call(fixture.port(), "POST", "/api/v1/session", R"({"name":"Ana","password":"wrong"})");
    QCOMPARE(r.status, 401);
    QCOMPARE(r.errorCode(), QStringLiteral("wrong_password"));
    QCOMPARE(call(fixture.port(), "POST", "/api/v1/session", R"({"name":"Ana"})").status, 401);
    QCOMPARE(
        call(fixture.port(), "POST", "/api/v1/session", R"({"name":"Ana","password":"s3cret"})")
            .status,
        201);
    r = call(fixture.port(), "GET", "/api/v1/rooms");
    QCOMPARE(r.json()
                 .value(QLatin1StringView("rooms"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QLatin1StringView("locked"))
                 .toBool(),
             true);
    // The clear text is not in the database file.
    QFile file(fixture.dataDir() + QStringLiteral("/hub.sqlite"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("s3cret"));
}

void TestHub::originAndHostChecks()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const QByteArray own = "http://127.0.0.1:" + QByteArray::number(port);
    Response r
        = call(port, "POST", "/api/v1/session", R"({"name":"Eve"})",
               {qMakePair(QByteArrayLiteral("Origin"), QByteArrayLiteral("http://evil.example"))});
    QCOMPARE(r.status, 403);
    QCOMPARE(r.errorCode(), QStringLiteral("forbidden_origin"));
    QCOMPARE(call(port, "POST", "/api/v1/session", R"({"name":"Ana"})",
                  {qMakePair(QByteArrayLiteral("Origin"), own)})
                 .status,
             201);
    // A Host naming another port (DNS rebinding through another service) is refused.
    r = rawRequest(port,
                   "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1:1\r\nContent-Length: "
                   "14\r\n\r\n{\"name\":\"Mal\"}");
    QCOMPARE(r.status, 403);
    // Reads are not state-changing: no check.
    QCOMPARE(
        call(port, "GET", "/api/v1/rooms", {},
             {qMakePair(QByteArrayLiteral("Origin"), QByteArrayLiteral("http://evil.example"))})
            .status,
        200);
}

void TestHub::unfinishedAndIdleConnectionsAreCut()
{
    HubSettings settings;
    settings.requestTimeoutMs = 400;
    settings.idleTimeoutMs = 800;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    QTcpSocket partial;
    bool partialClosed = false;
    connect(&partial, &QTcpSocket::disconnected, this, [&] { partialClosed = true; });
    partial.connectToHost(QHostAddress::LocalHost, fixture.port());
    QVERIFY(partial.waitForConnected(WaitMs));
    partial.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // never finished
    QTcpSocket slowBody;
    bool slowBodyClosed = false;
    connect(&slowBody, &QTcpSocket::disconnected, this, [&] { slowBodyClosed = true; });
    slowBody.connectToHost(QHostAddress::LocalHost, fixture.port());
    QVERIFY(slowBody.waitForConnected(WaitMs));
    slowBody.write(
        "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"na");
    QTcpSocket idle;
    bool idleClosed = false;
    connect(&idle, &QTcpSocket::disconnected, this, [&] { idleClosed = true; });
    idle.connectToHost(QHostAddress::LocalHost, fixture.port());
    QVERIFY(idle.waitForConnected(WaitMs));
    QTRY_VERIFY_WITH_TIMEOUT(partialClosed, WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(idleClosed, WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(slowBodyClosed, WaitMs);
    // A stream is never idle-closed, even with no traffic at all.
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    StreamReader stream(fixture.port(), {ana.token});
    QVERIFY(stream.waitForHead());
    QTest::qWait(2500);
    QVERIFY(!stream.closed());
}

void TestHub::streamRequestsTakenBeforeQtHttpServer()
{
    // Event-stream GETs are read by the connection guard, not QtHttpServer (an idle subscriber
    // then keeps no parsed request): on a keep-alive connection after another answer, a stream
    // still starts; a refusal is the usual JSON error and ends the connection; a stream request
    // sent in one write behind another request is refused, not half-parsed.
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const QByteArray host = "Host: 127.0.0.1:" + QByteArray::number(fixture.port()) + "\r\n";
    KeepAliveClient reused(fixture.port());
    const QByteArray signInBody = R"({"name":"Ana"})";
    reused.send("POST /api/v1/session HTTP/1.1\r\n" + host
                + "Content-Type: application/json\r\nContent-Length: "
                + QByteArray::number(signInBody.size()) + "\r\n\r\n" + signInBody);
    const Response signedIn = reused.next();
    QCOMPARE(signedIn.status, 201);
    const QByteArray token = signedIn.json().value(QLatin1StringView("token")).toString().toUtf8();
    reused.send("GET /api/v1/rooms/lobby/events?token=" + token + " HTTP/1.1\r\n" + host + "\r\n");
    const QByteArray head = [&] {
        QByteArray seen;
        [[maybe_unused]] const bool arrived
            = QTest::qWaitFor([&] { return (seen = reused.rest(0)).contains("\r\n\r\n"); }, WaitMs);
        return seen;
    }();
    QVERIFY2(head.startsWith("HTTP/1.1 200 OK\r\n"), head.constData());
    QVERIFY(head.contains("Content-Type: text/event-stream"));

    const Response refused = rawRequest(fixture.port(),
                                        "GET /api/v2/events HTTP/1.1\r\n" + host
                                            + "Authorization: Bearer nonsense\r\n\r\n");
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.errorCode(), QStringLiteral("unauthorized"));
    QCOMPARE(refused.header("connection"), QByteArrayLiteral("close"));

    const Response behind = rawRequest(fixture.port(),
                                       "GET /healthz HTTP/1.1\r\n" + host
                                           + "\r\nGET /api/v1/rooms/lobby/events?token=" + token
                                           + " HTTP/1.1\r\n" + host + "\r\n");
    QCOMPARE(behind.status, 400);
    QCOMPARE(behind.errorCode(), QStringLiteral("bad_request"));
}

void TestHub::pipelinedRequestDoesNotCorruptStream()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    StreamReader stream(fixture.port(), {ana.token});
    QVERIFY(stream.waitForEvents(1));
    stream.socket()->write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QCOMPARE(post(fixture.port(), ana, QStringLiteral("still fine"), QStringLiteral("p")).status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(stream.eventsOfType(QStringLiteral("message")).size(), size_t(1),
                              WaitMs);
    QCOMPARE(post(fixture.port(), ana, QStringLiteral("and again"), QStringLiteral("p2")).status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(stream.eventsOfType(QStringLiteral("message")).size(), size_t(2),
                              WaitMs);
    for (const auto &event : stream.events())
        QVERIFY(!event.data.contains(QLatin1StringView("HTTP/1.1")));
}

void TestHub::headAndNoContentAnswersHaveNoBody()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    // /healthz takes only GET: HEAD gets the head of the same 405 answer PUT gets.
    const Response put = call(fixture.port(), "PUT", "/healthz", "{}");
    QCOMPARE(put.status, 405);
    QVERIFY(!put.body.isEmpty());

    // Pipelined on one connection: each answer must end exactly where its framing says.
    KeepAliveClient client(fixture.port());
    const QByteArray host = "Host: 127.0.0.1:" + QByteArray::number(fixture.port()) + "\r\n";
    client.send("HEAD /healthz HTTP/1.1\r\n" + host + "\r\nDELETE /api/v1/session HTTP/1.1\r\n"
                + host + "Authorization: Bearer " + ana.token + "\r\n\r\nGET /healthz HTTP/1.1\r\n"
                + host + "\r\n");
    const Response head = client.next(true);
    QVERIFY(head.complete);
    QCOMPARE(head.status, 405);
    QCOMPARE(head.header("content-length").toLongLong(), qint64(put.body.size()));
    QCOMPARE(head.header("content-type"), QByteArrayLiteral("application/json"));
    QCOMPARE(head.header("allow"), QByteArrayLiteral("GET"));
    // The hub writes its own heads, so the bytes are the same on every Qt version (6.8's
    // responder would send lower-case names).
    QVERIFY(head.headers.contains(
        qMakePair(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json"))));
    const Response noContent = client.next();
    QVERIFY(noContent.complete);
    QCOMPARE(noContent.status, 204);
    // RFC 9110 8.6: no Content-Length in a 204.
    QVERIFY2(noContent.header("content-length").isNull(),
             noContent.header("content-length").constData());
    const Response health = client.next();
    QVERIFY(health.complete);
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().value(QLatin1StringView("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(client.rest(), QByteArray());
}

void TestHub::everyRequestOnAKeepAliveConnectionIsChecked()
{
    // The request-size guard follows each connection's bytes across requests and reads. From
    // Qt 6.5 on, QtHttpServer re-attaches its reader after every answer; the guard must still see
    // every byte of a later request that arrives in pieces, here a second piece shorter than the
    // first one.
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    KeepAliveClient client(fixture.port());
    client.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QCOMPARE(client.next().status, 200);
    client.send("POST /api/v1/rooms/lobby/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Authorization: Bearer "
                + ana.token + "\r\nX-Padding: " + QByteArray(500, 'p') + "\r\n");
    QTest::qWait(300); // the hub (on this thread) reads the first piece and parses what it can
    // Only the head: the answer can only come from the guard reading Content-Length.
    client.send("Content-Length: 10000000\r\n\r\n");
    const Response refused = client.next();
    QCOMPARE(refused.status, 413);
    QCOMPARE(refused.errorCode(), QStringLiteral("body_too_large"));
}

void TestHub::byeReachesAClientThatReadsLate()
{
    // At shutdown the client is not reading, so most of the stream and the final `bye` are still
    // queued in the hub (more than loopback's kernel buffers hold) when the hub closes the stream.
    HubSettings settings = unlimitedRate();
    settings.maxUnsentBytes = 64 * 1024 * 1024;
    settings.maxTextChars = 60000;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));

    QTcpSocket client;
    // Qt reads no more than this, so the kernel's receive buffer (128 KiB until the application
    // reads) fills and the hub's sends stall.
    client.setReadBufferSize(4096);
    client.connectToHost(QHostAddress::LocalHost, fixture.port());
    QVERIFY(client.waitForConnected(WaitMs));
    client.write("GET /api/v1/rooms/lobby/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Accept: text/event-stream\r\nAuthorization: Bearer "
                 + ana.token + "\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(fixture.hub().subscriberCount(), 1, WaitMs);

    const QString text(60000, QLatin1Char('q'));
    const int count = 120; // 7 MB, beyond the 4 MB send buffer loopback can grow to
    for (int i = 0; i < count; ++i)
        QCOMPARE(post(fixture.port(), ana, text, QStringLiteral("q%1").arg(i)).status, 201);
    QTest::qWait(100); // the hub's fan-out sweep has queued them all
    fixture.hub().shutdown(QStringLiteral("maintenance"));
    QTest::qWait(100); // and the hub has closed the stream (gracefully) on its side

    client.setReadBufferSize(0);
    QByteArray received;
    QObject::connect(&client, &QTcpSocket::readyRead, &client,
                     [&] { received += client.readAll(); });
    received += client.readAll();
    QTRY_VERIFY_WITH_TIMEOUT(client.state() == QAbstractSocket::UnconnectedState, 60000);
    received += client.readAll();

    const qsizetype bodyStart = received.indexOf("\r\n\r\n");
    QVERIFY(received.startsWith("HTTP/1.1 200"));
    const auto events = eventsOfChunkedBody(received.mid(bodyStart + 4));
    QVERIFY(!events.empty());
    int messages = 0;
    for (const auto &event : events)
        messages += event.type == QLatin1StringView("message") ? 1 : 0;
    QCOMPARE(messages, count);
    QCOMPARE(events.back().type, QStringLiteral("bye"));
}

void TestHub::hubDestroyedWhileAStreamIsClosing()
{
    // As above, but the hub goes away while the close still waits for the client: what waits
    // (on Qt 6.5+ a held responder) must be released before QtHttpServer, without touching freed
    // memory (ASan), and the client sees its connection end.
    HubSettings settings = unlimitedRate();
    settings.maxUnsentBytes = 64 * 1024 * 1024;
    settings.maxTextChars = 60000;
    auto fixture = std::make_unique<HubFixture>(settings);
    QVERIFY(fixture->started());
    const Session ana = signIn(fixture->port(), QStringLiteral("Ana"));
    QTcpSocket client;
    client.setReadBufferSize(4096);
    client.connectToHost(QHostAddress::LocalHost, fixture->port());
    QVERIFY(client.waitForConnected(WaitMs));
    client.write("GET /api/v1/rooms/lobby/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Accept: text/event-stream\r\nAuthorization: Bearer "
                 + ana.token + "\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(fixture->hub().subscriberCount(), 1, WaitMs);
    const QString text(60000, QLatin1Char('d'));
    for (int i = 0; i < 100; ++i)
        QCOMPARE(post(fixture->port(), ana, text, QStringLiteral("d%1").arg(i)).status, 201);
    QTest::qWait(100);
    fixture->hub().shutdown(QStringLiteral("maintenance"));
    QTest::qWait(100);
    fixture.reset();

    client.setReadBufferSize(0);
    QObject::connect(&client, &QTcpSocket::readyRead, &client, [&] { client.readAll(); });
    client.readAll();
    QTRY_VERIFY_WITH_TIMEOUT(client.state() == QAbstractSocket::UnconnectedState, WaitMs);
}

void TestHub::requestSentWithStreamRequestDoesNotCorruptStream()
{
    // The second request is queued before the connection is up, so it reaches the hub together
    // with the stream's request: the stream starts while unread bytes sit in the socket's read
    // buffer (which the hub gives back only once they are discarded).
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    StreamReader stream(fixture.port(), {ana.token});
    stream.socket()->write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QVERIFY(stream.waitForEvents(1));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(
            post(fixture.port(), ana, QStringLiteral("m%1").arg(i), QStringLiteral("c%1").arg(i))
                .status,
            201);
        QTRY_COMPARE_WITH_TIMEOUT(stream.eventsOfType(QStringLiteral("message")).size(),
                                  size_t(i + 1), WaitMs);
        // More bytes on the stream later are discarded too, and the stream keeps going.
        stream.socket()->write("x");
    }
    for (const auto &event : stream.events())
        QVERIFY(!event.data.contains(QLatin1StringView("HTTP/1.1")));
    QVERIFY(!stream.closed());
    QCOMPARE(fixture.hub().subscriberCount(), 1);
}

void TestHub::slowSubscriberDroppedOthersContinue()
{
    HubSettings settings = unlimitedRate();
    settings.maxUnsentBytes = 256 * 1024;
    settings.maxTextChars = 60000;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    const Session slow = signIn(fixture.port(), QStringLiteral("Slow"));
    StreamReader good(fixture.port(), {ana.token});
    QVERIFY(good.waitForHead());
    StreamReader::Options slowOptions {slow.token};
    slowOptions.receiveBufferBytes = 4096;
    StreamReader stalled(fixture.port(), slowOptions);
    QVERIFY(stalled.waitForHead());

    const QString text(60000, QLatin1Char('z'));
    const int count = 250; // 15 MB: far beyond the cap plus what kernel buffers absorb
    for (int i = 0; i < count; ++i)
        QCOMPARE(post(fixture.port(), ana, text, QStringLiteral("s%1").arg(i)).status, 201);
    QTRY_COMPARE_WITH_TIMEOUT(good.eventsOfType(QStringLiteral("message")).size(), size_t(count),
                              60000);
    const Response metrics = call(fixture.port(), "GET", "/metrics");
    QVERIFY2(metrics.body.contains("\nconfab_slow_subscribers_dropped_total 1\n"),
             metrics.body.constData());
    // (The stalled client cannot notice: it does not read, so it never sees the reset.)
    QCOMPARE(fixture.hub().subscriberCount(), 1);
}

void TestHub::byeOnShutdown()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    StreamReader stream(fixture.port(), {ana.token});
    QVERIFY(stream.waitForEvents(1));
    fixture.hub().shutdown(QStringLiteral("maintenance"));
    QVERIFY(stream.waitForClosed());
    const auto bye = stream.eventsOfType(QStringLiteral("bye"));
    QCOMPARE(bye.size(), size_t(1));
    QCOMPARE(dataOf(bye[0]).value(QLatin1StringView("reason")).toString(),
             QStringLiteral("maintenance"));
    QCOMPARE(stream.events().back().type, QStringLiteral("bye"));
}

void TestHub::heartbeatComments()
{
    HubSettings settings = unlimitedRate();
    settings.heartbeatMs = 150;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    StreamReader stream(fixture.port(), {ana.token});
    QVERIFY(stream.waitForHead());
    QTRY_VERIFY_WITH_TIMEOUT(stream.comments() >= 3, WaitMs);
    // Comments are not events.
    QCOMPARE(stream.events().size(), size_t(1));
}

void TestHub::unusedSessionsExpire()
{
    HubSettings settings = unlimitedRate();
    settings.sessionExpiryDays = 0; // every token is "unused for too long" a moment later
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    QVERIFY(!ana.token.isEmpty());
    QTest::qWait(20);
    QCOMPARE(post(fixture.port(), ana, QStringLiteral("late"), QStringLiteral("l")).status, 401);
}

void TestHub::staticWebClient()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY(fixture.started());
    const Response missing = call(fixture.port(), "GET", "/no-such-file.js");
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.errorCode(), QStringLiteral("not_found"));
    QCOMPARE(call(fixture.port(), "GET", "/../etc/passwd").status, 404);
    if (!QFile::exists(QStringLiteral(":/web/index.html")))
        QSKIP("the web client resources are not linked into this build");
    const Response page = call(fixture.port(), "GET", "/");
    QCOMPARE(page.status, 200);
    QCOMPARE(page.header("content-type"), QByteArrayLiteral("text/html; charset=utf-8"));
    QVERIFY(page.header("content-security-policy").startsWith("default-src 'self'"));
    QVERIFY(page.header("content-security-policy").contains("frame-ancestors 'none'"));
    QCOMPARE(page.header("x-content-type-options"), QByteArrayLiteral("nosniff"));
    QCOMPARE(page.header("referrer-policy"), QByteArrayLiteral("no-referrer"));
    // HEAD: the same head, no body; the connection stays usable (the pipelined GET's answer
    // follows the head at once).
    KeepAliveClient client(fixture.port());
    client.send(
        "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const Response head = client.next(true);
    QVERIFY(head.complete);
    QCOMPARE(head.status, 200);
    QCOMPARE(head.header("content-length").toLongLong(), qint64(page.body.size()));
    QCOMPARE(head.header("content-type"), page.header("content-type"));
    const Response again = client.next();
    QVERIFY(again.complete);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.body, page.body);
    QCOMPARE(client.rest(), QByteArray());
}

// SQLite's automatic checkpoints (with their fdatasync) are off on the hub's connection; the
// store's own thread copies the log back, so the log stays small and nothing is lost.
void TestHub::storeCheckpointsOnItsOwnThread()
{
    constexpr int Messages = 2000;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Member ana {QStringLiteral("m1"), QStringLiteral("Ana")};
    {
        SqliteChatStore store(QStringLiteral("checkpoint-test"));
        QString error;
        QVERIFY2(store.open(dir.path(), &error), qPrintable(error));
        // In bursts, as a busy room writes: each burst asks for one checkpoint, and once that
        // has finished the next commit starts the log over from its beginning.
        constexpr int Burst = WalCheckpointer::CommitsPerCheckpoint;
        for (int i = 0; i < Messages; ++i) {
            MessageEvent message {0, QStringLiteral("lobby"),     ana, QStringLiteral("m%1").arg(i),
                                  i, QStringLiteral("c%1").arg(i)};
            QVERIFY(store.appendMessage(message));
            QCOMPARE(message.id, qint64(i + 1));
            if ((i + 1) % Burst == 0)
                QTRY_COMPARE_WITH_TIMEOUT(store.checkpointsCompleted(), qint64((i + 1) / Burst),
                                          WaitMs);
        }
        // Without those checkpoints the log would hold every message, about 20 MB here (SQLite's
        // own fallback starts at 40 MB); with them it never grows past about one burst.
        const qint64 walBytes = QFileInfo(store.filePath() + QStringLiteral("-wal")).size();
        QVERIFY2(walBytes < 8 * 1024 * 1024, qPrintable(QString::number(walBytes)));
    }
    // close() truncated the log; everything is in the database file.
    QCOMPARE(QFileInfo(dir.filePath(QStringLiteral("hub.sqlite-wal"))).size(), qint64(0));
    SqliteChatStore reopened(QStringLiteral("checkpoint-test-2"));
    QString error;
    QVERIFY2(reopened.open(dir.path(), &error), qPrintable(error));
    QCOMPARE(reopened.lastSequence(QStringLiteral("lobby")), qint64(Messages));
    QCOMPARE(reopened.eventsAfter(QStringLiteral("lobby"), 0, Messages + 1).size(),
             size_t(Messages));
}

// Ids come from one hub-wide sequence: a v1 room's stream and history skip the ids of other
// rooms' events, stay strictly increasing, and resume from any id the hub handed out.
void TestHub::roomsShareOneHubWideSequence()
{
    HubSettings settings = unlimitedRate();
    settings.roomIds = {QStringLiteral("lobby"), QStringLiteral("lab")};
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signIn(port, QStringLiteral("Ana")); // join: 1
    const Session bo = signIn(port, QStringLiteral("Bo"), QStringLiteral("lab")); // join: 2
    const auto idOf = [](const Response &r) {
        return qint64(r.json().value(QLatin1StringView("id")).toDouble());
    };
    QCOMPARE(idOf(post(port, ana, QStringLiteral("a1"), QStringLiteral("a1"))), qint64(3));
    QCOMPARE(
        idOf(post(port, bo, QStringLiteral("b1"), QStringLiteral("b1"), QStringLiteral("lab"))),
        qint64(4));
    QCOMPARE(idOf(post(port, ana, QStringLiteral("a2"), QStringLiteral("a2"))), qint64(5));

    const Response page = call(port, "GET", "/api/v1/rooms/lobby/messages", {}, bearer(ana));
    QList<qint64> ids;
    for (const QJsonValue &value : page.json().value(QLatin1StringView("events")).toArray())
        ids.append(qint64(value.toObject()
                              .value(QLatin1StringView("data"))
                              .toObject()
                              .value(QLatin1StringView("id"))
                              .toDouble()));
    QCOMPARE(ids, (QList<qint64> {1, 3, 5}));

    // Resuming from the lab's id 4 (the client may have had it from anywhere): lobby's 5 only.
    StreamReader fromLab(port, {ana.token, QStringLiteral("lobby"), QByteArrayLiteral("4")});
    QVERIFY(fromLab.waitForEvents(1));
    QCOMPARE(fromLab.events().front().type, QStringLiteral("message"));
    QCOMPARE(fromLab.events().front().lastEventId, QStringLiteral("5"));
    StreamReader fromThree(port, {ana.token, QStringLiteral("lobby"), QByteArrayLiteral("3")});
    QVERIFY(fromThree.waitForEvents(1));
    QCOMPARE(fromThree.events().front().lastEventId, QStringLiteral("5"));
    // Ahead of the hub's newest id (5), not only of the room's: reset.
    StreamReader ahead(port, {ana.token, QStringLiteral("lobby"), QByteArrayLiteral("6")});
    QVERIFY(ahead.waitForEvents(1));
    QCOMPARE(ahead.events().front().type, QStringLiteral("reset"));
    QCOMPARE(dataOf(ahead.events().front()).value(QLatin1StringView("lastId")).toInteger(), 5);
}

QTEST_GUILESS_MAIN(TestHub)
#include "tst_hub.moc"
