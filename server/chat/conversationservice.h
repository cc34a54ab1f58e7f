#pragma once
// Conversations and who is in them: the hub's rooms (API v1), joining and leaving (stored
// history events), presence (online while a stream is open, offline after a grace period) and
// typing (throttled per member). Publishes through the bus only.

#include "store/chatstore.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <map>
#include <memory>
#include <vector>

namespace confab {

class EventBus;

class ConversationService : public QObject
{
    Q_OBJECT
public:
    struct Room
    {
        QString id;
        QString title;
    };

    ConversationService(ChatStore &store, EventBus &bus, int offlineGraceMs, int typingIntervalMs,
                        QObject *parent = nullptr);
    ~ConversationService() override;

    void addRoom(const QString &id, const QString &title);
    const Room *findRoom(const QString &id) const;
    std::vector<Room> rooms() const;

    // Store and publish a `join` / `leave`. join() is false when the store refused.
    bool join(const Member &member, const QString &room, qint64 ts);
    void leave(const Member &member, const QString &room, qint64 ts);

    // A stream of the member opened (subscribed to `room`) / closed.
    void streamOpened(const Member &member, const QString &room);
    void streamClosed(const QString &memberId);
    bool isOnline(const QString &memberId) const;
    // Online, or with a stream open (the offline event may still be waiting for its grace).
    bool isPresent(const QString &memberId) const;
    bool hasEverStreamed(const QString &memberId) const;

    // Publishes a `typing` event unless the member sent one less than the interval ago.
    void typing(const Member &member, const QString &room);

    // Tells listeners (the LAN beacon, the window) that membership or online counts changed.
    void notifyChanged() { emit roomsChanged(); }
    // While stopping, closing streams make nobody offline.
    void stop() { m_stopped = true; }

signals:
    void roomsChanged();

private:
    struct Presence
    {
        Member member;
        QString room;
        int streams = 0;
        bool online = false;
        bool everStreamed = false;
        qint64 lastTypingMs = 0;
        std::unique_ptr<QTimer> offlineTimer;
    };

    ChatStore &m_store;
    EventBus &m_bus;
    int m_offlineGraceMs;
    int m_typingIntervalMs;
    QElapsedTimer m_monotonic;
    bool m_stopped = false;
    std::map<QString, Room> m_rooms;
    std::map<QString, Presence> m_presence; // by member id
};

} // namespace confab
