#pragma once
// Full-text search over the messages of the hub's store (issue 12, docs/protocol.md "Search"),
// as the search service sees it. New messages enter the index in batches between requests
// (catchUpStep()), not in the post's own transaction, and are found by scanning until then, so a
// message is searchable as soon as its post is answered; edits and deletions of indexed messages
// change the index in their own transaction. An older data directory gets the index built in the
// background, in short batches (backfillStep()), while the hub serves chat. SqliteSearchIndex is
// the one implementation.

#include "chatevent.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace confab {

class SearchIndex
{
public:
    struct Query
    {
        // Every term must occur in a message (a substring, case-insensitive for Latin letters).
        // Terms of three characters or more go through the trigram index; shorter ones filter
        // the candidates it finds, or, with no longer term, a scan of the messages.
        QStringList terms;
        QStringList conversations; // only messages of these (the searcher's)
        QString from; // a member id, or empty for anyone
        qint64 before = 0; // only ids below this; 0: no bound
        int limit = 20;
        int budgetMs = 0; // stop looking after about this long (the answer then says so)
    };
    struct Hit
    {
        MessageEvent message; // .room is its conversation
    };
    struct Result
    {
        std::vector<Hit> hits; // newest first, at most `limit`
        bool hasMore = false;
        // The time budget ran out before every message below `before` was looked at.
        bool truncated = false;
        // Where the next page starts (pass as `before`); 0 when there is none.
        qint64 nextBefore = 0;
        bool failed = false; // the database refused the query
    };

    virtual ~SearchIndex() = default;

    virtual Result search(const Query &query) const = 0;
    // True while older messages (from before the index existed) are still being indexed; they
    // are then searched by scanning, which is slower but finds the same messages.
    virtual bool backfilling() const = 0;
    // Indexes about `rows` older messages in one transaction; false when there is nothing left.
    virtual bool backfillStep(int rows) = 0;
    // Indexes at most `rows` of the messages stored since the last step, oldest first, in one
    // transaction; false when none are left. Costs nothing when none are waiting.
    virtual bool catchUpStep(int rows) = 0;
    // Merges parts of the index, writing at most about `pages` pages. Called now and then
    // between requests, so that no post pays for a large merge (see SqliteSearchIndex).
    virtual void mergeStep(int pages) = 0;
};

} // namespace confab
