#pragma once
// The hub's own view of an HTTP request and answer, independent of the QtHttpServer version.
// HttpServerAdapter converts to and from QtHttpServer's types; everything else uses these.

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace confab {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

struct HttpRequest
{
    QByteArray method; // upper case, e.g. "GET"
    QString path; // decoded path, e.g. "/api/v1/rooms/lobby/events"
    QUrlQuery query;
    HttpHeaders headers; // names as sent
    QByteArray body;
    QHostAddress peer;
    bool encrypted = false; // arrived over TLS

    // Case-insensitive, as HTTP header names are; empty when absent.
    QByteArray header(QByteArrayView name) const;
};

struct HttpReply
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    HttpHeaders headers; // extra headers (Allow, Retry-After, security headers...)
    bool headOnly = false; // answer to HEAD: the GET head (Content-Length included), no body
    // >= 0: the Content-Length a HEAD answer announces when the body was not made (a file's size).
    qint64 headLength = -1;

    static HttpReply json(int status, const QByteArray &body);
    // `{"error": {"code", "message"}}`, the one error shape (docs/protocol.md "Errors").
    static HttpReply error(int status, QLatin1StringView code, const QString &message);
    static HttpReply noContent();
};

namespace http {
QByteArray reasonPhrase(int status);
QByteArray errorBody(QLatin1StringView code, const QString &message);
// Whether an answer with this status has a body (RFC 9110: never for 1xx, 204 and 304).
bool statusHasBody(int status);
// `reply` as HTTP/1.1 bytes: status line, Content-Type, Content-Length, the extra headers, and the
// body. The one writer of answers on every QtHttpServer version, so that the bytes are the same on
// all of them: Qt 6.8's responder derives Content-Length from the bytes it is given, which is wrong
// for HEAD (the GET body's length, no body) and for 204 (no Content-Length at all).
QByteArray serializeReply(const HttpReply &reply);
// A complete HTTP/1.1 answer that closes the connection, for refusals before QtHttpServer parses.
QByteArray rawClosingReply(int status, QLatin1StringView code, const QString &message);
} // namespace http

} // namespace confab
