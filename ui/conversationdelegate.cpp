#include "conversationdelegate.h"

#include "conversationlistmodel.h"
#include "protocol.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace confab {

namespace {

constexpr int HorizontalMargin = 10;
constexpr int VerticalPadding = 4;
constexpr int PrefixWidth = 16;
constexpr int BadgePadding = 6;
constexpr int BadgeGap = 4;
constexpr int PresenceDot = 8;
constexpr int MaxBadgeCount = 99; // "99+" past this: the badge stays small
const QColor MentionColor(208, 52, 44);
const QColor OnlineColor(46, 160, 67);

QString countText(int count)
{
    return count > MaxBadgeCount ? QStringLiteral("%1+").arg(MaxBadgeCount)
                                 : QString::number(count);
}

// Draws a pill with text, right-aligned at right; returns its left edge.
int drawBadge(QPainter *painter, const QString &text, int right, int centerY, const QColor &fill,
              const QColor &textColor, const QFont &font)
{
    const QFontMetrics metrics(font);
    const int height = metrics.height() + 2;
    const int width = qMax(height, metrics.horizontalAdvance(text) + 2 * BadgePadding);
    const QRect rect(right - width, centerY - height / 2, width, height);
    painter->setPen(Qt::NoPen);
    painter->setBrush(fill);
    painter->drawRoundedRect(rect, height / 2.0, height / 2.0);
    painter->setPen(textColor);
    painter->setFont(font);
    painter->drawText(rect, Qt::AlignCenter, text);
    return rect.left();
}

} // namespace

ConversationDelegate::ConversationDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{ }

QString ConversationDelegate::unreadBadge(const QModelIndex &index)
{
    const int unread = index.data(ConversationListModel::UnreadRole).toInt();
    return unread > 0 ? countText(unread) : QString();
}

QString ConversationDelegate::mentionBadge(const QModelIndex &index)
{
    const int mentions = index.data(ConversationListModel::MentionsRole).toInt();
    return mentions > 0 ? u'@' + countText(mentions) : QString();
}

QSize ConversationDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return {option.rect.width(), QFontMetrics(option.font).height() + 2 * VerticalPadding + 2};
}

void ConversationDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                 const QModelIndex &index) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QPalette &palette = option.palette;
    const bool selected = option.state & QStyle::State_Selected;
    if (selected)
        painter->fillRect(option.rect, palette.color(QPalette::Highlight));
    else if (option.state & QStyle::State_MouseOver)
        painter->fillRect(option.rect, palette.color(QPalette::AlternateBase));
    const QColor textColor = palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    const QColor dim = selected ? textColor : palette.color(QPalette::PlaceholderText);
    const QRect row = option.rect.adjusted(HorizontalMargin, 0, -HorizontalMargin, 0);
    const int centerY = row.center().y();

    // Badges first, from the right: they decide how much room the title has.
    int right = row.right();
    QFont badgeFont = option.font;
    badgeFont.setPointSizeF(option.font.pointSizeF() * 0.85);
    badgeFont.setBold(true);
    const QString unread = unreadBadge(index);
    if (!unread.isEmpty()) {
        right = drawBadge(painter, unread, right, centerY,
                          selected ? textColor : palette.color(QPalette::Highlight),
                          selected ? palette.color(QPalette::Highlight)
                                   : palette.color(QPalette::HighlightedText),
                          badgeFont)
            - BadgeGap;
    }
    const QString mentions = mentionBadge(index);
    if (!mentions.isEmpty())
        right = drawBadge(painter, mentions, right, centerY, MentionColor, Qt::white, badgeFont)
            - BadgeGap;

    const bool direct = index.data(ConversationListModel::KindRole).toString()
        == QLatin1StringView(protocol::KindDm);
    const QRect prefix(row.left(), row.top(), PrefixWidth, row.height());
    if (direct) {
        const bool online = index.data(ConversationListModel::OnlineRole).toBool();
        const QRectF dot(prefix.left() + (PrefixWidth - PresenceDot) / 2.0,
                         centerY - PresenceDot / 2.0, PresenceDot, PresenceDot);
        // Filled: online, a ring: offline. On the highlight green has too little contrast (a
        // green dot in a light ring read as the offline ring), so there online is a dot filled
        // with the highlighted text's colour.
        const QColor fill = selected ? textColor : OnlineColor;
        painter->setPen(online ? QPen(Qt::NoPen) : QPen(dim, 1.5));
        painter->setBrush(online ? QBrush(fill) : Qt::NoBrush);
        painter->drawEllipse(online ? dot.adjusted(-0.5, -0.5, 0.5, 0.5) : dot);
    } else {
        painter->setPen(dim);
        painter->setFont(option.font);
        painter->drawText(prefix, Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("#"));
    }

    QFont titleFont = option.font;
    titleFont.setBold(!unread.isEmpty());
    const QFontMetrics metrics(titleFont);
    const QRect titleRect(prefix.right() + 1, row.top(), qMax(0, right - prefix.right() - 1),
                          row.height());
    const QString title = metrics.elidedText(
        index.data(ConversationListModel::TitleRole).toString(), Qt::ElideRight, titleRect.width());
    painter->setFont(titleFont);
    painter->setPen(textColor);
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, title);
    painter->restore();
}

} // namespace confab
