#pragma once
// This machine's addresses that others on the LAN can reach: what the host shows as join
// addresses and what "Can't find a room?" lists.

#include <QHostAddress>
#include <QList>
#include <QString>

namespace confab {

struct LanAddress
{
    QHostAddress ip;
    QString interfaceName; // human-readable, e.g. "wlan0" or "Ethernet 2"
};

// IPv4 and global IPv6 addresses of interfaces that are up and not loopback.
QList<LanAddress> lanAddresses();

} // namespace confab
