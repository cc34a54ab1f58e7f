#include "attachmentview.h"

#include "datasize.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QFontMetrics>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace confab::attachmentview {

namespace {

constexpr int CaptionGap = 4;
constexpr int IconSide = 36;
constexpr int CornerRadius = 6;
constexpr int MaxExtensionChars = 4;
constexpr int PlaceholderWidth = 240; // a thumbnail whose size the message does not say
constexpr int PlaceholderHeight = 180;

QString saveLabel()
{
    return QCoreApplication::translate("confab::AttachmentView", "Save…");
}

QFont boldFont(const QFont &font)
{
    QFont bold = font;
    bold.setBold(true);
    return bold;
}

QFont smallFont(const QFont &font)
{
    QFont small = font;
    small.setPointSizeF(font.pointSizeF() * 0.85);
    return small;
}

// Where each part of a card or an image caption is, relative to area's top-left.
struct Layout
{
    QRect image; // inline images only
    QRect card; // cards only
    QRect icon;
    QRect name;
    QRect details;
    QRect save;
};

Layout layoutFor(const QRect &area, const FileAttachment &file, const QFont &font)
{
    Layout layout;
    const QFontMetrics metrics(font);
    const QFontMetrics small(smallFont(font));
    const int saveWidth = metrics.horizontalAdvance(saveLabel()) + 2 * CardPadding;
    if (showsInline(file)) {
        const QSize box = thumbnailBox(file);
        layout.image = QRect(area.topLeft(), box);
        const int captionTop = layout.image.bottom() + 1 + CaptionGap;
        const int captionWidth = std::max(box.width(), std::min(area.width(), CardWidth));
        layout.save = QRect(area.left() + captionWidth - saveWidth, captionTop, saveWidth,
                            metrics.height());
        layout.name = QRect(area.left(), captionTop, captionWidth - saveWidth - CardPadding,
                            metrics.height());
        return layout;
    }
    const int width = std::min(area.width(), CardWidth);
    const int innerHeight = metrics.height() + small.height();
    layout.card = QRect(area.left(), area.top(), width, innerHeight + 2 * CardPadding);
    layout.icon = QRect(layout.card.left() + CardPadding,
                        layout.card.center().y() - IconSide / 2 + 1, IconSide, IconSide);
    layout.save = QRect(layout.card.right() - CardPadding - saveWidth,
                        layout.card.center().y() - (metrics.height() + CardPadding) / 2, saveWidth,
                        metrics.height() + CardPadding);
    const int textLeft = layout.icon.right() + 1 + CardPadding;
    const int textWidth = std::max(1, layout.save.left() - CardPadding - textLeft);
    layout.name = QRect(textLeft, layout.card.top() + CardPadding, textWidth, metrics.height());
    layout.details = QRect(textLeft, layout.name.bottom() + 1, textWidth, small.height());
    return layout;
}

} // namespace

bool showsInline(const FileAttachment &file)
{
    return file.isImage() && file.thumbnail;
}

QSize thumbnailBox(const FileAttachment &file)
{
    if (file.width <= 0 || file.height <= 0)
        return {PlaceholderWidth, PlaceholderHeight};
    QSize size(file.width, file.height);
    if (size.width() > MaxThumbnailWidth || size.height() > MaxThumbnailHeight)
        size.scale(MaxThumbnailWidth, MaxThumbnailHeight, Qt::KeepAspectRatio);
    return size.expandedTo(QSize(MinThumbnailSide, MinThumbnailSide));
}

int height(const FileAttachment &file, const QFont &font)
{
    const QFontMetrics metrics(font);
    if (showsInline(file))
        return thumbnailBox(file).height() + CaptionGap + metrics.height();
    return metrics.height() + QFontMetrics(smallFont(font)).height() + 2 * CardPadding;
}

QString formatSize(qint64 bytes)
{
    return formatDataSize(bytes);
}

void paint(QPainter *painter, const QRect &area, const FileAttachment &file,
           const QImage &thumbnail, bool unavailable, const QPalette &palette, const QFont &font)
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const Layout layout = layoutFor(area, file, font);
    const QFontMetrics metrics(font);
    const QColor dim = palette.color(QPalette::PlaceholderText);
    const QString name = file.displayName();
    if (showsInline(file)) {
        QPainterPath clip;
        clip.addRoundedRect(layout.image, CornerRadius, CornerRadius);
        if (thumbnail.isNull()) {
            painter->fillPath(clip, palette.color(QPalette::AlternateBase).darker(105));
            painter->setPen(dim);
            painter->setFont(smallFont(font));
            painter->drawText(
                layout.image, Qt::AlignCenter,
                unavailable
                    ? QCoreApplication::translate("confab::AttachmentView", "No preview")
                    : QCoreApplication::translate("confab::AttachmentView", "Loading image…"));
        } else {
            painter->setClipPath(clip);
            painter->drawImage(layout.image, thumbnail);
            painter->setClipping(false);
        }
        painter->setFont(font);
        painter->setPen(dim);
        painter->drawText(layout.name, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
                          metrics.elidedText(name + QStringLiteral(" · ") + formatSize(file.size),
                                             Qt::ElideMiddle, layout.name.width()));
        painter->setPen(palette.color(QPalette::Link));
        painter->drawText(layout.save, Qt::AlignRight | Qt::AlignVCenter, saveLabel());
        painter->restore();
        return;
    }
    // The card: a rounded box, the extension in a square, name and details, Save….
    painter->setPen(palette.color(QPalette::Mid));
    painter->setBrush(palette.color(QPalette::Base));
    painter->drawRoundedRect(QRectF(layout.card).adjusted(0.5, 0.5, -0.5, -0.5), CornerRadius,
                             CornerRadius);
    painter->setPen(Qt::NoPen);
    painter->setBrush(palette.color(QPalette::Highlight));
    painter->drawRoundedRect(layout.icon, CornerRadius - 2, CornerRadius - 2);
    QString extension = QFileInfo(name).suffix().left(MaxExtensionChars).toUpper();
    if (extension.isEmpty())
        extension = QStringLiteral("FILE");
    QFont iconFont = boldFont(smallFont(font));
    iconFont.setPointSizeF(iconFont.pointSizeF() * 0.85);
    painter->setFont(iconFont);
    painter->setPen(palette.color(QPalette::HighlightedText));
    painter->drawText(layout.icon, Qt::AlignCenter, extension);

    painter->setFont(boldFont(font));
    painter->setPen(palette.color(QPalette::Text));
    painter->drawText(
        layout.name, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
        QFontMetrics(boldFont(font)).elidedText(name, Qt::ElideMiddle, layout.name.width()));
    const QFont small = smallFont(font);
    painter->setFont(small);
    painter->setPen(dim);
    const QString details = file.type.isEmpty()
        ? formatSize(file.size)
        : formatSize(file.size) + QStringLiteral(" · ") + file.type;
    painter->drawText(
        layout.details, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
        QFontMetrics(small).elidedText(details, Qt::ElideRight, layout.details.width()));
    painter->setPen(palette.color(QPalette::Mid));
    painter->setBrush(palette.color(QPalette::Button));
    painter->drawRoundedRect(QRectF(layout.save).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    painter->setFont(font);
    painter->setPen(palette.color(QPalette::ButtonText));
    painter->drawText(layout.save, Qt::AlignCenter, saveLabel());
    painter->restore();
}

QString linkAt(const QRect &area, const FileAttachment &file, const QFont &font, QPoint pos)
{
    const Layout layout = layoutFor(area, file, font);
    if (layout.save.contains(pos))
        return makeLink(Action::Save, file.id);
    if (layout.image.contains(pos))
        return makeLink(Action::View, file.id);
    return {};
}

QString makeLink(Action action, const QString &fileId)
{
    return QLatin1StringView(LinkScheme) + QLatin1Char(':')
        + (action == Action::Save ? QStringLiteral("save/") : QStringLiteral("view/")) + fileId;
}

std::optional<Link> parseLink(const QString &link)
{
    const QString prefix = QLatin1StringView(LinkScheme) + QLatin1Char(':');
    if (!link.startsWith(prefix))
        return std::nullopt;
    const QString rest = link.mid(prefix.size());
    Link parsed;
    if (rest.startsWith(QLatin1StringView("save/")))
        parsed.action = Action::Save;
    else if (rest.startsWith(QLatin1StringView("view/")))
        parsed.action = Action::View;
    else
        return std::nullopt;
    parsed.fileId = rest.mid(5);
    if (parsed.fileId.isEmpty())
        return std::nullopt;
    return parsed;
}

} // namespace confab::attachmentview
