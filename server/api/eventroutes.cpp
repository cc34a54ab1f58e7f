// GET /api/v1/rooms/{room}/events (one room), GET /api/v2/events (one member) and GET /api/v2/ws
// (the same over a WebSocket): event streams.

#include "bus/eventbus.h"
#include "bus/eventfanout.h"
#include "chat/conversationservice.h"
#include "chat/identityservice.h"
#include "chat/messageservice.h"
#include "httpserveradapter.h"
#include "hubsettings.h"
#include "jsonbody.h"
#include "routes.h"
#include "ssewriter.h"
#include "store/chatstore.h"
#include "websocketframes.h"

namespace confab {

namespace {
QByteArray lastEventIdOf(const HttpRequest &request)
{
    // The header wins: a browser's EventSource reconnects to the URL it was given (old query
    // included) and puts its newest id in the header.
    QByteArray lastEventId = request.header("last-event-id");
    if (lastEventId.isEmpty() && request.query.hasQueryItem(QStringLiteral("lastEventId")))
        lastEventId = request.query.queryItemValue(QStringLiteral("lastEventId")).toUtf8();
    return lastEventId.trimmed();
}

// A stream that names another hub's data (`?hubInstance=`, from the session answer or /healthz)
// resumes nothing here: its ids were handed out by that hub. Absent: not checked (older clients).
bool namesAnotherHub(const HubServices &services, const HttpRequest &request)
{
    const QString named = request.query.queryItemValue(QStringLiteral("hubInstance"));
    return !named.isEmpty() && named != services.store.instance();
}

// What a stream resuming after `lastEventId` starts with (see MessageService::resume).
template<class Resume>
std::variant<std::vector<ChatEvent>, ResetEvent>
resumeChecked(HubServices &services, const HttpRequest &request, const QString &room,
              const QByteArray &lastEventId, Resume resume)
{
    if (namesAnotherHub(services, request))
        return ResetEvent {room,
                           room.isEmpty() ? services.store.newestSequence()
                                          : services.store.lastSequence(room),
                           QString::fromLatin1(protocol::resetreason::OtherHub)};
    return resume(lastEventId);
}
} // namespace

namespace {
// The replay or the `reset` a resuming stream starts with, each event framed by `frame`.
QByteArray resumedEvents(HubServices &services,
                         const std::variant<std::vector<ChatEvent>, ResetEvent> &resumed,
                         QByteArray (*frame)(const WireEvent &))
{
    if (const auto *reset = std::get_if<ResetEvent>(&resumed))
        return frame(toWire(*reset));
    QByteArray first;
    const auto &events = std::get<std::vector<ChatEvent>>(resumed);
    for (const ChatEvent &event : events)
        first += frame(toWire(event));
    services.metrics.eventsReplayed += qint64(events.size());
    return first;
}

// The stream's first chunk: `retry`, then the replay or a `reset`.
QByteArray streamStart(HubServices &services,
                       const std::variant<std::vector<ChatEvent>, ResetEvent> &resumed)
{
    return sse::retryField(services.settings.retryMs)
        + resumedEvents(services, resumed, sse::frame);
}

std::unique_ptr<EventStream> startStream(RouteContext &context, const QByteArray &first)
{
    return context.response.startStream(
        {qMakePair(QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no"))}, first);
}

HttpReply streamFailed()
{
    return apiError(500, protocol::error::Internal,
                    QStringLiteral("The stream could not be opened."));
}
} // namespace

// Single-threaded: replay from the store, then subscribe, in one turn. Every event with an id is
// committed before it is published, and the bus gives a new stream only what is published after
// the subscribe; nothing can be published in between, so there is no gap and no duplicate.
void addEventRoutes(Router &router, HubServices &services)
{
    const QString path
        = QLatin1StringView(protocol::ApiPrefix) + QLatin1StringView("/rooms/{room}/events");
    router.add("GET", path, Router::Access::Member, [&services](RouteContext &context) {
        const QString room = context.param(u"room");
        if (auto refused = refuseRoomAccess(services, context, room))
            return *refused;
        const QByteArray lastEventId = lastEventIdOf(context.request);
        const QByteArray first = lastEventId.isEmpty()
            ? sse::retryField(services.settings.retryMs)
            : streamStart(services,
                          resumeChecked(services, context.request, room, lastEventId,
                                        [&](const QByteArray &id) {
                                            return services.messages.resume(room, id);
                                        }));
        std::unique_ptr<EventStream> stream = startStream(context, first);
        if (!stream)
            return streamFailed();
        context.streamed = true;
        services.bus.subscribe(room, std::move(stream), context.identity->member.id);
        services.conversations.streamOpened(context.identity->member, room);
        return HttpReply {};
    });

    const QString v2 = QLatin1StringView(protocol::ApiV2Prefix) + QLatin1StringView("/events");
    router.add("GET", v2, Router::Access::Member, [&services](RouteContext &context) {
        const Member &member = context.identity->member;
        const QByteArray lastEventId = lastEventIdOf(context.request);
        const QByteArray first = lastEventId.isEmpty()
            ? sse::retryField(services.settings.retryMs)
            : streamStart(services,
                          resumeChecked(services, context.request, QString(), lastEventId,
                                        [&](const QByteArray &id) {
                                            return services.messages.resumeMember(member.id, id);
                                        }));
        std::unique_ptr<EventStream> stream = startStream(context, first);
        if (!stream)
            return streamFailed();
        context.streamed = true;
        services.bus.subscribeMember(member.id, std::move(stream));
        services.conversations.streamOpened(member, QString());
        return HttpReply {};
    });

    // The member stream over a WebSocket: the same events, privacy, resume and slow-subscriber
    // cap (it is a subscriber of the same bus), one text frame per event.
    const QString ws = QLatin1StringView(protocol::ApiV2Prefix) + QLatin1StringView("/ws");
    router.add("GET", ws, Router::Access::Member, [&services](RouteContext &context) {
        if (!context.response.isWebSocketUpgrade()) {
            HttpReply reply
                = apiError(426, protocol::error::BadRequest,
                           QStringLiteral("Open this as a WebSocket (Upgrade: websocket)."));
            reply.headers.append(
                qMakePair(QByteArrayLiteral("Upgrade"), QByteArrayLiteral("websocket")));
            return reply;
        }
        const QByteArray key = context.request.header("sec-websocket-key");
        if (context.request.header("sec-websocket-version") != "13" || !ws::isValidKey(key)) {
            HttpReply reply
                = apiError(400, protocol::error::BadRequest,
                           QStringLiteral("A WebSocket handshake needs Sec-WebSocket-Version 13 "
                                          "and a Sec-WebSocket-Key."));
            reply.headers.append(
                qMakePair(QByteArrayLiteral("Sec-WebSocket-Version"), QByteArrayLiteral("13")));
            return reply;
        }
        const Member &member = context.identity->member;
        const QByteArray lastEventId = lastEventIdOf(context.request);
        const QByteArray first = lastEventId.isEmpty()
            ? QByteArray()
            : resumedEvents(services,
                            resumeChecked(services, context.request, QString(), lastEventId,
                                          [&](const QByteArray &id) {
                                              return services.messages.resumeMember(member.id, id);
                                          }),
                            ws::eventFrame);
        std::unique_ptr<EventStream> stream = context.response.acceptWebSocket(key, first);
        if (!stream)
            return streamFailed();
        context.streamed = true;
        services.bus.subscribeMember(member.id, std::move(stream));
        services.conversations.streamOpened(member, QString());
        return HttpReply {};
    });
}

} // namespace confab
