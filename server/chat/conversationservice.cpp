#include "conversationservice.h"

#include "bus/eventbus.h"
#include "protocol.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace confab {

ConversationService::ConversationService(ChatStore &store, EventBus &bus, int offlineGraceMs,
                                         int typingIntervalMs, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_bus(bus)
    , m_offlineGraceMs(offlineGraceMs)
    , m_typingIntervalMs(typingIntervalMs)
{
    m_monotonic.start();
}

ConversationService::~ConversationService() = default;

namespace {
constexpr int MaxChannelIdChars = protocol::MaxRoomIdChars;

bool isValidChannelId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-]{1,32}$"));
    return pattern.match(id).hasMatch();
}

bool hasControlCharacters(const QString &text)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return true;
    }
    return false;
}

// "Lab 3 — Projects!" → "lab-3-projects". Titles without a Latin letter or digit get a random id.
QString channelIdFromTitle(const QString &title)
{
    QString id;
    for (const QChar c : title.toLower()) {
        const bool plain = (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_');
        if (plain)
            id += c;
        else if (!id.isEmpty() && !id.endsWith(QLatin1Char('-')))
            id += QLatin1Char('-');
    }
    while (id.endsWith(QLatin1Char('-')))
        id.chop(1);
    id.truncate(MaxChannelIdChars);
    while (id.endsWith(QLatin1Char('-')))
        id.chop(1);
    if (id.isEmpty())
        id = QStringLiteral("c-%1").arg(QRandomGenerator::global()->generate(), 8, 16,
                                        QLatin1Char('0'));
    return id;
}

// The one id of the DM between two members, the same whoever opens it. `:` never occurs in a
// channel id, so the two kinds cannot collide.
QString dmId(const QString &a, const QString &b)
{
    return a < b ? QStringLiteral("dm:%1:%2").arg(a, b) : QStringLiteral("dm:%1:%2").arg(b, a);
}
} // namespace

ConversationInfo
ConversationService::describe(const Member &viewer, const Conversation &conversation,
                              const QHash<QString, ChatStore::Unread> &unread) const
{
    ConversationInfo info;
    info.id = conversation.id;
    info.kind = conversation.kind;
    info.title = conversation.title;
    info.lastEventId = m_store.lastSequence(conversation.id);
    const ChatStore::Unread counts = unread.value(conversation.id);
    info.unread = counts.messages;
    info.mentions = counts.mentions;
    if (conversation.isDm()) {
        for (const QString &memberId : conversation.members) {
            if (memberId == viewer.id)
                continue;
            info.with = Member {memberId, m_nameOf ? m_nameOf(memberId) : QString()};
            info.title = info.with->name;
        }
    }
    return info;
}

bool ConversationService::Conversation::isDm() const
{
    return kind == QLatin1StringView(protocol::KindDm);
}

void ConversationService::load()
{
    m_conversations.clear();
    m_conversationsOf.clear();
    for (const ChatStore::Conversation &stored : m_store.loadConversations())
        m_conversations.insert_or_assign(
            stored.id, Conversation {stored.id, stored.kind, stored.title, stored.topic, {}});
    for (const ChatStore::Membership &membership : m_store.loadMemberships()) {
        const auto it = m_conversations.find(membership.conversation);
        if (it == m_conversations.end())
            continue;
        it->second.members.insert(membership.memberId);
        m_conversationsOf[membership.memberId].insert(membership.conversation);
    }
}

void ConversationService::addRoom(const QString &id, const QString &title)
{
    m_rooms.insert_or_assign(id, Room {id, title});
    auto it = m_conversations.find(id);
    if (it == m_conversations.end())
        it = m_conversations
                 .emplace(
                     id,
                     Conversation {id, QString::fromLatin1(protocol::KindChannel), title, {}, {}})
                 .first;
    it->second.title = title;
}

const ConversationService::Conversation *
ConversationService::findConversation(const QString &id) const
{
    const auto it = m_conversations.find(id);
    return it == m_conversations.end() ? nullptr : &it->second;
}

ConversationService::Access ConversationService::access(const QString &memberId,
                                                        const QString &conversation) const
{
    const Conversation *found = findConversation(conversation);
    if (!found)
        return Access::Hidden;
    if (found->members.count(memberId))
        return Access::Member;
    return found->isDm() ? Access::Hidden : Access::NotAMember;
}

const std::set<QString> *ConversationService::membersOf(const QString &conversation) const
{
    const Conversation *found = findConversation(conversation);
    return found ? &found->members : nullptr;
}

std::vector<const ConversationService::Conversation *>
ConversationService::conversationsOf(const QString &memberId) const
{
    std::vector<const Conversation *> list;
    const auto it = m_conversationsOf.find(memberId);
    if (it == m_conversationsOf.end())
        return list;
    for (const QString &id : it->second) {
        if (const Conversation *conversation = findConversation(id))
            list.push_back(conversation);
    }
    return list;
}

std::vector<const ConversationService::Conversation *> ConversationService::channels() const
{
    std::vector<const Conversation *> list;
    for (const auto &entry : m_conversations) {
        if (!entry.second.isDm())
            list.push_back(&entry.second);
    }
    return list;
}

Outcome<const ConversationService::Conversation *>
ConversationService::createChannel(const Member &creator, QString id, const QString &title,
                                   const QString &topic)
{
    const QString cleanTitle = title.trimmed();
    if (cleanTitle.isEmpty() || cleanTitle.size() > protocol::MaxTitleChars
        || hasControlCharacters(cleanTitle))
        return ServiceError {400, protocol::error::BadChannel,
                             QStringLiteral("A channel title is 1 to %1 printable characters.")
                                 .arg(protocol::MaxTitleChars)};
    if (topic.size() > protocol::MaxTopicChars || hasControlCharacters(topic))
        return ServiceError {400, protocol::error::BadChannel,
                             QStringLiteral("A topic is at most %1 printable characters.")
                                 .arg(protocol::MaxTopicChars)};
    if (id.isEmpty())
        id = channelIdFromTitle(cleanTitle);
    if (!isValidChannelId(id))
        return ServiceError {400, protocol::error::BadChannel,
                             QStringLiteral("Channel ids are 1 to 32 of A-Z, a-z, 0-9, _ and -.")};
    if (findConversation(id))
        return ServiceError {409, protocol::error::ChannelTaken,
                             QStringLiteral("A channel with that id exists.")};
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const ChatStore::Conversation stored {id, QString::fromLatin1(protocol::KindChannel),
                                          cleanTitle, topic};
    if (!m_store.createConversation(stored, now, {}))
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not store the channel.")};
    m_conversations.emplace(id, Conversation {id, stored.kind, cleanTitle, topic, {}});
    join(creator, id, now);
    return findConversation(id);
}

Outcome<const ConversationService::Conversation *>
ConversationService::openDm(const QString &memberId, const QString &otherId, bool *created)
{
    *created = false;
    const QString id = dmId(memberId, otherId);
    if (const Conversation *existing = findConversation(id))
        return existing;
    const ChatStore::Conversation stored {id, QString::fromLatin1(protocol::KindDm), {}, {}};
    if (!m_store.createConversation(stored, QDateTime::currentMSecsSinceEpoch(),
                                    {memberId, otherId}))
        return ServiceError {500, protocol::error::StoreFailed,
                             QStringLiteral("The hub could not store the conversation.")};
    const Conversation &dm
        = m_conversations.emplace(id, Conversation {id, stored.kind, {}, {}, {memberId, otherId}})
              .first->second;
    m_conversationsOf[memberId].insert(id);
    m_conversationsOf[otherId].insert(id);
    *created = true;
    // Each side sees the DM titled with the other's name; a new DM has nothing unread.
    for (const QString &side : {memberId, otherId}) {
        const Member viewer {side, m_nameOf ? m_nameOf(side) : QString()};
        m_bus.publish(PublishableEvent::conversationAdded(describe(viewer, dm, {})),
                      Audience::member(side));
    }
    return &dm;
}

const ConversationService::Room *ConversationService::findRoom(const QString &id) const
{
    const auto it = m_rooms.find(id);
    return it == m_rooms.end() ? nullptr : &it->second;
}

std::vector<ConversationService::Room> ConversationService::rooms() const
{
    std::vector<Room> list;
    for (const auto &entry : m_rooms)
        list.push_back(entry.second);
    return list;
}

bool ConversationService::join(const Member &member, const QString &room, qint64 ts)
{
    PresenceEvent join {PresenceState::Join, member, room, 0, ts};
    const auto committed = m_store.appendPresence(join);
    if (!committed)
        return false;
    // A member before the publish: the joiner's own streams get the join too.
    if (const auto it = m_conversations.find(room); it != m_conversations.end())
        it->second.members.insert(member.id);
    m_conversationsOf[member.id].insert(room);
    m_bus.publish(*committed, Audience::conversation(room));
    // Nothing is unread at a join (the store sets the read mark to the join), so no counting.
    if (const Conversation *conversation = findConversation(room))
        m_bus.publish(PublishableEvent::conversationAdded(describe(member, *conversation, {})),
                      Audience::member(member.id));
    return true;
}

void ConversationService::leave(const Member &member, const QString &room, qint64 ts)
{
    PresenceEvent leave {PresenceState::Leave, member, room, 0, ts};
    if (findConversation(room)) {
        // Published while still a member: the leaver's own streams see the leave as well.
        if (const auto committed = m_store.appendPresence(leave))
            m_bus.publish(*committed, Audience::conversation(room));
    }
    if (const auto it = m_conversations.find(room); it != m_conversations.end())
        it->second.members.erase(member.id);
    if (const auto it = m_conversationsOf.find(member.id); it != m_conversationsOf.end())
        it->second.erase(room);
    m_bus.publish(PublishableEvent::conversationRemoved(room), Audience::member(member.id));
}

void ConversationService::closeStreamsOf(const QString &memberId)
{
    // The session ended: offline now, not after the grace (no stream can come back on it).
    if (const auto it = m_presence.find(memberId); it != m_presence.end() && it->second.online) {
        it->second.online = false;
        publishPresence(it->second.member, it->second.room, false);
    }
    m_presence.erase(memberId);
    m_bus.closeMember(memberId);
    emit memberGone(memberId);
}

void ConversationService::streamOpened(const Member &member, const QString &room)
{
    Presence &presence = m_presence[member.id];
    presence.member = member;
    if (!room.isEmpty())
        presence.room = room;
    ++presence.streams;
    presence.everStreamed = true;
    if (presence.offlineTimer)
        presence.offlineTimer->stop();
    if (presence.online)
        return;
    presence.online = true;
    publishPresence(member, room, true);
    emit roomsChanged();
}

void ConversationService::publishPresence(const Member &member, const QString &room, bool online)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_bus.publish(PublishableEvent::presenceChange(member, QString(), online, now),
                  Audience::everyMember());
    if (findRoom(room))
        m_bus.publish(PublishableEvent::presenceChange(member, room, online, now),
                      Audience::conversation(room));
}

void ConversationService::streamClosed(const QString &memberId)
{
    const auto it = m_presence.find(memberId);
    if (it == m_presence.end())
        return;
    Presence &presence = it->second;
    presence.streams = std::max(0, presence.streams - 1);
    if (presence.streams > 0 || m_stopped)
        return;
    if (!presence.offlineTimer) {
        presence.offlineTimer = std::make_unique<QTimer>();
        presence.offlineTimer->setSingleShot(true);
        connect(presence.offlineTimer.get(), &QTimer::timeout, this, [this, memberId] {
            const auto found = m_presence.find(memberId);
            if (found == m_presence.end() || found->second.streams > 0 || !found->second.online)
                return;
            Presence &gone = found->second;
            gone.online = false;
            publishPresence(gone.member, gone.room, false);
            emit roomsChanged();
            emit memberGone(memberId);
        });
    }
    presence.offlineTimer->start(m_offlineGraceMs);
}

bool ConversationService::isOnline(const QString &memberId) const
{
    const auto it = m_presence.find(memberId);
    return it != m_presence.end() && it->second.online;
}

bool ConversationService::isPresent(const QString &memberId) const
{
    const auto it = m_presence.find(memberId);
    return it != m_presence.end() && (it->second.online || it->second.streams > 0);
}

bool ConversationService::hasEverStreamed(const QString &memberId) const
{
    const auto it = m_presence.find(memberId);
    return it != m_presence.end() && it->second.everStreamed;
}

bool ConversationService::markRead(const QString &memberId, const QString &conversation,
                                   qint64 upTo)
{
    if (!m_store.setLastRead(conversation, memberId, upTo))
        return false;
    m_bus.publish(PublishableEvent::read(conversation, upTo), Audience::member(memberId));
    return true;
}

void ConversationService::typing(const Member &member, const QString &room)
{
    Presence &presence = m_presence[member.id];
    // Not presence.room: that is the v1 room of a stream, where online/offline go; typing in a
    // conversation (API v2: any) says nothing about it.
    if (presence.member.id.isEmpty())
        presence.member = member;
    const qint64 now = m_monotonic.elapsed();
    if (presence.lastTypingMs != 0 && presence.lastTypingIn == room
        && now - presence.lastTypingMs < m_typingIntervalMs)
        return;
    presence.lastTypingMs = std::max<qint64>(1, now);
    presence.lastTypingIn = room;
    m_bus.publish(PublishableEvent::typing(member, room), Audience::conversation(room));
}

} // namespace confab
