#pragma once
// The member's conversations on one hub (channels and DMs) with their unread and mention badges,
// for a sidebar (and for `/list` in the terminal). Sorted: channels by title, then DMs by title
// (case-insensitive), each group then by id. Filled from GET /api/v2/conversations and kept up to
// date by HubConnection from the member's event stream.

#include "restapi.h"

#include <QAbstractListModel>
#include <optional>
#include <vector>

namespace confab {

class ConversationListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1, // QString: the conversation id ("lobby", "dm:…")
        KindRole, // QString: "channel" or "dm"
        TitleRole, // QString (also Qt::DisplayRole): a DM's is the other member's name
        UnreadRole, // int: messages from others after the read mark
        MentionsRole, // int: those of them that mention this member
        LastEventIdRole, // qint64: the conversation's newest event id (0: none)
        WithMemberIdRole, // QString: a DM's other member (empty for channels)
        OnlineRole, // bool: a DM's other member is online (false for channels)
    };

    explicit ConversationListModel(QObject *parent = nullptr);
    ~ConversationListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString &conversationId) const; // -1 when not listed
    std::optional<ConversationInfo> info(const QString &conversationId) const;
    std::vector<ConversationInfo> all() const; // in display order
    int totalUnread() const;

    // The hub's list: replaces everything (rows that stay keep their place in views).
    void setConversations(const std::vector<ConversationInfo> &conversations);
    // Adds or updates one conversation (a join, a new DM).
    void upsert(const ConversationInfo &conversation);
    void remove(const QString &conversationId);
    // A new message arrived in that conversation (counted only when it is from someone else).
    void noteMessage(const QString &conversationId, qint64 eventId, bool countsAsUnread,
                     bool mentionsMe);
    // Another event with an id (edit, delete, join…): only the last event id moves.
    void noteEvent(const QString &conversationId, qint64 eventId);
    void setBadges(const QString &conversationId, int unread, int mentions);
    // Online state of members (for DMs' OnlineRole).
    void setOnline(const QString &memberId, bool online);
    void clear();

private:
    struct Row;
    static bool lessThan(const Row &a, const Row &b);
    void emitRowChanged(int row);
    void placeRow(Row row); // inserts at its sorted place

    std::vector<Row> m_rows;
};

} // namespace confab
