#pragma once
// One member's view of one room on one hub: sign in, follow the room's event stream, post.
// Used by every client of a hub: the window (hosting or joining) and `confab join`.
//
// Guarantees: every message appears once (events are deduplicated by sequence number, and
// `reset` reloads history); messages written while the link is down wait in an outbox that
// survives a restart of the app and are delivered exactly once (the hub dedups by clientId).

#include "chatevent.h"
#include "pinnedtls.h"

#include <QObject>
#include <QUrl>
#include <memory>
#include <optional>

namespace confab {

class MessageModel;
class MemberModel;

class ChatSession : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Idle, // not started, or stopped
        SigningIn, // POST /api/v1/session in flight
        Connecting, // opening the event stream
        Live, // stream open: events arrive as they happen
        Reconnecting, // link lost; retrying after a delay (see stateChanged's retryInMs)
        Failed, // cannot continue without the user (bad password, name taken, not a hub)
    };
    Q_ENUM(State)

    // Why the session is Failed, so that the window can offer the next step.
    enum class Failure {
        None,
        PasswordNeeded, // a locked room, and no password was given
        WrongPassword,
        NameTaken,
        Other,
    };
    Q_ENUM(Failure)

    struct Options
    {
        QUrl hubUrl; // e.g. http://192.168.1.20:8848/
        QString roomId; // empty: the default room
        QString name;
        QString password; // empty when the room is open
        QString storageDir; // token and outbox live here; empty: the app-data location
        std::optional<TlsPin> pin; // set: https:// and exactly this hub certificate
    };

    explicit ChatSession(QObject *parent = nullptr);
    ~ChatSession() override;

    void start(const Options &options);
    // leaveRoom: also end the session on the hub (DELETE /api/v1/session), not only disconnect.
    // Returns true when that request is on its way: keep this object alive until signedOut(),
    // or the hub never hears of it and keeps a ghost member.
    bool stop(bool leaveRoom = false);

    // Shows the message at once as pending and returns its clientId.
    QString send(const QString &text);
    void sendTyping(); // rate-limited here; cheap to call on every keystroke
    void loadOlder(); // next page of history before the oldest row
    bool canLoadOlder() const;

    State state() const;
    Failure failure() const; // None unless state() is Failed
    QString stateReason() const; // human-readable, translated
    Member self() const;
    QUrl hubUrl() const;
    QString roomId() const;
    QString roomTitle() const;
    int outboxSize() const;

    MessageModel *messages() const;
    MemberModel *members() const;

signals:
    void stateChanged(confab::ChatSession::State state, const QString &reason, int retryInMs);
    void messageArrived(const confab::MessageEvent &message, bool own); // live, not history
    void typingChanged(const QStringList &names);
    void hostLeft(const QString &reason); // the hub said `bye`; the session keeps retrying
    void outboxChanged(int size);
    void roomTitleChanged(const QString &title);
    // The hub answered stop(true)'s sign-out (or the request failed): nothing more is in flight.
    void signedOut();
    // The hub refused a message for good (e.g. too long); its pending row is gone.
    void sendRejected(const QString &clientId, const QString &reason);

private:
    void halt(); // stops everything in flight, without a state change
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace confab
