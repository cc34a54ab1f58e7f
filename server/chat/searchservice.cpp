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
    if (m_index.backfilling())
        m_backfill.start();
}

void SearchService::stopIndexing()
{
    m_merge.stop();
    m_backfill.stop();
}

void SearchService::indexStep()
{
    QElapsedTimer clock;
    clock.start();
    const bool more = m_index.backfillStep(m_backfillRows);
    // Aim each batch at the slice: how many ids fit depends on the machine and the messages.
    const qint64 took = std::max<qint64>(1, clock.elapsed());
    // (at most doubling or halving per batch, so one slow batch does not swing it).
    const qint64 aimed = qint64(m_backfillRows) * BackfillSliceMs / took;
    m_backfillRows = int(std::clamp<qint64>(aimed, std::max(MinBackfillRows, m_backfillRows / 2),
                                            std::min(MaxBackfillRows, m_backfillRows * 2)));
    if (!more) {
        m_backfill.stop();
        qCInfo(lcSearchService) << "background indexing done";
        emit indexingFinished();
    }
}

} // namespace confab
