#pragma once
// The Confab window: the start page, or a hub's conversations. Owns the connection to the hub
// (HubConnection, API v2), the in-process hub while hosting, LAN discovery, the tray icon and the
// unread count.

#include "desktopsettings.h"
#include "hubconnection.h"
#include "startpage.h"

#include <QHostAddress>
#include <QMainWindow>
#include <QPointer>

class QDockWidget;
class QStackedWidget;
class QTimer;
class QSystemTrayIcon;

namespace confab {

class ChatPage;
class ConnectionStatus;
class LanDiscovery;
struct MessageEvent;
class RoomHost;
class SearchPanel;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Where sessions and a hosted hub keep their data; default: the settings' data folder.
    void setDataDir(const QString &dir);
    QString dataDir() const;
    // Where a hosted hub listens; default: all addresses. Loopback keeps it on this machine.
    void setHostBindAddress(const QHostAddress &address);
    void setAnnounceHostedRooms(bool announce);
    // How long a first connection may take before the start page says there is no answer (a
    // wrong address on the LAN can leave a connection attempt pending for minutes).
    void setFirstConnectionTimeoutMs(int ms);

    LanDiscovery *discovery() const;
    void startDiscovery();

    StartPage *startPage() const;
    ChatPage *chatPage() const;
    HubConnection *connection() const;
    RoomHost *roomHost() const;
    ConnectionStatus *connectionStatus() const;
    bool isHosting() const;
    int unreadCount() const; // over all conversations

    // The conversation actions (also in the sidebar and the menu). They open non-modal dialogs.
    void showNewChannelDialog();
    void showChannelBrowser();
    void showMemberPicker();
    void showQuickSwitcher();
    // Ctrl+F (the open conversation) and Ctrl+Shift+F (all of them).
    void showSearch(bool allConversations);
    SearchPanel *searchPanel() const;
    // Opens that conversation at that message (a search hit).
    void openSearchResult(const QString &conversationId, qint64 messageId);

public slots:
    bool hostRoom(const confab::HostRequest &request);
    void joinRoom(const confab::JoinRequest &request);
    // Asks first while hosting (the room closes for everyone); false when the user said no.
    bool leaveRoom();
    void showSettings();
    void showAbout();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void createMenus();
    void createTrayIcon();
    void startSession(const JoinRequest &request);
    // leave: end the membership on the hub too (Leave Room), not only disconnect (closing).
    // Returns the stopped connection while its sign-out is still on its way (it deletes itself
    // when done), else nullptr.
    HubConnection *stopSession(bool leave);
    void closeRoom(); // leaveRoom() without the question
    enum class StopHosting { Stop, KeepInTray, Cancel };
    StopHosting askStopHosting(bool offerTray);
    void stopHosting(HubConnection *signingOut);
    void askPasswordAndRejoin(const JoinRequest &request, bool wrongBefore);
    void onStateChanged(confab::HubConnection::State state, const QString &reason, int retryInMs);
    void failFirstConnection(const QString &message);
    void onMessageArrived(const QString &conversationId, const MessageEvent &message, bool own,
                          bool mentionsMe);
    void updateUnread();
    QString hubLabel() const; // the hub's title as the user knows it, else its address
    void updateTitle();
    void quitApplication();

    DesktopSettings m_settings;
    QString m_dataDirOverride;
    QHostAddress m_hostBind {QHostAddress::Any};
    bool m_announce = true;
    QStackedWidget *m_pages;
    StartPage *m_startPage;
    ChatPage *m_chatPage;
    ConnectionStatus *m_status;
    LanDiscovery *m_discovery;
    RoomHost *m_host;
    QPointer<HubConnection> m_session;
    JoinRequest m_currentRoom;
    bool m_wasLive = false;
    QTimer *m_firstConnection;
    QSystemTrayIcon *m_tray = nullptr;
    QAction *m_leaveAction = nullptr;
    QAction *m_switchAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_findAllAction = nullptr;
    SearchPanel *m_search;
    QDockWidget *m_searchDock;
    int m_unread = 0;
    bool m_quitting = false;
};

} // namespace confab
