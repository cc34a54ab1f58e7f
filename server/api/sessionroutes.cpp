// POST /api/v1/session, DELETE /api/v1/session.

#include "chat/identityservice.h"
#include "jsonbody.h"
#include "routes.h"

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
    router.add("DELETE", path, Router::Access::Member, [&services](RouteContext &context) {
        services.identity.endSession(*context.identity);
        return HttpReply::noContent();
    });
}

} // namespace confab
