#pragma once
// SearchIndex in the hub's SQLite file: an FTS5 table with the trigram tokenizer over the text of
// the `events` rows that are messages (external content: the text is stored once, in `events`).
// Triggers on `events` keep it in step with every insert, edit and deletion, inside the writing
// transaction, so no code path that changes a message can forget it. A data directory from before
// search gets the table at open and its older messages indexed by backfillStep(), newest first,
// while messages below the indexed range are searched by scanning.

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

    bool hasIndex() const { return m_hasIndex; }
    // Bytes of the index's own tables (not counting the text, which stays in `events`).
    qint64 indexBytes() const;
    // Bytes of message text (UTF-8) it covers, for "index size as a multiple of the text".
    qint64 textBytes() const;

private:
    enum class Path { Index, Scan };
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
};

} // namespace confab
