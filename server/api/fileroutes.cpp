// Downloads (docs/protocol.md "Files"): GET/HEAD /api/v2/files/{fid}[/thumbnail] for the members
// of the file's conversation, with one Range, ETag and the headers that keep an uploaded page or
// SVG from running on the hub's origin; and POST /api/v2/session/cookie, the browser's credential
// for these routes (so that no long-lived token is ever put in a URL).

#include "chat/filescookies.h"
#include "chat/identityservice.h"
#include "files/filesender.h"
#include "files/fileservice.h"
#include "files/filetypes.h"
#include "hubsettings.h"
#include "jsonbody.h"
#include "routes.h"

#include <QFile>
#include <QFileInfo>
#include <QUrl>

namespace confab {

namespace {
constexpr QByteArrayView CookieName("confab_files");
// Answers up to this size go out in one piece through the ordinary reply (the connection stays
// open for the next request: thumbnails in a page); larger ones are streamed from disk.
constexpr qint64 InlineReplyBytes = 1024 * 1024;
// A download whose client reads nothing for this long is cut.
constexpr int DownloadStallMs = 60000;

HttpReply unknownFile()
{
    return apiError(404, "unknown_file", QStringLiteral("No such file."));
}

QByteArray cookieValue(const HttpRequest &request)
{
    for (const auto &[name, value] : request.headers) {
        if (name.compare("cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &part : value.split(';')) {
            const QByteArray pair = part.trimmed();
            if (pair.startsWith(QByteArray(CookieName.toByteArray() + '=')))
                return pair.mid(CookieName.size() + 1);
        }
    }
    return {};
}

// The reader: a bearer token (Qt clients) or the files cookie (browsers). Not `?token=`: a
// download link must never carry the session.
QString readerOf(HubServices &services, FilesCookies &cookies, const HttpRequest &request)
{
    const QByteArray authorization = request.header("authorization");
    if (authorization.startsWith("Bearer ") || authorization.startsWith("bearer ")) {
        const Identity *identity = services.identity.authenticate(authorization.mid(7).trimmed());
        return identity ? identity->member.id : QString();
    }
    // The cookie lives exactly as long as the session that asked for it (FilesCookies).
    return cookies.memberFor(cookieValue(request));
}

QByteArray contentDisposition(bool inlineShown, const QString &name)
{
    QByteArray fallback;
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        fallback += (u >= 0x20 && u < 0x7f && u != '"' && u != '\\' && u != '%') ? char(u) : '_';
    }
    return QByteArray(inlineShown ? "inline" : "attachment") + "; filename=\"" + fallback
        + "\"; filename*=UTF-8''" + QUrl::toPercentEncoding(name);
}

struct Range
{
    qint64 start = 0;
    qint64 length = 0;
};
enum class RangeResult { Whole, Partial, Unsatisfiable };

// One `bytes=` range; anything else (several ranges, another unit, garbage) is the whole file.
RangeResult parseRange(const QByteArray &header, qint64 size, Range *range)
{
    *range = {0, size};
    if (!header.startsWith("bytes=") || header.contains(','))
        return RangeResult::Whole;
    const QByteArray spec = header.mid(6).trimmed();
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return RangeResult::Whole;
    const QByteArray first = spec.left(dash).trimmed();
    const QByteArray last = spec.mid(dash + 1).trimmed();
    bool ok = false;
    if (first.isEmpty()) { // the last N bytes
        const qint64 suffix = last.toLongLong(&ok);
        if (!ok || suffix < 0)
            return RangeResult::Whole;
        if (suffix == 0 || size == 0)
            return RangeResult::Unsatisfiable;
        const qint64 length = std::min(suffix, size);
        *range = {size - length, length};
        return RangeResult::Partial;
    }
    const qint64 start = first.toLongLong(&ok);
    if (!ok || start < 0)
        return RangeResult::Whole;
    qint64 end = size - 1;
    if (!last.isEmpty()) {
        end = last.toLongLong(&ok);
        if (!ok || end < start)
            return RangeResult::Whole;
        end = std::min(end, size - 1);
    }
    if (start >= size)
        return RangeResult::Unsatisfiable;
    *range = {start, end - start + 1};
    return RangeResult::Partial;
}

bool etagMatches(const QByteArray &ifNoneMatch, const QByteArray &etag)
{
    if (ifNoneMatch.trimmed() == "*")
        return true;
    for (const QByteArray &candidate : ifNoneMatch.split(',')) {
        QByteArray tag = candidate.trimmed();
        if (tag.startsWith("W/"))
            tag = tag.mid(2);
        if (tag == etag)
            return true;
    }
    return false;
}

HttpReply serveFile(HubServices &services, FileService &files, FilesCookies &cookies,
                    RouteContext &context, bool thumbnail)
{
    const QString member = readerOf(services, cookies, context.request);
    if (member.isEmpty())
        return unauthorized();
    const std::optional<StoredFile> file = files.fileFor(context.param(u"fid"), member);
    if (!file || (thumbnail && !file->thumbnail))
        return unknownFile();
    const QString path
        = thumbnail ? files.thumbnailPath(file->sha256) : files.blobPath(file->sha256);
    auto data = std::make_unique<QFile>(path);
    if (!data->open(QIODevice::ReadOnly))
        return unknownFile();
    const qint64 size = data->size();
    const QString type = thumbnail ? QStringLiteral("image/png") : file->type;
    const bool forceDownload
        = context.request.query.queryItemValue(QStringLiteral("download")) == QLatin1String("1");
    const bool shownInline = !forceDownload && (thumbnail || files::isInlineType(file->type));
    const QByteArray etag = '"' + file->sha256.toLatin1() + (thumbnail ? "-thumbnail" : "") + '"';

    HttpHeaders headers {
        {QByteArrayLiteral("Accept-Ranges"), QByteArrayLiteral("bytes")},
        {QByteArrayLiteral("ETag"), etag},
        {QByteArrayLiteral("Cache-Control"),
         QByteArrayLiteral("private, max-age=31536000, immutable")},
        {QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")},
        {QByteArrayLiteral("Content-Security-Policy"), QByteArrayLiteral("sandbox")},
        {QByteArrayLiteral("Content-Disposition"), contentDisposition(shownInline, file->name)},
    };
    if (etagMatches(context.request.header("if-none-match"), etag)) {
        HttpReply reply {304, {}, {}, headers};
        return reply;
    }
    Range range;
    const RangeResult ranged = parseRange(context.request.header("range"), size, &range);
    if (ranged == RangeResult::Unsatisfiable) {
        HttpReply reply = apiError(416, "range_not_satisfiable",
                                   QStringLiteral("The file has %1 bytes.").arg(size));
        reply.headers = headers;
        reply.headers.append(
            qMakePair(QByteArrayLiteral("Content-Range"), "bytes */" + QByteArray::number(size)));
        return reply;
    }
    const int status = ranged == RangeResult::Partial ? 206 : 200;
    if (status == 206)
        headers.append(qMakePair(QByteArrayLiteral("Content-Range"),
                                 "bytes " + QByteArray::number(range.start) + '-'
                                     + QByteArray::number(range.start + range.length - 1) + '/'
                                     + QByteArray::number(size)));
    const bool head = context.request.method == "HEAD";
    if (!head) {
        ++files.metrics().downloads;
    }
    if (head || range.length <= InlineReplyBytes) {
        HttpReply reply {status, type.toLatin1(), {}, headers};
        if (head) {
            reply.headLength = range.length;
        } else {
            data->seek(range.start);
            reply.body = data->read(range.length);
            if (reply.body.size() != range.length)
                return apiError(500, "internal", QStringLiteral("The file cannot be read."));
            files.metrics().downloadBytes += range.length;
        }
        return reply;
    }
    // Large: the head now, then the body from disk as the connection drains; the connection
    // closes after it (QtHttpServer cannot take it back once the body was ours to write).
    QByteArray raw = "HTTP/1.1 " + QByteArray::number(status) + ' ' + http::reasonPhrase(status)
        + "\r\nContent-Type: " + type.toLatin1()
        + "\r\nContent-Length: " + QByteArray::number(range.length) + "\r\n";
    for (const auto &[name, value] : headers)
        raw += name + ": " + value + "\r\n";
    raw += "Connection: close\r\n\r\n";
    std::unique_ptr<EventStream> stream = context.response.startRawStream(raw);
    if (!stream)
        return apiError(500, "internal", QStringLiteral("The download could not start."));
    context.streamed = true;
    QPointer<FileService> service(&files);
    auto *sender = new FileSender(std::move(stream), std::move(data), range.start, range.length,
                                  DownloadStallMs, [service](qint64 bytes) {
                                      if (service)
                                          service->metrics().downloadBytes += bytes;
                                  });
    files.track(sender);
    sender->start();
    return HttpReply {};
}
} // namespace

void addFileRoutes(Router &router, HubServices &services, FileService &files, FilesCookies &cookies)
{
    const QString one
        = QLatin1StringView(protocol::ApiV2Prefix) + QLatin1StringView("/files/{fid}");
    const QString thumb = one + QLatin1StringView("/thumbnail");
    for (const char *method : {"GET", "HEAD"}) {
        router.add(method, one, Router::Access::Public,
                   [&services, &files, &cookies](RouteContext &context) {
                       return serveFile(services, files, cookies, context, false);
                   });
        router.add(method, thumb, Router::Access::Public,
                   [&services, &files, &cookies](RouteContext &context) {
                       return serveFile(services, files, cookies, context, true);
                   });
    }

    router.add("POST",
               QLatin1StringView(protocol::ApiV2Prefix) + QLatin1StringView("/session/cookie"),
               Router::Access::Member, [&cookies](RouteContext &context) {
                   const QByteArray value = cookies.issue(Router::tokenOf(context.request));
                   QByteArray cookie = CookieName.toByteArray() + '=' + value
                       + "; Path=/api/v2/files; HttpOnly; SameSite=Strict";
                   if (context.request.encrypted)
                       cookie += "; Secure";
                   HttpReply reply = HttpReply::noContent();
                   reply.headers.append(qMakePair(QByteArrayLiteral("Set-Cookie"), cookie));
                   reply.headers.append(qMakePair(QByteArrayLiteral("Cache-Control"), "no-store"));
                   return reply;
               });
}

} // namespace confab
