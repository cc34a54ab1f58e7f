#include "chatsession.h"

#include "backoff.h"
#include "hubapi.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "protocol.h"
#include "sessionstore.h"
#include "sseclient.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTimer>
#include <QUuid>

Q_LOGGING_CATEGORY(lcChatSession, "confab.chatsession")

namespace confab {

namespace {

constexpr int HistoryPageSize = 50;
constexpr int TypingIntervalMs = 2000; // the hub drops more than one per 2 s anyway
constexpr int MaxOutboxItems = 500; // past this, send() refuses: something is badly wrong
constexpr int MaxReauthenticationsInARow = 3;

} // namespace

class ChatSession::Private
{
public:
    explicit Private(ChatSession *session);

    void setState(State state, const QString &reason, int retryInMs = 0);
    void signIn();
    void onSignedIn(const SessionInfo &info);
    void loadHistoryThenStream();
    void startStream();
    void onStreamState(SseClient::State state, const QString &reason, int retryInMs);
    void onStreamOpened();
    void onStreamFailed(int httpStatus, const QString &reason);
    void onStreamEvent(const QString &type, const QString &data);
    void apply(const ChatEvent &event, bool live);
    void reloadHistory();
    void refreshMembers();
    void handleUnauthorized();
    void failWith(const ApiError &error);
    void retryLater(const QString &reason, void (Private::*step)());

    void restorePendingRows();
    void flushOutbox();
    void onPosted(const QString &clientId, const ApiResult<PostedMessage> &result);
    void removeFromOutbox(const QString &clientId);

    ChatSession *q;
    HubApi *api;
    SseClient *stream;
    MessageModel *messages;
    MemberModel *members;
    SessionStore store;
    Options options;
    QString roomId;
    QString roomTitle;
    Member self;
    State state = State::Idle;
    Failure failure = Failure::None;
    QString stateReason;

    QList<OutboxItem> outbox;
    bool posting = false;
    QTimer outboxRetry;
    Backoff outboxBackoff;

    QTimer stepRetry; // sign-in or history load that failed for want of a network
    Backoff stepBackoff;
    bool reloading = false; // a `reset` is being answered with fresh history
    std::vector<ChatEvent> heldDuringReload; // events that arrived meanwhile
    bool hasMore = false;
    bool loadingOlder = false;
    int reauthentications = 0;
    QElapsedTimer lastTypingSent;
    quint64 generation = 0; // bumped by stop(): answers to older calls are ignored
};

ChatSession::Private::Private(ChatSession *session)
    : q(session)
    , api(new HubApi(session))
    , stream(new SseClient(session))
    , messages(new MessageModel(session))
    , members(new MemberModel(session))
{
    stream->setHeartbeatIntervalMs(protocol::DefaultHeartbeatMs);
    stream->setDefaultRetryMs(protocol::DefaultRetryMs);
    outboxRetry.setSingleShot(true);
    stepRetry.setSingleShot(true);
    QObject::connect(&outboxRetry, &QTimer::timeout, q, [this] { flushOutbox(); });
    QObject::connect(stream, &SseClient::stateChanged, q,
                     [this](SseClient::State s, const QString &reason, int retryInMs) {
                         onStreamState(s, reason, retryInMs);
                     });
    QObject::connect(stream, &SseClient::opened, q, [this] { onStreamOpened(); });
    QObject::connect(stream, &SseClient::failed, q,
                     [this](int status, const QString &reason) { onStreamFailed(status, reason); });
    QObject::connect(stream, &SseClient::eventReceived, q,
                     [this](const QString &type, const QString &data, const QString &) {
                         onStreamEvent(type, data);
                     });
    QObject::connect(members, &MemberModel::typingNamesChanged, q, &ChatSession::typingChanged);
}

void ChatSession::Private::setState(State newState, const QString &reason, int retryInMs)
{
    if (newState == state && reason == stateReason)
        return;
    state = newState;
    stateReason = reason;
    if (newState != State::Failed)
        failure = Failure::None;
    else if (failure == Failure::None)
        failure = Failure::Other;
    qCDebug(lcChatSession) << "state" << newState << reason;
    emit q->stateChanged(newState, reason, retryInMs);
}

void ChatSession::Private::signIn()
{
    setState(State::SigningIn, ChatSession::tr("Signing in…"));
    const quint64 call = generation;
    api->setToken({});
    api->signIn(options.name, options.password, roomId,
                [this, call](const ApiResult<SessionInfo> &result) {
                    if (call != generation)
                        return;
                    if (result.ok()) {
                        onSignedIn(*result.value);
                    } else if (result.error.isTransient()) {
                        retryLater(result.error.message, &Private::signIn);
                    } else {
                        failWith(result.error);
                    }
                });
}

void ChatSession::Private::onSignedIn(const SessionInfo &info)
{
    stepBackoff.reset();
    self = info.member;
    store.saveSession({info.token, info.member, info.roomTitle, QString()});
    messages->setOwnMemberId(self.id);
    members->setSelfId(self.id);
    if (info.roomTitle != roomTitle) {
        roomTitle = info.roomTitle;
        emit q->roomTitleChanged(roomTitle);
    }
    loadHistoryThenStream();
}

void ChatSession::Private::loadHistoryThenStream()
{
    // With rows already shown (a re-sign-in), the stream's Last-Event-ID fills the gap by itself.
    if (messages->newestSequence() > 0) {
        startStream();
        return;
    }
    setState(State::Connecting, ChatSession::tr("Loading history…"));
    const quint64 call = generation;
    api->fetchHistory(roomId, 0, HistoryPageSize,
                      [this, call](const ApiResult<HistoryPage> &result) {
                          if (call != generation)
                              return;
                          if (!result.ok()) {
                              if (result.error.httpStatus == 401)
                                  handleUnauthorized();
                              else if (result.error.isTransient())
                                  retryLater(result.error.message, &Private::loadHistoryThenStream);
                              else
                                  failWith(result.error);
                              return;
                          }
                          for (const ChatEvent &event : result.value->events)
                              apply(event, false);
                          hasMore = result.value->hasMore;
                          startStream();
                      });
}

void ChatSession::Private::startStream()
{
    stream->stop();
    stream->setUrl(api->eventsUrl(roomId));
    stream->setRawHeader("Authorization", "Bearer " + api->token().toUtf8());
    // Resume right after the newest event shown: the hub replays what we missed, no more.
    stream->setLastEventId(QString::number(messages->newestSequence()));
    stream->start();
}

void ChatSession::Private::onStreamState(SseClient::State streamState, const QString &reason,
                                         int retryInMs)
{
    if (state == State::Idle || state == State::Failed || state == State::SigningIn)
        return;
    if (streamState == SseClient::State::Connecting) {
        if (retryInMs > 0) {
            setState(State::Reconnecting, reason, retryInMs);
            // Nothing can be sent now: say so on the rows that were trying.
            for (const OutboxItem &item : std::as_const(outbox))
                messages->setPendingDelivery(item.clientId, MessageModel::Delivery::Queued);
        } else if (state != State::Reconnecting) {
            setState(State::Connecting, reason);
        }
    }
}

void ChatSession::Private::onStreamOpened()
{
    reauthentications = 0;
    stepBackoff.reset();
    setState(State::Live, ChatSession::tr("Connected"));
    refreshMembers();
    outboxBackoff.reset();
    outboxRetry.stop();
    flushOutbox();
}

void ChatSession::Private::onStreamFailed(int httpStatus, const QString &reason)
{
    if (httpStatus == 401) {
        handleUnauthorized();
        return;
    }
    // The hub is busy or on its way down (503 too_many_connections / shutting_down): a browser's
    // EventSource would give up here, but a chat session waits and tries again.
    if (httpStatus == 429 || httpStatus >= 500) {
        retryLater(reason, &Private::startStream);
        return;
    }
    if (httpStatus == 404) {
        setState(State::Failed, ChatSession::tr("There is no room “%1” on this hub.").arg(roomId));
        return;
    }
    // With a pin, a failure without a status is most likely the pin's refusal, which says it all.
    setState(State::Failed,
             httpStatus == 0 && !options.pin
                 ? ChatSession::tr("This is not a Confab hub: %1").arg(reason)
                 : reason);
}

void ChatSession::Private::onStreamEvent(const QString &type, const QString &data)
{
    const auto event = fromWire(type, data);
    if (!event) {
        qCDebug(lcChatSession) << "ignoring event" << type;
        return;
    }
    if (reloading && eventSequence(*event) > 0) {
        heldDuringReload.push_back(*event);
        return;
    }
    apply(*event, true);
}

void ChatSession::Private::apply(const ChatEvent &event, bool live)
{
    if (const auto *message = std::get_if<MessageEvent>(&event)) {
        const bool own = message->from.id == self.id;
        const bool added = messages->addMessage(*message);
        if (own)
            removeFromOutbox(message->clientId);
        else if (live)
            members->clearTyping(message->from.id); // "Bo is typing…" ends with Bo's message
        if (added && live)
            emit q->messageArrived(*message, own);
    } else if (const auto *presence = std::get_if<PresenceEvent>(&event)) {
        messages->addNotice(*presence);
        if (live)
            members->applyPresence(*presence);
    } else if (const auto *typing = std::get_if<TypingEvent>(&event)) {
        if (typing->member.id != self.id)
            members->markTyping(typing->member);
    } else if (std::holds_alternative<ResetEvent>(event)) {
        reloadHistory();
    } else if (const auto *bye = std::get_if<ByeEvent>(&event)) {
        // Until the hub is back nobody is reachable: the member list says so, and the stream's
        // reconnection refreshes it from the hub.
        members->markAllOffline();
        emit q->hostLeft(bye->reason);
        setState(State::Reconnecting,
                 ChatSession::tr("The host has left. Waiting for it to come back…"));
    }
}

void ChatSession::Private::reloadHistory()
{
    // The hub cannot replay from where we were (another database, or too old): start over from
    // its newest page. Live events that come meanwhile wait, so that the order stays right.
    reloading = true;
    heldDuringReload.clear();
    messages->clear();
    restorePendingRows();
    const quint64 call = generation;
    api->fetchHistory(roomId, 0, HistoryPageSize,
                      [this, call](const ApiResult<HistoryPage> &result) {
                          if (call != generation)
                              return;
                          reloading = false;
                          if (result.ok()) {
                              for (const ChatEvent &event : result.value->events)
                                  apply(event, false);
                              hasMore = result.value->hasMore;
                          }
                          const std::vector<ChatEvent> held = std::exchange(heldDuringReload, {});
                          for (const ChatEvent &event : held)
                              apply(event, true);
                          if (!result.ok() && result.error.httpStatus == 401)
                              handleUnauthorized();
                      });
    refreshMembers();
}

void ChatSession::Private::refreshMembers()
{
    const quint64 call = generation;
    api->fetchMembers(roomId, [this, call](const ApiResult<std::vector<MemberInfo>> &result) {
        if (call != generation || !result.ok())
            return;
        std::vector<std::pair<Member, bool>> list;
        for (const MemberInfo &info : *result.value)
            list.emplace_back(info.member, info.online);
        members->setMembers(list);
    });
}

void ChatSession::Private::handleUnauthorized()
{
    // The saved token is gone on the hub (expired, or another database): sign in again with the
    // name and password. A hub that refuses every fresh token must not make us loop.
    stream->stop();
    store.forgetSession();
    if (++reauthentications > MaxReauthenticationsInARow) {
        setState(State::Failed, ChatSession::tr("The hub keeps refusing this session."));
        return;
    }
    qCInfo(lcChatSession) << "token refused; signing in again";
    signIn();
}

void ChatSession::Private::failWith(const ApiError &error)
{
    QString reason = error.message;
    Failure kind = Failure::Other;
    if (error.code == QLatin1StringView("wrong_password") && options.password.isEmpty()) {
        // The hub says "wrong" to an empty password too; for the user it is a missing one.
        kind = Failure::PasswordNeeded;
        reason = ChatSession::tr("This room is locked: it needs a password.");
    } else if (error.code == QLatin1StringView("wrong_password")) {
        kind = Failure::WrongPassword;
        reason = ChatSession::tr("Wrong password for this room.");
    } else if (error.code == QLatin1StringView("name_taken")) {
        kind = Failure::NameTaken;
        reason
            = ChatSession::tr("Someone in the room already uses the name “%1”.").arg(options.name);
    } else if (error.code == QLatin1StringView("bad_name"))
        reason = ChatSession::tr("Names are 1 to %1 characters.").arg(protocol::MaxNameChars);
    else if (error.code == QLatin1StringView("unknown_room"))
        reason = ChatSession::tr("There is no room “%1” on this hub.").arg(roomId);
    else if (reason.isEmpty())
        reason = ChatSession::tr("The hub answered %1.").arg(error.httpStatus);
    stream->stop();
    failure = kind;
    setState(State::Failed, reason);
}

void ChatSession::Private::retryLater(const QString &reason, void (Private::*step)())
{
    const int delay = stepBackoff.nextDelayMs(protocol::DefaultRetryMs);
    setState(State::Reconnecting, reason, delay);
    stepRetry.disconnect();
    QObject::connect(&stepRetry, &QTimer::timeout, q, [this, step] { (this->*step)(); });
    stepRetry.start(delay);
}

void ChatSession::Private::restorePendingRows()
{
    for (const OutboxItem &item : std::as_const(outbox))
        messages->addPending(item.clientId, self, item.text,
                             state == State::Live ? MessageModel::Delivery::Sending
                                                  : MessageModel::Delivery::Queued);
}

void ChatSession::Private::flushOutbox()
{
    if (posting || outbox.isEmpty() || state != State::Live)
        return;
    // One at a time, oldest first: the room sees them in the order they were written.
    const OutboxItem item = outbox.first();
    posting = true;
    messages->setPendingDelivery(item.clientId, MessageModel::Delivery::Sending);
    const quint64 call = generation;
    api->postMessage(
        roomId, item.text, item.clientId,
        [this, call, clientId = item.clientId](const ApiResult<PostedMessage> &result) {
            if (call != generation)
                return;
            posting = false;
            onPosted(clientId, result);
        });
}

void ChatSession::Private::onPosted(const QString &clientId, const ApiResult<PostedMessage> &result)
{
    if (result.ok()) {
        // The stream usually brought the event first; if not, the answer places the row.
        const OutboxItem *item = nullptr;
        for (const OutboxItem &candidate : std::as_const(outbox)) {
            if (candidate.clientId == clientId)
                item = &candidate;
        }
        if (item) {
            MessageEvent message {result.value->id, roomId,           self,
                                  item->text,       result.value->ts, clientId};
            messages->addMessage(message);
        }
        removeFromOutbox(clientId);
        outboxBackoff.reset();
        flushOutbox();
        return;
    }
    const ApiError &error = result.error;
    if (error.httpStatus == 401) {
        messages->setPendingDelivery(clientId, MessageModel::Delivery::Queued);
        handleUnauthorized();
        return;
    }
    if (error.isTransient()) {
        // Kept, with the same clientId: if the hub did store it, the retry gets the same answer.
        messages->setPendingDelivery(clientId, MessageModel::Delivery::Queued);
        const int delay = qMax(error.retryAfterSeconds * 1000, outboxBackoff.nextDelayMs(1000));
        qCDebug(lcChatSession) << "post failed:" << error.message << "retrying in" << delay << "ms";
        outboxRetry.start(delay);
        return;
    }
    qCWarning(lcChatSession) << "message refused:" << error.code << error.message;
    removeFromOutbox(clientId);
    messages->removePending(clientId);
    emit q->sendRejected(clientId, error.message);
    flushOutbox();
}

void ChatSession::Private::removeFromOutbox(const QString &clientId)
{
    if (clientId.isEmpty())
        return;
    const auto removed = outbox.removeIf(
        [&clientId](const OutboxItem &item) { return item.clientId == clientId; });
    if (removed == 0)
        return;
    store.saveOutbox(outbox);
    emit q->outboxChanged(int(outbox.size()));
}

ChatSession::ChatSession(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{ }

ChatSession::~ChatSession()
{
    // Quietly: whoever listens may already be half destroyed.
    ++d->generation;
    d->stream->disconnect(this);
    d->stream->stop();
    d->api->abortAll();
}

void ChatSession::start(const Options &options)
{
    halt();
    d->options = options;
    d->roomId
        = options.roomId.isEmpty() ? QString::fromLatin1(protocol::DefaultRoomId) : options.roomId;
    d->api->setBaseUrl(options.hubUrl);
    d->api->setPin(options.pin);
    d->stream->setPin(options.pin);
    d->store.open(options.storageDir, options.hubUrl, d->roomId, options.name);
    d->messages->clear();
    d->members->clear();
    d->hasMore = false;
    d->reauthentications = 0;

    d->outbox = d->store.loadOutbox();
    const auto saved = d->store.loadSession();
    d->self = saved ? saved->member : Member {QString(), options.name};
    d->messages->setOwnMemberId(d->self.id);
    d->members->setSelfId(d->self.id);
    d->restorePendingRows();
    emit outboxChanged(int(d->outbox.size()));
    if (saved) {
        // The saved token is tried first; a 401 on the stream leads back to signIn().
        d->api->setToken(saved->token);
        if (saved->roomTitle != d->roomTitle) {
            d->roomTitle = saved->roomTitle;
            emit roomTitleChanged(d->roomTitle);
        }
        d->setState(State::Connecting, tr("Connecting…"));
        d->loadHistoryThenStream();
    } else {
        d->signIn();
    }
}

void ChatSession::halt()
{
    ++d->generation;
    d->stepRetry.stop();
    d->outboxRetry.stop();
    d->posting = false;
    d->reloading = false;
    d->loadingOlder = false;
    d->stream->stop();
    d->api->abortAll();
}

bool ChatSession::stop(bool leaveRoom)
{
    halt();
    bool signingOut = false;
    if (leaveRoom && !d->api->token().isEmpty()) {
        // Best effort (the hub forgets idle tokens anyway), but it must get the chance to go
        // out: see signedOut().
        d->api->signOut([this](const ApiResult<HubApi::Nothing> &) { emit signedOut(); });
        d->store.forgetSession();
        signingOut = true;
    }
    d->setState(State::Idle, tr("Not connected"));
    return signingOut;
}

QString ChatSession::send(const QString &text)
{
    if (text.trimmed().isEmpty() || d->outbox.size() >= MaxOutboxItems || d->state == State::Idle)
        return {};
    OutboxItem item {QStringLiteral("c-") + QUuid::createUuid().toString(QUuid::WithoutBraces),
                     text, QDateTime::currentMSecsSinceEpoch(), QString()};
    // Saved before it goes out: after a crash it is sent again with the same clientId, and the hub
    // stores it once.
    d->outbox.append(item);
    d->store.saveOutbox(d->outbox);
    d->messages->addPending(item.clientId, d->self, text,
                            d->state == State::Live ? MessageModel::Delivery::Sending
                                                    : MessageModel::Delivery::Queued);
    emit outboxChanged(int(d->outbox.size()));
    d->flushOutbox();
    return item.clientId;
}

void ChatSession::sendTyping()
{
    if (d->state != State::Live)
        return;
    if (d->lastTypingSent.isValid() && d->lastTypingSent.elapsed() < TypingIntervalMs)
        return;
    d->lastTypingSent.start();
    d->api->sendTyping(d->roomId, {});
}

void ChatSession::loadOlder()
{
    if (!canLoadOlder())
        return;
    d->loadingOlder = true;
    const quint64 call = d->generation;
    d->api->fetchHistory(d->roomId, d->messages->oldestSequence(), HistoryPageSize,
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

bool ChatSession::canLoadOlder() const
{
    return d->hasMore && !d->loadingOlder && d->state != State::Idle
        && d->messages->oldestSequence() > 0;
}

ChatSession::State ChatSession::state() const
{
    return d->state;
}

ChatSession::Failure ChatSession::failure() const
{
    return d->failure;
}

QString ChatSession::stateReason() const
{
    return d->stateReason;
}

Member ChatSession::self() const
{
    return d->self;
}

QUrl ChatSession::hubUrl() const
{
    return d->options.hubUrl;
}

QString ChatSession::roomId() const
{
    return d->roomId;
}

QString ChatSession::roomTitle() const
{
    return d->roomTitle;
}

int ChatSession::outboxSize() const
{
    return int(d->outbox.size());
}

MessageModel *ChatSession::messages() const
{
    return d->messages;
}

MemberModel *ChatSession::members() const
{
    return d->members;
}

} // namespace confab
