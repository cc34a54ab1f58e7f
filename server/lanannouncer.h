#pragma once
// Announces a hub's rooms on the LAN with the UDP beacon (docs/protocol.md, "LAN beacon"):
// every few seconds and whenever a joiner sends a query.
//
// Where the datagrams go is a list of routes. The default routes follow the hub's bind address:
// a hub bound to a loopback address is announced on loopback only (nobody else could reach it
// anyway, and tests must never touch the real network); a hub bound to all addresses is announced
// on every LAN interface, each datagram carrying the hub URL that is reachable on that interface,
// or, on a machine without any LAN interface, on loopback. On loopback the datagrams go to the
// loopback broadcast address, so that every Confab on the machine gets them.

#include "beacon.h"
#include "protocol.h"

#include <QHostAddress>
#include <QList>
#include <QNetworkInterface>
#include <QObject>
#include <QTimer>
#include <functional>

class QUdpSocket;

namespace confab {

class LanAnnouncer : public QObject
{
    Q_OBJECT
public:
    struct Route
    {
        QHostAddress destination; // multicast group, broadcast or unicast address
        quint16 port = 0; // beacon port at the destination
        QHostAddress hubAddress; // the hub as reached through this route (goes in the URL)
        QNetworkInterface viaInterface; // invalid: let the OS pick (unicast, broadcast)
    };

    // Rooms to announce; the announcer fills in the URL per route. Called at every announce.
    using RoomsProvider = std::function<QList<BeaconAnnounce>()>;

    LanAnnouncer(quint16 hubPort, RoomsProvider rooms, QObject *parent = nullptr);
    ~LanAnnouncer() override;

    // Routes for a hub bound to hubBindAddress: loopback only, one interface, or all of them.
    static QList<Route> defaultRoutes(const QHostAddress &hubBindAddress,
                                      quint16 beaconPort = protocol::BeaconPort);
    void setRoutes(const QList<Route> &routes);
    QList<Route> routes() const;

    // Where queries are listened for. Default: the beacon port on all IPv4 addresses, or on the
    // loopback broadcast address when every route is loopback (then only queries from this
    // machine arrive). Port 0 picks a free port (tests).
    void setQueryListenAddress(const QHostAddress &address, quint16 port);
    void setIntervalMs(int intervalMs);

    // False when queries cannot be listened for (announcing goes on regardless).
    bool start(QString *errorMessage = nullptr);
    void stop();
    bool isRunning() const;
    quint16 queryPort() const; // 0 when not listening for queries

public slots:
    void announceNow();

signals:
    void announced(int datagrams);
    void queryReceived(const QHostAddress &from);

private:
    void readQueries();
    int sendTo(const Route &route, const QList<BeaconAnnounce> &rooms);

    quint16 m_hubPort;
    RoomsProvider m_rooms;
    QList<Route> m_routes;
    QHostAddress m_queryAddress;
    quint16 m_queryPort = protocol::BeaconPort;
    bool m_queryAddressSet = false;
    QUdpSocket *socketFor(const QHostAddress &destination);

    QUdpSocket *m_socketV4 = nullptr;
    QUdpSocket *m_socketV6 = nullptr;
    QUdpSocket *m_querySocket = nullptr;
    QTimer m_timer;
    QTimer m_queryDebounce; // many joiners asking at once get one answer
};

} // namespace confab
