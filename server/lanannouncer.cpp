#include "lanannouncer.h"

#include <QLoggingCategory>
#include <QNetworkDatagram>
#include <QUdpSocket>
#include <QVariant>
#include <algorithm>

Q_LOGGING_CATEGORY(lcAnnounce, "confab.announce")

namespace confab {

namespace {

// Queries from several joiners within this window get one answer.
constexpr int QueryDebounceMs = 200;
// Link-local multicast: never routed beyond the local network.
constexpr int MulticastTtl = 1;

bool isUsableLanInterface(const QNetworkInterface &interface)
{
    const auto flags = interface.flags();
    return flags.testFlag(QNetworkInterface::IsUp) && flags.testFlag(QNetworkInterface::IsRunning)
        && !flags.testFlag(QNetworkInterface::IsLoopBack);
}

void addInterfaceRoutes(QList<LanAnnouncer::Route> &routes, const QNetworkInterface &interface,
                        const QHostAddress &onlyAddress, quint16 beaconPort)
{
    const bool multicast = interface.flags().testFlag(QNetworkInterface::CanMulticast);
    for (const QNetworkAddressEntry &entry : interface.addressEntries()) {
        const QHostAddress address = entry.ip();
        if (!onlyAddress.isNull() && address != onlyAddress)
            continue;
        if (address.protocol() == QAbstractSocket::IPv4Protocol) {
            if (multicast)
                routes.append({QHostAddress(QLatin1StringView(protocol::BeaconMulticastV4)),
                               beaconPort, address, interface});
            if (!entry.broadcast().isNull())
                routes.append({entry.broadcast(), beaconPort, address, {}});
        } else if (address.protocol() == QAbstractSocket::IPv6Protocol && multicast
                   && address.isGlobal() && !address.isLinkLocal()) {
            // A link-local hub URL would need a zone id the joiner cannot use in a browser.
            routes.append({QHostAddress(QLatin1StringView(protocol::BeaconMulticastV6)), beaconPort,
                           address, interface});
        }
    }
}

// The loopback broadcast reaches every Confab on this machine (Linux). The unicast copy to
// 127.0.0.1 is for systems whose loopback has no broadcast: there at least one listener gets it;
// where both arrive, the receiver sees the same announce twice and keeps one room.
void appendLoopbackRoutes(QList<LanAnnouncer::Route> &routes, const QHostAddress &hubAddress,
                          quint16 beaconPort)
{
    routes.append(
        {QHostAddress(QLatin1StringView(beacon::LoopbackBroadcast)), beaconPort, hubAddress, {}});
    routes.append({QHostAddress(QHostAddress::LocalHost), beaconPort, hubAddress, {}});
}

} // namespace

LanAnnouncer::LanAnnouncer(quint16 hubPort, RoomsProvider rooms, QObject *parent)
    : QObject(parent)
    , m_hubPort(hubPort)
    , m_rooms(std::move(rooms))
{
    m_timer.setInterval(protocol::BeaconIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LanAnnouncer::announceNow);
    m_queryDebounce.setSingleShot(true);
    m_queryDebounce.setInterval(QueryDebounceMs);
    connect(&m_queryDebounce, &QTimer::timeout, this, &LanAnnouncer::announceNow);
}

LanAnnouncer::~LanAnnouncer() = default;

QList<LanAnnouncer::Route> LanAnnouncer::defaultRoutes(const QHostAddress &hubBindAddress,
                                                       quint16 beaconPort)
{
    QList<Route> routes;
    if (hubBindAddress.isLoopback()) {
        // The URL keeps the hub's own address (also ::1); the datagram itself goes by IPv4,
        // which has a loopback broadcast that every Confab on the machine receives.
        appendLoopbackRoutes(routes, hubBindAddress, beaconPort);
        return routes;
    }
    const bool anyAddress = hubBindAddress == QHostAddress::Any
        || hubBindAddress == QHostAddress::AnyIPv4 || hubBindAddress == QHostAddress::AnyIPv6
        || hubBindAddress.isNull();
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        if (isUsableLanInterface(interface))
            addInterfaceRoutes(routes, interface, anyAddress ? QHostAddress() : hubBindAddress,
                               beaconPort);
    }
    // No LAN at all (a laptop off the network, a container): the hub is still reachable from
    // this machine. With a LAN, the windows here already get the LAN announces (the kernel loops
    // multicast and broadcast back), so a loopback one would only list the room twice.
    if (routes.isEmpty() && anyAddress) {
        const QHostAddress hubAddress = hubBindAddress == QHostAddress::AnyIPv6
            ? QHostAddress(QHostAddress::LocalHostIPv6)
            : QHostAddress(QHostAddress::LocalHost);
        appendLoopbackRoutes(routes, hubAddress, beaconPort);
    }
    return routes;
}

void LanAnnouncer::setRoutes(const QList<Route> &routes)
{
    m_routes = routes;
}

QList<LanAnnouncer::Route> LanAnnouncer::routes() const
{
    return m_routes;
}

void LanAnnouncer::setQueryListenAddress(const QHostAddress &address, quint16 port)
{
    m_queryAddress = address;
    m_queryPort = port;
    m_queryAddressSet = true;
}

void LanAnnouncer::setIntervalMs(int intervalMs)
{
    m_timer.setInterval(intervalMs);
}

bool LanAnnouncer::start(QString *errorMessage)
{
    stop();
    m_timer.start();
    const bool loopbackOnly = !m_routes.isEmpty()
        && std::all_of(m_routes.cbegin(), m_routes.cend(),
                       [](const Route &route) { return route.destination.isLoopback(); });
    if (!m_queryAddressSet) {
        // Loopback only: queries from this machine arrive by loopback broadcast, and a socket on
        // that address gets nothing from the LAN. Never a socket on 127.0.0.1 itself: it would
        // take unicast datagrams meant for another process on this machine.
        m_queryAddress = loopbackOnly ? QHostAddress(QLatin1StringView(beacon::LoopbackBroadcast))
                                      : QHostAddress(QHostAddress::AnyIPv4);
    }
    m_querySocket = new QUdpSocket(this);
    // Shared, because joiners on this machine listen on the same beacon port.
    if (!m_querySocket->bind(m_queryAddress, m_queryPort,
                             QUdpSocket::ShareAddress | QUdpSocket::ReuseAddressHint)) {
        const QString reason = m_querySocket->errorString();
        delete m_querySocket;
        m_querySocket = nullptr;
        if (errorMessage)
            *errorMessage = reason;
        // Announcing still works without answering queries; joiners just wait for the next beat.
        qCWarning(lcAnnounce) << "cannot listen for beacon queries:" << reason;
    } else {
        const QHostAddress group(QLatin1StringView(protocol::BeaconMulticastV4));
        for (const Route &route : std::as_const(m_routes)) {
            if (route.destination == group && route.viaInterface.isValid())
                m_querySocket->joinMulticastGroup(group, route.viaInterface);
        }
        connect(m_querySocket, &QUdpSocket::readyRead, this, &LanAnnouncer::readQueries);
    }
    announceNow();
    return m_querySocket != nullptr;
}

void LanAnnouncer::stop()
{
    m_timer.stop();
    m_queryDebounce.stop();
    delete m_querySocket;
    m_querySocket = nullptr;
    delete m_socketV4;
    m_socketV4 = nullptr;
    delete m_socketV6;
    m_socketV6 = nullptr;
}

bool LanAnnouncer::isRunning() const
{
    return m_timer.isActive();
}

quint16 LanAnnouncer::queryPort() const
{
    return m_querySocket ? m_querySocket->localPort() : 0;
}

void LanAnnouncer::announceNow()
{
    if (!m_rooms)
        return;
    const QList<BeaconAnnounce> rooms = m_rooms();
    int sent = 0;
    for (const Route &route : std::as_const(m_routes))
        sent += sendTo(route, rooms);
    emit announced(sent);
}

QUdpSocket *LanAnnouncer::socketFor(const QHostAddress &destination)
{
    const bool v6 = destination.protocol() == QAbstractSocket::IPv6Protocol;
    QUdpSocket *&socket = v6 ? m_socketV6 : m_socketV4;
    if (!socket) {
        socket = new QUdpSocket(this);
        // A loopback destination (also the loopback broadcast) is sent from loopback, so the
        // datagram never leaves the machine.
        const QHostAddress bindAddress = destination.isLoopback()
            ? (v6 ? QHostAddress(QHostAddress::LocalHostIPv6)
                  : QHostAddress(QHostAddress::LocalHost))
            : (v6 ? QHostAddress(QHostAddress::AnyIPv6) : QHostAddress(QHostAddress::AnyIPv4));
        if (!socket->bind(bindAddress, 0))
            qCWarning(lcAnnounce) << "cannot open beacon socket:" << socket->errorString();
        socket->setSocketOption(QAbstractSocket::MulticastTtlOption, QVariant(MulticastTtl));
    }
    return socket;
}

int LanAnnouncer::sendTo(const Route &route, const QList<BeaconAnnounce> &rooms)
{
    QUdpSocket *socket = socketFor(route.destination);
    if (route.viaInterface.isValid())
        socket->setMulticastInterface(route.viaInterface);
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(route.hubAddress.toString());
    url.setPort(m_hubPort);
    url.setPath(QStringLiteral("/"));
    int sent = 0;
    for (BeaconAnnounce announce : rooms) {
        announce.url = url;
        const QByteArray datagram = beacon::encodeAnnounce(announce);
        if (datagram.size() > protocol::BeaconMaxBytes)
            continue; // cannot happen with the codec's caps; never send what receivers drop
        if (socket->writeDatagram(datagram, route.destination, route.port) == datagram.size())
            ++sent;
        else
            qCDebug(lcAnnounce) << "beacon to" << route.destination
                                << "failed:" << socket->errorString();
    }
    return sent;
}

void LanAnnouncer::readQueries()
{
    while (m_querySocket && m_querySocket->hasPendingDatagrams()) {
        const QNetworkDatagram datagram
            = m_querySocket->receiveDatagram(protocol::BeaconMaxBytes + 1);
        if (!beacon::isQuery(datagram.data()))
            continue;
        emit queryReceived(datagram.senderAddress());
        if (!m_queryDebounce.isActive())
            m_queryDebounce.start();
    }
}

} // namespace confab
