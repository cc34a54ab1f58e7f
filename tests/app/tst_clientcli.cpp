// `confab listen`, `confab send` and `confab join` as processes, against the scripted server and
// the real hub, all on 127.0.0.1.

#include "hubapi.h"
#include "hubapiwait.h"
#include "hubprocess.h"
#include "scriptedserver.h"

#include <QCryptographicHash>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace confab;
using confab::test::HubProcess;
using confab::test::ScriptedServer;

namespace {

using confab::test::historyTexts;
using confab::test::wait;

constexpr int Timeout = 30000;

// A `confab MODE ...` child whose output is collected as it comes.
class Child
{
public:
    explicit Child(const QStringList &arguments)
    {
        QObject::connect(&process, &QProcess::readyReadStandardOutput,
                         [this] { out += process.readAllStandardOutput(); });
        QObject::connect(&process, &QProcess::readyReadStandardError,
                         [this] { err += process.readAllStandardError(); });
        process.start(test::confabBinary(), arguments);
    }
    ~Child()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
    QList<QByteArray> lines() const
    {
        QList<QByteArray> result = out.split('\n');
        if (!result.isEmpty() && result.last().isEmpty())
            result.removeLast();
        return result;
    }
    bool finished() const { return process.state() == QProcess::NotRunning; }

    QProcess process;
    QByteArray out;
    QByteArray err;
};

QJsonObject json(const QByteArray &line)
{
    return QJsonDocument::fromJson(line).object();
}

} // namespace

class TestClientCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void listenPrintsEachEventAtOnce();
    void listenReconnectsAtMostNTimes();
    void listenExitsTwoOnBadStatusOrType_data();
    void listenExitsTwoOnBadStatusOrType();
    void listenFollowsTheRealHub();
    void sendPrintsTheIdAndReusesTheSession();
    void pinnedListenAndSendRefuseAnImpostor();
    void joinChatsThroughOneHub();
};

void TestClientCli::initTestCase()
{
    if (test::confabBinary().isEmpty())
        QSKIP("CONFAB_BINARY is not set (run through ctest)");
}

void TestClientCli::listenPrintsEachEventAtOnce()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts("/s",
                      {{ScriptedServer::send(ScriptedServer::head()
                                             + "id: 7\nevent: note\ndata: a\ndata: \xC3\xA9\n\n"),
                        ScriptedServer::hold()}});
    Child listen({QStringLiteral("listen"), server.url(QStringLiteral("/s")).toString()});
    // The stream never ends: the line must be out anyway.
    QTRY_COMPARE_WITH_TIMEOUT(listen.lines().size(), 1, Timeout);
    const QJsonObject line = json(listen.lines().first());
    QCOMPARE(line.value(QLatin1StringView("type")).toString(), QStringLiteral("note"));
    QCOMPARE(line.value(QLatin1StringView("data")).toString(), QString::fromUtf8("a\n\xC3\xA9"));
    QCOMPARE(line.value(QLatin1StringView("lastEventId")).toString(), QStringLiteral("7"));
    QVERIFY(!listen.finished());
}

void TestClientCli::listenReconnectsAtMostNTimes()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(
        "/s",
        {{ScriptedServer::send(ScriptedServer::head() + "retry: 10\nid: 1\ndata: x\n\n"),
          ScriptedServer::close()}});
    Child listen({QStringLiteral("listen"), QStringLiteral("--reconnects"), QStringLiteral("2"),
                  server.url(QStringLiteral("/s")).toString()});
    QVERIFY(listen.process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(listen.finished(), Timeout);
    QCOMPARE(listen.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(listen.process.exitCode(), 0);
    QCOMPARE(listen.lines().size(), 3);
    QCOMPARE(server.connectionCount("/s"), 3);
    QCOMPARE(server.requests("/s").at(1).headers.value("last-event-id"), QByteArray("1"));
}

void TestClientCli::listenExitsTwoOnBadStatusOrType_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::newRow("500") << QByteArray(ScriptedServer::head(500, "text/plain") + "no");
    QTest::newRow("204") << ScriptedServer::head(204, {});
    QTest::newRow("json") << QByteArray(ScriptedServer::head(200, "application/json") + "{}");
}

void TestClientCli::listenExitsTwoOnBadStatusOrType()
{
    QFETCH(QByteArray, response);
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts("/s", {{ScriptedServer::send(response), ScriptedServer::close()}});
    Child listen({QStringLiteral("listen"), server.url(QStringLiteral("/s")).toString()});
    QVERIFY(listen.process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(listen.finished(), Timeout);
    QCOMPARE(listen.process.exitCode(), 2);
    QCOMPARE(server.connectionCount("/s"), 1);
    QVERIFY(listen.out.isEmpty());
}

void TestClientCli::listenFollowsTheRealHub()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    HubApi api;
    api.setBaseUrl(hub.url());
    const auto session
        = wait<SessionInfo>([&](auto done) { api.signIn(QStringLiteral("Ana"), {}, {}, done); });
    QVERIFY(session.ok());
    Child listen({QStringLiteral("listen"), QStringLiteral("--header"),
                  QStringLiteral("Authorization: Bearer ") + session.value->token,
                  api.eventsUrl(QStringLiteral("lobby")).toString()});
    // The hub sends `online` for Ana once her stream is open; then a message.
    QTRY_VERIFY_WITH_TIMEOUT(listen.out.contains("online"), Timeout);
    const auto posted = wait<PostedMessage>([&](auto done) {
        api.postMessage(QStringLiteral("lobby"), QStringLiteral("hi listeners"),
                        QStringLiteral("c-1"), done);
    });
    QVERIFY(posted.ok());
    QTRY_VERIFY_WITH_TIMEOUT(listen.out.contains("hi listeners"), Timeout);
    const QJsonObject line = json(listen.lines().last());
    QCOMPARE(line.value(QLatin1StringView("type")).toString(), QStringLiteral("message"));
    QCOMPARE(line.value(QLatin1StringView("lastEventId")).toString(),
             QString::number(posted.value->id));
}

void TestClientCli::sendPrintsTheIdAndReusesTheSession()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    const QStringList common {QStringLiteral("send"),        hub.url().toString(),
                              QStringLiteral("--name"),      QStringLiteral("Ana"),
                              QStringLiteral("--state-dir"), dir.filePath(QStringLiteral("ana"))};
    Child first(common + QStringList {QStringLiteral("hello"), QStringLiteral("world")});
    QVERIFY(first.process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(first.finished(), Timeout);
    QCOMPARE(first.process.exitCode(), 0);
    bool isNumber = false;
    const qint64 firstId = first.out.trimmed().toLongLong(&isNumber);
    QVERIFY2(isNumber, first.out.constData());
    Child second(common + QStringList {QStringLiteral("again")});
    QVERIFY(second.process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(second.finished(), Timeout);
    QCOMPARE(second.process.exitCode(), 0);
    // The second send is the same member: no new `join` between the two messages.
    QCOMPARE(second.out.trimmed().toLongLong(), firstId + 1);

    HubApi api;
    api.setBaseUrl(hub.url());
    QVERIFY(wait<SessionInfo>([&](auto done) {
                api.signIn(QStringLiteral("Reader"), {}, {}, done);
            }).ok());
    QCOMPARE(historyTexts(api),
             (QStringList {QStringLiteral("hello world"), QStringLiteral("again")}));

    // Usage errors: exit code 2 and a message that says what is wrong.
    Child bad({QStringLiteral("send"), QStringLiteral("ftp://example.org/"), QStringLiteral("x"),
               QStringLiteral("--name"), QStringLiteral("Ana")});
    QVERIFY(bad.process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(bad.finished(), Timeout);
    QCOMPARE(bad.process.exitCode(), 2);
    QVERIFY2(bad.err.contains("Not an http(s) URL: ftp://example.org/"), bad.err.constData());
    Child nameless({QStringLiteral("send"), hub.url().toString(), QStringLiteral("x")});
    QVERIFY(nameless.process.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(nameless.finished(), Timeout);
    QCOMPARE(nameless.process.exitCode(), 2);
    QVERIFY2(nameless.err.contains("--name is required."), nameless.err.constData());
}

void TestClientCli::joinChatsThroughOneHub()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    auto joinAs = [&](const QString &name) {
        return std::make_unique<Child>(
            QStringList {QStringLiteral("join"), hub.url().toString(), QStringLiteral("--name"),
                         name, QStringLiteral("--state-dir"), dir.filePath(name)});
    };
    auto bo = joinAs(QStringLiteral("Bo"));
    auto cy = joinAs(QStringLiteral("Cy"));
    QTRY_VERIFY_WITH_TIMEOUT(bo->err.contains("Connected") && cy->err.contains("Connected"),
                             Timeout);
    bo->process.write("hello Cy\n");
    QTRY_VERIFY_WITH_TIMEOUT(cy->out.contains("Bo: hello Cy"), Timeout);
    // Terminal safety: an escape sequence from the room is shown, not run.
    cy->process.write("look \x1b[2J here\n");
    QTRY_VERIFY_WITH_TIMEOUT(bo->out.contains("Cy: look"), Timeout);
    QVERIFY(!bo->out.contains('\x1b'));
    // End of input: Bo leaves once his outbox is empty.
    bo->process.write("bye all\n");
    bo->process.closeWriteChannel();
    QTRY_VERIFY_WITH_TIMEOUT(bo->finished(), Timeout);
    QCOMPARE(bo->process.exitCode(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(cy->out.contains("Bo: bye all"), Timeout);
    QCOMPARE(cy->out.count("Bo: hello Cy"), 1);
}

void TestClientCli::pinnedListenAndSendRefuseAnImpostor()
{
    QTemporaryDir dir;
    const auto fingerprintOf = [](const QString &dataDir) {
        QFile file(dataDir + QStringLiteral("/hub-cert.pem"));
        if (!file.open(QIODevice::ReadOnly))
            return QString();
        return QString::fromLatin1(
            QCryptographicHash::hash(QSslCertificate(file.readAll(), QSsl::Pem).toDer(),
                                     QCryptographicHash::Sha256)
                .toHex());
    };
    auto hub = std::make_unique<HubProcess>(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub->start(), qPrintable(hub->errorText()));
    const quint16 port = hub->port();
    const QString pin = fingerprintOf(dir.filePath(QStringLiteral("hub")));
    QCOMPARE(pin.size(), 64);
    HubApi api;
    api.setBaseUrl(hub->url());
    const auto session
        = wait<SessionInfo>([&](auto done) { api.signIn(QStringLiteral("Ana"), {}, {}, done); });
    QVERIFY(session.ok());
    // An http:// URL with a pin goes over https:// to the same port.
    const QString eventsUrl = api.eventsUrl(QStringLiteral("lobby")).toString();
    QVERIFY(eventsUrl.startsWith(QLatin1StringView("http://")));
    {
        Child listen({QStringLiteral("listen"), QStringLiteral("--pin"), pin,
                      QStringLiteral("--header"),
                      QStringLiteral("Authorization: Bearer ") + session.value->token, eventsUrl});
        QTRY_VERIFY_WITH_TIMEOUT(listen.out.contains("online"), Timeout);
        Child send({QStringLiteral("send"), hub->url().toString(), QStringLiteral("--pin"), pin,
                    QStringLiteral("--name"), QStringLiteral("Bo"), QStringLiteral("--state-dir"),
                    dir.filePath(QStringLiteral("bo")), QStringLiteral("pinned hello")});
        QTRY_VERIFY_WITH_TIMEOUT(send.finished(), Timeout);
        QVERIFY2(send.process.exitCode() == 0, send.err.constData());
        QTRY_VERIFY_WITH_TIMEOUT(listen.out.contains("pinned hello"), Timeout);
        Child join({QStringLiteral("join"), hub->url().toString(), QStringLiteral("--pin"), pin,
                    QStringLiteral("--name"), QStringLiteral("Di"), QStringLiteral("--state-dir"),
                    dir.filePath(QStringLiteral("di"))});
        QTRY_VERIFY_WITH_TIMEOUT(join.err.contains("Connected"), Timeout);
        join.process.write("pinned join\n");
        QTRY_VERIFY_WITH_TIMEOUT(listen.out.contains("pinned join"), Timeout);
    }
    hub->terminate();
    hub.reset();

    // Another hub (another data directory, so another certificate) on the same port.
    HubProcess impostor(dir.filePath(QStringLiteral("impostor")));
    QVERIFY2(impostor.start(port), qPrintable(impostor.errorText()));
    const QString impostorPrint = fingerprintOf(dir.filePath(QStringLiteral("impostor")));
    QVERIFY(impostorPrint != pin);
    Child listen({QStringLiteral("listen"), QStringLiteral("--pin"), pin,
                  QStringLiteral("--header"),
                  QStringLiteral("Authorization: Bearer ") + session.value->token, eventsUrl});
    QTRY_VERIFY_WITH_TIMEOUT(listen.finished(), Timeout);
    QCOMPARE(listen.process.exitCode(), 2); // refused for good: no reconnection
    QVERIFY2(listen.err.contains(pin.toLatin1()) && listen.err.contains(impostorPrint.toLatin1()),
             listen.err.constData());
    Child send({QStringLiteral("send"), impostor.url().toString(), QStringLiteral("--pin"), pin,
                QStringLiteral("--name"), QStringLiteral("Cy"), QStringLiteral("--state-dir"),
                dir.filePath(QStringLiteral("cy")), QStringLiteral("must not arrive")});
    QTRY_VERIFY_WITH_TIMEOUT(send.finished(), Timeout);
    QVERIFY2(send.process.exitCode() == 1, send.err.constData());
    QVERIFY2(send.err.contains("not the pinned one"), send.err.constData());
    QVERIFY(send.out.isEmpty());

    // Di's saved session goes to the stream first: refused there too, nothing typed is sent.
    Child join({QStringLiteral("join"), impostor.url().toString(), QStringLiteral("--pin"), pin,
                QStringLiteral("--name"), QStringLiteral("Di"), QStringLiteral("--state-dir"),
                dir.filePath(QStringLiteral("di"))});
    join.process.write("must not arrive either\n");
    QTRY_VERIFY_WITH_TIMEOUT(join.finished(), Timeout);
    QCOMPARE(join.process.exitCode(), 1);
    QVERIFY2(join.err.contains(impostorPrint.toLatin1()), join.err.constData());

    // A malformed pin is a usage error.
    Child bad(
        {QStringLiteral("listen"), QStringLiteral("--pin"), QStringLiteral("abc"), eventsUrl});
    QTRY_VERIFY_WITH_TIMEOUT(bad.finished(), Timeout);
    QCOMPARE(bad.process.exitCode(), 2);
    QVERIFY2(bad.err.contains("--pin takes 64 hex digits"), bad.err.constData());
}

QTEST_GUILESS_MAIN(TestClientCli)
#include "tst_clientcli.moc"
