#pragma once
// The first page: host a room, or join one (found on the LAN, typed in, or joined recently).

#include "desktopsettings.h"

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
    QUrl hubUrl;
    QString roomId; // empty: the hub's default room
    QString name;
    QString password;
    QString title; // as shown in the list, if known
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

    // Accepts "host", "host:port", "http://host:port/"; invalid URL when it cannot.
    static QUrl parseAddress(const QString &text);

    // For tests and for the window's own use.
    QLineEdit *nameField() const;
    QLineEdit *addressField() const;
    QTreeWidget *lanRooms() const;
    QListWidget *recentRooms() const;
    QLabel *errorBanner() const;
    QLabel *progressLabel() const;

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
