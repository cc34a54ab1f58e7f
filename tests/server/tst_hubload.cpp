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

QTEST_GUILESS_MAIN(TestHubLoad)
#include "tst_hubload.moc"
