#include "identityservice.h"

#include "conversationservice.h"
#include "passwordcheck.h"
#include "protocol.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>

#include <algorithm>

Q_LOGGING_CATEGORY(lcIdentity, "confab.hub.identity")

namespace confab {

namespace {
constexpr int TokenBytes = 32; // 256 bits, above the 128 the protocol promises
constexpr int MemberIdBytes = 8;
constexpr qint64 MsPerDay = 24LL * 60 * 60 * 1000;
// last_used is written at most this often per session: a read must not cost a disk write.
constexpr qint64 SessionTouchIntervalMs = 60LL * 60 * 1000;
// A name stays reserved this long after its session is created, even before the member's first
// stream opens, so two people signing in at once cannot both take it.
constexpr qint64 NameReservationMs = 30 * 1000;

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    for (int i = 0; i < count; ++i)
        bytes[i] = char(QRandomGenerator::system()->bounded(256));
    return bytes;
}

QByteArray hashToken(QByteArrayView token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool hasControlCharacters(const QString &text)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return true;
    }
    return false;
}
} // namespace

IdentityService::IdentityService(ChatStore &store, ConversationService &conversations,
                                 const PasswordCheck &password, int sessionExpiryDays,
                                 QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_conversations(conversations)
    , m_password(password)
    , m_sessionExpiryDays(sessionExpiryDays)
{ }

void IdentityService::restore()
{
    const qint64 expiredBefore = nowMs() - m_sessionExpiryDays * MsPerDay;
    for (const ChatStore::Session &session : m_store.loadSessions(expiredBefore)) {
        // A hub-wide (v2) session has no room; a v1 session needs its room to still exist.
        if (session.room.isEmpty() || m_conversations.findRoom(session.room))
            add(session, false);
    }
}

void IdentityService::add(const ChatStore::Session &session, bool fresh)
{
    m_idByTokenHash.insert(session.tokenHash, session.member.id);
    const auto known = m_byId.find(session.member.id);
    if (known != m_byId.end()) {
        // Another session of a member we have (a hand-off's, or the first one restored after it).
        Identity &identity = known->second;
        identity.tokenHashes.append(session.tokenHash);
        identity.lastUsedMs = std::max(identity.lastUsedMs, session.lastUsedMs);
        identity.lastPersistedUseMs = std::max(identity.lastPersistedUseMs, session.lastUsedMs);
        return;
    }
    Identity identity;
    identity.member = session.member;
    identity.room = session.room;
    identity.tokenHashes = {session.tokenHash};
    identity.createdMs = fresh ? session.createdMs : 0;
    identity.lastUsedMs = session.lastUsedMs;
    identity.lastPersistedUseMs = session.lastUsedMs;
    m_byId.insert_or_assign(session.member.id, std::move(identity));
}

bool IdentityService::nameTaken(const QString &room, const QString &name) const
{
    const qint64 now = nowMs();
    for (const auto &entry : m_byId) {
        const Identity &other = entry.second;
        if (other.room != room || other.member.name.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        const bool reserved = !m_conversations.hasEverStreamed(other.member.id)
            && now - other.createdMs < NameReservationMs;
        if (m_conversations.isPresent(other.member.id) || reserved)
            return true;
    }
    return false;
}

Outcome<IdentityService::NewSession> IdentityService::newSession(const SessionRequest &request,
                                                                 const QString &room)
{
    if (!m_password.matches(request.password.value_or(QString())))
        return ServiceError {401, protocol::error::WrongPassword,
                             QStringLiteral("The room password is wrong.")};
    const QString name = request.name.trimmed();
    if (name.isEmpty() || name.size() > protocol::MaxNameChars || hasControlCharacters(name))
        return ServiceError {
            400, protocol::error::BadName,
            QStringLiteral("Names are 1 to %1 printable characters.").arg(protocol::MaxNameChars)};
    if (nameTaken(room, name))
        return ServiceError {409, protocol::error::NameTaken,
                             QStringLiteral("Someone online already uses that name.")};

    const QByteArray token
        = randomBytes(TokenBytes)
              .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const qint64 now = nowMs();
    ChatStore::Session session {
        hashToken(token),
        Member {QStringLiteral("m_") + QString::fromLatin1(randomBytes(MemberIdBytes).toHex()),
                name},
        room, now, now};
    if (!m_store.saveSession(session))
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not save the session.")};
    return NewSession {session, QString::fromLatin1(token)};
}

Outcome<SessionInfo> IdentityService::signIn(const SessionRequest &request)
{
    const QString roomId = request.room.value_or(QString::fromLatin1(protocol::DefaultRoomId));
    const ConversationService::Room *room = m_conversations.findRoom(roomId);
    if (!room)
        return ServiceError {404, protocol::error::UnknownRoom, QStringLiteral("No such room.")};
    const Outcome<NewSession> created = newSession(request, room->id);
    if (!created.ok())
        return created.error;
    const ChatStore::Session *session = &created.value->session;
    if (!m_conversations.join(session->member, room->id, session->createdMs)) {
        m_store.deleteSession(session->tokenHash);
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not save the session.")};
    }
    add(*session, true);
    m_conversations.notifyChanged();
    qCInfo(lcIdentity) << "session started for" << session->member.name << "in" << room->id;
    return SessionInfo {created.value->token, session->member, room->id, room->title};
}

Outcome<HubSession> IdentityService::signInToHub(const SessionRequest &request)
{
    const Outcome<NewSession> created = newSession(request, QString());
    if (!created.ok())
        return created.error;
    const ChatStore::Session *session = &created.value->session;
    const QString lobby = QString::fromLatin1(protocol::DefaultRoomId);
    if (m_conversations.findConversation(lobby)
        && !m_conversations.join(session->member, lobby, session->createdMs)) {
        m_store.deleteSession(session->tokenHash);
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not save the session.")};
    }
    add(*session, true);
    m_conversations.notifyChanged();
    qCInfo(lcIdentity) << "hub session started for" << session->member.name;
    return HubSession {created.value->token, session->member, m_store.instance()};
}

const Identity *IdentityService::findMember(const QString &memberId) const
{
    const auto it = m_byId.find(memberId);
    return it == m_byId.end() ? nullptr : &it->second;
}

Identity *IdentityService::authenticate(const QByteArray &token)
{
    const QByteArray tokenHash = hashToken(token);
    const QString memberId = m_idByTokenHash.value(tokenHash);
    const auto it = m_byId.find(memberId);
    if (memberId.isEmpty() || it == m_byId.end())
        return nullptr;
    Identity &identity = it->second;
    const qint64 now = nowMs();
    if (now - identity.lastUsedMs > m_sessionExpiryDays * MsPerDay)
        return nullptr;
    identity.lastUsedMs = now;
    if (now - identity.lastPersistedUseMs > SessionTouchIntervalMs) {
        m_store.touchSession(tokenHash, now);
        identity.lastPersistedUseMs = now;
    }
    return &identity;
}

QByteArray IdentityService::sessionKey(QByteArrayView token)
{
    return hashToken(token);
}

QString IdentityService::memberOfSession(const QByteArray &sessionKey) const
{
    const QString memberId = m_idByTokenHash.value(sessionKey);
    const auto it = m_byId.find(memberId);
    if (memberId.isEmpty() || it == m_byId.end())
        return {};
    // The expiry authenticate() applies to the token applies here too.
    if (nowMs() - it->second.lastUsedMs > m_sessionExpiryDays * MsPerDay)
        return {};
    return memberId;
}

void IdentityService::endSession(const Identity &identity, const QByteArray &token)
{
    const QByteArray tokenHash = hashToken(token);
    m_store.deleteSession(tokenHash);
    m_idByTokenHash.remove(tokenHash);
    emit sessionClosed(tokenHash);
    const auto entry = m_byId.find(identity.member.id);
    if (entry != m_byId.end() && entry->second.tokenHashes.size() > 1) {
        entry->second.tokenHashes.removeAll(tokenHash);
        qCInfo(lcIdentity) << "one session of" << identity.member.name << "ended; others remain";
        return;
    }
    // Copies: `identity` lives in the map entry erased below.
    const Member who = identity.member;
    const QString room = identity.room;
    m_byId.erase(who.id);
    m_handoffs.forgetMember(who.id);
    if (!room.isEmpty()) {
        m_conversations.leave(who, room, nowMs());
    } else {
        // A hub-wide member leaves every channel; DMs keep both sides (their history stays).
        for (const auto *conversation : m_conversations.conversationsOf(who.id)) {
            if (!conversation->isDm())
                m_conversations.leave(who, conversation->id, nowMs());
        }
    }
    m_conversations.closeStreamsOf(who.id);
    qCInfo(lcIdentity) << "session ended for" << who.name;
    m_conversations.notifyChanged();
    emit sessionEnded(who.id);
}

Outcome<HandoffCodes::Issued> IdentityService::issueHandoff(const Identity &identity,
                                                            qint64 lifetimeMs)
{
    // The page a code opens speaks API v2 only; a v1 (one-room) session has nothing to hand.
    if (!identity.room.isEmpty())
        return ServiceError {400, protocol::error::BadRequest,
                             QStringLiteral("Hand-off needs a hub-wide (API v2) session.")};
    return m_handoffs.issue(identity.member.id, lifetimeMs);
}

Outcome<HubSession> IdentityService::redeemHandoff(const QString &code, const QString &peer)
{
    const HandoffCodes::Redeemed redeemed = m_handoffs.redeem(code, peer);
    if (redeemed.memberId.isEmpty()) {
        if (redeemed.error == HandoffCodes::RedeemError::RateLimited)
            return ServiceError {429, protocol::error::RateLimited,
                                 QStringLiteral("Too many hand-off attempts; wait a moment."),
                                 redeemed.retryAfterSeconds};
        return ServiceError {404, handofferror::UnknownCode,
                             QStringLiteral("That hand-off code is unknown, used or expired.")};
    }
    const auto it = m_byId.find(redeemed.memberId);
    // The member signed out between issuing and redeeming: their codes died with the session
    // (forgetMember), so this is only a guard.
    if (it == m_byId.end())
        return ServiceError {404, handofferror::UnknownCode,
                             QStringLiteral("That hand-off code is unknown, used or expired.")};
    const Member member = it->second.member;
    const QByteArray token
        = randomBytes(TokenBytes)
              .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const qint64 now = nowMs();
    const ChatStore::Session session {hashToken(token), member, QString(), now, now};
    if (!m_store.saveSession(session))
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not save the session.")};
    add(session, true);
    qCInfo(lcIdentity) << "hand-off session started for" << member.name;
    return HubSession {QString::fromLatin1(token), member, m_store.instance()};
}

std::vector<const Identity *> IdentityService::members() const
{
    std::vector<const Identity *> list;
    list.reserve(m_byId.size());
    for (const auto &entry : m_byId)
        list.push_back(&entry.second);
    return list;
}

} // namespace confab
