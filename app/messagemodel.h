#pragma once
// The room's timeline as a list model for a QListView + delegate (and for tests).
// Rows are oldest first. Pending rows (sent by us, not yet acknowledged) sit at the end until the
// hub's event or reply gives them their sequence number; then they move into order.

#include "chatevent.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QSet>
#include <vector>

namespace confab {

class MessageModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum class Kind { Message, Notice }; // Notice: "Ana joined", "Ana left"
    Q_ENUM(Kind)
    enum class Delivery { Delivered, Sending, Queued }; // Queued: in the outbox while offline
    Q_ENUM(Delivery)

    enum Role {
        KindRole = Qt::UserRole + 1,
        SequenceRole, // qint64, 0 while pending
        ClientIdRole, // QString
        SenderIdRole, // QString
        SenderNameRole, // QString
        TextRole, // QString, plain text: never interpret as HTML
        TimestampRole, // QDateTime (local time)
        DeliveryRole, // Delivery
        IsOwnRole, // bool
        GroupedRole, // bool: same sender as the row above, within a few minutes, same day
        NewDayRole, // bool: first row of a calendar day (draw a day separator above)
        EditedRole, // QDateTime of the latest edit (local time); invalid: never edited
        DeletedRole, // bool: its author deleted it (TextRole is then empty)
        MentionsMeRole, // bool: the text mentions this member (`@Name`, see mentions.h)
        AttachmentRole, // FileAttachment of a message a finished upload posted; invalid: none
    };

    explicit MessageModel(QObject *parent = nullptr);
    ~MessageModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setOwnMemberId(const QString &memberId);
    // The name `@Name` mentions are matched against (MentionsMeRole).
    void setOwnName(const QString &name);
    // Adds or updates by sequence number; a message whose clientId matches a pending row
    // replaces that row. Returns false for a duplicate (already shown).
    bool addMessage(const MessageEvent &message);
    bool addNotice(const PresenceEvent &presence);
    // Older history (from paging), oldest first, all older than the current first row.
    void prependHistory(const std::vector<ChatEvent> &events);
    void addPending(const QString &clientId, const Member &self, const QString &text,
                    Delivery delivery);
    void setPendingDelivery(const QString &clientId, Delivery delivery);
    // The hub refused the message for good (e.g. too long): the pending row goes away.
    void removePending(const QString &clientId);
    // API v2: the author edited / deleted a delivered message. False when the message is not
    // shown here (not loaded yet: paging will bring its latest state).
    bool applyEdit(const MessageEditedEvent &edit);
    bool applyDelete(const MessageDeletedEvent &deletion);
    // The newest delivered message's sequence number (0: none): what "read up to" means.
    qint64 newestMessageSequence() const;
    // Text of the delivered message with this id (empty when not shown).
    QString textOf(qint64 messageId) const;
    void clear();
    bool containsSequence(qint64 sequence) const;

    qint64 oldestSequence() const; // 0 when empty
    qint64 newestSequence() const;
    int pendingCount() const;

    // Rows of the same sender within this span are drawn as one group.
    static constexpr qint64 GroupWindowMs = 5 * 60 * 1000;

private:
    struct Row;
    // Inserts a delivered row where its sequence number belongs (before the pending rows).
    bool insertDelivered(Row row);
    int pendingStart() const; // index of the first pending row (== rowCount() when none)
    int findPending(const QString &clientId) const;
    int findDelivered(qint64 sequence) const; // -1: not shown
    void notifyNeighbour(int row); // grouping and day separator of a row depend on the one above
    static Row rowFor(const ChatEvent &event);

    std::vector<Row> m_rows;
    QString m_ownMemberId;
    QString m_ownName;
    QSet<qint64> m_sequences; // delivered rows, for deduplication
};

} // namespace confab
