#pragma once
// Conversations and who is in them: channels (the hub's v1 rooms among them) and direct
// messages, joining and leaving (stored history events, and conversation_added / _removed to the
// member alone), who may read what, presence (online while a stream is open, offline after a
// grace period) and typing (throttled per member and conversation). Publishes through the bus
// only.

#include "outcome.h"
#include "store/chatstore.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace confab {

class EventBus;

class ConversationService : public QObject
{
    Q_OBJECT
public:
    struct Room
    {
        QString id;
        QString title;
    };

    ConversationService(ChatStore &store, EventBus &bus, int offlineGraceMs, int typingIntervalMs,
                        QObject *parent = nullptr);
    ~ConversationService() override;

    struct Conversation
    {
        QString id;
        QString kind; // protocol::KindChannel or protocol::KindDm
        QString title;
        QString topic;
        std::set<QString> members;
        bool isDm() const;
    };
    // What a member may do with a conversation (docs/protocol.md, API v2 "Access").
    enum class Access { Member, NotAMember, Hidden };

    // A member's name by id (the identity service knows them), for a DM's `with`. Set once by the
    // composition root; without it a DM's title is empty.
    using NameLookup = std::function<QString(const QString &memberId)>;
    void setNameLookup(NameLookup lookup) { m_nameOf = std::move(lookup); }

    // One conversation as `viewer` sees it (GET /api/v2/conversations, conversation_added):
    // a DM is titled with the other member's name. `unread` is ChatStore::unreadFor(viewer).
    ConversationInfo describe(const Member &viewer, const Conversation &conversation,
                              const QHash<QString, ChatStore::Unread> &unread) const;

    // The conversations and memberships from the store (after it opened).
    void load();
    void addRoom(const QString &id, const QString &title);
    const Room *findRoom(const QString &id) const;
    std::vector<Room> rooms() const;

    // Store and publish a `join` / `leave` of a channel, and tell the member's own streams
    // (conversation_added / conversation_removed). join() is false when the store refused.
    bool join(const Member &member, const QString &room, qint64 ts);
    void leave(const Member &member, const QString &room, qint64 ts);
    // Closes every stream of the member (their session ended).
    void closeStreamsOf(const QString &memberId);

    const Conversation *findConversation(const QString &id) const;
    // Hidden: no such conversation, or a DM the member is not in (its existence does not leak).
    Access access(const QString &memberId, const QString &conversation) const;
    const std::set<QString> *membersOf(const QString &conversation) const;
    std::vector<const Conversation *> conversationsOf(const QString &memberId) const;
    std::vector<const Conversation *> channels() const;
    // A new channel (`id` empty: derived from the title) that the creator joins.
    Outcome<const Conversation *> createChannel(const Member &creator, QString id,
                                                const QString &title, const QString &topic);
    // The one DM between two members; `*created` tells whether it is new (then both members'
    // streams get conversation_added, each with its own title).
    Outcome<const Conversation *> openDm(const QString &memberId, const QString &otherId,
                                         bool *created);

    // A stream of the member opened (subscribed to `room`; empty for an API v2 member stream) /
    // closed. The first stream of a member makes them online (hub-wide, on every member stream,
    // and in a v1 room), the last one offline after the grace period.
    void streamOpened(const Member &member, const QString &room);
    void streamClosed(const QString &memberId);
    bool isOnline(const QString &memberId) const;
    // Online, or with a stream open (the offline event may still be waiting for its grace).
    bool isPresent(const QString &memberId) const;
    bool hasEverStreamed(const QString &memberId) const;

    // Moves the member's read mark (never back) and tells their other devices.
    bool markRead(const QString &memberId, const QString &conversation, qint64 upTo);

    // Publishes a `typing` event unless the member sent one for this conversation less than the
    // interval ago.
    void typing(const Member &member, const QString &room);

    // Tells listeners (the LAN beacon, the window) that membership or online counts changed.
    void notifyChanged() { emit roomsChanged(); }
    // While stopping, closing streams make nobody offline.
    void stop() { m_stopped = true; }

signals:
    void roomsChanged();
    // The member's last stream closed and the grace passed, or their session ended (calls end).
    void memberGone(const QString &memberId);

private:
    struct Presence
    {
        Member member;
        QString room;
        int streams = 0;
        bool online = false;
        bool everStreamed = false;
        qint64 lastTypingMs = 0;
        QString lastTypingIn; // the conversation of lastTypingMs
        std::unique_ptr<QTimer> offlineTimer;
    };

    ChatStore &m_store;
    EventBus &m_bus;
    int m_offlineGraceMs;
    int m_typingIntervalMs;
    QElapsedTimer m_monotonic;
    bool m_stopped = false;
    std::map<QString, Room> m_rooms; // API v1's rooms: the channels named in the settings
    std::map<QString, Conversation> m_conversations;
    std::map<QString, std::set<QString>> m_conversationsOf; // member id → conversation ids
    std::map<QString, Presence> m_presence; // by member id
    NameLookup m_nameOf;

    // Online/offline: hub-wide to every member stream, and to the v1 room of a room stream.
    void publishPresence(const Member &member, const QString &room, bool online);
};

} // namespace confab
