#include "pinnedtls.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QUrl>

namespace confab {

namespace {

constexpr qsizetype DigestBytes = 32; // SHA-256
constexpr const char *RefusalProperty = "confabTlsPinRefusal";

QByteArray digestOf(const QSslCertificate &certificate)
{
    return certificate.isNull()
        ? QByteArray()
        : QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256);
}

// Whether the reply's hub is the pinned one; when not, the refusal is recorded on the reply.
bool checkPeer(QNetworkReply *reply, const QByteArray &pinned)
{
    const QByteArray actual = digestOf(reply->sslConfiguration().peerCertificate());
    if (!actual.isEmpty() && actual == pinned)
        return true;
    const QString message
        = QCoreApplication::translate(
              "cli",
              "Refused %1: the hub's certificate is not the pinned one. "
              "Expected fingerprint %2, the hub presented %3. Someone may be "
              "impersonating the hub, or it has a new identity; nothing was "
              "sent.")
              .arg(reply->url().authority(), QString::fromLatin1(pinned.toHex()),
                   actual.isEmpty() ? QCoreApplication::translate("cli", "no certificate")
                                    : QString::fromLatin1(actual.toHex()));
    reply->setProperty(RefusalProperty, message);
    return false;
}

} // namespace

std::optional<TlsPin> TlsPin::parse(const QString &text)
{
    QString hex = text.trimmed();
    hex.remove(QLatin1Char(':'));
    static const QRegularExpression pattern(QStringLiteral("^[0-9A-Fa-f]{64}$"));
    if (!pattern.match(hex).hasMatch())
        return std::nullopt;
    TlsPin pin;
    pin.m_digest = QByteArray::fromHex(hex.toLatin1());
    if (pin.m_digest.size() != DigestBytes)
        return std::nullopt;
    return pin;
}

QUrl TlsPin::secured(const QUrl &url)
{
    QUrl out = url;
    if (out.scheme() == QLatin1StringView("http"))
        out.setScheme(QStringLiteral("https"));
    return out;
}

void TlsPin::apply(QNetworkRequest &request) const
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    tls.setCaCertificates({}); // no authority vouches for a hub: only the pin does
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    request.setSslConfiguration(tls);
}

void TlsPin::watch(QNetworkReply *reply) const
{
    const QByteArray pinned = m_digest;
    // Every hub certificate is self-signed, so the handshake reports errors: they are ignored
    // for exactly the pinned certificate. Without ignoreSslErrors() the handshake fails and the
    // request is never sent.
    QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                     [reply, pinned](const QList<QSslError> &errors) {
                         if (checkPeer(reply, pinned))
                             reply->ignoreSslErrors(errors);
                     });
    // The second check, for a certificate that raised no error: encrypted() comes after the
    // handshake and before any byte of the request (Qt documents aborting here for this).
    QObject::connect(
        reply, &QNetworkReply::encrypted, reply,
        [reply, pinned] {
            if (!checkPeer(reply, pinned))
                reply->abort();
        },
        Qt::DirectConnection);
}

QString TlsPin::refusalOf(const QNetworkReply *reply)
{
    return reply ? reply->property(RefusalProperty).toString() : QString();
}

} // namespace confab
