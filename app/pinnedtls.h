#pragma once
// A Confab client's trust in a hub: exactly one certificate, named by its SHA-256 fingerprint
// (the hub prints it at start and reports it in /healthz). No certificate authority counts, and a
// hub whose certificate has another fingerprint is refused during the handshake, before any byte
// of the request (a session token, a password) is sent, with a message that names both
// fingerprints, as SSH does. The one place where a client's requests get this treatment: HubApi
// and SseClient call apply() and watch() on every request when they have a pin.

#include <QByteArray>
#include <QString>

#include <optional>

class QNetworkReply;
class QNetworkRequest;
class QUrl;

namespace confab {

class TlsPin
{
public:
    // 64 hex digits, upper or lower case, colons allowed (as `openssl x509 -fingerprint` prints).
    static std::optional<TlsPin> parse(const QString &text);

    QString hex() const { return QString::fromLatin1(m_digest.toHex()); }
    // The same URL over https:// (a pin only makes sense with TLS; the hub serves both on one
    // port).
    static QUrl secured(const QUrl &url);
    // TLS 1.2 or later, and an empty CA list: the pin is the only way a certificate is accepted.
    void apply(QNetworkRequest &request) const;
    // Accepts the reply's handshake exactly when the hub's certificate has this fingerprint;
    // otherwise the reply ends with an error and refusalOf() says why.
    void watch(QNetworkReply *reply) const;
    // Why the reply's hub was refused, or empty.
    static QString refusalOf(const QNetworkReply *reply);

private:
    QByteArray m_digest; // 32 bytes
};

} // namespace confab
