#pragma once
// The room: timeline, composer, "X is typing", members with presence and, while hosting, how
// others join. Shows one ChatSession; the window owns the session.

#include <QPointer>
#include <QWidget>

class QLabel;
class QListView;
class QPushButton;
class QSplitter;

namespace confab {

class ChatSession;
class Composer;
class HostInfoPanel;
class MessageView;

class ChatPage : public QWidget
{
    Q_OBJECT
public:
    explicit ChatPage(QWidget *parent = nullptr);

    void setSession(ChatSession *session); // nullptr: show nothing
    ChatSession *session() const;

    MessageView *messageView() const;
    Composer *composer() const;
    QListView *memberList() const;
    QLabel *typingLabel() const;
    // Right above the composer: why what is written cannot be sent (empty and hidden otherwise).
    QLabel *composerNotice() const;
    // Above the timeline: the room is not reachable right now (the host closed it).
    QLabel *roomBanner() const;
    QWidget *sidePanel() const;
    QSplitter *splitter() const;
    HostInfoPanel *hostInfo() const;

signals:
    void leaveRequested();

private:
    void send(const QString &text);
    void updateTyping(const QStringList &names);
    void updateHeader();
    void requestOlder();
    void onHostLeft();
    void setMemberPanelShown(bool shown);
    void onStateChanged();

    QPointer<ChatSession> m_session;
    QLabel *m_title;
    QLabel *m_memberCount;
    MessageView *m_view;
    QLabel *m_typing;
    QLabel *m_composerNotice;
    QLabel *m_banner;
    Composer *m_composer;
    QPushButton *m_send;
    QListView *m_members;
    HostInfoPanel *m_hostInfo;
    QWidget *m_side;
    QSplitter *m_splitter;
    QPushButton *m_toggleSide;
};

} // namespace confab
