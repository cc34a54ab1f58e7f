#include "messageservice.h"

#include "bus/eventbus.h"
#include "bus/eventfanout.h"
#include "protocol.h"

#include <QDateTime>

#include <algorithm>
#include <iterator>
#include <utility>

namespace confab {

MessageService::MessageService(ChatStore &store, EventBus &bus, Limits limits, HubMetrics &metrics)
    : m_store(store)
    , m_bus(bus)
    , m_limits(limits)
    , m_metrics(metrics)
{
    m_monotonic.start();
}

namespace {
// At most this many posts in one transaction: a burst larger than that commits in several, so
// that no answer waits behind an unbounded batch.
constexpr std::size_t MaxGroupCommit = 256;
// A post this long after the one before is stored at once, on its own: posts that far apart
// gain nothing from waiting for company, and the wait (to the end of the event-loop turn, which
// may hold a fan-out slice) would only add to its latency. Posts closer together than this are
// the load group commit is for.
constexpr qint64 LonePostGapNs = 2'000'000;
} // namespace

MessageService::~MessageService()
{
    commitPending();
}

QString MessageService::pendingKey(const QString &room, const QString &memberId,
                                   const QString &clientId)
{
    // Room and member ids hold no newline (validated ids); the clientId is last.
    return room + QLatin1Char('\n') + memberId + QLatin1Char('\n') + clientId;
}

void MessageService::post(const Member &from, const QString &room, const MessageRequest &request,
                          PostAnswer answer)
{
    // Check.
    if (auto refused = checkText(request.text))
        return answer(*refused);
    if (request.clientId.size() > protocol::MaxClientIdChars)
        return answer(ServiceError {
            400, protocol::error::BadRequest,
            QStringLiteral("clientId is 1 to %1 characters.").arg(protocol::MaxClientIdChars)});

    // Deduplicate: a retry of a message we already have gets the same answer, stores nothing
    // new and takes no rate-limit token. One waiting in this batch is answered with it.
    if (!request.clientId.isEmpty()) {
        if (const auto existing = m_store.messageByClientId(room, from.id, request.clientId))
            return answer(PostedMessage {existing->id, existing->ts});
        const auto waiting
            = m_pendingByClientId.constFind(pendingKey(room, from.id, request.clientId));
        if (waiting != m_pendingByClientId.cend()) {
            m_pending[*waiting].answers.push_back(std::move(answer));
            return;
        }
    }

    // Rate-limit.
    if (auto limited = take(m_buckets, from.id, QStringLiteral("Too many messages; slow down.")))
        return answer(*limited);

    // Store (at once when it comes alone, else at the end of the turn with the others read in
    // it), then publish.
    const qint64 now = m_monotonic.nsecsElapsed();
    const bool alone
        = m_pending.empty() && (m_lastPostNs < 0 || now - m_lastPostNs >= LonePostGapNs);
    m_lastPostNs = now;
    if (!request.clientId.isEmpty())
        m_pendingByClientId.insert(pendingKey(room, from.id, request.clientId), m_pending.size());
    PendingPost pending {MessageEvent {0, room, from, request.text,
                                       QDateTime::currentMSecsSinceEpoch(), request.clientId},
                         {}};
    pending.answers.push_back(std::move(answer));
    m_pending.push_back(std::move(pending));
    if (alone || m_pending.size() >= MaxGroupCommit) {
        commitPending();
        return;
    }
    if (!m_commitQueued) {
        m_commitQueued = true;
        if (!m_turnEnd)
            m_turnEnd = std::make_unique<QObject>();
        QMetaObject::invokeMethod(
            m_turnEnd.get(),
            [this] {
                m_commitQueued = false;
                commitPending();
            },
            Qt::QueuedConnection);
    }
}

void MessageService::commitPending()
{
    if (m_pending.empty())
        return;
    std::vector<PendingPost> batch = std::exchange(m_pending, {});
    m_pendingByClientId.clear();
    std::vector<MessageEvent> messages;
    messages.reserve(batch.size());
    for (const PendingPost &pending : batch)
        messages.push_back(pending.message);
    const auto committed = m_store.appendMessages(messages);
    if (!committed) {
        const ServiceError failed {500, protocol::error::StoreFailed,
                                   QStringLiteral("The hub could not store the message.")};
        for (const PendingPost &pending : batch) {
            for (const PostAnswer &answer : pending.answers)
                answer(failed);
        }
        return;
    }
    m_metrics.messages += qint64(messages.size());
    // Published, then answered, as a single post always was: the fan-out's writes are queued
    // before the answers, so a poster's own stream does not lag behind its 201.
    for (std::size_t i = 0; i < batch.size(); ++i)
        m_bus.publish((*committed)[i], Audience::conversation(messages[i].room));
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const PostedMessage posted {messages[i].id, messages[i].ts};
        for (const PostAnswer &answer : batch[i].answers)
            answer(posted);
    }
}

Outcome<PostedMessage> MessageService::postFile(const Member &from, StoredFile &file)
{
    MessageEvent message {0, file.conversation, from, file.name, file.createdMs, QString()};
    const auto committed = m_store.appendFileMessage(message, file);
    if (!committed)
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not store the file's message.")};
    ++m_metrics.messages;
    m_bus.publish(*committed, Audience::conversation(file.conversation));
    return PostedMessage {message.id, message.ts};
}

Outcome<PostedMessage> MessageService::postNotice(const Member &from, const QString &conversation,
                                                  const QString &text, const QJsonObject &call)
{
    if (auto refused = checkText(text))
        return *refused;
    MessageEvent message {0, conversation, from, text, QDateTime::currentMSecsSinceEpoch(), {}};
    message.call = call;
    const auto committed = m_store.appendMessage(message);
    if (!committed)
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not store the message.")};
    ++m_metrics.messages;
    m_bus.publish(*committed, Audience::conversation(conversation));
    return PostedMessage {message.id, message.ts};
}

std::optional<ServiceError> MessageService::take(QHash<QString, TokenBucket> &buckets,
                                                 const QString &memberId, const QString &message)
{
    auto bucket = buckets.find(memberId);
    if (bucket == buckets.end())
        bucket = buckets.insert(memberId,
                                TokenBucket(m_limits.messagesPerSecond, m_limits.messageBurst));
    qint64 retryAfterMs = 0;
    if (!bucket->take(m_monotonic.elapsed(), &retryAfterMs))
        return ServiceError {429, protocol::error::RateLimited, message,
                             int(std::max<qint64>(1, (retryAfterMs + 999) / 1000))};
    return std::nullopt;
}

std::optional<ServiceError> MessageService::takeTypingToken(const QString &memberId)
{
    return take(m_typingBuckets, memberId, QStringLiteral("Too many typing notices; slow down."));
}

std::optional<ServiceError> MessageService::checkText(const QString &text) const
{
    if (text.trimmed().isEmpty())
        return ServiceError {400, protocol::error::BadRequest,
                             QStringLiteral("The message is empty.")};
    if (text.size() > m_limits.maxTextChars)
        return ServiceError {
            413, protocol::error::TextTooLong,
            QStringLiteral("Messages are limited to %1 characters.").arg(m_limits.maxTextChars)};
    return std::nullopt;
}

Outcome<MessageEvent> MessageService::ownMessage(const Member &by, const QString &conversation,
                                                 qint64 messageId) const
{
    const auto message = m_store.messageById(conversation, messageId);
    if (!message || message->deleted)
        return ServiceError {404, protocol::error::UnknownMessage,
                             QStringLiteral("No such message here.")};
    if (message->from.id != by.id)
        return ServiceError {403, protocol::error::NotAuthor,
                             QStringLiteral("Only its author may change a message.")};
    return *message;
}

Outcome<PostedMessage> MessageService::edit(const Member &by, const QString &conversation,
                                            qint64 messageId, const QString &text)
{
    if (auto refused = checkText(text))
        return *refused;
    const Outcome<MessageEvent> message = ownMessage(by, conversation, messageId);
    if (!message.ok())
        return message.error;
    MessageEditedEvent edit {0,  conversation, messageId,
                             by, text,         QDateTime::currentMSecsSinceEpoch()};
    const auto committed = m_store.appendEdit(edit);
    if (!committed)
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not store the change.")};
    m_bus.publish(*committed, Audience::conversation(conversation));
    return PostedMessage {edit.id, edit.ts};
}

Outcome<PostedMessage> MessageService::remove(const Member &by, const QString &conversation,
                                              qint64 messageId)
{
    const Outcome<MessageEvent> message = ownMessage(by, conversation, messageId);
    if (!message.ok())
        return message.error;
    MessageDeletedEvent deletion {0, conversation, messageId, by,
                                  QDateTime::currentMSecsSinceEpoch()};
    const auto committed = m_store.appendDelete(deletion);
    if (!committed)
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not store the change.")};
    m_bus.publish(*committed, Audience::conversation(conversation));
    return PostedMessage {deletion.id, deletion.ts};
}

HistoryPage MessageService::history(const QString &room, std::optional<qint64> before,
                                    int limit) const
{
    HistoryPage page;
    const qint64 upTo = before.value_or(m_store.lastSequence(room) + 1);
    page.events = m_store.eventsBefore(room, upTo, limit, &page.hasMore);
    return page;
}

const char *MessageService::resumeRefusal(
    const QByteArray &lastEventId,
    const std::function<std::vector<ChatEvent>(qint64 after, int limit)> &eventsAfter,
    std::vector<ChatEvent> *missed) const
{
    bool ok = false;
    const qint64 after = lastEventId.toLongLong(&ok);
    if (!ok || after < 0)
        return protocol::resetreason::UnknownId;
    if (after > m_store.newestSequence())
        return protocol::resetreason::AheadOfRoom;
    if (after > 0 && after <= m_store.replayFloor())
        return protocol::resetreason::BeforeUpgrade;
    *missed = eventsAfter(after, m_limits.maxReplayEvents + 1);
    if (missed->size() > size_t(m_limits.maxReplayEvents))
        return protocol::resetreason::TooOld;
    return nullptr;
}

std::variant<std::vector<ChatEvent>, ResetEvent>
MessageService::resume(const QString &room, const QByteArray &lastEventId) const
{
    std::vector<ChatEvent> missed;
    const char *reason = resumeRefusal(
        lastEventId,
        [&](qint64 after, int limit) { return m_store.eventsAfter(room, after, limit); }, &missed);
    if (reason)
        return ResetEvent {room, m_store.lastSequence(room), QString::fromLatin1(reason)};
    return missed;
}

std::variant<std::vector<ChatEvent>, ResetEvent>
MessageService::resumeMember(const QString &memberId, const QByteArray &lastEventId) const
{
    std::vector<ChatEvent> missed;
    const char *reason = resumeRefusal(
        lastEventId,
        [&](qint64 after, int limit) {
            std::vector<ChatEvent> events = m_store.memberEventsAfter(memberId, after, limit);
            if (!m_addressed)
                return events;
            // Both lists are in id order; merged, they are the member's events in id order.
            std::vector<ChatEvent> addressed = m_addressed(memberId, after);
            if (addressed.empty())
                return events;
            std::vector<ChatEvent> merged;
            merged.reserve(events.size() + addressed.size());
            std::merge(std::make_move_iterator(events.begin()),
                       std::make_move_iterator(events.end()),
                       std::make_move_iterator(addressed.begin()),
                       std::make_move_iterator(addressed.end()), std::back_inserter(merged),
                       [](const ChatEvent &a, const ChatEvent &b) {
                           return eventSequence(a) < eventSequence(b);
                       });
            if (merged.size() > size_t(limit))
                merged.resize(size_t(limit));
            return merged;
        },
        &missed);
    if (reason)
        return ResetEvent {QString(), m_store.newestSequence(), QString::fromLatin1(reason)};
    return missed;
}

} // namespace confab
