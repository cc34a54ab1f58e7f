#include "conversationlistmodel.h"

#include "protocol.h"

#include <QSet>
#include <algorithm>

namespace confab {

struct ConversationListModel::Row
{
    ConversationInfo info;
    bool online = false;
};

ConversationListModel::ConversationListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

ConversationListModel::~ConversationListModel() = default;

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return row.info.title;
    case IdRole:
        return row.info.id;
    case KindRole:
        return row.info.kind;
    case UnreadRole:
        return row.info.unread;
    case MentionsRole:
        return row.info.mentions;
    case LastEventIdRole:
        return row.info.lastEventId;
    case WithMemberIdRole:
        return row.info.with ? row.info.with->id : QString();
    case OnlineRole:
        return row.info.with.has_value() && row.online;
    default:
        return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    return {{Qt::DisplayRole, "display"},
            {IdRole, "id"},
            {KindRole, "kind"},
            {TitleRole, "title"},
            {UnreadRole, "unread"},
            {MentionsRole, "mentions"},
            {LastEventIdRole, "lastEventId"},
            {WithMemberIdRole, "withMemberId"},
            {OnlineRole, "online"}};
}

bool ConversationListModel::lessThan(const Row &a, const Row &b)
{
    const bool aDm = a.info.kind == QLatin1StringView(protocol::KindDm);
    const bool bDm = b.info.kind == QLatin1StringView(protocol::KindDm);
    if (aDm != bDm)
        return !aDm; // channels first
    const int byTitle = a.info.title.compare(b.info.title, Qt::CaseInsensitive);
    if (byTitle != 0)
        return byTitle < 0;
    return a.info.id < b.info.id;
}

int ConversationListModel::rowOf(const QString &conversationId) const
{
    for (size_t at = 0; at < m_rows.size(); ++at) {
        if (m_rows[at].info.id == conversationId)
            return int(at);
    }
    return -1;
}

std::optional<ConversationInfo> ConversationListModel::info(const QString &conversationId) const
{
    const int at = rowOf(conversationId);
    if (at < 0)
        return std::nullopt;
    return m_rows[size_t(at)].info;
}

std::vector<ConversationInfo> ConversationListModel::all() const
{
    std::vector<ConversationInfo> list;
    list.reserve(m_rows.size());
    for (const Row &row : m_rows)
        list.push_back(row.info);
    return list;
}

int ConversationListModel::totalUnread() const
{
    int total = 0;
    for (const Row &row : m_rows)
        total += row.info.unread;
    return total;
}

void ConversationListModel::setConversations(const std::vector<ConversationInfo> &conversations)
{
    // Row by row rather than a model reset: a view keeps its selection and scroll position.
    QSet<QString> keep;
    for (const ConversationInfo &info : conversations)
        keep.insert(info.id);
    for (int at = rowCount() - 1; at >= 0; --at) {
        if (!keep.contains(m_rows[size_t(at)].info.id)) {
            beginRemoveRows({}, at, at);
            m_rows.erase(m_rows.begin() + at);
            endRemoveRows();
        }
    }
    for (const ConversationInfo &info : conversations)
        upsert(info);
}

void ConversationListModel::placeRow(Row row)
{
    const auto position = std::upper_bound(m_rows.begin(), m_rows.end(), row, &lessThan);
    const int at = int(position - m_rows.begin());
    beginInsertRows({}, at, at);
    m_rows.insert(position, std::move(row));
    endInsertRows();
}

void ConversationListModel::upsert(const ConversationInfo &conversation)
{
    const int at = rowOf(conversation.id);
    if (at < 0) {
        placeRow(Row {conversation, false});
        return;
    }
    Row &row = m_rows[size_t(at)];
    const bool moves = row.info.title != conversation.title || row.info.kind != conversation.kind;
    // A list the hub made before a live event we have already counted (its answer can come after
    // the stream's event) is older than what we show: its badges would undo that count. Only a
    // list at least as new as our newest event replaces them.
    const bool stale = conversation.lastEventId < row.info.lastEventId;
    const qint64 lastEventId = qMax(row.info.lastEventId, conversation.lastEventId);
    const int unread = row.info.unread;
    const int mentions = row.info.mentions;
    row.info = conversation;
    row.info.lastEventId = lastEventId;
    if (stale) {
        row.info.unread = unread;
        row.info.mentions = mentions;
    }
    if (!moves) {
        emitRowChanged(at);
        return;
    }
    Row moved = std::move(row);
    beginRemoveRows({}, at, at);
    m_rows.erase(m_rows.begin() + at);
    endRemoveRows();
    placeRow(std::move(moved));
}

void ConversationListModel::remove(const QString &conversationId)
{
    const int at = rowOf(conversationId);
    if (at < 0)
        return;
    beginRemoveRows({}, at, at);
    m_rows.erase(m_rows.begin() + at);
    endRemoveRows();
}

void ConversationListModel::noteMessage(const QString &conversationId, qint64 eventId,
                                        bool countsAsUnread, bool mentionsMe)
{
    const int at = rowOf(conversationId);
    if (at < 0)
        return;
    ConversationInfo &info = m_rows[size_t(at)].info;
    info.lastEventId = qMax(info.lastEventId, eventId);
    if (countsAsUnread) {
        ++info.unread;
        if (mentionsMe)
            ++info.mentions;
    }
    emitRowChanged(at);
}

void ConversationListModel::noteEvent(const QString &conversationId, qint64 eventId)
{
    const int at = rowOf(conversationId);
    if (at < 0 || eventId <= m_rows[size_t(at)].info.lastEventId)
        return;
    m_rows[size_t(at)].info.lastEventId = eventId;
    emitRowChanged(at);
}

void ConversationListModel::setBadges(const QString &conversationId, int unread, int mentions)
{
    const int at = rowOf(conversationId);
    if (at < 0)
        return;
    ConversationInfo &info = m_rows[size_t(at)].info;
    if (info.unread == unread && info.mentions == mentions)
        return;
    info.unread = unread;
    info.mentions = mentions;
    emitRowChanged(at);
}

void ConversationListModel::setOnline(const QString &memberId, bool online)
{
    for (size_t at = 0; at < m_rows.size(); ++at) {
        Row &row = m_rows[at];
        if (row.info.with && row.info.with->id == memberId && row.online != online) {
            row.online = online;
            emitRowChanged(int(at));
        }
    }
}

void ConversationListModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void ConversationListModel::emitRowChanged(int row)
{
    emit dataChanged(index(row), index(row));
}

} // namespace confab
