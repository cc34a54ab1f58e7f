// POST and GET /api/v1/rooms/{room}/messages and /api/v2/conversations/{cid}/messages.

#include "chat/conversationservice.h"
#include "chat/identityservice.h"
#include "chat/messageservice.h"
#include "httpserveradapter.h"
#include "jsonbody.h"
#include "routes.h"

namespace confab {

namespace {
constexpr int DefaultHistoryPage = 50;
} // namespace

namespace {
using AccessCheck = std::function<std::optional<HttpReply>(const HubServices &,
                                                           const RouteContext &, const QString &)>;

void addMessagesOf(Router &router, HubServices &services, const QString &path, const QString &param,
                   AccessCheck refuse)
{
    router.add(
        "GET", path, Router::Access::Member, [&services, param, refuse](RouteContext &context) {
            const QString conversation = context.param(param);
            if (auto refused = refuse(services, context, conversation))
                return *refused;
            if (auto page = aroundReply(services, context, conversation))
                return *page;
            const QUrlQuery &query = context.request.query;
            bool ok = true;
            std::optional<qint64> before;
            if (query.hasQueryItem(QStringLiteral("before")))
                before = query.queryItemValue(QStringLiteral("before")).toLongLong(&ok);
            int limit = DefaultHistoryPage;
            if (ok && query.hasQueryItem(QStringLiteral("limit")))
                limit = query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
            if (!ok || limit < 1 || before.value_or(0) < 0)
                return apiError(400, protocol::error::BadRequest,
                                QStringLiteral("before and limit must be positive numbers."));
            limit = std::min(limit, protocol::MaxHistoryPage);
            return jsonReply(200, services.messages.history(conversation, before, limit).toJson());
        });
    router.add(
        "POST", path, Router::Access::Member, [&services, param, refuse](RouteContext &context) {
            const QString conversation = context.param(param);
            if (auto refused = refuse(services, context, conversation))
                return *refused;
            const auto body = parseObject(context.request.body);
            if (!body)
                return badJson();
            const auto request = MessageRequest::fromJson(*body);
            if (!request)
                return apiError(
                    400, protocol::error::BadRequest,
                    QStringLiteral("Expected {\"text\": string, \"clientId\": string}."));
            // Answered after the group commit (MessageService::post), or at once.
            std::shared_ptr<DeferredReply> answer = context.response.defer();
            if (!answer)
                return apiError(500, protocol::error::Internal,
                                QStringLiteral("This request cannot be answered later."));
            context.streamed = true;
            services.messages.post(context.identity->member, conversation, *request,
                                   [answer](const Outcome<PostedMessage> &posted) {
                                       answer->send(posted.ok()
                                                        ? jsonReply(201, posted.value->toJson())
                                                        : refusal(posted.error));
                                   });
            return HttpReply();
        });
}
} // namespace

void addMessageRoutes(Router &router, HubServices &services)
{
    addMessagesOf(router, services,
                  QLatin1StringView(protocol::ApiPrefix)
                      + QLatin1StringView("/rooms/{room}/messages"),
                  QStringLiteral("room"), refuseRoomAccess);
    addMessagesOf(router, services,
                  QLatin1StringView(protocol::ApiV2Prefix)
                      + QLatin1StringView("/conversations/{cid}/messages"),
                  QStringLiteral("cid"), refuseConversationAccess);

    // API v2: the author edits or deletes a message.
    const QString one = QLatin1StringView(protocol::ApiV2Prefix)
        + QLatin1StringView("/conversations/{cid}/messages/{mid}");
    const auto target
        = [&services](RouteContext &context, qint64 *messageId) -> std::optional<HttpReply> {
        const QString conversation = context.param(u"cid");
        if (auto refused = refuseConversationAccess(services, context, conversation))
            return refused;
        bool ok = false;
        *messageId = context.param(u"mid").toLongLong(&ok);
        if (!ok || *messageId <= 0)
            return apiError(404, protocol::error::UnknownMessage,
                            QStringLiteral("No such message here."));
        return std::nullopt;
    };
    router.add("PATCH", one, Router::Access::Member, [&services, target](RouteContext &context) {
        qint64 messageId = 0;
        if (auto refused = target(context, &messageId))
            return *refused;
        const auto body = parseObject(context.request.body);
        if (!body)
            return badJson();
        const auto request = EditRequest::fromJson(*body);
        if (!request)
            return apiError(400, protocol::error::BadRequest,
                            QStringLiteral("Expected {\"text\": string}."));
        const Outcome<PostedMessage> edited = services.messages.edit(
            context.identity->member, context.param(u"cid"), messageId, request->text);
        if (!edited.ok())
            return refusal(edited.error);
        return jsonReply(200, edited.value->toJson());
    });
    router.add("DELETE", one, Router::Access::Member, [&services, target](RouteContext &context) {
        qint64 messageId = 0;
        if (auto refused = target(context, &messageId))
            return *refused;
        const Outcome<PostedMessage> removed
            = services.messages.remove(context.identity->member, context.param(u"cid"), messageId);
        if (!removed.ok())
            return refusal(removed.error);
        return jsonReply(200, removed.value->toJson());
    });
}

} // namespace confab
