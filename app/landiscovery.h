#pragma once
// Finds rooms announced on the LAN by the UDP beacon (docs/protocol.md, "LAN beacon").
// Listens for announces, sends one query when it starts so hosts answer at once, and keeps a live
// list: a room is updated by each announce and dropped after a few seconds of silence.
// Malformed, oversized and foreign datagrams are ignored.

#include "beacon.h"
#include "pinnedtls.h"
#include "protocol.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QTimer>

class QUdpSocket;

namespace confab {

struct DiscoveredRoom
{
    BeaconAnnounce announce;
    QHostAddress sender; // where the datagram came from
    qint64 lastSeenMs = 0; // on the discovery's monotonic clock

    // The hub's certificate as its beacon names it: joining pins it (no question to the user),
    // over https://. None for a hub without TLS (or an older Confab): then plain http://.
    std::optional<TlsPin> pin() const;
    QUrl joinUrl() const;
};

class LanDiscovery : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultExpiryMs = 10000;

    struct Target
    {
        QHostAddress address;
        quint16 port = 0;
    };

    explicit LanDiscovery(QObject *parent = nullptr);
    ~LanDiscovery() override;

    // Defaults: all IPv4 addresses on the beacon port; queries to the multicast groups, the IPv4
    // broadcast and the loopback broadcast. Tests set loopback addresses and free ports.
    void setListenAddress(const QHostAddress &address, quint16 port);
    void setQueryTargets(const QList<Target> &targets);
    void setExpiryMs(int expiryMs);

    bool start(QString *errorMessage = nullptr);
    void stop();
    quint16 listenPort() const;
    void sendQuery();

    QList<DiscoveredRoom> rooms() const; // in order of discovery

signals:
    void roomsChanged();

private:
    void readDatagrams();
    void handleAnnounce(const BeaconAnnounce &announce, const QHostAddress &sender);
    void expire();

    QHostAddress m_listenAddress {QHostAddress::AnyIPv4};
    quint16 m_listenPort = protocol::BeaconPort;
    QList<Target> m_queryTargets;
    int m_expiryMs = DefaultExpiryMs;
    QUdpSocket *m_socket = nullptr;
    QUdpSocket *m_socketV6 = nullptr;
    QList<DiscoveredRoom> m_rooms;
    QElapsedTimer m_clock;
    QTimer m_expiryTimer;
};

} // namespace confab
