#pragma once
// Messages: check → deduplicate → rate-limit → store → publish, in that order and only here;
// history pages and the replay a resuming stream gets, from the store.

#include "outcome.h"
#include "restapi.h"
#include "store/chatstore.h"
#include "tokenbucket.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>

#include <functional>
#include <memory>
#include <variant>
#include <vector>

namespace confab {

class EventBus;
struct HubMetrics;

class MessageService
{
public:
    struct Limits
    {
        int maxTextChars = 0;
        double messagesPerSecond = 0; // 0: no rate limit
        int messageBurst = 0;
        int maxReplayEvents = 0;
    };

    MessageService(ChatStore &store, EventBus &bus, Limits limits, HubMetrics &metrics);
    // Commits and answers the posts still waiting (see post()).
    ~MessageService();

    // How a post is answered: after the commit, or at once when refused.
    using PostAnswer = std::function<void(const Outcome<PostedMessage> &)>;
    // Group commit: an accepted post waits for the end of the current event-loop turn, when
    // every post read in that turn is stored in one transaction (ChatStore::appendMessages), at
    // most MaxGroupCommit at a time; then each is answered and only then published. A post is
    // thus committed before its answer and before any subscriber sees it, as one post alone
    // was, at a fraction of the cost per message under load. A failed commit answers every post
    // of the batch 500 store_failed and publishes nothing. A refusal (text, rate limit) is
    // answered at once. A retry with a clientId already stored gets the first answer, stores and
    // publishes nothing; so does a second post with the same clientId in the same batch (it gets
    // the first one's answer when that is committed).
    void post(const Member &from, const QString &room, const MessageRequest &request,
              PostAnswer answer);
    // Commits the posts waiting, answers and publishes them now (the end of a turn; shutdown).
    void commitPending();
    // Files: the message announcing a finished upload (text: the file's name), stored with the
    // file's row and published like any message. No rate-limit token: the upload was the cost.
    Outcome<PostedMessage> postFile(const Member &from, StoredFile &file);
    // A message the hub posts in a member's name (a call's summary, with `call` set): checked,
    // stored and published as a post, without taking from the member's rate budget.
    Outcome<PostedMessage> postNotice(const Member &from, const QString &conversation,
                                      const QString &text, const QJsonObject &call);
    // API v2: the author changes or deletes their message (text checked as for a post). 404
    // unknown_message for none in this conversation (or one already deleted), 403 not_author.
    Outcome<PostedMessage> edit(const Member &by, const QString &conversation, qint64 messageId,
                                const QString &text);
    Outcome<PostedMessage> remove(const Member &by, const QString &conversation, qint64 messageId);
    // The newest `limit` history events with id < `before` (none: all), oldest first.
    HistoryPage history(const QString &room, std::optional<qint64> before, int limit) const;
    // What a stream resuming after `lastEventId` (as sent) gets first: the missed history
    // events, or a `reset` when they cannot be replayed.
    std::variant<std::vector<ChatEvent>, ResetEvent> resume(const QString &room,
                                                            const QByteArray &lastEventId) const;
    // The same for a member's stream (API v2): the missed events of all their conversations.
    std::variant<std::vector<ChatEvent>, ResetEvent>
    resumeMember(const QString &memberId, const QByteArray &lastEventId) const;
    // Events addressed to one member that are not in the store (calls): a member's replay
    // merges them in by id. Set once by the composition root.
    using AddressedEvents
        = std::function<std::vector<ChatEvent>(const QString &memberId, qint64 afterId)>;
    void setAddressedEvents(AddressedEvents events) { m_addressed = std::move(events); }
    // API v2 typing: one token of the member's typing budget (the size of the message budget,
    // kept apart from it), or the 429 refusal.
    std::optional<ServiceError> takeTypingToken(const QString &memberId);
    // The member's session ended: forget their rate budgets.
    void forget(const QString &memberId)
    {
        m_buckets.remove(memberId);
        m_typingBuckets.remove(memberId);
    }

private:
    std::optional<ServiceError> checkText(const QString &text) const;
    std::optional<ServiceError> take(QHash<QString, TokenBucket> &buckets, const QString &memberId,
                                     const QString &message);
    // The author's own, not yet deleted, message; else the refusal.
    Outcome<MessageEvent> ownMessage(const Member &by, const QString &conversation,
                                     qint64 messageId) const;
    // Why a resume after `lastEventId` cannot be replayed (a reset reason), or nullptr with the
    // missed events in *missed. `eventsAfter(after, limit)` reads them from the store; it is asked
    // for one more than the window allows, so a full answer means "too far behind" (ids are
    // hub-wide, so a room's or member's events after `after` are not `newest - after` many).
    const char *
    resumeRefusal(const QByteArray &lastEventId,
                  const std::function<std::vector<ChatEvent>(qint64 after, int limit)> &eventsAfter,
                  std::vector<ChatEvent> *missed) const;

    // A post waiting for the group commit, with every answer owed for it (duplicates included).
    struct PendingPost
    {
        MessageEvent message;
        std::vector<PostAnswer> answers;
    };
    static QString pendingKey(const QString &room, const QString &memberId,
                              const QString &clientId);

    ChatStore &m_store;
    EventBus &m_bus;
    std::vector<PendingPost> m_pending;
    QHash<QString, std::size_t> m_pendingByClientId; // pendingKey() → index in m_pending
    // The queued call that commits m_pending at the end of the turn (posted by the first post of
    // a batch; a posted event runs after every socket already readable in this turn was read).
    std::unique_ptr<QObject> m_turnEnd;
    bool m_commitQueued = false;
    qint64 m_lastPostNs = -1; // m_monotonic's time of the last accepted post
    AddressedEvents m_addressed;
    Limits m_limits;
    HubMetrics &m_metrics;
    QElapsedTimer m_monotonic;
    QHash<QString, TokenBucket> m_buckets; // by member id
    QHash<QString, TokenBucket> m_typingBuckets; // by member id
};

} // namespace confab
