#pragma once
// Where published events go: every live event stream of the audience. The services publish here
// and nowhere else; the local implementation (LocalEventBus) delivers within this process, and a
// shared backplane (a later issue) can replace it without touching the services.

#include "publishableevent.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <set>

namespace confab {

class EventStream;

// Who gets an event: everyone following one conversation (the conversation's v1 room streams and
// the member streams of its members), one member alone (on every member stream of theirs), or
// every member stream of the hub (API v2's hub-wide online/offline).
struct Audience
{
    enum class Kind { Conversation, Member, EveryMember };
    Kind kind = Kind::Conversation;
    QString id;

    static Audience conversation(const QString &id) { return {Kind::Conversation, id}; }
    static Audience member(const QString &id) { return {Kind::Member, id}; }
    static Audience everyMember() { return {Kind::EveryMember, QString()}; }
};

class EventBus : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Only committed history events and ephemeral ones exist as PublishableEvent (see there).
    virtual void publish(const PublishableEvent &event, const Audience &audience) = 0;

    // The members of a conversation, as the bus routes by them (nullptr: none). Set once, before
    // anything is published.
    using MemberResolver = std::function<const std::set<QString> *(const QString &conversation)>;
    virtual void setMemberResolver(MemberResolver resolver) = 0;

    // Takes over a stream whose head and replay are written; it gets the events published from
    // now on. The caller replays from the store first and subscribes in the same event-loop
    // turn: everything published before is committed, so the replay has it.
    // API v1: a room's stream gets that conversation's events.
    virtual void subscribe(const QString &conversation, std::unique_ptr<EventStream> stream,
                           const QString &memberId)
        = 0;
    // API v2: a member's stream gets the events of every conversation the member is in at the
    // time of each publish, and those addressed to the member.
    virtual void subscribeMember(const QString &memberId, std::unique_ptr<EventStream> stream) = 0;
    // Ends every stream of one member (their session ended).
    virtual void closeMember(const QString &memberId) = 0;
    // Sends `last` to everyone, then closes every stream gracefully.
    virtual void closeAll(const PublishableEvent &last) = 0;
    virtual int subscriberCount() const = 0;

signals:
    // A stream of this member closed (the peer went away, or it was dropped for not reading).
    void subscriberLeft(const QString &memberId);
};

} // namespace confab
