#pragma once
// Members with presence and typing: the hub's (for "Message…" and the DMs' online dots), or one
// conversation's (the members panel).

#include "chatevent.h"

#include <QAbstractListModel>
#include <QTimer>
#include <vector>

namespace confab {

class MemberModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        MemberIdRole = Qt::UserRole + 1, // QString
        NameRole, // QString (also Qt::DisplayRole)
        OnlineRole, // bool
        TypingRole, // bool: typed within the last few seconds
        IsSelfRole, // bool
    };

    explicit MemberModel(QObject *parent = nullptr);
    ~MemberModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int onlineCount() const;
    QStringList typingNames() const; // for "Ana is typing…", excluding ourselves

    // How long a typing event keeps a member marked as typing.
    static constexpr int TypingDisplayMs = 4000;

    void setSelfId(const QString &memberId);
    // The hub's member list (GET …/members): replaces everything, keeps typing marks.
    void setMembers(const std::vector<std::pair<Member, bool>> &membersWithOnline);
    void applyPresence(const PresenceEvent &presence);
    // For one conversation's list, which hub-wide presence must not add to: a member who joined
    // it (or is there already: then only their online state), one who left it, and a listed
    // member's online state (nobody else is added).
    void addMember(const Member &member, bool online);
    void removeMember(const QString &memberId);
    void setOnline(const QString &memberId, bool online);
    void markTyping(const Member &member);
    // Their message arrived: they are done typing it.
    void clearTyping(const QString &memberId);
    // The hub went away (the host closed the room): nobody can be reached as online.
    void markAllOffline();
    void clear();

signals:
    void typingNamesChanged(const QStringList &names);

private:
    struct Entry;
    int indexOf(const QString &memberId) const;
    void expireTyping();
    void emitRowChanged(int row);

    std::vector<Entry> m_entries; // sorted by name (case-insensitive), then id
    QString m_selfId;
    QTimer *m_typingTimer;
};

} // namespace confab
