// GET /api/v1/rooms, GET /api/v1/rooms/{room}/members, POST /api/v1/rooms/{room}/typing.

#include "chat/conversationservice.h"
#include "chat/identityservice.h"
#include "jsonbody.h"
#include "passwordcheck.h"
#include "routes.h"

namespace confab {

namespace {
QString roomPath(QLatin1StringView tail)
{
    return QLatin1StringView(protocol::ApiPrefix) + QLatin1StringView("/rooms/{room}") + tail;
}
} // namespace

std::optional<HttpReply> refuseRoomAccess(const HubServices &services, const RouteContext &context,
                                          const QString &room)
{
    if (!services.conversations.findRoom(room))
        return unknownRoom();
    if (!context.identity || context.identity->room != room)
        return unauthorized();
    return std::nullopt;
}

std::optional<HttpReply> refuseConversationAccess(const HubServices &services,
                                                  const RouteContext &context,
                                                  const QString &conversation)
{
    switch (services.conversations.access(context.identity->member.id, conversation)) {
    case ConversationService::Access::Member:
        return std::nullopt;
    case ConversationService::Access::NotAMember:
        return apiError(403, protocol::error::NotAMember,
                        QStringLiteral("Join the channel first."));
    case ConversationService::Access::Hidden:
        break;
    }
    return apiError(404, protocol::error::UnknownConversation,
                    QStringLiteral("No such conversation."));
}

namespace {

// Everyone in the channel with a live session, signed in through API v1 (to this room) or v2
// (to the hub, then joined): both kinds are members of the room's channel.
std::vector<const Identity *> channelMembers(const HubServices &services, const QString &room)
{
    std::vector<const Identity *> members;
    if (const std::set<QString> *ids = services.conversations.membersOf(room)) {
        for (const QString &id : *ids) {
            if (const Identity *member = services.identity.findMember(id))
                members.push_back(member);
        }
    }
    return members;
}

} // namespace

std::vector<RoomInfo> roomInfos(const HubServices &services)
{
    std::vector<RoomInfo> rooms;
    for (const ConversationService::Room &room : services.conversations.rooms()) {
        RoomInfo info {room.id, room.title, 0, 0, services.password.isSet()};
        for (const Identity *member : channelMembers(services, room.id)) {
            ++info.members;
            if (services.conversations.isOnline(member->member.id))
                ++info.online;
        }
        rooms.push_back(info);
    }
    return rooms;
}

void addRoomRoutes(Router &router, HubServices &services)
{
    router.add("GET", QLatin1StringView(protocol::ApiPrefix) + QLatin1StringView("/rooms"),
               Router::Access::Public, [&services](RouteContext &) {
                   return jsonReply(200, roomListToJson(roomInfos(services)));
               });
    router.add("GET", roomPath(QLatin1StringView("/members")), Router::Access::Member,
               [&services](RouteContext &context) {
                   const QString room = context.param(u"room");
                   if (auto refused = refuseRoomAccess(services, context, room))
                       return *refused;
                   std::vector<MemberInfo> members;
                   for (const Identity *member : channelMembers(services, room))
                       members.push_back(
                           {member->member, services.conversations.isOnline(member->member.id)});
                   return jsonReply(200, memberListToJson(members));
               });
    router.add("POST", roomPath(QLatin1StringView("/typing")), Router::Access::Member,
               [&services](RouteContext &context) {
                   const QString room = context.param(u"room");
                   if (auto refused = refuseRoomAccess(services, context, room))
                       return *refused;
                   services.conversations.typing(context.identity->member, room);
                   return HttpReply::noContent();
               });
}

} // namespace confab
