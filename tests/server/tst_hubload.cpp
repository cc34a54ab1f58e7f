// Many subscribers at once on one hub, over real loopback sockets.

#include "hubtestkit.h"

#include <QTest>

using namespace confab;
using namespace confab::test;

class TestHubLoad : public QObject
{
    Q_OBJECT
private slots:
    void thousandConcurrentSubscribers();
    void postsDuringASweepReachEveryoneOnceInOrder();
};

void TestHubLoad::thousandConcurrentSubscribers()
{
    constexpr int Subscribers = 1000;
    constexpr int Messages = 5;
    // Both ends live in this process: two descriptors per subscriber plus slack.
    if (raiseOpenFileLimit(2 * Subscribers + 200) < 2 * Subscribers + 100)
        QSKIP("RLIMIT_NOFILE cannot be raised far enough");
    HubSettings settings;
    settings.messagesPerSecond = 0;
    settings.maxConnections = Subscribers + 100;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));

    std::vector<std::unique_ptr<StreamReader>> streams;
    streams.reserve(Subscribers);
    for (int i = 0; i < Subscribers; ++i)
        streams.push_back(
            std::make_unique<StreamReader>(fixture.port(), StreamReader::Options {ana.token}));
    QTRY_COMPARE_WITH_TIMEOUT(fixture.hub().subscriberCount(), Subscribers, 90000);

    for (int i = 0; i < Messages; ++i)
        QCOMPARE(post(fixture.port(), ana, QStringLiteral("to all %1").arg(i),
                      QStringLiteral("all-%1").arg(i))
                     .status,
                 201);
    const auto everyoneHasAll = [&] {
        for (const auto &stream : streams) {
            if (stream->eventsOfType(QStringLiteral("message")).size() < size_t(Messages))
                return false;
        }
        return true;
    };
    QVERIFY(QTest::qWaitFor(everyoneHasAll, 90000));
    for (const auto &stream : streams) {
        const auto messages = stream->eventsOfType(QStringLiteral("message"));
        QCOMPARE(messages.size(), size_t(Messages));
        QCOMPARE(messages.back().lastEventId, QString::number(Messages + 1)); // join is id 1
    }
    // Half leave abruptly; the rest keep receiving and the count follows.
    for (int i = 0; i < Subscribers / 2; ++i)
        streams[size_t(i)]->socket()->abort();
    QTRY_COMPARE_WITH_TIMEOUT(fixture.hub().subscriberCount(), Subscribers / 2, 60000);
    QCOMPARE(
        post(fixture.port(), ana, QStringLiteral("to the rest"), QStringLiteral("rest")).status,
        201);
    QVERIFY(QTest::qWaitFor(
        [&] {
            for (int i = Subscribers / 2; i < Subscribers; ++i) {
                if (streams[size_t(i)]->eventsOfType(QStringLiteral("message")).size()
                    < size_t(Messages + 1))
                    return false;
            }
            return true;
        },
        60000));
}

// The fan-out writes to subscribers in slices and reads new requests in between, so posts arrive
// while a sweep is half-way: the subscribers it has not reached get the new events in the same
// write, the ones it has passed get them on the next sweep. Nobody may miss, repeat or reorder.
void TestHubLoad::postsDuringASweepReachEveryoneOnceInOrder()
{
    constexpr int Subscribers = 600;
    constexpr int Posts = 60;
    if (raiseOpenFileLimit(2 * (Subscribers + Posts) + 200) < 2 * (Subscribers + Posts) + 100)
        QSKIP("RLIMIT_NOFILE cannot be raised far enough");
    HubSettings settings;
    settings.messagesPerSecond = 0;
    settings.maxConnections = Subscribers + Posts + 100;
    HubFixture fixture(settings);
    QVERIFY(fixture.started());
    const Session ana = signIn(fixture.port(), QStringLiteral("Ana"));
    std::vector<std::unique_ptr<StreamReader>> streams;
    for (int i = 0; i < Subscribers; ++i)
        streams.push_back(
            std::make_unique<StreamReader>(fixture.port(), StreamReader::Options {ana.token}));
    QTRY_COMPARE_WITH_TIMEOUT(fixture.hub().subscriberCount(), Subscribers, 90000);

    // Every post on its own connection, all sent before any answer is read.
    std::vector<std::unique_ptr<QTcpSocket>> posters;
    int answered = 0;
    for (int i = 0; i < Posts; ++i) {
        const QByteArray body = R"({"text":"burst )" + QByteArray::number(i) + R"(","clientId":"b)"
            + QByteArray::number(i) + R"("})";
        auto socket = std::make_unique<QTcpSocket>();
        QTcpSocket *raw = socket.get();
        connect(raw, &QTcpSocket::readyRead, this, [raw, &answered] {
            if (raw->peek(12).startsWith("HTTP/1.1 201")) {
                ++answered;
                raw->disconnect();
            }
        });
        raw->connectToHost(QHostAddress::LocalHost, fixture.port());
        raw->write("POST /api/v1/rooms/lobby/messages HTTP/1.1\r\nHost: 127.0.0.1:"
                   + QByteArray::number(fixture.port()) + "\r\nAuthorization: Bearer " + ana.token
                   + "\r\nContent-Type: application/json\r\nContent-Length: "
                   + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        posters.push_back(std::move(socket));
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, Posts, 60000);

    const auto everyoneHasAll = [&] {
        for (const auto &stream : streams) {
            if (stream->eventsOfType(QStringLiteral("message")).size() < size_t(Posts))
                return false;
        }
        return true;
    };
    QVERIFY(QTest::qWaitFor(everyoneHasAll, 90000));
    QTest::qWait(200); // a duplicate would arrive by now
    for (const auto &stream : streams) {
        const auto messages = stream->eventsOfType(QStringLiteral("message"));
        QCOMPARE(messages.size(), size_t(Posts));
        // Ids 2 ... Posts+1 (the join is 1), each once, in order.
        for (size_t i = 0; i < messages.size(); ++i)
            QCOMPARE(messages[i].lastEventId, QString::number(qsizetype(i) + 2));
    }
}

QTEST_GUILESS_MAIN(TestHubLoad)
#include "tst_hubload.moc"
