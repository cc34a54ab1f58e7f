#pragma once
// The hub's TLS identity: an ECDSA P-256 key and a self-signed certificate, created once in the
// hub's data directory (files readable by their owner only) and reused on every start, so that a
// client's pinned fingerprint stays valid. Qt can load keys and certificates but not create them,
// so creation uses OpenSSL's libcrypto directly; everything else is Qt's.
//
// A certificate or key that exists but cannot be read or parsed is an error, never a reason to
// make a new identity: a silent new identity would make every client's pin fail.

#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace confab {

class HubIdentity
{
public:
    static constexpr const char *CertificateFileName = "hub-cert.pem";
    static constexpr const char *KeyFileName = "hub-key.pem";

    // Loads the identity from `dataDir`, creating it when neither file exists yet.
    bool loadOrCreate(const QString &dataDir, QString *errorMessage);

    const QSslCertificate &certificate() const { return m_certificate; }
    const QSslKey &privateKey() const { return m_key; }
    // SHA-256 of the certificate's DER encoding, 64 lower-case hex digits.
    QString fingerprint() const { return fingerprintOf(m_certificate); }
    static QString fingerprintOf(const QSslCertificate &certificate);

private:
    bool create(const QString &certPath, const QString &keyPath, QString *errorMessage);
    bool load(const QString &certPath, const QString &keyPath, QString *errorMessage);

    QSslCertificate m_certificate;
    QSslKey m_key;
};

} // namespace confab
