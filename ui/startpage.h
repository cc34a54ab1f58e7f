#pragma once
// The first page: host a room, or join one (found on the LAN, typed in, or joined recently).

#include "desktopsettings.h"
#include "pinnedtls.h"

#include <QPointer>
#include <QUrl>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTreeWidget;

namespace confab {

class HubTrustCheck;
class LanDiscovery;

struct HostRequest
{
    QString name; // mine
    QString title;
    quint16 port = 0;
    QString password;
};

struct JoinRequest
{
    // A constructor, not an aggregate: callers that name the first fields only stay valid.
    JoinRequest(QUrl url = {}, QString room = {}, QString member = {}, QString secret = {},
                QString shownTitle = {}, std::optional<TlsPin> tlsPin = std::nullopt)
        : hubUrl(std::move(url))
        , roomId(std::move(room))
        , name(std::move(member))
        , password(std::move(secret))
        , title(std::move(shownTitle))
        , pin(std::move(tlsPin))
    { }

    QUrl hubUrl;
    QString roomId; // empty: the hub's default room
    QString name;
    QString password;
    QString title; // as shown in the list, if known
    std::optional<TlsPin> pin; // set: https:// and exactly this hub certificate
};

class StartPage : public QWidget
{
    Q_OBJECT
public:
    explicit StartPage(QWidget *parent = nullptr);

    void setDiscovery(LanDiscovery *discovery);
    void loadSettings(const DesktopSettings &settings);
    void showError(const QString &message); // empty hides the banner
    void showProgress(const QString &message); // e.g. "Connecting to …"; empty hides it

    // Accepts "host", "host:port", "http://host:port/"; invalid URL when it cannot. A link's
    // "#fp=HEX" (the host's copy button and QR code) goes to *fingerprint, when given.
    static QUrl parseAddress(const QString &text, QString *fingerprint = nullptr,
                             bool *badFingerprint = nullptr);

    // For tests and for the window's own use.
    QLineEdit *nameField() const;
    QLineEdit *addressField() const;
    QTreeWidget *lanRooms() const;
    QListWidget *recentRooms() const;
    QLabel *errorBanner() const;
    QLabel *progressLabel() const;
    HubTrustCheck *trustCheck() const;

signals:
    void hostRequested(const confab::HostRequest &request);
    void joinRequested(const confab::JoinRequest &request);

public slots:
    void requestHost();
    void requestJoinAddress();
    void requestJoinLanRoom();

private:
    void refreshLanRooms();
    void joinRecent(int row);
    bool checkName();
    void showNetworkHelp();

    QPointer<LanDiscovery> m_discovery;
    HubTrustCheck *m_trust;
    QList<RecentRoom> m_recent;
    QLineEdit *m_name;
    QLabel *m_error;
    QLabel *m_progress;
    QLineEdit *m_hostTitle;
    QSpinBox *m_hostPort;
    QLineEdit *m_hostPassword;
    QTreeWidget *m_lanRooms;
    QLabel *m_lanEmpty;
    QPushButton *m_joinLan;
    QLineEdit *m_address;
    QLineEdit *m_joinPassword;
    QListWidget *m_recentList;
};

} // namespace confab
