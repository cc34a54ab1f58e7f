#include "memberdelegate.h"

#include "membermodel.h"

#include <QPainter>
#include <QPixmap>

namespace confab {

namespace {

constexpr int DotSize = 10;

QIcon presenceDot(bool online)
{
    QPixmap pixmap(DotSize, DotSize);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(online ? QColor(0x2e, 0xa0, 0x43) : QColor(0x9a, 0x9a, 0x9a));
    painter.drawEllipse(QRectF(1, 1, DotSize - 2, DotSize - 2));
    return QIcon(pixmap);
}

} // namespace

void MemberDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    static const QIcon online = presenceDot(true);
    static const QIcon offline = presenceDot(false);
    const bool isOnline = index.data(MemberModel::OnlineRole).toBool();
    option->icon = isOnline ? online : offline;
    option->features |= QStyleOptionViewItem::HasDecoration;
    option->decorationSize = QSize(DotSize, DotSize);
    QString text = index.data(MemberModel::NameRole).toString();
    if (index.data(MemberModel::IsSelfRole).toBool())
        text = tr("%1 (you)").arg(text);
    if (index.data(MemberModel::TypingRole).toBool())
        text = tr("%1 — typing…").arg(text);
    option->text = text; // item views draw DisplayRole as plain text
    if (!isOnline)
        option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
}

} // namespace confab
