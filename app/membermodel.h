#pragma once
// The room's members with presence and typing, for the members panel.

#include "chatevent.h"

#include <QAbstractListModel>
#include <vector>

namespace confab {

class MemberModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        MemberIdRole = Qt::UserRole + 1, // QString
        NameRole,                        // QString (also Qt::DisplayRole)
        OnlineRole,                      // bool
        TypingRole,                      // bool: typed within the last few seconds
        IsSelfRole,                      // bool
    };

    explicit MemberModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int onlineCount() const;
    QStringList typingNames() const; // for "Ana is typing…", excluding ourselves
};

} // namespace confab
