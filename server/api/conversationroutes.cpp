// API v2 conversations: GET /api/v2/conversations, POST /api/v2/dms,
// POST /api/v2/conversations/{cid}/read, POST /api/v2/conversations/{cid}/typing,
// GET /api/v2/conversations/{cid}/members.

#include "chat/conversationservice.h"
#include "chat/identityservice.h"
#include "chat/messageservice.h"
#include "jsonbody.h"
#include "restapi.h"
#include "routes.h"
#include "store/chatstore.h"

#include <algorithm>

namespace confab {

void sortMembersByName(std::vector<MemberInfo> &members)
{
    std::sort(members.begin(), members.end(), [](const MemberInfo &a, const MemberInfo &b) {
        const int byName = a.member.name.compare(b.member.name, Qt::CaseInsensitive);
        return byName != 0 ? byName < 0 : a.member.id < b.member.id;
    });
}

namespace {
ConversationInfo infoFor(const HubServices &services, const Identity &me,
                         const ConversationService::Conversation &conversation,
                         const QHash<QString, ChatStore::Unread> &unreadCounts)
{
    return services.conversations.describe(me.member, conversation, unreadCounts);
}
} // namespace

void addConversationRoutes(Router &router, HubServices &services)
{
    const QString v2 = QLatin1StringView(protocol::ApiV2Prefix);
    router.add("GET", v2 + QLatin1StringView("/conversations"), Router::Access::Member,
               [&services](RouteContext &context) {
                   const Identity &me = *context.identity;
                   const auto unread = services.store.unreadFor(me.member.id, me.member.name);
                   std::vector<ConversationInfo> list;
                   for (const auto *conversation :
                        services.conversations.conversationsOf(me.member.id))
                       list.push_back(infoFor(services, me, *conversation, unread));
                   return jsonReply(200, conversationListToJson(list));
               });

    router.add("POST", v2 + QLatin1StringView("/dms"), Router::Access::Member,
               [&services](RouteContext &context) {
                   const auto body = parseObject(context.request.body);
                   if (!body)
                       return badJson();
                   const auto request = DmRequest::fromJson(*body);
                   if (!request)
                       return apiError(400, protocol::error::BadRequest,
                                       QStringLiteral("Expected {\"member\": string}."));
                   const Identity &me = *context.identity;
                   if (request->member == me.member.id)
                       return apiError(400, protocol::error::DmWithSelf,
                                       QStringLiteral("A direct message needs someone else."));
                   if (!services.identity.findMember(request->member))
                       return apiError(404, protocol::error::UnknownMember,
                                       QStringLiteral("No such member."));
                   bool created = false;
                   const auto dm
                       = services.conversations.openDm(me.member.id, request->member, &created);
                   if (!dm.ok())
                       return refusal(dm.error);
                   return jsonReply(created ? 201 : 200,
                                    infoFor(services, me, **dm.value,
                                            services.store.unreadFor(me.member.id, me.member.name))
                                        .toJson());
               });

    router.add("POST", v2 + QLatin1StringView("/conversations/{cid}/read"), Router::Access::Member,
               [&services](RouteContext &context) {
                   const QString conversation = context.param(u"cid");
                   if (auto refused = refuseConversationAccess(services, context, conversation))
                       return *refused;
                   const auto body = parseObject(context.request.body);
                   if (!body)
                       return badJson();
                   const auto request = ReadRequest::fromJson(*body);
                   if (!request || request->upTo > services.store.lastSequence(conversation))
                       return apiError(400, protocol::error::BadRequest,
                                       QStringLiteral("Expected {\"upTo\": an id of this "
                                                      "conversation's events}."));
                   if (!services.conversations.markRead(context.identity->member.id, conversation,
                                                        request->upTo))
                       return apiError(500, protocol::error::StoreFailed,
                                       QStringLiteral("The hub could not store the read mark."));
                   return HttpReply::noContent();
               });

    // Same access rule as posting, and a rate budget of the same size as the messages' (its own,
    // so typing never costs a message). Within the typing interval a repeat is answered but not
    // published again.
    router.add("POST", v2 + QLatin1StringView("/conversations/{cid}/typing"),
               Router::Access::Member, [&services](RouteContext &context) {
                   const QString conversation = context.param(u"cid");
                   if (auto refused = refuseConversationAccess(services, context, conversation))
                       return *refused;
                   if (auto limited
                       = services.messages.takeTypingToken(context.identity->member.id))
                       return refusal(*limited);
                   services.conversations.typing(context.identity->member, conversation);
                   return HttpReply::noContent();
               });

    // Who is in it: a channel's joined members, a DM's two. Only members with a live session
    // have a name to show; a channel loses a member whose session ended (they leave it), a DM
    // keeps both sides, so a DM may list one.
    router.add(
        "GET", v2 + QLatin1StringView("/conversations/{cid}/members"), Router::Access::Member,
        [&services](RouteContext &context) {
            const QString conversation = context.param(u"cid");
            if (auto refused = refuseConversationAccess(services, context, conversation))
                return *refused;
            std::vector<MemberInfo> members;
            if (const std::set<QString> *ids = services.conversations.membersOf(conversation)) {
                for (const QString &id : *ids) {
                    if (const Identity *member = services.identity.findMember(id))
                        members.push_back({member->member, services.conversations.isOnline(id)});
                }
            }
            sortMembersByName(members);
            return jsonReply(200, memberListToJson(members));
        });
}

} // namespace confab
