#include "router.h"

#include "apierrors.h"

namespace confab {

namespace {
// A longer token is not one of ours; refusing it early keeps hashing cheap.
constexpr int MaxTokenBytes = 256;

bool isStateChanging(const QByteArray &method)
{
    return method == "POST" || method == "DELETE" || method == "PUT" || method == "PATCH";
}

bool isPattern(const QString &segment)
{
    return segment.startsWith(QLatin1Char('{')) && segment.endsWith(QLatin1Char('}'));
}
} // namespace

QString RouteContext::param(QStringView name) const
{
    for (qsizetype i = 0; i < paramNames.size(); ++i) {
        if (paramNames[i] == name)
            return paramValues[i];
    }
    return {};
}

Router::Router(Authenticator authenticate, OriginCheck originAllowed)
    : m_authenticate(std::move(authenticate))
    , m_originAllowed(std::move(originAllowed))
{ }

void Router::add(const QByteArray &method, const QString &pattern, Access access, Handler handler)
{
    m_routes.push_back(Route {method, pattern.split(QLatin1Char('/')), access, std::move(handler)});
}

void Router::setFallback(const QString &reservedPrefix, Handler handler)
{
    m_reservedPrefix = reservedPrefix;
    m_fallback = std::move(handler);
}

bool Router::matches(const Route &route, const QStringList &path, RouteContext *context)
{
    if (route.segments.size() != path.size())
        return false;
    for (qsizetype i = 0; i < path.size(); ++i) {
        const QString &segment = route.segments[i];
        if (!isPattern(segment) && segment != path[i])
            return false;
    }
    if (context) {
        for (qsizetype i = 0; i < path.size(); ++i) {
            const QString &segment = route.segments[i];
            if (isPattern(segment)) {
                context->paramNames.append(segment.mid(1, segment.size() - 2));
                context->paramValues.append(path[i]);
            }
        }
    }
    return true;
}

QByteArray Router::tokenOf(const HttpRequest &request)
{
    const QByteArray authorization = request.header("authorization");
    if (authorization.startsWith("Bearer ") || authorization.startsWith("bearer "))
        return authorization.mid(7).trimmed();
    if (request.query.hasQueryItem(QStringLiteral("token")))
        return request.query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
    return {};
}

HttpReply Router::route(const HttpRequest &request, PendingResponse &response, bool *streamed) const
{
    *streamed = false;
    if (isStateChanging(request.method) && !m_originAllowed(request))
        return apiError(403, protocol::error::ForbiddenOrigin,
                        QStringLiteral("Requests from other sites are not accepted."));

    const QStringList path = request.path.split(QLatin1Char('/'));
    QByteArrayList allowed;
    for (const Route &route : m_routes) {
        if (!matches(route, path, nullptr))
            continue;
        if (route.method != request.method) {
            if (!allowed.contains(route.method))
                allowed.append(route.method);
            continue;
        }
        RouteContext context {request, response, nullptr, false, {}, {}};
        matches(route, path, &context);
        if (route.access == Access::Member) {
            const QByteArray token = tokenOf(request);
            if (!token.isEmpty() && token.size() <= MaxTokenBytes)
                context.identity = m_authenticate(token);
            if (!context.identity)
                return unauthorized();
        }
        HttpReply reply = route.handler(context);
        *streamed = context.streamed;
        return reply;
    }
    if (!allowed.isEmpty())
        return methodNotAllowed(allowed.join(", "));

    const bool reserved = request.path == m_reservedPrefix
        || request.path.startsWith(m_reservedPrefix + QLatin1Char('/'));
    if (!m_fallback || reserved)
        return notFound();
    if (request.method != "GET" && request.method != "HEAD")
        return methodNotAllowed("GET");
    RouteContext context {request, response, nullptr, false, {}, {}};
    return m_fallback(context);
}

} // namespace confab
