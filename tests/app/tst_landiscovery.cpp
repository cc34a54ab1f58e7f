// LAN discovery over real loopback UDP sockets: an announcer and a discovery on 127.0.0.1 with
// free ports (never the real beacon port, never a LAN interface).

#include "lanannouncer.h"
#include "landiscovery.h"

#include <QSignalSpy>
#include <QTest>
#include <QUdpSocket>

using namespace confab;

namespace {

constexpr int WaitMs = 10000;

BeaconAnnounce room(const QString &id, const QString &title)
{
    BeaconAnnounce announce;
    announce.roomId = id;
    announce.title = title;
    announce.host = QStringLiteral("test-host");
    announce.members = 2;
    announce.locked = true;
    return announce;
}

} // namespace

class TestLanDiscovery : public QObject
{
    Q_OBJECT
private slots:
    void defaultRoutesOfLoopbackHubStayOnLoopback();
    void findsRoomAnnouncedOverLoopback();
    void queryMakesHostAnswerAtOnce();
    void ignoresMalformedAndOversizedDatagrams();
    void expiresSilentRooms();
};

void TestLanDiscovery::defaultRoutesOfLoopbackHubStayOnLoopback()
{
    const auto routes = LanAnnouncer::defaultRoutes(QHostAddress(QHostAddress::LocalHost), 4242);
    QCOMPARE(routes.size(), 1);
    QVERIFY(routes.first().destination.isLoopback());
    QCOMPARE(routes.first().port, quint16(4242));
    QCOMPARE(routes.first().hubAddress, QHostAddress(QHostAddress::LocalHost));
    const auto routes6 = LanAnnouncer::defaultRoutes(QHostAddress(QHostAddress::LocalHostIPv6));
    QCOMPARE(routes6.size(), 1);
    QVERIFY(routes6.first().destination.isLoopback());
    // A loopback hub does not listen for queries: its socket would take the unicast announces
    // meant for the joiners on this machine.
    LanAnnouncer announcer(4567, [] { return QList<BeaconAnnounce> {}; });
    announcer.setRoutes(routes);
    QVERIFY(announcer.start());
    QVERIFY(announcer.isRunning());
    QCOMPARE(announcer.queryPort(), quint16(0));
    announcer.stop();
    // A hub on every address announces on LAN interfaces only, never on loopback.
    for (const auto &route : LanAnnouncer::defaultRoutes(QHostAddress(QHostAddress::Any)))
        QVERIFY(!route.hubAddress.isLoopback());
}

void TestLanDiscovery::findsRoomAnnouncedOverLoopback()
{
    LanDiscovery discovery;
    discovery.setListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    discovery.setQueryTargets({});
    QVERIFY(discovery.start());
    QVERIFY(discovery.listenPort() != 0);

    LanAnnouncer announcer(4567, [] {
        return QList<BeaconAnnounce> {room(QStringLiteral("lobby"), QStringLiteral("Lab 3"))};
    });
    announcer.setRoutes({{QHostAddress(QHostAddress::LocalHost),
                          discovery.listenPort(),
                          QHostAddress(QHostAddress::LocalHost),
                          {}}});
    announcer.setQueryListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    QVERIFY(announcer.start());

    QTRY_COMPARE_WITH_TIMEOUT(discovery.rooms().size(), 1, WaitMs);
    const DiscoveredRoom found = discovery.rooms().first();
    QCOMPARE(found.announce.roomId, QStringLiteral("lobby"));
    QCOMPARE(found.announce.title, QStringLiteral("Lab 3"));
    QCOMPARE(found.announce.host, QStringLiteral("test-host"));
    QCOMPARE(found.announce.members, 2);
    QVERIFY(found.announce.locked);
    QCOMPARE(found.announce.url, QUrl(QStringLiteral("http://127.0.0.1:4567/")));
    QCOMPARE(found.announce.apiVersion, protocol::ApiVersion);

    // Repeated announces update the entry instead of adding rooms.
    QSignalSpy announced(&announcer, &LanAnnouncer::announced);
    announcer.announceNow();
    announcer.announceNow();
    QCOMPARE(announced.size(), 2);
    QTest::qWait(100);
    QCOMPARE(discovery.rooms().size(), 1);
}

void TestLanDiscovery::queryMakesHostAnswerAtOnce()
{
    LanDiscovery discovery;
    discovery.setListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    discovery.setQueryTargets({});
    QVERIFY(discovery.start());

    LanAnnouncer announcer(4567, [] {
        return QList<BeaconAnnounce> {room(QStringLiteral("lobby"), QStringLiteral("Now"))};
    });
    announcer.setIntervalMs(3600 * 1000); // only start() and queries announce in this test
    announcer.setRoutes({{QHostAddress(QHostAddress::LocalHost),
                          discovery.listenPort(),
                          QHostAddress(QHostAddress::LocalHost),
                          {}}});
    announcer.setQueryListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    QSignalSpy announced(&announcer, &LanAnnouncer::announced);
    QVERIFY(announcer.start());
    QVERIFY(announcer.queryPort() != 0);
    QCOMPARE(announced.size(), 1);

    QSignalSpy queried(&announcer, &LanAnnouncer::queryReceived);
    discovery.setQueryTargets({{QHostAddress(QHostAddress::LocalHost), announcer.queryPort()}});
    discovery.sendQuery();
    QVERIFY(queried.wait(WaitMs));
    QCOMPARE(queried.first().first().value<QHostAddress>(), QHostAddress(QHostAddress::LocalHost));
    QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 2, WaitMs);
    QCOMPARE(announced.last().first().toInt(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(discovery.rooms().size(), 1, WaitMs);
}

void TestLanDiscovery::ignoresMalformedAndOversizedDatagrams()
{
    LanDiscovery discovery;
    discovery.setListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    discovery.setQueryTargets({});
    QVERIFY(discovery.start());

    QUdpSocket sender;
    const auto send = [&](const QByteArray &datagram) {
        QCOMPARE(sender.writeDatagram(datagram, QHostAddress(QHostAddress::LocalHost),
                                      discovery.listenPort()),
                 qint64(datagram.size()));
    };
    BeaconAnnounce valid = room(QStringLiteral("r1"), QStringLiteral("Valid"));
    valid.url = QUrl(QStringLiteral("http://127.0.0.1:1/"));
    BeaconAnnounce badScheme = valid;
    badScheme.url = QUrl(QStringLiteral("file:///etc/passwd"));
    QByteArray oversized = beacon::encodeAnnounce(valid);
    oversized.insert(oversized.size() - 1,
                     ",\"pad\":\"" + QByteArray(protocol::BeaconMaxBytes, 'x') + '"');

    send("not json at all");
    send("{\"kind\":\"announce\",\"url\":\"http://127.0.0.1:1/\"}"); // no "confab" key
    send(beacon::encodeAnnounce(badScheme));
    send(oversized);
    send(beacon::encodeQuery());
    send(QByteArray(3000, '{'));
    // A valid one last: once it shows, every datagram before it has been handled.
    send(beacon::encodeAnnounce(valid));

    QTRY_COMPARE_WITH_TIMEOUT(discovery.rooms().size(), 1, WaitMs);
    QTest::qWait(100);
    QCOMPARE(discovery.rooms().size(), 1);
    QCOMPARE(discovery.rooms().first().announce.title, QStringLiteral("Valid"));
}

void TestLanDiscovery::expiresSilentRooms()
{
    LanDiscovery discovery;
    discovery.setListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    discovery.setQueryTargets({});
    discovery.setExpiryMs(2000);
    QVERIFY(discovery.start());

    LanAnnouncer announcer(4567, [] {
        return QList<BeaconAnnounce> {room(QStringLiteral("lobby"), QStringLiteral("Brief"))};
    });
    announcer.setIntervalMs(100);
    announcer.setRoutes({{QHostAddress(QHostAddress::LocalHost),
                          discovery.listenPort(),
                          QHostAddress(QHostAddress::LocalHost),
                          {}}});
    announcer.setQueryListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    QVERIFY(announcer.start());
    QTRY_COMPARE_WITH_TIMEOUT(discovery.rooms().size(), 1, WaitMs);
    // Still there well past the expiry while the host keeps announcing.
    QTest::qWait(3000);
    QCOMPARE(discovery.rooms().size(), 1);

    QSignalSpy changed(&discovery, &LanDiscovery::roomsChanged);
    announcer.stop();
    QTRY_VERIFY_WITH_TIMEOUT(discovery.rooms().isEmpty(), WaitMs);
    QVERIFY(changed.size() >= 1);
}

QTEST_GUILESS_MAIN(TestLanDiscovery)
#include "tst_landiscovery.moc"
