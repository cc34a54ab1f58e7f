#include "searchservice.h"

#include "conversationservice.h"
#include "identityservice.h"
#include "protocol.h"

#include <QElapsedTimer>
#include <QLoggingCategory>

#include <algorithm>

Q_LOGGING_CATEGORY(lcSearchService, "confab.hub.search")

namespace confab {

namespace {
constexpr int MinBackfillRows = 200;
constexpr int MaxBackfillRows = 200000;
constexpr int MinCatchUpRows = 50;
constexpr int MaxCatchUpRows = 20000;

// The next batch size, aimed at `sliceMs` from how long `rows` took (at most doubling or halving
// per batch, so one slow batch does not swing it).
int aimedRows(int rows, qint64 tookMs, int sliceMs, int minRows, int maxRows)
{
    const qint64 took = std::max<qint64>(1, tookMs);
    const qint64 aimed = qint64(rows) * sliceMs / took;
    return int(std::clamp<qint64>(aimed, std::max(minRows, rows / 2), std::min(maxRows, rows * 2)));
}

ServiceError badQuery(const QString &message)
{
    return ServiceError {400, protocol::error::BadQuery, message};
}
} // namespace

SearchService::SearchService(SearchIndex &index, const ConversationService &conversations,
                             const IdentityService &identity, QObject *parent)
    : QObject(parent)
    , m_index(index)
    , m_conversations(conversations)
    , m_identity(identity)
{
    // A zero interval: the next batch runs once the event loop has handled what arrived
    // meanwhile (requests, stream writes), so chat waits for one batch at most.
    m_backfill.setInterval(0);
    connect(&m_backfill, &QTimer::timeout, this, &SearchService::indexStep);
    m_merge.setInterval(MergeIntervalMs);
    connect(&m_merge, &QTimer::timeout, this, [this] { m_index.mergeStep(MergePages); });
    m_catchUp.setInterval(CatchUpIntervalMs);
    connect(&m_catchUp, &QTimer::timeout, this, &SearchService::catchUpStep);
}

Outcome<QStringList> SearchService::parse(const QString &query)
{
    if (query.size() > MaxQueryChars)
        return badQuery(
            QStringLiteral("Search queries are limited to %1 characters.").arg(MaxQueryChars));
    for (const QChar c : query) {
        if (c.category() == QChar::Other_Control)
            return badQuery(QStringLiteral("The query contains control characters."));
    }
    QStringList terms;
    QString word;
    bool quoted = false;
    const auto endTerm = [&terms, &word] {
        if (!word.isEmpty())
            terms.append(word);
        word.clear();
    };
    for (const QChar c : query) {
        if (c == u'"') {
            endTerm();
            quoted = !quoted;
        } else if (!quoted && c.isSpace()) {
            endTerm();
        } else {
            word.append(c);
        }
    }
    endTerm();
    if (terms.size() > MaxTerms)
        return badQuery(QStringLiteral("At most %1 words or phrases per search.").arg(MaxTerms));
    const bool anyLongEnough = std::any_of(terms.cbegin(), terms.cend(), [](const QString &term) {
        return term.toUcs4().size() >= MinTermChars;
    });
    if (!anyLongEnough)
        return ServiceError {
            400, protocol::error::QueryTooShort,
            QStringLiteral("Search for at least %1 characters.").arg(MinTermChars)};
    return terms;
}

Outcome<SearchResults> SearchService::search(const QString &memberId, const Request &request) const
{
    const Outcome<QStringList> terms = parse(request.query);
    if (!terms.ok())
        return terms.error;
    SearchIndex::Query query;
    query.terms = *terms.value;
    if (!request.conversation.isEmpty()) {
        query.conversations = {request.conversation};
    } else {
        for (const auto *conversation : m_conversations.conversationsOf(memberId))
            query.conversations.append(conversation->id);
    }
    query.from = request.from;
    query.before = request.before;
    query.limit = std::clamp(request.limit, 1, MaxLimit);
    query.budgetMs = QueryBudgetMs;

    SearchResults results;
    results.indexing = m_index.backfilling();
    if (query.conversations.isEmpty())
        return results;
    const SearchIndex::Result found = m_index.search(query);
    if (found.failed)
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not search its database.")};
    results.hasMore = found.hasMore;
    results.truncated = found.truncated;
    results.nextBefore = found.nextBefore;
    for (const SearchIndex::Hit &hit : found.hits) {
        SearchHitInfo info;
        info.message = hit.message;
        info.ranges = matchRanges(hit.message.text, query.terms);
        if (const auto *conversation = m_conversations.findConversation(hit.message.room)) {
            info.conversationKind = conversation->kind;
            info.conversationTitle = conversation->title;
            if (conversation->isDm()) {
                for (const QString &other : conversation->members) {
                    if (other == memberId)
                        continue;
                    const Identity *identity = m_identity.findMember(other);
                    info.conversationTitle = identity ? identity->member.name : QString();
                }
            }
        }
        results.results.push_back(std::move(info));
    }
    return results;
}

void SearchService::startIndexing()
{
    m_merge.start();
    m_catchUp.start();
    if (m_index.backfilling())
        m_backfill.start();
}

void SearchService::stopIndexing()
{
    m_merge.stop();
    m_catchUp.stop();
    m_backfill.stop();
}

void SearchService::catchUpStep()
{
    QElapsedTimer clock;
    clock.start();
    const bool more = m_index.catchUpStep(m_catchUpRows);
    if (more || clock.elapsed() >= CatchUpSliceMs)
        m_catchUpRows = aimedRows(m_catchUpRows, clock.elapsed(), CatchUpSliceMs, MinCatchUpRows,
                                  MaxCatchUpRows);
    // The rest of a burst in the next turn (after the requests that came meanwhile), else wait.
    m_catchUp.setInterval(more ? 0 : CatchUpIntervalMs);
}

void SearchService::indexStep()
{
    QElapsedTimer clock;
    clock.start();
    const bool more = m_index.backfillStep(m_backfillRows);
    // Aim each batch at the slice: how many ids fit depends on the machine and the messages.
    m_backfillRows = aimedRows(m_backfillRows, clock.elapsed(), BackfillSliceMs, MinBackfillRows,
                               MaxBackfillRows);
    if (!more) {
        m_backfill.stop();
        qCInfo(lcSearchService) << "background indexing done";
        emit indexingFinished();
    }
}

} // namespace confab
