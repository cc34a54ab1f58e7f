#pragma once
// One conversation (a channel or a DM) of a HubConnection: its timeline, outbox, paging,
// read mark and typing. Created and owned by HubConnection (HubConnection::conversation()), fed
// from the member's one event stream.
//
// Guarantees: every message appears once (dedup by id; `reset`
// reloads the loaded page), and messages written while the link is down wait in the
// conversation's outbox, which survives a restart and is delivered exactly once (clientId).

#include "chatevent.h"
#include "restapi.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace confab {

class MessageModel;
class ConversationPrivate;
class HubConnectionPrivate;

class Conversation : public QObject
{
    Q_OBJECT
public:
    static constexpr int HistoryPageSize = 50;
    static constexpr int TypingIntervalMs = 2000; // the hub drops more than one per 2 s anyway
    static constexpr int MaxOutboxItems = 500; // past this, send() refuses

    ~Conversation() override;

    QString id() const;
    QString kind() const; // "channel" or "dm"
    QString title() const;
    bool isDirect() const;
    std::optional<Member> with() const; // a DM's other member

    MessageModel *messages() const;
    // Shows the message at once as pending and returns its clientId (empty: refused, e.g. empty
    // text or a full outbox).
    QString send(const QString &text);
    void edit(qint64 messageId, const QString &text); // PATCH; failure: actionFailed on the hub
    void remove(qint64 messageId); // DELETE
    void loadOlder();
    bool canLoadOlder() const;
    // Shows the page around that message instead of the newest (opening a search hit): then
    // shownAround(), or aroundFailed() and the newest page again. Until the user comes back
    // (showNewest(), loadNewer() up to the newest, or sending), live messages are counted but
    // not shown, so the timeline never has a gap.
    void showAround(qint64 messageId);
    void showNewest(); // reloads the newest page
    bool isAtNewest() const; // false while an older page is shown (or being fetched)
    void loadNewer(); // the next page towards the newest (…/messages?after=)
    bool canLoadNewer() const;
    // POST …/read up to the newest delivered message (nothing when it is already read).
    void markRead();
    void sendTyping(); // rate-limited here; cheap to call on every keystroke
    QStringList typingNames() const;
    int outboxSize() const;
    // The newest page has been loaded (after the first load, and after every reset).
    bool isLoaded() const;

signals:
    void typingChanged(const QStringList &names);
    // The hub refused a message for good (e.g. too long); its pending row is gone.
    void sendRejected(const QString &clientId, const QString &reason);
    void outboxChanged(int size);
    void titleChanged(const QString &title);
    void loaded(); // the newest page arrived (first load or reload after `reset`)
    void atNewestChanged(bool atNewest);
    void shownAround(qint64 messageId); // the page around it is shown
    void aroundFailed(qint64 messageId, const QString &reason); // readable, translated
    // An edit or delete was refused (not yours, too long…): readable, translated.
    void actionFailed(const QString &what, const QString &reason);

private:
    friend class ConversationPrivate;
    friend class HubConnectionPrivate;
    Conversation(const ConversationInfo &info, HubConnectionPrivate *hub);
    std::unique_ptr<ConversationPrivate> d;
};

} // namespace confab
