// GET /api/v2/search, and the pages of history a client opens a search hit with: around a message
// (GET /api/v2/conversations/{cid}/messages?around=ID) and forward from it (…?after=ID).

#include "chat/identityservice.h"
#include "chat/searchservice.h"
#include "jsonbody.h"
#include "routes.h"
#include "store/chatstore.h"

#include <QStringDecoder>

namespace confab {

namespace {
constexpr int DefaultAroundPage = 50;

// A query parameter as the text the client meant: percent-decoded, `+` as a space (as an HTML
// form and URLSearchParams send it; a literal plus is %2B), strictly UTF-8. nullopt for bytes
// that are not UTF-8 (QUrlQuery would turn them into U+FFFD and search for that).
std::optional<QString> textParameter(const QUrlQuery &query, const QString &name)
{
    QByteArray raw = query.queryItemValue(name, QUrl::FullyEncoded).toLatin1();
    raw.replace('+', ' ');
    const QByteArray bytes = QByteArray::fromPercentEncoding(raw);
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8.decode(bytes);
    if (utf8.hasError())
        return std::nullopt;
    return text;
}

std::optional<qint64> positiveNumber(const QUrlQuery &query, const QString &name, bool *ok)
{
    if (!query.hasQueryItem(name))
        return std::nullopt;
    bool parsed = false;
    const qint64 value = query.queryItemValue(name).toLongLong(&parsed);
    if (!parsed || value <= 0)
        *ok = false;
    return value;
}
} // namespace

std::optional<HttpReply> aroundReply(const HubServices &services, const RouteContext &context,
                                     const QString &conversation)
{
    const QUrlQuery &query = context.request.query;
    const bool around = query.hasQueryItem(QStringLiteral("around"));
    const bool after = query.hasQueryItem(QStringLiteral("after"));
    if (!around && !after)
        return std::nullopt;
    bool ok = true;
    const qint64 id
        = positiveNumber(query, around ? QStringLiteral("around") : QStringLiteral("after"), &ok)
              .value_or(0);
    const int limit
        = int(positiveNumber(query, QStringLiteral("limit"), &ok).value_or(DefaultAroundPage));
    if (!ok || (around && after) || query.hasQueryItem(QStringLiteral("before")))
        return apiError(400, protocol::error::BadRequest,
                        QStringLiteral("around (or after) and limit must be positive numbers, "
                                       "and go without before."));
    const int pageSize = std::min(limit, protocol::MaxHistoryPage);
    HistoryPage page;
    bool hasNewer = false;
    if (after) {
        page.events = services.store.eventsNewer(conversation, id, pageSize, &hasNewer);
        page.hasMore = true; // `id` itself, at least, is older (paging back uses `before`)
    } else {
        if (!services.store.messageById(conversation, id))
            return apiError(404, protocol::error::UnknownMessage,
                            QStringLiteral("No such message here."));
        // The message, with up to half the page before it and the rest after it (more after
        // when there is less before, and the other way round).
        page.events
            = services.store.eventsBefore(conversation, id + 1, (pageSize + 1) / 2, &page.hasMore);
        std::vector<ChatEvent> newer;
        const int newerWanted = pageSize - int(page.events.size());
        if (newerWanted > 0)
            newer = services.store.eventsNewer(conversation, id, newerWanted, &hasNewer);
        if (!hasNewer && int(page.events.size() + newer.size()) < pageSize && page.hasMore) {
            // Near the newest message: fill the page with older ones instead.
            page.events = services.store.eventsBefore(conversation, id + 1,
                                                      pageSize - int(newer.size()), &page.hasMore);
        }
        page.events.insert(page.events.end(), newer.begin(), newer.end());
    }
    QJsonObject body = page.toJson();
    body.insert(QStringLiteral("hasNewer"), hasNewer);
    return jsonReply(200, body);
}

void addSearchRoutes(Router &router, HubServices &services, SearchService &search)
{
    router.add(
        "GET", QLatin1StringView(protocol::ApiV2Prefix) + QLatin1StringView("/search"),
        Router::Access::Member, [&services, &search](RouteContext &context) {
            const QUrlQuery &query = context.request.query;
            SearchService::Request request;
            const std::optional<QString> text = textParameter(query, QStringLiteral("q"));
            if (!query.hasQueryItem(QStringLiteral("q")))
                return apiError(400, protocol::error::BadQuery,
                                QStringLiteral("Say what to search for: ?q=TEXT."));
            if (!text)
                return apiError(400, protocol::error::BadQuery,
                                QStringLiteral("The query is not valid UTF-8."));
            request.query = *text;
            bool ok = true;
            request.before = positiveNumber(query, QStringLiteral("before"), &ok).value_or(0);
            request.limit = int(positiveNumber(query, QStringLiteral("limit"), &ok)
                                    .value_or(SearchService::DefaultLimit));
            if (!ok)
                return apiError(400, protocol::error::BadRequest,
                                QStringLiteral("before and limit must be positive numbers."));
            request.from = query.queryItemValue(QStringLiteral("from"), QUrl::FullyDecoded);
            if (query.hasQueryItem(QStringLiteral("conversation"))) {
                request.conversation
                    = query.queryItemValue(QStringLiteral("conversation"), QUrl::FullyDecoded);
                if (auto refused
                    = refuseConversationAccess(services, context, request.conversation))
                    return *refused;
            }
            const Outcome<SearchResults> found
                = search.search(context.identity->member.id, request);
            if (!found.ok())
                return refusal(found.error);
            return jsonReply(200, found.value->toJson());
        });
}

} // namespace confab
