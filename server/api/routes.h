#pragma once
// The hub's resources, one routes file each (API v1 and v2 side by side): every add*Routes() puts
// that resource's lines into the router's table. Handlers parse the request (restapi.h), call one
// service, and write the answer (restapi.h); they keep no state of their own.

#include "router.h"

#include <QJsonObject>

#include <functional>
#include <optional>
#include <vector>

namespace confab {

class CallService;
class ChatStore;
class ConversationService;
class EventBus;
class FileService;
class FilesCookies;
class IdentityService;
class MessageService;
class PasswordCheck;
class SearchService;
struct HubMetrics;
struct HubSettings;
struct MemberInfo;
struct RoomInfo;

struct HubServices
{
    const HubSettings &settings;
    IdentityService &identity;
    ConversationService &conversations;
    MessageService &messages;
    EventBus &bus;
    const ChatStore &store; // reads only (counts, newest ids); writes go through the services
    const PasswordCheck &password;
    HubMetrics &metrics;
    // From the HTTP layer, for /metrics.
    std::function<int()> connectionCount;
    std::function<qint64()> refusedCount;
    // TLS, for /healthz (mode and fingerprint) and /metrics.
    std::function<QJsonObject()> tlsHealth;
    std::function<qint64()> tlsHandshakesCompleted;
    std::function<qint64()> tlsHandshakesFailed;
    std::function<qint64()> silentClosedCount;
    // Files (issue 15), for /metrics; set once the file service exists.
    FileService *files = nullptr;
};

// API v1's access rule for /rooms/{room}/...: 404 for a room the hub does not have, 401 for a
// token made for another room; nullopt when the member may go on.
std::optional<HttpReply> refuseRoomAccess(const HubServices &services, const RouteContext &context,
                                          const QString &room);

// API v2's access rule for /conversations/{cid}/...: 404 `unknown_conversation` for none and for
// a DM the member is not in (so its existence does not leak), 403 `not_a_member` for a channel
// not joined; nullopt when the member may go on.
std::optional<HttpReply> refuseConversationAccess(const HubServices &services,
                                                  const RouteContext &context,
                                                  const QString &conversation);

// The order of every member list of API v2: by name, case aside, then by id.
void sortMembersByName(std::vector<MemberInfo> &members);

// The rooms with their member and online counts (GET /api/v1/rooms, the beacon, the window).
std::vector<RoomInfo> roomInfos(const HubServices &services);

void addSessionRoutes(Router &router, HubServices &services);
void addRoomRoutes(Router &router, HubServices &services);
void addMessageRoutes(Router &router, HubServices &services);
void addEventRoutes(Router &router, HubServices &services);
void addChannelRoutes(Router &router, HubServices &services);
void addConversationRoutes(Router &router, HubServices &services);
void addOpsRoutes(Router &router, HubServices &services);
void addStaticRoutes(Router &router);
// Files (issue 15): tus uploads (uploadroutes.cpp), downloads and the files cookie
// (fileroutes.cpp).
void addUploadRoutes(Router &router, HubServices &services, FileService &files);
void addFileRoutes(Router &router, HubServices &services, FileService &files,
                   FilesCookies &cookies);

// Search (searchroutes.cpp): GET /api/v2/search, and the history pages that GET .../messages
// answers when asked with `around=ID` or `after=ID` (nullopt when it was neither).
void addSearchRoutes(Router &router, HubServices &services, SearchService &search);
// Calls (callroutes.cpp): /api/v2/calls and /api/v2/calls/{id}/...
void addCallRoutes(Router &router, HubServices &services, CallService &calls);

std::optional<HttpReply> aroundReply(const HubServices &services, const RouteContext &context,
                                     const QString &conversation);

} // namespace confab
