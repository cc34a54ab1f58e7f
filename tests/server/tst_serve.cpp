// `confab serve` as a user runs it: the built binary in a child process, on 127.0.0.1.

#include "hubtestkit.h"

#include <QFileInfo>
#include <QProcess>
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

Served startServe(const QString &dataDir)
{
    Served served;
    served.process = std::make_unique<QProcess>();
    served.process->setProcessChannelMode(QProcess::SeparateChannels);
    served.process->start(
        qEnvironmentVariable("CONFAB_BINARY"),
        {QStringLiteral("serve"), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
         QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--no-announce"),
         QStringLiteral("--data-dir"), dataDir, QStringLiteral("--max-rate"), QStringLiteral("0")});
    if (!QTest::qWaitFor(
            [&] {
                return served.process->canReadLine()
                    || served.process->state() == QProcess::NotRunning;
            },
            WaitMs))
        return served;
    served.firstLine = served.process->readLine();
    const QByteArray prefix = "listening on http://127.0.0.1:";
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
    // stdout had exactly the one line.
    QVERIFY(served.process->readAllStandardOutput().trimmed().isEmpty());
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

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
