#include "sqlitechatstore.h"

#include <QDir>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <algorithm>

Q_LOGGING_CATEGORY(lcStore, "confab.hub.store")

namespace confab {

namespace {
constexpr QLatin1StringView FileName("hub.sqlite");
constexpr QLatin1StringView KindMessage("message");
constexpr QLatin1StringView KindJoin("join");
constexpr QLatin1StringView KindLeave("leave");
constexpr int SchemaVersion = 1;
constexpr int FallbackCheckpointPages = 10000;

ChatEvent eventFromRow(const QSqlQuery &query, const QString &room)
{
    const qint64 id = query.value(0).toLongLong();
    const QString kind = query.value(1).toString();
    const Member member {query.value(2).toString(), query.value(3).toString()};
    const qint64 ts = query.value(5).toLongLong();
    if (kind == KindMessage)
        return MessageEvent {
            id, room, member, query.value(4).toString(), ts, query.value(6).toString()};
    const PresenceState state = kind == KindJoin ? PresenceState::Join : PresenceState::Leave;
    return PresenceEvent {state, member, room, id, ts};
}

constexpr QLatin1StringView EventColumns("seq, kind, member_id, member_name, text, ts, client_id");
} // namespace

SqliteChatStore::SqliteChatStore(QString connectionName)
    : m_connectionName(std::move(connectionName))
{ }

SqliteChatStore::~SqliteChatStore()
{
    close();
}

bool SqliteChatStore::exec(const QString &statement, QString *errorMessage)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (query.exec(statement))
        return true;
    qCWarning(lcStore) << "SQL failed:" << statement << query.lastError().text();
    if (errorMessage)
        *errorMessage = query.lastError().text();
    return false;
}

bool SqliteChatStore::open(const QString &directory, QString *errorMessage)
{
    if (!QDir().mkpath(directory)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot create the data directory %1").arg(directory);
        return false;
    }
    m_filePath = QDir(directory).filePath(FileName);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(m_filePath);
        if (!db.open()) {
            if (errorMessage)
                *errorMessage = db.lastError().text();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(m_connectionName);
            return false;
        }
    }
    m_open = true;
    // WAL + NORMAL: a commit survives a crash of the process (not necessarily of the OS) at a
    // fraction of the cost of FULL; that is what "committed before the reply" needs here.
    const bool ok = exec(QStringLiteral("PRAGMA journal_mode=WAL"), errorMessage)
        && exec(QStringLiteral("PRAGMA synchronous=NORMAL"), errorMessage)
        && exec(QStringLiteral("PRAGMA busy_timeout=2000"), errorMessage)
        // Checkpoints run on WalCheckpointer's thread instead of inside a commit. SQLite's own
        // stays as a safety net for a log that thread cannot catch up with (a passive checkpoint
        // never finishes while writes keep coming faster than it copies): 10,000 pages, 40 MB.
        && exec(QStringLiteral("PRAGMA wal_autocheckpoint=%1").arg(FallbackCheckpointPages),
                errorMessage)
        && exec(QStringLiteral("CREATE TABLE IF NOT EXISTS events ("
                               " room TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,"
                               " member_id TEXT NOT NULL, member_name TEXT NOT NULL,"
                               " text TEXT, ts INTEGER NOT NULL, client_id TEXT,"
                               " PRIMARY KEY (room, seq)) WITHOUT ROWID"),
                errorMessage)
        && exec(QStringLiteral("CREATE UNIQUE INDEX IF NOT EXISTS events_client_id"
                               " ON events (room, member_id, client_id)"
                               " WHERE client_id IS NOT NULL"),
                errorMessage)
        && exec(QStringLiteral("CREATE TABLE IF NOT EXISTS sessions ("
                               " token_hash BLOB PRIMARY KEY, member_id TEXT NOT NULL,"
                               " member_name TEXT NOT NULL, room TEXT NOT NULL,"
                               " created INTEGER NOT NULL, last_used INTEGER NOT NULL)"),
                errorMessage)
        && exec(QStringLiteral("PRAGMA user_version=%1").arg(SchemaVersion), errorMessage);
    if (!ok) {
        close();
        return false;
    }
    const QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    m_insertEvent = std::make_unique<QSqlQuery>(db);
    m_findByClientId = std::make_unique<QSqlQuery>(db);
    if (!m_insertEvent->prepare(QStringLiteral("INSERT INTO events (room, seq, kind, member_id,"
                                               " member_name, text, ts, client_id)"
                                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
        || !m_findByClientId->prepare(QStringLiteral("SELECT %1 FROM events WHERE room = ? AND"
                                                     " member_id = ? AND client_id = ?")
                                          .arg(EventColumns))) {
        if (errorMessage)
            *errorMessage = m_insertEvent->lastError().text();
        close();
        return false;
    }
    QSqlQuery query(db);
    query.exec(QStringLiteral("SELECT room, MAX(seq) FROM events GROUP BY room"));
    while (query.next())
        m_lastSequence.insert(query.value(0).toString(), query.value(1).toLongLong());
    m_checkpointer
        = std::make_unique<WalCheckpointer>(m_filePath, m_connectionName + QLatin1String("-wal"));
    qCInfo(lcStore) << "opened" << m_filePath;
    return true;
}

bool SqliteChatStore::noteCommitted(bool ok)
{
    if (ok && m_checkpointer)
        m_checkpointer->noteCommit();
    return ok;
}

void SqliteChatStore::close()
{
    if (!m_open)
        return;
    m_open = false;
    m_checkpointer.reset();
    m_insertEvent.reset();
    m_findByClientId.reset();
    // Leave the database file whole, with an empty log, for a backup or the next start.
    exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
    qCInfo(lcStore) << "closed" << m_filePath;
}

bool SqliteChatStore::insertEvent(const QString &room, qint64 sequence, QLatin1StringView kind,
                                  const Member &member, const QString &text, qint64 ts,
                                  const QString &clientId)
{
    if (!m_open)
        return false;
    QSqlQuery &query = *m_insertEvent;
    query.bindValue(0, room);
    query.bindValue(1, sequence);
    query.bindValue(2, QString(kind));
    query.bindValue(3, member.id);
    query.bindValue(4, member.name);
    query.bindValue(5, text.isNull() ? QVariant() : QVariant(text));
    query.bindValue(6, ts);
    query.bindValue(7, clientId.isEmpty() ? QVariant() : QVariant(clientId));
    // Autocommit: the statement is durable (WAL) when exec() returns.
    const bool ok = query.exec();
    query.finish();
    if (!ok) {
        qCWarning(lcStore) << "insert failed:" << query.lastError().text();
        return false;
    }
    m_lastSequence.insert(room, sequence);
    return noteCommitted(true);
}

std::optional<PublishableEvent> SqliteChatStore::appendMessage(MessageEvent &message)
{
    const qint64 sequence = lastSequence(message.room) + 1;
    if (!insertEvent(message.room, sequence, KindMessage, message.from, message.text, message.ts,
                     message.clientId))
        return std::nullopt;
    message.id = sequence;
    return committed(message);
}

std::optional<PublishableEvent> SqliteChatStore::appendPresence(PresenceEvent &presence)
{
    if (!presence.isHistory())
        return std::nullopt; // online/offline are not stored
    const qint64 sequence = lastSequence(presence.room) + 1;
    const QLatin1StringView kind = presence.state == PresenceState::Join ? KindJoin : KindLeave;
    if (!insertEvent(presence.room, sequence, kind, presence.member, QString(), presence.ts,
                     QString()))
        return std::nullopt;
    presence.id = sequence;
    return committed(presence);
}

std::optional<MessageEvent> SqliteChatStore::messageByClientId(const QString &room,
                                                               const QString &memberId,
                                                               const QString &clientId) const
{
    if (!m_open)
        return std::nullopt;
    QSqlQuery &query = *m_findByClientId;
    query.bindValue(0, room);
    query.bindValue(1, memberId);
    query.bindValue(2, clientId);
    std::optional<MessageEvent> found;
    if (query.exec() && query.next()) {
        const ChatEvent event = eventFromRow(query, room);
        if (const auto *message = std::get_if<MessageEvent>(&event))
            found = *message;
    }
    query.finish();
    return found;
}

std::vector<ChatEvent> SqliteChatStore::eventsAfter(const QString &room, qint64 afterId) const
{
    std::vector<ChatEvent> events;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT %1 FROM events WHERE room = ? AND seq > ? ORDER BY seq")
                      .arg(EventColumns));
    query.addBindValue(room);
    query.addBindValue(afterId);
    if (!query.exec())
        return events;
    while (query.next())
        events.push_back(eventFromRow(query, room));
    return events;
}

std::vector<ChatEvent> SqliteChatStore::eventsBefore(const QString &room, qint64 beforeId,
                                                     int limit, bool *hasMore) const
{
    std::vector<ChatEvent> events;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT %1 FROM events WHERE room = ? AND seq < ?"
                                 " ORDER BY seq DESC LIMIT ?")
                      .arg(EventColumns));
    query.addBindValue(room);
    query.addBindValue(beforeId);
    query.addBindValue(limit + 1); // one more tells whether an older page exists
    if (!query.exec())
        return events;
    while (query.next())
        events.push_back(eventFromRow(query, room));
    if (hasMore)
        *hasMore = int(events.size()) > limit;
    if (int(events.size()) > limit)
        events.pop_back();
    std::reverse(events.begin(), events.end());
    return events;
}

bool SqliteChatStore::saveSession(const Session &session)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(
        QStringLiteral("INSERT OR REPLACE INTO sessions (token_hash, member_id, member_name,"
                       " room, created, last_used) VALUES (?, ?, ?, ?, ?, ?)"));
    query.addBindValue(session.tokenHash);
    query.addBindValue(session.member.id);
    query.addBindValue(session.member.name);
    query.addBindValue(session.room);
    query.addBindValue(session.createdMs);
    query.addBindValue(session.lastUsedMs);
    return noteCommitted(query.exec());
}

bool SqliteChatStore::touchSession(const QByteArray &tokenHash, qint64 lastUsedMs)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("UPDATE sessions SET last_used = ? WHERE token_hash = ?"));
    query.addBindValue(lastUsedMs);
    query.addBindValue(tokenHash);
    return noteCommitted(query.exec());
}

bool SqliteChatStore::deleteSession(const QByteArray &tokenHash)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM sessions WHERE token_hash = ?"));
    query.addBindValue(tokenHash);
    return noteCommitted(query.exec());
}

std::vector<ChatStore::Session> SqliteChatStore::loadSessions(qint64 expiredBeforeMs)
{
    QSqlQuery purge(QSqlDatabase::database(m_connectionName, false));
    purge.prepare(QStringLiteral("DELETE FROM sessions WHERE last_used < ?"));
    purge.addBindValue(expiredBeforeMs);
    purge.exec();

    std::vector<Session> sessions;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    if (!query.exec(
            QStringLiteral("SELECT token_hash, member_id, member_name, room, created, last_used"
                           " FROM sessions")))
        return sessions;
    while (query.next()) {
        sessions.push_back(Session {query.value(0).toByteArray(),
                                    Member {query.value(1).toString(), query.value(2).toString()},
                                    query.value(3).toString(), query.value(4).toLongLong(),
                                    query.value(5).toLongLong()});
    }
    return sessions;
}

} // namespace confab
