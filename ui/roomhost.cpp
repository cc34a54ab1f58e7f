#include "roomhost.h"

#include <QTcpServer>

namespace confab {

QString RoomHost::describeStartFailure(const Options &options, const QString &detail)
{
    // The hub reports the socket's own English text; find out what went wrong with the port by
    // trying it once more, so that the user reads which port and what to do, in their language.
    if (options.port != 0) {
        QTcpServer probe;
        if (!probe.listen(options.bindAddress, options.port)) {
            switch (probe.serverError()) {
            case QAbstractSocket::AddressInUseError:
                return tr("Port %1 is already in use, perhaps by another Confab hosting a room. "
                          "Choose another port, or “any free port” (0).")
                    .arg(options.port);
            case QAbstractSocket::SocketAccessError:
                return tr("Port %1 needs administrator rights on this computer. Choose a port "
                          "from 1024 up, or “any free port” (0).")
                    .arg(options.port);
            case QAbstractSocket::SocketAddressNotAvailableError:
                return tr("This computer has no address %1 to host on.")
                    .arg(options.bindAddress.toString());
            default:
                break;
            }
        }
    }
    return tr("The room could not be opened (%1).").arg(detail);
}

RoomHost::RoomHost(QObject *parent)
    : QObject(parent)
    , m_host(new HubHost(this))
{ }

RoomHost::~RoomHost()
{
    stop(tr("The host closed the room."));
}

bool RoomHost::start(const Options &options, QString *errorMessage)
{
    HubHost::Options hosting;
    hosting.bindAddress = options.bindAddress;
    hosting.port = options.port;
    hosting.title = options.title;
    hosting.password = options.password;
    hosting.dataDir = options.dataDir;
    hosting.announce = options.announce;
    hosting.hostName = options.hostName;
    QString detail;
    if (options.port == 0 && options.preferredPort != 0) {
        hosting.port = options.preferredPort;
        if (m_host->start(hosting, &detail))
            return true;
        hosting.port = 0; // taken since: a new one
    }
    if (!m_host->start(hosting, &detail)) {
        if (errorMessage)
            *errorMessage = describeStartFailure(options, detail);
        return false;
    }
    return true;
}

void RoomHost::stop(const QString &reason)
{
    m_host->stop(reason);
}

bool RoomHost::isRunning() const
{
    return m_host->isRunning();
}

quint16 RoomHost::port() const
{
    return m_host->port();
}

QUrl RoomHost::localUrl() const
{
    return m_host->localUrl();
}

QList<QUrl> RoomHost::joinUrls() const
{
    QList<QUrl> urls;
    for (const HubHost::JoinAddress &address : m_host->joinAddresses(true))
        urls.append(address.url);
    return urls;
}

QString RoomHost::fingerprint() const
{
    return m_host->fingerprint();
}

HubHost *RoomHost::hubHost() const
{
    return m_host;
}

} // namespace confab
