#pragma once
// SearchIndex in the hub's SQLite file: an FTS5 table with the trigram tokenizer over the text of
// the `events` rows that are messages (external content: the text is stored once, in `events`).
//
// The index covers one range of ids, [search_indexed_from, search_indexed_upto] in `meta`.
// Above it is the tail: messages posted since the last catchUpStep(), which the hub's timer runs
// between requests (SearchService). A post stores its row and nothing more; feeding FTS5 one
// message per commit (a trigger, as at first) wrote a new index segment and rewrote FTS5's
// structure record every time: an append took 147 us of CPU instead of 32 (bench_search), and
// a post on the hub about 200 us instead of 110 (tests/bench/README.md). One batch per step
// writes one segment for all of them. Queries scan the tail with instr(), so what a post stored is
// found as soon as its answer is out, indexed or not.
//
// Below the range are messages of a data directory from before search: backfillStep() indexes
// them, newest first, while queries scan them meanwhile.
//
// Triggers on `events` keep the indexed range in step with edits and deletions, inside the
// writing transaction (FTS5 external content needs the exact old text to take a message out).
// They leave the tail alone: a step reads each message's text as it is by then.
//
// Each step adds a segment to the FTS5 index. FTS5 merges segments inside the committing
// write by default ("automerge"), which now and then made one write take 40-170 ms on a busy
// machine. The index is set to automerge 0 instead, and mergeStep() does that work between
// requests; FTS5's crisis merge (16 segments on one level) still bounds the number of segments
// if it does not run.

#include "searchindex.h"

#include <QString>

namespace confab {

class SqliteSearchIndex final : public SearchIndex
{
public:
    // `connectionName`: the store's open QSqlDatabase connection (used on the store's thread).
    explicit SqliteSearchIndex(QString connectionName);

    // Creates the index and its triggers when the file has none (in one transaction), or brings
    // an index of an earlier layout up to date (a trigger that indexed every post). False only
    // when the database refused; a SQLite without FTS5's trigram tokenizer is no error: search then
    // scans (slow, but it finds the same messages), and a warning says so.
    bool prepare(QString *errorMessage);
    // The store's newest id (after open and after every commit that added an event): the tail
    // up to it waits for catchUpStep().
    void noteStored(qint64 sequence) { m_storedUpTo = sequence; }

    Result search(const Query &query) const override;
    bool backfilling() const override { return m_indexedFrom > 1; }
    bool backfillStep(int rows) override;
    bool catchUpStep(int rows) override;
    void mergeStep(int pages) override;
    // Stored messages not yet in the index (ids above the indexed range), for tests and benches.
    qint64 tailIds() const { return m_hasIndex ? m_storedUpTo - m_indexedUpTo : 0; }

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
    bool readRange();
    // Makes the index of an earlier layout (a trigger indexed every post; no upper bound in
    // `meta`) this one's, in one transaction: everything stored so far is in it.
    bool adoptTriggerIndexed(QString *errorMessage);

    QString m_connectionName;
    bool m_hasIndex = false;
    // Messages with ids in [m_indexedFrom, m_indexedUpTo] are in the index; older ones wait for
    // the backfill (m_indexedFrom <= 1: none), newer ones for the next catch-up step.
    qint64 m_indexedFrom = 0;
    qint64 m_indexedUpTo = 0;
    qint64 m_storedUpTo = 0;
    int m_smallScopeEvents;
};

} // namespace confab
