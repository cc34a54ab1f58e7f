#include "messagedelegate.h"

#include "attachmentview.h"
#include "mentions.h"
#include "messagemodel.h"
#include "thumbnailcache.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QTextLine>

namespace confab {

namespace {

constexpr int HorizontalMargin = 12;
constexpr int BodyIndent = 12;
constexpr int RunGap = 8; // space above the header of a new run of messages
constexpr int GroupedGap = 1; // space between messages of one run
constexpr int NoticeGap = 4; // space above "Ana joined"
constexpr int SeparatorPadding = 6;
constexpr int BottomPadding = 2;
constexpr int NameColorSaturation = 160;
constexpr int NameColorValue = 150;
constexpr int MentionBarWidth = 3;
const QColor MentionBackground(255, 243, 205); // a soft amber, readable with dark text
const QColor MentionAccent(214, 140, 0);

QColor colorForSender(const QString &senderId)
{
    // Stable per member, readable on light and dark backgrounds.
    const int hue = int(qHash(senderId) % 360);
    return QColor::fromHsv(hue, NameColorSaturation, NameColorValue);
}

QFont headerFont(const QFont &base)
{
    QFont font = base;
    font.setBold(true);
    return font;
}

QFont smallFont(const QFont &base)
{
    QFont font = base;
    font.setPointSizeF(base.pointSizeF() * 0.85);
    return font;
}

bool isNotice(const QModelIndex &index)
{
    return index.data(MessageModel::KindRole).value<MessageModel::Kind>()
        == MessageModel::Kind::Notice;
}

bool isDeleted(const QModelIndex &index)
{
    return index.data(MessageModel::DeletedRole).toBool();
}

// The file a message carries (the model gives none for a deleted message).
std::optional<FileAttachment> attachmentOf(const QModelIndex &index)
{
    const QVariant value = index.data(MessageModel::AttachmentRole);
    if (!value.isValid())
        return std::nullopt;
    return value.value<FileAttachment>();
}

QString deliveryLabel(MessageModel::Delivery delivery)
{
    switch (delivery) {
    case MessageModel::Delivery::Sending:
        return MessageDelegate::tr("Sending…");
    case MessageModel::Delivery::Queued:
        return MessageDelegate::tr("Not sent yet: waiting for the connection");
    case MessageModel::Delivery::Delivered:
        break;
    }
    return {};
}

} // namespace

MessageDelegate::MessageDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{ }

QString MessageDelegate::bodyText(const QModelIndex &index)
{
    if (isNotice(index)) {
        const QString display = index.data(Qt::DisplayRole).toString();
        return display.isEmpty() ? index.data(MessageModel::TextRole).toString() : display;
    }
    if (isDeleted(index))
        return tr("This message was deleted");
    return index.data(MessageModel::TextRole).toString();
}

QString MessageDelegate::editedMarker()
{
    return tr("(edited)");
}

QString MessageDelegate::paintedText(const QModelIndex &index)
{
    const QString body = layoutText(bodyText(index));
    if (isNotice(index) || isDeleted(index)
        || !index.data(MessageModel::EditedRole).toDateTime().isValid())
        return body;
    return body + u' ' + editedMarker();
}

QList<QPair<int, int>> MessageDelegate::findMentions(const QString &text, const QString &name)
{
    QList<QPair<int, int>> found;
    if (name.isEmpty())
        return found;
    const int length = int(name.size()) + 1;
    for (qsizetype at = text.indexOf(u'@'); at >= 0; at = text.indexOf(u'@', at + 1)) {
        // One character past the name is enough for the rule to see where the name ends.
        if (mentionsName(QStringView(text).mid(at, length + 1), name))
            found.append({int(at), length});
    }
    return found;
}

void MessageDelegate::setOwnName(const QString &name)
{
    m_ownName = name;
}

QString MessageDelegate::layoutText(const QString &text)
{
    if (!text.contains(u'\n') && !text.contains(u'\r'))
        return text; // the common case: no copy
    QString result = text;
    result.replace(QStringLiteral("\r\n"), QString(QChar::LineSeparator));
    result.replace(u'\r', QChar::LineSeparator);
    result.replace(u'\n', QChar::LineSeparator);
    return result;
}

QList<QPair<int, int>> MessageDelegate::findLinks(const QString &text)
{
    // \x{2028}: the line separator layoutText() puts where the text had a line break.
    static const QRegularExpression pattern(
        QStringLiteral(R"((?:https?://|www\.)[^\s<>"\x{2028}]+)"),
        QRegularExpression::CaseInsensitiveOption);
    QList<QPair<int, int>> links;
    auto it = pattern.globalMatch(text);
    while (it.hasNext()) {
        const auto match = it.next();
        int length = int(match.capturedLength());
        // Sentence punctuation after a link is not part of it.
        while (length > 0
               && QStringView(u".,;:!?)]'").contains(text.at(match.capturedStart() + length - 1)))
            --length;
        if (length > 0)
            links.append({int(match.capturedStart()), length});
    }
    return links;
}

void MessageDelegate::setThumbnails(ThumbnailCache *thumbnails)
{
    m_thumbnails = thumbnails;
}

void MessageDelegate::clearCache()
{
    m_heightCache.clear();
}

void MessageDelegate::layoutBody(QTextLayout &layout, int width) const
{
    QTextOption textOption;
    textOption.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(textOption);
    layout.beginLayout();
    qreal y = 0;
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(qMax(1, width));
        line.setPosition(QPointF(0, y));
        y += line.height();
    }
    layout.endLayout();
}

int MessageDelegate::bodyHeight(const QString &text, const QFont &font, int width,
                                const QModelIndex &index) const
{
    if (width != m_cachedWidth) {
        m_heightCache.clear();
        m_cachedWidth = width;
    }
    const qint64 sequence = index.data(MessageModel::SequenceRole).toLongLong();
    const size_t textHash = qHash(text);
    if (sequence > 0) {
        const auto cached = m_heightCache.constFind(sequence);
        if (cached != m_heightCache.cend() && cached->textHash == textHash)
            return cached->height;
    }
    int height = 0;
    const QFontMetrics metrics(font);
    if (text.size() < 80 && !text.contains(QChar::LineSeparator)
        && metrics.horizontalAdvance(text) <= width) {
        height = metrics.height(); // the common short message: no layout needed
    } else {
        QTextLayout layout(text, font);
        layoutBody(layout, width);
        height = qCeil(layout.boundingRect().height());
    }
    if (sequence > 0)
        m_heightCache.insert(sequence, {textHash, height});
    return height;
}

MessageDelegate::Geometry MessageDelegate::geometryFor(const QStyleOptionViewItem &option,
                                                       const QModelIndex &index) const
{
    Geometry geometry;
    const QFontMetrics metrics(option.font);
    if (index.data(MessageModel::NewDayRole).toBool())
        geometry.separatorHeight = metrics.height() + 2 * SeparatorPadding;
    const bool notice = isNotice(index);
    const bool grouped = index.data(MessageModel::GroupedRole).toBool()
        && !index.data(MessageModel::NewDayRole).toBool();
    if (!notice && !grouped)
        geometry.headerHeight = RunGap + QFontMetrics(headerFont(option.font)).height();
    const int left = HorizontalMargin + (notice ? 0 : BodyIndent);
    const int width = qMax(1, option.rect.width() - left - HorizontalMargin);
    const QFont font = notice ? smallFont(option.font) : option.font;
    const auto file = notice ? std::nullopt : attachmentOf(index);
    int height = file ? attachmentview::height(*file, option.font)
                      : bodyHeight(paintedText(index), font, width, index);
    const auto delivery = index.data(MessageModel::DeliveryRole).value<MessageModel::Delivery>();
    if (delivery != MessageModel::Delivery::Delivered)
        height += QFontMetrics(smallFont(option.font)).height();
    const int top = geometry.separatorHeight + geometry.headerHeight
        + (notice ? NoticeGap : (grouped ? GroupedGap : 0));
    geometry.bodyRect = QRect(left, top, width, height);
    return geometry;
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    if (const auto *view = qobject_cast<const QAbstractItemView *>(option.widget))
        opt.rect.setWidth(view->viewport()->width());
    const Geometry geometry = geometryFor(opt, index);
    return {opt.rect.width(), geometry.bodyRect.bottom() + 1 + BottomPadding};
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    painter->save();
    const Geometry geometry = geometryFor(option, index);
    const QPalette &palette = option.palette;
    const QPoint origin = option.rect.topLeft();
    QRect content = option.rect.adjusted(0, geometry.separatorHeight, 0, 0);
    const bool mentionsMe = index.data(MessageModel::MentionsMeRole).toBool();
    if (option.state & QStyle::State_Selected)
        painter->fillRect(content, palette.color(QPalette::Highlight).lighter(170));
    else if (mentionsMe)
        painter->fillRect(content, MentionBackground);
    else if (option.state & QStyle::State_MouseOver)
        painter->fillRect(content, palette.color(QPalette::AlternateBase));
    if (mentionsMe)
        painter->fillRect(QRect(content.topLeft(), QSize(MentionBarWidth, content.height())),
                          MentionAccent);

    const QColor dim = palette.color(QPalette::PlaceholderText);
    if (geometry.separatorHeight > 0) {
        const QDate day = index.data(MessageModel::TimestampRole).toDateTime().date();
        const QString label = day == QDate::currentDate()
            ? tr("Today")
            : (day == QDate::currentDate().addDays(-1)
                   ? tr("Yesterday")
                   : QLocale().toString(day, QLocale::LongFormat));
        const QRect band(origin, QSize(option.rect.width(), geometry.separatorHeight));
        painter->setPen(dim);
        const QFontMetrics metrics(option.font);
        const int textWidth = metrics.horizontalAdvance(label) + 2 * HorizontalMargin;
        const int midY = band.center().y();
        painter->drawLine(band.left() + HorizontalMargin, midY, band.center().x() - textWidth / 2,
                          midY);
        painter->drawLine(band.center().x() + textWidth / 2, midY, band.right() - HorizontalMargin,
                          midY);
        painter->drawText(band, Qt::AlignCenter, label);
    }

    const bool notice = isNotice(index);
    const QDateTime time = index.data(MessageModel::TimestampRole).toDateTime();
    if (geometry.headerHeight > 0) {
        const QFont nameFont = headerFont(option.font);
        const QFontMetrics nameMetrics(nameFont);
        const QString sender = index.data(MessageModel::SenderNameRole).toString();
        const int y = origin.y() + geometry.separatorHeight + RunGap;
        const QRect nameRect(origin.x() + HorizontalMargin, y, option.rect.width() / 2,
                             nameMetrics.height());
        const QString name = nameMetrics.elidedText(sender, Qt::ElideRight, nameRect.width());
        painter->setFont(nameFont);
        painter->setPen(colorForSender(index.data(MessageModel::SenderIdRole).toString()));
        painter->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, name);
        painter->setFont(smallFont(option.font));
        painter->setPen(dim);
        const QRect timeRect(nameRect.left() + nameMetrics.horizontalAdvance(name)
                                 + HorizontalMargin,
                             y, option.rect.width() / 3, nameMetrics.height());
        painter->drawText(timeRect, Qt::AlignLeft | Qt::AlignVCenter,
                          QLocale().toString(time.time(), QLocale::ShortFormat));
    }

    // The body: plain text through QTextLayout, links underlined, mentions of the user bold,
    // "(edited)" dim; a deleted message's note in italics.
    const QString text = paintedText(index);
    const bool deleted = isDeleted(index);
    QFont bodyFont = notice ? smallFont(option.font) : option.font;
    if (deleted)
        bodyFont.setItalic(true);
    QTextLayout layout(text, bodyFont);
    if (!notice && !deleted) {
        QList<QTextLayout::FormatRange> formats;
        for (const auto &[start, length] : findLinks(text)) {
            QTextCharFormat format;
            format.setForeground(palette.color(QPalette::Link));
            format.setFontUnderline(true);
            formats.append({start, length, format});
        }
        if (mentionsMe) {
            for (const auto &[start, length] : findMentions(text, m_ownName)) {
                QTextCharFormat format;
                format.setFontWeight(QFont::Bold);
                format.setForeground(MentionAccent.darker(130));
                formats.append({start, length, format});
            }
        }
        const int bodyLength = int(layoutText(bodyText(index)).size());
        if (text.size() > bodyLength) {
            QTextCharFormat format;
            format.setForeground(dim);
            format.setFontPointSize(smallFont(option.font).pointSizeF());
            formats.append({bodyLength, int(text.size()) - bodyLength, format});
        }
        layout.setFormats(formats);
    }
    const QRect body = geometry.bodyRect.translated(origin);
    layoutBody(layout, body.width());
    const auto delivery = index.data(MessageModel::DeliveryRole).value<MessageModel::Delivery>();
    QColor textColor = palette.color(notice ? QPalette::PlaceholderText : QPalette::Text);
    if (delivery != MessageModel::Delivery::Delivered || deleted)
        textColor = dim;
    painter->setPen(textColor);
    if (notice) {
        const QString line = time.isValid()
            ? text + QStringLiteral("  ·  ") + QLocale().toString(time.time(), QLocale::ShortFormat)
            : text;
        painter->setFont(bodyFont);
        painter->drawText(body, Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine, line);
    } else if (const auto file = attachmentOf(index)) {
        const QImage thumbnail = m_thumbnails && attachmentview::showsInline(*file)
            ? m_thumbnails->image(file->id)
            : QImage();
        const bool unavailable = !m_thumbnails || m_thumbnails->hasFailed(file->id);
        attachmentview::paint(painter, body, *file, thumbnail, unavailable, palette, option.font);
    } else {
        layout.draw(painter, body.topLeft());
    }
    if (delivery != MessageModel::Delivery::Delivered) {
        const QFont font = smallFont(option.font);
        painter->setFont(font);
        painter->setPen(delivery == MessageModel::Delivery::Queued ? QColor(Qt::darkYellow) : dim);
        const int height = QFontMetrics(font).height();
        painter->drawText(QRect(body.left(), body.bottom() - height + 1, body.width(), height),
                          Qt::AlignLeft | Qt::AlignVCenter, deliveryLabel(delivery));
    }
    painter->restore();
}

QString MessageDelegate::linkAt(const QStyleOptionViewItem &option, const QModelIndex &index,
                                QPoint pos) const
{
    if (isNotice(index) || isDeleted(index))
        return {};
    const Geometry geometry = geometryFor(option, index);
    const QRect body = geometry.bodyRect.translated(option.rect.topLeft());
    if (!body.contains(pos))
        return {};
    if (const auto file = attachmentOf(index))
        return attachmentview::linkAt(body, *file, option.font, pos);
    const QString text = paintedText(index);
    const auto links = findLinks(text);
    if (links.isEmpty())
        return {};
    QTextLayout layout(text, option.font);
    layoutBody(layout, body.width());
    const QPointF local = pos - body.topLeft();
    for (int i = 0; i < layout.lineCount(); ++i) {
        const QTextLine line = layout.lineAt(i);
        if (!line.rect().contains(local))
            continue;
        const int cursor = line.xToCursor(local.x(), QTextLine::CursorOnCharacter);
        for (const auto &[start, length] : links) {
            if (cursor >= start && cursor < start + length) {
                const QString link = text.mid(start, length);
                return link.startsWith(QLatin1StringView("www."), Qt::CaseInsensitive)
                    ? QStringLiteral("http://") + link
                    : link;
            }
        }
    }
    return {};
}

QWidget *MessageDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                                       const QModelIndex &) const
{
    // Laid exactly over the painted text, with the same font and no frame, so the text simply
    // becomes selectable where it is.
    auto *viewer = new QPlainTextEdit(parent);
    viewer->setReadOnly(true);
    viewer->setFrameShape(QFrame::NoFrame);
    viewer->setFont(option.font);
    viewer->document()->setDocumentMargin(0);
    viewer->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    viewer->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    viewer->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    viewer->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    viewer->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    return viewer;
}

void MessageDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    if (auto *viewer = qobject_cast<QPlainTextEdit *>(editor)) {
        viewer->setPlainText(bodyText(index));
        viewer->selectAll();
    }
}

void MessageDelegate::updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option,
                                           const QModelIndex &index) const
{
    const Geometry geometry = geometryFor(option, index);
    editor->setGeometry(geometry.bodyRect.translated(option.rect.topLeft()));
}

} // namespace confab
