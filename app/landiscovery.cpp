#include "landiscovery.h"

#include <QLoggingCategory>
#include <QNetworkDatagram>
#include <QNetworkInterface>
#include <QUdpSocket>

Q_LOGGING_CATEGORY(lcDiscovery, "confab.discovery")

namespace confab {

namespace {

// How often silent rooms are looked for; a fraction of the expiry so rooms vanish promptly.
constexpr int ExpiryCheckDivisor = 4;
// A hostile LAN peer cannot make the list grow without bound.
constexpr int MaxRooms = 256;

bool sameRoom(const BeaconAnnounce &a, const BeaconAnnounce &b)
{
    return a.roomId == b.roomId && a.url == b.url;
}

void joinGroupOnAllInterfaces(QUdpSocket *socket, const QHostAddress &group)
{
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        const auto flags = interface.flags();
        if (flags.testFlag(QNetworkInterface::IsUp)
            && flags.testFlag(QNetworkInterface::CanMulticast))
            socket->joinMulticastGroup(group, interface);
    }
}

} // namespace

LanDiscovery::LanDiscovery(QObject *parent)
    : QObject(parent)
{
    m_queryTargets = {
        {QHostAddress(QLatin1StringView(protocol::BeaconMulticastV4)), protocol::BeaconPort},
        {QHostAddress(QHostAddress::Broadcast), protocol::BeaconPort},
        // Hosts on this machine bound to loopback listen there (see beacon::LoopbackBroadcast).
        {QHostAddress(QLatin1StringView(beacon::LoopbackBroadcast)), protocol::BeaconPort},
        {QHostAddress(QLatin1StringView(protocol::BeaconMulticastV6)), protocol::BeaconPort},
    };
    connect(&m_expiryTimer, &QTimer::timeout, this, &LanDiscovery::expire);
}

LanDiscovery::~LanDiscovery() = default;

void LanDiscovery::setListenAddress(const QHostAddress &address, quint16 port)
{
    m_listenAddress = address;
    m_listenPort = port;
}

void LanDiscovery::setQueryTargets(const QList<Target> &targets)
{
    m_queryTargets = targets;
}

void LanDiscovery::setExpiryMs(int expiryMs)
{
    m_expiryMs = expiryMs;
}

bool LanDiscovery::start(QString *errorMessage)
{
    stop();
    m_clock.start();
    m_socket = new QUdpSocket(this);
    // Shared: several Confab windows (and a hosting one) on one machine all listen here.
    const auto mode = QUdpSocket::ShareAddress | QUdpSocket::ReuseAddressHint;
    if (!m_socket->bind(m_listenAddress, m_listenPort, mode)) {
        if (errorMessage)
            *errorMessage = m_socket->errorString();
        qCWarning(lcDiscovery) << "cannot listen for room beacons:" << m_socket->errorString();
        delete m_socket;
        m_socket = nullptr;
        return false;
    }
    connect(m_socket, &QUdpSocket::readyRead, this, &LanDiscovery::readDatagrams);
    if (!m_listenAddress.isLoopback()) {
        joinGroupOnAllInterfaces(m_socket,
                                 QHostAddress(QLatin1StringView(protocol::BeaconMulticastV4)));
        // IPv6 where the machine has it; failing here only loses the IPv6 announces.
        m_socketV6 = new QUdpSocket(this);
        if (m_socketV6->bind(QHostAddress::AnyIPv6, m_listenPort, mode)) {
            joinGroupOnAllInterfaces(m_socketV6,
                                     QHostAddress(QLatin1StringView(protocol::BeaconMulticastV6)));
            connect(m_socketV6, &QUdpSocket::readyRead, this, &LanDiscovery::readDatagrams);
        } else {
            delete m_socketV6;
            m_socketV6 = nullptr;
        }
    }
    m_expiryTimer.start(qMax(1, m_expiryMs / ExpiryCheckDivisor));
    sendQuery();
    return true;
}

void LanDiscovery::stop()
{
    m_expiryTimer.stop();
    delete m_socket;
    m_socket = nullptr;
    delete m_socketV6;
    m_socketV6 = nullptr;
    if (!m_rooms.isEmpty()) {
        m_rooms.clear();
        emit roomsChanged();
    }
}

quint16 LanDiscovery::listenPort() const
{
    return m_socket ? m_socket->localPort() : 0;
}

void LanDiscovery::sendQuery()
{
    if (!m_socket)
        return;
    const QByteArray query = beacon::encodeQuery();
    for (const Target &target : std::as_const(m_queryTargets)) {
        const bool v6 = target.address.protocol() == QAbstractSocket::IPv6Protocol;
        QUdpSocket *socket = v6 ? m_socketV6 : m_socket;
        if (socket && socket->writeDatagram(query, target.address, target.port) < 0)
            qCDebug(lcDiscovery) << "query to" << target.address
                                 << "failed:" << socket->errorString();
    }
}

QList<DiscoveredRoom> LanDiscovery::rooms() const
{
    return m_rooms;
}

void LanDiscovery::readDatagrams()
{
    auto *socket = qobject_cast<QUdpSocket *>(sender());
    while (socket && socket->hasPendingDatagrams()) {
        // One byte more than allowed, so an oversized datagram is recognisable (and dropped).
        const QNetworkDatagram datagram = socket->receiveDatagram(protocol::BeaconMaxBytes + 1);
        if (const auto announce = beacon::decodeAnnounce(datagram.data()))
            handleAnnounce(*announce, datagram.senderAddress());
    }
}

std::optional<TlsPin> DiscoveredRoom::pin() const
{
    return announce.fingerprint.isEmpty() ? std::nullopt : TlsPin::parse(announce.fingerprint);
}

QUrl DiscoveredRoom::joinUrl() const
{
    return pin() ? TlsPin::secured(announce.url) : announce.url;
}

void LanDiscovery::handleAnnounce(const BeaconAnnounce &announce, const QHostAddress &sender)
{
    const qint64 now = m_clock.elapsed();
    for (DiscoveredRoom &room : m_rooms) {
        if (sameRoom(room.announce, announce)) {
            room.lastSeenMs = now;
            room.sender = sender;
            if (!(room.announce == announce)) {
                room.announce = announce;
                emit roomsChanged();
            }
            return;
        }
    }
    if (m_rooms.size() >= MaxRooms)
        return;
    m_rooms.append({announce, sender, now});
    emit roomsChanged();
}

void LanDiscovery::expire()
{
    const qint64 now = m_clock.elapsed();
    const auto removed = m_rooms.removeIf(
        [&](const DiscoveredRoom &room) { return now - room.lastSeenMs > m_expiryMs; });
    if (removed > 0)
        emit roomsChanged();
}

} // namespace confab
