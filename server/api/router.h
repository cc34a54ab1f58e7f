#pragma once
// The hub's one routing table: method + path pattern → handler. Everything every route needs is
// done here, once, before a handler runs: the Origin/Host check for state-changing methods, 404
// for an unknown path, 405 with `Allow` for a known path and another method, and the member's
// token for routes that need one (401 without it). Adding a route is one add() call in the
// resource's routes file.

#include "httpmessage.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace confab {

class PendingResponse;
struct Identity;

struct RouteContext
{
    const HttpRequest &request;
    PendingResponse &response;
    Identity *identity = nullptr; // the signed-in member, for Access::Member routes
    bool streamed = false; // the handler answered by taking the connection over (a stream)

    // The path segment matched by `{name}` in the route's pattern.
    QString param(QStringView name) const;

    QStringList paramNames;
    QStringList paramValues;
};

class Router
{
public:
    enum class Access { Public, Member };
    using Handler = std::function<HttpReply(RouteContext &)>;
    // Token (as sent) → the member it belongs to, or nullptr.
    using Authenticator = std::function<Identity *(const QByteArray &token)>;
    // True when a state-changing request may proceed (docs/protocol.md, "Authentication").
    using OriginCheck = std::function<bool(const HttpRequest &)>;

    Router(Authenticator authenticate, OriginCheck originAllowed);

    // `pattern`: a path whose segments are literal or `{name}` (one whole segment, any text).
    void add(const QByteArray &method, const QString &pattern, Access access, Handler handler);
    // Answers GET and HEAD for any path outside `reservedPrefix` that no route's pattern matches
    // (the static web client); other methods there get 405. Paths under the prefix never get it.
    void setFallback(const QString &reservedPrefix, Handler handler);

    // Routes the request; `*streamed` tells whether the returned reply is to be sent at all.
    HttpReply route(const HttpRequest &request, PendingResponse &response, bool *streamed) const;

    // The token of a request: `Authorization: Bearer`, else the `token` query parameter.
    static QByteArray tokenOf(const HttpRequest &request);

private:
    struct Route
    {
        QByteArray method;
        QStringList segments;
        Access access;
        Handler handler;
    };
    static bool matches(const Route &route, const QStringList &path, RouteContext *context);

    Authenticator m_authenticate;
    OriginCheck m_originAllowed;
    std::vector<Route> m_routes;
    QString m_reservedPrefix;
    Handler m_fallback;
};

} // namespace confab
