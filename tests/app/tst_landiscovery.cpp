// LAN discovery over real loopback UDP sockets: an announcer and a discovery on 127.0.0.1 with
// free ports (never the real beacon port, never a LAN interface). The one test that uses the real
// beacon port runs itself again inside a fresh network namespace that has only loopback.

#include "hubapiwait.h"
#include "hubhost.h"
#include "lanannouncer.h"
#include "landiscovery.h"

#include <QElapsedTimer>
#include <QNetworkInterface>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUdpSocket>

#include <algorithm>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace confab;

namespace {

constexpr int WaitMs = 10000;
// The processes start slowly in a sanitizer build on a loaded machine; the query at start and
// the 3 s announces then need a few seconds at most.
constexpr int ProcessWaitMs = 45000;
constexpr int ChildTimeoutMs = 4 * ProcessWaitMs;
constexpr char NamespaceChildVariable[] = "CONFAB_TEST_IN_NETNS";

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

// `ip link set lo up`, without needing the ip tool: a new network namespace starts with lo down.
bool bringLoopbackUp()
{
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return false;
    ifreq request {};
    qstrncpy(request.ifr_name, "lo", IFNAMSIZ);
    bool ok = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
    request.ifr_flags = short(request.ifr_flags | IFF_UP);
    ok = ok && ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
    ::close(fd);
    return ok;
}

// A process of the multi-process test whose standard output is searched for lines.
struct Peer
{
    QProcess process;
    QString output;

    void start(const QString &program, const QStringList &arguments)
    {
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QObject::connect(&process, &QProcess::readyReadStandardOutput, &process,
                         [this] { output += QString::fromUtf8(process.readAllStandardOutput()); });
        process.start(program, arguments);
    }
    ~Peer()
    {
        process.kill();
        process.waitForFinished();
    }
};

// Like QTRY_VERIFY, without its extra wait of twice the timeout after a failure.
template<class Predicate> bool waitUntil(Predicate predicate, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!predicate()) {
        if (clock.hasExpired(timeoutMs))
            return false;
        QTest::qWait(50);
    }
    return true;
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
    void beaconNamesTheHubsCertificateAndJoiningPinsIt();
    void twoWindowsAndServeOnOneMachineSeeEachOther();
};

namespace {

// Every Confab on the machine gets a copy: the loopback broadcast first, then a unicast copy for
// systems without one; all on the beacon port, all naming the hub's loopback URL.
void verifyLoopbackRoutes(const QList<LanAnnouncer::Route> &routes, const QHostAddress &hub,
                          quint16 beaconPort)
{
    QCOMPARE(routes.size(), 2);
    QCOMPARE(routes.at(0).destination, QHostAddress(QLatin1StringView(beacon::LoopbackBroadcast)));
    QCOMPARE(routes.at(1).destination, QHostAddress(QHostAddress::LocalHost));
    for (const auto &route : routes) {
        QCOMPARE(route.port, beaconPort);
        QCOMPARE(route.hubAddress, hub);
    }
}

} // namespace

void TestLanDiscovery::defaultRoutesOfLoopbackHubStayOnLoopback()
{
    const auto routes = LanAnnouncer::defaultRoutes(QHostAddress(QHostAddress::LocalHost), 4242);
    verifyLoopbackRoutes(routes, QHostAddress(QHostAddress::LocalHost), 4242);
    if (QTest::currentTestFailed())
        return;
    verifyLoopbackRoutes(LanAnnouncer::defaultRoutes(QHostAddress(QHostAddress::LocalHostIPv6)),
                         QHostAddress(QHostAddress::LocalHostIPv6), protocol::BeaconPort);
    if (QTest::currentTestFailed())
        return;
    // A loopback hub hears queries on the loopback broadcast address, so that it answers the
    // windows of this machine at once and takes no unicast datagram meant for another process.
    LanAnnouncer announcer(4567, [] { return QList<BeaconAnnounce> {}; });
    announcer.setRoutes(routes);
    QVERIFY(announcer.start());
    QVERIFY(announcer.isRunning());
    QCOMPARE(announcer.queryPort(), protocol::BeaconPort);
    announcer.stop();
    // A hub on every address announces on the LAN interfaces; only on a machine without any does
    // it announce on loopback (to this machine's windows).
    const auto anyRoutes = LanAnnouncer::defaultRoutes(QHostAddress(QHostAddress::Any));
    const bool hasLan = std::any_of(anyRoutes.cbegin(), anyRoutes.cend(), [](const auto &route) {
        return !route.hubAddress.isLoopback();
    });
    if (hasLan) {
        for (const auto &route : anyRoutes)
            QVERIFY(!route.hubAddress.isLoopback());
    } else {
        verifyLoopbackRoutes(anyRoutes, QHostAddress(QHostAddress::LocalHost),
                             protocol::BeaconPort);
    }
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

// Issue 14: in a namespace with only loopback, the window's list stayed empty even for a hub on
// 127.0.0.1 of the same machine. Two windows (discoverypeer runs the window's discovery and
// hosting code) and a `confab serve`, all on the real beacon port of one machine with no LAN,
// must each list the others' rooms.
void TestLanDiscovery::beaconNamesTheHubsCertificateAndJoiningPinsIt()
{
    LanDiscovery discovery;
    discovery.setListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    discovery.setQueryTargets({});
    QVERIFY(discovery.start());

    // A real hub with its TLS identity, hosted as the window and `confab serve` host it, its
    // beacon sent to this test's discovery port on loopback.
    QTemporaryDir dataDir;
    HubHost host;
    HubHost::Options options;
    options.bindAddress = QHostAddress(QHostAddress::LocalHost);
    options.title = QStringLiteral("Pinned");
    options.dataDir = dataDir.path();
    options.beaconPort = discovery.listenPort();
    QString error;
    QVERIFY2(host.start(options, &error), qPrintable(error));
    QCOMPARE(host.fingerprint().size(), 64);

    QTRY_VERIFY_WITH_TIMEOUT(!discovery.rooms().isEmpty(), WaitMs);
    const DiscoveredRoom found = discovery.rooms().first();
    QCOMPARE(found.announce.title, QStringLiteral("Pinned"));
    QCOMPARE(found.announce.fingerprint, host.fingerprint());
    QVERIFY(found.pin());
    QCOMPARE(found.pin()->hex(), host.fingerprint());
    QCOMPARE(found.joinUrl(), QUrl(QStringLiteral("https://127.0.0.1:%1/").arg(host.port())));

    // Joining what the beacon names: over TLS, pinned, accepted.
    HubApi api;
    api.setBaseUrl(found.joinUrl());
    api.setPin(found.pin());
    const auto signedIn = test::wait<SessionInfo>([&](auto done) {
        api.signIn(QStringLiteral("Ana"), QString(), QStringLiteral("lobby"), done);
    });
    QVERIFY2(signedIn.ok(), qPrintable(signedIn.error.message));

    // A beacon naming another certificate for the same hub (an impostor's, or a stale one): the
    // pin it gives refuses the hub before anything is sent.
    LanDiscovery forgedDiscovery;
    forgedDiscovery.setListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    forgedDiscovery.setQueryTargets({});
    QVERIFY(forgedDiscovery.start());
    LanAnnouncer forger(host.port(), [] {
        BeaconAnnounce announce = room(QStringLiteral("lobby"), QStringLiteral("Pinned"));
        announce.fingerprint = QString(64, QLatin1Char('a'));
        return QList<BeaconAnnounce> {announce};
    });
    forger.setRoutes({{QHostAddress(QHostAddress::LocalHost),
                       forgedDiscovery.listenPort(),
                       QHostAddress(QHostAddress::LocalHost),
                       {}}});
    forger.setQueryListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    QVERIFY(forger.start());
    QTRY_VERIFY_WITH_TIMEOUT(!forgedDiscovery.rooms().isEmpty(), WaitMs);
    const DiscoveredRoom forged = forgedDiscovery.rooms().first();
    QVERIFY(forged.pin());
    HubApi refused;
    refused.setBaseUrl(forged.joinUrl());
    refused.setPin(forged.pin());
    const auto refusal = test::wait<SessionInfo>([&](auto done) {
        refused.signIn(QStringLiteral("Bo"), QString(), QStringLiteral("lobby"), done);
    });
    QVERIFY(!refusal.ok());
    QCOMPARE(refusal.error.code, QStringLiteral("tls_pin_mismatch"));
    QVERIFY2(refusal.error.message.contains(host.fingerprint()), qPrintable(refusal.error.message));
}

void TestLanDiscovery::twoWindowsAndServeOnOneMachineSeeEachOther()
{
    const QString confab = qEnvironmentVariable("CONFAB_BINARY");
    const QString peerProgram = QStringLiteral(CONFAB_DISCOVERY_PEER);
    if (confab.isEmpty())
        QSKIP("CONFAB_BINARY is not set (run through ctest)");

    if (!qEnvironmentVariableIsSet(NamespaceChildVariable)) {
        const QString unshare = QStandardPaths::findExecutable(QStringLiteral("unshare"));
        if (unshare.isEmpty())
            QSKIP("unshare(1) is not installed");
        QProcess child;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QLatin1StringView(NamespaceChildVariable), QStringLiteral("1"));
        child.setProcessEnvironment(environment);
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.start(unshare,
                    {QStringLiteral("--net"), QStringLiteral("--map-root-user"),
                     QCoreApplication::applicationFilePath(),
                     QStringLiteral("twoWindowsAndServeOnOneMachineSeeEachOther")});
        const bool finished = child.waitForFinished(ChildTimeoutMs);
        const QString output = QString::fromUtf8(child.readAll());
        QVERIFY2(finished, qPrintable(output));
        if (output.startsWith(QLatin1StringView("unshare:")))
            QSKIP(qPrintable(QStringLiteral("no network namespace here: ") + output.trimmed()));
        if (child.exitCode() != 0)
            qWarning().noquote() << output;
        QCOMPARE(child.exitCode(), 0);
        QVERIFY(output.contains(QLatin1StringView("PASS   : TestLanDiscovery::"
                                                  "twoWindowsAndServeOnOneMachineSeeEachOther")));
        return;
    }

    // Inside the namespace: loopback only, as in the issue.
    QVERIFY(bringLoopbackUp());
    for (const QNetworkInterface &interface : QNetworkInterface::allInterfaces()) {
        if (interface.flags().testFlag(QNetworkInterface::IsUp))
            QVERIFY2(interface.flags().testFlag(QNetworkInterface::IsLoopBack),
                     qPrintable(interface.name()));
    }

    QTemporaryDir dataDir;
    Peer serve;
    serve.start(confab,
                {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"),
                 QStringLiteral("--data-dir"), dataDir.path(), QStringLiteral("--title"),
                 QStringLiteral("Serve room")});
    // Window A hosts on 127.0.0.1 (the case of the issue), window B on every address (the
    // window's default), which on this machine means loopback.
    Peer windowA;
    windowA.start(peerProgram,
                  {QStringLiteral("--host-bind"), QStringLiteral("127.0.0.1"),
                   QStringLiteral("--title"), QStringLiteral("Window A")});
    Peer windowB;
    windowB.start(peerProgram,
                  {QStringLiteral("--host-bind"), QStringLiteral("0.0.0.0"),
                   QStringLiteral("--title"), QStringLiteral("Window B")});

    const auto port = [](const Peer &peer, const QString &pattern) {
        const auto match = QRegularExpression(pattern).match(peer.output);
        return match.hasMatch() ? match.captured(1) : QString();
    };
    QVERIFY2(waitUntil(
                 [&] {
                     return !port(serve, QStringLiteral("^listening on http://0.0.0.0:(\\d+)/"))
                                 .isEmpty()
                         && !port(windowA, QStringLiteral("ready (\\d+)")).isEmpty()
                         && !port(windowB, QStringLiteral("ready (\\d+)")).isEmpty();
                 },
                 ProcessWaitMs),
             qPrintable(serve.output + windowA.output + windowB.output));
    const QString serveRoom
        = QStringLiteral("room Serve room http://127.0.0.1:%1/")
              .arg(port(serve, QStringLiteral("^listening on http://0.0.0.0:(\\d+)/")));
    const QString roomA = QStringLiteral("room Window A http://127.0.0.1:%1/")
                              .arg(port(windowA, QStringLiteral("ready (\\d+)")));
    const QString roomB = QStringLiteral("room Window B http://127.0.0.1:%1/")
                              .arg(port(windowB, QStringLiteral("ready (\\d+)")));

    const bool allSeen = waitUntil(
        [&] {
            return windowA.output.contains(serveRoom) && windowA.output.contains(roomB)
                && windowB.output.contains(serveRoom) && windowB.output.contains(roomA);
        },
        ProcessWaitMs);
    QVERIFY2(allSeen,
             qPrintable(QStringLiteral("window A saw:\n%1window B saw:\n%2")
                            .arg(windowA.output, windowB.output)));
}

QTEST_GUILESS_MAIN(TestLanDiscovery)
#include "tst_landiscovery.moc"
