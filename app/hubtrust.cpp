#include "hubtrust.h"

#include "pinnedtls.h"
#include "protocol.h"

#include <QCryptographicHash>
#include <QSettings>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QUrlQuery>

namespace confab {

namespace {

constexpr QLatin1StringView TrustGroup("trustedHubs");
constexpr QLatin1StringView FingerprintParameter("fp");

} // namespace

QString HubTrustStore::keyOf(const QUrl &url)
{
    const QString scheme = url.scheme();
    const int defaultPort = scheme == QLatin1StringView("https") ? 443 : protocol::DefaultHubPort;
    QString host = url.host().toLower();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    // QSettings treats '/' and '\' as group separators; a host has neither.
    return host + QLatin1Char(':') + QString::number(url.port(defaultPort));
}

QString HubTrustStore::remembered(const QUrl &url) const
{
    QSettings settings;
    settings.beginGroup(TrustGroup);
    const QString value = settings.value(keyOf(url)).toString();
    return TlsPin::parse(value) ? value : QString();
}

void HubTrustStore::remember(const QUrl &url, const QString &fingerprint)
{
    const auto pin = TlsPin::parse(fingerprint);
    if (!pin)
        return;
    QSettings settings;
    settings.beginGroup(TrustGroup);
    settings.setValue(keyOf(url), pin->hex());
}

void HubTrustStore::forget(const QUrl &url)
{
    QSettings settings;
    settings.beginGroup(TrustGroup);
    settings.remove(keyOf(url));
}

QString groupedFingerprint(const QString &fingerprint, int groupsPerLine)
{
    constexpr int GroupDigits = 4;
    QString out;
    for (qsizetype i = 0; i < fingerprint.size(); i += GroupDigits) {
        if (i > 0) {
            const bool lineEnd = (i / GroupDigits) % groupsPerLine == 0;
            out += lineEnd ? QLatin1Char('\n') : QLatin1Char(' ');
        }
        out += fingerprint.mid(i, GroupDigits);
    }
    return out;
}

QString fingerprintOfLink(const QUrl &link, bool *malformed)
{
    if (malformed)
        *malformed = false;
    // The fragment is never sent to the hub; it reads like a query: fp=HEX.
    const QUrlQuery fragment(link.fragment());
    if (!fragment.hasQueryItem(FingerprintParameter))
        return {};
    const auto pin = TlsPin::parse(fragment.queryItemValue(FingerprintParameter));
    if (!pin) {
        if (malformed)
            *malformed = true;
        return {};
    }
    return pin->hex();
}

TlsProbe::TlsProbe(QObject *parent)
    : QObject(parent)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        m_error = tr("no answer");
        // Connected but no handshake answer: something that is not TLS and waits for a request.
        finish(m_connected ? Outcome::NotTls : Outcome::Unreachable);
    });
}

TlsProbe::~TlsProbe()
{
    abort();
}

void TlsProbe::start(const QUrl &hubUrl, int timeoutMs)
{
    abort();
    m_fingerprint.clear();
    m_error.clear();
    m_connected = false;
    m_socket = new QSslSocket(this);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    // The certificate is only read here, to be shown or compared: nothing is sent over this
    // connection, so no verification applies to it.
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_socket->setSslConfiguration(tls);
    connect(m_socket, &QSslSocket::connected, this, [this] { m_connected = true; });
    connect(m_socket, &QSslSocket::encrypted, this, [this] {
        const QSslCertificate certificate = m_socket->peerCertificate();
        if (certificate.isNull()) {
            finish(Outcome::NotTls);
            return;
        }
        m_fingerprint = QString::fromLatin1(
            QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256).toHex());
        finish(Outcome::Certificate);
    });
    connect(m_socket, &QAbstractSocket::errorOccurred, this, [this] {
        if (!m_socket)
            return;
        m_error = m_socket->errorString();
        // A connection made and then a failed handshake: the other end does not speak TLS.
        finish(m_connected ? Outcome::NotTls : Outcome::Unreachable);
    });
    m_timeout.start(timeoutMs);
    m_socket->connectToHostEncrypted(hubUrl.host(), quint16(hubUrl.port(protocol::DefaultHubPort)));
}

void TlsProbe::abort()
{
    m_timeout.stop();
    if (!m_socket)
        return;
    QSslSocket *socket = m_socket;
    m_socket = nullptr;
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void TlsProbe::finish(Outcome outcome)
{
    abort();
    emit finished(outcome);
}

} // namespace confab
