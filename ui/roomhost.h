#pragma once
// Hosting from the window: the one hosting composition (app/hubhost.h, also behind `confab
// serve`) with the window's own choices, and start failures explained in the user's language.
// The window then joins the hub over loopback with a HubConnection, as a remote member would.

#include "hubhost.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QUrl>

namespace confab {

class RoomHost : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString title;
        QString password;
        quint16 port = 0; // 0: any free port
        // With port 0: tried first (the port the last run was given, so that the links and QR
        // codes people kept still work); when it is taken, any free port as before.
        quint16 preferredPort = 0;
        QHostAddress bindAddress = QHostAddress::Any; // loopback: reachable from this machine only
        QString dataDir; // the hub's store
        QString hostName; // shown in other machines' room lists
        bool announce = true; // LAN beacon
    };

    explicit RoomHost(QObject *parent = nullptr);
    ~RoomHost() override;

    // On failure, errorMessage says what went wrong and what to do, translated.
    bool start(const Options &options, QString *errorMessage);
    void stop(const QString &reason);
    bool isRunning() const;

    quint16 port() const;
    QUrl localUrl() const; // what this machine's own session joins
    QList<QUrl> joinUrls() const; // what others type: one per LAN address
    QString fingerprint() const; // the hub's certificate, 64 hex digits; empty without TLS
    HubHost *hubHost() const;

private:
    static QString describeStartFailure(const Options &options, const QString &detail);

    HubHost *m_host;
};

} // namespace confab
