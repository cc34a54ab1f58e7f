#pragma once
// Incremental SHA-256 over libcrypto (which the hub links for its TLS identity anyway): an upload
// is hashed as its bytes are written, at disk speed (OpenSSL uses the CPU's SHA extensions where
// there are any; QCryptographicHash in Qt 6.4 does not).

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace confab {

class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void add(QByteArrayView bytes);
    // 64 lower-case hex digits. The hash cannot be added to afterwards.
    QByteArray hexResult();

private:
    struct Context;
    std::unique_ptr<Context> m_context;
};

} // namespace confab
