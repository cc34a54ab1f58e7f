#pragma once
// The body of GET /api/v2/search (docs/protocol.md, "Search") as typed values, with its one JSON
// writer and reader: the hub writes it, clients read it with the same code.

#include "chatevent.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace confab {

struct SearchHitInfo
{
    // Where a term matched: start and length in UTF-16 code units of message.text (the indices
    // of QString and of JavaScript strings alike).
    struct Range
    {
        int start = 0;
        int length = 0;
        bool operator==(const Range &other) const
        {
            return start == other.start && length == other.length;
        }
    };
    MessageEvent message; // .room is the conversation id
    QString conversationKind; // protocol::KindChannel or protocol::KindDm
    QString conversationTitle; // a DM's: the other member's name
    QList<Range> ranges; // sorted, not overlapping

    QJsonObject toJson() const;
    static std::optional<SearchHitInfo> fromJson(const QJsonObject &object);
};

struct SearchResults
{
    std::vector<SearchHitInfo> results; // newest first
    bool hasMore = false;
    qint64 nextBefore = 0; // pass as `before` for the next page (0: none)
    bool truncated = false; // the hub stopped looking (time budget); hasMore is then true
    bool indexing = false; // older messages are still being indexed (found, but more slowly)

    QJsonObject toJson() const;
    static std::optional<SearchResults> fromJson(const QJsonObject &object);
};

// The matches of every term in `text` (case-insensitive), merged where they overlap.
QList<SearchHitInfo::Range> matchRanges(const QString &text, const QStringList &terms);

} // namespace confab
