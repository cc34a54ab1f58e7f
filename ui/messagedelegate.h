#pragma once
// Paints one row of the room's timeline: an optional day separator, the sender and time for the
// first of a run of messages, the text (wrapped, links underlined) and the delivery state of our
// own pending messages, "(edited)" after an edited text, "This message was deleted" in place of
// a deleted one, and mentions of the user highlighted. Remote text is laid out with QTextLayout
// as plain text: nothing a peer sends is ever interpreted as markup.

#include <QHash>
#include <QPointer>
#include <QStyledItemDelegate>
#include <QTextLayout>

namespace confab {

class ThumbnailCache;

class MessageDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit MessageDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // Read-only plain-text viewer so the user can select part of a message (double-click).
    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *, QAbstractItemModel *, const QModelIndex &) const override { }
    void updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const override;

    // The link under pos (viewport coordinates) in the row drawn at option.rect, or empty.
    QString linkAt(const QStyleOptionViewItem &option, const QModelIndex &index, QPoint pos) const;

    // The text a row shows (messages: the sender's text verbatim; a deleted one: a note saying
    // so), without the "(edited)" marker.
    static QString bodyText(const QModelIndex &index);
    // bodyText plus, for an edited message, the marker, exactly as painted.
    static QString paintedText(const QModelIndex &index);
    static QString editedMarker();
    // Where `@name` mentions the user in text (the rule of common/mentions.h), as (start, length).
    static QList<QPair<int, int>> findMentions(const QString &text, const QString &name);

    // The user's own name, whose mentions are highlighted.
    void setOwnName(const QString &name);
    // bodyText as handed to QTextLayout: it ignores '\n', so line breaks ("\n", "\r\n", "\r")
    // become U+2028 LINE SEPARATOR, which it honours. Still plain text, never markup.
    static QString layoutText(const QString &text);
    // http(s) and www. links in plain text, as (start, length) ranges.
    static QList<QPair<int, int>> findLinks(const QString &text);

    void clearCache();
    // Where image attachments' thumbnails come from (a message with a file is drawn by
    // attachmentview in place of its text, the file's name).
    void setThumbnails(ThumbnailCache *thumbnails);

private:
    struct Geometry
    {
        int separatorHeight = 0;
        int headerHeight = 0;
        QRect bodyRect; // relative to the row's top-left
    };
    Geometry geometryFor(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    int bodyHeight(const QString &text, const QFont &font, int width,
                   const QModelIndex &index) const;
    void layoutBody(QTextLayout &layout, int width) const;

    QFont m_bodyFont;
    // Body heights by sequence number for the current width: 100k rows are measured once. The
    // text's hash is kept with it: an edited message is measured again.
    struct CachedHeight
    {
        size_t textHash = 0;
        int height = 0;
    };
    mutable QHash<qint64, CachedHeight> m_heightCache;
    QString m_ownName;
    mutable int m_cachedWidth = -1;
    QPointer<ThumbnailCache> m_thumbnails;
};

} // namespace confab
