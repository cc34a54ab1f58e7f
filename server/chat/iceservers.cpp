#include "iceservers.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace confab {

std::optional<QJsonObject> parseIceServer(const QString &text, QString *errorMessage)
{
    const auto fail = [errorMessage](const QString &why) -> std::optional<QJsonObject> {
        if (errorMessage)
            *errorMessage = why;
        return std::nullopt;
    };
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    const QString scheme = text.left(colon).toLower();
    const bool turn = scheme == QLatin1StringView("turn") || scheme == QLatin1StringView("turns");
    const bool stun = scheme == QLatin1StringView("stun") || scheme == QLatin1StringView("stuns");
    if (colon < 0 || (!turn && !stun))
        return fail(QStringLiteral("%1: an ICE server URL starts with stun:, stuns:, turn: or "
                                   "turns:")
                        .arg(text));
    QString rest = text.mid(colon + 1);
    QString username;
    QString credential;
    const qsizetype at = rest.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        if (!turn)
            return fail(QStringLiteral("%1: only TURN servers take credentials").arg(text));
        const QString credentials = rest.left(at);
        const qsizetype split = credentials.indexOf(QLatin1Char(':'));
        if (split <= 0 || split == credentials.size() - 1)
            return fail(QStringLiteral("%1: write TURN credentials as turn:USER:PASSWORD@HOST:PORT")
                            .arg(text));
        username = QUrl::fromPercentEncoding(credentials.left(split).toUtf8());
        credential = QUrl::fromPercentEncoding(credentials.mid(split + 1).toUtf8());
        rest = rest.mid(at + 1);
    } else if (turn) {
        return fail(QStringLiteral("%1: a TURN server needs credentials: "
                                   "turn:USER:PASSWORD@HOST:PORT")
                        .arg(text));
    }
    // HOST (a name, IPv4 or [IPv6]), an optional port, and for TURN an optional transport.
    static const QRegularExpression hostPort(
        QStringLiteral("^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(?::(\\d{1,5}))?"
                       "(\\?transport=(?:udp|tcp))?$"));
    const QRegularExpressionMatch match = hostPort.match(rest);
    if (!match.hasMatch() || (stun && match.capturedLength(3) > 0))
        return fail(QStringLiteral("%1: expected HOST[:PORT] after the scheme (and "
                                   "?transport=udp or tcp for TURN)")
                        .arg(text));
    if (match.capturedLength(2) > 0) {
        const int port = match.captured(2).toInt();
        if (port < 1 || port > 65535)
            return fail(QStringLiteral("%1: the port must be 1 to 65535").arg(text));
    }
    QJsonObject server {
        {QStringLiteral("urls"), QJsonArray {QString(scheme + QLatin1Char(':') + rest)}}};
    if (turn) {
        server.insert(QStringLiteral("username"), username);
        server.insert(QStringLiteral("credential"), credential);
    }
    return server;
}

} // namespace confab
