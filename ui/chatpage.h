#pragma once
// A hub's window content: the sidebar of conversations, the open conversation (one page per
// conversation, each keeping its draft and scroll position; its topic in the header), that
// conversation's members with presence and, while hosting, how others join. Shows one
// HubConnection; the window owns it.

#include <QHash>
#include <QPointer>
#include <QWidget>

class QLabel;
class QListView;
class QPushButton;
class QSplitter;
class QStackedWidget;

namespace confab {

class CallBanner;
class CallButtons;
class CallController;
class Composer;
class ConversationSidebar;
class ConversationView;
class HostInfoPanel;
class HubConnection;
class MessageView;

class ChatPage : public QWidget
{
    Q_OBJECT
public:
    explicit ChatPage(QWidget *parent = nullptr);

    void setConnection(HubConnection *connection); // nullptr: show nothing
    HubConnection *connection() const;

    // Shows that conversation (its page is made the first time). A conversation the list does
    // not have yet is shown as soon as it arrives; false until then.
    bool openConversation(const QString &conversationId);
    QString currentConversationId() const;
    ConversationView *currentView() const; // an empty page when no conversation is open
    ConversationView *viewFor(const QString &conversationId) const; // nullptr until opened

    ConversationSidebar *sidebar() const;
    // The current conversation's parts.
    MessageView *messageView() const;
    Composer *composer() const;
    QLabel *typingLabel() const;
    QLabel *composerNotice() const;
    QLabel *titleLabel() const;
    // Under the title: a channel's topic, elided (the whole text in its tooltip); hidden when
    // there is none.
    QLabel *topicLabel() const;
    QLabel *membersTitle() const; // "Members of #lab", or for a DM its two people
    // Under the member list: everyone on the hub (the "Message…" picker).
    QPushButton *everyoneButton() const;
    // Above the conversation: the hub is not reachable right now (the host closed it).
    QLabel *roomBanner() const;
    QListView *memberList() const;
    QWidget *sidePanel() const;
    QSplitter *splitter() const;
    HostInfoPanel *hostInfo() const;
    int outboxSize() const; // messages waiting, over all conversations
    // Calls: the incoming-call banner at the top, Call / Video call in a DM's header.
    CallBanner *callBanner() const { return m_callBanner; }
    CallButtons *callButtons() const { return m_callButtons; }
    CallController *calls() const { return m_calls; }

    // The open conversation counts as read while the window is active and its newest message
    // is on screen; the window calls this when its activation changes.
    void updateReadState();

signals:
    void leaveRequested();
    void currentConversationChanged(const QString &conversationId);
    void outboxChanged(int size);

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override; // the topic's resizes

private:
    void updateHeader();
    void updateTopic();
    void fetchTopics();
    void updateMemberCount();
    void onHostLeft();
    void onStateChanged();
    void onConversationsChanged();
    void onConversationLeft(const QString &conversationId);
    void openFirstConversation();
    void setMemberPanelShown(bool shown);
    void clearViews();
    void retranslate();

    QPointer<HubConnection> m_connection;
    ConversationSidebar *m_sidebar;
    QLabel *m_title;
    QLabel *m_topic;
    QString m_topicText; // unelided
    QHash<QString, QString> m_topics; // channel id → topic, from the channel directory
    bool m_topicsFetching = false;
    QLabel *m_memberCount;
    QLabel *m_membersTitle;
    QLabel *m_banner;
    QStackedWidget *m_views;
    ConversationView *m_empty; // shown while no conversation is open
    QHash<QString, ConversationView *> m_viewById;
    QString m_current;
    QString m_wanted; // asked for before the list had it
    QListView *m_members;
    HostInfoPanel *m_hostInfo;
    QWidget *m_side;
    QSplitter *m_splitter;
    QPushButton *m_toggleSide;
    QPushButton *m_leave;
    QPushButton *m_everyone;
    CallBanner *m_callBanner;
    CallButtons *m_callButtons;
    CallController *m_calls;
};

} // namespace confab
