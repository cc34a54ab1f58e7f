// API v2 channels: POST and GET /api/v2/channels, PUT and DELETE /api/v2/channels/{id}/members/me.

#include "chat/conversationservice.h"
#include "chat/identityservice.h"
#include "jsonbody.h"
#include "restapi.h"
#include "routes.h"

#include <QDateTime>

namespace confab {

namespace {
ChannelInfo infoOf(const ConversationService::Conversation &channel)
{
    return ChannelInfo {channel.id, channel.title, channel.topic, int(channel.members.size())};
}

// A channel by id; a DM is no channel (and its existence does not leak): 404 as for none.
const ConversationService::Conversation *findChannel(const HubServices &services, const QString &id)
{
    const auto *found = services.conversations.findConversation(id);
    return found && !found->isDm() ? found : nullptr;
}

HttpReply unknownChannel()
{
    return apiError(404, protocol::error::UnknownConversation, QStringLiteral("No such channel."));
}
} // namespace

void addChannelRoutes(Router &router, HubServices &services)
{
    const QString channels
        = QLatin1StringView(protocol::ApiV2Prefix) + QLatin1StringView("/channels");
    router.add("POST", channels, Router::Access::Member, [&services](RouteContext &context) {
        const auto body = parseObject(context.request.body);
        if (!body)
            return badJson();
        const auto request = ChannelRequest::fromJson(*body);
        if (!request)
            return apiError(
                400, protocol::error::BadRequest,
                QStringLiteral(
                    "Expected {\"id\"?: string, \"title\": string, \"topic\"?: string}."));
        const auto created = services.conversations.createChannel(
            context.identity->member, request->id, request->title, request->topic);
        if (!created.ok())
            return refusal(created.error);
        return jsonReply(201, infoOf(**created.value).toJson());
    });
    router.add("GET", channels, Router::Access::Member, [&services](RouteContext &) {
        std::vector<ChannelInfo> list;
        for (const auto *channel : services.conversations.channels())
            list.push_back(infoOf(*channel));
        return jsonReply(200, channelListToJson(list));
    });

    const QString me = channels + QLatin1StringView("/{id}/members/me");
    router.add("PUT", me, Router::Access::Member, [&services](RouteContext &context) {
        const auto *channel = findChannel(services, context.param(u"id"));
        if (!channel)
            return unknownChannel();
        // Joining twice is joining once: no second `join` event.
        if (!channel->members.count(context.identity->member.id)
            && !services.conversations.join(context.identity->member, channel->id,
                                            QDateTime::currentMSecsSinceEpoch()))
            return apiError(500, protocol::error::StoreFailed,
                            QStringLiteral("The hub could not store the membership."));
        return jsonReply(200, infoOf(*channel).toJson());
    });
    router.add("DELETE", me, Router::Access::Member, [&services](RouteContext &context) {
        const auto *channel = findChannel(services, context.param(u"id"));
        if (!channel)
            return unknownChannel();
        if (channel->members.count(context.identity->member.id))
            services.conversations.leave(context.identity->member, channel->id,
                                         QDateTime::currentMSecsSinceEpoch());
        return HttpReply::noContent();
    });
}

} // namespace confab
