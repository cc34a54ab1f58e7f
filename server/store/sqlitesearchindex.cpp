#include "sqlitesearchindex.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <limits>

Q_LOGGING_CATEGORY(lcSearch, "confab.hub.search")

namespace confab {

namespace {
constexpr QLatin1StringView IndexedFromKey("search_indexed_from");
constexpr QLatin1StringView IndexedUpToKey("search_indexed_upto");
// The trigram tokenizer indexes every run of three characters, so a term must have three.
constexpr int MinIndexedTermChars = 3;
constexpr int BackfillAutomerge = 4;
// Windows of ids looked at per query: the scan's stays small so the time budget is checked often
// (about 10 ms each on a 2-core machine); the index's grows, since a rare term's window is
// cheap whatever its width.
constexpr qint64 ScanWindowIds = 20000;
constexpr qint64 FirstIndexWindowIds = 50000;
constexpr qint64 MaxIndexWindowIds = 400000; // so that the budget is looked at now and then
// Searching conversations that hold at most this many events together, reading them all (through
// their own index) is faster than asking the trigram index, whose hits would mostly be in other
// conversations (a quiet channel on a busy hub).
constexpr int DefaultSmallScopeEvents = 20000;

constexpr QLatin1StringView HitColumns("e.seq, e.member_id, e.member_name, e.text, e.ts,"
                                       " e.client_id, e.edited_ts, e.conversation");

// SQLite's lower() folds A-Z only (without ICU); the scan compares with the term folded the same
// way, so both sides agree.
QString asciiLower(const QString &text)
{
    QString folded = text;
    for (QChar &c : folded) {
        if (c >= u'A' && c <= u'Z')
            c = QChar(c.unicode() + (u'a' - u'A'));
    }
    return folded;
}

// A JSON array, bound as one value and read with json_each() (any number of conversations).
QString conversationList(const QStringList &conversations)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(conversations)).toJson(QJsonDocument::Compact));
}

qsizetype codePoints(const QString &text)
{
    return text.toUcs4().size();
}

// An FTS5 string: the term between double quotes, its own double quotes doubled. Nothing in it is
// then query syntax (AND, NEAR(, *, ^ are just characters); with the trigram tokenizer the string
// matches wherever it occurs as written.
QString ftsString(const QString &term)
{
    QString quoted = term;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}
} // namespace

SqliteSearchIndex::SqliteSearchIndex(QString connectionName)
    : m_connectionName(std::move(connectionName))
    , m_smallScopeEvents(DefaultSmallScopeEvents)
{ }

bool SqliteSearchIndex::readRange()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT (SELECT value FROM meta WHERE key = ?),"
                                 " (SELECT value FROM meta WHERE key = ?)"));
    query.addBindValue(QString(IndexedFromKey));
    query.addBindValue(QString(IndexedUpToKey));
    if (!query.exec() || !query.next() || query.isNull(0) || query.isNull(1))
        return false;
    m_indexedFrom = query.value(0).toLongLong();
    m_indexedUpTo = query.value(1).toLongLong();
    return true;
}

namespace {
// The triggers that keep the indexed range in step with edits and deletions. A message outside
// it is not in the index and must not be taken out (FTS5 would corrupt its lists): below, the
// backfill reads its text as it is by then; above, the next catch-up step does.
QStringList rangeTriggers()
{
    const QString inRange
        = QStringLiteral("old.seq >= (SELECT value FROM meta WHERE key = '%1')"
                         " AND old.seq <= (SELECT value FROM meta WHERE key = '%2')")
              .arg(IndexedFromKey, IndexedUpToKey);
    return {
        QStringLiteral("CREATE TRIGGER search_update AFTER UPDATE OF text, deleted ON events"
                       " WHEN old.kind = 'message' AND %1 BEGIN"
                       " INSERT INTO search_fts (search_fts, rowid, text)"
                       "  SELECT 'delete', old.seq, old.text"
                       "  WHERE old.deleted = 0 AND old.text IS NOT NULL;"
                       " INSERT INTO search_fts (rowid, text) SELECT new.seq, new.text"
                       "  WHERE new.deleted = 0 AND new.text IS NOT NULL; END")
            .arg(inRange),
        QStringLiteral("CREATE TRIGGER search_delete AFTER DELETE ON events"
                       " WHEN old.kind = 'message' AND old.deleted = 0 AND old.text IS NOT NULL"
                       " AND %1 BEGIN"
                       " INSERT INTO search_fts (search_fts, rowid, text)"
                       "  VALUES ('delete', old.seq, old.text); END")
            .arg(inRange),
    };
}

// Runs `statements` in order; on the first failure says why in `why` and stops.
bool execAll(QSqlDatabase &db, const QStringList &statements, QString *why)
{
    for (const QString &statement : statements) {
        QSqlQuery step(db);
        if (!step.exec(statement)) {
            if (why)
                *why = step.lastError().text();
            return false;
        }
    }
    return true;
}
} // namespace

bool SqliteSearchIndex::adoptTriggerIndexed(QString *errorMessage)
{
    // The trigger indexed every message from `search_indexed_from` on as it was stored, so the
    // range ends at the newest id; the edit and deletion triggers get this layout's bounds.
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction()) {
        if (errorMessage)
            *errorMessage = db.lastError().text();
        return false;
    }
    QStringList statements {
        QStringLiteral("DROP TRIGGER IF EXISTS search_insert"),
        QStringLiteral("DROP TRIGGER IF EXISTS search_update"),
        QStringLiteral("DROP TRIGGER IF EXISTS search_delete"),
        QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES ('%1',"
                       " (SELECT IFNULL(MAX(seq), 0) FROM events))")
            .arg(IndexedUpToKey),
    };
    statements += rangeTriggers();
    QString why;
    if (!execAll(db, statements, &why) || !db.commit()) {
        if (errorMessage)
            *errorMessage = why.isEmpty() ? db.lastError().text() : why;
        db.rollback();
        return false;
    }
    qCInfo(lcSearch) << "search index: new messages are now indexed in batches";
    return true;
}

bool SqliteSearchIndex::prepare(QString *errorMessage)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT 1 FROM sqlite_master WHERE name = 'search_fts'"))) {
        if (errorMessage)
            *errorMessage = query.lastError().text();
        return false;
    }
    if (query.next()) {
        query.finish();
        m_hasIndex = readRange();
        if (!m_hasIndex) {
            if (!adoptTriggerIndexed(errorMessage))
                return false;
            m_hasIndex = readRange();
        }
        if (backfilling())
            qCInfo(lcSearch) << "messages below" << m_indexedFrom << "still to be indexed";
        return true;
    }
    query.finish();
    if (!db.transaction()) {
        if (errorMessage)
            *errorMessage = db.lastError().text();
        return false;
    }
    // The indexed range starts empty, just above the newest id: older messages are left to the
    // backfill, newer ones to the catch-up steps.
    QStringList statements {
        QStringLiteral("CREATE VIRTUAL TABLE search_fts USING fts5(text, content='events',"
                       " content_rowid='seq', tokenize='trigram',"
                       " columnsize=0)"),
        QStringLiteral("INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 0)"),
        QStringLiteral("INSERT INTO meta (key, value) VALUES ('%1',"
                       " (SELECT IFNULL(MAX(seq), 0) + 1 FROM events))")
            .arg(IndexedFromKey),
        QStringLiteral("INSERT INTO meta (key, value) VALUES ('%1',"
                       " (SELECT IFNULL(MAX(seq), 0) FROM events))")
            .arg(IndexedUpToKey),
    };
    statements += rangeTriggers();
    QString why;
    if (!execAll(db, statements, &why)) {
        db.rollback();
        // No FTS5 or no trigram tokenizer (SQLite before 3.34): search still works, by
        // scanning.
        qCWarning(lcSearch) << "no full-text index (" << why
                            << "): search scans the messages, which is slow on a large store";
        m_hasIndex = false;
        return true;
    }
    if (!db.commit()) {
        if (errorMessage)
            *errorMessage = db.lastError().text();
        db.rollback();
        return false;
    }
    m_hasIndex = readRange();
    if (backfilling())
        qCInfo(lcSearch) << "search index created; indexing the" << m_indexedFrom - 1
                         << "ids already stored in the background";
    return true;
}

bool SqliteSearchIndex::backfillStep(int rows)
{
    if (!m_hasIndex || !backfilling())
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return true; // busy: try again on the next step
    const qint64 low = std::max<qint64>(1, m_indexedFrom - rows);
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO search_fts (rowid, text) SELECT seq, text FROM"
                                  " events WHERE seq >= ? AND seq < ? AND kind = 'message'"
                                  " AND deleted = 0 AND text IS NOT NULL"));
    insert.addBindValue(low);
    insert.addBindValue(m_indexedFrom);
    QSqlQuery mark(db);
    mark.prepare(QStringLiteral("UPDATE meta SET value = ? WHERE key = ?"));
    mark.addBindValue(low);
    mark.addBindValue(QString(IndexedFromKey));
    // A batch writes a large segment: let FTS5 merge as it goes (automerge 4, its default) for
    // this transaction only. Left to the merge step, the batches' segments piled up until one of
    // FTS5's crisis merges (16 segments on a level) took 1.5 s in one go.
    QSqlQuery automerge(db);
    automerge.prepare(
        QStringLiteral("INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', ?)"));
    automerge.addBindValue(BackfillAutomerge);
    bool ok = automerge.exec() && insert.exec() && mark.exec();
    automerge.bindValue(0, 0);
    ok = ok && automerge.exec();
    insert.finish();
    if (!ok || !db.commit()) {
        qCWarning(lcSearch) << "indexing batch failed:" << insert.lastError().text()
                            << mark.lastError().text();
        db.rollback();
        return true;
    }
    m_indexedFrom = low;
    if (!backfilling())
        qCInfo(lcSearch) << "search index complete";
    return backfilling();
}

bool SqliteSearchIndex::catchUpStep(int rows)
{
    if (!m_hasIndex || m_storedUpTo <= m_indexedUpTo)
        return false;
    // On a failure the step says "nothing left": the timer's next turn tries again (queries scan
    // the tail meanwhile), instead of a retry at once that would spin.
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return false;
    const qint64 high = std::min(m_storedUpTo, m_indexedUpTo + std::max(rows, 1));
    // The text as it is now: an edit or deletion since the post left the index alone (the
    // triggers skip the tail).
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO search_fts (rowid, text) SELECT seq, text FROM"
                                  " events WHERE seq > ? AND seq <= ? AND kind = 'message'"
                                  " AND deleted = 0 AND text IS NOT NULL"));
    insert.addBindValue(m_indexedUpTo);
    insert.addBindValue(high);
    QSqlQuery mark(db);
    mark.prepare(QStringLiteral("UPDATE meta SET value = ? WHERE key = ?"));
    mark.addBindValue(high);
    mark.addBindValue(QString(IndexedUpToKey));
    const bool ok = insert.exec() && mark.exec();
    insert.finish();
    if (!ok || !db.commit()) {
        qCWarning(lcSearch) << "indexing new messages failed:" << insert.lastError().text()
                            << mark.lastError().text();
        db.rollback();
        return false;
    }
    m_indexedUpTo = high;
    return m_storedUpTo > m_indexedUpTo;
}

bool SqliteSearchIndex::isSmallScope(const QStringList &conversations) const
{
    // Counting stops after the bound, so this costs at most that many index entries.
    QSqlQuery count(QSqlDatabase::database(m_connectionName, false));
    count.prepare(QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE conversation IN"
                                 " (SELECT value FROM json_each(?)) LIMIT ?)"));
    count.addBindValue(conversationList(conversations));
    count.addBindValue(m_smallScopeEvents + 1);
    return count.exec() && count.next() && count.value(0).toInt() <= m_smallScopeEvents;
}

void SqliteSearchIndex::mergeStep(int pages)
{
    if (!m_hasIndex)
        return;
    // A positive count merges only levels holding several segments (FTS5's usermerge, 4), and
    // writes at most about that many pages; with nothing to merge it reads one record.
    QSqlQuery merge(QSqlDatabase::database(m_connectionName, false));
    merge.prepare(QStringLiteral("INSERT INTO search_fts (search_fts, rank) VALUES ('merge', ?)"));
    merge.addBindValue(pages);
    if (!merge.exec())
        qCWarning(lcSearch) << "index merge failed:" << merge.lastError().text();
}

SearchIndex::Result SqliteSearchIndex::search(const Query &query) const
{
    Result result;
    QStringList longTerms;
    QStringList shortTerms; // filters on what the index finds
    QStringList scanTerms; // every term, for the scan
    for (const QString &term : query.terms) {
        scanTerms.append(asciiLower(term));
        if (m_hasIndex && codePoints(term) >= MinIndexedTermChars)
            longTerms.append(ftsString(term));
        else
            shortTerms.append(scanTerms.last());
    }
    const QString match = longTerms.join(QLatin1String(" AND "));

    QSqlQuery newest(QSqlDatabase::database(m_connectionName, false));
    if (!newest.exec(QStringLiteral("SELECT IFNULL(MAX(seq), 0) FROM events")) || !newest.next()) {
        result.failed = true;
        return result;
    }
    qint64 cursor = newest.value(0).toLongLong() + 1;
    if (query.before > 0)
        cursor = std::min(cursor, query.before);
    // The indexed ids as a window [indexedLow, indexedHigh) (empty without an index). Above it
    // is the tail of new messages, below it what the backfill has not reached: both are scanned.
    const qint64 indexedLow = m_hasIndex ? std::max<qint64>(m_indexedFrom, 1) : 1;
    const qint64 indexedHigh = m_hasIndex ? std::max(m_indexedUpTo + 1, indexedLow) : 1;

    QElapsedTimer clock;
    clock.start();
    const int want = query.limit + 1; // one more tells whether there is a next page
    if (isSmallScope(query.conversations)) {
        if (!searchWindow(Path::SmallScope, query, scanTerms, QString(), 1, cursor, want,
                          &result.hits)) {
            result.failed = true;
            return result;
        }
        cursor = 1;
    }
    qint64 indexWindow = FirstIndexWindowIds;
    while (cursor > 1 && int(result.hits.size()) < want) {
        if (query.budgetMs > 0 && clock.elapsed() >= query.budgetMs) {
            result.truncated = true;
            break;
        }
        const bool inTail = cursor > indexedHigh;
        const bool indexed = !match.isEmpty() && !inTail && cursor > indexedLow;
        qint64 low = 0;
        if (indexed) {
            low = std::max(cursor - indexWindow, indexedLow);
            indexWindow = std::min(indexWindow * 2, MaxIndexWindowIds);
        } else {
            low = std::max<qint64>(cursor - ScanWindowIds, 1);
            if (inTail)
                low = std::max(low, indexedHigh); // the index takes over below the tail
        }
        if (!searchWindow(indexed ? Path::Index : Path::Scan, query,
                          indexed ? shortTerms : scanTerms, match, low, cursor,
                          want - int(result.hits.size()), &result.hits)) {
            result.failed = true;
            return result;
        }
        cursor = low;
    }
    if (int(result.hits.size()) > query.limit) {
        result.hits.resize(query.limit);
        result.hasMore = true;
        result.nextBefore = result.hits.back().message.id;
    } else if (result.truncated) {
        result.hasMore = true;
        result.nextBefore = cursor;
    }
    return result;
}

bool SqliteSearchIndex::searchWindow(Path path, const Query &query, const QStringList &filters,
                                     const QString &match, qint64 low, qint64 high, int want,
                                     std::vector<Hit> *hits) const
{
    QString sql;
    QVariantList values;
    if (path == Path::Index) {
        // The index is the outer loop (CROSS JOIN keeps it there), newest first, so a LIMIT stops
        // it early; each candidate's row is then one primary-key lookup.
        sql = QStringLiteral("SELECT %1 FROM search_fts CROSS JOIN events e"
                             " ON e.seq = search_fts.rowid WHERE search_fts MATCH ?"
                             " AND search_fts.rowid >= ? AND search_fts.rowid < ?")
                  .arg(HitColumns);
        values << match;
    } else if (path == Path::SmallScope) {
        // Through events_by_conversation: every event of these conversations, newest first.
        sql = QStringLiteral("SELECT %1 FROM events e INDEXED BY events_by_conversation"
                             " WHERE e.seq >= ? AND e.seq < ? AND e.kind = 'message'")
                  .arg(HitColumns);
    } else {
        sql = QStringLiteral("SELECT %1 FROM events e WHERE e.seq >= ? AND e.seq < ?"
                             " AND e.kind = 'message'")
                  .arg(HitColumns);
    }
    values << low << high;
    sql += QLatin1String(" AND e.deleted = 0");
    if (query.conversations.size() == 1 || path == Path::SmallScope) {
        // One conversation: its own index (conversation, seq) serves the range.
        sql += QLatin1String(" AND e.conversation IN (SELECT value FROM json_each(?))");
        values << conversationList(query.conversations);
    } else {
        // Several: the id range leads (the `+` keeps SQLite from using the conversation index,
        // which would read every conversation's range and sort).
        sql += QLatin1String(" AND +e.conversation IN (SELECT value FROM json_each(?))");
        values << conversationList(query.conversations);
    }
    if (!query.from.isEmpty()) {
        sql += QLatin1String(" AND e.member_id = ?");
        values << query.from;
    }
    for (const QString &term : filters) {
        sql += QLatin1String(" AND instr(lower(e.text), ?) > 0");
        values << term;
    }
    sql += QLatin1String(" ORDER BY e.seq DESC LIMIT ?");
    values << want;

    QSqlQuery rows(QSqlDatabase::database(m_connectionName, false));
    rows.setForwardOnly(true);
    if (!rows.prepare(sql)) {
        qCWarning(lcSearch) << "search not prepared:" << rows.lastError().text();
        return false;
    }
    for (const QVariant &value : std::as_const(values))
        rows.addBindValue(value);
    if (!rows.exec()) {
        qCWarning(lcSearch) << "search failed:" << rows.lastError().text();
        return false;
    }
    while (rows.next()) {
        MessageEvent message;
        message.id = rows.value(0).toLongLong();
        message.from = Member {rows.value(1).toString(), rows.value(2).toString()};
        message.text = rows.value(3).toString();
        message.ts = rows.value(4).toLongLong();
        message.clientId = rows.value(5).toString();
        message.editedTs = rows.value(6).toLongLong();
        message.room = rows.value(7).toString();
        hits->push_back(Hit {std::move(message)});
    }
    return true;
}

qint64 SqliteSearchIndex::indexBytes() const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    // The pages of the index's tables, where SQLite has the dbstat table; else their contents.
    if (query.exec(QStringLiteral("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_fts%'"))
        && query.next())
        return query.value(0).toLongLong();
    if (!query.exec(QStringLiteral("SELECT (SELECT IFNULL(SUM(length(block)), 0) FROM"
                                   " search_fts_data) + (SELECT COUNT(*) * 16 FROM"
                                   " search_fts_idx)"))
        || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

qint64 SqliteSearchIndex::textBytes() const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("SELECT IFNULL(SUM(length(CAST(text AS BLOB))), 0) FROM events"
                                   " WHERE kind = 'message' AND deleted = 0"))
        || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

} // namespace confab
