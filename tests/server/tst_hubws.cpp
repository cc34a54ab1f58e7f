// GET /api/v2/ws over real loopback sockets: the member stream as WebSocket text frames, with a
// QWebSocket client (and Node's standard WebSocket when node is installed): the same events,
// privacy, resume, reset and slow-subscriber cap as GET /api/v2/events (docs/protocol.md).

#include "hubtestkit.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace confab;
using namespace confab::test;

namespace {

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

qint64 postTo(quint16 port, const Session &from, const QString &conversation, const QString &text)
{
    static int clientIds = 0;
    const Response posted = callAs(port, from, "POST", messagesPath(conversation),
                                   messageBody(text, QStringLiteral("c%1").arg(++clientIds)));
    return posted.status == 201 ? qint64(posted.json().value(QLatin1StringView("id")).toDouble())
                                : -1;
}

// One WebSocket of a member, collecting the frames as parsed JSON.
class SocketReader
{
public:
    SocketReader(quint16 port, const Session &session, const QByteArray &query = {})
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket,
                         [this](const QString &text) {
                             m_frames.push_back(QJsonDocument::fromJson(text.toUtf8()).object());
                         });
        QObject::connect(&m_socket, &QWebSocket::disconnected, &m_socket,
                         [this] { m_closed = true; });
        m_socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v2/ws?token=%2%3")
                               .arg(port)
                               .arg(QString::fromUtf8(session.token), QString::fromUtf8(query))));
    }
    bool waitForConnected()
    {
        return QTest::qWaitFor(
                   [this] {
                       return m_socket.state() == QAbstractSocket::ConnectedState || m_closed;
                   },
                   WaitMs)
            && m_socket.state() == QAbstractSocket::ConnectedState;
    }
    std::vector<QJsonObject> ofType(const QString &type) const
    {
        std::vector<QJsonObject> out;
        for (const QJsonObject &frame : m_frames) {
            if (frame.value(QLatin1StringView("event")).toString() == type)
                out.push_back(frame);
        }
        return out;
    }
    bool has(const QString &text) const
    {
        for (const QJsonObject &frame : m_frames) {
            if (QJsonDocument(frame).toJson().contains(text.toUtf8()))
                return true;
        }
        return false;
    }
    const std::vector<QJsonObject> &frames() const { return m_frames; }
    bool closed() const { return m_closed; }
    QWebSocket &socket() { return m_socket; }

private:
    QWebSocket m_socket;
    std::vector<QJsonObject> m_frames;
    bool m_closed = false;
};

QByteArray upgradeHead(const QByteArray &target)
{
    return "GET " + target
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
}

} // namespace

class TestHubWebSocket : public QObject
{
    Q_OBJECT
private slots:
    void carriesTheMemberStreamAsFrames();
    void thirdMemberSeesNoOtherPairsDm();
    void resumesAndResets();
    void refusesWhatIsNotAWebSocketOrNotSignedIn();
    void slowSocketIsDropped();
    void nodeStandardClient();
};

void TestHubWebSocket::carriesTheMemberStreamAsFrames()
{
    HubSettings settings;
    settings.messagesPerSecond = 0;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    SocketReader anaSocket(port, ana);
    QVERIFY(anaSocket.waitForConnected());
    // Ana's own online (ephemeral, no id) comes first.
    QTRY_COMPARE_WITH_TIMEOUT(anaSocket.ofType(QStringLiteral("presence")).size(), size_t(1),
                              WaitMs);
    QVERIFY(
        !anaSocket.ofType(QStringLiteral("presence")).front().contains(QLatin1StringView("id")));

    const qint64 id = postTo(port, bo, QStringLiteral("lobby"), QStringLiteral("hello ws"));
    QVERIFY(id > 0);
    QTRY_COMPARE_WITH_TIMEOUT(anaSocket.ofType(QStringLiteral("message")).size(), size_t(1),
                              WaitMs);
    const QJsonObject message = anaSocket.ofType(QStringLiteral("message")).front();
    QCOMPARE(qint64(message.value(QLatin1StringView("id")).toDouble()), id);
    const QJsonObject data = message.value(QLatin1StringView("data")).toObject();
    QCOMPARE(data.value(QLatin1StringView("text")).toString(), QStringLiteral("hello ws"));
    QCOMPARE(data.value(QLatin1StringView("conversation")).toString(), QStringLiteral("lobby"));
    QCOMPARE(message.keys(),
             (QStringList {QStringLiteral("data"), QStringLiteral("event"), QStringLiteral("id")}));

    // Events to the member alone, and typing, come the same way.
    QCOMPARE(callAs(port, ana, "POST", "/api/v2/channels", R"({"id":"dev","title":"Dev"})").status,
             201);
    QCOMPARE(callAs(port, bo, "POST", "/api/v2/conversations/lobby/typing").status, 204);
    QTRY_COMPARE_WITH_TIMEOUT(anaSocket.ofType(QStringLiteral("conversation_added")).size(),
                              size_t(1), WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(anaSocket.ofType(QStringLiteral("typing")).size(), size_t(1), WaitMs);
    // A WebSocket counts as a stream for presence and in the hub's subscriber count.
    QVERIFY(call(port, "GET", "/metrics").body.contains("confab_subscribers 1"));

    // At shutdown: `bye`, then a close frame.
    fixture.hub().shutdown(QStringLiteral("test"));
    QTRY_VERIFY_WITH_TIMEOUT(anaSocket.closed(), WaitMs);
    QCOMPARE(anaSocket.ofType(QStringLiteral("bye")).size(), size_t(1));
    QCOMPARE(int(anaSocket.socket().closeCode()), 1001);
}

void TestHubWebSocket::thirdMemberSeesNoOtherPairsDm()
{
    HubSettings settings;
    settings.messagesPerSecond = 0;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    const Session cy = signInToHub(port, QStringLiteral("Cy"));
    SocketReader boSocket(port, bo);
    SocketReader cySocket(port, cy);
    QVERIFY(boSocket.waitForConnected() && cySocket.waitForConnected());
    const Response dm
        = callAs(port, ana, "POST", "/api/v2/dms", json({{QStringLiteral("member"), bo.memberId}}));
    const QString dmId = dm.json().value(QLatin1StringView("id")).toString();
    QVERIFY(postTo(port, ana, dmId, QStringLiteral("secret")) > 0);
    QVERIFY(postTo(port, ana, QStringLiteral("lobby"), QStringLiteral("public")) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(cySocket.has(QStringLiteral("public")), WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(boSocket.has(QStringLiteral("public")), WaitMs);
    QVERIFY(boSocket.has(QStringLiteral("secret")));
    QCOMPARE(boSocket.ofType(QStringLiteral("conversation_added")).size(), size_t(1));
    QVERIFY(!cySocket.has(QStringLiteral("secret")));
    QVERIFY(!cySocket.has(dmId));
    QVERIFY(cySocket.ofType(QStringLiteral("conversation_added")).empty());
}

void TestHubWebSocket::resumesAndResets()
{
    HubSettings settings;
    settings.messagesPerSecond = 0;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const qint64 first = postTo(port, ana, QStringLiteral("lobby"), QStringLiteral("one"));
    const qint64 second = postTo(port, ana, QStringLiteral("lobby"), QStringLiteral("two"));
    const qint64 third = postTo(port, ana, QStringLiteral("lobby"), QStringLiteral("three"));
    QVERIFY(first > 0 && third > second);

    SocketReader resumed(port, ana, "&lastEventId=" + QByteArray::number(first));
    QVERIFY(resumed.waitForConnected());
    QTRY_COMPARE_WITH_TIMEOUT(resumed.ofType(QStringLiteral("message")).size(), size_t(2), WaitMs);
    QCOMPARE(qint64(resumed.ofType(QStringLiteral("message"))
                        .at(0)
                        .value(QLatin1StringView("id"))
                        .toDouble()),
             second);
    QCOMPARE(qint64(resumed.ofType(QStringLiteral("message"))
                        .at(1)
                        .value(QLatin1StringView("id"))
                        .toDouble()),
             third);
    // Replayed before anything live: the first frame is the replay's.
    QCOMPARE(resumed.frames().front().value(QLatin1StringView("event")).toString(),
             QStringLiteral("message"));

    SocketReader ahead(port, ana, "&lastEventId=" + QByteArray::number(third + 1));
    QVERIFY(ahead.waitForConnected());
    QTRY_VERIFY_WITH_TIMEOUT(!ahead.frames().empty(), WaitMs);
    QCOMPARE(ahead.frames().front().value(QLatin1StringView("event")).toString(),
             QStringLiteral("reset"));
    QCOMPARE(ahead.frames()
                 .front()
                 .value(QLatin1StringView("data"))
                 .toObject()
                 .value(QLatin1StringView("reason"))
                 .toString(),
             QStringLiteral("ahead_of_room"));

    SocketReader otherHub(port, ana, "&lastEventId=1&hubInstance=0123456789abcdef");
    QVERIFY(otherHub.waitForConnected());
    QTRY_VERIFY_WITH_TIMEOUT(!otherHub.frames().empty(), WaitMs);
    QCOMPARE(otherHub.frames()
                 .front()
                 .value(QLatin1StringView("data"))
                 .toObject()
                 .value(QLatin1StringView("reason"))
                 .toString(),
             QStringLiteral("other_hub"));
}

void TestHubWebSocket::refusesWhatIsNotAWebSocketOrNotSignedIn()
{
    HubFixture fixture;
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));

    const Response noToken = rawRequest(port, upgradeHead("/api/v2/ws"));
    QCOMPARE(noToken.status, 401);
    QCOMPARE(noToken.errorCode(), QStringLiteral("unauthorized"));
    QCOMPARE(noToken.header("connection"), QByteArrayLiteral("close"));

    const Response plain = callAs(port, ana, "GET", "/api/v2/ws");
    QCOMPARE(plain.status, 426);
    QCOMPARE(plain.header("upgrade"), QByteArrayLiteral("websocket"));

    QByteArray badKey = upgradeHead("/api/v2/ws?token=" + ana.token);
    badKey.replace("dGhlIHNhbXBsZSBub25jZQ==", "short");
    const Response refusedKey = rawRequest(port, badKey);
    QCOMPARE(refusedKey.status, 400);

    // An upgrade elsewhere goes through the router like any request: 404, not a socket.
    const Response elsewhere = rawRequest(port, upgradeHead("/api/v2/nothing?token=" + ana.token));
    QCOMPARE(elsewhere.status, 404);

    // The handshake answer itself (RFC 6455's example key), from the raw bytes.
    // It may follow an answered request on the same keep-alive connection.
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(raw.waitForConnected(WaitMs));
    raw.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray first;
    QVERIFY(QTest::qWaitFor(
        [&] {
            first += raw.readAll();
            return first.contains("\"status\":\"ok\"");
        },
        WaitMs));
    raw.write(upgradeHead("/api/v2/ws?token=" + ana.token));
    QByteArray head;
    QVERIFY(QTest::qWaitFor(
        [&] {
            head += raw.readAll();
            return head.contains("\r\n\r\n");
        },
        WaitMs));
    QVERIFY2(head.startsWith("HTTP/1.1 101 "), head.constData());
    QVERIFY(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
    // The hub still answers ordinary requests.
    QCOMPARE(call(port, "GET", "/healthz").status, 200);
}

void TestHubWebSocket::slowSocketIsDropped()
{
    HubSettings settings;
    settings.messagesPerSecond = 0;
    settings.maxUnsentBytes = 64 * 1024;
    settings.maxTextChars = 60000;
    settings.maxBodyBytes = 128 * 1024;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));

    // A client that completes the handshake and then never reads, with small socket buffers.
    QTcpSocket slow;
    slow.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    slow.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(slow.waitForConnected(WaitMs));
    slow.write(upgradeHead("/api/v2/ws?token=" + bo.token));
    QVERIFY(QTest::qWaitFor([&] { return slow.bytesAvailable() > 0; }, WaitMs));
    slow.setReadBufferSize(1); // from now on Qt reads (almost) nothing for us
    SocketReader healthy(port, ana);
    QVERIFY(healthy.waitForConnected());

    const QString text(59000, QLatin1Char('x'));
    constexpr int Messages = 250; // 15 MB: far past the cap plus what kernel buffers absorb
    for (int i = 0; i < Messages; ++i)
        QVERIFY(postTo(port, ana, QStringLiteral("lobby"), text + QString::number(i)) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(healthy.ofType(QStringLiteral("message")).size(), size_t(Messages),
                              60000);
    QTRY_VERIFY_WITH_TIMEOUT(
        call(port, "GET", "/metrics").body.contains("confab_slow_subscribers_dropped_total 1"),
        WaitMs);
}

void TestHubWebSocket::nodeStandardClient()
{
    // Node 20's WebSocket (the WHATWG one browsers have) behind --experimental-websocket.
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        QSKIP("node is not installed");
    HubSettings settings;
    settings.messagesPerSecond = 0;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const quint16 port = fixture.port();
    const Session ana = signInToHub(port, QStringLiteral("Ana"));
    const Session bo = signInToHub(port, QStringLiteral("Bo"));
    QTemporaryFile script(QDir::tempPath() + QStringLiteral("/confab-ws-XXXXXX.mjs"));
    QVERIFY(script.open());
    // Prints each frame's event name, and the message text; exits after the first message.
    script.write(R"JS(
const ws = new WebSocket(process.argv[2]);
ws.onopen = () => console.log('open');
ws.onmessage = (e) => {
  const frame = JSON.parse(e.data);
  console.log(frame.event + (frame.event === 'message' ? ':' + frame.data.text + ':' + frame.id : ''));
  if (frame.event === 'message') ws.close(1000);
};
ws.onclose = (e) => { console.log('closed:' + e.code); process.exit(0); };
ws.onerror = () => { console.log('error'); process.exit(1); };
setTimeout(() => { console.log('timeout'); process.exit(2); }, 15000);
)JS");
    script.close();
    QProcess client;
    client.start(node,
                 {QStringLiteral("--no-warnings"), QStringLiteral("--experimental-websocket"),
                  script.fileName(),
                  QStringLiteral("ws://127.0.0.1:%1/api/v2/ws?token=%2")
                      .arg(port)
                      .arg(QString::fromUtf8(bo.token))});
    QVERIFY(client.waitForStarted(WaitMs));
    QByteArray output;
    QVERIFY(QTest::qWaitFor(
        [&] {
            output += client.readAllStandardOutput();
            return output.contains("open") || client.state() == QProcess::NotRunning;
        },
        WaitMs));
    const qint64 id = postTo(port, ana, QStringLiteral("lobby"), QStringLiteral("to node"));
    QVERIFY(QTest::qWaitFor([&] { return client.state() == QProcess::NotRunning; }, WaitMs));
    output += client.readAllStandardOutput();
    const QByteArray expected = "message:to node:" + QByteArray::number(id);
    QVERIFY2(output.contains(expected), output.constData());
    // Node's close handshake got the hub's answer (not a dropped connection: 1006).
    QVERIFY2(output.contains("closed:1000"), output.constData());
    QCOMPARE(client.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestHubWebSocket)
#include "tst_hubws.moc"
