#pragma once
// The room's events as typed values, and their one and only JSON / SSE serialisation.
// The hub builds these and frames them (toWire + sseFrame); clients parse them (fromWire).

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>
#include <variant>

namespace confab {

struct Member
{
    QString id;
    QString name;

    QJsonObject toJson() const;
    static std::optional<Member> fromJson(const QJsonObject &object);
    friend bool operator==(const Member &a, const Member &b)
    {
        return a.id == b.id && a.name == b.name;
    }
};

struct MessageEvent
{
    qint64 id = 0; // the room's sequence number (the SSE id)
    QString room;
    Member from;
    QString text;
    qint64 ts = 0; // milliseconds since the Unix epoch, UTC, set by the hub
    QString clientId;
    qint64 editedTs = 0; // API v2: when its author last edited it (0: never)
    bool deleted = false; // API v2: its author deleted it (text is then empty)
    // API v2, files: the attachment a finished upload posted ({"id", "name", "size", "type",
    // "sha256", "width"?, "height"?, "thumbnail"}, docs/protocol.md "Files"); empty: none.
    QJsonObject file = {};
};

// API v2: a message's author changed its text. A history event of its own (it has an id).
struct MessageEditedEvent
{
    qint64 id = 0; // this event's sequence number
    QString conversation;
    qint64 messageId = 0;
    Member by;
    QString text;
    qint64 ts = 0;
};

// API v2: a message's author deleted it.
struct MessageDeletedEvent
{
    qint64 id = 0;
    QString conversation;
    qint64 messageId = 0;
    Member by;
    qint64 ts = 0;
};

enum class PresenceState { Join, Leave, Online, Offline };

struct PresenceEvent
{
    PresenceState state = PresenceState::Join;
    Member member;
    QString room;
    qint64 id = 0; // sequence number for join/leave (history); 0 for online/offline (ephemeral)
    qint64 ts = 0;

    bool isHistory() const { return state == PresenceState::Join || state == PresenceState::Leave; }
};

struct TypingEvent
{
    Member member;
    QString room;
};

// The hub cannot replay from the client's Last-Event-ID: reload history instead.
struct ResetEvent
{
    QString room;
    qint64 lastId = 0; // the room's newest sequence number at the time of the reset
    QString reason;
};

// API v2, to one member's own streams: they read a conversation up to an id (on some device).
struct ReadEvent
{
    QString conversation;
    qint64 upTo = 0;
};

// API v2: one conversation as a member sees it (GET /api/v2/conversations lists these; the
// `conversation_added` event carries one). Its JSON is written and read in restapi.cpp.
struct ConversationInfo
{
    QString id;
    QString kind; // protocol::KindChannel or protocol::KindDm
    QString title; // a DM's: the other member's name
    qint64 lastEventId = 0;
    int unread = 0;
    int mentions = 0;
    std::optional<Member> with; // a DM's other member

    QJsonObject toJson() const;
    static std::optional<ConversationInfo> fromJson(const QJsonObject &object);
};

// API v2, to one member's own streams (ephemeral): they joined a channel or a DM was opened with
// them. Clients add the conversation to their list.
struct ConversationAddedEvent
{
    ConversationInfo conversation;
};

// API v2, to one member's own streams (ephemeral): they left a channel.
struct ConversationRemovedEvent
{
    QString conversation;
};

// The hub is shutting down.
struct ByeEvent
{
    QString reason;
};

using ChatEvent = std::variant<MessageEvent, PresenceEvent, TypingEvent, ResetEvent, ByeEvent,
                               ReadEvent, MessageEditedEvent, MessageDeletedEvent,
                               ConversationAddedEvent, ConversationRemovedEvent>;

// An event as it travels: SSE `event:` name, one line of compact JSON for `data:`, optional id.
struct WireEvent
{
    QByteArray type;
    QByteArray data;
    qint64 id = 0; // 0: no `id:` field (ephemeral event)
};

QString presenceStateName(PresenceState state);
std::optional<PresenceState> presenceStateFromName(QStringView name);

QJsonObject messageToJson(const MessageEvent &message);
// The same as compact JSON bytes, written directly (the stream's and replay's fast path).
QByteArray messageToCompactJson(const MessageEvent &message);
std::optional<MessageEvent> messageFromJson(const QJsonObject &object);

// An event as a JSON value: its SSE `event:` name and its `data:` object (history pages carry
// events in this shape, so the stream and a page are written and read by the same code).
struct JsonEvent
{
    QByteArray type;
    QJsonObject data;
    qint64 id = 0; // 0: ephemeral
};
JsonEvent toJsonEvent(const ChatEvent &event);
// nullopt when the type is unknown or the data is malformed.
std::optional<ChatEvent> fromJsonEvent(QStringView type, const QJsonObject &data);

WireEvent toWire(const ChatEvent &event);
// Parses one dispatched SSE event; nullopt when the type is unknown or the data is malformed.
std::optional<ChatEvent> fromWire(QStringView type, QStringView data);

// Sequence number carried by the event, 0 for ephemeral events.
qint64 eventSequence(const ChatEvent &event);

} // namespace confab
