#include "conversation.h"

#include "conversationlistmodel.h"
#include "hubconnection_p.h"
#include "membermodel.h"
#include "mentions.h"
#include "messagemodel.h"
#include "protocol.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcConversation, "confab.conversation")

namespace confab {

ConversationPrivate::ConversationPrivate(Conversation *conversation, const ConversationInfo &start,
                                         HubConnectionPrivate *connection)
    : q(conversation)
    , hub(connection)
    , info(start)
    , messages(new MessageModel(conversation))
    , typing(new MemberModel(conversation))
{
    messages->setOwnMemberId(hub->self.id);
    messages->setOwnName(hub->self.name);
    typing->setSelfId(hub->self.id);
    QObject::connect(typing, &MemberModel::typingNamesChanged, q, &Conversation::typingChanged);
}

void ConversationPrivate::setInfo(const ConversationInfo &fresh)
{
    const bool retitled = fresh.title != info.title;
    info = fresh;
    if (retitled)
        emit q->titleChanged(info.title);
}

void ConversationPrivate::halt()
{
    ++generation;
    loading = false;
    loadingOlder = false;
    loadingAround = false;
    loadingNewer = false;
    heldWhileLoading.clear();
    heldWhileDetached.clear();
}

void ConversationPrivate::setAtNewest(bool atNewest)
{
    if (hasNewer != atNewest)
        return;
    hasNewer = !atNewest;
    emit q->atNewestChanged(atNewest);
}

void ConversationPrivate::finishDetachedPage(const HistoryPage &page)
{
    for (const ChatEvent &event : page.events)
        apply(event, false);
    const std::vector<ChatEvent> held = std::exchange(heldWhileDetached, {});
    if (page.hasNewer) {
        setAtNewest(false);
        return;
    }
    // The page reaches the newest: what came live meanwhile follows it, and so do our own
    // messages still on their way.
    setAtNewest(true);
    for (const ChatEvent &event : held)
        apply(event, true);
    restorePendingRows();
}

void ConversationPrivate::restorePendingRows()
{
    const bool live = hub->state == HubConnection::State::Live;
    for (const OutboxItem &item : hub->outboxOf(info.id))
        messages->addPending(item.clientId, hub->self, item.text,
                             live ? MessageModel::Delivery::Sending
                                  : MessageModel::Delivery::Queued);
}

void ConversationPrivate::load(bool reload)
{
    if (hub->api->token().isEmpty() || (loading && !reload))
        return;
    if (!reload && hasNewer)
        return; // an older page is shown on purpose (showAround)
    if (reload) {
        // The hub cannot replay what we missed: start over from its newest page. Live messages
        // that come meanwhile are placed by id; edits and deletes wait for the page.
        ++generation;
        loadingAround = false;
        loadingNewer = false;
        heldWhileDetached.clear();
        messages->clear();
        restorePendingRows();
        readSentUpTo = 0;
        setAtNewest(true);
    }
    loading = true;
    const quint64 call = generation;
    hub->api->fetchConversationPage(info.id, 0, Conversation::HistoryPageSize,
                                    [this, call](const ApiResult<HistoryPage> &result) {
                                        if (call != generation)
                                            return;
                                        loading = false;
                                        if (!result.ok()) {
                                            qCDebug(lcConversation)
                                                << info.id << "page failed:" << result.error.code;
                                            if (result.error.httpStatus == 401)
                                                hub->handleUnauthorized();
                                            heldWhileLoading.clear();
                                            return;
                                        }
                                        for (const ChatEvent &event : result.value->events)
                                            apply(event, false);
                                        hasMore = result.value->hasMore;
                                        loaded = true;
                                        const std::vector<ChatEvent> held
                                            = std::exchange(heldWhileLoading, {});
                                        for (const ChatEvent &event : held)
                                            apply(event, true);
                                        emit q->loaded();
                                    });
}

bool ConversationPrivate::apply(const ChatEvent &event, bool live)
{
    if (const auto *message = std::get_if<MessageEvent>(&event)) {
        if (live && (hasNewer || loadingAround || loadingNewer)) {
            // Not at the newest page: a live message would sit after a gap. It is shown when the
            // user goes back to the newest; it still counts as new (badges, notifications).
            if (loadingAround || loadingNewer)
                heldWhileDetached.push_back(event);
            if (message->from.id != hub->self.id)
                typing->clearTyping(message->from.id);
            const bool fresh
                = message->id > newestLiveSeen && !messages->containsSequence(message->id);
            newestLiveSeen = qMax(newestLiveSeen, message->id);
            return fresh;
        }
        const bool added = messages->addMessage(*message);
        if (live && message->from.id != hub->self.id)
            typing->clearTyping(message->from.id); // "Bo is typing…" ends with Bo's message
        return added;
    }
    if (const auto *presence = std::get_if<PresenceEvent>(&event))
        return messages->addNotice(*presence);
    if (const auto *typingEvent = std::get_if<TypingEvent>(&event)) {
        if (typingEvent->member.id != hub->self.id)
            typing->markTyping(typingEvent->member);
        return false;
    }
    if (const auto *edit = std::get_if<MessageEditedEvent>(&event)) {
        if (loading || loadingAround)
            heldWhileLoading.push_back(event);
        return messages->applyEdit(*edit);
    }
    if (const auto *deletion = std::get_if<MessageDeletedEvent>(&event)) {
        if (loading || loadingAround)
            heldWhileLoading.push_back(event);
        return messages->applyDelete(*deletion);
    }
    return false;
}

Conversation::Conversation(const ConversationInfo &info, HubConnectionPrivate *hub)
    : QObject(hub->q)
    , d(std::make_unique<ConversationPrivate>(this, info, hub))
{
    d->restorePendingRows();
}

Conversation::~Conversation() = default;

QString Conversation::id() const
{
    return d->info.id;
}

QString Conversation::kind() const
{
    return d->info.kind;
}

QString Conversation::title() const
{
    return d->info.title;
}

bool Conversation::isDirect() const
{
    return d->info.kind == QLatin1StringView(protocol::KindDm);
}

std::optional<Member> Conversation::with() const
{
    return d->info.with;
}

MessageModel *Conversation::messages() const
{
    return d->messages;
}

QString Conversation::send(const QString &text)
{
    if (text.trimmed().isEmpty() || d->hub->state == HubConnection::State::Idle
        || d->hub->outboxSizeOf(d->info.id) >= MaxOutboxItems)
        return {};
    if (!isAtNewest())
        showNewest(); // what is sent goes under the newest messages, so show them
    const QString clientId = d->hub->enqueue(d->info.id, text);
    d->messages->addPending(clientId, d->hub->self, text,
                            d->hub->state == HubConnection::State::Live
                                ? MessageModel::Delivery::Sending
                                : MessageModel::Delivery::Queued);
    emit outboxChanged(outboxSize());
    d->hub->flushOutbox();
    return clientId;
}

void Conversation::edit(qint64 messageId, const QString &text)
{
    const quint64 call = d->generation;
    d->hub->api->editMessage(
        d->info.id, messageId, text, [this, call](const ApiResult<PostedMessage> &result) {
            if (call != d->generation || result.ok())
                return; // the stream brings the edit to every client
            const QString why = d->hub->describe(result.error);
            emit actionFailed(QString::fromLatin1(HubConnection::ActionEdit), why);
            emit d->hub->q->actionFailed(QString::fromLatin1(HubConnection::ActionEdit), why);
        });
}

void Conversation::remove(qint64 messageId)
{
    const quint64 call = d->generation;
    d->hub->api->deleteMessage(
        d->info.id, messageId, [this, call](const ApiResult<PostedMessage> &result) {
            if (call != d->generation || result.ok())
                return;
            const QString why = d->hub->describe(result.error);
            emit actionFailed(QString::fromLatin1(HubConnection::ActionDelete), why);
            emit d->hub->q->actionFailed(QString::fromLatin1(HubConnection::ActionDelete), why);
        });
}

void Conversation::loadOlder()
{
    if (!canLoadOlder())
        return;
    d->loadingOlder = true;
    const quint64 call = d->generation;
    d->hub->api->fetchConversationPage(d->info.id, d->messages->oldestSequence(), HistoryPageSize,
                                       [this, call](const ApiResult<HistoryPage> &result) {
                                           if (call != d->generation)
                                               return;
                                           d->loadingOlder = false;
                                           if (!result.ok())
                                               return;
                                           d->messages->prependHistory(result.value->events);
                                           d->hasMore = result.value->hasMore;
                                       });
}

void Conversation::showAround(qint64 messageId)
{
    if (messageId <= 0 || d->hub->api->token().isEmpty())
        return;
    d->halt();
    d->messages->clear();
    d->loadingAround = true;
    d->setAtNewest(false);
    const quint64 call = d->generation;
    d->hub->api->fetchConversationPageAround(
        d->info.id, messageId, HistoryPageSize,
        [this, call, messageId](const ApiResult<HistoryPage> &result) {
            if (call != d->generation)
                return;
            d->loadingAround = false;
            if (!result.ok()) {
                const QString why = d->hub->describe(result.error);
                d->heldWhileLoading.clear();
                if (result.error.httpStatus == 401)
                    d->hub->handleUnauthorized();
                else
                    d->load(true); // back to the newest rather than an empty page
                emit aroundFailed(messageId, why);
                return;
            }
            d->hasMore = result.value->hasMore;
            d->loaded = true;
            d->finishDetachedPage(*result.value);
            const std::vector<ChatEvent> held = std::exchange(d->heldWhileLoading, {});
            for (const ChatEvent &event : held)
                d->apply(event, true);
            emit shownAround(messageId);
        });
}

void Conversation::showNewest()
{
    d->load(true);
}

bool Conversation::isAtNewest() const
{
    return !d->hasNewer;
}

void Conversation::loadNewer()
{
    if (!canLoadNewer())
        return;
    d->loadingNewer = true;
    const quint64 call = d->generation;
    d->hub->api->fetchConversationPageAfter(d->info.id, d->messages->newestSequence(),
                                            HistoryPageSize,
                                            [this, call](const ApiResult<HistoryPage> &result) {
                                                if (call != d->generation)
                                                    return;
                                                d->loadingNewer = false;
                                                if (!result.ok()) {
                                                    d->heldWhileDetached.clear();
                                                    return;
                                                }
                                                d->finishDetachedPage(*result.value);
                                            });
}

bool Conversation::canLoadNewer() const
{
    return d->hasNewer && !d->loadingNewer && !d->loadingAround && !d->loading
        && d->hub->state != HubConnection::State::Idle && d->messages->newestSequence() > 0;
}

bool Conversation::canLoadOlder() const
{
    return d->hasMore && !d->loadingOlder && !d->loading
        && d->hub->state != HubConnection::State::Idle && d->messages->oldestSequence() > 0;
}

void Conversation::markRead()
{
    if (!isAtNewest())
        return; // an older page is on screen: the newest messages have not been seen
    qint64 upTo = d->messages->newestSequence();
    if (const auto listed = d->hub->list->info(d->info.id)) {
        upTo = qMax(upTo, listed->lastEventId);
        // Read up to there already, and the badges agree: no call. (Badges at 0 alone say
        // nothing: messages in the conversation being looked at are not counted here, but the
        // hub counts them until it is told.)
        if (listed->unread == 0 && listed->mentions == 0 && upTo <= d->readSentUpTo)
            return;
    }
    if (upTo <= 0 || upTo <= d->readSentUpTo)
        return;
    d->readSentUpTo = upTo;
    d->hub->markRead(d->info.id, upTo);
}

void Conversation::sendTyping()
{
    if (d->hub->state != HubConnection::State::Live)
        return;
    if (d->lastTypingSent.isValid() && d->lastTypingSent.elapsed() < TypingIntervalMs)
        return;
    d->lastTypingSent.start();
    d->hub->api->sendConversationTyping(d->info.id, {});
}

QStringList Conversation::typingNames() const
{
    return d->typing->typingNames();
}

int Conversation::outboxSize() const
{
    return d->hub->outboxSizeOf(d->info.id);
}

bool Conversation::isLoaded() const
{
    return d->loaded;
}

} // namespace confab
