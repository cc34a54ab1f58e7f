#pragma once
// The files cookie (docs/protocol.md, "Files"): the credential a browser sends with <img src>
// and download links, so that no bearer token ever goes into a URL. Each cookie belongs to the
// session that asked for it (POST /api/v2/session/cookie) and ends with that session: its
// sign-out or expiry ends it, another session of the same member (the window's, a second
// browser's) does not. A session has at most one: asking again replaces it. Kept hashed in the
// store, so that cookies outlive a restart of the hub as the sessions do.

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

namespace confab {

class FileStore;
class IdentityService;

class FilesCookies : public QObject
{
    Q_OBJECT
public:
    static constexpr int CookieBytes = 32; // 256 bits of randomness

    FilesCookies(FileStore &store, IdentityService &identity, QObject *parent = nullptr);

    // Takes the saved cookies whose session is still live; forgets the others. After the
    // identity service restored the sessions.
    void restore();
    // A new cookie value for the session of `token` (replacing the session's earlier one).
    QByteArray issue(QByteArrayView token);
    // The member the cookie stands for, while its session lives; empty otherwise.
    QString memberFor(const QByteArray &value) const;

private:
    void sessionClosed(const QByteArray &sessionKey);

    FileStore &m_store;
    IdentityService &m_identity;
    QHash<QByteArray, QByteArray> m_sessionByCookie; // SHA-256 of the value → session key
    QHash<QByteArray, QByteArray> m_cookieBySession;
};

} // namespace confab
