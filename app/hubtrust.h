#pragma once
// Trust on first use for hubs joined by address (docs/protocol.md, "TLS"): what this computer
// remembers of each hub's identity, and a probe that learns the certificate a hub presents
// without sending it anything. Joining by a link with #fp= or from the LAN beacon pins directly.

#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <optional>

class QSslSocket;

namespace confab {

// One fingerprint per hub (host and port), in the application's QSettings.
class HubTrustStore
{
public:
    static QString keyOf(const QUrl &url); // "host:port", IPv6 in brackets
    QString remembered(const QUrl &url) const; // 64 hex digits, or empty
    void remember(const QUrl &url, const QString &fingerprint);
    void forget(const QUrl &url);
};

// `https://HOST:PORT/#fp=HEX` (what the host's window copies and shows as a QR code): the
// fingerprint, or empty when the link carries none; *malformed is set when fp= is there but is
// not a fingerprint.
QString fingerprintOfLink(const QUrl &link, bool *malformed = nullptr);

// A fingerprint for people to compare: groups of four digits, `groupsPerLine` to a line.
QString groupedFingerprint(const QString &fingerprint, int groupsPerLine);

// Connects, completes a TLS handshake, reads the hub's certificate and closes: no byte of HTTP
// (no name, password or token) is sent. Every certificate is accepted here, because nothing is
// trusted yet: what the user or the store then decides is what counts.
class TlsProbe : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultTimeoutMs = 10000;

    enum class Outcome {
        Certificate, // fingerprint() is the hub's
        NotTls, // something answered, but not with TLS (a hub with --tls off, an older Confab)
        Unreachable, // no connection within the timeout, refused, no such host
    };
    Q_ENUM(Outcome)

    explicit TlsProbe(QObject *parent = nullptr);
    ~TlsProbe() override;

    void start(const QUrl &hubUrl, int timeoutMs = DefaultTimeoutMs);
    void abort();
    QString fingerprint() const { return m_fingerprint; }
    QString errorText() const { return m_error; } // the socket's own words, for Unreachable

signals:
    void finished(confab::TlsProbe::Outcome outcome);

private:
    void finish(Outcome outcome);

    QSslSocket *m_socket = nullptr;
    QTimer m_timeout;
    QString m_fingerprint;
    QString m_error;
    bool m_connected = false;
};

} // namespace confab
