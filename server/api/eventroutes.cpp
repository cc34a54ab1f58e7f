// GET /api/v1/rooms/{room}/events: the event stream.

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
} // namespace

void addEventRoutes(Router &router, HubServices &services)
{
    const QString path
        = QLatin1StringView(protocol::ApiPrefix) + QLatin1StringView("/rooms/{room}/events");
    router.add("GET", path, Router::Access::Member, [&services](RouteContext &context) {
        const QString room = context.param(u"room");
        if (auto refused = refuseRoomAccess(services, context, room))
            return *refused;

        // Single-threaded: replay from the store, then subscribe, in this one turn. Every event
        // with an id is committed before it is published, and the bus gives a new stream only
        // what is published after subscribe(); nothing can be published in between, so there
        // is no gap and no duplicate.
        QByteArray first = sse::retryField(services.settings.retryMs);
        const QByteArray lastEventId = lastEventIdOf(context.request);
        if (!lastEventId.isEmpty()) {
            const auto resumed = services.messages.resume(room, lastEventId);
            if (const auto *reset = std::get_if<ResetEvent>(&resumed)) {
                first += sse::frame(toWire(*reset));
            } else {
                const auto &events = std::get<std::vector<ChatEvent>>(resumed);
                for (const ChatEvent &event : events)
                    first += sse::frame(toWire(event));
                services.metrics.eventsReplayed += qint64(events.size());
            }
        }
        std::unique_ptr<EventStream> stream = context.response.startStream(
            {qMakePair(QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no"))}, first);
        if (!stream)
            return apiError(500, protocol::error::Internal,
                            QStringLiteral("The stream could not be opened."));
        context.streamed = true;
        services.bus.subscribe(room, std::move(stream), context.identity->member.id);
        services.conversations.streamOpened(context.identity->member, room);
        return HttpReply {};
    });
}

} // namespace confab
