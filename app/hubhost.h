#pragma once
// Hosting: the hub, its TLS identity and its LAN announcer, composed in one place for both
// `confab serve` and the window, so that the two cannot drift apart. Callers never see the
// server's headers: the options here are what a host chooses; `confab serve`'s limits reach the
// hub's settings through start()'s tune callback.

#include "pinnedtls.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace confab {

class Hub;
class LanAnnouncer;
struct HubSettings;

class HubHost : public QObject
{
    Q_OBJECT
public:
    enum class Tls {
        Off, // plain HTTP only, no identity
        Preferred, // HTTPS and HTTP on one port
        Required, // plain HTTP from other machines is redirected to https://
    };

    struct Options
    {
        QHostAddress bindAddress = QHostAddress::Any; // loopback: reachable from this machine only
        quint16 port = 0; // 0: any free port
        QStringList roomIds; // empty: the default room
        QString title; // shown in room lists
        QString password; // empty: an open room
        QString dataDir; // the hub's store and identity; empty: the app-data location
        Tls tls = Tls::Preferred;
        bool announce = true; // LAN beacon
        QString hostName; // shown in other machines' room lists; empty: this machine's name
        quint16 beaconPort = 0; // 0: the real beacon port (tests pick another)
    };

    // A join address for people: one per LAN address (or loopback when there is none).
    struct JoinAddress
    {
        QUrl url; // http://IP:PORT/
        QString interfaceName; // empty for loopback
    };

    explicit HubHost(QObject *parent = nullptr);
    ~HubHost() override;

    // tune: adjusts the hub's settings after the options are applied (`confab serve`'s limits).
    // On failure the hub is not running and *errorMessage has the hub's own (English) reason.
    bool start(const Options &options, QString *errorMessage,
               const std::function<void(HubSettings &)> &tune = {});
    // Stops announcing and tells every member `bye`; the hub stays until stop() so that its
    // streams can drain (see connectionCount()).
    void shutdown(const QString &reason);
    void stop(const QString &reason); // shutdown(), then the hub is gone
    bool isRunning() const;
    int connectionCount() const;

    quint16 port() const;
    const Options &options() const { return m_options; }
    // SHA-256 of the hub's certificate, 64 hex digits; empty with Tls::Off or when not running.
    QString fingerprint() const;
    std::optional<TlsPin> pin() const; // the hub's own identity, for its own loopback member

    bool boundToAnyAddress() const;
    QUrl localUrl() const; // plain http:// on this machine's loopback (or the bound address)
    // What others type: one per LAN address (IPv4 only when ipv4Only, what phones and QR readers
    // expect); bound to one address, just that; with no LAN address, localUrl().
    QList<JoinAddress> joinAddresses(bool ipv4Only) const;

    // `confab serve --password-file`: the room password is the file's first line, trimmed.
    static bool readPasswordFile(const QString &path, QString *password, QString *errorMessage);
    // http://IP:PORT/ with IPv6 in brackets; the "any" address as 0.0.0.0.
    static QUrl hubUrl(const QHostAddress &address, quint16 port);
    // The same URL over https://, with the fingerprint in the fragment: the join link that pins.
    static QUrl pinnedJoinLink(const QUrl &url, const QString &fingerprint);

signals:
    void roomsChanged(); // membership or online counts changed

private:
    void startAnnouncing();

    Options m_options;
    std::unique_ptr<Hub> m_hub;
    std::unique_ptr<LanAnnouncer> m_announcer;
};

} // namespace confab
