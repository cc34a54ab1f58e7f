#pragma once
// Paints one conversation of the sidebar: "#" before a channel, a presence dot before a DM, the
// title (bold while something is unread) and, on the right, a red "@N" badge for mentions and a
// count of unread messages. Titles are remote text: drawn as plain text, elided.

#include <QStyledItemDelegate>

namespace confab {

class ConversationDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit ConversationDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // The badges a row shows, as drawn ("" when there is none).
    static QString unreadBadge(const QModelIndex &index);
    static QString mentionBadge(const QModelIndex &index);
};

} // namespace confab
