#pragma once
// The hub's durable state, as the services see it: each conversation's history with its sequence
// numbers, and the members' sessions. Sequence numbers come from here, never from a map in a
// service. Every write is committed before the call returns; an append hands back the committed
// event as the only kind of history event the bus accepts ("commit, then publish", see
// bus/publishableevent.h). SqliteChatStore is the implementation.

#include "bus/publishableevent.h"
#include "chatevent.h"
#include "filestore.h"
#include "searchindex.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace confab {

class ChatStore
{
public:
    struct Session
    {
        QByteArray tokenHash; // SHA-256 of the token; the token itself is never stored
        Member member;
        QString room;
        qint64 createdMs = 0;
        qint64 lastUsedMs = 0;
    };

    struct Conversation
    {
        QString id;
        QString kind; // protocol::KindChannel or protocol::KindDm
        QString title; // empty for a DM (each side sees the other's name)
        QString topic;
    };
    struct Membership
    {
        QString conversation;
        QString memberId;
        qint64 lastRead = 0; // sequence number read up to
    };
    struct Unread
    {
        int messages = 0; // after lastRead, from others
        int mentions = 0; // of those, the ones that mention the member (common/mentions.h)
    };

    virtual ~ChatStore() = default;

    virtual bool open(const QString &directory, QString *errorMessage) = 0;
    virtual void close() = 0;
    virtual QString location() const = 0; // for logs

    // Sequence numbers are hub-wide: one sequence orders every event of every conversation.
    // The conversation's newest one (0 when it has no history yet).
    virtual qint64 lastSequence(const QString &conversation) const = 0;
    // The newest of all (the next event gets a larger one).
    virtual qint64 newestSequence() const = 0;
    // Numbers up to this one were handed out by an older schema (API v1 kept one sequence per
    // room), so a client resuming from one cannot be told what it missed: it gets `reset`.
    virtual qint64 replayFloor() const = 0;
    // Names this hub's data (made once, when the data directory is first opened by a hub that
    // knows it): ids handed out by another hub's data cannot be resumed here (docs/protocol.md).
    virtual QString instance() const = 0;

    // A channel the hub serves (a v1 room); nothing happens when it exists already.
    virtual bool ensureChannel(const QString &id, const QString &title, qint64 createdMs) = 0;
    // The conversations a member belongs to (a join adds one, a leave removes it).
    virtual std::vector<QString> membershipsOf(const QString &memberId) const = 0;
    // A new conversation with its first members (no join events: a DM's two sides); false when
    // the id exists or the database refused, and then nothing is stored.
    virtual bool createConversation(const Conversation &conversation, qint64 createdMs,
                                    const QStringList &memberIds)
        = 0;
    virtual std::vector<Conversation> loadConversations() const = 0;
    virtual std::vector<Membership> loadMemberships() const = 0;
    // Messages from others after the member's read mark, for every conversation of theirs that
    // has any (one query, whatever their number: the conversation list must stay fast at 500).
    virtual QHash<QString, Unread> unreadFor(const QString &memberId,
                                             const QString &memberName) const = 0;
    virtual bool setLastRead(const QString &conversation, const QString &memberId, qint64 upTo) = 0;
    // At most `limit` history events with id > afterId of every conversation the member
    // belongs to, oldest first (the replay of a member's stream).
    virtual std::vector<ChatEvent> memberEventsAfter(const QString &memberId, qint64 afterId,
                                                     int limit) const = 0;

    // Assign the next sequence number (written into the argument), store, commit. A join or leave
    // also adds or removes the membership, in the same transaction. nullopt when the
    // database refused; nothing is then stored or published.
    virtual std::optional<PublishableEvent> appendMessage(MessageEvent &message) = 0;
    // A group commit: the messages, in order, with consecutive sequence numbers (written into
    // each), stored in one transaction: all committed, or none stored (nullopt) and no number
    // used. One transaction costs about as much as one message, so a batch of posts read in one
    // event-loop turn commits at the price of one (MessageService).
    virtual std::optional<std::vector<PublishableEvent>>
    appendMessages(std::vector<MessageEvent> &messages) = 0;
    virtual std::optional<PublishableEvent> appendPresence(PresenceEvent &presence) = 0;
    // Files: the message announcing a finished upload and the file's row, in one transaction
    // (`file.messageId` is set to the message's id). nullopt when the store refused.
    virtual std::optional<PublishableEvent> appendFileMessage(MessageEvent &message,
                                                              StoredFile &file)
        = 0;
    virtual FileStore &fileStore() = 0;
    // API v2: an edit or deletion of a message: an event of its own, and the message row takes
    // its result, in one transaction. nullopt when the store refused (nothing changed).
    virtual std::optional<PublishableEvent> appendEdit(MessageEditedEvent &edit) = 0;
    virtual std::optional<PublishableEvent> appendDelete(MessageDeletedEvent &deletion) = 0;
    // API v2 calls: a call event takes the next number of the hub-wide sequence (written into the
    // argument) but is not stored: calls do not outlive the hub, and their SDP (with the parties'
    // addresses) never reaches the disk. The store commits the newest number handed out, so that
    // none is handed out twice after a restart. nullopt when the database refused.
    virtual std::optional<PublishableEvent> appendCallEvent(CallEvent &event) = 0;
    // A message (not a join, leave or edit) of the conversation by its id.
    virtual std::optional<MessageEvent> messageById(const QString &conversation,
                                                    qint64 id) const = 0;
    virtual std::optional<MessageEvent> messageByClientId(const QString &room,
                                                          const QString &memberId,
                                                          const QString &clientId) const = 0;

    // At most `limit` history events (messages, join, leave) with id > afterId, oldest first.
    virtual std::vector<ChatEvent> eventsAfter(const QString &conversation, qint64 afterId,
                                               int limit) const = 0;
    // The newest `limit` history events with id < beforeId, oldest first.
    virtual std::vector<ChatEvent> eventsBefore(const QString &room, qint64 beforeId, int limit,
                                                bool *hasMore) const = 0;

    // The oldest `limit` history events with id > afterId, oldest first (the newer half of a page
    // around a message, for jumping to a search hit).
    virtual std::vector<ChatEvent> eventsNewer(const QString &conversation, qint64 afterId,
                                               int limit, bool *hasMore) const = 0;
    // Search (issue 12): edits and deletions change it with the message; new messages enter it
    // in batches (SearchIndex::catchUpStep) and are found by scanning until then.
    virtual SearchIndex &searchIndex() = 0;

    virtual bool saveSession(const Session &session) = 0;
    virtual bool touchSession(const QByteArray &tokenHash, qint64 lastUsedMs) = 0;
    virtual bool deleteSession(const QByteArray &tokenHash) = 0;
    // Live sessions; those unused since `expiredBeforeMs` are deleted instead.
    virtual std::vector<Session> loadSessions(qint64 expiredBeforeMs) = 0;

protected:
    // For implementations, after their commit: the event may now be published.
    static PublishableEvent committed(ChatEvent event)
    {
        return PublishableEvent(std::move(event));
    }
};

} // namespace confab
