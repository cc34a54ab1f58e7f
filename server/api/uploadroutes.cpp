// tus 1.0.0 uploads (core, creation, termination, expiration) at /api/v2/uploads
// (docs/protocol.md "Files"). Every answer carries Tus-Resumable, errors included, so the routes
// authenticate by themselves (the router's 401 would not carry it). A PATCH arrives here with its
// body still on the socket (GuardedTcpServer's streamed body); UploadReceiver writes it to disk.

#include "chat/identityservice.h"
#include "files/fileservice.h"
#include "files/uploadreceiver.h"
#include "httpserveradapter.h"
#include "hubsettings.h"
#include "jsonbody.h"
#include "routes.h"

#include <QDateTime>
#include <QLocale>

namespace confab {

namespace {
constexpr QByteArrayView TusVersion("1.0.0");
constexpr QByteArrayView TusExtensions("creation,termination,expiration");
constexpr QByteArrayView OffsetContentType("application/offset+octet-stream");
// File names are display text of at most this many characters.
constexpr int MaxNameChars = 255;
constexpr int MaxTypeHintChars = 255;

HttpReply tus(HttpReply reply)
{
    reply.headers.append(qMakePair(QByteArrayLiteral("Tus-Resumable"), TusVersion.toByteArray()));
    return reply;
}

HttpReply tusError(int status, const char *code, const QString &message)
{
    return tus(apiError(status, code, message));
}

HttpReply tusRefusal(const ServiceError &error)
{
    return tus(refusal(error));
}

QByteArray httpDate(qint64 ms)
{
    return QLocale::c()
        .toString(QDateTime::fromMSecsSinceEpoch(ms).toUTC(),
                  QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
        .toLatin1();
}

// A non-negative decimal number and nothing else (tus headers).
std::optional<qint64> headerNumber(const QByteArray &value)
{
    if (value.isEmpty() || value.size() > 19)
        return std::nullopt;
    for (const char c : value) {
        if (c < '0' || c > '9')
            return std::nullopt;
    }
    bool ok = false;
    const qint64 number = value.toLongLong(&ok);
    return ok ? std::optional<qint64>(number) : std::nullopt;
}

// `Upload-Metadata`: comma-separated `key base64value` (or a bare `key`). nullopt if malformed.
std::optional<QHash<QByteArray, QByteArray>> parseMetadata(const QByteArray &header)
{
    QHash<QByteArray, QByteArray> pairs;
    if (header.trimmed().isEmpty())
        return pairs;
    for (const QByteArray &item : header.split(',')) {
        const QList<QByteArray> parts = item.trimmed().split(' ');
        if (parts.isEmpty() || parts.size() > 2 || parts[0].isEmpty() || pairs.contains(parts[0]))
            return std::nullopt;
        QByteArray value;
        if (parts.size() == 2) {
            const auto decoded = QByteArray::fromBase64Encoding(
                parts[1], QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return std::nullopt;
            value = *decoded;
        }
        pairs.insert(parts[0], value);
    }
    return pairs;
}

bool hasControlCharacters(const QString &text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || (c.unicode() >= 0x7f && c.unicode() <= 0x9f))
            return true;
    }
    return false;
}

// The member behind the request's bearer token (tus clients send it on every request).
Identity *authenticate(HubServices &services, RouteContext &context)
{
    const QByteArray token = Router::tokenOf(context.request);
    if (token.isEmpty())
        return nullptr;
    context.identity = services.identity.authenticate(token);
    return context.identity;
}

std::optional<HttpReply> checkVersion(const RouteContext &context)
{
    if (context.request.header("tus-resumable") == TusVersion)
        return std::nullopt;
    HttpReply reply = tusError(412, "unsupported_version",
                               QStringLiteral("This hub speaks tus 1.0.0 (Tus-Resumable: 1.0.0)."));
    reply.headers.append(qMakePair(QByteArrayLiteral("Tus-Version"), TusVersion.toByteArray()));
    return reply;
}

HttpReply unknownUpload()
{
    return tusError(404, "unknown_upload", QStringLiteral("No such upload."));
}

HttpReply badUpload(const QString &message)
{
    return tusError(400, "bad_upload", message);
}
} // namespace

void addUploadRoutes(Router &router, HubServices &services, FileService &files)
{
    const QString collection
        = QLatin1StringView(protocol::ApiV2Prefix) + QLatin1StringView("/uploads");
    const QString one = collection + QLatin1StringView("/{uid}");

    const auto options = [&files](RouteContext &) {
        HttpReply reply = tus(HttpReply::noContent());
        reply.headers.append(qMakePair(QByteArrayLiteral("Tus-Version"), TusVersion.toByteArray()));
        reply.headers.append(
            qMakePair(QByteArrayLiteral("Tus-Extension"), TusExtensions.toByteArray()));
        reply.headers.append(qMakePair(QByteArrayLiteral("Tus-Max-Size"),
                                       QByteArray::number(files.limits().maxFileBytes)));
        return reply;
    };
    router.add("OPTIONS", collection, Router::Access::Public, options);
    router.add("OPTIONS", one, Router::Access::Public, options);

    router.add("POST", collection, Router::Access::Public,
               [&services, &files, collection](RouteContext &context) {
                   if (auto refused = checkVersion(context))
                       return *refused;
                   if (!authenticate(services, context))
                       return tus(unauthorized());
                   const auto length = headerNumber(context.request.header("upload-length"));
                   if (!length)
                       return badUpload(QStringLiteral(
                           "Upload-Length must be the file's size in bytes (deferred lengths "
                           "are not supported)."));
                   const auto metadata = parseMetadata(context.request.header("upload-metadata"));
                   if (!metadata)
                       return badUpload(QStringLiteral("Upload-Metadata is malformed."));
                   const QString name = QString::fromUtf8(metadata->value("filename"));
                   const QString conversation = QString::fromUtf8(metadata->value("conversation"));
                   const QString typeHint = QString::fromUtf8(metadata->value("filetype"));
                   if (name.trimmed().isEmpty() || conversation.isEmpty())
                       return badUpload(
                           QStringLiteral("Upload-Metadata needs a filename and a conversation."));
                   if (name.size() > MaxNameChars || hasControlCharacters(name))
                       return badUpload(QStringLiteral("File names are 1 to %1 characters, "
                                                       "without control characters.")
                                            .arg(MaxNameChars));
                   if (auto refused = refuseConversationAccess(services, context, conversation))
                       return tus(*refused);
                   const auto created = files.create(
                       context.identity->member, conversation, name,
                       typeHint.size() <= MaxTypeHintChars ? typeHint : QString(), *length);
                   if (!created.ok())
                       return tusRefusal(created.error);
                   HttpReply reply = tus(HttpReply {201, {}, {}, {}});
                   const auto &upload = created.value->upload;
                   reply.headers.append(
                       qMakePair(QByteArrayLiteral("Location"),
                                 (collection + QLatin1Char('/') + upload.record.id).toLatin1()));
                   reply.headers.append(
                       qMakePair(QByteArrayLiteral("Upload-Expires"), httpDate(upload.expiresMs)));
                   if (const auto &finished = created.value->finished) {
                       reply.headers.append(qMakePair(QByteArrayLiteral("Upload-Offset"), "0"));
                       reply.headers.append(
                           qMakePair(QByteArrayLiteral("Confab-File-Id"), finished->id.toLatin1()));
                       reply.headers.append(qMakePair(QByteArrayLiteral("Confab-Message-Id"),
                                                      QByteArray::number(finished->messageId)));
                   }
                   return reply;
               });

    router.add("HEAD", one, Router::Access::Public, [&services, &files](RouteContext &context) {
        if (auto refused = checkVersion(context))
            return *refused;
        if (!authenticate(services, context))
            return tus(unauthorized());
        const auto upload = files.find(context.param(u"uid"), context.identity->member.id);
        if (!upload)
            return unknownUpload();
        HttpReply reply = tus(HttpReply {200, {}, {}, {}});
        reply.headers.append(
            qMakePair(QByteArrayLiteral("Upload-Offset"), QByteArray::number(upload->offset)));
        reply.headers.append(qMakePair(QByteArrayLiteral("Upload-Length"),
                                       QByteArray::number(upload->record.length)));
        reply.headers.append(
            qMakePair(QByteArrayLiteral("Upload-Expires"), httpDate(upload->expiresMs)));
        reply.headers.append(qMakePair(QByteArrayLiteral("Cache-Control"), "no-store"));
        return reply;
    });

    router.add("DELETE", one, Router::Access::Public, [&services, &files](RouteContext &context) {
        if (auto refused = checkVersion(context))
            return *refused;
        if (!authenticate(services, context))
            return tus(unauthorized());
        if (!files.remove(context.param(u"uid"), context.identity->member.id))
            return unknownUpload();
        return tus(HttpReply::noContent());
    });

    router.add("PATCH", one, Router::Access::Public, [&services, &files](RouteContext &context) {
        if (auto refused = checkVersion(context))
            return *refused;
        if (!authenticate(services, context))
            return tus(unauthorized());
        const QString uploadId = context.param(u"uid");
        const auto upload = files.find(uploadId, context.identity->member.id);
        if (!upload)
            return unknownUpload();
        const QByteArray contentType = context.request.header("content-type");
        if (contentType.trimmed().compare(OffsetContentType, Qt::CaseInsensitive) != 0)
            return tusError(415, "bad_content_type",
                            QStringLiteral("A PATCH body is application/offset+octet-stream."));
        const QByteArray transferEncoding = context.request.header("transfer-encoding");
        const QByteArray lengthHeader = context.request.header("content-length");
        if ((!transferEncoding.isEmpty()
             && transferEncoding.compare("identity", Qt::CaseInsensitive) != 0)
            || lengthHeader.isEmpty())
            return tusError(411, "length_required",
                            QStringLiteral("A PATCH needs a Content-Length (no chunked bodies)."));
        const auto bodyLength = headerNumber(lengthHeader);
        if (!bodyLength)
            return badUpload(QStringLiteral("Content-Length is not a number."));
        const auto offset = headerNumber(context.request.header("upload-offset"));
        if (!offset)
            return badUpload(QStringLiteral("Upload-Offset must be a number of bytes."));
        if (*offset != upload->offset) {
            HttpReply reply = tusError(409, "offset_mismatch",
                                       QStringLiteral("The upload is at offset %1, not %2.")
                                           .arg(upload->offset)
                                           .arg(*offset));
            reply.headers.append(
                qMakePair(QByteArrayLiteral("Upload-Offset"), QByteArray::number(upload->offset)));
            return reply;
        }
        if (*bodyLength > upload->record.length - upload->offset)
            return badUpload(QStringLiteral("The body is longer than what is left of the upload."));
        QTcpSocket *socket = context.response.takeBodySocket();
        if (!socket)
            return badUpload(QStringLiteral("Send a PATCH to the path Location named."));
        auto *receiver = new UploadReceiver(
            socket, &files, uploadId, *bodyLength, services.settings.requestTimeoutMs,
            {qMakePair(QByteArrayLiteral("Tus-Resumable"), TusVersion.toByteArray())});
        context.streamed = true;
        if (auto refused = files.beginPatch(uploadId, *offset, *bodyLength, receiver)) {
            receiver->refuse(refused->status, refused->code, refused->message);
            return HttpReply {};
        }
        // curl and others wait (a second, for curl) for this before sending a large body.
        if (context.request.header("expect").compare("100-continue", Qt::CaseInsensitive) == 0)
            socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        receiver->start();
        return HttpReply {};
    });
}

} // namespace confab
