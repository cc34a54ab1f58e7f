#pragma once
// The left column of a hub's window: the member's channels and direct messages in two sections,
// with their badges, and the actions that add conversations ("New channel…", "Browse
// channels…", "Message…"). Shows a ConversationListModel; says which conversation was clicked.

#include <QWidget>

class QAbstractItemModel;
class QAction;
class QLabel;
class QListView;
class QSortFilterProxyModel;
class QVBoxLayout;

namespace confab {

class ConversationSidebar : public QWidget
{
    Q_OBJECT
public:
    explicit ConversationSidebar(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *conversations); // a ConversationListModel, or nullptr
    // Marks the open conversation in its section (and nothing in the other).
    void setCurrentConversation(const QString &conversationId);

    QListView *channelList() const;
    QListView *directList() const;
    QAction *newChannelAction() const;
    QAction *browseChannelsAction() const;
    QAction *messageMemberAction() const;

signals:
    void conversationActivated(const QString &conversationId);

protected:
    void changeEvent(QEvent *event) override;

private:
    QListView *addSection(QVBoxLayout *layout, QLabel *title, QSortFilterProxyModel *proxy,
                          const QList<QAction *> &actions);
    void fitHeights();
    void retranslate();

    QLabel *m_channelsTitle;
    QLabel *m_directTitle;
    QLabel *m_noDirect;
    QSortFilterProxyModel *m_channels;
    QSortFilterProxyModel *m_direct;
    QListView *m_channelList;
    QListView *m_directList;
    QAction *m_newChannel;
    QAction *m_browse;
    QAction *m_message;
};

} // namespace confab
