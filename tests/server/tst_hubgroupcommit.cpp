// Group commit (MessageService::post): posts read in one event-loop turn are stored in one
// transaction and answered only after it (a post that comes alone is stored at once). Over real
// loopback sockets: every post answered once, stored once, ids strictly increasing; a clientId
// posted twice in one batch gets one id; a connection's answers keep its requests' order; a failed
// commit refuses the whole batch and publishes nothing; and what was answered 201 survives a
// SIGKILL of a real `confab serve`.

#include "hubprocess.h"
#include "hubtestkit.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QtTest>

#include <map>
#include <memory>

using namespace confab;
using namespace confab::test;

namespace {

// One keep-alive connection whose requests are written at once (all of them before the caller
// spins the event loop, so that the hub reads them in one turn) and whose answers are read by
// Content-Length framing, in order.
class Pipeline
{
public:
    explicit Pipeline(quint16 port)
        : m_port(port)
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket,
                         [this] { m_buffer += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }
    bool waitConnected() { return m_socket.waitForConnected(WaitMs); }
    void post(const Session &session, const QString &text, const QString &clientId,
              const QString &room = QStringLiteral("lobby"))
    {
        const QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("text"), text},
                                                           {QStringLiteral("clientId"), clientId}})
                                    .toJson(QJsonDocument::Compact);
        m_pending += "POST /api/v1/rooms/" + room.toUtf8()
            + "/messages HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port)
            + "\r\nAuthorization: Bearer " + session.token
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        ++m_expected;
    }
    void get(const QByteArray &path)
    {
        m_pending += "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port)
            + "\r\n\r\n";
        ++m_expected;
    }
    // Hands the queued requests to the kernel now (not at the next event-loop turn).
    void send()
    {
        m_socket.write(std::exchange(m_pending, {}));
        m_socket.flush();
    }
    // Parses what has arrived; true once every request has its answer.
    bool done()
    {
        for (;;) {
            const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
            if (headEnd < 0)
                break;
            Response response;
            const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
            response.status = lines.first().trimmed().split(' ').value(1).toInt();
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon > 0)
                    response.headers.append(qMakePair(lines[i].left(colon).trimmed(),
                                                      lines[i].mid(colon + 1).trimmed()));
            }
            const qint64 length = response.header("content-length").toLongLong();
            if (m_buffer.size() - headEnd - 4 < length)
                break;
            response.body = m_buffer.mid(headEnd + 4, length);
            response.complete = true;
            m_buffer.remove(0, headEnd + 4 + length);
            answers.push_back(response);
        }
        return int(answers.size()) >= m_expected;
    }

    std::vector<Response> answers;

private:
    quint16 m_port;
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_pending;
    int m_expected = 0;
};

bool allDone(const std::vector<std::unique_ptr<Pipeline>> &pipelines)
{
    bool done = true;
    for (const auto &pipeline : pipelines)
        done = pipeline->done() && done;
    return done;
}

qint64 idOf(const Response &response)
{
    return response.json().value(QLatin1StringView("id")).toInteger();
}

HubSettings unlimitedRate()
{
    HubSettings settings;
    settings.messagesPerSecond = 0;
    return settings;
}

// The lobby's stored messages, every page of them: clientId → id (a clientId stored twice
// clears *unique).
std::map<QString, qint64> storedMessages(quint16 port, const Session &session, bool *unique)
{
    *unique = true;
    std::map<QString, qint64> stored;
    QByteArray before;
    for (int pages = 0; pages < 100; ++pages) {
        const Response page = callAs(port, session, "GET",
                                     "/api/v1/rooms/lobby/messages?limit=200"
                                         + (before.isEmpty() ? QByteArray() : "&before=" + before));
        const QJsonObject body = page.json();
        const QJsonArray events = body.value(QLatin1StringView("events")).toArray();
        for (const QJsonValue &value : events) {
            const QJsonObject event = value.toObject().value(QLatin1StringView("data")).toObject();
            if (value.toObject().value(QLatin1StringView("type")).toString()
                != QLatin1StringView("message"))
                continue;
            const QString clientId = event.value(QLatin1StringView("clientId")).toString();
            if (stored.count(clientId))
                *unique = false;
            stored[clientId] = event.value(QLatin1StringView("id")).toInteger();
        }
        if (events.isEmpty() || !body.value(QLatin1StringView("hasMore")).toBool())
            break;
        before = QByteArray::number(events.first()
                                        .toObject()
                                        .value(QLatin1StringView("data"))
                                        .toObject()
                                        .value(QLatin1StringView("id"))
                                        .toInteger());
    }
    return stored;
}

} // namespace

class TestHubGroupCommit : public QObject
{
    Q_OBJECT
private slots:
    void concurrentPostsAreAnsweredStoredOnceInOrder();
    void failedCommitRefusesTheWholeBatch();
    void answeredPostsSurviveAKill();
};

void TestHubGroupCommit::concurrentPostsAreAnsweredStoredOnceInOrder()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    std::vector<Session> members;
    for (int i = 0; i < 4; ++i) {
        members.push_back(signIn(port, QStringLiteral("Member%1").arg(i)));
        QVERIFY(!members.back().token.isEmpty());
    }
    StreamReader stream(port, {members[0].token});
    QVERIFY(stream.waitForHead());

    // 32 connections, each: a post, a GET, a second post, all in one write; connections 0 and 1
    // post the same clientId as the same member (a retry racing the first attempt), and
    // connection 2 sends one clientId twice in a row.
    constexpr int Connections = 32;
    std::vector<std::unique_ptr<Pipeline>> pipelines;
    for (int i = 0; i < Connections; ++i) {
        pipelines.push_back(std::make_unique<Pipeline>(port));
        QVERIFY(pipelines.back()->waitConnected());
    }
    int distinct = 0;
    for (int i = 0; i < Connections; ++i) {
        Pipeline &pipeline = *pipelines[size_t(i)];
        const Session &member = members[size_t(i % 4)];
        if (i < 2) {
            pipeline.post(members[0], QStringLiteral("racing retry"), QStringLiteral("dup"));
        } else {
            pipeline.post(member, QStringLiteral("first %1").arg(i), QStringLiteral("a%1").arg(i));
            ++distinct;
        }
        pipeline.get("/healthz");
        if (i == 2) {
            pipeline.post(member, QStringLiteral("twice"), QStringLiteral("twice"));
            pipeline.post(member, QStringLiteral("twice"), QStringLiteral("twice"));
            pipeline.get("/healthz");
        } else {
            pipeline.post(member, QStringLiteral("second %1").arg(i), QStringLiteral("b%1").arg(i));
        }
        ++distinct;
    }
    ++distinct; // "dup"
    for (const auto &pipeline : pipelines)
        pipeline->send();
    QVERIFY(QTest::qWaitFor([&] { return allDone(pipelines); }, WaitMs));

    // Each connection's answers in its requests' order: 201, 200 (healthz), 201 ...
    QSet<qint64> ids;
    for (int i = 0; i < Connections; ++i) {
        const std::vector<Response> &answers = pipelines[size_t(i)]->answers;
        for (const Response &answer : answers) {
            const bool health = answer.json().contains(QLatin1StringView("status"));
            QVERIFY2(answer.status == (health ? 200 : 201), answer.body.constData());
            if (!health)
                ids.insert(idOf(answer));
        }
        QVERIFY(answers[1].json().contains(QLatin1StringView("status")));
        if (i == 2) {
            QVERIFY(answers[3].json().contains(QLatin1StringView("id")));
            QVERIFY(answers[4].json().contains(QLatin1StringView("status")));
            QCOMPARE(idOf(answers[2]), idOf(answers[3])); // one clientId, one message
            QCOMPARE(answers[2].json().value(QLatin1StringView("ts")),
                     answers[3].json().value(QLatin1StringView("ts")));
        } else {
            QVERIFY(answers[2].json().contains(QLatin1StringView("id")));
            // Ids are handed out in the order the posts were read.
            QVERIFY(idOf(answers[0]) < idOf(answers[2]));
        }
    }
    QCOMPARE(idOf(pipelines[0]->answers[0]), idOf(pipelines[1]->answers[0]));
    QCOMPARE(ids.size(), distinct);

    // Stored once each, and published once each in id order.
    bool unique = false;
    const std::map<QString, qint64> stored = storedMessages(port, members[0], &unique);
    QVERIFY(unique);
    QCOMPARE(int(stored.size()), distinct);
    for (const auto &[clientId, id] : stored)
        QVERIFY2(ids.contains(id), qPrintable(clientId));
    QTRY_COMPARE_WITH_TIMEOUT(int(stream.eventsOfType(QStringLiteral("message")).size()), distinct,
                              WaitMs);
    qint64 last = 0;
    for (const auto &event : stream.eventsOfType(QStringLiteral("message"))) {
        QVERIFY(event.lastEventId.toLongLong() > last);
        last = event.lastEventId.toLongLong();
    }
}

void TestHubGroupCommit::failedCommitRefusesTheWholeBatch()
{
    HubFixture fixture(unlimitedRate());
    QVERIFY2(fixture.started(), qPrintable(fixture.error));
    const quint16 port = fixture.port();
    const Session ana = signIn(port, QStringLiteral("Ana"));
    StreamReader stream(port, {ana.token});
    QVERIFY(stream.waitForHead());
    QCOMPARE(post(port, ana, QStringLiteral("before"), QStringLiteral("before")).status, 201);
    QVERIFY(stream.waitForEvents(1));

    // The database refuses one message of the batch (a trigger added beside the hub's own
    // connection): the whole transaction fails.
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("saboteur"));
        db.setDatabaseName(QDir(fixture.dataDir()).filePath(QStringLiteral("hub.sqlite")));
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY2(query.exec(QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON events WHEN "
                                           "NEW.text = 'poison' BEGIN SELECT RAISE(ABORT, "
                                           "'refused'); END")),
                 qPrintable(query.lastError().text()));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("saboteur"));

    // Connections the hub has taken in (each answered a request), so that the posts below are
    // all readable in the same event-loop turn: one batch.
    std::vector<std::unique_ptr<Pipeline>> pipelines;
    for (int i = 0; i < 7; ++i) {
        pipelines.push_back(std::make_unique<Pipeline>(port));
        QVERIFY(pipelines.back()->waitConnected());
        pipelines.back()->get("/healthz");
        pipelines.back()->send();
    }
    QVERIFY(QTest::qWaitFor([&] { return allDone(pipelines); }, WaitMs));
    for (auto &pipeline : pipelines)
        QCOMPARE(pipeline->answers.size(), size_t(1));
    // A post that comes alone (none in the last 2 ms) is stored at once: connection 0 leads with
    // one, stored alone, so that the posts right behind it in the same turn form one batch.
    pipelines[0]->post(ana, QStringLiteral("alone"), QStringLiteral("alone"));
    // Connection 6 sends connection 5's clientId again: a duplicate inside the failing batch.
    for (int i = 0; i < 7; ++i) {
        pipelines[size_t(i)]->post(ana, i == 3 ? QStringLiteral("poison") : QStringLiteral("fine"),
                                   QStringLiteral("f%1").arg(std::min(i, 5)));
    }
    for (const auto &pipeline : pipelines)
        pipeline->send();
    QVERIFY(QTest::qWaitFor([&] { return allDone(pipelines); }, WaitMs));
    QCOMPARE(pipelines[0]->answers.size(), size_t(3));
    QCOMPARE(pipelines[0]->answers[1].status, 201);
    for (const auto &pipeline : pipelines) {
        QVERIFY(pipeline->answers.size() >= 2);
        for (size_t i = pipeline == pipelines[0] ? 2 : 1; i < pipeline->answers.size(); ++i) {
            const Response &answer = pipeline->answers[i];
            QCOMPARE(answer.status, 500);
            QCOMPARE(answer.errorCode(), QStringLiteral("store_failed"));
        }
    }
    bool unique = false;
    QCOMPARE(int(storedMessages(port, ana, &unique).size()), 2);
    // Nothing was published; the next post (the retry of one refused) is stored and follows.
    const Response retry = post(port, ana, QStringLiteral("fine"), QStringLiteral("f0"));
    QCOMPARE(retry.status, 201);
    QTRY_COMPARE_WITH_TIMEOUT(stream.eventsOfType(QStringLiteral("message")).size(), size_t(3),
                              WaitMs);
    const auto messages = stream.eventsOfType(QStringLiteral("message"));
    QCOMPARE(messages.back().lastEventId.toLongLong(), idOf(retry));
    QVERIFY(messages.back().lastEventId.toLongLong() > messages.front().lastEventId.toLongLong());
}

void TestHubGroupCommit::answeredPostsSurviveAKill()
{
    QTemporaryDir dataDir;
    HubProcess hub(dataDir.path(),
                   {QStringLiteral("--tls"), QStringLiteral("off"), QStringLiteral("--max-rate"),
                    QStringLiteral("0")});
    QVERIFY2(hub.start(), qPrintable(hub.errorText()));
    const Session ana = signIn(hub.port(), QStringLiteral("Ana"));
    QVERIFY(!ana.token.isEmpty());

    // Posts keep coming on 8 connections; the hub is killed (SIGKILL) as soon as 200 are answered,
    // with more in flight. Every post answered 201 must be there after the restart.
    constexpr int Connections = 8;
    std::vector<std::unique_ptr<Pipeline>> pipelines;
    for (int i = 0; i < Connections; ++i) {
        pipelines.push_back(std::make_unique<Pipeline>(hub.port()));
        QVERIFY(pipelines.back()->waitConnected());
    }
    std::map<QString, qint64> answered;
    std::vector<size_t> seen(Connections, 0);
    std::vector<int> sent(Connections, 0);
    const auto postNext = [&](int i) {
        pipelines[size_t(i)]->post(ana, QStringLiteral("kept"),
                                   QStringLiteral("k%1-%2").arg(i).arg(sent[size_t(i)]++));
        pipelines[size_t(i)]->send();
    };
    for (int i = 0; i < Connections; ++i)
        postNext(i);
    QVERIFY(QTest::qWaitFor(
        [&] {
            for (int i = 0; i < Connections; ++i) {
                Pipeline &pipeline = *pipelines[size_t(i)];
                pipeline.done();
                while (seen[size_t(i)] < pipeline.answers.size()) {
                    const Response &answer = pipeline.answers[seen[size_t(i)]];
                    if (answer.status != 201)
                        return true; // reported below
                    answered[QStringLiteral("k%1-%2").arg(i).arg(seen[size_t(i)])] = idOf(answer);
                    ++seen[size_t(i)];
                    postNext(i);
                }
            }
            return answered.size() >= 200;
        },
        WaitMs));
    hub.kill();
    QVERIFY(answered.size() >= 200);

    QVERIFY2(hub.start(hub.port()), qPrintable(hub.errorText()));
    bool unique = false;
    const std::map<QString, qint64> stored = storedMessages(hub.port(), ana, &unique);
    QVERIFY(unique);
    for (const auto &[clientId, id] : answered) {
        const auto found = stored.find(clientId);
        QVERIFY2(found != stored.end(), qPrintable(clientId + QStringLiteral(" was answered")));
        QCOMPARE(found->second, id);
    }
}

QTEST_GUILESS_MAIN(TestHubGroupCommit)
#include "tst_hubgroupcommit.moc"
