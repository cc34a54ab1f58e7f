#pragma once
// The room's timeline as a list model for a QListView + delegate (and for tests).
// Rows are oldest first. Pending rows (sent by us, not yet acknowledged) sit at the end until the
// hub's event or reply gives them their sequence number; then they move into order.

#include "chatevent.h"

#include <QAbstractListModel>
#include <QDateTime>
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
        SequenceRole,     // qint64, 0 while pending
        ClientIdRole,     // QString
        SenderIdRole,     // QString
        SenderNameRole,   // QString
        TextRole,         // QString, plain text: never interpret as HTML
        TimestampRole,    // QDateTime (local time)
        DeliveryRole,     // Delivery
        IsOwnRole,        // bool
        GroupedRole,      // bool: same sender as the row above, within a few minutes, same day
        NewDayRole,       // bool: first row of a calendar day (draw a day separator above)
    };

    explicit MessageModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setOwnMemberId(const QString &memberId);
    // Adds or updates by sequence number; a message whose clientId matches a pending row
    // replaces that row. Returns false for a duplicate (already shown).
    bool addMessage(const MessageEvent &message);
    bool addNotice(const PresenceEvent &presence);
    // Older history (from paging), oldest first, all older than the current first row.
    void prependHistory(const std::vector<ChatEvent> &events);
    void addPending(const QString &clientId, const Member &self, const QString &text, Delivery delivery);
    void setPendingDelivery(const QString &clientId, Delivery delivery);
    void clear();

    qint64 oldestSequence() const; // 0 when empty
    qint64 newestSequence() const;
    int pendingCount() const;

private:
    struct Row;
    std::vector<Row> m_rows;
    QString m_ownMemberId;
    // ... implementation details are the session's (app/) to choose
};

} // namespace confab
