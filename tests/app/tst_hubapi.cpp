// HubApi against the scripted server: the hub's error bodies, Retry-After, network errors,
// malformed or oversized answers, and what the requests carry.

#include "hubapi.h"
#include "hubapiwait.h"
#include "scriptedserver.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTest>
#include <QTimer>

using namespace confab;
using confab::test::ScriptedServer;

namespace {

using confab::test::wait;

constexpr int Timeout = 20000;

QByteArray jsonAnswer(int status, const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return ScriptedServer::head(status, "application/json",
                                "Content-Length: " + QByteArray::number(body.size()) + "\r\n"
                                    + extraHeaders)
        + body;
}

} // namespace

class TestHubApi : public QObject
{
    Q_OBJECT
private slots:
    void signInParsesTheSessionAndSendsNoOrigin();
    void hubErrorBodyIsParsed();
    void rateLimitCarriesRetryAfter();
    void unreachableHostIsANetworkError();
    void malformedAnswerIsAnError();
    void oversizedAnswerIsCutOff();
    void historyIsDecodedLikeTheStream();
};

void TestHubApi::signInParsesTheSessionAndSendsNoOrigin()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(
        "/api/v1/session",
        {{ScriptedServer::send(jsonAnswer(201,
                                          R"({"token":"T0k","member":{"id":"m_1","name":"Ana"},)"
                                          R"("room":{"id":"lobby","title":"Lab 3"}})")),
          ScriptedServer::close()}});
    server.setScripts("/api/v1/rooms/lobby/messages",
                      {{ScriptedServer::send(jsonAnswer(201, R"({"id":42,"ts":1700000000000})")),
                        ScriptedServer::close()}});
    HubApi api;
    api.setBaseUrl(server.url(QStringLiteral("")));
    const auto session
        = wait<SessionInfo>([&](auto done) { api.signIn(QStringLiteral("Ana"), {}, {}, done); });
    QVERIFY(session.ok());
    QCOMPARE(session.value->token, QStringLiteral("T0k"));
    QCOMPARE(session.value->member.id, QStringLiteral("m_1"));
    QCOMPARE(session.value->roomTitle, QStringLiteral("Lab 3"));
    QCOMPARE(api.token(), QStringLiteral("T0k"));

    const auto posted = wait<PostedMessage>([&](auto done) {
        api.postMessage(QStringLiteral("lobby"), QStringLiteral("hi"), QStringLiteral("c-1"), done);
    });
    QVERIFY(posted.ok());
    QCOMPARE(posted.value->id, 42);
    const auto request = server.requests("/api/v1/rooms/lobby/messages").first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.headers.value("authorization"), QByteArray("Bearer T0k"));
    QCOMPARE(request.headers.value("content-type"), QByteArray("application/json"));
    QVERIFY(request.headers.contains("content-length"));
    QVERIFY(!request.headers.contains("origin")); // a native client: the hub accepts it as such
}

void TestHubApi::hubErrorBodyIsParsed()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(
        "/api/v1/session",
        {{ScriptedServer::send(jsonAnswer(
              409, R"({"error":{"code":"name_taken","message":"Someone uses that name."}})")),
          ScriptedServer::close()}});
    HubApi api;
    api.setBaseUrl(server.url(QStringLiteral("/")));
    const auto result
        = wait<SessionInfo>([&](auto done) { api.signIn(QStringLiteral("Ana"), {}, {}, done); });
    QVERIFY(!result.ok());
    QCOMPARE(result.error.httpStatus, 409);
    QCOMPARE(result.error.code, QStringLiteral("name_taken"));
    QCOMPARE(result.error.message, QStringLiteral("Someone uses that name."));
    QVERIFY(!result.error.isTransient());
}

void TestHubApi::rateLimitCarriesRetryAfter()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts("/api/v1/rooms/lobby/messages",
                      {{ScriptedServer::send(jsonAnswer(
                            429, R"({"error":{"code":"rate_limited","message":"Slow down."}})",
                            "Retry-After: 7\r\n")),
                        ScriptedServer::close()}});
    HubApi api;
    api.setBaseUrl(server.url(QStringLiteral("/")));
    const auto result = wait<PostedMessage>([&](auto done) {
        api.postMessage(QStringLiteral("lobby"), QStringLiteral("x"), QStringLiteral("c-1"), done);
    });
    QVERIFY(!result.ok());
    QCOMPARE(result.error.httpStatus, 429);
    QCOMPARE(result.error.retryAfterSeconds, 7);
    QVERIFY(result.error.isTransient());
}

void TestHubApi::unreachableHostIsANetworkError()
{
    quint16 deadPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        deadPort = probe.serverPort();
    }
    HubApi api;
    api.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(deadPort)));
    const auto result = wait<std::vector<RoomInfo>>([&](auto done) { api.fetchRooms(done); });
    QVERIFY(!result.ok());
    QCOMPARE(result.error.httpStatus, 0);
    QCOMPARE(result.error.code, QStringLiteral("network"));
    QVERIFY(result.error.isNetwork());
    QVERIFY(result.error.isTransient());
}

void TestHubApi::malformedAnswerIsAnError()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts("/api/v1/session",
                      {{ScriptedServer::send(jsonAnswer(201, "<html>not json</html>")),
                        ScriptedServer::close()}});
    server.setScripts(
        "/api/v1/rooms/lobby/messages",
        {{ScriptedServer::send(jsonAnswer(201, R"({"ts":1})")), ScriptedServer::close()}});
    HubApi api;
    api.setBaseUrl(server.url(QStringLiteral("/")));
    const auto session
        = wait<SessionInfo>([&](auto done) { api.signIn(QStringLiteral("Ana"), {}, {}, done); });
    QVERIFY(!session.ok());
    QCOMPARE(session.error.code, QStringLiteral("bad_response"));
    const auto posted = wait<PostedMessage>([&](auto done) {
        api.postMessage(QStringLiteral("lobby"), QStringLiteral("x"), QStringLiteral("c-1"), done);
    });
    QVERIFY(!posted.ok()); // no id: not a success
}

void TestHubApi::oversizedAnswerIsCutOff()
{
    // 4 MB of "JSON" without end against a 256 KiB cap: the call fails instead of buffering it all.
    ScriptedServer::Script endless {
        ScriptedServer::send(ScriptedServer::head(200, "application/json") + "{\"rooms\":[")};
    const QByteArray block(256 * 1024, ' ');
    for (int i = 0; i < 16; ++i)
        endless.append(ScriptedServer::send(block));
    endless.append(ScriptedServer::hold());
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts("/api/v1/rooms", {endless});
    HubApi api;
    api.setBaseUrl(server.url(QStringLiteral("/")));
    api.setMaxResponseBytes(256 * 1024);
    QElapsedTimer timer;
    timer.start();
    const auto result = wait<std::vector<RoomInfo>>([&](auto done) { api.fetchRooms(done); });
    QVERIFY(!result.ok());
    QCOMPARE(result.error.code, QStringLiteral("response_too_large"));
    // Cut off as soon as the cap is passed, not when the request times out.
    QVERIFY2(timer.elapsed() < HubApi::RequestTimeoutMs / 2,
             QByteArray::number(timer.elapsed()).constData());
}

void TestHubApi::historyIsDecodedLikeTheStream()
{
    const QByteArray body
        = R"({"events":[)"
          R"({"type":"presence","data":{"state":"join","member":{"id":"m_1","name":"Ana"},"room":"lobby","ts":1,"id":1}},)"
          R"({"type":"message","data":{"id":2,"room":"lobby","from":{"id":"m_1","name":"Ana"},"text":"hi","ts":2,"clientId":"c-1"}},)"
          R"({"type":"mystery","data":{}}],"hasMore":true})";
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts("/api/v1/rooms/lobby/messages",
                      {{ScriptedServer::send(jsonAnswer(200, body)), ScriptedServer::close()}});
    HubApi api;
    api.setBaseUrl(server.url(QStringLiteral("/")));
    const auto page = wait<HistoryPage>(
        [&](auto done) { api.fetchHistory(QStringLiteral("lobby"), 10, 5, done); });
    QVERIFY(page.ok());
    QVERIFY(page.value->hasMore);
    QCOMPARE(page.value->events.size(), size_t(2)); // the unknown type is skipped
    QCOMPARE(eventSequence(page.value->events[0]), 1);
    QCOMPARE(std::get<MessageEvent>(page.value->events[1]).text, QStringLiteral("hi"));
    QCOMPARE(server.requests("/api/v1/rooms/lobby/messages").size(), 1);
}

QTEST_GUILESS_MAIN(TestHubApi)
#include "tst_hubapi.moc"
