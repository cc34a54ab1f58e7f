#pragma once
// SearchIndex in the hub's SQLite file: an FTS5 table with the trigram tokenizer over the text of
// the `events` rows that are messages (external content: the text is stored once, in `events`).
// Triggers on `events` keep it in step with every insert, edit and deletion, inside the writing
// transaction, so no code path that changes a message can forget it. A data directory from before
// search gets the table at open and its older messages indexed by backfillStep(), newest first,
// while messages below the indexed range are searched by scanning.
//
// Each commit adds a small segment to the FTS5 index. FTS5 merges segments inside the committing
// write by default ("automerge"), which now and then made one post take 40-170 ms on a busy
// machine (p99 of a store append 4-8 ms against 0.1 ms without the index). The index is set to
// automerge 0 instead, and mergeStep() does that work between requests; FTS5's crisis merge (16
// segments on one level) still bounds the number of segments if it does not run.

#include "searchindex.h"

#include <QString>

namespace confab {

class SqliteSearchIndex final : public SearchIndex
{
public:
    // `connectionName`: the store's open QSqlDatabase connection (used on the store's thread).
    explicit SqliteSearchIndex(QString connectionName);

    // Creates the index and its triggers when the file has none (in one transaction). False only
    // when the database refused; a SQLite without FTS5's trigram tokenizer is no error: search then
    // scans (slow, but it finds the same messages), and a warning says so.
    bool prepare(QString *errorMessage);

    Result search(const Query &query) const override;
    bool backfilling() const override { return m_indexedFrom > 1; }
    bool backfillStep(int rows) override;
    void mergeStep(int pages) override;

    bool hasIndex() const { return m_hasIndex; }
    // Scopes (the searched conversations) with at most this many events are read whole instead
    // of going through the trigram index. Tests set 0 to make every search use the index.
    void setSmallScopeEvents(int events) { m_smallScopeEvents = events; }
    // Bytes of the index's own tables (not counting the text, which stays in `events`).
    qint64 indexBytes() const;
    // Bytes of message text (UTF-8) it covers, for "index size as a multiple of the text".
    qint64 textBytes() const;

private:
    // Index: trigram hits newest first, filtered. Scan: messages newest first by id, filtered.
    // SmallScope: every message of the conversations, through their own index.
    enum class Path { Index, Scan, SmallScope };
    bool isSmallScope(const QStringList &conversations) const;
    // One window [low, high) of ids; appends at most `want` hits, newest first. `filters`: terms
    // (folded as SQLite's lower() does) each hit must contain, checked by instr().
    bool searchWindow(Path path, const Query &query, const QStringList &filters,
                      const QString &match, qint64 low, qint64 high, int want,
                      std::vector<Hit> *hits) const;
    bool readIndexedFrom();

    QString m_connectionName;
    bool m_hasIndex = false;
    // Messages with id >= this are in the index; older ones wait for the backfill (<= 1: none).
    qint64 m_indexedFrom = 0;
    int m_smallScopeEvents;
};

} // namespace confab
