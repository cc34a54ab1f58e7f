#pragma once
// One member's connection to one hub over API v2 (docs/protocol.md, "API v2: conversations"):
// one sign-in, one token (kept on disk per hub and name, as SessionStore does), one event stream
// (GET /api/v2/events) resumed with Last-Event-ID and retried with backoff. Its events are split by
// their `conversation` field into Conversation objects; the conversation list (with unread and
// mention badges) and the hub's members are models.
//
// The list is reloaded from the hub on every (re)connect, on `reset`, and on any event naming a
// conversation it does not know, so a client never depends on an optional event arriving.

#include "chatevent.h"
#include "pinnedtls.h"
#include "restapi.h"

#include <QObject>
#include <QUrl>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace confab {

class CallTracker;
class Conversation;
class ConversationListModel;
class HubConnectionPrivate;
class HubApi;
class MemberModel;

class HubConnection : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Idle, // not started, or stopped
        SigningIn, // POST /api/v2/session in flight
        Connecting, // loading the conversation list, opening the event stream
        Live, // stream open: events arrive as they happen
        Reconnecting, // link lost; retrying after a delay (see stateChanged's retryInMs)
        Failed, // cannot continue without the user (bad password, name taken, not a hub)
    };
    Q_ENUM(State)

    enum class Failure {
        None,
        PasswordNeeded, // the hub has a password, and none was given
        WrongPassword,
        NameTaken,
        Other,
    };
    Q_ENUM(Failure)

    struct Options
    {
        QUrl hubUrl; // e.g. http://192.168.1.20:8848/
        QString name;
        QString password; // empty when the hub is open
        QString storageDir; // token and outboxes live here; empty: the app-data location
        std::optional<TlsPin> pin; // set: https:// and exactly this hub certificate
    };

    explicit HubConnection(QObject *parent = nullptr);
    ~HubConnection() override;

    void start(const Options &options);
    // signOut: also end the session on the hub (DELETE /api/v2/session, which leaves every
    // channel). Returns true when that request is on its way: keep this object alive until
    // signedOut().
    bool stop(bool signOut = false);

    State state() const;
    Failure failure() const; // None unless state() is Failed
    QString stateReason() const; // human-readable, translated
    Member self() const;
    QUrl hubUrl() const;
    QString storageDir() const; // Options::storageDir (empty: the app-data location)
    int outboxSize() const; // messages of every conversation not yet acknowledged by the hub

    ConversationListModel *conversations() const; // the member's channels and DMs, with badges
    MemberModel *members() const; // hub-wide members with online state (for "Message…")
    // The members of one conversation (the one the window shows; set with
    // setMembersConversation): fetched from the hub, then kept current by the stream's join,
    // leave, online, offline and typing events. Empty while none is set.
    MemberModel *conversationMembers() const;
    void setMembersConversation(const QString &conversationId);
    QString membersConversation() const;
    // Owned here. Created on demand for a cid in the list (or with a saved outbox); nullptr for
    // an unknown one.
    Conversation *conversation(const QString &conversationId);
    // The conversation whose messages the user is looking at: its new messages are not counted
    // as unread, and it is marked read as they arrive. Empty: none.
    void setActiveConversation(const QString &conversationId);
    QString activeConversation() const;
    // The REST client (for calls this class does not wrap).
    HubApi *api() const;
    // Calls of this member (docs/protocol.md, "Calls"): what rings here, what ended.
    CallTracker *calls() const;

    // Actions. Answers arrive as signals or through the models; errors as actionFailed.
    void createChannel(const QString &title, const QString &topic); // and joins it
    void joinChannel(const QString &channelId);
    void leaveChannel(const QString &channelId);
    void openDirectMessage(const QString &memberId);
    // By name (case-insensitive) among the hub's members; refreshes the member list first when
    // the name is not known.
    void openDirectMessageByName(const QString &name);
    // `/join NAME` in the terminal: join the channel, or, when there is none with that id, create
    // it (conversationOpened's `created` says which).
    void joinOrCreateChannel(const QString &channelId);
    void fetchChannelDirectory(std::function<void(std::vector<ChannelInfo>)> done);

    // "Action" names of actionFailed (for callers that branch on them).
    static constexpr char ActionCreate[] = "create";
    static constexpr char ActionJoin[] = "join";
    static constexpr char ActionLeave[] = "leave";
    static constexpr char ActionDirectMessage[] = "dm";
    static constexpr char ActionEdit[] = "edit";
    static constexpr char ActionDelete[] = "delete";
    static constexpr char ActionDirectory[] = "directory";

signals:
    void stateChanged(confab::HubConnection::State state, const QString &reason, int retryInMs);
    // After create/join/openDirectMessage succeeded (created: a new channel was made).
    void conversationOpened(const QString &conversationId, bool created);
    void conversationLeft(const QString &conversationId);
    // The conversation list was (re)loaded from the hub.
    void conversationsLoaded();
    void actionFailed(const QString &what, const QString &reason);
    // Live messages (not history), in any conversation.
    void messageArrived(const QString &conversationId, const confab::MessageEvent &message,
                        bool own, bool mentionsMe);
    void hostLeft(const QString &reason); // the hub said `bye`; the connection keeps retrying
    void signedOut();
    void outboxChanged(int size); // the total over every conversation
    // The hub refused a message for good (also emitted by its Conversation).
    void sendRejected(const QString &conversationId, const QString &clientId,
                      const QString &reason);

private:
    friend class HubConnectionPrivate;
    std::unique_ptr<HubConnectionPrivate> d;
};

} // namespace confab
