#pragma once
// The REST bodies of the hub's HTTP API (docs/protocol.md, "Routes") as typed values, each with
// its one JSON writer and reader. The hub writes answers and reads requests with these; HubApi
// writes requests and reads answers with the same functions, so the two ends cannot drift apart.
// Readers return nullopt for a body that is not the shape asked for.

#include "chatevent.h"

#include <QJsonObject>
#include <QString>

#include <optional>
#include <vector>

namespace confab {

// POST /api/v1/session
struct SessionRequest
{
    QString name;
    std::optional<QString> password; // only when the hub has one
    std::optional<QString> room; // absent: the hub's default room

    QJsonObject toJson() const;
    static std::optional<SessionRequest> fromJson(const QJsonObject &object);
};

struct SessionInfo
{
    QString token;
    Member member;
    QString roomId;
    QString roomTitle;

    QJsonObject toJson() const;
    static std::optional<SessionInfo> fromJson(const QJsonObject &object);
};

// POST /api/v1/rooms/{room}/messages
struct MessageRequest
{
    QString text;
    QString clientId; // empty: none sent (no deduplication)

    QJsonObject toJson() const;
    static std::optional<MessageRequest> fromJson(const QJsonObject &object);
};

struct PostedMessage
{
    qint64 id = 0;
    qint64 ts = 0;

    QJsonObject toJson() const;
    static std::optional<PostedMessage> fromJson(const QJsonObject &object);
};

// GET /api/v1/rooms/{room}/messages
struct HistoryPage
{
    std::vector<ChatEvent> events; // oldest first
    bool hasMore = false;
    bool hasNewer = false; // API v2 pages `around` / `after` an id: newer events exist

    QJsonObject toJson() const;
    // Events of unknown types are skipped (a newer hub may send more kinds).
    static std::optional<HistoryPage> fromJson(const QJsonObject &object);
};

// GET /api/v1/rooms/{room}/members, and API v2's member directory GET /api/v2/members (every
// member with a live session, hub-wide, sorted by name): `{"members": [{"id", "name", "online"}]}`.
struct MemberInfo
{
    Member member;
    bool online = false;
};
QJsonObject memberListToJson(const std::vector<MemberInfo> &members);
std::optional<std::vector<MemberInfo>> memberListFromJson(const QJsonObject &object);

// GET /api/v1/rooms
struct RoomInfo
{
    QString id;
    QString title;
    int members = 0;
    int online = 0;
    bool locked = false;
};
QJsonObject roomListToJson(const std::vector<RoomInfo> &rooms);
std::optional<std::vector<RoomInfo>> roomListFromJson(const QJsonObject &object);

// ---- API v2 -------------------------------------------------------------------------------

// POST /api/v2/session answers (the request is SessionRequest without `room`).
struct HubSession
{
    QString token;
    Member member;
    // Names the hub's data; a client sends it back as `?hubInstance=` on its stream, so that a
    // Last-Event-ID from another hub's data gets `reset` (empty: an older hub, none sent).
    QString hubInstance;

    QJsonObject toJson() const;
    static std::optional<HubSession> fromJson(const QJsonObject &object);
};

// POST /api/v2/channels
struct ChannelRequest
{
    QString id; // empty: derived from the title
    QString title;
    QString topic;

    QJsonObject toJson() const;
    static std::optional<ChannelRequest> fromJson(const QJsonObject &object);
};

// GET /api/v2/channels (and the answer to POST, one of them)
struct ChannelInfo
{
    QString id;
    QString title;
    QString topic;
    int members = 0;

    QJsonObject toJson() const;
    static std::optional<ChannelInfo> fromJson(const QJsonObject &object);
};
QJsonObject channelListToJson(const std::vector<ChannelInfo> &channels);
std::optional<std::vector<ChannelInfo>> channelListFromJson(const QJsonObject &object);

// POST /api/v2/dms
struct DmRequest
{
    QString member; // the other member's id

    QJsonObject toJson() const;
    static std::optional<DmRequest> fromJson(const QJsonObject &object);
};

// GET /api/v2/conversations (and the answer to POST /api/v2/dms, one of them): ConversationInfo,
// declared in chatevent.h because the `conversation_added` event carries one.
QJsonObject conversationListToJson(const std::vector<ConversationInfo> &conversations);
std::optional<std::vector<ConversationInfo>> conversationListFromJson(const QJsonObject &object);

// PATCH /api/v2/conversations/{cid}/messages/{id} (answered, as DELETE is, with PostedMessage:
// the id and ts of the message_edited / message_deleted event)
struct EditRequest
{
    QString text;

    QJsonObject toJson() const;
    static std::optional<EditRequest> fromJson(const QJsonObject &object);
};

// POST /api/v2/conversations/{cid}/read
struct ReadRequest
{
    qint64 upTo = 0;

    QJsonObject toJson() const;
    static std::optional<ReadRequest> fromJson(const QJsonObject &object);
};

// `{"error": {"code", "message"}}`: the one error shape; `code` is one of protocol::error.
struct ErrorBody
{
    QString code;
    QString message;

    QJsonObject toJson() const;
    static std::optional<ErrorBody> fromJson(const QJsonObject &object);
};

// GET /healthz
struct HealthInfo
{
    QString status;
    QString version;
    int api = 0;
    // The hub's message length limit: clients refuse longer text before sending (nothing is cut).
    int maxTextChars = 0;
    QString hubInstance; // as in HubSession; empty: an older hub

    QJsonObject toJson() const;
    static std::optional<HealthInfo> fromJson(const QJsonObject &object);
};

} // namespace confab
