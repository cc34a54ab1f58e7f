// API v2 calls (docs/protocol.md, "Calls"): POST and GET /api/v2/calls, POST
// /api/v2/calls/{id}/accept|decline|hangup|signal, GET /api/v2/calls/config.

#include "chat/callservice.h"
#include "chat/iceservers.h"
#include "chat/identityservice.h"
#include "hubsettings.h"
#include "jsonbody.h"
#include "routes.h"

#include <QJsonArray>

namespace confab {

namespace {
HttpReply callReply(int status, const CallService::Call &call)
{
    return jsonReply(status, QJsonObject {{QStringLiteral("call"), call.toJson()}});
}

HttpReply callOutcome(const Outcome<CallService::Call> &outcome)
{
    return outcome.ok() ? callReply(200, *outcome.value) : refusal(outcome.error);
}

HttpReply badRequest(const QString &message)
{
    return apiError(400, protocol::error::BadRequest, message);
}

std::optional<QString> deviceOf(const QJsonObject &body)
{
    const QString device = body.value(QLatin1StringView("device")).toString();
    if (!CallService::isValidDevice(device))
        return std::nullopt;
    return device;
}

const QString DeviceRule = QStringLiteral("\"device\": 1 to 64 of A-Z, a-z, 0-9, _ and -");

// The shape of a signal: a device and exactly one of a description and a candidate.
std::variant<CallService::Signal, HttpReply> parseSignal(const QJsonObject &body)
{
    CallService::Signal signal;
    const auto device = deviceOf(body);
    if (!device)
        return badRequest(QStringLiteral("Expected %1.").arg(DeviceRule));
    signal.device = *device;
    const QJsonValue description = body.value(QLatin1StringView("description"));
    const QJsonValue candidate = body.value(QLatin1StringView("candidate"));
    if (description.isUndefined() == candidate.isUndefined())
        return badRequest(QStringLiteral("A signal carries exactly one of \"description\" and "
                                         "\"candidate\"."));
    if (!description.isUndefined()) {
        const QJsonObject object = description.toObject();
        const QString type = object.value(QLatin1StringView("type")).toString();
        const QJsonValue sdp = object.value(QLatin1StringView("sdp"));
        if (!description.isObject()
            || (type != QLatin1StringView("offer") && type != QLatin1StringView("answer")
                && type != QLatin1StringView("pranswer"))
            || !sdp.isString())
            return badRequest(QStringLiteral("Expected \"description\": {\"type\": \"offer\", "
                                             "\"answer\" or \"pranswer\", \"sdp\": string}."));
        // Only what a peer needs is passed on.
        signal.description
            = QJsonObject {{QStringLiteral("type"), type}, {QStringLiteral("sdp"), sdp.toString()}};
    } else {
        if (!candidate.isObject())
            return badRequest(QStringLiteral("Expected \"candidate\": an RTCIceCandidateInit "
                                             "object."));
        signal.candidate = candidate.toObject();
    }
    return signal;
}
} // namespace

void addCallRoutes(Router &router, HubServices &services, CallService &calls)
{
    const QString base = QLatin1StringView(protocol::ApiV2Prefix) + QLatin1StringView("/calls");

    router.add("POST", base, Router::Access::Member, [&services, &calls](RouteContext &context) {
        const auto body = parseObject(context.request.body);
        if (!body)
            return badJson();
        const QString calleeId = body->value(QLatin1StringView("callee")).toString();
        const QString media = body->value(QLatin1StringView("media")).toString();
        const auto device = deviceOf(*body);
        if (calleeId.isEmpty() || !CallService::isValidMedia(media) || !device)
            return badRequest(QStringLiteral("Expected {\"callee\": member id, \"media\": "
                                             "\"audio\" or \"video\", %1}.")
                                  .arg(DeviceRule));
        const Member &me = context.identity->member;
        if (calleeId == me.id)
            return apiError(400, protocol::error::CallSelf,
                            QStringLiteral("A call needs someone else."));
        const Identity *callee = services.identity.findMember(calleeId);
        if (!callee)
            return apiError(404, protocol::error::UnknownMember, QStringLiteral("No such member."));
        std::optional<CallService::Call> glare;
        const auto placed = calls.place(me, callee->member, media, *device, &glare);
        if (placed.ok())
            return callReply(201, *placed.value);
        HttpReply reply = refusal(placed.error);
        if (glare) {
            // The same error body, with the call they are placing to us (see "Glare").
            auto object = parseObject(reply.body).value_or(QJsonObject());
            object.insert(QStringLiteral("call"), glare->toJson());
            HttpReply withCall = jsonReply(reply.status, object);
            withCall.headers = reply.headers;
            return withCall;
        }
        return reply;
    });

    router.add("GET", base, Router::Access::Member, [&calls](RouteContext &context) {
        QJsonArray list;
        for (const CallService::Call &call : calls.callsOf(context.identity->member.id))
            list.append(call.toJson());
        return jsonReply(200, QJsonObject {{QStringLiteral("calls"), list}});
    });

    router.add("GET", base + QLatin1StringView("/config"), Router::Access::Member,
               [&services](RouteContext &) {
                   QJsonArray servers;
                   for (const QString &url : services.settings.iceServers) {
                       // Checked when the hub was configured (confab serve refuses bad ones).
                       if (const auto server = parseIceServer(url, nullptr))
                           servers.append(*server);
                   }
                   return jsonReply(200, QJsonObject {{QStringLiteral("iceServers"), servers}});
               });

    router.add("POST", base + QLatin1StringView("/{id}/accept"), Router::Access::Member,
               [&calls](RouteContext &context) {
                   const auto body = parseObject(context.request.body);
                   if (!body)
                       return badJson();
                   const auto device = deviceOf(*body);
                   if (!device)
                       return badRequest(QStringLiteral("Expected {%1}.").arg(DeviceRule));
                   return callOutcome(
                       calls.accept(context.identity->member, context.param(u"id"), *device));
               });

    router.add("POST", base + QLatin1StringView("/{id}/decline"), Router::Access::Member,
               [&calls](RouteContext &context) {
                   return callOutcome(
                       calls.decline(context.identity->member, context.param(u"id")));
               });

    router.add("POST", base + QLatin1StringView("/{id}/hangup"), Router::Access::Member,
               [&calls](RouteContext &context) {
                   return callOutcome(calls.hangup(context.identity->member, context.param(u"id")));
               });

    router.add("POST", base + QLatin1StringView("/{id}/signal"), Router::Access::Member,
               [&calls](RouteContext &context) {
                   const auto body = parseObject(context.request.body);
                   if (!body)
                       return badJson();
                   auto parsed = parseSignal(*body);
                   if (auto *refused = std::get_if<HttpReply>(&parsed))
                       return *refused;
                   if (auto refused = calls.signal(context.identity->member, context.param(u"id"),
                                                   std::get<CallService::Signal>(parsed)))
                       return refusal(*refused);
                   return jsonReply(202, QJsonObject());
               });
}

} // namespace confab
