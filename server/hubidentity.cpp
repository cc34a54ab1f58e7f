#include "hubidentity.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace confab {

namespace {

// Long enough never to expire in practice: the pin, not the dates, is what clients check.
constexpr long CertificateValidDays = 100L * 365;
constexpr const char *CertificateCommonName = "Confab hub";
// Clients pin the fingerprint, so names matter only to tools that check them against a CA file
// (`curl --cacert hub-cert.pem https://127.0.0.1:PORT/`): the machine's own names.
constexpr const char *CertificateAltNames = "DNS:localhost,IP:127.0.0.1,IP:::1";

bool addAltNames(X509 *cert)
{
    X509V3_CTX context;
    X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION *extension
        = X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, CertificateAltNames);
    const bool ok = extension && X509_add_ext(cert, extension, -1);
    X509_EXTENSION_free(extension);
    return ok;
}

template<typename T, void (*Free)(T *)> struct Deleter
{
    void operator()(T *p) const { Free(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? QByteArray(data, qsizetype(size)) : QByteArray();
}

void setError(QString *errorMessage, const QString &text)
{
    if (errorMessage)
        *errorMessage = text;
}

// Written atomically and with owner-only permissions from the start.
bool writePrivateFile(const QString &path, const QByteArray &bytes, QString *errorMessage)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(bytes) != bytes.size() || !file.commit()) {
        setError(errorMessage, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    return true;
}

} // namespace

QString HubIdentity::fingerprintOf(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    return QString::fromLatin1(
        QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256).toHex());
}

bool HubIdentity::loadOrCreate(const QString &dataDir, QString *errorMessage)
{
    if (!QDir().mkpath(dataDir)) {
        setError(errorMessage, QStringLiteral("cannot create the data directory %1").arg(dataDir));
        return false;
    }
    const QString certPath = QDir(dataDir).filePath(QLatin1StringView(CertificateFileName));
    const QString keyPath = QDir(dataDir).filePath(QLatin1StringView(KeyFileName));
    const bool certExists = QFileInfo::exists(certPath);
    const bool keyExists = QFileInfo::exists(keyPath);
    if (!certExists && !keyExists)
        return create(certPath, keyPath, errorMessage) && load(certPath, keyPath, errorMessage);
    if (!certExists || !keyExists) {
        setError(errorMessage,
                 QStringLiteral("the hub's TLS identity is incomplete: %1 is missing (move the "
                                "other file away to create a new identity, which every client "
                                "will see as a different hub)")
                     .arg(certExists ? keyPath : certPath));
        return false;
    }
    return load(certPath, keyPath, errorMessage);
}

bool HubIdentity::load(const QString &certPath, const QString &keyPath, QString *errorMessage)
{
    QFile certFile(certPath);
    if (!certFile.open(QIODevice::ReadOnly)) {
        setError(errorMessage,
                 QStringLiteral("cannot read the hub's TLS certificate %1: %2")
                     .arg(certPath, certFile.errorString()));
        return false;
    }
    const QList<QSslCertificate> certificates
        = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (certificates.size() != 1 || certificates.first().isNull()) {
        setError(errorMessage,
                 QStringLiteral("the hub's TLS certificate %1 is corrupt (not one PEM "
                                "certificate); refusing to start rather than change identity")
                     .arg(certPath));
        return false;
    }
    QFile keyFile(keyPath);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        setError(errorMessage,
                 QStringLiteral("cannot read the hub's TLS key %1: %2")
                     .arg(keyPath, keyFile.errorString()));
        return false;
    }
    const QSslKey key(keyFile.readAll(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    if (key.isNull()) {
        setError(errorMessage,
                 QStringLiteral("the hub's TLS key %1 is corrupt; refusing to start rather than "
                                "change identity")
                     .arg(keyPath));
        return false;
    }
    m_certificate = certificates.first();
    m_key = key;
    return true;
}

bool HubIdentity::create(const QString &certPath, const QString &keyPath, QString *errorMessage)
{
    PKeyPtr key(EVP_EC_gen("P-256"));
    X509Ptr cert(X509_new());
    if (!key || !cert) {
        setError(errorMessage, QStringLiteral("OpenSSL could not create a key pair"));
        return false;
    }
    // A random 159-bit serial, as RFC 5280 asks of serials (positive, at most 20 bytes).
    ASN1_INTEGER *serial = X509_get_serialNumber(cert.get());
    BIGNUM *serialNumber = BN_new();
    const bool serialOk = serialNumber
        && BN_rand(serialNumber, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)
        && BN_to_ASN1_INTEGER(serialNumber, serial);
    BN_free(serialNumber);
    X509_NAME *name = X509_get_subject_name(cert.get());
    const bool ok = serialOk && X509_set_version(cert.get(), 2)
        && X509_gmtime_adj(X509_getm_notBefore(cert.get()), -24L * 3600)
        && X509_gmtime_adj(X509_getm_notAfter(cert.get()), CertificateValidDays * 24 * 3600)
        && X509_set_pubkey(cert.get(), key.get())
        && X509_NAME_add_entry_by_txt(
                        name, "CN", MBSTRING_ASC,
                        reinterpret_cast<const unsigned char *>(CertificateCommonName), -1, -1, 0)
        && X509_set_issuer_name(cert.get(), name) && addAltNames(cert.get())
        && X509_sign(cert.get(), key.get(), EVP_sha256());
    if (!ok) {
        setError(errorMessage, QStringLiteral("OpenSSL could not create a certificate"));
        return false;
    }
    BioPtr keyBio(BIO_new(BIO_s_mem()));
    BioPtr certBio(BIO_new(BIO_s_mem()));
    if (!keyBio || !certBio
        || !PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)
        || !PEM_write_bio_X509(certBio.get(), cert.get())) {
        setError(errorMessage, QStringLiteral("OpenSSL could not encode the identity"));
        return false;
    }
    // The key first: a certificate without its key is reported as incomplete at the next start.
    return writePrivateFile(keyPath, bioContents(keyBio.get()), errorMessage)
        && writePrivateFile(certPath, bioContents(certBio.get()), errorMessage);
}

} // namespace confab
