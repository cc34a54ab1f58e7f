#include "conversationservice.h"

#include "bus/eventbus.h"

#include <QDateTime>

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

void ConversationService::addRoom(const QString &id, const QString &title)
{
    m_rooms.insert_or_assign(id, Room {id, title});
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
    m_bus.publish(*committed, Audience::conversation(room));
    return true;
}

void ConversationService::leave(const Member &member, const QString &room, qint64 ts)
{
    m_presence.erase(member.id);
    PresenceEvent leave {PresenceState::Leave, member, room, 0, ts};
    if (findRoom(room)) {
        if (const auto committed = m_store.appendPresence(leave))
            m_bus.publish(*committed, Audience::conversation(room));
    }
    m_bus.closeMember(member.id);
}

void ConversationService::streamOpened(const Member &member, const QString &room)
{
    Presence &presence = m_presence[member.id];
    presence.member = member;
    presence.room = room;
    ++presence.streams;
    presence.everStreamed = true;
    if (presence.offlineTimer)
        presence.offlineTimer->stop();
    if (presence.online)
        return;
    presence.online = true;
    m_bus.publish(
        PublishableEvent::presenceChange(member, room, true, QDateTime::currentMSecsSinceEpoch()),
        Audience::conversation(room));
    emit roomsChanged();
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
            if (findRoom(gone.room))
                m_bus.publish(PublishableEvent::presenceChange(gone.member, gone.room, false,
                                                               QDateTime::currentMSecsSinceEpoch()),
                              Audience::conversation(gone.room));
            emit roomsChanged();
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

void ConversationService::typing(const Member &member, const QString &room)
{
    Presence &presence = m_presence[member.id];
    if (presence.member.id.isEmpty()) {
        presence.member = member;
        presence.room = room;
    }
    const qint64 now = m_monotonic.elapsed();
    if (presence.lastTypingMs != 0 && now - presence.lastTypingMs < m_typingIntervalMs)
        return;
    presence.lastTypingMs = std::max<qint64>(1, now);
    m_bus.publish(PublishableEvent::typing(member, room), Audience::conversation(room));
}

} // namespace confab
