// `confab serve` as a user runs it: the built binary in a child process, on 127.0.0.1.

#include "hubtestkit.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>

#ifdef Q_OS_UNIX
#include <csignal>
#endif

using namespace confab;
using namespace confab::test;

namespace {

struct Served
{
    std::unique_ptr<QProcess> process;
    quint16 port = 0;
    QByteArray firstLine;
};

Served startServe(const QString &dataDir, const QStringList &extra = {},
                  const QString &bindAddress = QStringLiteral("127.0.0.1"))
{
    Served served;
    served.process = std::make_unique<QProcess>();
    served.process->setProcessChannelMode(QProcess::SeparateChannels);
    const QStringList arguments = QStringList {QStringLiteral("serve"),
                                               QStringLiteral("--bind"),
                                               bindAddress,
                                               QStringLiteral("--port"),
                                               QStringLiteral("0"),
                                               QStringLiteral("--no-announce"),
                                               QStringLiteral("--data-dir"),
                                               dataDir,
                                               QStringLiteral("--max-rate"),
                                               QStringLiteral("0")}
        + extra;
    served.process->start(qEnvironmentVariable("CONFAB_BINARY"), arguments);
    if (!QTest::qWaitFor(
            [&] {
                return served.process->canReadLine()
                    || served.process->state() == QProcess::NotRunning;
            },
            WaitMs))
        return served;
    served.firstLine = served.process->readLine();
    const QByteArray prefix = "listening on http://" + bindAddress.toLatin1() + ':';
    if (served.firstLine.startsWith(prefix))
        served.port = quint16(served.firstLine.mid(prefix.size()).chopped(2).toUInt());
    return served;
}

} // namespace

class TestServe : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void firstLineStreamAndGracefulStop();
    void killNineRestartResume();
    void passwordFileRoomsAndTitle();
    void anyAddressKeepsTheFirstLineAndListsUsableAddresses();
    void passwordOptionPointsToPasswordFile();
    void healthzTellsTheTextLimit();
    void iceServersGoToCallClientsAndBadOnesStopTheHub();
    void byeEndsTheChunkedBodyProperly();
    void tlsIdentityIsKeptAndACorruptOneStopsTheHub();
};

void TestServe::initTestCase()
{
    if (!QFileInfo(qEnvironmentVariable("CONFAB_BINARY")).isExecutable())
        QSKIP("CONFAB_BINARY is not set (run through ctest)");
}

void TestServe::firstLineStreamAndGracefulStop()
{
#ifndef Q_OS_UNIX
    QSKIP("needs POSIX signals");
#else
    QTemporaryDir dir;
    Served served = startServe(dir.path());
    QVERIFY2(served.port != 0, served.firstLine.constData());
    QVERIFY(served.firstLine.endsWith("/\n"));

    const Session ana = signIn(served.port, QStringLiteral("Ana"));
    QVERIFY(!ana.token.isEmpty());
    StreamReader stream(served.port, {ana.token});
    QVERIFY(stream.waitForEvents(1));
    QCOMPARE(
        post(served.port, ana, QStringLiteral("hello from a test"), QStringLiteral("c1")).status,
        201);
    QTRY_COMPARE_WITH_TIMEOUT(stream.eventsOfType(QStringLiteral("message")).size(), size_t(1),
                              WaitMs);

    ::kill(pid_t(served.process->processId()), SIGTERM);
    QVERIFY(stream.waitForClosed());
    QCOMPARE(stream.events().back().type, QStringLiteral("bye"));
    QVERIFY(served.process->waitForFinished(WaitMs));
    QCOMPARE(served.process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(served.process->exitCode(), 0);
    // stdout had exactly one more line: the TLS address on the same port and the fingerprint.
    const QByteArray rest = served.process->readAllStandardOutput();
    QVERIFY2(QRegularExpression(QStringLiteral("^tls https://127\\.0\\.0\\.1:%1/ fingerprint "
                                               "[0-9a-f]{64}\n$")
                                    .arg(served.port))
                 .match(QString::fromLatin1(rest))
                 .hasMatch(),
             rest.constData());
#endif
}

void TestServe::killNineRestartResume()
{
    QTemporaryDir dir;
    Served served = startServe(dir.path());
    QVERIFY(served.port != 0);
    const Session ana = signIn(served.port, QStringLiteral("Ana"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(
            post(served.port, ana, QStringLiteral("before %1").arg(i), QStringLiteral("k%1").arg(i))
                .status,
            201);
    served.process->kill(); // SIGKILL: no shutdown code runs
    QVERIFY(served.process->waitForFinished(WaitMs));

    Served again = startServe(dir.path());
    QVERIFY(again.port != 0);
    // Same token, ids continue, and Last-Event-ID resumes exactly.
    QCOMPARE(post(again.port, ana, QStringLiteral("after"), QStringLiteral("k3")).status, 201);
    StreamReader stream(again.port, {ana.token, QStringLiteral("lobby"), QByteArrayLiteral("2")});
    QTRY_COMPARE_WITH_TIMEOUT(stream.eventsOfType(QStringLiteral("message")).size(), size_t(3),
                              WaitMs);
    const auto messages = stream.eventsOfType(QStringLiteral("message"));
    QCOMPARE(messages.front().lastEventId, QStringLiteral("3"));
    QCOMPARE(messages.back().lastEventId, QStringLiteral("5"));
    again.process->terminate();
    QVERIFY(again.process->waitForFinished(WaitMs));
}

void TestServe::passwordFileRoomsAndTitle()
{
    QTemporaryDir dir;
    QFile passwordFile(dir.filePath(QStringLiteral("password.txt")));
    QVERIFY(passwordFile.open(QIODevice::WriteOnly));
    passwordFile.write("open sesame\n");
    passwordFile.close();
    Served served
        = startServe(dir.filePath(QStringLiteral("data")),
                     {QStringLiteral("--password-file"), passwordFile.fileName(),
                      QStringLiteral("--room"), QStringLiteral("lobby"), QStringLiteral("--room"),
                      QStringLiteral("lab"), QStringLiteral("--title"), QStringLiteral("Lab 3")});
    QVERIFY(served.port != 0);
    QVERIFY(signIn(served.port, QStringLiteral("Ana")).token.isEmpty());
    QVERIFY(!signIn(served.port, QStringLiteral("Ana"), QStringLiteral("lab"),
                    QStringLiteral("open sesame"))
                 .token.isEmpty());
    const Response rooms = call(served.port, "GET", "/api/v1/rooms");
    QCOMPARE(rooms.json().value(QLatin1StringView("rooms")).toArray().size(), 2);
    QVERIFY(rooms.body.contains("\"title\":\"Lab 3\""));
    QVERIFY(rooms.body.contains("\"locked\":true"));
    served.process->terminate();
    QVERIFY(served.process->waitForFinished(WaitMs));
    QCOMPARE(served.process->exitCode(), 0);
}

// Issue 14: "http://0.0.0.0:PORT/" is no address anyone can open. The first line stays exactly as
// scripts read it; the lines after it name the addresses that work (--no-announce: nothing goes
// out on the machine's network, and the test only connects over loopback).
void TestServe::anyAddressKeepsTheFirstLineAndListsUsableAddresses()
{
    QTemporaryDir dir;
    Served served = startServe(dir.path(), {}, QStringLiteral("0.0.0.0"));
    QVERIFY2(served.port != 0, served.firstLine.constData());
    QCOMPARE(served.firstLine,
             QByteArray("listening on http://0.0.0.0:") + QByteArray::number(served.port) + "/\n");
    const QByteArray loopbackUrl = "http://127.0.0.1:" + QByteArray::number(served.port) + '/';
    QByteArray rest;
    QVERIFY(QTest::qWaitFor(
        [&] {
            rest += served.process->readAllStandardOutput();
            return rest.contains(loopbackUrl);
        },
        WaitMs));
    QVERIFY2(!rest.contains("0.0.0.0"), rest.constData());
    // The address printed works.
    QCOMPARE(call(served.port, "GET", "/healthz").status, 200);
    served.process->terminate();
    QVERIFY(served.process->waitForFinished(WaitMs));
}

void TestServe::passwordOptionPointsToPasswordFile()
{
    QProcess serve;
    serve.start(qEnvironmentVariable("CONFAB_BINARY"),
                {QStringLiteral("serve"), QStringLiteral("--password"), QStringLiteral("x")});
    QVERIFY(serve.waitForFinished(WaitMs));
    QCOMPARE(serve.exitCode(), 2);
    const QByteArray error = serve.readAllStandardError();
    QVERIFY2(error.contains("--password-file FILE"), error.constData());
    QVERIFY(serve.readAllStandardOutput().isEmpty()); // no "listening on": it never started
}

// Clients refuse an over-long message before sending it, with the hub's limit, not their own idea
// of it (issue 14: the terminal and the web page cut at a fixed 4000).
void TestServe::healthzTellsTheTextLimit()
{
    QTemporaryDir dir;
    Served served
        = startServe(dir.path(), {QStringLiteral("--max-text-chars"), QStringLiteral("123")});
    QVERIFY(served.port != 0);
    const Response health = call(served.port, "GET", "/healthz");
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json().value(QLatin1StringView("maxTextChars")).toInt(), 123);
    served.process->terminate();
    QVERIFY(served.process->waitForFinished(WaitMs));
}

// Issue 13: `--ice-server` (repeatable) reaches GET /api/v2/calls/config, TURN credentials apart;
// a malformed one stops the hub before it listens.
void TestServe::iceServersGoToCallClientsAndBadOnesStopTheHub()
{
    QTemporaryDir dir;
    Served served
        = startServe(dir.path(),
                     {QStringLiteral("--ice-server"), QStringLiteral("stun:10.1.2.3:3478"),
                      QStringLiteral("--ice-server"),
                      QStringLiteral("turn:confab:pw@10.1.2.3:3478?transport=tcp")});
    QVERIFY(served.port != 0);
    const Session ana = signInToHub(served.port, QStringLiteral("Ana"));
    const QJsonArray servers = callAs(served.port, ana, "GET", "/api/v2/calls/config")
                                   .json()
                                   .value(QLatin1StringView("iceServers"))
                                   .toArray();
    QCOMPARE(servers.size(), 2);
    QCOMPARE(servers.at(1).toObject().value(QLatin1StringView("username")).toString(),
             QStringLiteral("confab"));
    QCOMPARE(servers.at(1).toObject().value(QLatin1StringView("urls")).toArray().at(0).toString(),
             QStringLiteral("turn:10.1.2.3:3478?transport=tcp"));
    served.process->terminate();
    QVERIFY(served.process->waitForFinished(WaitMs));

    for (const QString &bad :
         {QStringLiteral("http://10.1.2.3"), QStringLiteral("turn:10.1.2.3"),
          QStringLiteral("stun:user:pw@10.1.2.3"), QStringLiteral("stun:10.1.2.3:99999")}) {
        QProcess serve;
        serve.start(qEnvironmentVariable("CONFAB_BINARY"),
                    {QStringLiteral("serve"), QStringLiteral("--ice-server"), bad});
        QVERIFY(serve.waitForFinished(WaitMs));
        QCOMPARE(serve.exitCode(), 2);
        const QByteArray error = serve.readAllStandardError();
        QVERIFY2(error.contains("--ice-server"), error.constData());
        QVERIFY(serve.readAllStandardOutput().isEmpty());
    }
}

// Issue 14: a browser sometimes never showed "Host closed the room". The hub closed the stream
// right after `bye` without the chunked body's last chunk; Chromium then treats the body as cut
// and may drop the `bye` that came with the close. The stream must end as HTTP says.
void TestServe::byeEndsTheChunkedBodyProperly()
{
#ifndef Q_OS_UNIX
    QSKIP("needs POSIX signals");
#else
    QTemporaryDir dir;
    Served served = startServe(dir.path());
    QVERIFY(served.port != 0);
    const Session ana = signIn(served.port, QStringLiteral("Ana"));
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, served.port);
    QVERIFY(socket.waitForConnected(WaitMs));
    socket.write(
        "GET /api/v1/rooms/lobby/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + ana.token + "\r\n\r\n");
    QByteArray received;
    QVERIFY(QTest::qWaitFor(
        [&] {
            received += socket.readAll();
            return received.contains("retry:");
        },
        WaitMs));
    ::kill(pid_t(served.process->processId()), SIGTERM);
    QVERIFY(QTest::qWaitFor(
        [&] {
            received += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        WaitMs));
    received += socket.readAll();
    QVERIFY2(received.contains("event: bye"), received.constData());
    QVERIFY2(received.endsWith("\r\n0\r\n\r\n"), received.right(80).toHex(' ').constData());
    QVERIFY(served.process->waitForFinished(WaitMs));
#endif
}

void TestServe::tlsIdentityIsKeptAndACorruptOneStopsTheHub()
{
    QTemporaryDir dir;
    const auto fingerprintLine = [](Served &served) {
        if (!QTest::qWaitFor([&] { return served.process->canReadLine(); }, WaitMs))
            return QByteArray();
        return served.process->readLine().trimmed();
    };
    Served first = startServe(dir.path());
    QVERIFY(first.port != 0);
    const QByteArray line = fingerprintLine(first);
    const QByteArray fingerprint = line.mid(line.lastIndexOf(' ') + 1);
    QCOMPARE(fingerprint.size(), 64);
    QVERIFY(call(first.port, "GET", "/healthz").body.contains(fingerprint));
    first.process->terminate();
    QVERIFY(first.process->waitForFinished(WaitMs));

    // Restarted: the same identity.
    Served second = startServe(dir.path());
    QVERIFY(second.port != 0);
    QVERIFY(fingerprintLine(second).endsWith(QByteArray(" fingerprint " + fingerprint)));
    second.process->terminate();
    QVERIFY(second.process->waitForFinished(WaitMs));

    // A damaged certificate: a clear error and a non-zero exit, never a new identity.
    QFile certificate(dir.filePath(QStringLiteral("hub-cert.pem")));
    QVERIFY(certificate.open(QIODevice::ReadWrite));
    QByteArray pem = certificate.readAll();
    pem[pem.size() / 2] = '!';
    QVERIFY(certificate.seek(0));
    certificate.write(pem);
    certificate.close();
    Served broken = startServe(dir.path());
    QCOMPARE(broken.port, quint16(0));
    // startServe() returns once the process has ended (or printed its first line).
    const auto ended = [](QProcess &process) {
        return process.state() == QProcess::NotRunning || process.waitForFinished(WaitMs);
    };
    QVERIFY(ended(*broken.process));
    QCOMPARE(broken.process->exitCode(), 1);
    const QByteArray error = broken.process->readAllStandardError();
    QVERIFY2(error.contains("hub-cert.pem is corrupt"), error.constData());
    QCOMPARE(certificate.size(), qint64(pem.size())); // left as it was, for the user to look at

    // An unreadable key is an error too.
    QVERIFY(QFile::remove(certificate.fileName()));
    Served incomplete = startServe(dir.path());
    QVERIFY(ended(*incomplete.process));
    QCOMPARE(incomplete.process->exitCode(), 1);
    QVERIFY(incomplete.process->readAllStandardError().contains("incomplete"));
    QVERIFY(!certificate.exists());
}

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
