#pragma once
// One conversation's page: its timeline, "X is typing", the composer and what the composer is
// doing (refusing a too-long text, editing one of the user's messages). One per open
// conversation, kept while the user switches, so each keeps its draft and scroll position.

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;

namespace confab {

class AttachmentController;
class Composer;
class Conversation;
class MessageView;

class ConversationView : public QWidget
{
    Q_OBJECT
public:
    // conversation may be nullptr: an empty page (nothing to send to).
    explicit ConversationView(Conversation *conversation, QWidget *parent = nullptr);

    Conversation *conversation() const;
    MessageView *messageView() const;
    Composer *composer() const;
    QLabel *typingLabel() const;
    // Right above the composer: why what is written cannot be sent (empty and hidden otherwise).
    QLabel *composerNotice() const;
    // Right above the composer while one of the user's messages is being edited.
    QLabel *editBanner() const;

    // The user's name, whose @mentions are highlighted.
    void setOwnName(const QString &name);

    bool isEditing() const;
    qint64 editedMessageId() const; // 0 when not editing
    // Puts that message's text in the composer; Enter saves, Esc cancels.
    void startEditing(qint64 messageId);
    // The user's newest message (Up arrow in an empty composer); false when there is none.
    bool editLastMessage();
    void cancelEditing();
    // Asks first; then DELETE.
    void confirmDelete(qint64 messageId);
    // Opens a search hit: the page around that message (unless it is shown already), scrolled
    // to it and highlighted for a moment.
    void showMessage(qint64 messageId);
    // Shown while an older page is (Conversation::isAtNewest() false): back to the newest.
    QPushButton *jumpToNewestButton() const;
    AttachmentController *attachments() const { return m_files; }

signals:
    // The reading position moved (the window marks read when the newest message is on screen).
    void scrolled();

private:
    void submit(const QString &text);
    void updateTyping(const QStringList &names);
    void showNotice(const QString &text);

    QPointer<Conversation> m_conversation;
    MessageView *m_view;
    QLabel *m_typing;
    QLabel *m_notice;
    QLabel *m_editBanner;
    Composer *m_composer;
    QPushButton *m_send;
    AttachmentController *m_files = nullptr;
    QWidget *m_olderBar; // "You are reading older messages. [Jump to newest]"
    QLabel *m_olderLabel;
    QPushButton *m_jumpNewest;
    qint64 m_revealWanted = 0; // shown once its page has arrived
    qint64 m_editing = 0;
    QString m_draftBeforeEdit; // what the composer held before an edit began
};

} // namespace confab
