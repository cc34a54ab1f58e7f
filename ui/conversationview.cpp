#include "conversationview.h"

#include "attachmentcontroller.h"
#include "composer.h"
#include "conversation.h"
#include "messagedelegate.h"
#include "messagemodel.h"
#include "messageview.h"
#include "protocol.h"
#include "transferstrip.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace confab {

ConversationView::ConversationView(Conversation *conversation, QWidget *parent)
    : QWidget(parent)
    , m_conversation(conversation)
    , m_view(new MessageView(this))
    , m_typing(new QLabel(this))
    , m_notice(new QLabel(this))
    , m_editBanner(new QLabel(this))
    , m_composer(new Composer(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_olderBar(new QWidget(this))
    , m_olderLabel(new QLabel(tr("You are reading older messages."), m_olderBar))
    , m_jumpNewest(new QPushButton(tr("Jump to newest"), m_olderBar))
{
    // Names in "X is typing" are remote text: never rich text.
    for (QLabel *label : {m_typing, m_notice, m_editBanner})
        label->setTextFormat(Qt::PlainText);
    m_notice->setWordWrap(true);
    m_notice->setStyleSheet(QStringLiteral(
        "QLabel { color: #a00; background: #fdecea; padding: 6px; border-radius: 4px; }"));
    m_notice->hide();
    m_editBanner->setStyleSheet(QStringLiteral(
        "QLabel { color: #6a4a00; background: #fff3cd; padding: 6px; border-radius: 4px; }"));
    m_editBanner->hide();
    m_typing->setForegroundRole(QPalette::PlaceholderText);
    QFont typingFont = m_typing->font();
    typingFont.setItalic(true);
    m_typing->setFont(typingFont);
    m_typing->setMinimumHeight(m_typing->fontMetrics().height());

    auto *composerRow = new QHBoxLayout;
    composerRow->addWidget(m_composer, 1);
    composerRow->addWidget(m_send, 0, Qt::AlignBottom);
    m_send->setDefault(false);
    m_send->setAutoDefault(false);

    auto *olderRow = new QHBoxLayout(m_olderBar);
    olderRow->setContentsMargins(6, 2, 6, 2);
    olderRow->addWidget(m_olderLabel, 1);
    olderRow->addWidget(m_jumpNewest);
    m_olderBar->setStyleSheet(QStringLiteral("QWidget { background: #e8f0fe; }"));
    m_olderBar->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_olderBar);
    layout->addWidget(m_typing);
    layout->addWidget(m_notice);
    layout->addWidget(m_editBanner);
    layout->addLayout(composerRow);
    // Files: the attach button, drops, pasted images, the transfers strip, attachments.
    m_files = new AttachmentController(this, conversation, m_composer, m_view);
    composerRow->insertWidget(0, m_files->attachButton(), 0, Qt::AlignBottom);
    layout->insertWidget(layout->indexOf(m_typing), m_files->strip());
    connect(m_files, &AttachmentController::notice, this, &ConversationView::showNotice);

    m_composer->setMaxLength(protocol::DefaultMaxTextChars);
    connect(m_composer, &Composer::submitted, this, &ConversationView::submit);
    // Refused, not cut: the text stays in the composer and the reason stays beside it until
    // the text changes.
    connect(m_composer, &Composer::tooLong, this, [this](int characters, int limit) {
        showNotice(tr("Too long to send: %1 characters, the limit is %2. Shorten "
                      "it, or send it as several messages.")
                       .arg(QLocale().toString(characters), QLocale().toString(limit)));
    });
    connect(m_composer, &QPlainTextEdit::textChanged, this, [this] {
        if (m_notice->isVisible()) {
            m_notice->hide();
            m_notice->clear();
        }
    });
    connect(m_send, &QPushButton::clicked, m_composer, &Composer::submit);
    connect(m_composer, &Composer::editLastRequested, this, &ConversationView::editLastMessage);
    connect(m_composer, &Composer::cancelRequested, this, &ConversationView::cancelEditing);
    connect(m_view, &MessageView::editRequested, this, &ConversationView::startEditing);
    connect(m_view, &MessageView::deleteRequested, this, &ConversationView::confirmDelete);
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &ConversationView::scrolled);
    connect(m_view->verticalScrollBar(), &QScrollBar::rangeChanged, this,
            &ConversationView::scrolled);
    if (!conversation)
        return;
    m_view->setModel(conversation->messages());
    connect(m_composer, &Composer::typing, conversation, [this] {
        if (m_conversation && !isEditing()) // an edit is not a new message being written
            m_conversation->sendTyping();
    });
    connect(conversation, &Conversation::typingChanged, this, &ConversationView::updateTyping);
    connect(conversation, &Conversation::sendRejected, this,
            [this](const QString &, const QString &reason) {
                showNotice(tr("A message was not sent: %1").arg(reason));
            });
    connect(conversation, &Conversation::actionFailed, this,
            [this](const QString &, const QString &reason) { showNotice(reason); });
    connect(m_view, &MessageView::olderHistoryWanted, conversation, [conversation] {
        // One page at a time; calls while a page is on its way do nothing.
        if (conversation->canLoadOlder())
            conversation->loadOlder();
    });
    connect(m_jumpNewest, &QPushButton::clicked, conversation, [this] {
        m_revealWanted = 0;
        if (m_conversation)
            m_conversation->showNewest();
        m_view->scrollToNewest();
    });
    connect(conversation, &Conversation::atNewestChanged, this, [this](bool atNewest) {
        m_olderBar->setVisible(!atNewest);
        m_view->setFollowNewest(atNewest);
    });
    // Reading on from an older page: at its bottom, the next page towards the newest.
    connect(
        m_view->verticalScrollBar(), &QScrollBar::valueChanged, conversation, [this, conversation] {
            if (!conversation->isAtNewest() && m_view->isAtBottom() && conversation->canLoadNewer())
                conversation->loadNewer();
        });
    connect(conversation, &Conversation::shownAround, this, [this](qint64 messageId) {
        if (messageId == m_revealWanted)
            m_view->revealMessage(std::exchange(m_revealWanted, 0));
    });
    connect(conversation, &Conversation::aroundFailed, this, [this](qint64, const QString &reason) {
        m_revealWanted = 0;
        showNotice(tr("That message cannot be shown: %1").arg(reason));
    });
    m_olderBar->setVisible(!conversation->isAtNewest());
    m_view->setFollowNewest(conversation->isAtNewest());
    updateTyping(conversation->typingNames());
}

void ConversationView::showMessage(qint64 messageId)
{
    if (!m_conversation || messageId <= 0)
        return;
    if (m_conversation->messages()->containsSequence(messageId) && m_view->revealMessage(messageId))
        return;
    m_revealWanted = messageId;
    m_conversation->showAround(messageId);
}

QPushButton *ConversationView::jumpToNewestButton() const
{
    return m_jumpNewest;
}

Conversation *ConversationView::conversation() const
{
    return m_conversation;
}

MessageView *ConversationView::messageView() const
{
    return m_view;
}

Composer *ConversationView::composer() const
{
    return m_composer;
}

QLabel *ConversationView::typingLabel() const
{
    return m_typing;
}

QLabel *ConversationView::composerNotice() const
{
    return m_notice;
}

QLabel *ConversationView::editBanner() const
{
    return m_editBanner;
}

void ConversationView::setOwnName(const QString &name)
{
    m_view->messageDelegate()->setOwnName(name);
    m_view->viewport()->update();
}

void ConversationView::showNotice(const QString &text)
{
    m_notice->setText(text);
    m_notice->show();
}

bool ConversationView::isEditing() const
{
    return m_editing > 0;
}

qint64 ConversationView::editedMessageId() const
{
    return m_editing;
}

void ConversationView::startEditing(qint64 messageId)
{
    if (!m_conversation)
        return;
    const QString text = m_conversation->messages()->textOf(messageId);
    if (text.isEmpty())
        return; // not shown here (any more)
    if (!isEditing())
        m_draftBeforeEdit = m_composer->toPlainText();
    m_editing = messageId;
    m_editBanner->setText(tr("Editing your message. Enter saves, Esc cancels."));
    m_editBanner->show();
    m_composer->setPlainText(text);
    m_composer->moveCursor(QTextCursor::End);
    m_composer->setFocus();
}

bool ConversationView::editLastMessage()
{
    if (!m_conversation)
        return false;
    const MessageModel *messages = m_conversation->messages();
    for (int row = messages->rowCount() - 1; row >= 0; --row) {
        const QModelIndex index = messages->index(row);
        if (MessageView::isEditable(index)) {
            startEditing(index.data(MessageModel::SequenceRole).toLongLong());
            return true;
        }
    }
    return false;
}

void ConversationView::cancelEditing()
{
    if (!isEditing())
        return;
    m_editing = 0;
    m_editBanner->hide();
    m_composer->setPlainText(m_draftBeforeEdit);
    m_composer->moveCursor(QTextCursor::End);
    m_draftBeforeEdit.clear();
}

void ConversationView::confirmDelete(qint64 messageId)
{
    if (!m_conversation)
        return;
    QMessageBox box(this);
    box.setIcon(QMessageBox::Question);
    box.setWindowTitle(tr("Delete Message"));
    box.setText(tr("Delete this message? Everyone in the conversation will see that it was "
                   "deleted."));
    QPushButton *remove = box.addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != remove || !m_conversation)
        return;
    if (m_editing == messageId)
        cancelEditing();
    m_conversation->remove(messageId);
}

void ConversationView::submit(const QString &text)
{
    if (!m_conversation)
        return;
    if (isEditing()) {
        const qint64 id = m_editing;
        const bool changed = text != m_conversation->messages()->textOf(id);
        m_editing = 0;
        m_editBanner->hide();
        m_composer->setPlainText(m_draftBeforeEdit);
        m_composer->moveCursor(QTextCursor::End);
        m_draftBeforeEdit.clear();
        if (changed)
            m_conversation->edit(id, text);
        return;
    }
    m_conversation->send(text);
    m_view->scrollToNewest();
}

void ConversationView::updateTyping(const QStringList &names)
{
    QString text;
    if (names.size() == 1)
        text = tr("%1 is typing…").arg(names.first());
    else if (names.size() == 2)
        text = tr("%1 and %2 are typing…").arg(names.at(0), names.at(1));
    else if (names.size() > 2)
        text = tr("%n people are typing…", nullptr, int(names.size()));
    m_typing->setText(text);
}

} // namespace confab
