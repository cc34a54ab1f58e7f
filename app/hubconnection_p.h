#pragma once
// HubConnection's and Conversation's insides (not part of the API): the connection owns the token,
// the stream, the outbox and the list; each conversation owns its timeline and asks the connection
// to post, page and mark read.

#include "backoff.h"
#include "conversation.h"
#include "hubapi.h"
#include "hubconnection.h"
#include "sessionstore.h"

#include <QElapsedTimer>
#include <QTimer>
#include <map>
#include <vector>

namespace confab {

class CallTracker;
class ConversationListModel;
class MemberModel;
class SseClient;

class ConversationPrivate
{
public:
    ConversationPrivate(Conversation *conversation, const ConversationInfo &info,
                        HubConnectionPrivate *hub);

    // The newest page (first load, or a reload after `reset`: then the rows start over).
    void load(bool reload);
    // An event of this conversation from the stream (live) or a page (not live).
    // Returns whether it added or changed something (a message shown for the first time).
    bool apply(const ChatEvent &event, bool live);
    void setInfo(const ConversationInfo &info);
    void restorePendingRows();
    void halt(); // stop: answers to calls in flight are ignored

    Conversation *q;
    HubConnectionPrivate *hub;
    ConversationInfo info;
    MessageModel *messages;
    MemberModel *typing; // who is typing here (a private model: only the names are exposed)
    bool loaded = false;
    bool loading = false;
    bool hasMore = false;
    bool loadingOlder = false;
    // Showing a page around an older message (a search hit): newer events exist that are not
    // loaded. Live messages are then not shown (they would leave a gap); see showAround().
    bool hasNewer = false;
    bool loadingAround = false;
    bool loadingNewer = false;
    qint64 newestLiveSeen = 0; // the newest live message id seen while not at the newest
    std::vector<ChatEvent> heldWhileDetached; // live messages that came while a page was asked
    void setAtNewest(bool atNewest);
    // After a page around/after an id: newer events exist (or, if not, we are back at the newest).
    void finishDetachedPage(const HistoryPage &page);
    // Edits and deletes that came while a page was on its way (they may be about its messages).
    std::vector<ChatEvent> heldWhileLoading;
    QElapsedTimer lastTypingSent;
    qint64 readSentUpTo = 0;
    quint64 generation = 0;
};

class HubConnectionPrivate
{
public:
    explicit HubConnectionPrivate(HubConnection *connection);

    using State = HubConnection::State;
    using Failure = HubConnection::Failure;

    void setState(State state, const QString &reason, int retryInMs = 0);
    void signIn();
    void onSignedIn(const HubSession &session);
    void loadConversationsThenStream();
    void applyList(const std::vector<ConversationInfo> &list);
    void refreshList();
    void scheduleListRefresh();
    void refreshMembers();
    void refreshConversationMembers();
    // A join, leave, online or offline for the conversation members' list.
    void applyToConversationMembers(const PresenceEvent &presence);
    void refreshCalls(); // GET /api/v2/calls: a call ringing since before the stream opened
    void startStream();
    void onStreamState(int streamState, const QString &reason, int retryInMs);
    void onStreamOpened();
    void onStreamFailed(int httpStatus, const QString &reason);
    void onStreamEvent(const QString &type, const QString &data);
    void onConversationAdded(const ConversationInfo &info);
    void onConversationRemoved(const QString &conversationId);
    void apply(const ChatEvent &event);
    void onReset();
    void handleUnauthorized();
    void failWith(const ApiError &error);
    void retryLater(const QString &reason, void (HubConnectionPrivate::*step)());
    void halt();

    Conversation *conversationFor(const QString &conversationId, bool create);
    void ensureLoaded(Conversation *conversation); // its newest page, once
    Conversation *added(const ConversationInfo &info); // list and object, after join/DM
    void syncOnline(); // DMs' online marks from the member list
    bool memberOnline(const QString &memberId) const;

    // Outbox: one list for the hub, each item naming its conversation; posted one at a time,
    // oldest first, so that each conversation sees its messages in the order written.
    QString enqueue(const QString &conversationId, const QString &text);
    void flushOutbox();
    void onPosted(const OutboxItem &item, const ApiResult<PostedMessage> &result);
    void removeFromOutbox(const QString &clientId);
    int outboxSizeOf(const QString &conversationId) const;
    QList<OutboxItem> outboxOf(const QString &conversationId) const;

    void markRead(const QString &conversationId, qint64 upTo);
    // A readable, translated sentence for a refused action.
    QString describe(const ApiError &error) const;
    void report(const char *what, const ApiError &error);

    HubConnection *q;
    HubApi *api;
    SseClient *stream;
    ConversationListModel *list;
    MemberModel *members;
    MemberModel *conversationMembers;
    QString membersConversation; // whose members conversationMembers lists
    quint64 membersCall = 0; // the newest member fetch; older answers are dropped
    bool membersFetching = false;
    // Joins and leaves that came while the fetch was out: its answer may be older than them.
    std::vector<PresenceEvent> membersWhileFetching;
    CallTracker *calls;
    SessionStore store;
    HubConnection::Options options;
    Member self;
    State state = State::Idle;
    Failure failure = Failure::None;
    QString stateReason;

    std::map<QString, Conversation *> conversations;
    QString active;

    QList<OutboxItem> outbox;
    bool posting = false;
    QTimer outboxRetry;
    Backoff outboxBackoff;

    QTimer stepRetry;
    Backoff stepBackoff;
    QTimer listRefresh; // coalesces refreshes asked for by several events at once
    QTimer activeRead; // coalesces read marks of the conversation being looked at
    bool listLoadedForThisConnect = false;
    QString hubInstance; // the hub data our ids come from (sent on the stream: see startStream)
    qint64 lastSeenId = 0; // newest event id taken from the stream: older ones are duplicates
    int reauthentications = 0;
    quint64 generation = 0; // bumped by stop(): answers to older calls are ignored
};

} // namespace confab
