// The stream client against a scripted HTTP server on 127.0.0.1: what a browser's EventSource
// does (events as they arrive, reconnection with Last-Event-ID after `retry:`, failure on a bad
// status or type), plus our watchdog, caps and backoff.

#include "scriptedserver.h"
#include "sseclient.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using confab::Backoff;
using confab::SseClient;
using confab::test::ScriptedServer;

namespace {

constexpr int Timeout = 20000; // generous: the CI machine is small and shared

const QByteArray StreamPath = "/stream";

struct Received
{
    QString type;
    QString data;
    QString lastEventId;
};

// Collects the client's events as they are emitted.
class EventLog : public QObject
{
public:
    explicit EventLog(SseClient *client)
    {
        connect(client, &SseClient::eventReceived, this,
                [this](const QString &type, const QString &data, const QString &id) {
                    events.append({type, data, id});
                });
    }
    QStringList datas() const
    {
        QStringList out;
        for (const Received &event : events)
            out.append(event.data);
        return out;
    }
    QList<Received> events;
};

QList<int> retryDelays(const QSignalSpy &spy)
{
    QList<int> delays;
    for (const QList<QVariant> &arguments : spy) {
        if (arguments.at(2).toInt() > 0)
            delays.append(arguments.at(2).toInt());
    }
    return delays;
}

} // namespace

class TestSseClient : public QObject
{
    Q_OBJECT
private slots:
    void backoffStartsAtTheReconnectionTime();
    void backoffGrowsWithJitterUpToTheCap();
    void backoffResets();

    void eventsArriveBeforeTheResponseEnds();
    void slowChunksByteByByte();
    void chunkedResponse();
    void sendsStreamHeaders();
    void reconnectsAfterAbruptCloseWithLastEventId();
    void followsChangingRetry();
    void failsWithoutReconnecting_data();
    void failsWithoutReconnecting();
    void acceptsContentTypeWithParameters();
    void followsRedirects();
    void redirectToAFailureFails();
    void watchdogReconnectsASilentLink();
    void heartbeatsKeepTheLinkAlive();
    void endlessLineIsCappedAndRetried();
    void hugeDataFieldIsCappedAndRetried();
    void unreachableHostBacksOff();
    void reconnectLimitCloses();
    void stopMeansNoReconnection();
};

void TestSseClient::backoffStartsAtTheReconnectionTime()
{
    Backoff backoff({}, 1);
    QCOMPARE(backoff.nextDelayMs(3000), 3000);
    QCOMPARE(backoff.attempts(), 1);
}

void TestSseClient::backoffGrowsWithJitterUpToTheCap()
{
    Backoff::Settings settings;
    settings.maxDelayMs = 30000;
    settings.jitter = 0.3;
    Backoff backoff(settings, 42);
    QList<int> delays;
    for (int i = 0; i < 12; ++i)
        delays.append(backoff.nextDelayMs(1000));
    QCOMPARE(delays.first(), 1000);
    // Attempt n waits 1000 * 2^n, cut by up to 30 %, never above the cap.
    for (int n = 1; n < delays.size(); ++n) {
        const double grown = qMin(30000.0, 1000.0 * (1 << n));
        QVERIFY2(delays[n] <= grown && delays[n] >= grown * 0.7 - 1,
                 qPrintable(QStringLiteral("attempt %1: %2").arg(n).arg(delays[n])));
    }
    QVERIFY(delays.last() >= 21000);
    // Jitter: two clients with other seeds do not wait the same.
    Backoff other(settings, 7);
    QList<int> otherDelays;
    for (int i = 0; i < 12; ++i)
        otherDelays.append(other.nextDelayMs(1000));
    QVERIFY(otherDelays != delays);
    // A server that asks for more than the cap still gets what it asked.
    Backoff patient(settings, 3);
    patient.nextDelayMs(60000);
    QVERIFY(patient.nextDelayMs(60000) >= 60000);
}

void TestSseClient::backoffResets()
{
    Backoff backoff({}, 5);
    backoff.nextDelayMs(500);
    backoff.nextDelayMs(500);
    QVERIFY(backoff.nextDelayMs(500) > 500);
    backoff.reset();
    QCOMPARE(backoff.attempts(), 0);
    QCOMPARE(backoff.nextDelayMs(500), 500);
}

void TestSseClient::eventsArriveBeforeTheResponseEnds()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(StreamPath,
                      {{ScriptedServer::send(ScriptedServer::head() + "data: first\n\n"),
                        ScriptedServer::hold()}});
    SseClient client;
    EventLog log(&client);
    QSignalSpy opened(&client, &SseClient::opened);
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    // The response never ends: the event must come out anyway.
    QTRY_COMPARE_WITH_TIMEOUT(log.datas(), QStringList {QStringLiteral("first")}, Timeout);
    QCOMPARE(opened.size(), 1);
    QCOMPARE(client.state(), SseClient::State::Open);
    QCOMPARE(log.events.first().type, QStringLiteral("message"));
}

void TestSseClient::slowChunksByteByByte()
{
    const QByteArray body = "\xEF\xBB\xBF"
                            "event: greet\r\ndata: h\xC3\xA9llo\r\ndata: w\r\n\r\n";
    ScriptedServer::Script script {ScriptedServer::send(ScriptedServer::head())};
    for (const char byte : body) {
        script.append(ScriptedServer::send(QByteArray(1, byte)));
        script.append(ScriptedServer::wait(5));
    }
    script.append(ScriptedServer::hold());
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(StreamPath, {script});
    SseClient client;
    EventLog log(&client);
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(log.events.size(), 1, Timeout);
    QCOMPARE(log.events.first().type, QStringLiteral("greet"));
    QCOMPARE(log.events.first().data, QString::fromUtf8("h\xC3\xA9llo\nw"));
}

void TestSseClient::chunkedResponse()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    const QByteArray head
        = ScriptedServer::head(200, "text/event-stream", "Transfer-Encoding: chunked\r\n");
    server.setScripts(
        StreamPath,
        {{ScriptedServer::send(head + ScriptedServer::chunk("retry: 3000\n\n")),
          ScriptedServer::send(ScriptedServer::chunk("id: 1\ndata: a\n\n")),
          ScriptedServer::wait(50), ScriptedServer::send(ScriptedServer::chunk("id: 2\nda")),
          ScriptedServer::send(ScriptedServer::chunk("ta: b\n\n")), ScriptedServer::hold()}});
    SseClient client;
    EventLog log(&client);
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(log.datas(), (QStringList {QStringLiteral("a"), QStringLiteral("b")}),
                              Timeout);
    QCOMPARE(client.lastEventId(), QStringLiteral("2"));
}

void TestSseClient::sendsStreamHeaders()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(StreamPath,
                      {{ScriptedServer::send(ScriptedServer::head()), ScriptedServer::hold()}});
    SseClient client;
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.setRawHeader("Authorization", "Bearer abc");
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), SseClient::State::Open, Timeout);
    const auto request = server.requests(StreamPath).first();
    QCOMPARE(request.method, QByteArray("GET"));
    QCOMPARE(request.headers.value("accept"), QByteArray("text/event-stream"));
    QCOMPARE(request.headers.value("cache-control"), QByteArray("no-cache"));
    QCOMPARE(request.headers.value("authorization"), QByteArray("Bearer abc"));
    QVERIFY(!request.headers.contains("last-event-id")); // empty ID: no header at all
    QVERIFY(!request.headers.contains("upgrade")); // HTTP/1.1, no h2c
}

void TestSseClient::reconnectsAfterAbruptCloseWithLastEventId()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(
        StreamPath,
        {{ScriptedServer::send(ScriptedServer::head() + "retry: 300\n\nid: 5\ndata: a\n\n"
                               + "data: unfinished"),
          ScriptedServer::wait(50), ScriptedServer::abort()},
         {ScriptedServer::send(ScriptedServer::head() + "data: b\n\nid: 6\ndata: c\n\n"),
          ScriptedServer::hold()}});
    SseClient client;
    EventLog log(&client);
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(
        log.datas(), (QStringList {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}),
        Timeout);
    const auto requests = server.requests(StreamPath);
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests[1].headers.value("last-event-id"), QByteArray("5"));
    // It waited the reconnection time the stream asked for (QTimer may be a little early).
    QVERIFY2(requests[1].receivedAtMs - requests[0].receivedAtMs >= 280,
             QByteArray::number(requests[1].receivedAtMs - requests[0].receivedAtMs).constData());
    // The event without an id keeps the last one.
    QCOMPARE(log.events[1].lastEventId, QStringLiteral("5"));
    QCOMPARE(client.lastEventId(), QStringLiteral("6"));
}

void TestSseClient::followsChangingRetry()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(
        StreamPath,
        {{ScriptedServer::send(ScriptedServer::head() + "retry: 100\n\ndata: 1\n\n"),
          ScriptedServer::close()},
         {ScriptedServer::send(ScriptedServer::head() + "retry: 1500\n\ndata: 2\n\n"),
          ScriptedServer::close()},
         {ScriptedServer::send(ScriptedServer::head() + "data: 3\n\n"), ScriptedServer::hold()}});
    SseClient client;
    EventLog log(&client);
    QSignalSpy states(&client, &SseClient::stateChanged);
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(log.datas().size(), 3, Timeout);
    const auto requests = server.requests(StreamPath);
    QCOMPARE(requests.size(), 3);
    QVERIFY(requests[2].receivedAtMs - requests[1].receivedAtMs >= 1400);
    QCOMPARE(retryDelays(states), (QList<int> {100, 1500}));
    // The reason says why, never a frozen delay; the delay travels on its own for displays.
    for (const auto &arguments : std::as_const(states))
        QVERIFY(!arguments.at(1).toString().contains(QStringLiteral("Reconnecting in")));
    QCOMPARE(SseClient::reconnectNote(1500), QStringLiteral("Reconnecting in 2 s."));
}

void TestSseClient::failsWithoutReconnecting_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<int>("status");
    QTest::newRow("204") << ScriptedServer::head(204, {}) << 204;
    QTest::newRow("500") << QByteArray(ScriptedServer::head(500, "text/plain") + "boom") << 500;
    QTest::newRow("404 with event-stream type") << ScriptedServer::head(404) << 404;
    QTest::newRow("text/plain") << QByteArray(ScriptedServer::head(200, "text/plain")
                                              + "data: x\n\n")
                                << 0;
    QTest::newRow("no content type")
        << QByteArray(ScriptedServer::head(200, {}) + "data: x\n\n") << 0;
    QTest::newRow("event-stream as a prefix only")
        << QByteArray(ScriptedServer::head(200, "text/event-streamx") + "data: x\n\n") << 0;
}

void TestSseClient::failsWithoutReconnecting()
{
    QFETCH(QByteArray, response);
    QFETCH(int, status);
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(StreamPath, {{ScriptedServer::send(response), ScriptedServer::close()}});
    SseClient client;
    EventLog log(&client);
    QSignalSpy failed(&client, &SseClient::failed);
    QSignalSpy closed(&client, &SseClient::closed);
    client.setDefaultRetryMs(50); // a wrong reconnection would come quickly
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, Timeout);
    QCOMPARE(failed.first().at(0).toInt(), status);
    QCOMPARE(closed.size(), 1);
    QCOMPARE(client.state(), SseClient::State::Closed);
    QTest::qWait(500);
    QCOMPARE(server.connectionCount(StreamPath), 1);
    QVERIFY(log.events.isEmpty());
}

void TestSseClient::acceptsContentTypeWithParameters()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(
        StreamPath,
        {{ScriptedServer::send(ScriptedServer::head(200, "Text/Event-Stream ; charset=utf-8")
                               + "data: ok\n\n"),
          ScriptedServer::hold()}});
    SseClient client;
    EventLog log(&client);
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(log.datas(), QStringList {QStringLiteral("ok")}, Timeout);
}

void TestSseClient::followsRedirects()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(
        "/old",
        {{ScriptedServer::send(ScriptedServer::head(302, "text/plain", "Location: /stream\r\n")),
          ScriptedServer::close()}});
    server.setScripts(StreamPath,
                      {{ScriptedServer::send(ScriptedServer::head() + "data: moved\n\n"),
                        ScriptedServer::hold()}});
    SseClient client;
    EventLog log(&client);
    client.setUrl(server.url(QStringLiteral("/old")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(log.datas(), QStringList {QStringLiteral("moved")}, Timeout);
    QCOMPARE(client.state(), SseClient::State::Open);
}

void TestSseClient::redirectToAFailureFails()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(
        "/old",
        {{ScriptedServer::send(ScriptedServer::head(307, "text/plain", "Location: /gone\r\n")),
          ScriptedServer::close()}});
    server.setScripts(
        "/gone", {{ScriptedServer::send(ScriptedServer::head(204, {})), ScriptedServer::close()}});
    SseClient client;
    QSignalSpy failed(&client, &SseClient::failed);
    client.setDefaultRetryMs(50);
    client.setUrl(server.url(QStringLiteral("/old")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, Timeout);
    QCOMPARE(failed.first().at(0).toInt(), 204);
    QTest::qWait(300);
    QCOMPARE(server.connectionCount("/old"), 1);
}

void TestSseClient::watchdogReconnectsASilentLink()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(
        StreamPath,
        {{ScriptedServer::send(ScriptedServer::head() + "retry: 50\n\nid: 1\ndata: a\n\n"),
          ScriptedServer::hold()},
         {ScriptedServer::send(ScriptedServer::head() + "id: 2\ndata: b\n\n"),
          ScriptedServer::hold()}});
    SseClient client;
    EventLog log(&client);
    QSignalSpy states(&client, &SseClient::stateChanged);
    client.setHeartbeatIntervalMs(200); // the watchdog fires after 500 ms of silence
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(log.datas(), (QStringList {QStringLiteral("a"), QStringLiteral("b")}),
                              Timeout);
    const auto requests = server.requests(StreamPath);
    QVERIFY(requests.size() >= 2);
    QCOMPARE(requests[1].headers.value("last-event-id"), QByteArray("1"));
    QVERIFY(requests[1].receivedAtMs - requests[0].receivedAtMs >= 450);
    bool saidSilent = false;
    for (const auto &arguments : std::as_const(states))
        saidSilent = saidSilent || arguments.at(1).toString().contains(QStringLiteral("No data"));
    QVERIFY(saidSilent);
}

void TestSseClient::heartbeatsKeepTheLinkAlive()
{
    // 1.5 s of comments every 100 ms, with the watchdog at 500 ms: one connection throughout.
    ScriptedServer::Script script {ScriptedServer::send(ScriptedServer::head())};
    for (int i = 0; i < 15; ++i) {
        script.append(ScriptedServer::send(": hb\n\n"));
        script.append(ScriptedServer::wait(100));
    }
    script.append(ScriptedServer::send("data: done\n\n"));
    script.append(ScriptedServer::hold());
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(StreamPath, {script});
    SseClient client;
    EventLog log(&client);
    client.setHeartbeatIntervalMs(200);
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(log.datas(), QStringList {QStringLiteral("done")}, Timeout);
    QCOMPARE(server.connectionCount(StreamPath), 1);
}

void TestSseClient::endlessLineIsCappedAndRetried()
{
    // 64 KiB of one line in 1 KiB pieces against a 4 KiB line cap.
    ScriptedServer::Script endless {
        ScriptedServer::send(ScriptedServer::head() + "retry: 50\n\ndata: ")};
    for (int i = 0; i < 64; ++i) {
        endless.append(ScriptedServer::send(QByteArray(1024, 'x')));
        endless.append(ScriptedServer::wait(2));
    }
    endless.append(ScriptedServer::hold());
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(StreamPath,
                      {endless,
                       {ScriptedServer::send(ScriptedServer::head() + "data: sane\n\n"),
                        ScriptedServer::hold()}});
    SseClient client;
    EventLog log(&client);
    QSignalSpy states(&client, &SseClient::stateChanged);
    confab::SseParser::Limits limits;
    limits.maxLineBytes = 4096;
    client.setParserLimits(limits);
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(log.datas(), QStringList {QStringLiteral("sane")}, Timeout);
    QCOMPARE(server.connectionCount(StreamPath), 2);
    bool saidOversized = false;
    for (const auto &arguments : std::as_const(states))
        saidOversized
            = saidOversized || arguments.at(1).toString().contains(QStringLiteral("oversized"));
    QVERIFY(saidOversized);
}

void TestSseClient::hugeDataFieldIsCappedAndRetried()
{
    // 1 MiB of short `data:` lines that never end the event, against a 64 KiB data cap.
    ScriptedServer::Script huge {ScriptedServer::send(ScriptedServer::head() + "retry: 50\n\n")};
    QByteArray lines;
    for (int i = 0; i < 1024; ++i)
        lines += "data: " + QByteArray(1017, 'y') + '\n';
    for (int i = 0; i < 16; ++i) {
        huge.append(ScriptedServer::send(lines.mid(i * 65536, 65536)));
        huge.append(ScriptedServer::wait(2));
    }
    huge.append(ScriptedServer::hold());
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(StreamPath,
                      {huge,
                       {ScriptedServer::send(ScriptedServer::head() + "data: small\n\n"),
                        ScriptedServer::hold()}});
    SseClient client;
    EventLog log(&client);
    confab::SseParser::Limits limits;
    limits.maxEventDataBytes = 64 * 1024;
    client.setParserLimits(limits);
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(log.datas(), QStringList {QStringLiteral("small")}, Timeout);
    QCOMPARE(server.connectionCount(StreamPath), 2);
}

void TestSseClient::unreachableHostBacksOff()
{
    // A port that was just free: nothing listens there.
    quint16 deadPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        deadPort = probe.serverPort();
    }
    SseClient client;
    QSignalSpy states(&client, &SseClient::stateChanged);
    client.setDefaultRetryMs(100);
    client.setUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/stream").arg(deadPort)));
    client.start();
    QTRY_VERIFY_WITH_TIMEOUT(retryDelays(states).size() >= 2, Timeout);
    client.stop();
    const QList<int> delays = retryDelays(states);
    QCOMPARE(delays[0], 100); // first: the reconnection time, as the standard says
    QVERIFY(delays[1] >= 1400); // then exponential growth, with jitter
    QVERIFY(delays[1] <= 2000);
    QVERIFY(states.last().at(0).value<SseClient::State>() == SseClient::State::Closed);
}

void TestSseClient::reconnectLimitCloses()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(StreamPath,
                      {{ScriptedServer::send(ScriptedServer::head() + "retry: 20\n\ndata: x\n\n"),
                        ScriptedServer::close()}});
    SseClient client;
    EventLog log(&client);
    QSignalSpy closed(&client, &SseClient::closed);
    QSignalSpy failed(&client, &SseClient::failed);
    client.setReconnectLimit(2);
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, Timeout);
    QCOMPARE(server.connectionCount(StreamPath), 3);
    QCOMPARE(log.events.size(), 3);
    QCOMPARE(failed.size(), 0);
    QCOMPARE(client.state(), SseClient::State::Closed);
}

void TestSseClient::stopMeansNoReconnection()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(StreamPath,
                      {{ScriptedServer::send(ScriptedServer::head() + "retry: 20\n\ndata: x\n\n"),
                        ScriptedServer::hold()}});
    SseClient client;
    EventLog log(&client);
    QSignalSpy closed(&client, &SseClient::closed);
    // Stopping from inside the event handler is what a UI does on "Leave".
    connect(&client, &SseClient::eventReceived, &client, &SseClient::stop);
    client.setUrl(server.url(QStringLiteral("/stream")));
    client.start();
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, Timeout);
    QTest::qWait(300);
    QCOMPARE(server.connectionCount(StreamPath), 1);
    QCOMPARE(log.events.size(), 1);
    QCOMPARE(client.state(), SseClient::State::Closed);
}

QTEST_GUILESS_MAIN(TestSseClient)
#include "tst_sseclient.moc"
