// The chat session against the real hub (`confab serve` as a child process on 127.0.0.1):
// sign-in and token reuse, live events, the outbox, history paging, `reset`, `bye`, and hub
// restarts (SIGKILL mid-stream) with no lost and no duplicated message.

#include "chatsession.h"
#include "hubapi.h"
#include "hubapiwait.h"
#include "hubprocess.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "scriptedserver.h"
#include "sessionstore.h"

#include <QEventLoop>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace confab;
using confab::test::HubProcess;

namespace {

using confab::test::historyTexts;
using confab::test::wait;

constexpr int Timeout = 30000; // hub start-up under ASan on a busy 2-core machine is slow

// Another member of the room, talking to the hub directly.
class Poster
{
public:
    Poster(const QUrl &hub, const QString &name)
        : m_name(name)
    {
        m_api.setBaseUrl(hub);
    }
    bool signIn()
    {
        return wait<SessionInfo>([&](auto done) { m_api.signIn(m_name, {}, {}, done); }).ok();
    }
    qint64 post(const QString &text)
    {
        const auto result = wait<PostedMessage>([&](auto done) {
            m_api.postMessage(QStringLiteral("lobby"), text, QStringLiteral("p-") + text, done);
        });
        return result.ok() ? result.value->id : 0;
    }
    void setBaseUrl(const QUrl &hub) { m_api.setBaseUrl(hub); }
    HubApi &api() { return m_api; }

private:
    HubApi m_api;
    QString m_name;
};

QStringList messageTexts(const MessageModel *model)
{
    QStringList texts;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row);
        if (index.data(MessageModel::KindRole).value<MessageModel::Kind>()
            == MessageModel::Kind::Message)
            texts.append(index.data(MessageModel::TextRole).toString());
    }
    return texts;
}

bool sequencesStrictlyIncrease(const MessageModel *model)
{
    qint64 previous = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const qint64 sequence = model->index(row).data(MessageModel::SequenceRole).toLongLong();
        if (sequence == 0)
            continue; // pending rows sit at the end
        if (sequence <= previous)
            return false;
        previous = sequence;
    }
    return true;
}

ChatSession::Options optionsFor(const QUrl &hub, const QString &name, const QString &storage)
{
    ChatSession::Options options;
    options.hubUrl = hub;
    options.name = name;
    options.storageDir = storage;
    return options;
}

} // namespace

class TestChatSession : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    void signsInLoadsHistoryAndGoesLive();
    void liveMessagesPresenceAndTyping();
    void sendDeliversOnceAndReplacesThePendingRow();
    void tokenIsKeptAndReused();
    void refusedTokenSignsInAgain();
    void wrongPasswordFails();
    void historyPaging();
    void hubKilledMidStreamResumesWithoutLossOrDuplicates();
    void outboxDeliversExactlyOnceAcrossHubRestart();
    void outboxSurvivesAppRestart();
    void resetReloadsHistoryFromAnotherDatabase();
    void byeSaysHostLeftAndKeepsRetrying();
    void busyHubIsRetried();
    void leavingReachesTheHub();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HubProcess> m_hub;
};

void TestChatSession::initTestCase()
{
    if (test::confabBinary().isEmpty())
        QSKIP("CONFAB_BINARY is not set (run through ctest)");
}

void TestChatSession::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // No rate limit: tests post in bursts.
    m_hub = std::make_unique<HubProcess>(
        m_dir->filePath(QStringLiteral("hub")),
        QStringList {QStringLiteral("--max-rate"), QStringLiteral("0")});
    QVERIFY2(m_hub->start(), qPrintable(m_hub->errorText()));
}

void TestChatSession::cleanup()
{
    m_hub.reset();
    m_dir.reset();
}

void TestChatSession::signsInLoadsHistoryAndGoesLive()
{
    Poster ana(m_hub->url(), QStringLiteral("Ana"));
    QVERIFY(ana.signIn());
    QVERIFY(ana.post(QStringLiteral("one")) > 0);
    QVERIFY(ana.post(QStringLiteral("two")) > 0);

    ChatSession session;
    QSignalSpy states(&session, &ChatSession::stateChanged);
    QSignalSpy arrived(&session, &ChatSession::messageArrived);
    session.start(
        optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("bo"))));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
    QCOMPARE(states.first().at(0).value<ChatSession::State>(), ChatSession::State::SigningIn);
    QCOMPARE(session.self().name, QStringLiteral("Bo"));
    QVERIFY(!session.self().id.isEmpty());
    QCOMPARE(session.roomId(), QStringLiteral("lobby"));
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(session.messages()),
                              (QStringList {QStringLiteral("one"), QStringLiteral("two")}),
                              Timeout);
    QVERIFY(arrived.isEmpty()); // history is not "arrived" (no notification for it)
    // Ana's and Bo's joins are notices in the timeline.
    QTRY_VERIFY_WITH_TIMEOUT(session.messages()->rowCount() >= 4, Timeout);
    QVERIFY(sequencesStrictlyIncrease(session.messages()));
    // Members: both, Bo online (his stream is open).
    QTRY_COMPARE_WITH_TIMEOUT(session.members()->rowCount(), 2, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(session.members()->onlineCount() >= 1, Timeout);
}

void TestChatSession::liveMessagesPresenceAndTyping()
{
    ChatSession session;
    QSignalSpy arrived(&session, &ChatSession::messageArrived);
    QSignalSpy typing(&session, &ChatSession::typingChanged);
    session.start(
        optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("bo"))));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);

    Poster ana(m_hub->url(), QStringLiteral("Ana"));
    QVERIFY(ana.signIn());
    QTRY_COMPARE_WITH_TIMEOUT(session.members()->rowCount(), 2, Timeout); // Ana's join, live
    QVERIFY(ana.post(QStringLiteral("hello <b>Bo</b>")) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(arrived.size(), 1, Timeout);
    const auto message = arrived.first().at(0).value<MessageEvent>();
    QCOMPARE(message.text, QStringLiteral("hello <b>Bo</b>"));
    QCOMPARE(message.from.name, QStringLiteral("Ana"));
    QCOMPARE(arrived.first().at(1).toBool(), false);

    wait<HubApi::Nothing>([&](auto done) { ana.api().sendTyping(QStringLiteral("lobby"), done); });
    QTRY_VERIFY_WITH_TIMEOUT(!typing.isEmpty(), Timeout);
    QCOMPARE(typing.first().at(0).toStringList(), QStringList {QStringLiteral("Ana")});
    QCOMPARE(session.members()->typingNames(), QStringList {QStringLiteral("Ana")});
    // The mark goes away by itself.
    QTRY_VERIFY_WITH_TIMEOUT(session.members()->typingNames().isEmpty(), Timeout);
    // ... or with Ana's message, at once.
    wait<HubApi::Nothing>([&](auto done) { ana.api().sendTyping(QStringLiteral("lobby"), done); });
    QTRY_COMPARE_WITH_TIMEOUT(session.members()->typingNames(), QStringList {QStringLiteral("Ana")},
                              Timeout);
    QVERIFY(ana.post(QStringLiteral("done")) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(arrived.size(), 2, Timeout);
    QVERIFY(session.members()->typingNames().isEmpty());

    // Ana leaves: a notice, and she is gone from the members.
    wait<HubApi::Nothing>([&](auto done) { ana.api().signOut(done); });
    QTRY_COMPARE_WITH_TIMEOUT(session.members()->rowCount(), 1, Timeout);
    const int last = session.messages()->rowCount() - 1;
    QCOMPARE(session.messages()->index(last).data(Qt::DisplayRole).toString(),
             QStringLiteral("Ana left"));
}

void TestChatSession::sendDeliversOnceAndReplacesThePendingRow()
{
    ChatSession session;
    QSignalSpy outbox(&session, &ChatSession::outboxChanged);
    session.start(
        optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("bo"))));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
    const int rowsBefore = session.messages()->rowCount();
    const QString clientId = session.send(QStringLiteral("mine"));
    QVERIFY(clientId.startsWith(QStringLiteral("c-")));
    // At once: a pending row.
    QCOMPARE(session.messages()->rowCount(), rowsBefore + 1);
    QCOMPARE(session.messages()->pendingCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(session.outboxSize(), 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(session.messages()->pendingCount(), 0, Timeout);
    QCOMPARE(session.messages()->rowCount(), rowsBefore + 1);
    const QModelIndex row = session.messages()->index(rowsBefore);
    QVERIFY(row.data(MessageModel::SequenceRole).toLongLong() > 0);
    QCOMPARE(row.data(MessageModel::ClientIdRole).toString(), clientId);
    QVERIFY(row.data(MessageModel::IsOwnRole).toBool());
    QCOMPARE(row.data(MessageModel::DeliveryRole).value<MessageModel::Delivery>(),
             MessageModel::Delivery::Delivered);
    // Let the stream's copy of the event arrive too: still one row.
    QTest::qWait(300);
    QCOMPARE(messageTexts(session.messages()), QStringList {QStringLiteral("mine")});
    Poster check(m_hub->url(), QStringLiteral("Checker"));
    QVERIFY(check.signIn());
    QCOMPARE(historyTexts(check.api()), QStringList {QStringLiteral("mine")});
}

void TestChatSession::tokenIsKeptAndReused()
{
    const QString storage = m_dir->filePath(QStringLiteral("bo"));
    QString firstId;
    {
        ChatSession session;
        session.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), storage));
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
        firstId = session.self().id;
    }
    ChatSession again;
    QSignalSpy states(&again, &ChatSession::stateChanged);
    again.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), storage));
    QTRY_COMPARE_WITH_TIMEOUT(again.state(), ChatSession::State::Live, Timeout);
    QCOMPARE(again.self().id, firstId);
    for (const auto &arguments : std::as_const(states))
        QVERIFY(arguments.at(0).value<ChatSession::State>() != ChatSession::State::SigningIn);
    // One join only: the second run was the same member, not a new one.
    int joins = 0;
    for (int row = 0; row < again.messages()->rowCount(); ++row)
        joins += again.messages()->index(row).data(Qt::DisplayRole).toString()
            == QStringLiteral("Bo joined");
    QCOMPARE(joins, 1);
}

void TestChatSession::refusedTokenSignsInAgain()
{
    const QString storage = m_dir->filePath(QStringLiteral("bo"));
    SessionStore store;
    store.open(storage, m_hub->url(), QStringLiteral("lobby"), QStringLiteral("Bo"));
    QVERIFY(store.saveSession({QStringLiteral("not-a-real-token"),
                               {QStringLiteral("m_x"), QStringLiteral("Bo")},
                               {},
                               {}}));
    ChatSession session;
    session.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), storage));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
    QVERIFY(session.self().id != QStringLiteral("m_x"));
    const auto saved = store.loadSession();
    QVERIFY(saved);
    QVERIFY(saved->token != QStringLiteral("not-a-real-token"));
}

void TestChatSession::wrongPasswordFails()
{
    m_hub.reset();
    const QString passwordFile = m_dir->filePath(QStringLiteral("password"));
    QFile file(passwordFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("sesame\n");
    file.close();
    m_hub = std::make_unique<HubProcess>(
        m_dir->filePath(QStringLiteral("hub2")),
        QStringList {QStringLiteral("--password-file"), passwordFile});
    QVERIFY2(m_hub->start(), qPrintable(m_hub->errorText()));
    ChatSession session;
    auto options
        = optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("bo")));
    options.password = QStringLiteral("wrong");
    session.start(options);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Failed, Timeout);
    QVERIFY(session.stateReason().contains(QStringLiteral("password")));
    QCOMPARE(session.failure(), ChatSession::Failure::WrongPassword);
    // No password at all: it is missing, not wrong (the window asks for it).
    options.password.clear();
    session.start(options);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Failed, Timeout);
    QCOMPARE(session.failure(), ChatSession::Failure::PasswordNeeded);
    QVERIFY(session.stateReason().contains(QStringLiteral("locked")));
    QVERIFY(!session.stateReason().contains(QStringLiteral("Wrong")));
    options.password = QStringLiteral("sesame");
    session.start(options);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
    QCOMPARE(session.failure(), ChatSession::Failure::None);
}

void TestChatSession::historyPaging()
{
    Poster ana(m_hub->url(), QStringLiteral("Ana"));
    QVERIFY(ana.signIn());
    QStringList sent;
    for (int i = 1; i <= 120; ++i) {
        sent.append(QStringLiteral("m%1").arg(i));
        QVERIFY(ana.post(sent.last()) > 0);
    }
    ChatSession session;
    session.start(
        optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("bo"))));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(messageTexts(session.messages()).contains(QStringLiteral("m120")),
                             Timeout);
    const int firstPage = int(messageTexts(session.messages()).size());
    QVERIFY(firstPage < 120);
    QVERIFY(session.canLoadOlder());
    QSignalSpy inserted(session.messages(), &QAbstractItemModel::rowsInserted);
    int pages = 0;
    while (session.canLoadOlder() && pages < 10) {
        const int before = session.messages()->rowCount();
        session.loadOlder();
        QTRY_VERIFY_WITH_TIMEOUT(session.messages()->rowCount() > before || !session.canLoadOlder(),
                                 Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(session.canLoadOlder() || session.messages()->rowCount() > before,
                                 Timeout);
        ++pages;
    }
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(session.messages()), sent, Timeout);
    QVERIFY(!session.canLoadOlder());
    QVERIFY(sequencesStrictlyIncrease(session.messages()));
    // Each page went in as one block at the top.
    for (const auto &arguments : std::as_const(inserted))
        QCOMPARE(arguments.at(1).toInt(), 0);
}

void TestChatSession::hubKilledMidStreamResumesWithoutLossOrDuplicates()
{
    ChatSession session;
    session.start(
        optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("bo"))));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
    Poster ana(m_hub->url(), QStringLiteral("Ana"));
    QVERIFY(ana.signIn());
    QStringList sent;
    for (int i = 1; i <= 10; ++i) {
        sent.append(QStringLiteral("before %1").arg(i));
        QVERIFY(ana.post(sent.last()) > 0);
    }
    // Mid-stream: some of these may not have reached the client yet.
    m_hub->kill();
    QTRY_VERIFY_WITH_TIMEOUT(session.state() == ChatSession::State::Reconnecting, Timeout);
    const quint16 port = m_hub->port();
    QVERIFY2(m_hub->start(port), qPrintable(m_hub->errorText()));
    // Posted before the client is back: it must get them from the replay.
    for (int i = 1; i <= 10; ++i) {
        sent.append(QStringLiteral("after %1").arg(i));
        QVERIFY(ana.post(sent.last()) > 0);
    }
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
    for (int i = 11; i <= 15; ++i) {
        sent.append(QStringLiteral("after %1").arg(i));
        QVERIFY(ana.post(sent.last()) > 0);
    }
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(session.messages()), sent, Timeout);
    QVERIFY(sequencesStrictlyIncrease(session.messages()));
    QTest::qWait(500);
    QCOMPARE(messageTexts(session.messages()), sent); // nothing came twice, late
}

void TestChatSession::outboxDeliversExactlyOnceAcrossHubRestart()
{
    ChatSession session;
    const QString storage = m_dir->filePath(QStringLiteral("bo"));
    session.start(optionsFor(m_hub->url(), QStringLiteral("Bo"), storage));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
    m_hub->kill();
    QTRY_VERIFY_WITH_TIMEOUT(session.state() == ChatSession::State::Reconnecting, Timeout);
    const QStringList texts {QStringLiteral("queued 1"), QStringLiteral("queued 2"),
                             QStringLiteral("queued 3")};
    for (const QString &text : texts)
        QVERIFY(!session.send(text).isEmpty());
    QCOMPARE(session.outboxSize(), 3);
    QCOMPARE(session.messages()->pendingCount(), 3);
    QCOMPARE(session.messages()
                 ->index(session.messages()->rowCount() - 1)
                 .data(MessageModel::DeliveryRole)
                 .value<MessageModel::Delivery>(),
             MessageModel::Delivery::Queued);
    // Written down before anything was sent.
    SessionStore store;
    store.open(storage, m_hub->url(), QStringLiteral("lobby"), QStringLiteral("Bo"));
    QCOMPARE(store.loadOutbox().size(), 3);

    QVERIFY2(m_hub->start(m_hub->port()), qPrintable(m_hub->errorText()));
    QTRY_COMPARE_WITH_TIMEOUT(session.outboxSize(), 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(session.messages()->pendingCount(), 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(session.messages()), texts, Timeout);
    QCOMPARE(store.loadOutbox().size(), 0);
    Poster check(m_hub->url(), QStringLiteral("Checker"));
    QVERIFY(check.signIn());
    QCOMPARE(historyTexts(check.api()), texts);
}

void TestChatSession::outboxSurvivesAppRestart()
{
    const QString storage = m_dir->filePath(QStringLiteral("bo"));
    const QUrl hubUrl = m_hub->url();
    {
        ChatSession session;
        session.start(optionsFor(hubUrl, QStringLiteral("Bo"), storage));
        QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
        m_hub->kill();
        QTRY_VERIFY_WITH_TIMEOUT(session.state() == ChatSession::State::Reconnecting, Timeout);
        session.send(QStringLiteral("written offline"));
        session.send(QStringLiteral("and this"));
    } // the app quits with the hub still down
    QVERIFY2(m_hub->start(m_hub->port()), qPrintable(m_hub->errorText()));
    ChatSession session;
    session.start(optionsFor(hubUrl, QStringLiteral("Bo"), storage));
    QCOMPARE(session.outboxSize(), 2);
    QCOMPARE(session.messages()->pendingCount(), 2); // shown at once, before the hub answers
    QTRY_COMPARE_WITH_TIMEOUT(session.outboxSize(), 0, Timeout);
    const QStringList texts {QStringLiteral("written offline"), QStringLiteral("and this")};
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(session.messages()), texts, Timeout);
    // A third run has nothing left to send, and the hub holds each message once.
    ChatSession third;
    third.start(optionsFor(hubUrl, QStringLiteral("Bo"), storage));
    QCOMPARE(third.outboxSize(), 0);
    Poster check(hubUrl, QStringLiteral("Checker"));
    QVERIFY(check.signIn());
    QCOMPARE(historyTexts(check.api()), texts);
}

void TestChatSession::resetReloadsHistoryFromAnotherDatabase()
{
    Poster ana(m_hub->url(), QStringLiteral("Ana"));
    QVERIFY(ana.signIn());
    for (int i = 1; i <= 5; ++i)
        QVERIFY(ana.post(QStringLiteral("old %1").arg(i)) > 0);
    ChatSession session;
    session.start(
        optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("bo"))));
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(session.messages()).size(), 5, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);

    // Same address, another database: the token is unknown there (401 → sign in again), and our
    // Last-Event-ID is beyond its newest event (→ reset → history reloaded).
    const quint16 port = m_hub->port();
    m_hub = std::make_unique<HubProcess>(
        m_dir->filePath(QStringLiteral("other-hub")),
        QStringList {QStringLiteral("--max-rate"), QStringLiteral("0")});
    QVERIFY2(m_hub->start(port), qPrintable(m_hub->errorText()));
    Poster cy(m_hub->url(), QStringLiteral("Cy"));
    QVERIFY(cy.signIn());
    QVERIFY(cy.post(QStringLiteral("new world")) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(session.messages()),
                              QStringList {QStringLiteral("new world")}, Timeout);
    QCOMPARE(session.state(), ChatSession::State::Live);
    QVERIFY(cy.post(QStringLiteral("and live")) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(
        messageTexts(session.messages()),
        (QStringList {QStringLiteral("new world"), QStringLiteral("and live")}), Timeout);
    QVERIFY(sequencesStrictlyIncrease(session.messages()));
}

void TestChatSession::byeSaysHostLeftAndKeepsRetrying()
{
    ChatSession session;
    QSignalSpy hostLeft(&session, &ChatSession::hostLeft);
    session.start(
        optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("bo"))));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
    m_hub->terminate();
    QTRY_COMPARE_WITH_TIMEOUT(hostLeft.size(), 1, Timeout);
    QCOMPARE(session.members()->onlineCount(), 0); // nobody is reachable while the hub is gone
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Reconnecting, Timeout);
    QVERIFY2(m_hub->start(m_hub->port()), qPrintable(m_hub->errorText()));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
}

void TestChatSession::busyHubIsRetried()
{
    // A hub answering the stream with 503 (connection cap, or shutting down): an EventSource
    // would give up; the session waits and tries again.
    using test::ScriptedServer;
    auto json = [](const QByteArray &body) {
        return QByteArray(ScriptedServer::head(200, "application/json") + body);
    };
    ScriptedServer server;
    QVERIFY(server.listen());
    server.setScripts(
        "/api/v1/session",
        {{ScriptedServer::send(
              ScriptedServer::head(201, "application/json")
              + R"({"token":"t","member":{"id":"m_1","name":"Bo"},"room":{"id":"lobby","title":"L"}})"),
          ScriptedServer::close()}});
    server.setScripts("/api/v1/rooms/lobby/messages",
                      {{ScriptedServer::send(json(R"({"events":[],"hasMore":false})")),
                        ScriptedServer::close()}});
    server.setScripts(
        "/api/v1/rooms/lobby/members",
        {{ScriptedServer::send(json(R"({"members":[{"id":"m_1","name":"Bo","online":true}]})")),
          ScriptedServer::close()}});
    server.setScripts(
        "/api/v1/rooms/lobby/events",
        {{ScriptedServer::send(ScriptedServer::head(503, "application/json")
                               + R"({"error":{"code":"shutting_down","message":"Bye."}})"),
          ScriptedServer::close()},
         {ScriptedServer::send(
              ScriptedServer::head()
              + "id: 1\nevent: message\ndata: {\"id\":1,\"room\":\"lobby\",\"from\":"
                "{\"id\":\"m_2\",\"name\":\"Ana\"},\"text\":\"back\",\"ts\":1,\"clientId\":\"x\"}"
                "\n\n"),
          ScriptedServer::hold()}});
    ChatSession session;
    QSignalSpy states(&session, &ChatSession::stateChanged);
    session.start(optionsFor(server.url(QStringLiteral("/")), QStringLiteral("Bo"),
                             m_dir->filePath(QStringLiteral("bo"))));
    QTRY_COMPARE_WITH_TIMEOUT(session.state(), ChatSession::State::Live, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(messageTexts(session.messages()),
                              QStringList {QStringLiteral("back")}, Timeout);
    QCOMPARE(server.connectionCount("/api/v1/rooms/lobby/events"), 2);
    for (const auto &arguments : std::as_const(states))
        QVERIFY(arguments.at(0).value<ChatSession::State>() != ChatSession::State::Failed);
}

void TestChatSession::leavingReachesTheHub()
{
    Poster ana(m_hub->url(), QStringLiteral("Ana"));
    QVERIFY(ana.signIn());
    auto session = std::make_unique<ChatSession>();
    session->start(
        optionsFor(m_hub->url(), QStringLiteral("Bo"), m_dir->filePath(QStringLiteral("bo"))));
    QTRY_COMPARE_WITH_TIMEOUT(session->state(), ChatSession::State::Live, Timeout);
    const auto members = [&] {
        return wait<std::vector<MemberInfo>>(
            [&](auto done) { ana.api().fetchMembers(QStringLiteral("lobby"), done); });
    };
    QCOMPARE(members().value->size(), size_t(2));
    // Leaving says when the hub has heard it; only then may the session go away.
    QSignalSpy signedOut(session.get(), &ChatSession::signedOut);
    QVERIFY(session->stop(true));
    QTRY_COMPARE_WITH_TIMEOUT(signedOut.size(), 1, Timeout);
    session.reset();
    const auto after = members();
    QVERIFY(after.ok());
    QCOMPARE(after.value->size(), size_t(1)); // Bo is gone, not a ghost
    QCOMPARE(after.value->front().member.name, QStringLiteral("Ana"));
    // Without a session on the hub there is nothing to sign out.
    ChatSession idle;
    QVERIFY(!idle.stop(true));
}

QTEST_GUILESS_MAIN(TestChatSession)
#include "tst_chatsession.moc"
