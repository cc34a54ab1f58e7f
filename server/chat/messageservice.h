#pragma once
// Messages: check → deduplicate → rate-limit → store → publish, in that order and only here;
// history pages and the replay a resuming stream gets, from the store.

#include "outcome.h"
#include "restapi.h"
#include "store/chatstore.h"
#include "tokenbucket.h"

#include <QElapsedTimer>
#include <QHash>

#include <functional>

#include <variant>

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

    // The message is committed before this returns and before any subscriber sees it. A retry
    // with a clientId already stored gets the first answer, stores and publishes nothing.
    Outcome<PostedMessage> post(const Member &from, const QString &room,
                                const MessageRequest &request);
    // Files: the message announcing a finished upload (text: the file's name), stored with the
    // file's row and published like any message. No rate-limit token: the upload was the cost.
    Outcome<PostedMessage> postFile(const Member &from, StoredFile &file);
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

    ChatStore &m_store;
    EventBus &m_bus;
    Limits m_limits;
    HubMetrics &m_metrics;
    QElapsedTimer m_monotonic;
    QHash<QString, TokenBucket> m_buckets; // by member id
    QHash<QString, TokenBucket> m_typingBuckets; // by member id
};

} // namespace confab
