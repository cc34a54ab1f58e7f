#pragma once
// The LAN beacon: one small UDP datagram of compact JSON (docs/protocol.md, "LAN beacon").
// A hosting Confab sends Announce datagrams; a joiner sends one Query to ask hosts to announce now.

#include <QByteArray>
#include <QString>
#include <QUrl>
#include <optional>

namespace confab {

struct BeaconAnnounce
{
    QString roomId;
    QString title;
    QString host; // the host's name as it wants to be shown (machine or person)
    QUrl url; // the hub's base URL, e.g. http://192.168.1.20:8848/
    int members = 0;
    bool locked = false; // a password is needed to join
    int apiVersion = 0;
    // SHA-256 of the hub's TLS certificate, 64 lower-case hex digits (docs/protocol.md, "TLS");
    // empty when the hub has no TLS (or is an older Confab).
    QString fingerprint;

    friend bool operator==(const BeaconAnnounce &a, const BeaconAnnounce &b)
    {
        return a.roomId == b.roomId && a.title == b.title && a.host == b.host && a.url == b.url
            && a.members == b.members && a.locked == b.locked && a.apiVersion == b.apiVersion
            && a.fingerprint == b.fingerprint;
    }
};

struct BeaconQuery
{
};

namespace beacon {

// Where beacons travel between processes on one machine. Every socket bound to the beacon port on
// "any address" (with SO_REUSEADDR, as all of Confab's are) gets its own copy of a datagram sent
// to the loopback broadcast address, whereas a unicast datagram to 127.0.0.1 reaches only one of
// them, and the loopback interface usually has no multicast (docs/protocol.md, "LAN beacon").
inline constexpr char LoopbackBroadcast[] = "127.255.255.255";

QByteArray encodeAnnounce(const BeaconAnnounce &announce);
QByteArray encodeQuery();

// Both return nullopt for anything malformed, oversized or not ours.
std::optional<BeaconAnnounce> decodeAnnounce(QByteArrayView datagram);
bool isQuery(QByteArrayView datagram);

} // namespace beacon
} // namespace confab
