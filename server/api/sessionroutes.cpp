// POST and DELETE /api/v1/session (one room) and /api/v2/session (the whole hub); the hand-off
// of a session to the system browser (POST /api/v2/session/handoff and .../redeem); the member
// directory GET /api/v2/members.

#include "chat/conversationservice.h"
#include "chat/identityservice.h"
#include "hubsettings.h"
#include "jsonbody.h"
#include "routes.h"

#include <QJsonObject>

#include <algorithm>

namespace confab {

void addSessionRoutes(Router &router, HubServices &services)
{
    const QString path = QLatin1StringView(protocol::ApiPrefix) + QLatin1StringView("/session");
    router.add("POST", path, Router::Access::Public, [&services](RouteContext &context) {
        const auto body = parseObject(context.request.body);
        if (!body)
            return badJson();
        const auto request = SessionRequest::fromJson(*body);
        if (!request)
            return apiError(400, protocol::error::BadRequest,
                            QStringLiteral("Expected {\"name\": string, \"password\"?: string, "
                                           "\"room\"?: string}."));
        const Outcome<SessionInfo> session = services.identity.signIn(*request);
        if (!session.ok())
            return refusal(session.error);
        return jsonReply(201, session.value->toJson());
    });
    const auto endSession = [&services](RouteContext &context) {
        services.identity.endSession(*context.identity, Router::tokenOf(context.request));
        return HttpReply::noContent();
    };
    router.add("DELETE", path, Router::Access::Member, endSession);

    const QString v2 = QLatin1StringView(protocol::ApiV2Prefix) + QLatin1StringView("/session");
    router.add("POST", v2, Router::Access::Public, [&services](RouteContext &context) {
        const auto body = parseObject(context.request.body);
        if (!body)
            return badJson();
        const auto request = SessionRequest::fromJson(*body);
        if (!request || request->room)
            return apiError(400, protocol::error::BadRequest,
                            QStringLiteral("Expected {\"name\": string, \"password\"?: string}."));
        const Outcome<HubSession> session = services.identity.signInToHub(*request);
        if (!session.ok())
            return refusal(session.error);
        return jsonReply(201, session.value->toJson());
    });
    router.add("DELETE", v2, Router::Access::Member, endSession);

    // Hand-off (docs/protocol.md): the desktop window does not embed a browser engine for calls
    // (QtWebEngine is 100+ MB on every platform and a second Chromium next to the user's own), so
    // it opens the hub's page in the system browser with a one-time code in the link; the page
    // trades the code for a session of the same member.
    router.add("POST", v2 + QLatin1StringView("/handoff"), Router::Access::Member,
               [&services](RouteContext &context) {
                   const Outcome<HandoffCodes::Issued> issued = services.identity.issueHandoff(
                       *context.identity, services.settings.handoffCodeLifetimeMs);
                   if (!issued.ok())
                       return refusal(issued.error);
                   return jsonReply(
                       201,
                       QJsonObject {{QStringLiteral("code"), issued.value->code},
                                    {QStringLiteral("expires"), double(issued.value->expiresMs)}});
               });
    router.add("POST", v2 + QLatin1StringView("/handoff/redeem"), Router::Access::Public,
               [&services](RouteContext &context) {
                   const auto body = parseObject(context.request.body);
                   if (!body)
                       return badJson();
                   const QJsonValue code = body->value(QStringLiteral("code"));
                   if (!code.isString() || code.toString().isEmpty())
                       return apiError(400, protocol::error::BadRequest,
                                       QStringLiteral("Expected {\"code\": string}."));
                   const Outcome<HubSession> session = services.identity.redeemHandoff(
                       code.toString(), context.request.peer.toString());
                   if (!session.ok())
                       return refusal(session.error);
                   return jsonReply(201, session.value->toJson());
               });

    // Everyone a member could open a DM with: every member with a live session, hub-wide.
    router.add("GET", QLatin1StringView(protocol::ApiV2Prefix) + QLatin1StringView("/members"),
               Router::Access::Member, [&services](RouteContext &) {
                   std::vector<MemberInfo> members;
                   for (const Identity *identity : services.identity.members())
                       members.push_back({identity->member,
                                          services.conversations.isOnline(identity->member.id)});
                   sortMembersByName(members);
                   return jsonReply(200, memberListToJson(members));
               });
}

} // namespace confab
