// `confab listen`, `confab send` and `confab join` as processes, against the scripted server and
// the real hub, all on 127.0.0.1.

#include "hubapi.h"
#include "hubapiwait.h"
#include "hubprocess.h"
#include "protocol.h"
#include "scriptedserver.h"

#include <QCryptographicHash>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QTcpServer>
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
    explicit Child(const QStringList &arguments,
                   const QProcessEnvironment &environment
                   = QProcessEnvironment::systemEnvironment())
    {
        process.setProcessEnvironment(environment);
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

// The `conversation` of each JSON line `listen --name` printed (empty for events of none).
QStringList conversationsOf(const Child &child)
{
    QStringList result;
    for (const QByteArray &line : child.lines())
        result.append(json(line).value(QLatin1StringView("conversation")).toString());
    return result;
}

QStringList pageTexts(HubApi &api, const QString &cid)
{
    const auto page = wait<HistoryPage>(
        [&](auto done) { api.fetchConversationPage(cid, 0, protocol::MaxHistoryPage, done); });
    QStringList texts;
    if (page.ok()) {
        for (const ChatEvent &event : page.value->events) {
            if (const auto *message = std::get_if<MessageEvent>(&event))
                texts.append(message->text);
        }
    }
    return texts;
}

// Whether the hub has GET /api/v2/members (the member directory `/dm NAME` looks names up in).
bool hubHasMemberDirectory(HubApi &api)
{
    const auto members
        = wait<std::vector<MemberInfo>>([&](auto done) { api.fetchHubMembers(done); });
    return members.ok();
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
    void helpAndVersionNeedNoDisplay_data();
    void helpAndVersionNeedNoDisplay();
    void joinRefusesTooLongLinesWholeAndSaysSo();
    void joinToADeadHubFailsAtEndOfInput();
    void aUrlWithAPathIsNotAHubAddress();
    void passwordOptionPointsToPasswordFile();
    void listenSignsInWithNameOnAHubAddress();
    void joinSwitchesConversations();
    void joinAndSendDirectMessages();
    void sendToAChannel();
    void listenFollowsEveryConversationOrOne();
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

void TestClientCli::helpAndVersionNeedNoDisplay_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("--help") << QStringList {QStringLiteral("--help")} << QByteArray("--join URL");
    QTest::newRow("-h after an option")
        << QStringList {QStringLiteral("--name"), QStringLiteral("Ana"), QStringLiteral("-h")}
        << QByteArray("--join URL");
    QTest::newRow("--version") << QStringList {QStringLiteral("--version")}
                               << QByteArray("confab ");
}

// Issue 14: `confab --help` on a machine without a display aborted in Qt's platform plugin.
void TestClientCli::helpAndVersionNeedNoDisplay()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, expected);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("no-such-platform"));
    Child child(arguments, environment);
    QVERIFY(child.process.waitForFinished(Timeout));
    QCOMPARE(child.process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.process.exitCode(), 0);
    QVERIFY2(child.out.contains(expected), child.out.constData());
}

// Issue 14: a line longer than the hub allows was cut to 4000 characters and sent. The whole
// line is refused instead, with the hub's own limit (here 100), and the exit status says so.
void TestClientCli::joinRefusesTooLongLinesWholeAndSaysSo()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")),
                   {QStringLiteral("--max-text-chars"), QStringLiteral("100")});
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    Child jo({QStringLiteral("join"), hub.url().toString(), QStringLiteral("--name"),
              QStringLiteral("Jo"), QStringLiteral("--state-dir"),
              dir.filePath(QStringLiteral("jo"))});
    QVERIFY(jo.process.waitForStarted());
    jo.process.write(QByteArray(150, 'x') + "\nshort one\n");
    // Longer than the reader holds: dropped whole, never a first part of it.
    jo.process.write(QByteArray(70 * 1024, 'y') + "\nlast one\n");
    jo.process.closeWriteChannel();
    QTRY_VERIFY_WITH_TIMEOUT(jo.finished(), Timeout);
    QCOMPARE(jo.process.exitCode(), 1);
    QVERIFY2(jo.err.contains("Not sent (150 characters, starting \"xxx"), jo.err.constData());
    QVERIFY2(jo.err.contains("Messages are limited to 100 characters."), jo.err.constData());
    QVERIFY2(jo.err.contains("Not sent: a line of more than 64 KiB."), jo.err.constData());

    HubApi api;
    api.setBaseUrl(hub.url());
    QVERIFY(wait<SessionInfo>([&](auto done) {
                api.signIn(QStringLiteral("Reader"), {}, {}, done);
            }).ok());
    QCOMPARE(historyTexts(api),
             (QStringList {QStringLiteral("short one"), QStringLiteral("last one")}));
}

// Issue 14: `confab join` to a hub that never answered exited 0 at the end of input, and its
// retry line ran two sentences together ("Connection refused Reconnecting in 3 s.").
void TestClientCli::joinToADeadHubFailsAtEndOfInput()
{
    QTemporaryDir dir;
    quint16 deadPort = 0;
    {
        QTcpServer probe; // a port nobody listens on once the probe is gone
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        deadPort = probe.serverPort();
    }
    const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(deadPort);
    Child jo({QStringLiteral("join"), url, QStringLiteral("--name"), QStringLiteral("Jo"),
              QStringLiteral("--state-dir"), dir.path()});
    QVERIFY(jo.process.waitForStarted());
    jo.process.write("hello\n");
    jo.process.closeWriteChannel();
    QTRY_VERIFY_WITH_TIMEOUT(jo.finished(), Timeout);
    QCOMPARE(jo.process.exitCode(), 1);
    QVERIFY2(jo.err.contains(QString(QStringLiteral("Could not reach the hub at ") + url).toUtf8()),
             jo.err.constData());
    QVERIFY2(QRegularExpression(QStringLiteral("[.…] Reconnecting in \\d+ s\\."))
                 .match(QString::fromUtf8(jo.err))
                 .hasMatch(),
             jo.err.constData());
}

// Issue 14: a URL with a path got the hub's "This route does not take that method.".
void TestClientCli::aUrlWithAPathIsNotAHubAddress()
{
    const QStringList common {QStringLiteral("http://127.0.0.1:1/some/path"),
                              QStringLiteral("--name"), QStringLiteral("Jo")};
    const QList<QStringList> commands {QStringList {QStringLiteral("join")} + common,
                                       QStringList {QStringLiteral("send")} + common
                                           + QStringList {QStringLiteral("text")}};
    for (const QStringList &arguments : commands) {
        Child child(arguments);
        QVERIFY(child.process.waitForFinished(Timeout));
        QCOMPARE(child.process.exitCode(), 2);
        QVERIFY2(child.err.contains("Not a hub's address: http://127.0.0.1:1/some/path."),
                 child.err.constData());
        QVERIFY2(child.err.contains("like http://192.168.1.20:8848/"), child.err.constData());
        // The usage that follows names the mode, not the binary's path.
        QVERIFY2(child.err.contains(
                     QByteArray("Usage: confab " + arguments.first().toUtf8() + " [options]")),
                 child.err.constData());
    }
}

void TestClientCli::passwordOptionPointsToPasswordFile()
{
    Child child({QStringLiteral("join"), QStringLiteral("http://127.0.0.1:1/"),
                 QStringLiteral("--name"), QStringLiteral("Jo"), QStringLiteral("--password"),
                 QStringLiteral("x")});
    QVERIFY(child.process.waitForFinished(Timeout));
    QCOMPARE(child.process.exitCode(), 2);
    QVERIFY2(child.err.contains("--password-file FILE"), child.err.constData());
}

// Issue 14: `confab listen` on a hub's own address said only "Not an event stream". With --name
// it signs in, follows the room, and leaves it when stopped.
void TestClientCli::listenSignsInWithNameOnAHubAddress()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));

    Child plain({QStringLiteral("listen"), hub.url().toString()});
    QVERIFY(plain.process.waitForFinished(Timeout));
    QCOMPARE(plain.process.exitCode(), 2);
    QVERIFY2(plain.err.contains("add --name NAME"), plain.err.constData());

    Child listen({QStringLiteral("listen"), hub.url().toString(), QStringLiteral("--name"),
                  QStringLiteral("Lu")});
    QTRY_VERIFY_WITH_TIMEOUT(listen.err.contains("Connected."), Timeout); // the member stream
    HubApi api;
    api.setBaseUrl(hub.url());
    QVERIFY(wait<SessionInfo>([&](auto done) {
                api.signIn(QStringLiteral("Ana"), {}, {}, done);
            }).ok());
    QVERIFY(wait<PostedMessage>([&](auto done) {
                api.postMessage(QStringLiteral("lobby"), QStringLiteral("hi Lu"),
                                QStringLiteral("c-lu"), done);
            }).ok());
    QTRY_VERIFY_WITH_TIMEOUT(listen.out.contains("hi Lu"), Timeout);
    const QJsonObject line = json(listen.lines().last());
    QCOMPARE(line.value(QLatin1StringView("type")).toString(), QStringLiteral("message"));

    listen.process.terminate();
    QVERIFY(listen.process.waitForFinished(Timeout));
    QCOMPARE(listen.process.exitCode(), 0);
    // Lu left the room on the way out.
    const auto members = wait<std::vector<MemberInfo>>(
        [&](auto done) { api.fetchMembers(QStringLiteral("lobby"), done); });
    QVERIFY(members.ok());
    for (const MemberInfo &member : *members.value)
        QVERIFY(member.member.name != QStringLiteral("Lu"));
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

// /join, /list, /leave and the prefixes of other conversations' messages.
void TestClientCli::joinSwitchesConversations()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    auto joinAs = [&](const QString &name) {
        return std::make_unique<Child>(
            QStringList {QStringLiteral("join"), hub.url().toString(), QStringLiteral("--name"),
                         name, QStringLiteral("--state-dir"), dir.filePath(name)});
    };
    auto ana = joinAs(QStringLiteral("Ana"));
    auto bo = joinAs(QStringLiteral("Bo"));
    QTRY_VERIFY_WITH_TIMEOUT(ana->err.contains("Connected") && bo->err.contains("Connected"),
                             Timeout);
    QVERIFY2(ana->err.contains("* Now in #lobby."), ana->err.constData());

    // A channel nobody made yet: made, and said so.
    ana->process.write("/join general\n");
    QTRY_VERIFY_WITH_TIMEOUT(ana->err.contains("* Now in #general."), Timeout);
    QVERIFY2(ana->err.contains("There was no channel #general: created it."), ana->err.constData());
    bo->process.write("/join #general\n");
    QTRY_VERIFY_WITH_TIMEOUT(bo->err.contains("* Now in #general."), Timeout);
    QVERIFY2(!bo->err.contains("created it"), bo->err.constData()); // it existed
    ana->process.write("hello general\n");
    QTRY_VERIFY_WITH_TIMEOUT(bo->out.contains("Ana: hello general"), Timeout);
    // In the conversation Bo is in: no prefix.
    QVERIFY2(!bo->out.contains("[#general] ["), bo->out.constData());

    // Bo goes back to lobby: general's messages come prefixed, and count as unread.
    bo->process.write("/join lobby\n");
    QTRY_VERIFY_WITH_TIMEOUT(bo->err.count("* Now in #lobby.") == 2, Timeout);
    ana->process.write("second in general\n");
    QTRY_VERIFY_WITH_TIMEOUT(bo->out.contains("Ana: second in general"), Timeout);
    QVERIFY2(QRegularExpression(
                 QStringLiteral("\\[#general\\] \\[\\d\\d:\\d\\d\\] Ana: second in general"))
                 .match(QString::fromUtf8(bo->out))
                 .hasMatch(),
             bo->out.constData());
    bo->process.write("/list\n");
    QTRY_VERIFY_WITH_TIMEOUT(bo->out.contains("Conversations:"), Timeout);
    QTRY_VERIFY2_WITH_TIMEOUT(bo->out.contains("  #general  1 unread"), bo->out.constData(),
                              Timeout);
    QVERIFY2(bo->out.contains("* #lobby"), bo->out.constData());

    // /leave: out of general, back in lobby; Ana's messages there no longer reach Bo.
    bo->process.write("/join general\n/leave\n");
    QTRY_VERIFY_WITH_TIMEOUT(bo->err.contains("You left #general."), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(bo->err.count("* Now in #lobby.") == 3, Timeout);
    ana->process.write("after Bo left\n");
    // Unknown commands are refused, not sent.
    bo->process.write("/frobnicate\n");
    QTRY_VERIFY_WITH_TIMEOUT(bo->err.contains("Unknown command /frobnicate."), Timeout);
    ana->process.write("/join lobby\nlast in lobby\n");
    QTRY_VERIFY_WITH_TIMEOUT(bo->out.contains("Ana: last in lobby"), Timeout);
    QVERIFY2(!bo->out.contains("after Bo left"), bo->out.constData());
    QVERIFY(!ana->out.contains("/frobnicate"));

    bo->process.closeWriteChannel();
    QTRY_VERIFY_WITH_TIMEOUT(bo->finished(), Timeout);
    QCOMPARE(bo->process.exitCode(), 0);
}

void TestClientCli::joinAndSendDirectMessages()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    HubApi cy; // a third member, who must never see the DM
    cy.setBaseUrl(hub.url());
    QVERIFY(
        wait<HubSession>([&](auto done) { cy.signInToHub(QStringLiteral("Cy"), {}, done); }).ok());
    if (!hubHasMemberDirectory(cy))
        QSKIP("This hub has no GET /api/v2/members yet (branch hubv2b): /dm NAME cannot look "
              "names up");
    auto joinAs = [&](const QString &name) {
        return std::make_unique<Child>(
            QStringList {QStringLiteral("join"), hub.url().toString(), QStringLiteral("--name"),
                         name, QStringLiteral("--state-dir"), dir.filePath(name)});
    };
    auto ana = joinAs(QStringLiteral("Ana"));
    auto bo = joinAs(QStringLiteral("Bo"));
    QTRY_VERIFY_WITH_TIMEOUT(ana->err.contains("Connected") && bo->err.contains("Connected"),
                             Timeout);
    ana->process.write("/dm bo\n");
    QTRY_VERIFY_WITH_TIMEOUT(ana->err.contains("* Now in @Bo."), Timeout);
    ana->process.write("just for you\n");
    QTRY_VERIFY_WITH_TIMEOUT(bo->out.contains("[@Ana] ["), Timeout);
    QVERIFY2(bo->out.contains("Ana: just for you"), bo->out.constData());
    ana->process.write("/dm Nobody\n");
    QTRY_VERIFY_WITH_TIMEOUT(ana->err.contains("Nobody called “Nobody” is on this hub."), Timeout);

    // send --dm: the same conversation.
    Child send({QStringLiteral("send"), hub.url().toString(), QStringLiteral("--name"),
                QStringLiteral("Bo"), QStringLiteral("--state-dir"),
                dir.filePath(QStringLiteral("bo-send")), QStringLiteral("--dm"),
                QStringLiteral("Ana"), QStringLiteral("answer")});
    // Bo is online in his terminal under that name: a second sign-in with it is refused.
    QTRY_VERIFY_WITH_TIMEOUT(send.finished(), Timeout);
    QCOMPARE(send.process.exitCode(), 1);
    QVERIFY2(send.err.contains("uses that name"), send.err.constData());
    Child sendFromDi({QStringLiteral("send"), hub.url().toString(), QStringLiteral("--name"),
                      QStringLiteral("Di"), QStringLiteral("--state-dir"),
                      dir.filePath(QStringLiteral("di")), QStringLiteral("--dm"),
                      QStringLiteral("Ana"), QStringLiteral("hi from Di")});
    QTRY_VERIFY_WITH_TIMEOUT(sendFromDi.finished(), Timeout);
    QVERIFY2(sendFromDi.process.exitCode() == 0, sendFromDi.err.constData());
    QTRY_VERIFY_WITH_TIMEOUT(ana->out.contains("[@Di] ["), Timeout);
    Child toNobody({QStringLiteral("send"), hub.url().toString(), QStringLiteral("--name"),
                    QStringLiteral("Di"), QStringLiteral("--state-dir"),
                    dir.filePath(QStringLiteral("di")), QStringLiteral("--dm"),
                    QStringLiteral("Nobody"), QStringLiteral("lost")});
    QTRY_VERIFY_WITH_TIMEOUT(toNobody.finished(), Timeout);
    QCOMPARE(toNobody.process.exitCode(), 1);
    QVERIFY2(toNobody.err.contains("Nobody called “Nobody” is on this hub."),
             toNobody.err.constData());

    // Cy's list has no DM of the others.
    const auto list
        = wait<std::vector<ConversationInfo>>([&](auto done) { cy.fetchConversations(done); });
    QVERIFY(list.ok());
    for (const ConversationInfo &info : *list.value)
        QVERIFY(info.kind != QLatin1StringView(protocol::KindDm));
}

void TestClientCli::sendToAChannel()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    HubApi ana;
    ana.setBaseUrl(hub.url());
    QVERIFY(wait<HubSession>([&](auto done) {
                ana.signInToHub(QStringLiteral("Ana"), {}, done);
            }).ok());
    QVERIFY(wait<ChannelInfo>([&](auto done) {
                ana.createChannel(ChannelRequest {QStringLiteral("lab"), QStringLiteral("Lab"), {}},
                                  done);
            }).ok());
    const QStringList common {QStringLiteral("send"),        hub.url().toString(),
                              QStringLiteral("--name"),      QStringLiteral("Cy"),
                              QStringLiteral("--state-dir"), dir.filePath(QStringLiteral("cy"))};
    // Not in lab yet: send joins it, then posts.
    Child toLab(common
                + QStringList {QStringLiteral("--to"), QStringLiteral("lab"), QStringLiteral("in"),
                               QStringLiteral("lab")});
    QTRY_VERIFY_WITH_TIMEOUT(toLab.finished(), Timeout);
    QVERIFY2(toLab.process.exitCode() == 0, toLab.err.constData());
    Child toLobby(common + QStringList {QStringLiteral("in lobby")});
    QTRY_VERIFY_WITH_TIMEOUT(toLobby.finished(), Timeout);
    QVERIFY2(toLobby.process.exitCode() == 0, toLobby.err.constData());
    QCOMPARE(pageTexts(ana, QStringLiteral("lab")), QStringList {QStringLiteral("in lab")});
    QCOMPARE(pageTexts(ana, QStringLiteral("lobby")), QStringList {QStringLiteral("in lobby")});

    Child nowhere(
        common
        + QStringList {QStringLiteral("--to"), QStringLiteral("nowhere"), QStringLiteral("lost")});
    QTRY_VERIFY_WITH_TIMEOUT(nowhere.finished(), Timeout);
    QCOMPARE(nowhere.process.exitCode(), 1);
    QVERIFY2(nowhere.err.contains("There is no channel “nowhere” on this hub."),
             nowhere.err.constData());
    Child both(common
               + QStringList {QStringLiteral("--to"), QStringLiteral("lab"), QStringLiteral("--dm"),
                              QStringLiteral("Ana"), QStringLiteral("x")});
    QTRY_VERIFY_WITH_TIMEOUT(both.finished(), Timeout);
    QCOMPARE(both.process.exitCode(), 2);
    QVERIFY2(both.err.contains("Use --to or --dm, not both."), both.err.constData());
}

void TestClientCli::listenFollowsEveryConversationOrOne()
{
    QTemporaryDir dir;
    HubProcess hub(dir.filePath(QStringLiteral("hub")));
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    HubApi ana;
    ana.setBaseUrl(hub.url());
    QVERIFY(wait<HubSession>([&](auto done) {
                ana.signInToHub(QStringLiteral("Ana"), {}, done);
            }).ok());
    QVERIFY(wait<ChannelInfo>([&](auto done) {
                ana.createChannel(ChannelRequest {QStringLiteral("lab"), QStringLiteral("Lab"), {}},
                                  done);
            }).ok());
    Child every({QStringLiteral("listen"), hub.url().toString(), QStringLiteral("--name"),
                 QStringLiteral("Lu")});
    Child onlyLab({QStringLiteral("listen"), hub.url().toString(), QStringLiteral("--name"),
                   QStringLiteral("Mo"), QStringLiteral("--to"), QStringLiteral("lab")});
    QTRY_VERIFY_WITH_TIMEOUT(every.err.contains("Connected.") && onlyLab.err.contains("Connected."),
                             Timeout);
    auto post = [&](const QString &cid, const QString &text) {
        return wait<PostedMessage>([&](auto done) {
                   ana.postToConversation(cid, text, QStringLiteral("c-") + text, done);
               })
            .ok();
    };
    QVERIFY(post(QStringLiteral("lobby"), QStringLiteral("lobby one")));
    QVERIFY(post(QStringLiteral("lab"), QStringLiteral("lab one")));
    QVERIFY(post(QStringLiteral("lobby"), QStringLiteral("lobby two")));
    QTRY_VERIFY_WITH_TIMEOUT(every.out.contains("lobby two"), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(onlyLab.out.contains("lab one"), Timeout);
    // Lu is not in lab: lobby only. Mo joined lab and sees nothing else.
    QVERIFY2(!every.out.contains("lab one"), every.out.constData());
    QVERIFY(conversationsOf(every).contains(QStringLiteral("lobby")));
    QTest::qWait(300);
    QVERIFY2(!onlyLab.out.contains("lobby"), onlyLab.out.constData());
    for (const QString &conversation : conversationsOf(onlyLab))
        QVERIFY(conversation.isEmpty() || conversation == QStringLiteral("lab"));
    const QJsonObject line = json(onlyLab.lines().last());
    QCOMPARE(line.value(QLatin1StringView("type")).toString(), QStringLiteral("message"));
    QCOMPARE(line.value(QLatin1StringView("conversation")).toString(), QStringLiteral("lab"));

    Child nowhere({QStringLiteral("listen"), hub.url().toString(), QStringLiteral("--name"),
                   QStringLiteral("No"), QStringLiteral("--to"), QStringLiteral("nowhere")});
    QTRY_VERIFY_WITH_TIMEOUT(nowhere.finished(), Timeout);
    QCOMPARE(nowhere.process.exitCode(), 1);
    QVERIFY2(nowhere.err.contains("No such channel."), nowhere.err.constData());
}

QTEST_GUILESS_MAIN(TestClientCli)
#include "tst_clientcli.moc"
