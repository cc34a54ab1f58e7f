#include "tlspolicy.h"

#include <QUrl>

namespace confab {

std::optional<HttpReply> tlsPolicyAnswer(TlsMode mode, const HttpRequest &request)
{
    if (mode != TlsMode::Required || request.encrypted || request.peer.isLoopback())
        return std::nullopt;
    // The Host header names the address the client used, port included: the same port speaks TLS.
    QUrl target;
    target.setScheme(QStringLiteral("https"));
    target.setAuthority(QString::fromLatin1(request.header("host")));
    target.setPath(request.path);
    target.setQuery(request.query);
    if (!target.isValid() || target.host().isEmpty())
        return HttpReply::error(
            426, QLatin1StringView("tls_required"),
            QStringLiteral("This hub accepts only encrypted connections: use https://."));
    const QByteArray location = target.toEncoded();
    HttpReply reply;
    // 308 keeps the method and body of a POST as well.
    reply.status = 308;
    reply.contentType = QByteArrayLiteral("text/html; charset=utf-8");
    reply.body = QByteArrayLiteral(
                     "<!DOCTYPE html>\n<title>Encrypted connections only</title>\n"
                     "<p>This Confab hub accepts only encrypted connections, so that nobody else "
                     "on the network can read the chat. Go to <a href=\"")
        + location.toPercentEncoding(":/?&=#%")
        + QByteArrayLiteral("\">the https:// address</a>.</p>\n");
    reply.headers.append(qMakePair(QByteArrayLiteral("Location"), location));
    return reply;
}

} // namespace confab
