// The hub's TLS over real loopback sockets: one port for HTTPS and HTTP, the identity, the
// handshake guard, curl and openssl as independent clients, and a pinned HubApi against the right
// hub and an impostor.

#include "hubapiwait.h"
#include "hubidentity.h"
#include "hubtestkit.h"
#include "idlesocketbuffers.h"
#include "pinnedtls.h"
#include "tlspolicy.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace confab;
using namespace confab::test;

namespace {

// A raw HTTPS client that trusts exactly the hub's certificate (as its only CA), so that the
// handshake is verified the ordinary way, independent of the code under test.
class TlsClient
{
public:
    TlsClient(quint16 port, const QSslCertificate &trusted)
    {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({trusted});
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        m_socket.setSslConfiguration(tls);
        QObject::connect(&m_socket, &QSslSocket::readyRead, &m_socket,
                         [this] { m_received += m_socket.readAll(); });
        m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port,
                                        QStringLiteral("localhost"));
    }
    bool waitForEncrypted()
    {
        return QTest::qWaitFor([this] { return m_socket.isEncrypted(); }, WaitMs);
    }
    void send(const QByteArray &bytes) { m_socket.write(bytes); }
    bool waitFor(QByteArrayView text)
    {
        return QTest::qWaitFor([&] { return m_received.contains(text); }, WaitMs);
    }
    const QByteArray &received() const { return m_received; }
    QSslSocket &socket() { return m_socket; }

private:
    QSslSocket m_socket;
    QByteArray m_received;
};

QByteArray postBytes(quint16 port, const Session &session, const QString &text,
                     const QString &clientId)
{
    const QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("text"), text},
                                                       {QStringLiteral("clientId"), clientId}})
                                .toJson(QJsonDocument::Compact);
    const QByteArray host = "127.0.0.1:" + QByteArray::number(port);
    // A browser's request: the Origin check must accept the https:// origin of the same host.
    return "POST /api/v1/rooms/lobby/messages HTTP/1.1\r\nHost: " + host + "\r\nOrigin: https://"
        + host + "\r\nAuthorization: Bearer " + session.token
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\n\r\n" + body;
}

qint64 metricValue(quint16 port, QByteArrayView name)
{
    const Response metrics = call(port, "GET", "/metrics");
    for (const QByteArray &line : metrics.body.split('\n')) {
        if (line.startsWith(name) && line.size() > name.size() && line[name.size()] == ' ')
            return line.mid(name.size() + 1).toLongLong();
    }
    return -1;
}

QSslCertificate hubCertificate(const HubFixture &fixture)
{
    QFile file(fixture.dataDir() + QLatin1Char('/')
               + QLatin1StringView(HubIdentity::CertificateFileName));
    if (!file.open(QIODevice::ReadOnly))
        return QSslCertificate();
    return QSslCertificate(file.readAll(), QSsl::Pem);
}

// Runs an external program to its end while this thread's event loop (and so the hub) runs.
struct Ran
{
    int exitCode = -1;
    QByteArray out;
};
Ran runTool(const QString &program, const QStringList &arguments, const QByteArray &input = {})
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForStarted(WaitMs))
        return {};
    process.write(input);
    process.closeWriteChannel();
    if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, WaitMs))
        process.kill();
    Ran ran;
    ran.out = process.readAll();
    ran.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return ran;
}

// The server side of one loopback TLS connection, set up as the hub sets up its own (a
// QSslSocket on an accepted descriptor, the hub's kind of identity), for tests of that socket
// alone.
class TlsServerSide : public QTcpServer
{
public:
    explicit TlsServerSide(const HubIdentity &identity)
    {
        m_tls = QSslConfiguration::defaultConfiguration();
        m_tls.setLocalCertificate(identity.certificate());
        m_tls.setPrivateKey(identity.privateKey());
        m_tls.setProtocol(QSsl::TlsV1_2OrLater);
        m_tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    }
    QSslSocket *socket = nullptr;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        socket = new QSslSocket(this);
        socket->setSocketDescriptor(descriptor);
        socket->setSslConfiguration(m_tls);
        socket->startServerEncryption();
    }

private:
    QSslConfiguration m_tls;
};

QByteArray pattern(int size, int seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        bytes[i] = char((i * 31 + seed) % 251);
    return bytes;
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT
private slots:
    void identityIsCreatedPrivateAndReported();
    void tlsAndPlainClientsShareOneRoom();
    void byeReachesATlsStreamWhenTheHubIsDestroyedAtOnce();
    void releasingIdleTlsBuffersKeepsEveryByte();
    void anIdleTlsStreamStillSeesItsClientLeave();
    void curlAndOpenSslAgreeWithTheHub();
    void badHandshakesAreCutAndCounted();
    void aClientStallingAfterItsClientHelloIsCut();
    void pinnedClientRefusesAnImpostor();
    void requiredModeRedirectsOnlyOtherMachines();
    void offModeServesPlainOnly();
};

void TestTls::identityIsCreatedPrivateAndReported()
{
    HubFixture fixture;
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const QString certPath = fixture.dataDir() + QLatin1Char('/')
        + QLatin1StringView(HubIdentity::CertificateFileName);
    const QString keyPath
        = fixture.dataDir() + QLatin1Char('/') + QLatin1StringView(HubIdentity::KeyFileName);
    // Readable and writable by the owner, nothing for group and others.
    const QFileDevice::Permissions groupAndOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup
        | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::WriteOther
        | QFileDevice::ExeOther;
    for (const QString &path : {keyPath, certPath}) {
        QVERIFY(QFile::permissions(path).testFlag(QFileDevice::ReadOwner));
        QCOMPARE(QFile::permissions(path) & groupAndOthers, QFileDevice::Permissions());
    }

    const QSslCertificate certificate = hubCertificate(fixture);
    QVERIFY(!certificate.isNull());
    const QString expected = QString::fromLatin1(
        QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256).toHex());
    QCOMPARE(fixture.hub().tlsFingerprint(), expected);
    const QJsonObject tls
        = call(fixture.port(), "GET", "/healthz").json().value(QLatin1StringView("tls")).toObject();
    QCOMPARE(tls.value(QLatin1StringView("fingerprint")).toString(), expected);
    QCOMPARE(tls.value(QLatin1StringView("mode")).toString(), QStringLiteral("preferred"));

    // Reused, not recreated, on the next start.
    QVERIFY(fixture.restart());
    QCOMPARE(fixture.hub().tlsFingerprint(), expected);
}

void TestTls::tlsAndPlainClientsShareOneRoom()
{
    HubSettings settings;
    settings.messagesPerSecond = 0;
    HubFixture fixture(settings);
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    const Session bo = signIn(fixture.port(), QStringLiteral("Bo"));

    // Ana streams over TLS, Bo over plain HTTP, on the same port.
    TlsClient anaStream(fixture.port(), hubCertificate(fixture));
    QVERIFY(anaStream.waitForEncrypted());
    anaStream.send("GET /api/v1/rooms/lobby/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Accept: text/event-stream\r\nAuthorization: Bearer "
                   + ana.token + "\r\n\r\n");
    QVERIFY2(anaStream.waitFor("event: presence"), anaStream.received().constData());
    QVERIFY(anaStream.received().startsWith("HTTP/1.1 200 OK"));
    StreamReader boStream(fixture.port(), {bo.token});
    QVERIFY(boStream.waitForEvents(1));

    // Plain to TLS.
    QCOMPARE(post(fixture.port(), bo, QStringLiteral("over plain"), QStringLiteral("p1")).status,
             201);
    QVERIFY2(anaStream.waitFor("over plain"), anaStream.received().constData());

    // TLS to plain, on a keep-alive TLS connection.
    TlsClient anaPost(fixture.port(), hubCertificate(fixture));
    QVERIFY(anaPost.waitForEncrypted());
    anaPost.send(postBytes(fixture.port(), ana, QStringLiteral("over tls"), QStringLiteral("t1")));
    QVERIFY2(anaPost.waitFor("HTTP/1.1 201"), anaPost.received().constData());
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const auto &event : boStream.eventsOfType(QStringLiteral("message"))) {
                if (event.data.contains(QLatin1StringView("over tls")))
                    return true;
            }
            return false;
        }(),
        WaitMs);
    // And the TLS stream saw its own message too.
    QVERIFY(anaStream.waitFor("over tls"));
    QVERIFY(metricValue(fixture.port(), "confab_tls_handshakes_total") >= 2);
    QCOMPARE(metricValue(fixture.port(), "confab_tls_handshakes_failed_total"), 0);
}

// The window stops hosting by shutting the hub down and destroying it in the same turn of the
// event loop: the `bye` must already be on its way, also when TLS still had it to encrypt.
void TestTls::byeReachesATlsStreamWhenTheHubIsDestroyedAtOnce()
{
    HubFixture fixture;
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    TlsClient stream(fixture.port(), hubCertificate(fixture));
    QVERIFY(stream.waitForEncrypted());
    stream.send("GET /api/v1/rooms/lobby/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Accept: text/event-stream\r\nAuthorization: Bearer "
                + ana.token + "\r\n\r\n");
    QVERIFY2(stream.waitFor("event: presence"), stream.received().constData());

    fixture.hub().shutdown(QStringLiteral("The host closed the room."));
    QVERIFY(fixture.restart()); // destroys the hub now
    QVERIFY2(stream.waitFor("event: bye"), stream.received().constData());
    QVERIFY(stream.received().contains("The host closed the room."));
}

// An idle TLS stream gives back the buffers Qt keeps in its two sockets (tests/bench/README.md):
// only empty ones, so that no byte to send or to read is lost, and the connection goes on.
void TestTls::releasingIdleTlsBuffersKeepsEveryByte()
{
    QTemporaryDir dir;
    HubIdentity identity;
    QString error;
    QVERIFY2(identity.loadOrCreate(dir.path(), &error), qPrintable(error));
    TlsServerSide server(identity);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    TlsClient client(server.serverPort(), identity.certificate());
    QVERIFY(client.waitForEncrypted());
    QTRY_VERIFY_WITH_TIMEOUT(server.socket && server.socket->isEncrypted(), WaitMs);
    QSslSocket *hubSide = server.socket;
    QTRY_COMPARE_WITH_TIMEOUT(hubSide->encryptedBytesToWrite(), 0, WaitMs);
    QVERIFY(releaseIdleTlsBuffers(hubSide)); // after the handshake: idle

    // Queued and not yet encrypted: released at once, the megabyte still arrives whole.
    const QByteArray down = pattern(1 << 20, 1);
    hubSide->write(down);
    QVERIFY(hubSide->bytesToWrite() > 0);
    releaseIdleTlsBuffers(hubSide);
    QVERIFY(QTest::qWaitFor([&] { return client.received().size() >= down.size(); }, WaitMs));
    QVERIFY(client.received() == down);

    // Decrypted and half read: the rest stays readable.
    const QByteArray up = pattern(300000, 2);
    client.send(up);
    QTRY_COMPARE_WITH_TIMEOUT(hubSide->bytesAvailable(), qint64(up.size()), WaitMs);
    QByteArray read = hubSide->read(up.size() / 2);
    QTRY_COMPARE_WITH_TIMEOUT(hubSide->encryptedBytesToWrite(), 0, WaitMs);
    QVERIFY(releaseIdleTlsBuffers(hubSide)); // the empty write side goes
    QCOMPARE(hubSide->bytesAvailable(), qint64(up.size() - read.size()));
    read += hubSide->readAll();
    QVERIFY(read == up);

    // Released again, both ways still work.
    QVERIFY(releaseIdleTlsBuffers(hubSide));
    hubSide->write("after");
    QVERIFY(client.waitFor("after"));
    client.send("again");
    QByteArray again;
    QVERIFY(QTest::qWaitFor([&] { return (again += hubSide->readAll()) == "again"; }, WaitMs));
    QCOMPARE(hubSide->state(), QAbstractSocket::ConnectedState);
}

// An idle TLS stream's descriptor is watched outside Qt's poll set, as a plain stream's: when the
// client goes, the hub still notices at once, through the QSslSocket.
void TestTls::anIdleTlsStreamStillSeesItsClientLeave()
{
    // Noticed from the client's close alone: no heartbeat write in the meantime to fail on.
    constexpr int NoticedWithinMs = 5000;
    HubSettings settings;
    settings.heartbeatMs = 60000;
    settings.messagesPerSecond = 0;
    HubFixture fixture(settings);
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    auto stream = std::make_unique<TlsClient>(fixture.port(), hubCertificate(fixture));
    QVERIFY(stream->waitForEncrypted());
    stream->send("GET /api/v1/rooms/lobby/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Accept: text/event-stream\r\nAuthorization: Bearer "
                 + ana.token + "\r\n\r\n");
    QVERIFY2(stream->waitFor("event: presence"), stream->received().constData());
    QTRY_COMPARE_WITH_TIMEOUT(metricValue(fixture.port(), "confab_subscribers"), 1, WaitMs);
    // Idle for a while (parked), still delivered to.
    QTest::qWait(200);
    QCOMPARE(
        post(fixture.port(), ana, QStringLiteral("to the idle one"), QStringLiteral("i1")).status,
        201);
    QVERIFY2(stream->waitFor("to the idle one"), stream->received().constData());
    QTest::qWait(200);

    stream->socket().disconnectFromHost(); // close_notify, then the TCP close
    QTRY_COMPARE_WITH_TIMEOUT(metricValue(fixture.port(), "confab_subscribers"), 0,
                              NoticedWithinMs);
    stream.reset();
}

void TestTls::curlAndOpenSslAgreeWithTheHub()
{
    const QString curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (curl.isEmpty() || openssl.isEmpty())
        QSKIP("needs curl and openssl (packaging/debian-deps.sh test)");
    HubFixture fixture;
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const QString port = QString::number(fixture.port());
    const QString certPath = fixture.dataDir() + QLatin1Char('/')
        + QLatin1StringView(HubIdentity::CertificateFileName);

    const Ran health = runTool(curl,
                               {QStringLiteral("-sS"), QStringLiteral("--cacert"), certPath,
                                QStringLiteral("https://127.0.0.1:%1/healthz").arg(port)});
    QVERIFY2(health.exitCode == 0, health.out.constData());
    QVERIFY2(health.out.contains(fixture.hub().tlsFingerprint().toLatin1()),
             health.out.constData());

    const QString connect = QStringLiteral("127.0.0.1:%1").arg(port);
    for (const char *version : {"-tls1_3", "-tls1_2"}) {
        const Ran ok
            = runTool(openssl,
                      {QStringLiteral("s_client"), QStringLiteral("-connect"), connect,
                       QString::fromLatin1(version), QStringLiteral("-CAfile"), certPath,
                       QStringLiteral("-verify_return_error"), QStringLiteral("-quiet")},
                      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QVERIFY2(ok.exitCode == 0, ok.out.constData());
        QVERIFY2(ok.out.contains("\"status\":\"ok\""), ok.out.right(300).constData());
    }
    QCOMPARE(metricValue(fixture.port(), "confab_tls_handshakes_failed_total"), 0);
    // TLS 1.1, with the client's own security level lowered so that it really offers it: the
    // hub refuses, and counts it.
    const Ran old = runTool(openssl,
                            {QStringLiteral("s_client"), QStringLiteral("-connect"), connect,
                             QStringLiteral("-tls1_1"), QStringLiteral("-cipher"),
                             QStringLiteral("DEFAULT@SECLEVEL=0")});
    QVERIFY2(old.exitCode != 0, old.out.constData());
    QTRY_COMPARE_WITH_TIMEOUT(metricValue(fixture.port(), "confab_tls_handshakes_failed_total"), 1,
                              WaitMs);
}

void TestTls::badHandshakesAreCutAndCounted()
{
    HubSettings settings;
    settings.messagesPerSecond = 0;
    settings.tlsHandshakeTimeoutMs = 600;
    settings.idleTimeoutMs = 900;
    HubFixture fixture(settings);
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    TlsClient stream(fixture.port(), hubCertificate(fixture));
    QVERIFY(stream.waitForEncrypted());
    stream.send("GET /api/v1/rooms/lobby/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Authorization: Bearer "
                + ana.token + "\r\n\r\n");
    QVERIFY(stream.waitFor("event: presence"));

    const auto open = [&](const QByteArray &first) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, fixture.port());
        socket->waitForConnected(WaitMs);
        socket->write(first);
        socket->flush();
        return socket;
    };
    // A handshake record header followed by garbage; a ClientHello that stops after 3 bytes; a
    // connection that never says anything.
    auto garbage = open(QByteArray("\x16\x03\x01\x00\x05garbagegarbage", 19));
    auto stalled = open(QByteArray("\x16\x03\x01", 3));
    auto silent = open({});
    for (auto *socket : {garbage.get(), stalled.get(), silent.get()}) {
        QVERIFY(QTest::qWaitFor(
            [socket] { return socket->state() == QAbstractSocket::UnconnectedState; }, WaitMs));
    }
    QCOMPARE(metricValue(fixture.port(), "confab_tls_handshakes_failed_total"), 2);
    QCOMPARE(metricValue(fixture.port(), "confab_connections_silent_closed_total"), 1);

    // Nobody else was harmed: the stream is open and gets the next message.
    QCOMPARE(post(fixture.port(), ana, QStringLiteral("still here"), QStringLiteral("s1")).status,
             201);
    QVERIFY(stream.waitFor("still here"));
    QCOMPARE(stream.socket().state(), QAbstractSocket::ConnectedState);
}

// A whole, valid ClientHello, then silence: the hub has answered and waits for the client's
// Finished, inside its handshake, until the deadline cuts it.
void TestTls::aClientStallingAfterItsClientHelloIsCut()
{
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty())
        QSKIP("needs python3 (its ssl module writes the ClientHello)");
    HubSettings settings;
    settings.tlsHandshakeTimeoutMs = 600;
    HubFixture fixture(settings);
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    // Prints how many bytes the hub answered with and "cut" once it closes; bounded by a timeout.
    const QByteArray script = R"(
import socket, ssl, sys
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = context.wrap_bio(incoming, outgoing)
try:
    tls.do_handshake()
except ssl.SSLWantReadError:
    pass
connection = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=15)
connection.sendall(outgoing.read())
answered = 0
while True:
    data = connection.recv(65536)
    if not data:
        break
    answered += len(data)
print("answered", answered, "cut")
)";
    const Ran stalled = runTool(
        python, {QStringLiteral("-c"), QString::fromUtf8(script), QString::number(fixture.port())});
    QVERIFY2(stalled.exitCode == 0, stalled.out.constData());
    QVERIFY2(stalled.out.contains(" cut"), stalled.out.constData());
    QVERIFY2(!stalled.out.contains("answered 0 "), stalled.out.constData()); // a ServerHello came
    QTRY_COMPARE_WITH_TIMEOUT(metricValue(fixture.port(), "confab_tls_handshakes_failed_total"), 1,
                              WaitMs);
}

void TestTls::pinnedClientRefusesAnImpostor()
{
    HubFixture real;
    QVERIFY2(real.started(), qPrintable(real.error));
    const quint16 port = real.port();
    const auto pin = TlsPin::parse(real.hub().tlsFingerprint());
    QVERIFY(pin);
    {
        HubApi api;
        api.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port)));
        api.setPin(pin);
        const auto session = wait<SessionInfo>([&](auto done) {
            api.signIn(QStringLiteral("Ana"), {}, QStringLiteral("lobby"), done);
        });
        QVERIFY2(session.ok(), qPrintable(session.error.message));
    }
    const QString realFingerprint = real.hub().tlsFingerprint();
    real.hub().shutdown(QStringLiteral("test"));

    // Another data directory, so another identity, on the same port (shutdown() closed the real
    // hub's listening socket).
    QTemporaryDir impostorDir;
    HubSettings impostorSettings;
    impostorSettings.port = port;
    impostorSettings.bindAddress = QHostAddress::LocalHost;
    impostorSettings.dataDir = impostorDir.path();
    Hub impostorHub(impostorSettings);
    QString error;
    QVERIFY2(impostorHub.start(&error), qPrintable(error));
    QCOMPARE(impostorHub.port(), port);
    QVERIFY(impostorHub.tlsFingerprint() != realFingerprint);

    HubApi api;
    api.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port)));
    api.setPin(pin);
    const auto refused = wait<SessionInfo>(
        [&](auto done) { api.signIn(QStringLiteral("Bo"), {}, QStringLiteral("lobby"), done); });
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error.code, QStringLiteral("tls_pin_mismatch"));
    QVERIFY2(refused.error.message.contains(realFingerprint), qPrintable(refused.error.message));
    QVERIFY2(refused.error.message.contains(impostorHub.tlsFingerprint()),
             qPrintable(refused.error.message));
    // Nothing was sent: the impostor never saw Bo.
    QCOMPARE(impostorHub.roomSummaries().first().members, 0);
}

void TestTls::requiredModeRedirectsOnlyOtherMachines()
{
    // From another machine (a LAN address; no socket can come from one in a test).
    HttpRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/api/v1/session");
    request.headers
        = {qMakePair(QByteArrayLiteral("Host"), QByteArrayLiteral("192.168.1.20:8848"))};
    request.peer = QHostAddress(QStringLiteral("192.168.1.33"));
    const auto answer = tlsPolicyAnswer(TlsMode::Required, request);
    QVERIFY(answer);
    QCOMPARE(answer->status, 308);
    QVERIFY(http::serializeReply(*answer).startsWith("HTTP/1.1 308 Permanent Redirect\r\n"));
    QCOMPARE(answer->headers.first().second,
             QByteArrayLiteral("https://192.168.1.20:8848/api/v1/session"));
    QVERIFY(answer->body.contains("encrypted"));
    QVERIFY(!tlsPolicyAnswer(TlsMode::Preferred, request));
    request.encrypted = true;
    QVERIFY(!tlsPolicyAnswer(TlsMode::Required, request));

    // Loopback is this machine: served in plain HTTP even when TLS is required.
    HubSettings settings;
    settings.tls = TlsMode::Required;
    HubFixture fixture(settings);
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const Response health = call(fixture.port(), "GET", "/healthz");
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json()
                 .value(QLatin1StringView("tls"))
                 .toObject()
                 .value(QLatin1StringView("mode"))
                 .toString(),
             QStringLiteral("required"));
}

void TestTls::offModeServesPlainOnly()
{
    HubSettings settings;
    settings.tls = TlsMode::Off;
    HubFixture fixture(settings);
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    QVERIFY(fixture.hub().tlsFingerprint().isEmpty());
    QVERIFY(!QFile::exists(fixture.dataDir() + QLatin1Char('/')
                           + QLatin1StringView(HubIdentity::CertificateFileName)));
    QCOMPARE(call(fixture.port(), "GET", "/healthz").status, 200);
    QSslSocket tls;
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    tls.setSslConfiguration(configuration);
    tls.connectToHostEncrypted(QStringLiteral("127.0.0.1"), fixture.port());
    QVERIFY(QTest::qWaitFor(
        [&] { return tls.state() == QAbstractSocket::UnconnectedState || tls.isEncrypted(); },
        WaitMs));
    QVERIFY(!tls.isEncrypted());
}

QTEST_MAIN(TestTls)
#include "tst_tls.moc"
