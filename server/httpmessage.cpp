#include "httpmessage.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace confab {

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HttpReply HttpReply::json(int status, const QByteArray &body)
{
    return HttpReply {status, QByteArrayLiteral("application/json"), body, {}};
}

HttpReply HttpReply::error(int status, QLatin1StringView code, const QString &message)
{
    return json(status, http::errorBody(code, message));
}

HttpReply HttpReply::noContent()
{
    return HttpReply {204, {}, {}, {}};
}

namespace http {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 204:
        return QByteArrayLiteral("No Content");
    case 206:
        return QByteArrayLiteral("Partial Content");
    case 304:
        return QByteArrayLiteral("Not Modified");
    case 308:
        return QByteArrayLiteral("Permanent Redirect");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 411:
        return QByteArrayLiteral("Length Required");
    case 413:
        return QByteArrayLiteral("Payload Too Large");
    case 410:
        return QByteArrayLiteral("Gone");
    case 412:
        return QByteArrayLiteral("Precondition Failed");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 416:
        return QByteArrayLiteral("Range Not Satisfiable");
    case 426:
        return QByteArrayLiteral("Upgrade Required");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 507:
        return QByteArrayLiteral("Insufficient Storage");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    default:
        return QByteArrayLiteral("Status");
    }
}

QByteArray errorBody(QLatin1StringView code, const QString &message)
{
    const QJsonObject error {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    return QJsonDocument(QJsonObject {{QStringLiteral("error"), error}})
        .toJson(QJsonDocument::Compact);
}

bool statusHasBody(int status)
{
    return status >= 200 && status != 204 && status != 304;
}

QByteArray serializeReply(const HttpReply &reply)
{
    const bool hasBody = statusHasBody(reply.status);
    QByteArray out;
    out.reserve(256 + (hasBody && !reply.headOnly ? reply.body.size() : 0));
    out += "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reasonPhrase(reply.status)
        + "\r\n";
    if (!reply.contentType.isEmpty())
        out += "Content-Type: " + reply.contentType + "\r\n";
    // A HEAD answer announces the length the GET body has.
    if (hasBody)
        out += "Content-Length: "
            + QByteArray::number(reply.headOnly && reply.headLength >= 0 ? reply.headLength
                                                                         : reply.body.size())
            + "\r\n";
    for (const auto &[name, value] : reply.headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n";
    if (hasBody && !reply.headOnly)
        out += reply.body;
    return out;
}

QByteArray rawClosingReply(int status, QLatin1StringView code, const QString &message)
{
    const QByteArray body = errorBody(code, message);
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
        + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n\r\n" + body;
}

} // namespace http
} // namespace confab
