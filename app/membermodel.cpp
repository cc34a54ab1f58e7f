#include "membermodel.h"

#include <QDeadlineTimer>
#include <algorithm>

namespace confab {

struct MemberModel::Entry
{
    Member member;
    bool online = false;
    qint64 typingUntilMs = 0; // monotonic clock; 0: not typing
};

namespace {

qint64 monotonicNowMs()
{
    return QDeadlineTimer::current().deadline();
}

bool sortsBefore(const Member &a, const Member &b)
{
    const int byName = QString::compare(a.name, b.name, Qt::CaseInsensitive);
    return byName != 0 ? byName < 0 : a.id < b.id;
}

} // namespace

MemberModel::MemberModel(QObject *parent)
    : QAbstractListModel(parent)
    , m_typingTimer(new QTimer(this))
{
    m_typingTimer->setSingleShot(true);
    connect(m_typingTimer, &QTimer::timeout, this, &MemberModel::expireTyping);
}

MemberModel::~MemberModel() = default;

int MemberModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant MemberModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &entry = m_entries[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return entry.member.name;
    case MemberIdRole:
        return entry.member.id;
    case OnlineRole:
        return entry.online;
    case TypingRole:
        return entry.typingUntilMs > monotonicNowMs();
    case IsSelfRole:
        return !m_selfId.isEmpty() && entry.member.id == m_selfId;
    default:
        return {};
    }
}

QHash<int, QByteArray> MemberModel::roleNames() const
{
    return {{Qt::DisplayRole, "display"}, {MemberIdRole, "memberId"}, {NameRole, "name"},
            {OnlineRole, "online"},       {TypingRole, "typing"},     {IsSelfRole, "isSelf"}};
}

int MemberModel::onlineCount() const
{
    return int(
        std::count_if(m_entries.begin(), m_entries.end(), [](const Entry &e) { return e.online; }));
}

QStringList MemberModel::typingNames() const
{
    const qint64 now = monotonicNowMs();
    QStringList names;
    for (const Entry &entry : m_entries) {
        if (entry.typingUntilMs > now && entry.member.id != m_selfId)
            names.append(entry.member.name);
    }
    return names;
}

void MemberModel::setSelfId(const QString &memberId)
{
    m_selfId = memberId;
    if (!m_entries.empty())
        emit dataChanged(index(0), index(rowCount() - 1), {IsSelfRole});
}

void MemberModel::setMembers(const std::vector<std::pair<Member, bool>> &membersWithOnline)
{
    std::vector<Entry> entries;
    entries.reserve(membersWithOnline.size());
    for (const auto &[member, online] : membersWithOnline) {
        const int existing = indexOf(member.id);
        const qint64 typing = existing >= 0 ? m_entries[size_t(existing)].typingUntilMs : 0;
        entries.push_back({member, online, typing});
    }
    std::sort(entries.begin(), entries.end(),
              [](const Entry &a, const Entry &b) { return sortsBefore(a.member, b.member); });
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

void MemberModel::applyPresence(const PresenceEvent &presence)
{
    int row = indexOf(presence.member.id);
    if (presence.state == PresenceState::Leave) {
        if (row >= 0) {
            beginRemoveRows({}, row, row);
            m_entries.erase(m_entries.begin() + row);
            endRemoveRows();
            emit typingNamesChanged(typingNames());
        }
        return;
    }
    const bool online = presence.state == PresenceState::Online;
    // Someone who left (or was never listed) going offline is no news: listing them now would
    // bring back a member whose `leave` came just before (the hub says both when a session ends).
    if (row < 0 && presence.state == PresenceState::Offline)
        return;
    if (row < 0) {
        const auto at = std::lower_bound(
            m_entries.begin(), m_entries.end(), presence.member,
            [](const Entry &e, const Member &m) { return sortsBefore(e.member, m); });
        row = int(at - m_entries.begin());
        beginInsertRows({}, row, row);
        m_entries.insert(at, Entry {presence.member, online, 0});
        endInsertRows();
        return;
    }
    Entry &entry = m_entries[size_t(row)];
    if (presence.state == PresenceState::Join)
        return; // a new session of someone we know: online/offline say the rest
    if (entry.online != online) {
        entry.online = online;
        if (!online)
            entry.typingUntilMs = 0;
        emitRowChanged(row);
    }
}

void MemberModel::addMember(const Member &member, bool online)
{
    if (indexOf(member.id) >= 0) {
        setOnline(member.id, online);
        return;
    }
    applyPresence(
        PresenceEvent {online ? PresenceState::Online : PresenceState::Join, member, {}, 0, 0});
}

void MemberModel::removeMember(const QString &memberId)
{
    applyPresence(PresenceEvent {PresenceState::Leave, Member {memberId, {}}, {}, 0, 0});
}

void MemberModel::setOnline(const QString &memberId, bool online)
{
    const int row = indexOf(memberId);
    if (row < 0)
        return;
    Entry &entry = m_entries[size_t(row)];
    if (entry.online == online)
        return;
    entry.online = online;
    const bool wasTyping = !online && entry.typingUntilMs != 0;
    if (wasTyping)
        entry.typingUntilMs = 0;
    emitRowChanged(row);
    if (wasTyping)
        emit typingNamesChanged(typingNames());
}

void MemberModel::markTyping(const Member &member)
{
    int row = indexOf(member.id);
    if (row < 0) {
        applyPresence(PresenceEvent {PresenceState::Online, member, {}, 0, 0});
        row = indexOf(member.id);
    }
    m_entries[size_t(row)].typingUntilMs = monotonicNowMs() + TypingDisplayMs;
    emitRowChanged(row);
    emit typingNamesChanged(typingNames());
    if (!m_typingTimer->isActive())
        m_typingTimer->start(TypingDisplayMs);
}

void MemberModel::clearTyping(const QString &memberId)
{
    const int row = indexOf(memberId);
    if (row < 0 || m_entries[size_t(row)].typingUntilMs == 0)
        return;
    m_entries[size_t(row)].typingUntilMs = 0;
    emitRowChanged(row);
    emit typingNamesChanged(typingNames());
}

void MemberModel::markAllOffline()
{
    bool typingChanged = false;
    for (size_t i = 0; i < m_entries.size(); ++i) {
        Entry &entry = m_entries[i];
        if (!entry.online && entry.typingUntilMs == 0)
            continue;
        typingChanged = typingChanged || entry.typingUntilMs != 0;
        entry.online = false;
        entry.typingUntilMs = 0;
        emitRowChanged(int(i));
    }
    if (typingChanged)
        emit typingNamesChanged(typingNames());
}

void MemberModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
    m_typingTimer->stop();
}

int MemberModel::indexOf(const QString &memberId) const
{
    for (size_t i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].member.id == memberId)
            return int(i);
    }
    return -1;
}

void MemberModel::expireTyping()
{
    const qint64 now = monotonicNowMs();
    qint64 nextExpiry = 0;
    bool changed = false;
    for (size_t i = 0; i < m_entries.size(); ++i) {
        Entry &entry = m_entries[i];
        if (entry.typingUntilMs == 0)
            continue;
        if (entry.typingUntilMs <= now) {
            entry.typingUntilMs = 0;
            emitRowChanged(int(i));
            changed = true;
        } else if (nextExpiry == 0 || entry.typingUntilMs < nextExpiry) {
            nextExpiry = entry.typingUntilMs;
        }
    }
    if (nextExpiry > 0)
        m_typingTimer->start(int(nextExpiry - now) + 1);
    if (changed)
        emit typingNamesChanged(typingNames());
}

void MemberModel::emitRowChanged(int row)
{
    const QModelIndex at = index(row);
    emit dataChanged(at, at, {OnlineRole, TypingRole});
}

} // namespace confab
