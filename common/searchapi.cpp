#include "searchapi.h"

#include <QJsonArray>

#include <algorithm>

namespace confab {

QJsonObject SearchHitInfo::toJson() const
{
    QJsonArray rangeList;
    for (const Range &range : ranges)
        rangeList.append(QJsonArray {range.start, range.length});
    return QJsonObject {
        {QStringLiteral("message"), messageToJson(message)},
        {QStringLiteral("conversation"),
         QJsonObject {{QStringLiteral("id"), message.room},
                      {QStringLiteral("kind"), conversationKind},
                      {QStringLiteral("title"), conversationTitle}}},
        {QStringLiteral("ranges"), rangeList},
    };
}

std::optional<SearchHitInfo> SearchHitInfo::fromJson(const QJsonObject &object)
{
    auto message = messageFromJson(object.value(QLatin1StringView("message")).toObject());
    const QJsonObject conversation = object.value(QLatin1StringView("conversation")).toObject();
    if (!message || !conversation.value(QLatin1StringView("id")).isString())
        return std::nullopt;
    SearchHitInfo hit;
    hit.message = std::move(*message);
    hit.message.room = conversation.value(QLatin1StringView("id")).toString();
    hit.conversationKind = conversation.value(QLatin1StringView("kind")).toString();
    hit.conversationTitle = conversation.value(QLatin1StringView("title")).toString();
    const qsizetype textLength = hit.message.text.size();
    for (const QJsonValue &value : object.value(QLatin1StringView("ranges")).toArray()) {
        const QJsonArray pair = value.toArray();
        const int start = pair.at(0).toInt(-1);
        const int length = pair.at(1).toInt(-1);
        // A range outside the text would make a client mark the wrong characters: refuse it.
        if (pair.size() != 2 || start < 0 || length <= 0 || start + length > textLength)
            return std::nullopt;
        hit.ranges.append(Range {start, length});
    }
    return hit;
}

QJsonObject SearchResults::toJson() const
{
    QJsonArray list;
    for (const SearchHitInfo &hit : results)
        list.append(hit.toJson());
    QJsonObject object {{QStringLiteral("results"), list},
                        {QStringLiteral("hasMore"), hasMore},
                        {QStringLiteral("truncated"), truncated},
                        {QStringLiteral("indexing"), indexing}};
    if (nextBefore > 0)
        object.insert(QStringLiteral("nextBefore"), nextBefore);
    return object;
}

std::optional<SearchResults> SearchResults::fromJson(const QJsonObject &object)
{
    const QJsonValue list = object.value(QLatin1StringView("results"));
    if (!list.isArray())
        return std::nullopt;
    SearchResults results;
    for (const QJsonValue &value : list.toArray()) {
        auto hit = SearchHitInfo::fromJson(value.toObject());
        if (!hit)
            return std::nullopt;
        results.results.push_back(std::move(*hit));
    }
    results.hasMore = object.value(QLatin1StringView("hasMore")).toBool();
    results.truncated = object.value(QLatin1StringView("truncated")).toBool();
    results.indexing = object.value(QLatin1StringView("indexing")).toBool();
    results.nextBefore = qint64(object.value(QLatin1StringView("nextBefore")).toDouble());
    return results;
}

QList<SearchHitInfo::Range> matchRanges(const QString &text, const QStringList &terms)
{
    QList<SearchHitInfo::Range> found;
    for (const QString &term : terms) {
        if (term.isEmpty())
            continue;
        for (qsizetype at = text.indexOf(term, 0, Qt::CaseInsensitive); at >= 0;
             at = text.indexOf(term, at + 1, Qt::CaseInsensitive))
            found.append({int(at), int(term.size())});
    }
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) {
        return a.start < b.start || (a.start == b.start && a.length > b.length);
    });
    QList<SearchHitInfo::Range> merged;
    for (const SearchHitInfo::Range &range : std::as_const(found)) {
        if (!merged.isEmpty() && range.start <= merged.last().start + merged.last().length) {
            SearchHitInfo::Range &last = merged.last();
            last.length = std::max(last.length, range.start + range.length - last.start);
        } else {
            merged.append(range);
        }
    }
    return merged;
}

} // namespace confab
