#include "sqlitechatstore.h"

#include "mentions.h"

#include <QDir>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>
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
constexpr QLatin1StringView KindEdit("edit");
constexpr QLatin1StringView KindDelete("delete");
// 1: one sequence per room (API v1). 2: one hub-wide sequence, conversations, memberships.
constexpr int SchemaVersion = 2;
constexpr QLatin1StringView KindChannel("channel");
constexpr int FallbackCheckpointPages = 10000;

// A row of EventColumns (below) as the event it records.
ChatEvent eventFromRow(const QSqlQuery &query, const QString &room)
{
    const qint64 id = query.value(0).toLongLong();
    const QString kind = query.value(1).toString();
    const Member member {query.value(2).toString(), query.value(3).toString()};
    const qint64 ts = query.value(5).toLongLong();
    if (kind == KindMessage) {
        MessageEvent message {
            id, room, member, query.value(4).toString(), ts, query.value(6).toString()};
        message.editedTs = query.value(7).toLongLong();
        message.deleted = query.value(8).toBool();
        if (!query.value(10).isNull())
            message.call = QJsonDocument::fromJson(query.value(10).toByteArray()).object();
        // Files: the attachment's JSON, written by the hub itself (SqliteFileStore).
        if (!query.isNull(11))
            message.file = QJsonDocument::fromJson(query.value(11).toString().toUtf8()).object();
        return message;
    }
    if (kind == KindEdit)
        return MessageEditedEvent {
            id, room, query.value(9).toLongLong(), member, query.value(4).toString(), ts};
    if (kind == KindDelete)
        return MessageDeletedEvent {id, room, query.value(9).toLongLong(), member, ts};
    const PresenceState state = kind == KindJoin ? PresenceState::Join : PresenceState::Leave;
    return PresenceEvent {state, member, room, id, ts};
}

// A null QString binds as SQL NULL; the text columns that must not be NULL get '' instead.
QString notNull(const QString &text)
{
    return text.isNull() ? QStringLiteral("") : text;
}

// The same columns of `events` aliased as `e` (for joins); the last one is the message's
// attachment, from the files table.
QString eventColumnsOf(const QString &alias)
{
    QString columns;
    for (const char *name : {"seq", "kind", "member_id", "member_name", "text", "ts", "client_id",
                             "edited_ts", "deleted", "target", "call"})
        columns += alias + QLatin1String(name) + QLatin1String(", ");
    return columns + SqliteFileStore::attachmentColumn(alias + QLatin1String("seq"));
}
const QString EventColumns = eventColumnsOf(QString());
// Where the newest number of the hub-wide sequence handed to a call event is kept (call events
// are not stored; see ChatStore::appendCallEvent).
constexpr QLatin1StringView SequenceHighKey("sequence_high");
// History pages show messages (with their latest text) and joins and leaves, not the edits.
constexpr QLatin1StringView PageKinds("kind IN ('message', 'join', 'leave')");
} // namespace

SqliteChatStore::SqliteChatStore(QString connectionName)
    : m_connectionName(std::move(connectionName))
    , m_search(std::make_unique<SqliteSearchIndex>(m_connectionName))
    , m_files(std::make_unique<SqliteFileStore>(m_connectionName))
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
    bool ok = exec(QStringLiteral("PRAGMA journal_mode=WAL"), errorMessage)
        && exec(QStringLiteral("PRAGMA synchronous=NORMAL"), errorMessage)
        && exec(QStringLiteral("PRAGMA busy_timeout=2000"), errorMessage)
        // Checkpoints run on WalCheckpointer's thread instead of inside a commit. SQLite's own
        // stays as a safety net for a log that thread cannot catch up with (a passive checkpoint
        // never finishes while writes keep coming faster than it copies): 10,000 pages, 40 MB.
        && exec(QStringLiteral("PRAGMA wal_autocheckpoint=%1").arg(FallbackCheckpointPages),
                errorMessage)
        && upgradeSchema(errorMessage) && addCallColumn(errorMessage)
        && m_search->prepare(errorMessage) && m_files->prepare(errorMessage);
    const QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (ok) {
        m_insertEvent = std::make_unique<QSqlQuery>(db);
        m_findByClientId = std::make_unique<QSqlQuery>(db);
        ok = m_insertEvent->prepare(QStringLiteral("INSERT INTO events (seq, conversation, kind,"
                                                   " member_id, member_name, text, ts, client_id,"
                                                   " call) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))
            && m_findByClientId->prepare(QStringLiteral("SELECT %1 FROM events WHERE"
                                                        " conversation = ? AND member_id = ? AND"
                                                        " client_id = ?")
                                             .arg(EventColumns));
        if (!ok && errorMessage)
            *errorMessage = m_insertEvent->lastError().text();
    }
    if (!ok) {
        close();
        return false;
    }
    QSqlQuery query(db);
    query.exec(QStringLiteral("SELECT conversation, MAX(seq) FROM events GROUP BY conversation"));
    while (query.next()) {
        const qint64 last = query.value(1).toLongLong();
        m_lastSequence.insert(query.value(0).toString(), last);
        m_newestSequence = std::max(m_newestSequence, last);
    }
    query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'replay_floor'"));
    if (query.next())
        m_replayFloor = query.value(0).toLongLong();
    query.exec(QStringLiteral("SELECT value FROM meta WHERE key = '%1'").arg(SequenceHighKey));
    if (query.next())
        m_newestSequence = std::max(m_newestSequence, query.value(0).toLongLong());
    // Sequence numbers are never handed out twice, even if the newest events were deleted.
    m_newestSequence = std::max(m_newestSequence, m_replayFloor);
    m_search->noteStored(m_newestSequence);
    if (!loadInstance(errorMessage)) {
        close();
        return false;
    }
    m_checkpointer
        = std::make_unique<WalCheckpointer>(m_filePath, m_connectionName + QLatin1String("-wal"));
    qCInfo(lcStore) << "opened" << m_filePath;
    return true;
}

bool SqliteChatStore::loadInstance(QString *errorMessage)
{
    // 62 random bits (a positive INTEGER in `meta`), shown as 16 hex digits.
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'instance'"));
    qint64 value = 0;
    if (query.next()) {
        value = query.value(0).toLongLong();
    } else {
        value = qint64(QRandomGenerator::system()->generate64() >> 2) | 1;
        query.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES ('instance', ?)"));
        query.addBindValue(value);
        if (!query.exec()) {
            if (errorMessage)
                *errorMessage = query.lastError().text();
            return false;
        }
    }
    m_instance = QStringLiteral("%1").arg(quint64(value), 16, 16, QLatin1Char('0'));
    return true;
}

bool SqliteChatStore::createSchema2(QString *errorMessage)
{
    // One hub-wide sequence: `seq` orders every event of every conversation; a conversation's
    // own events are those with its id, in the same order (events_by_conversation).
    return exec(QStringLiteral("CREATE TABLE events ("
                               " seq INTEGER PRIMARY KEY, conversation TEXT NOT NULL,"
                               " kind TEXT NOT NULL, member_id TEXT NOT NULL,"
                               " member_name TEXT NOT NULL, text TEXT, ts INTEGER NOT NULL,"
                               " client_id TEXT, edited_ts INTEGER NOT NULL DEFAULT 0,"
                               " deleted INTEGER NOT NULL DEFAULT 0, target INTEGER)"),
                errorMessage)
        && exec(QStringLiteral("CREATE INDEX events_by_conversation ON events (conversation, seq)"),
                errorMessage)
        && exec(QStringLiteral("CREATE UNIQUE INDEX events_client_id"
                               " ON events (conversation, member_id, client_id)"
                               " WHERE client_id IS NOT NULL"),
                errorMessage)
        && exec(QStringLiteral("CREATE TABLE conversations ("
                               " id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL,"
                               " topic TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL)"),
                errorMessage)
        && exec(QStringLiteral("CREATE TABLE memberships ("
                               " conversation TEXT NOT NULL, member_id TEXT NOT NULL,"
                               " joined INTEGER NOT NULL, joined_seq INTEGER NOT NULL DEFAULT 0,"
                               " last_read INTEGER NOT NULL DEFAULT 0,"
                               " PRIMARY KEY (conversation, member_id)) WITHOUT ROWID"),
                errorMessage)
        && exec(QStringLiteral("CREATE INDEX memberships_by_member ON memberships (member_id)"),
                errorMessage)
        && exec(QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)"),
                errorMessage)
        && exec(QStringLiteral("CREATE TABLE IF NOT EXISTS sessions ("
                               " token_hash BLOB PRIMARY KEY, member_id TEXT NOT NULL,"
                               " member_name TEXT NOT NULL, room TEXT NOT NULL,"
                               " created INTEGER NOT NULL, last_used INTEGER NOT NULL)"),
                errorMessage);
}

bool SqliteChatStore::upgradeSchema(QString *errorMessage)
{
    QSqlQuery version(QSqlDatabase::database(m_connectionName, false));
    if (!version.exec(QStringLiteral("PRAGMA user_version")) || !version.next()) {
        if (errorMessage)
            *errorMessage = version.lastError().text();
        return false;
    }
    const int found = version.value(0).toInt();
    version.finish();
    if (found == SchemaVersion)
        return true;
    if (found > SchemaVersion) {
        if (errorMessage)
            *errorMessage = QStringLiteral("%1 was written by a newer Confab (schema %2; this one "
                                           "knows %3 and older)")
                                .arg(m_filePath)
                                .arg(found)
                                .arg(SchemaVersion);
        return false;
    }
    // All or nothing: SQLite's schema changes are transactional, so a failed or interrupted
    // upgrade leaves the file as it was, and the next start tries again.
    if (!exec(QStringLiteral("BEGIN IMMEDIATE"), errorMessage))
        return false;
    bool ok = true;
    if (found == 0) {
        ok = createSchema2(errorMessage);
    } else if (found == 1) {
        qCInfo(lcStore) << "upgrading" << m_filePath
                        << "from schema 1 (rooms) to 2 (conversations)";
        // Schema 1 kept one sequence per room. Its events get hub-wide numbers, each room's in
        // its own order (rooms one after the other: the order within a room is what history and
        // v1 streams show; across rooms nothing depended on it). Every number a client could
        // hold from before is at most `replay_floor`: resuming from one gets `reset`, never a
        // silent gap. Every session's member becomes a member of its room's channel, with
        // everything before the upgrade counted as read.
        ok = exec(QStringLiteral("DROP INDEX events_client_id"), errorMessage)
            && exec(QStringLiteral("ALTER TABLE events RENAME TO events_v1"), errorMessage)
            && createSchema2(errorMessage)
            && exec(QStringLiteral("INSERT INTO events (conversation, kind, member_id,"
                                   " member_name, text, ts, client_id)"
                                   " SELECT room, kind, member_id, member_name, text, ts,"
                                   " client_id FROM events_v1 ORDER BY room, seq"),
                    errorMessage)
            && exec(QStringLiteral("INSERT OR IGNORE INTO conversations (id, kind, title, created)"
                                   " SELECT room, 'channel', room, MIN(ts) FROM events_v1"
                                   " GROUP BY room"),
                    errorMessage)
            && exec(QStringLiteral("INSERT OR IGNORE INTO conversations (id, kind, title, created)"
                                   " SELECT room, 'channel', room, MIN(created) FROM sessions"
                                   " GROUP BY room"),
                    errorMessage)
            && exec(QStringLiteral("INSERT INTO meta (key, value) VALUES ('replay_floor',"
                                   " (SELECT IFNULL(MAX(seq), 0) FROM events))"),
                    errorMessage)
            && exec(QStringLiteral("INSERT OR IGNORE INTO memberships (conversation, member_id,"
                                   " joined, last_read) SELECT room, member_id, created,"
                                   " (SELECT value FROM meta WHERE key = 'replay_floor')"
                                   " FROM sessions"),
                    errorMessage)
            && exec(QStringLiteral("DROP TABLE events_v1"), errorMessage);
    } else {
        ok = false;
        if (errorMessage)
            *errorMessage = QStringLiteral("unknown schema version %1").arg(found);
    }
    ok = ok && exec(QStringLiteral("PRAGMA user_version=%1").arg(SchemaVersion), errorMessage)
        && exec(QStringLiteral("COMMIT"), errorMessage);
    if (!ok)
        exec(QStringLiteral("ROLLBACK"));
    return ok;
}

bool SqliteChatStore::addCallColumn(QString *errorMessage)
{
    // A column added beside schema 2 (older Confabs read and write the table as before, naming
    // their columns), so a file needs no version bump for it.
    QSqlQuery columns(QSqlDatabase::database(m_connectionName, false));
    if (!columns.exec(QStringLiteral("PRAGMA table_info(events)"))) {
        if (errorMessage)
            *errorMessage = columns.lastError().text();
        return false;
    }
    while (columns.next()) {
        if (columns.value(1).toString() == QLatin1StringView("call"))
            return true;
    }
    columns.finish();
    return exec(QStringLiteral("ALTER TABLE events ADD COLUMN call TEXT"), errorMessage);
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

bool SqliteChatStore::insertEvent(const QString &conversation, QLatin1StringView kind,
                                  const Member &member, const QString &text, qint64 ts,
                                  const QString &clientId, qint64 *sequence,
                                  const QJsonObject &call)
{
    if (!m_open)
        return false;
    const qint64 next = m_newestSequence + 1;
    QSqlQuery &query = *m_insertEvent;
    query.bindValue(0, next);
    query.bindValue(1, conversation);
    query.bindValue(2, QString(kind));
    query.bindValue(3, member.id);
    query.bindValue(4, member.name);
    query.bindValue(5, text.isNull() ? QVariant() : QVariant(text));
    query.bindValue(6, ts);
    query.bindValue(7, clientId.isEmpty() ? QVariant() : QVariant(clientId));
    query.bindValue(8,
                    call.isEmpty() ? QVariant()
                                   : QVariant(QString::fromUtf8(
                                       QJsonDocument(call).toJson(QJsonDocument::Compact))));
    const bool ok = query.exec();
    query.finish();
    if (!ok) {
        qCWarning(lcStore) << "insert failed:" << query.lastError().text();
        return false;
    }
    *sequence = next;
    return true;
}

void SqliteChatStore::noteAppended(const QString &conversation, qint64 sequence)
{
    m_newestSequence = sequence;
    m_lastSequence.insert(conversation, sequence);
    m_search->noteStored(sequence); // indexed by its next catch-up step, scanned until then
}

std::optional<PublishableEvent> SqliteChatStore::appendMessage(MessageEvent &message)
{
    // Autocommit: the statement is durable (WAL) when exec() returns.
    qint64 sequence = 0;
    if (!insertEvent(message.room, KindMessage, message.from, message.text, message.ts,
                     message.clientId, &sequence, message.call))
        return std::nullopt;
    noteAppended(message.room, sequence);
    noteCommitted(true);
    message.id = sequence;
    return committed(message);
}

std::optional<std::vector<PublishableEvent>>
SqliteChatStore::appendMessages(std::vector<MessageEvent> &messages)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!m_open || !db.transaction())
        return std::nullopt;
    // insertEvent() numbers each row after m_newestSequence, so the batch advances it as it goes;
    // a failed batch puts it back: no number is used by a message that was not stored.
    const qint64 before = m_newestSequence;
    bool ok = true;
    for (MessageEvent &message : messages) {
        qint64 sequence = 0;
        ok = insertEvent(message.room, KindMessage, message.from, message.text, message.ts,
                         message.clientId, &sequence, message.call);
        if (!ok)
            break;
        message.id = sequence;
        m_newestSequence = sequence;
    }
    if (!ok || !db.commit()) {
        if (ok)
            qCWarning(lcStore) << "group commit failed:" << db.lastError().text();
        db.rollback();
        m_newestSequence = before;
        for (MessageEvent &message : messages)
            message.id = 0;
        return std::nullopt;
    }
    std::vector<PublishableEvent> events;
    events.reserve(messages.size());
    for (const MessageEvent &message : messages) {
        noteAppended(message.room, message.id);
        events.push_back(committed(message));
    }
    noteCommitted(true);
    return events;
}

std::optional<PublishableEvent> SqliteChatStore::appendFileMessage(MessageEvent &message,
                                                                   StoredFile &file)
{
    // The message and the file's row together: a file is never without its message, nor a
    // message without the file it announces.
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!m_open || !db.transaction())
        return std::nullopt;
    qint64 sequence = 0;
    bool ok = insertEvent(message.room, KindMessage, message.from, message.text, message.ts,
                          message.clientId, &sequence);
    if (ok) {
        file.messageId = sequence;
        ok = m_files->insertFile(file);
    }
    if (!ok || !db.commit()) {
        db.rollback();
        return std::nullopt;
    }
    noteAppended(message.room, sequence);
    noteCommitted(true);
    message.id = sequence;
    message.file = file.toJson();
    return committed(message);
}

std::optional<PublishableEvent> SqliteChatStore::appendPresence(PresenceEvent &presence)
{
    if (!presence.isHistory() || !m_open)
        return std::nullopt; // online/offline are not stored
    const bool joining = presence.state == PresenceState::Join;
    // The event and the membership it records change together, or not at all.
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return std::nullopt;
    qint64 sequence = 0;
    bool ok = insertEvent(presence.room, joining ? KindJoin : KindLeave, presence.member, QString(),
                          presence.ts, QString(), &sequence);
    if (ok) {
        QSqlQuery membership(db);
        if (joining) {
            // joined_seq: a replay of the member's stream starts at their join (earlier history
            // is read by paging); last_read: nothing before the join counts as unread.
            membership.prepare(QStringLiteral(
                "INSERT OR REPLACE INTO memberships (conversation,"
                " member_id, joined, joined_seq, last_read) VALUES (?, ?, ?, ?, ?)"));
            membership.addBindValue(presence.room);
            membership.addBindValue(presence.member.id);
            membership.addBindValue(presence.ts);
            membership.addBindValue(sequence);
            membership.addBindValue(sequence);
        } else {
            membership.prepare(QStringLiteral("DELETE FROM memberships WHERE conversation = ? AND"
                                              " member_id = ?"));
            membership.addBindValue(presence.room);
            membership.addBindValue(presence.member.id);
        }
        ok = membership.exec();
        if (!ok)
            qCWarning(lcStore) << "membership change failed:" << membership.lastError().text();
    }
    if (!ok || !db.commit()) {
        db.rollback();
        return std::nullopt;
    }
    noteAppended(presence.room, sequence);
    noteCommitted(true);
    presence.id = sequence;
    return committed(presence);
}

bool SqliteChatStore::ensureChannel(const QString &id, const QString &title, qint64 createdMs)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT OR IGNORE INTO conversations (id, kind, title, created)"
                                 " VALUES (?, ?, ?, ?)"));
    query.addBindValue(id);
    query.addBindValue(QString(KindChannel));
    query.addBindValue(title);
    query.addBindValue(createdMs);
    return noteCommitted(query.exec());
}

std::vector<QString> SqliteChatStore::membershipsOf(const QString &memberId) const
{
    std::vector<QString> conversations;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT conversation FROM memberships WHERE member_id = ?"
                                 " ORDER BY conversation"));
    query.addBindValue(memberId);
    if (query.exec()) {
        while (query.next())
            conversations.push_back(query.value(0).toString());
    }
    return conversations;
}

bool SqliteChatStore::createConversation(const Conversation &conversation, qint64 createdMs,
                                         const QStringList &memberIds)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!m_open || !db.transaction())
        return false;
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO conversations (id, kind, title, topic, created)"
                                 " VALUES (?, ?, ?, ?, ?)"));
    query.addBindValue(conversation.id);
    query.addBindValue(conversation.kind);
    query.addBindValue(notNull(conversation.title));
    query.addBindValue(notNull(conversation.topic));
    query.addBindValue(createdMs);
    bool ok = query.exec();
    if (!ok)
        qCWarning(lcStore) << "conversation not stored:" << query.lastError().text();
    for (const QString &memberId : memberIds) {
        if (!ok)
            break;
        QSqlQuery member(db);
        // Members from now on: their stream replays only what comes after this.
        member.prepare(QStringLiteral("INSERT INTO memberships (conversation, member_id, joined,"
                                      " joined_seq, last_read) VALUES (?, ?, ?, ?, ?)"));
        member.addBindValue(conversation.id);
        member.addBindValue(memberId);
        member.addBindValue(createdMs);
        member.addBindValue(m_newestSequence + 1);
        member.addBindValue(m_newestSequence);
        ok = member.exec();
    }
    if (!ok || !db.commit()) {
        db.rollback();
        return false;
    }
    return noteCommitted(true);
}

std::vector<ChatStore::Conversation> SqliteChatStore::loadConversations() const
{
    std::vector<Conversation> conversations;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    if (query.exec(QStringLiteral("SELECT id, kind, title, topic FROM conversations"))) {
        while (query.next())
            conversations.push_back({query.value(0).toString(), query.value(1).toString(),
                                     query.value(2).toString(), query.value(3).toString()});
    }
    return conversations;
}

std::vector<ChatStore::Membership> SqliteChatStore::loadMemberships() const
{
    std::vector<Membership> memberships;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    if (query.exec(QStringLiteral("SELECT conversation, member_id, last_read FROM memberships"))) {
        while (query.next())
            memberships.push_back({query.value(0).toString(), query.value(1).toString(),
                                   query.value(2).toLongLong()});
    }
    return memberships;
}

QHash<QString, ChatStore::Unread> SqliteChatStore::unreadFor(const QString &memberId,
                                                             const QString &memberName) const
{
    QHash<QString, Unread> counts;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT m.conversation, COUNT(e.seq)"
                                 " FROM memberships m JOIN events e"
                                 " ON e.conversation = m.conversation AND e.seq > m.last_read"
                                 " WHERE m.member_id = ? AND e.kind = 'message' AND e.deleted = 0"
                                 " AND e.member_id != m.member_id GROUP BY m.conversation"));
    query.addBindValue(memberId);
    if (query.exec()) {
        while (query.next())
            counts.insert(query.value(0).toString(), Unread {query.value(1).toInt(), 0});
    }
    // Mentions follow the clients' rule (common/mentions.h: case-insensitive, whole names), which
    // SQL cannot say; only unread texts holding an `@` at all are read to check it.
    QSqlQuery mentions(QSqlDatabase::database(m_connectionName, false));
    mentions.setForwardOnly(true);
    mentions.prepare(
        QStringLiteral("SELECT m.conversation, e.text"
                       " FROM memberships m JOIN events e"
                       " ON e.conversation = m.conversation AND e.seq > m.last_read"
                       " WHERE m.member_id = ? AND e.kind = 'message' AND e.deleted = 0"
                       " AND e.member_id != m.member_id AND instr(e.text, '@') > 0"));
    mentions.addBindValue(memberId);
    if (mentions.exec()) {
        while (mentions.next()) {
            if (mentionsName(mentions.value(1).toString(), memberName))
                ++counts[mentions.value(0).toString()].mentions;
        }
    }
    return counts;
}

bool SqliteChatStore::setLastRead(const QString &conversation, const QString &memberId, qint64 upTo)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("UPDATE memberships SET last_read = MAX(last_read, ?)"
                                 " WHERE conversation = ? AND member_id = ?"));
    query.addBindValue(upTo);
    query.addBindValue(conversation);
    query.addBindValue(memberId);
    return noteCommitted(query.exec());
}

std::vector<ChatEvent> SqliteChatStore::memberEventsAfter(const QString &memberId, qint64 afterId,
                                                          int limit) const
{
    std::vector<ChatEvent> events;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    // Only what happened while a member: a channel joined later is read through paging.
    query.prepare(QStringLiteral("SELECT %1, e.conversation FROM events e JOIN memberships m"
                                 " ON m.conversation = e.conversation AND m.member_id = ?"
                                 " WHERE e.seq > ? AND e.seq >= m.joined_seq ORDER BY e.seq"
                                 " LIMIT ?")
                      .arg(eventColumnsOf(QStringLiteral("e."))));
    query.addBindValue(memberId);
    query.addBindValue(afterId);
    query.addBindValue(limit);
    if (!query.exec())
        return events;
    while (query.next())
        events.push_back(eventFromRow(query, query.value(12).toString()));
    return events;
}

std::optional<MessageEvent> SqliteChatStore::messageById(const QString &conversation,
                                                         qint64 id) const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT %1 FROM events WHERE seq = ? AND conversation = ? AND"
                                 " kind = 'message'")
                      .arg(EventColumns));
    query.addBindValue(id);
    query.addBindValue(conversation);
    if (!query.exec() || !query.next())
        return std::nullopt;
    const ChatEvent event = eventFromRow(query, conversation);
    if (const auto *message = std::get_if<MessageEvent>(&event))
        return *message;
    return std::nullopt;
}

bool SqliteChatStore::appendChange(const QString &conversation, QLatin1StringView kind,
                                   const Member &by, const QString &text, qint64 ts,
                                   qint64 messageId, qint64 *sequence)
{
    // The change is an event of its own (streams and replays carry it), and the message row
    // takes its result (pages show the latest text): both, or neither.
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!m_open || !db.transaction())
        return false;
    bool ok = insertEvent(conversation, kind, by, text, ts, QString(), sequence);
    if (ok) {
        QSqlQuery target(db);
        target.prepare(QStringLiteral("UPDATE events SET target = ? WHERE seq = ?"));
        target.addBindValue(messageId);
        target.addBindValue(*sequence);
        QSqlQuery message(db);
        if (kind == KindEdit) {
            message.prepare(QStringLiteral("UPDATE events SET text = ?, edited_ts = ?"
                                           " WHERE seq = ? AND kind = 'message'"));
            message.addBindValue(text);
            message.addBindValue(ts);
        } else {
            message.prepare(QStringLiteral("UPDATE events SET text = '', deleted = 1"
                                           " WHERE seq = ? AND kind = 'message'"));
        }
        message.addBindValue(messageId);
        ok = target.exec() && message.exec() && message.numRowsAffected() == 1;
    }
    if (!ok || !db.commit()) {
        db.rollback();
        return false;
    }
    noteAppended(conversation, *sequence);
    return noteCommitted(true);
}

std::optional<PublishableEvent> SqliteChatStore::appendEdit(MessageEditedEvent &edit)
{
    qint64 sequence = 0;
    if (!appendChange(edit.conversation, KindEdit, edit.by, edit.text, edit.ts, edit.messageId,
                      &sequence))
        return std::nullopt;
    edit.id = sequence;
    return committed(edit);
}

std::optional<PublishableEvent> SqliteChatStore::appendDelete(MessageDeletedEvent &deletion)
{
    qint64 sequence = 0;
    if (!appendChange(deletion.conversation, KindDelete, deletion.by, QString(), deletion.ts,
                      deletion.messageId, &sequence))
        return std::nullopt;
    deletion.id = sequence;
    return committed(deletion);
}

std::optional<PublishableEvent> SqliteChatStore::appendCallEvent(CallEvent &event)
{
    if (!m_open)
        return std::nullopt;
    const qint64 next = m_newestSequence + 1;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES ('%1', ?)")
                      .arg(SequenceHighKey));
    query.addBindValue(next);
    if (!noteCommitted(query.exec())) {
        qCWarning(lcStore) << "could not record a call event's number:" << query.lastError().text();
        return std::nullopt;
    }
    m_newestSequence = next;
    event.id = next;
    return committed(event);
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

std::vector<ChatEvent> SqliteChatStore::eventsAfter(const QString &room, qint64 afterId,
                                                    int limit) const
{
    std::vector<ChatEvent> events;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(
        QStringLiteral("SELECT %1 FROM events WHERE conversation = ? AND seq > ? ORDER BY seq"
                       " LIMIT ?")
            .arg(EventColumns));
    query.addBindValue(room);
    query.addBindValue(afterId);
    query.addBindValue(limit);
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
    query.prepare(QStringLiteral("SELECT %1 FROM events WHERE conversation = ? AND seq < ? AND %2"
                                 " ORDER BY seq DESC LIMIT ?")
                      .arg(EventColumns, PageKinds));
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

std::vector<ChatEvent> SqliteChatStore::eventsNewer(const QString &conversation, qint64 afterId,
                                                    int limit, bool *hasMore) const
{
    std::vector<ChatEvent> events;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT %1 FROM events WHERE conversation = ? AND seq > ? AND %2"
                                 " ORDER BY seq LIMIT ?")
                      .arg(EventColumns, PageKinds));
    query.addBindValue(conversation);
    query.addBindValue(afterId);
    query.addBindValue(limit + 1); // one more tells whether a newer page exists
    if (!query.exec())
        return events;
    while (query.next())
        events.push_back(eventFromRow(query, conversation));
    if (hasMore)
        *hasMore = int(events.size()) > limit;
    if (int(events.size()) > limit)
        events.pop_back();
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
    // A hub-wide (v2) session has no room: stored as '' (the column predates v2 and is NOT NULL).
    query.addBindValue(notNull(session.room));
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
