#include "filescookies.h"

#include "identityservice.h"
#include "store/filestore.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcFilesCookies, "confab.hub.filescookies")

namespace confab {

namespace {

QByteArray cookieHash(QByteArrayView value)
{
    return QCryptographicHash::hash(value, QCryptographicHash::Sha256);
}

} // namespace

FilesCookies::FilesCookies(FileStore &store, IdentityService &identity, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_identity(identity)
{
    connect(&identity, &IdentityService::sessionClosed, this, &FilesCookies::sessionClosed);
}

void FilesCookies::restore()
{
    m_sessionByCookie.clear();
    m_cookieBySession.clear();
    for (const auto &[hash, session] : m_store.loadSessionCookies()) {
        if (m_identity.memberOfSession(session).isEmpty()) {
            m_store.deleteSessionCookie(session); // its session expired while the hub was down
            continue;
        }
        m_sessionByCookie.insert(hash, session);
        m_cookieBySession.insert(session, hash);
    }
}

QByteArray FilesCookies::issue(QByteArrayView token)
{
    const QByteArray session = IdentityService::sessionKey(token);
    QByteArray raw(CookieBytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()),
                                          CookieBytes / int(sizeof(quint32)));
    const QByteArray value
        = raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QByteArray hash = cookieHash(value);
    if (!m_store.saveSessionCookie(session, hash, QDateTime::currentMSecsSinceEpoch()))
        qCWarning(lcFilesCookies) << "files cookie not saved: it ends with a restart of the hub";
    m_sessionByCookie.remove(m_cookieBySession.value(session));
    m_sessionByCookie.insert(hash, session);
    m_cookieBySession.insert(session, hash);
    return value;
}

QString FilesCookies::memberFor(const QByteArray &value) const
{
    // The base64url of CookieBytes is 43 characters; anything much longer is not ours.
    if (value.isEmpty() || value.size() > 2 * CookieBytes)
        return {};
    const auto it = m_sessionByCookie.constFind(cookieHash(value));
    return it == m_sessionByCookie.cend() ? QString() : m_identity.memberOfSession(it.value());
}

void FilesCookies::sessionClosed(const QByteArray &sessionKey)
{
    const auto it = m_cookieBySession.find(sessionKey);
    if (it == m_cookieBySession.end())
        return;
    m_sessionByCookie.remove(it.value());
    m_cookieBySession.erase(it);
    m_store.deleteSessionCookie(sessionKey);
}

} // namespace confab
