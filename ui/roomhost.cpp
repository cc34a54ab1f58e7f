#include "roomhost.h"

#include "hub.h"
#include "lanannouncer.h"

#include "lanaddresses.h"
#include <QLoggingCategory>
#include <QSysInfo>
#include <QTcpServer>

Q_LOGGING_CATEGORY(lcRoomHost, "confab.ui.host")

namespace confab {

namespace {

QUrl hubUrl(const QHostAddress &address, quint16 port)
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(address.toString());
    url.setPort(port);
    url.setPath(QStringLiteral("/"));
    return url;
}

bool isAnyAddress(const QHostAddress &address)
{
    return address == QHostAddress::Any || address == QHostAddress::AnyIPv4
        || address == QHostAddress::AnyIPv6;
}

} // namespace

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
{ }

RoomHost::~RoomHost()
{
    stop(tr("The host closed the room."));
}

bool RoomHost::start(const Options &options, QString *errorMessage)
{
    stop({});
    m_options = options;
    HubSettings settings;
    settings.bindAddress = options.bindAddress;
    settings.port = options.port;
    settings.title = options.title;
    settings.password = options.password;
    settings.dataDir = options.dataDir;
    m_hub = std::make_unique<Hub>(settings);
    QString detail;
    if (!m_hub->start(&detail)) {
        m_hub.reset();
        if (errorMessage)
            *errorMessage = describeStartFailure(options, detail);
        return false;
    }
    if (options.announce) {
        const QString hostName
            = options.hostName.isEmpty() ? QSysInfo::machineHostName() : options.hostName;
        Hub *hub = m_hub.get();
        m_announcer = new LanAnnouncer(
            m_hub->port(),
            [hub, hostName] {
                QList<BeaconAnnounce> rooms;
                for (const Hub::RoomSummary &summary : hub->roomSummaries()) {
                    BeaconAnnounce announce;
                    announce.roomId = summary.id;
                    announce.title = summary.title;
                    announce.host = hostName;
                    announce.members = summary.online;
                    announce.locked = summary.locked;
                    rooms.append(announce);
                }
                return rooms;
            },
            this);
        m_announcer->setRoutes(LanAnnouncer::defaultRoutes(options.bindAddress));
        QString announceError;
        if (!m_announcer->start(&announceError))
            qCInfo(lcRoomHost) << "announcing without answering queries:" << announceError;
        connect(m_hub.get(), &Hub::roomsChanged, m_announcer, &LanAnnouncer::announceNow);
    }
    return true;
}

void RoomHost::stop(const QString &reason)
{
    delete m_announcer;
    m_announcer = nullptr;
    if (m_hub) {
        m_hub->shutdown(reason);
        m_hub.reset();
    }
}

bool RoomHost::isRunning() const
{
    return m_hub != nullptr;
}

quint16 RoomHost::port() const
{
    return m_hub ? m_hub->port() : 0;
}

QUrl RoomHost::localUrl() const
{
    const QHostAddress &bind = m_options.bindAddress;
    if (isAnyAddress(bind))
        return hubUrl(bind == QHostAddress::AnyIPv6 ? QHostAddress(QHostAddress::LocalHostIPv6)
                                                    : QHostAddress(QHostAddress::LocalHost),
                      port());
    return hubUrl(bind, port());
}

QList<QUrl> RoomHost::joinUrls() const
{
    if (!isAnyAddress(m_options.bindAddress))
        return {hubUrl(m_options.bindAddress, port())};
    QList<QUrl> urls;
    for (const LanAddress &address : lanAddresses()) {
        if (address.ip.protocol()
            == QAbstractSocket::IPv4Protocol) // what phones and QR readers expect
            urls.append(hubUrl(address.ip, port()));
    }
    if (urls.isEmpty())
        urls.append(localUrl()); // no network: still show something that works here
    return urls;
}

LanAnnouncer *RoomHost::announcer() const
{
    return m_announcer;
}

} // namespace confab
