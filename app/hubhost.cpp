#include "hubhost.h"

#include "lanaddresses.h"

#include "hub.h"
#include "hubsettings.h"
#include "lanannouncer.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSysInfo>

Q_LOGGING_CATEGORY(lcHubHost, "confab.host")

namespace confab {

namespace {

bool isAnyAddress(const QHostAddress &address)
{
    return address == QHostAddress::Any || address == QHostAddress::AnyIPv4
        || address == QHostAddress::AnyIPv6;
}

TlsMode tlsMode(HubHost::Tls tls)
{
    switch (tls) {
    case HubHost::Tls::Off:
        return TlsMode::Off;
    case HubHost::Tls::Required:
        return TlsMode::Required;
    case HubHost::Tls::Preferred:
        break;
    }
    return TlsMode::Preferred;
}

} // namespace

HubHost::HubHost(QObject *parent)
    : QObject(parent)
{ }

HubHost::~HubHost()
{
    stop(QStringLiteral("The host closed the room."));
}

bool HubHost::start(const Options &options, QString *errorMessage,
                    const std::function<void(HubSettings &)> &tune)
{
    stop({});
    m_options = options;
    HubSettings settings;
    settings.bindAddress = options.bindAddress;
    settings.port = options.port;
    if (!options.roomIds.isEmpty())
        settings.roomIds = options.roomIds;
    settings.title = options.title;
    settings.password = options.password;
    settings.dataDir = options.dataDir;
    settings.tls = tlsMode(options.tls);
    if (tune)
        tune(settings);
    m_hub = std::make_unique<Hub>(std::move(settings));
    QString detail;
    if (!m_hub->start(&detail)) {
        m_hub.reset();
        if (errorMessage)
            *errorMessage = detail;
        return false;
    }
    connect(m_hub.get(), &Hub::roomsChanged, this, &HubHost::roomsChanged);
    if (options.announce)
        startAnnouncing();
    return true;
}

void HubHost::startAnnouncing()
{
    const QString hostName
        = m_options.hostName.isEmpty() ? QSysInfo::machineHostName() : m_options.hostName;
    // Joiners pin the hub to this (docs/protocol.md, "LAN beacon").
    const QString fingerprint = m_hub->tlsFingerprint();
    Hub *hub = m_hub.get();
    m_announcer = std::make_unique<LanAnnouncer>(m_hub->port(), [hub, hostName, fingerprint] {
        QList<BeaconAnnounce> rooms;
        for (const Hub::RoomSummary &summary : hub->roomSummaries()) {
            BeaconAnnounce announce;
            announce.roomId = summary.id;
            announce.title = summary.title;
            announce.host = hostName;
            announce.members = summary.online; // the beacon counts members online
            announce.locked = summary.locked;
            announce.apiVersion = protocol::ApiVersion;
            announce.fingerprint = fingerprint;
            rooms.append(announce);
        }
        return rooms;
    });
    // A hub bound to loopback is announced on loopback only, so that this machine's windows
    // list it and nothing leaves the machine.
    m_announcer->setRoutes(LanAnnouncer::defaultRoutes(
        m_options.bindAddress,
        m_options.beaconPort != 0 ? m_options.beaconPort : protocol::BeaconPort));
    QString announceError;
    if (!m_announcer->start(&announceError))
        qCWarning(lcHubHost) << "announcing without answering queries:" << announceError;
    connect(m_hub.get(), &Hub::roomsChanged, m_announcer.get(), &LanAnnouncer::announceNow);
}

void HubHost::shutdown(const QString &reason)
{
    if (m_announcer)
        m_announcer->stop();
    if (m_hub)
        m_hub->shutdown(reason);
}

void HubHost::stop(const QString &reason)
{
    m_announcer.reset();
    if (m_hub) {
        m_hub->shutdown(reason);
        m_hub.reset();
    }
}

bool HubHost::isRunning() const
{
    return m_hub != nullptr;
}

int HubHost::connectionCount() const
{
    return m_hub ? m_hub->connectionCount() : 0;
}

quint16 HubHost::port() const
{
    return m_hub ? m_hub->port() : 0;
}

QString HubHost::fingerprint() const
{
    return m_hub ? m_hub->tlsFingerprint() : QString();
}

std::optional<TlsPin> HubHost::pin() const
{
    return TlsPin::parse(fingerprint());
}

bool HubHost::boundToAnyAddress() const
{
    return isAnyAddress(m_options.bindAddress);
}

QUrl HubHost::localUrl() const
{
    const QHostAddress &bind = m_options.bindAddress;
    if (isAnyAddress(bind))
        return hubUrl(bind == QHostAddress::AnyIPv6 ? QHostAddress(QHostAddress::LocalHostIPv6)
                                                    : QHostAddress(QHostAddress::LocalHost),
                      port());
    return hubUrl(bind, port());
}

QList<HubHost::JoinAddress> HubHost::joinAddresses(bool ipv4Only) const
{
    if (!boundToAnyAddress())
        return {{hubUrl(m_options.bindAddress, port()), QString()}};
    const bool ipv6Only = m_options.bindAddress == QHostAddress::AnyIPv6;
    QList<JoinAddress> addresses;
    for (const LanAddress &lan : lanAddresses()) {
        const bool v6 = lan.ip.protocol() == QAbstractSocket::IPv6Protocol;
        if ((v6 && ipv4Only) || (!v6 && ipv6Only))
            continue;
        addresses.append({hubUrl(lan.ip, port()), lan.interfaceName});
    }
    if (addresses.isEmpty())
        addresses.append({localUrl(), QString()}); // no network: still something that works here
    return addresses;
}

bool HubHost::readPasswordFile(const QString &path, QString *password, QString *errorMessage)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot read %1").arg(path);
        return false;
    }
    // Editors end the line with a newline (or CR LF); the password is what is on it.
    *password = QString::fromUtf8(file.readLine()).trimmed();
    return true;
}

QUrl HubHost::hubUrl(const QHostAddress &address, quint16 port)
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(address == QHostAddress::Any || address == QHostAddress::AnyIPv4
                    ? QStringLiteral("0.0.0.0")
                    : address.toString());
    url.setPort(port);
    url.setPath(QStringLiteral("/"));
    return url;
}

QUrl HubHost::pinnedJoinLink(const QUrl &url, const QString &fingerprint)
{
    QUrl link = TlsPin::secured(url);
    if (!fingerprint.isEmpty())
        link.setFragment(QStringLiteral("fp=") + fingerprint);
    return link;
}

} // namespace confab
