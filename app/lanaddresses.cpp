#include "lanaddresses.h"

#include <QNetworkInterface>

namespace confab {

QList<LanAddress> lanAddresses()
{
    QList<LanAddress> addresses;
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        const auto flags = interface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        for (const QNetworkAddressEntry &entry : interface.addressEntries()) {
            const QHostAddress ip = entry.ip();
            // Link-local IPv6 needs a scope id that a person cannot type or scan.
            if (ip.protocol() == QAbstractSocket::IPv4Protocol || ip.isGlobal())
                addresses.append({ip, interface.humanReadableName()});
        }
    }
    return addresses;
}

} // namespace confab
