#pragma once
// Identity and sessions: who a token belongs to. Signs members in (password, name rules, a name
// unique among those present), checks tokens (expiry, last use), ends sessions, and keeps the
// sessions across restarts through the store. What a member is in and whether they are online is
// the ConversationService's job.

#include "handoffcodes.h"
#include "outcome.h"
#include "restapi.h"
#include "store/chatstore.h"

#include <QHash>
#include <QList>
#include <QObject>

#include <map>
#include <vector>

namespace confab {

class ConversationService;
class PasswordCheck;

struct Identity
{
    Member member;
    QString room; // API v1: the room the session was made for; empty for a hub-wide (v2) one
    // One per session of this member: the first sign-in's, then one per redeemed hand-off code
    // (the browser a call was handed to signs in as the same member with a token of its own).
    QList<QByteArray> tokenHashes;
    qint64 createdMs = 0; // 0 for a session restored at start: it reserves no name
    qint64 lastUsedMs = 0;
    qint64 lastPersistedUseMs = 0;
};

class IdentityService : public QObject
{
    Q_OBJECT
public:
    IdentityService(ChatStore &store, ConversationService &conversations,
                    const PasswordCheck &password, int sessionExpiryDays,
                    QObject *parent = nullptr);

    // Loads the sessions that have not expired, for rooms the hub has.
    void restore();

    // API v1: a session for one room (`request.room`, default lobby).
    Outcome<SessionInfo> signIn(const SessionRequest &request);
    // API v2: a session for the whole hub; the new member joins `lobby` when the hub has it.
    Outcome<HubSession> signInToHub(const SessionRequest &request);
    // nullptr for an unknown or expired token. Marks the session used.
    Identity *authenticate(const QByteArray &token);
    // Ends the session of `token`. The member leaves (channels, streams) only with their last one:
    // a browser signing out of a handed-off session leaves the window's session alone.
    void endSession(const Identity &identity, const QByteArray &token);

    // Hand-off (docs/protocol.md): a one-time code for a hub-wide session, and its exchange for a
    // new token of the same member. `peer` (the client's address) keys the redeem rate limit.
    Outcome<HandoffCodes::Issued> issueHandoff(const Identity &identity, qint64 lifetimeMs);
    Outcome<HubSession> redeemHandoff(const QString &code, const QString &peer);

    // A session's key: the SHA-256 of its token, as the store keeps it (never the token).
    static QByteArray sessionKey(QByteArrayView token);
    // The member of that session while it lives (not ended, not expired); empty otherwise.
    // Does not count as a use of the session.
    QString memberOfSession(const QByteArray &sessionKey) const;

    // Every member with a live session (v1 and v2), in no particular order.
    std::vector<const Identity *> members() const;
    const Identity *findMember(const QString &memberId) const;

signals:
    // One session ended (signed out): every session, also one of several of a member.
    void sessionClosed(const QByteArray &sessionKey);
    // The member's last session ended: they left.
    void sessionEnded(const QString &memberId);

private:
    bool nameTaken(const QString &room, const QString &name) const;
    struct NewSession
    {
        ChatStore::Session session;
        QString token; // the clear token, only for the answer
    };
    // Checks the password and name, stores a session for `room` ("" for the whole hub).
    Outcome<NewSession> newSession(const SessionRequest &request, const QString &room);
    void add(const ChatStore::Session &session, bool fresh);

    ChatStore &m_store;
    ConversationService &m_conversations;
    const PasswordCheck &m_password;
    int m_sessionExpiryDays;
    std::map<QString, Identity> m_byId;
    QHash<QByteArray, QString> m_idByTokenHash;
    HandoffCodes m_handoffs;
};

} // namespace confab
