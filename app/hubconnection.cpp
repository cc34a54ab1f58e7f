#include "hubconnection.h"

#include "calls.h"

#include "conversationlistmodel.h"
#include "hubconnection_p.h"
#include "membermodel.h"
#include "mentions.h"
#include "messagemodel.h"
#include "protocol.h"
#include "sseclient.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QUuid>

Q_LOGGING_CATEGORY(lcHubConnection, "confab.hubconnection")

namespace confab {

namespace {

constexpr int MaxReauthenticationsInARow = 3;
// Several events asking for a fresh list within this span cost one GET.
constexpr int ListRefreshDelayMs = 150;
// Messages arriving in the conversation being looked at are marked read in one call per span.
constexpr int ActiveReadDelayMs = 300;

QString conversationOf(const ChatEvent &event)
{
    if (const auto *message = std::get_if<MessageEvent>(&event))
        return message->room;
    if (const auto *presence = std::get_if<PresenceEvent>(&event))
        return presence->room;
    if (const auto *typing = std::get_if<TypingEvent>(&event))
        return typing->room;
    if (const auto *edit = std::get_if<MessageEditedEvent>(&event))
        return edit->conversation;
    if (const auto *deletion = std::get_if<MessageDeletedEvent>(&event))
        return deletion->conversation;
    if (const auto *read = std::get_if<ReadEvent>(&event))
        return read->conversation;
    return {};
}

} // namespace

HubConnectionPrivate::HubConnectionPrivate(HubConnection *connection)
    : q(connection)
    , api(new HubApi(connection))
    , stream(new SseClient(connection))
    , list(new ConversationListModel(connection))
    , members(new MemberModel(connection))
    , conversationMembers(new MemberModel(connection))
    , calls(new CallTracker(connection))
{
    stream->setHeartbeatIntervalMs(protocol::DefaultHeartbeatMs);
    stream->setDefaultRetryMs(protocol::DefaultRetryMs);
    outboxRetry.setSingleShot(true);
    stepRetry.setSingleShot(true);
    listRefresh.setSingleShot(true);
    listRefresh.setInterval(ListRefreshDelayMs);
    activeRead.setSingleShot(true);
    activeRead.setInterval(ActiveReadDelayMs);
    QObject::connect(&outboxRetry, &QTimer::timeout, q, [this] { flushOutbox(); });
    QObject::connect(&listRefresh, &QTimer::timeout, q, [this] { refreshList(); });
    QObject::connect(&activeRead, &QTimer::timeout, q, [this] {
        if (Conversation *conversation = conversationFor(active, false))
            conversation->markRead();
    });
    QObject::connect(stream, &SseClient::stateChanged, q,
                     [this](SseClient::State s, const QString &reason, int retryInMs) {
                         onStreamState(int(s), reason, retryInMs);
                     });
    QObject::connect(stream, &SseClient::opened, q, [this] { onStreamOpened(); });
    QObject::connect(stream, &SseClient::failed, q,
                     [this](int status, const QString &reason) { onStreamFailed(status, reason); });
    QObject::connect(stream, &SseClient::eventReceived, q,
                     [this](const QString &type, const QString &data, const QString &) {
                         onStreamEvent(type, data);
                     });
}

void HubConnectionPrivate::setState(State newState, const QString &reason, int retryInMs)
{
    if (newState == state && reason == stateReason)
        return;
    const bool wasLive = state == State::Live;
    state = newState;
    stateReason = reason;
    if (newState != State::Failed)
        failure = Failure::None;
    else if (failure == Failure::None)
        failure = Failure::Other;
    qCDebug(lcHubConnection) << "state" << newState << reason;
    if (wasLive && newState != State::Live) {
        // Nothing can be sent now: say so on the rows that were trying.
        for (const OutboxItem &item : std::as_const(outbox)) {
            if (Conversation *conversation = conversationFor(item.conversation, false))
                conversation->messages()->setPendingDelivery(item.clientId,
                                                             MessageModel::Delivery::Queued);
        }
    }
    emit q->stateChanged(newState, reason, retryInMs);
}

void HubConnectionPrivate::signIn()
{
    setState(State::SigningIn, HubConnection::tr("Signing in…"));
    const quint64 call = generation;
    api->setToken({});
    api->signInToHub(options.name, options.password,
                     [this, call](const ApiResult<HubSession> &result) {
                         if (call != generation)
                             return;
                         if (result.ok())
                             onSignedIn(*result.value);
                         else if (result.error.isTransient())
                             retryLater(result.error.message, &HubConnectionPrivate::signIn);
                         else
                             failWith(result.error);
                     });
}

void HubConnectionPrivate::onSignedIn(const HubSession &session)
{
    stepBackoff.reset();
    self = session.member;
    hubInstance = session.hubInstance;
    store.saveSession({session.token, session.member, QString(), session.hubInstance});
    members->setSelfId(self.id);
    conversationMembers->setSelfId(self.id);
    calls->setSelfId(self.id);
    for (const auto &[id, conversation] : conversations) {
        conversation->messages()->setOwnMemberId(self.id);
        conversation->messages()->setOwnName(self.name);
    }
    loadConversationsThenStream();
}

void HubConnectionPrivate::loadConversationsThenStream()
{
    if (state != State::Reconnecting)
        setState(State::Connecting, HubConnection::tr("Loading conversations…"));
    const quint64 call = generation;
    api->fetchConversations([this, call](const ApiResult<std::vector<ConversationInfo>> &result) {
        if (call != generation)
            return;
        if (!result.ok()) {
            if (result.error.httpStatus == 401)
                handleUnauthorized();
            else if (result.error.isTransient())
                retryLater(result.error.message,
                           &HubConnectionPrivate::loadConversationsThenStream);
            else
                failWith(result.error);
            return;
        }
        applyList(*result.value);
        listLoadedForThisConnect = true;
        startStream();
    });
}

void HubConnectionPrivate::applyList(const std::vector<ConversationInfo> &fresh)
{
    list->setConversations(fresh);
    for (const ConversationInfo &info : fresh) {
        if (Conversation *conversation = conversationFor(info.id, false))
            conversation->d->setInfo(info);
    }
    syncOnline();
    // The conversation being looked at stays read, whatever the list said a moment ago (it may
    // have been counted before our read mark reached the hub): tell the hub again.
    if (!active.isEmpty() && state == State::Live) {
        list->setBadges(active, 0, 0);
        activeRead.start();
    }
    emit q->conversationsLoaded();
}

void HubConnectionPrivate::refreshList()
{
    if (api->token().isEmpty() || state == State::Idle || state == State::Failed)
        return;
    const quint64 call = generation;
    api->fetchConversations([this, call](const ApiResult<std::vector<ConversationInfo>> &result) {
        if (call != generation)
            return;
        if (result.ok())
            applyList(*result.value);
        else if (result.error.httpStatus == 401)
            handleUnauthorized();
    });
}

void HubConnectionPrivate::scheduleListRefresh()
{
    if (!listRefresh.isActive())
        listRefresh.start();
}

void HubConnectionPrivate::refreshMembers()
{
    const quint64 call = generation;
    api->fetchHubMembers([this, call](const ApiResult<std::vector<MemberInfo>> &result) {
        if (call != generation || !result.ok())
            return; // a hub without GET /api/v2/members: presence events fill the model
        std::vector<std::pair<Member, bool>> all;
        for (const MemberInfo &info : *result.value)
            all.emplace_back(info.member, info.online);
        members->setMembers(all);
        syncOnline();
    });
}

void HubConnectionPrivate::refreshConversationMembers()
{
    const quint64 call = ++membersCall;
    membersWhileFetching.clear();
    if (membersConversation.isEmpty() || api->token().isEmpty()) {
        membersFetching = false;
        conversationMembers->clear();
        return;
    }
    membersFetching = true;
    const QString cid = membersConversation;
    api->fetchConversationMembers(
        cid, [this, call, cid](const ApiResult<std::vector<MemberInfo>> &result) {
            if (call != membersCall || cid != membersConversation)
                return;
            membersFetching = false;
            const auto pending = std::exchange(membersWhileFetching, {});
            if (!result.ok()) {
                // Not (or no longer) a member: nobody to show. Otherwise (the hub is away) the
                // list stays as it was; the reconnection asks again.
                if (result.error.httpStatus == 403 || result.error.httpStatus == 404)
                    conversationMembers->clear();
                return;
            }
            std::vector<std::pair<Member, bool>> listed;
            for (const MemberInfo &info : *result.value)
                listed.emplace_back(info.member, info.online);
            conversationMembers->setMembers(listed);
            for (const PresenceEvent &presence : pending)
                applyToConversationMembers(presence);
        });
}

void HubConnectionPrivate::applyToConversationMembers(const PresenceEvent &presence)
{
    switch (presence.state) {
    case PresenceState::Join:
        if (presence.room != membersConversation)
            return;
        if (membersFetching)
            membersWhileFetching.push_back(presence);
        conversationMembers->addMember(presence.member, memberOnline(presence.member.id));
        return;
    case PresenceState::Leave:
        if (presence.room != membersConversation)
            return;
        if (membersFetching)
            membersWhileFetching.push_back(presence);
        conversationMembers->removeMember(presence.member.id);
        return;
    case PresenceState::Online:
    case PresenceState::Offline:
        conversationMembers->setOnline(presence.member.id, presence.state == PresenceState::Online);
        return;
    }
}

bool HubConnectionPrivate::memberOnline(const QString &memberId) const
{
    for (int row = 0; row < members->rowCount(); ++row) {
        const QModelIndex index = members->index(row);
        if (index.data(MemberModel::MemberIdRole).toString() == memberId)
            return index.data(MemberModel::OnlineRole).toBool();
    }
    return false;
}

void HubConnectionPrivate::syncOnline()
{
    for (const ConversationInfo &info : list->all()) {
        if (info.with)
            list->setOnline(info.with->id, memberOnline(info.with->id));
    }
}

void HubConnectionPrivate::startStream()
{
    stream->stop();
    QUrl url = api->memberEventsUrl();
    // Our ids are this hub's: a hub with other data (same address) answers `reset`, not a
    // replay of its own events that happen to have the same numbers.
    if (!hubInstance.isEmpty())
        url.setQuery(QStringLiteral("hubInstance=")
                     + QString::fromLatin1(QUrl::toPercentEncoding(hubInstance)));
    stream->setUrl(url);
    stream->setRawHeader("Authorization", "Bearer " + api->token().toUtf8());
    // Resume right after the newest event we know of: the hub replays what we missed, no more.
    // Before the first event, that is the newest event of the member's conversations.
    qint64 resumeFrom = lastSeenId;
    if (resumeFrom == 0) {
        for (const ConversationInfo &info : list->all())
            resumeFrom = qMax(resumeFrom, info.lastEventId);
    }
    stream->setLastEventId(resumeFrom > 0 ? QString::number(resumeFrom) : QString());
    stream->start();
}

void HubConnectionPrivate::onStreamState(int streamState, const QString &reason, int retryInMs)
{
    if (state == State::Idle || state == State::Failed || state == State::SigningIn)
        return;
    if (SseClient::State(streamState) == SseClient::State::Connecting) {
        listLoadedForThisConnect = false;
        if (retryInMs > 0)
            setState(State::Reconnecting, reason, retryInMs);
        else if (state != State::Reconnecting)
            setState(State::Connecting, reason);
    }
}

void HubConnectionPrivate::onStreamOpened()
{
    reauthentications = 0;
    stepBackoff.reset();
    setState(State::Live, HubConnection::tr("Connected"));
    // Every (re)connect: the list may have changed while we were away (joins on another device,
    // new DMs) without an event reaching us.
    if (!std::exchange(listLoadedForThisConnect, false))
        refreshList();
    refreshMembers();
    refreshConversationMembers();
    refreshCalls();
    for (const OutboxItem &item : std::as_const(outbox)) {
        if (Conversation *conversation = conversationFor(item.conversation, false))
            conversation->messages()->setPendingDelivery(item.clientId,
                                                         MessageModel::Delivery::Sending);
    }
    outboxBackoff.reset();
    outboxRetry.stop();
    flushOutbox();
}

void HubConnectionPrivate::refreshCalls()
{
    // A call that began ringing before this stream opened (the window just started, or its
    // stream came back without a replay) has no call_ringing on it: the hub's list has it.
    const quint64 call = generation;
    api->fetchCalls([this, call](const ApiResult<std::vector<CallInfo>> &result) {
        if (call != generation)
            return;
        if (result.ok())
            calls->applyList(*result.value);
        else
            qCDebug(lcHubConnection) << "no call list:" << result.error.message;
    });
}

void HubConnectionPrivate::onStreamFailed(int httpStatus, const QString &reason)
{
    if (httpStatus == 401) {
        handleUnauthorized();
        return;
    }
    // Busy or on its way down: a chat client waits and tries again.
    if (httpStatus == 429 || httpStatus >= 500) {
        retryLater(reason, &HubConnectionPrivate::startStream);
        return;
    }
    if (httpStatus == 404) {
        setState(State::Failed,
                 HubConnection::tr("This hub does not speak API v2 (it is an older Confab)."));
        return;
    }
    setState(State::Failed,
             httpStatus == 0 && !options.pin
                 ? HubConnection::tr("This is not a Confab hub: %1").arg(reason)
                 : reason);
}

void HubConnectionPrivate::onConversationAdded(const ConversationInfo &info)
{
    list->upsert(info);
    if (Conversation *conversation = conversationFor(info.id, false))
        conversation->d->setInfo(list->info(info.id).value_or(info));
    syncOnline();
}

void HubConnectionPrivate::onConversationRemoved(const QString &conversationId)
{
    if (list->rowOf(conversationId) < 0)
        return;
    list->remove(conversationId);
    if (active == conversationId)
        active.clear();
    emit q->conversationLeft(conversationId);
}

void HubConnectionPrivate::onStreamEvent(const QString &type, const QString &data)
{
    if (CallTracker::isCallEvent(type)) {
        // Addressed to this member alone and never part of a conversation's history; ids from
        // the same hub-wide sequence as every other event.
        const QJsonObject object = QJsonDocument::fromJson(data.toUtf8()).object();
        const qint64 id = qint64(object.value(QLatin1StringView("id")).toDouble());
        if (id > 0) {
            if (id <= lastSeenId)
                return;
            lastSeenId = id;
        }
        calls->apply(type, object);
        return;
    }
    const auto event = fromWire(type, data);
    if (!event) {
        qCDebug(lcHubConnection) << "ignoring event" << type;
        return;
    }
    // Ids are one hub-wide sequence, strictly increasing on the stream: an id not above the
    // newest seen is one we already have (a replay overlapping what arrived before a break).
    const qint64 id = eventSequence(*event);
    if (id > 0) {
        if (id <= lastSeenId)
            return;
        lastSeenId = id;
    }
    apply(*event);
}

void HubConnectionPrivate::apply(const ChatEvent &event)
{
    if (const auto *reset = std::get_if<ResetEvent>(&event)) {
        // The hub cannot replay from where we were: its newest id is where we go on from.
        lastSeenId = reset->lastId;
        onReset();
        return;
    }
    if (const auto *bye = std::get_if<ByeEvent>(&event)) {
        // Until the hub is back nobody is reachable; the reconnection refreshes the members.
        members->markAllOffline();
        conversationMembers->markAllOffline();
        syncOnline();
        emit q->hostLeft(bye->reason);
        setState(State::Reconnecting,
                 HubConnection::tr("The host has left. Waiting for it to come back…"));
        return;
    }
    if (const auto *added = std::get_if<ConversationAddedEvent>(&event)) {
        onConversationAdded(added->conversation);
        return;
    }
    if (const auto *removed = std::get_if<ConversationRemovedEvent>(&event)) {
        onConversationRemoved(removed->conversation);
        return;
    }
    const QString cid = conversationOf(event);
    if (const auto *presence = std::get_if<PresenceEvent>(&event);
        presence && !presence->isHistory()) {
        // Hub-wide online / offline: the members panel and the DMs' dots.
        members->applyPresence(*presence);
        applyToConversationMembers(*presence);
        list->setOnline(presence->member.id, presence->state == PresenceState::Online);
        return;
    }
    if (const auto *presence = std::get_if<PresenceEvent>(&event))
        applyToConversationMembers(*presence); // a join or leave, which the page shows too
    if (cid.isEmpty())
        return;
    if (list->rowOf(cid) < 0)
        scheduleListRefresh(); // a conversation we did not know of (joined elsewhere, a new DM)
    Conversation *conversation = conversationFor(cid, true);

    if (const auto *read = std::get_if<ReadEvent>(&event)) {
        // Read on another device (or this one): the badges follow. When not everything is read,
        // only the hub knows how many are left.
        const auto listed = list->info(cid);
        if (listed && read->upTo >= listed->lastEventId)
            list->setBadges(cid, 0, 0);
        else
            scheduleListRefresh();
        conversation->d->readSentUpTo = qMax(conversation->d->readSentUpTo, read->upTo);
        return;
    }
    if (const auto *typing = std::get_if<TypingEvent>(&event)) {
        if (typing->member.id != self.id) {
            members->markTyping(typing->member);
            if (cid == membersConversation)
                conversationMembers->markTyping(typing->member);
        }
        conversation->d->apply(event, true);
        return;
    }
    const bool changed = conversation->d->apply(event, true);
    const qint64 id = eventSequence(event);
    if (const auto *message = std::get_if<MessageEvent>(&event)) {
        const bool own = message->from.id == self.id;
        if (own)
            removeFromOutbox(message->clientId);
        else
            members->clearTyping(message->from.id);
        if (!own && cid == membersConversation)
            conversationMembers->clearTyping(message->from.id);
        if (!changed) {
            list->noteEvent(cid, id);
            return;
        }
        const bool mentionsMe = !own && mentionsName(message->text, self.name);
        const bool looking = cid == active && state == State::Live;
        list->noteMessage(cid, id, !own && !looking, mentionsMe);
        if (looking && !own)
            activeRead.start();
        if (const QString summary = callSummaryText(message->call); !summary.isEmpty()) {
            // A call's summary: notifications show it in the user's language, as the timeline.
            MessageEvent localized = *message;
            localized.text = summary;
            emit q->messageArrived(cid, localized, own, mentionsMe);
            return;
        }
        emit q->messageArrived(cid, *message, own, mentionsMe);
        return;
    }
    list->noteEvent(cid, id);
}

void HubConnectionPrivate::onReset()
{
    refreshList();
    refreshConversationMembers();
    for (const auto &[id, conversation] : conversations) {
        if (conversation->d->loaded || conversation->d->loading)
            conversation->d->load(true);
    }
}

void HubConnectionPrivate::handleUnauthorized()
{
    // The saved token is gone on the hub (expired, or another database): sign in again with the
    // name and password. A hub that refuses every fresh token must not make us loop.
    stream->stop();
    store.forgetSession();
    if (++reauthentications > MaxReauthenticationsInARow) {
        setState(State::Failed, HubConnection::tr("The hub keeps refusing this session."));
        return;
    }
    qCInfo(lcHubConnection) << "token refused; signing in again";
    signIn();
}

void HubConnectionPrivate::failWith(const ApiError &error)
{
    QString reason = error.message;
    Failure kind = Failure::Other;
    if (error.code == QLatin1StringView(protocol::error::WrongPassword)
        && options.password.isEmpty()) {
        kind = Failure::PasswordNeeded;
        reason = HubConnection::tr("This hub is locked: it needs a password.");
    } else if (error.code == QLatin1StringView(protocol::error::WrongPassword)) {
        kind = Failure::WrongPassword;
        reason = HubConnection::tr("Wrong password for this hub.");
    } else if (error.code == QLatin1StringView(protocol::error::NameTaken)) {
        kind = Failure::NameTaken;
        reason = HubConnection::tr("Someone on this hub already uses the name “%1”.")
                     .arg(options.name);
    } else if (error.code == QLatin1StringView(protocol::error::BadName)) {
        reason = HubConnection::tr("Names are 1 to %1 characters.").arg(protocol::MaxNameChars);
    } else if (error.httpStatus == 404) {
        reason = HubConnection::tr("This hub does not speak API v2 (it is an older Confab).");
    } else if (reason.isEmpty()) {
        reason = HubConnection::tr("The hub answered %1.").arg(error.httpStatus);
    }
    stream->stop();
    failure = kind;
    setState(State::Failed, reason);
}

void HubConnectionPrivate::retryLater(const QString &reason, void (HubConnectionPrivate::*step)())
{
    const int delay = stepBackoff.nextDelayMs(protocol::DefaultRetryMs);
    setState(State::Reconnecting, reason, delay);
    stepRetry.disconnect();
    QObject::connect(&stepRetry, &QTimer::timeout, q, [this, step] { (this->*step)(); });
    stepRetry.start(delay);
}

void HubConnectionPrivate::halt()
{
    ++generation;
    stepRetry.stop();
    outboxRetry.stop();
    listRefresh.stop();
    activeRead.stop();
    ++membersCall; // an answer still out is for a connection that is gone
    membersFetching = false;
    posting = false;
    stream->stop();
    api->abortAll();
    calls->clear(); // nothing rings in a window that is not connected
    for (const auto &[id, conversation] : conversations)
        conversation->d->halt();
}

Conversation *HubConnectionPrivate::conversationFor(const QString &conversationId, bool create)
{
    if (conversationId.isEmpty())
        return nullptr;
    if (const auto found = conversations.find(conversationId); found != conversations.end())
        return found->second;
    if (!create)
        return nullptr;
    ConversationInfo info;
    if (const auto listed = list->info(conversationId)) {
        info = *listed;
    } else {
        // Not listed yet (an event ahead of the list, or an outbox from the last run): the list
        // refresh fills in the title.
        info.id = conversationId;
        info.kind = QString::fromLatin1(conversationId.startsWith(QLatin1StringView("dm:"))
                                            ? protocol::KindDm
                                            : protocol::KindChannel);
        info.title = conversationId;
    }
    auto *conversation = new Conversation(info, this);
    conversations.emplace(conversationId, conversation);
    return conversation;
}

void HubConnectionPrivate::ensureLoaded(Conversation *conversation)
{
    if (!conversation->d->loaded && !conversation->d->loading)
        conversation->d->load(false);
}

Conversation *HubConnectionPrivate::added(const ConversationInfo &info)
{
    list->upsert(info);
    syncOnline();
    Conversation *conversation = conversationFor(info.id, true);
    conversation->d->setInfo(list->info(info.id).value_or(info));
    return conversation;
}

QString HubConnectionPrivate::enqueue(const QString &conversationId, const QString &text)
{
    OutboxItem item {QStringLiteral("c-") + QUuid::createUuid().toString(QUuid::WithoutBraces),
                     text, QDateTime::currentMSecsSinceEpoch(), conversationId};
    // Saved before it goes out: after a crash it is sent again with the same clientId, and the hub
    // stores it once.
    outbox.append(item);
    store.saveOutbox(outbox);
    emit q->outboxChanged(int(outbox.size()));
    return item.clientId;
}

void HubConnectionPrivate::flushOutbox()
{
    if (posting || outbox.isEmpty() || state != State::Live)
        return;
    const OutboxItem item = outbox.first();
    posting = true;
    if (Conversation *conversation = conversationFor(item.conversation, false))
        conversation->messages()->setPendingDelivery(item.clientId,
                                                     MessageModel::Delivery::Sending);
    const quint64 call = generation;
    api->postToConversation(item.conversation, item.text, item.clientId,
                            [this, call, item](const ApiResult<PostedMessage> &result) {
                                if (call != generation)
                                    return;
                                posting = false;
                                onPosted(item, result);
                            });
}

void HubConnectionPrivate::onPosted(const OutboxItem &item, const ApiResult<PostedMessage> &result)
{
    Conversation *conversation = conversationFor(item.conversation, false);
    if (result.ok()) {
        // The stream usually brought the event first; if not, the answer places the row.
        const bool waiting = std::any_of(outbox.cbegin(), outbox.cend(), [&](const OutboxItem &o) {
            return o.clientId == item.clientId;
        });
        if (conversation && waiting) {
            MessageEvent message {result.value->id, item.conversation, self,
                                  item.text,        result.value->ts,  item.clientId};
            conversation->messages()->addMessage(message);
        }
        removeFromOutbox(item.clientId);
        outboxBackoff.reset();
        flushOutbox();
        return;
    }
    const ApiError &error = result.error;
    if (error.httpStatus == 401) {
        if (conversation)
            conversation->messages()->setPendingDelivery(item.clientId,
                                                         MessageModel::Delivery::Queued);
        handleUnauthorized();
        return;
    }
    if (error.isTransient()) {
        // Kept, with the same clientId: if the hub did store it, the retry gets the same answer.
        if (conversation)
            conversation->messages()->setPendingDelivery(item.clientId,
                                                         MessageModel::Delivery::Queued);
        const int delay = qMax(error.retryAfterSeconds * 1000, outboxBackoff.nextDelayMs(1000));
        qCDebug(lcHubConnection) << "post failed:" << error.message << "retrying in" << delay;
        outboxRetry.start(delay);
        return;
    }
    qCWarning(lcHubConnection) << "message refused:" << error.code << error.message;
    removeFromOutbox(item.clientId);
    const QString why = describe(error);
    if (conversation) {
        conversation->messages()->removePending(item.clientId);
        emit conversation->sendRejected(item.clientId, why);
    }
    emit q->sendRejected(item.conversation, item.clientId, why);
    flushOutbox();
}

void HubConnectionPrivate::removeFromOutbox(const QString &clientId)
{
    if (clientId.isEmpty())
        return;
    QString conversationId;
    const auto removed = outbox.removeIf([&](const OutboxItem &item) {
        if (item.clientId != clientId)
            return false;
        conversationId = item.conversation;
        return true;
    });
    if (removed == 0)
        return;
    store.saveOutbox(outbox);
    if (Conversation *conversation = conversationFor(conversationId, false))
        emit conversation->outboxChanged(outboxSizeOf(conversationId));
    emit q->outboxChanged(int(outbox.size()));
}

int HubConnectionPrivate::outboxSizeOf(const QString &conversationId) const
{
    return int(std::count_if(outbox.cbegin(), outbox.cend(), [&](const OutboxItem &item) {
        return item.conversation == conversationId;
    }));
}

QList<OutboxItem> HubConnectionPrivate::outboxOf(const QString &conversationId) const
{
    QList<OutboxItem> items;
    for (const OutboxItem &item : outbox) {
        if (item.conversation == conversationId)
            items.append(item);
    }
    return items;
}

void HubConnectionPrivate::markRead(const QString &conversationId, qint64 upTo)
{
    list->setBadges(conversationId, 0, 0);
    const quint64 call = generation;
    api->markRead(conversationId, upTo,
                  [this, call, conversationId](const ApiResult<HubApi::Nothing> &result) {
                      if (call != generation || result.ok())
                          return;
                      qCDebug(lcHubConnection) << "read mark refused:" << result.error.code;
                      scheduleListRefresh(); // the badges as the hub counts them
                  });
}

QString HubConnectionPrivate::describe(const ApiError &error) const
{
    namespace e = protocol::error;
    const QString &code = error.code;
    if (code == QLatin1StringView(e::ChannelTaken))
        return HubConnection::tr("A channel with that name exists already.");
    if (code == QLatin1StringView(e::BadChannel))
        return HubConnection::tr("Channel names are 1 to 32 letters, digits, “-” or “_”; titles at "
                                 "most %1 characters.")
            .arg(protocol::MaxTitleChars);
    if (code == QLatin1StringView(e::UnknownMember))
        return HubConnection::tr("That member is not on this hub.");
    if (code == QLatin1StringView(e::DmWithSelf))
        return HubConnection::tr("You cannot send direct messages to yourself.");
    if (code == QLatin1StringView(e::NotAMember))
        return HubConnection::tr("You are not in this channel.");
    if (code == QLatin1StringView(e::UnknownConversation))
        return HubConnection::tr("There is no such conversation.");
    if (code == QLatin1StringView(e::NotAuthor))
        return HubConnection::tr("Only its author can change a message.");
    if (code == QLatin1StringView(e::UnknownMessage))
        return HubConnection::tr("That message does not exist (or was deleted).");
    // The hub's own sentence names its limit (a setting of that hub).
    if (code == QLatin1StringView(e::TextTooLong) && !error.message.isEmpty())
        return error.message;
    if (code == QLatin1StringView(e::TextTooLong))
        return HubConnection::tr("The message is too long for this hub.");
    if (code == QLatin1StringView(e::RateLimited))
        return HubConnection::tr("Too many messages at once; try again in a moment.");
    if (error.isNetwork())
        return HubConnection::tr("The hub cannot be reached: %1").arg(error.message);
    return error.message.isEmpty() ? HubConnection::tr("The hub answered %1.").arg(error.httpStatus)
                                   : error.message;
}

void HubConnectionPrivate::report(const char *what, const ApiError &error)
{
    if (error.httpStatus == 401) {
        handleUnauthorized();
        return;
    }
    emit q->actionFailed(QString::fromLatin1(what), describe(error));
}

// ---- HubConnection ------------------------------------------------------------------------

HubConnection::HubConnection(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<HubConnectionPrivate>(this))
{ }

HubConnection::~HubConnection()
{
    // Quietly: whoever listens may already be half destroyed.
    ++d->generation;
    d->stream->disconnect(this);
    d->stream->stop();
    d->api->abortAll();
}

void HubConnection::start(const Options &options)
{
    d->halt();
    d->options = options;
    d->api->setBaseUrl(options.hubUrl);
    d->api->setPin(options.pin);
    d->stream->setPin(options.pin);
    d->store.openHub(options.storageDir, options.hubUrl, options.name);
    d->list->clear();
    d->members->clear();
    d->membersConversation.clear();
    d->refreshConversationMembers(); // empties it
    for (const auto &[id, conversation] : std::exchange(d->conversations, {}))
        delete conversation;
    d->lastSeenId = 0;
    d->reauthentications = 0;
    d->listLoadedForThisConnect = false;

    d->outbox = d->store.loadOutbox();
    // Items without a conversation would have nowhere to go (a file from something else).
    d->outbox.removeIf([](const OutboxItem &item) { return item.conversation.isEmpty(); });
    const auto saved = d->store.loadSession();
    d->self = saved ? saved->member : Member {QString(), options.name};
    d->hubInstance = saved ? saved->hubInstance : QString();
    d->members->setSelfId(d->self.id);
    d->conversationMembers->setSelfId(d->self.id);
    d->calls->setSelfId(d->self.id);
    // Pending rows of the last run show at once, in their conversations, before any answer.
    for (const OutboxItem &item : std::as_const(d->outbox))
        d->conversationFor(item.conversation, true);
    emit outboxChanged(int(d->outbox.size()));
    if (saved) {
        // The saved token is tried first; a 401 leads back to signIn().
        d->api->setToken(saved->token);
        d->setState(State::Connecting, tr("Connecting…"));
        d->loadConversationsThenStream();
    } else {
        d->signIn();
    }
}

bool HubConnection::stop(bool signOut)
{
    d->halt();
    bool signingOut = false;
    if (signOut && !d->api->token().isEmpty()) {
        // Best effort, but it must get the chance to go out: see signedOut().
        d->api->signOutOfHub([this](const ApiResult<HubApi::Nothing> &) { emit signedOut(); });
        d->store.forgetSession();
        signingOut = true;
    }
    d->setState(State::Idle, tr("Not connected"));
    return signingOut;
}

HubConnection::State HubConnection::state() const
{
    return d->state;
}

HubConnection::Failure HubConnection::failure() const
{
    return d->failure;
}

QString HubConnection::stateReason() const
{
    return d->stateReason;
}

Member HubConnection::self() const
{
    return d->self;
}

QUrl HubConnection::hubUrl() const
{
    return d->options.hubUrl;
}

int HubConnection::outboxSize() const
{
    return int(d->outbox.size());
}

ConversationListModel *HubConnection::conversations() const
{
    return d->list;
}

MemberModel *HubConnection::members() const
{
    return d->members;
}

MemberModel *HubConnection::conversationMembers() const
{
    return d->conversationMembers;
}

void HubConnection::setMembersConversation(const QString &conversationId)
{
    if (conversationId == d->membersConversation)
        return;
    d->membersConversation = conversationId;
    // Someone else's list must not show under this conversation's title while the answer is out.
    d->conversationMembers->clear();
    if (d->state == State::Live || conversationId.isEmpty())
        d->refreshConversationMembers();
}

QString HubConnection::membersConversation() const
{
    return d->membersConversation;
}

Conversation *HubConnection::conversation(const QString &conversationId)
{
    if (d->list->rowOf(conversationId) < 0 && !d->conversations.count(conversationId))
        return nullptr;
    Conversation *conversation = d->conversationFor(conversationId, true);
    d->ensureLoaded(conversation);
    return conversation;
}

void HubConnection::setActiveConversation(const QString &conversationId)
{
    // What arrived while the user was looking was read, even if they look away at once.
    if (d->activeRead.isActive() && d->active != conversationId) {
        d->activeRead.stop();
        if (Conversation *previous = d->conversationFor(d->active, false))
            previous->markRead();
    }
    d->active = conversationId;
    if (Conversation *current = conversation(conversationId); current && d->state == State::Live)
        current->markRead();
}

QString HubConnection::activeConversation() const
{
    return d->active;
}

QString HubConnection::storageDir() const
{
    return d->options.storageDir;
}

HubApi *HubConnection::api() const
{
    return d->api;
}

CallTracker *HubConnection::calls() const
{
    return d->calls;
}

void HubConnection::createChannel(const QString &title, const QString &topic)
{
    const quint64 call = d->generation;
    d->api->createChannel(ChannelRequest {QString(), title, topic},
                          [this, call](const ApiResult<ChannelInfo> &result) {
                              if (call != d->generation)
                                  return;
                              if (!result.ok()) {
                                  d->report(ActionCreate, result.error);
                                  return;
                              }
                              d->added({result.value->id,
                                        QString::fromLatin1(protocol::KindChannel),
                                        result.value->title, 0, 0, 0, std::nullopt});
                              emit conversationOpened(result.value->id, true);
                          });
}

void HubConnection::joinChannel(const QString &channelId)
{
    const quint64 call = d->generation;
    d->api->joinChannel(channelId, [this, call](const ApiResult<ChannelInfo> &result) {
        if (call != d->generation)
            return;
        if (!result.ok()) {
            d->report(ActionJoin, result.error);
            return;
        }
        d->added({result.value->id, QString::fromLatin1(protocol::KindChannel), result.value->title,
                  0, 0, 0, std::nullopt});
        d->scheduleListRefresh(); // its last event id and badges, as the hub counts them
        emit conversationOpened(result.value->id, false);
    });
}

void HubConnection::joinOrCreateChannel(const QString &channelId)
{
    const quint64 call = d->generation;
    d->api->joinChannel(channelId, [this, call, channelId](const ApiResult<ChannelInfo> &result) {
        if (call != d->generation)
            return;
        if (result.ok()) {
            d->added({result.value->id, QString::fromLatin1(protocol::KindChannel),
                      result.value->title, 0, 0, 0, std::nullopt});
            d->scheduleListRefresh();
            emit conversationOpened(result.value->id, false);
            return;
        }
        if (result.error.httpStatus != 404) {
            d->report(ActionJoin, result.error);
            return;
        }
        // No such channel: make it, with the name asked for as both its id and its title.
        d->api->createChannel(ChannelRequest {channelId, channelId, QString()},
                              [this, call](const ApiResult<ChannelInfo> &created) {
                                  if (call != d->generation)
                                      return;
                                  if (!created.ok()) {
                                      d->report(ActionCreate, created.error);
                                      return;
                                  }
                                  d->added({created.value->id,
                                            QString::fromLatin1(protocol::KindChannel),
                                            created.value->title, 0, 0, 0, std::nullopt});
                                  emit conversationOpened(created.value->id, true);
                              });
    });
}

void HubConnection::leaveChannel(const QString &channelId)
{
    const quint64 call = d->generation;
    d->api->leaveChannel(channelId,
                         [this, call, channelId](const ApiResult<HubApi::Nothing> &result) {
                             if (call != d->generation)
                                 return;
                             if (!result.ok()) {
                                 d->report(ActionLeave, result.error);
                                 return;
                             }
                             // The `conversation_removed` event may have come first: once.
                             d->onConversationRemoved(channelId);
                         });
}

void HubConnection::openDirectMessage(const QString &memberId)
{
    const quint64 call = d->generation;
    d->api->openDirectMessage(memberId, [this, call](const ApiResult<ConversationInfo> &result) {
        if (call != d->generation)
            return;
        if (!result.ok()) {
            d->report(ActionDirectMessage, result.error);
            return;
        }
        d->added(*result.value);
        emit conversationOpened(result.value->id, false);
    });
}

void HubConnection::openDirectMessageByName(const QString &name)
{
    const auto findId = [this](const QString &wanted) {
        for (int row = 0; row < d->members->rowCount(); ++row) {
            const QModelIndex index = d->members->index(row);
            if (index.data(MemberModel::NameRole).toString().compare(wanted, Qt::CaseInsensitive)
                == 0)
                return index.data(MemberModel::MemberIdRole).toString();
        }
        return QString();
    };
    if (const QString id = findId(name.trimmed()); !id.isEmpty()) {
        openDirectMessage(id);
        return;
    }
    // Not known here yet: ask the hub for its members first.
    const quint64 call = d->generation;
    d->api->fetchHubMembers(
        [this, call, name, findId](const ApiResult<std::vector<MemberInfo>> &result) {
            if (call != d->generation)
                return;
            if (!result.ok()) {
                d->report(ActionDirectMessage, result.error);
                return;
            }
            std::vector<std::pair<Member, bool>> all;
            for (const MemberInfo &info : *result.value)
                all.emplace_back(info.member, info.online);
            d->members->setMembers(all);
            d->syncOnline();
            if (const QString id = findId(name.trimmed()); !id.isEmpty()) {
                openDirectMessage(id);
                return;
            }
            emit actionFailed(QString::fromLatin1(ActionDirectMessage),
                              tr("Nobody called “%1” is on this hub.").arg(name.trimmed()));
        });
}

void HubConnection::fetchChannelDirectory(std::function<void(std::vector<ChannelInfo>)> done)
{
    const quint64 call = d->generation;
    d->api->fetchChannels(
        [this, call, done = std::move(done)](const ApiResult<std::vector<ChannelInfo>> &result) {
            if (call != d->generation)
                return;
            if (!result.ok()) {
                d->report(ActionDirectory, result.error);
                return;
            }
            done(*result.value);
        });
}

} // namespace confab
