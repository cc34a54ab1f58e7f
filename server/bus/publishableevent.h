#pragma once
// "Commit, then publish", enforced by type. An event that belongs to history (it carries a
// sequence number: a message, a join, a leave) may reach subscribers only after the store has
// committed it, so that a subscriber never sees an event a crash could take back, and a replay
// from the store plus the live events that follow it have no gap. The bus publishes nothing but
// PublishableEvents; one carrying a history event can be made only by a ChatStore, after its
// commit (ChatStore::committed). Ephemeral events (online/offline, typing, read,
// conversation_added/removed, bye) carry no
// sequence number and are made here by anyone, through constructors that cannot make a history
// event.

#include "chatevent.h"

namespace confab {

class ChatStore;

class PublishableEvent
{
public:
    static PublishableEvent typing(const Member &member, const QString &room)
    {
        return PublishableEvent(TypingEvent {member, room});
    }
    static PublishableEvent presenceChange(const Member &member, const QString &room, bool online,
                                           qint64 ts)
    {
        return PublishableEvent(PresenceEvent {
            online ? PresenceState::Online : PresenceState::Offline, member, room, 0, ts});
    }
    // API v2, to one member's streams: they are now in / no longer in a conversation.
    static PublishableEvent conversationAdded(ConversationInfo conversation)
    {
        return PublishableEvent(ConversationAddedEvent {std::move(conversation)});
    }
    static PublishableEvent conversationRemoved(const QString &conversation)
    {
        return PublishableEvent(ConversationRemovedEvent {conversation});
    }
    static PublishableEvent bye(const QString &reason)
    {
        return PublishableEvent(ByeEvent {reason});
    }
    static PublishableEvent read(const QString &conversation, qint64 upTo)
    {
        return PublishableEvent(ReadEvent {conversation, upTo});
    }

    const ChatEvent &event() const { return m_event; }

private:
    friend class ChatStore; // the one maker of committed history events
    explicit PublishableEvent(ChatEvent event)
        : m_event(std::move(event))
    { }

    ChatEvent m_event;
};

} // namespace confab
