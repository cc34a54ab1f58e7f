#pragma once
// Search (issue 12, docs/protocol.md "Search"): turns a query as typed into terms, searches the
// member's conversations only, and marks where each term matched. Also drives the index's upkeep
// on the hub's thread, between requests: new messages in a batch every CatchUpIntervalMs (a post
// does not wait for the index; queries scan what is not in it yet), merges, and the background
// indexing of messages stored before the hub had a search index (a data directory from an older
// Confab), in short batches, so chat goes on while it runs.

#include "outcome.h"
#include "searchapi.h"
#include "store/searchindex.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <optional>

namespace confab {

class ChatStore;
class ConversationService;
class IdentityService;

class SearchService : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxQueryChars = 200;
    static constexpr int MaxTerms = 8;
    static constexpr int MinTermChars = 2; // at least one term this long
    static constexpr int DefaultLimit = 20;
    static constexpr int MaxLimit = 50;
    // A query stops looking after this long and says so (`truncated`): a scan for a rare
    // two-character term over a large store would otherwise take seconds.
    static constexpr int QueryBudgetMs = 250;
    // Background indexing: each batch aims at this long, so a post waits at most about that.
    static constexpr int BackfillSliceMs = 20;
    // Index upkeep (SearchIndex::mergeStep): this often, at most this many pages (a few ms).
    static constexpr int MergeIntervalMs = 100;
    static constexpr int MergePages = 200;
    // New messages are indexed this often, all of them in one batch (SearchIndex::catchUpStep),
    // and scanned by queries meanwhile: 50 messages at 200 msg/s, about a millisecond. Larger
    // batches cost less per message (bench_search --batch: 31 us of CPU per message in batches
    // of 20, 15 us in batches of 100, 10 us in batches of 500; a trigger per post cost about
    // 125 us), so the interval is not shorter. A batch aims at CatchUpSliceMs at most; a longer
    // tail (a burst) goes in several, a turn apart.
    static constexpr int CatchUpIntervalMs = 250;
    static constexpr int CatchUpSliceMs = 10;

    struct Request
    {
        QString query;
        QString conversation; // empty: every conversation of the member
        QString from; // a member id, or empty
        qint64 before = 0; // 0: from the newest
        int limit = DefaultLimit;
    };

    SearchService(SearchIndex &index, const ConversationService &conversations,
                  const IdentityService &identity, QObject *parent = nullptr);

    // The terms of a query: words separated by white space, "quoted phrases" as written (an
    // unmatched quote runs to the end). Refused with `bad_query` / `query_too_short`.
    static Outcome<QStringList> parse(const QString &query);

    // The member's matches (the caller has checked their access to `request.conversation`).
    Outcome<SearchResults> search(const QString &memberId, const Request &request) const;

    // Starts the index's upkeep, and indexing older messages, if there are any, in the
    // background (after the store opened).
    void startIndexing();
    // Before the store closes (Hub::shutdown): no batch or merge may touch it afterwards.
    void stopIndexing();
    bool indexing() const { return m_index.backfilling(); }

signals:
    void indexingFinished();

private:
    void indexStep();
    void catchUpStep();

    SearchIndex &m_index;
    const ConversationService &m_conversations;
    const IdentityService &m_identity;
    QTimer m_backfill;
    QTimer m_merge;
    QTimer m_catchUp;
    int m_backfillRows = 2000;
    int m_catchUpRows = 500;
};

} // namespace confab
