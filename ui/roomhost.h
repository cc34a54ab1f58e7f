#pragma once
// Hosting from the window: an in-process Hub plus its LAN announcer. The window then joins the
// hub over loopback with a ChatSession, exactly like a remote member would.

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QUrl>
#include <memory>

namespace confab {

class Hub;
class LanAnnouncer;

class RoomHost : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString title;
        QString password;
        quint16 port = 0; // 0: any free port
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
    LanAnnouncer *announcer() const;

private:
    static QString describeStartFailure(const Options &options, const QString &detail);

    Options m_options;
    std::unique_ptr<Hub> m_hub;
    LanAnnouncer *m_announcer = nullptr;
};

} // namespace confab
