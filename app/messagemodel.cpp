#include "messagemodel.h"

#include "calls.h"
#include "fileattachment.h"
#include "mentions.h"

#include <algorithm>

namespace confab {

struct MessageModel::Row
{
    Kind kind = Kind::Message;
    qint64 sequence = 0; // 0 while pending
    QString clientId;
    Member sender;
    QString text; // the message, or for a notice the member's action (see data())
    PresenceState notice = PresenceState::Join;
    qint64 ts = 0;
    Delivery delivery = Delivery::Delivered;
    qint64 editedTs = 0;
    bool deleted = false;
    std::optional<FileAttachment> file;
};

MessageModel::MessageModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

MessageModel::~MessageModel() = default;

int MessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const size_t at = size_t(index.row());
    const Row &row = m_rows[at];
    const Row *above = at > 0 ? &m_rows[at - 1] : nullptr;
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(row.ts).toLocalTime();
    switch (role) {
    case Qt::DisplayRole:
        if (row.kind == Kind::Notice) {
            return row.notice == PresenceState::Leave ? tr("%1 left").arg(row.sender.name)
                                                      : tr("%1 joined").arg(row.sender.name);
        }
        return row.text;
    case KindRole:
        return QVariant::fromValue(row.kind);
    case SequenceRole:
        return row.sequence;
    case ClientIdRole:
        return row.clientId;
    case SenderIdRole:
        return row.sender.id;
    case SenderNameRole:
        return row.sender.name;
    case TextRole:
        return row.text;
    case TimestampRole:
        return time;
    case DeliveryRole:
        return QVariant::fromValue(row.delivery);
    case IsOwnRole:
        return !m_ownMemberId.isEmpty() && row.sender.id == m_ownMemberId;
    case GroupedRole:
        return above && row.kind == Kind::Message && above->kind == Kind::Message
            && above->sender.id == row.sender.id && row.ts - above->ts < GroupWindowMs
            && row.ts >= above->ts
            && QDateTime::fromMSecsSinceEpoch(above->ts).toLocalTime().date() == time.date();
    case NewDayRole:
        return !above
            || QDateTime::fromMSecsSinceEpoch(above->ts).toLocalTime().date() != time.date();
    case EditedRole:
        return row.editedTs > 0 ? QDateTime::fromMSecsSinceEpoch(row.editedTs).toLocalTime()
                                : QDateTime();
    case DeletedRole:
        return row.deleted;
    case MentionsMeRole:
        return row.kind == Kind::Message && !row.deleted && row.sender.id != m_ownMemberId
            && mentionsName(row.text, m_ownName);
    case AttachmentRole:
        return row.file && !row.deleted ? QVariant::fromValue(*row.file) : QVariant();
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    return {{Qt::DisplayRole, "display"},
            {KindRole, "kind"},
            {SequenceRole, "sequence"},
            {ClientIdRole, "clientId"},
            {SenderIdRole, "senderId"},
            {SenderNameRole, "senderName"},
            {TextRole, "text"},
            {TimestampRole, "timestamp"},
            {DeliveryRole, "delivery"},
            {IsOwnRole, "isOwn"},
            {GroupedRole, "grouped"},
            {NewDayRole, "newDay"},
            {EditedRole, "edited"},
            {DeletedRole, "deleted"},
            {MentionsMeRole, "mentionsMe"},
            {AttachmentRole, "attachment"}};
}

void MessageModel::setOwnMemberId(const QString &memberId)
{
    m_ownMemberId = memberId;
    if (!m_rows.empty())
        emit dataChanged(index(0), index(rowCount() - 1), {IsOwnRole});
}

void MessageModel::setOwnName(const QString &name)
{
    if (name == m_ownName)
        return;
    m_ownName = name;
    if (!m_rows.empty())
        emit dataChanged(index(0), index(rowCount() - 1), {MentionsMeRole});
}

int MessageModel::findDelivered(qint64 sequence) const
{
    const int end = pendingStart();
    const auto position
        = std::lower_bound(m_rows.begin(), m_rows.begin() + end, sequence,
                           [](const Row &r, qint64 value) { return r.sequence < value; });
    if (position == m_rows.begin() + end || position->sequence != sequence)
        return -1;
    return int(position - m_rows.begin());
}

bool MessageModel::applyEdit(const MessageEditedEvent &edit)
{
    const int at = findDelivered(edit.messageId);
    if (at < 0)
        return false;
    Row &row = m_rows[size_t(at)];
    // Events can come twice (a page loaded after the live edit): only a newer edit changes it.
    if (row.kind != Kind::Message || row.deleted || edit.ts < row.editedTs)
        return false;
    row.text = edit.text;
    row.editedTs = edit.ts;
    emit dataChanged(index(at), index(at), {Qt::DisplayRole, TextRole, EditedRole, MentionsMeRole});
    return true;
}

bool MessageModel::applyDelete(const MessageDeletedEvent &deletion)
{
    const int at = findDelivered(deletion.messageId);
    if (at < 0)
        return false;
    Row &row = m_rows[size_t(at)];
    if (row.kind != Kind::Message || row.deleted)
        return false;
    row.deleted = true;
    row.text.clear();
    emit dataChanged(index(at), index(at),
                     {Qt::DisplayRole, TextRole, DeletedRole, MentionsMeRole});
    return true;
}

qint64 MessageModel::newestMessageSequence() const
{
    for (int at = pendingStart() - 1; at >= 0; --at) {
        if (m_rows[size_t(at)].kind == Kind::Message)
            return m_rows[size_t(at)].sequence;
    }
    return 0;
}

QString MessageModel::textOf(qint64 messageId) const
{
    const int at = findDelivered(messageId);
    return at < 0 ? QString() : m_rows[size_t(at)].text;
}

MessageModel::Row MessageModel::rowFor(const ChatEvent &event)
{
    Row row;
    if (const auto *message = std::get_if<MessageEvent>(&event)) {
        row.kind = Kind::Message;
        row.sequence = message->id;
        row.clientId = message->clientId;
        row.sender = message->from;
        // A call's summary ("Missed call", "Call, 3 min") in the user's language, from its `call`
        // object; the hub's English text for a kind of summary this client does not know.
        const QString summary
            = message->call.isEmpty() ? QString() : callSummaryText(message->call);
        row.text = summary.isEmpty() ? message->text : summary;
        row.ts = message->ts;
        row.editedTs = message->editedTs;
        row.deleted = message->deleted;
        if (!message->file.isEmpty())
            row.file = FileAttachment::fromJson(message->file);
    } else if (const auto *presence = std::get_if<PresenceEvent>(&event)) {
        row.kind = Kind::Notice;
        row.sequence = presence->isHistory() ? presence->id : 0;
        row.sender = presence->member;
        row.notice = presence->state;
        row.text = presence->member.name;
        row.ts = presence->ts;
    }
    return row;
}

bool MessageModel::addMessage(const MessageEvent &message)
{
    if (message.id <= 0 || m_sequences.contains(message.id))
        return false;
    // Our own message coming back: the pending row becomes the delivered one.
    if (!message.clientId.isEmpty() && message.from.id == m_ownMemberId) {
        const int pending = findPending(message.clientId);
        if (pending >= 0) {
            beginRemoveRows({}, pending, pending);
            m_rows.erase(m_rows.begin() + pending);
            endRemoveRows();
        }
    }
    return insertDelivered(rowFor(message));
}

bool MessageModel::addNotice(const PresenceEvent &presence)
{
    if (!presence.isHistory() || presence.id <= 0 || m_sequences.contains(presence.id))
        return false;
    return insertDelivered(rowFor(presence));
}

bool MessageModel::insertDelivered(Row row)
{
    const int end = pendingStart();
    const auto position
        = std::upper_bound(m_rows.begin(), m_rows.begin() + end, row.sequence,
                           [](qint64 sequence, const Row &r) { return sequence < r.sequence; });
    const int at = int(position - m_rows.begin());
    m_sequences.insert(row.sequence);
    beginInsertRows({}, at, at);
    m_rows.insert(position, std::move(row));
    endInsertRows();
    notifyNeighbour(at + 1);
    return true;
}

void MessageModel::prependHistory(const std::vector<ChatEvent> &events)
{
    std::vector<Row> rows;
    rows.reserve(events.size());
    for (const ChatEvent &event : events) {
        const qint64 sequence = eventSequence(event);
        if (sequence <= 0 || m_sequences.contains(sequence))
            continue;
        if (std::holds_alternative<MessageEvent>(event)
            || std::holds_alternative<PresenceEvent>(event))
            rows.push_back(rowFor(event));
    }
    if (rows.empty())
        return;
    std::sort(rows.begin(), rows.end(),
              [](const Row &a, const Row &b) { return a.sequence < b.sequence; });
    const qint64 oldest = oldestSequence();
    if (oldest != 0 && rows.back().sequence > oldest) {
        // Not all older than what we show (the hub had a reset): place them one by one.
        for (Row &row : rows)
            insertDelivered(std::move(row));
        return;
    }
    for (const Row &row : rows)
        m_sequences.insert(row.sequence);
    // One insertion for the whole page: a view keeps its scroll position cheaply.
    beginInsertRows({}, 0, int(rows.size()) - 1);
    m_rows.insert(m_rows.begin(), std::make_move_iterator(rows.begin()),
                  std::make_move_iterator(rows.end()));
    endInsertRows();
    notifyNeighbour(int(rows.size()));
}

void MessageModel::addPending(const QString &clientId, const Member &self, const QString &text,
                              Delivery delivery)
{
    Row row;
    row.kind = Kind::Message;
    row.clientId = clientId;
    row.sender = self;
    row.text = text;
    row.ts = QDateTime::currentMSecsSinceEpoch();
    row.delivery = delivery;
    const int at = rowCount();
    beginInsertRows({}, at, at);
    m_rows.push_back(std::move(row));
    endInsertRows();
}

void MessageModel::setPendingDelivery(const QString &clientId, Delivery delivery)
{
    const int row = findPending(clientId);
    if (row < 0 || m_rows[size_t(row)].delivery == delivery)
        return;
    m_rows[size_t(row)].delivery = delivery;
    emit dataChanged(index(row), index(row), {DeliveryRole});
}

void MessageModel::removePending(const QString &clientId)
{
    const int row = findPending(clientId);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.erase(m_rows.begin() + row);
    endRemoveRows();
    notifyNeighbour(row);
}

void MessageModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_sequences.clear();
    endResetModel();
}

bool MessageModel::containsSequence(qint64 sequence) const
{
    return m_sequences.contains(sequence);
}

qint64 MessageModel::oldestSequence() const
{
    return m_rows.empty() || m_rows.front().sequence == 0 ? 0 : m_rows.front().sequence;
}

qint64 MessageModel::newestSequence() const
{
    const int end = pendingStart();
    return end == 0 ? 0 : m_rows[size_t(end - 1)].sequence;
}

int MessageModel::pendingCount() const
{
    return rowCount() - pendingStart();
}

int MessageModel::pendingStart() const
{
    // Pending rows are always the tail; few at a time, so walking back is cheap.
    int at = rowCount();
    while (at > 0 && m_rows[size_t(at - 1)].sequence == 0)
        --at;
    return at;
}

int MessageModel::findPending(const QString &clientId) const
{
    for (int row = pendingStart(); row < rowCount(); ++row) {
        if (m_rows[size_t(row)].clientId == clientId)
            return row;
    }
    return -1;
}

void MessageModel::notifyNeighbour(int row)
{
    if (row >= 0 && row < rowCount())
        emit dataChanged(index(row), index(row), {GroupedRole, NewDayRole});
}

} // namespace confab
