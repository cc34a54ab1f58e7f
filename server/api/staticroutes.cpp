// GET / and every other path outside /api: the web client from the binary's resources.

#include "jsonbody.h"
#include "routes.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace confab {

namespace {

constexpr QLatin1StringView SecurityHeadersCsp(
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'");

QByteArray contentTypeFor(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1StringView("html"))
        return QByteArrayLiteral("text/html; charset=utf-8");
    if (suffix == QLatin1StringView("js") || suffix == QLatin1StringView("mjs"))
        return QByteArrayLiteral("text/javascript; charset=utf-8");
    if (suffix == QLatin1StringView("css"))
        return QByteArrayLiteral("text/css; charset=utf-8");
    if (suffix == QLatin1StringView("svg"))
        return QByteArrayLiteral("image/svg+xml");
    if (suffix == QLatin1StringView("png"))
        return QByteArrayLiteral("image/png");
    if (suffix == QLatin1StringView("ico"))
        return QByteArrayLiteral("image/x-icon");
    if (suffix == QLatin1StringView("json") || suffix == QLatin1StringView("webmanifest"))
        return QByteArrayLiteral("application/json");
    if (suffix == QLatin1StringView("woff2"))
        return QByteArrayLiteral("font/woff2");
    if (suffix == QLatin1StringView("txt"))
        return QByteArrayLiteral("text/plain; charset=utf-8");
    return QByteArrayLiteral("application/octet-stream");
}

HttpReply staticFile(const QString &path)
{
    QString relative = QDir::cleanPath(path);
    if (relative == QLatin1StringView("/") || relative.isEmpty())
        relative = QStringLiteral("/index.html");
    if (relative.contains(QLatin1StringView("..")))
        return notFound();
    QFile file(QStringLiteral(":/web") + relative);
    if (!file.open(QIODevice::ReadOnly))
        return notFound();
    HttpReply reply {200, contentTypeFor(relative), file.readAll(), {}};
    reply.headers = {
        qMakePair(QByteArrayLiteral("Content-Security-Policy"),
                  QByteArray(SecurityHeadersCsp.data())),
        qMakePair(QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")),
        qMakePair(QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer")),
        qMakePair(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")),
    };
    return reply;
}

} // namespace

void addStaticRoutes(Router &router)
{
    // Everything under /api is the API's: an unknown API path is a 404, never a file.
    router.setFallback(QStringLiteral("/api"),
                       [](RouteContext &context) { return staticFile(context.request.path); });
}

} // namespace confab
