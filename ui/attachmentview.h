#pragma once
// How a message's file looks in the timeline, for MessageDelegate: an image as its thumbnail
// (at most 320 × 240, the size known from the message so the row never jumps when it arrives)
// with a caption line "name · size  Save…"; any other file as a card with its name, size and
// type and a Save… button. Clicks come back through the delegate's links: a confab-file: link
// that names the action and the file id (never fetched as a URL, see parseLink()).

#include "fileattachment.h"

#include <QFont>
#include <QImage>
#include <QPalette>
#include <QRect>
#include <QString>
#include <optional>

class QPainter;

namespace confab::attachmentview {

inline constexpr int MaxThumbnailWidth = 320;
inline constexpr int MaxThumbnailHeight = 240;
inline constexpr int MinThumbnailSide = 32;
inline constexpr int CardWidth = 360;
inline constexpr int CardPadding = 8;
inline constexpr char LinkScheme[] = "confab-file";

enum class Action { View, Save };

struct Link
{
    Action action = Action::View;
    QString fileId;
};

// Whether the file is drawn as an inline image (else as a card).
bool showsInline(const FileAttachment &file);
// The thumbnail's box in the row.
QSize thumbnailBox(const FileAttachment &file);
int height(const FileAttachment &file, const QFont &font);
// thumbnail: null while it is on its way (a placeholder is drawn); unavailable: it will not
// come (the placeholder says so; the image can still be opened and saved).
void paint(QPainter *painter, const QRect &area, const FileAttachment &file,
           const QImage &thumbnail, bool unavailable, const QPalette &palette, const QFont &font);
// The link under pos (same coordinates as area), or empty.
QString linkAt(const QRect &area, const FileAttachment &file, const QFont &font, QPoint pos);

QString makeLink(Action action, const QString &fileId);
std::optional<Link> parseLink(const QString &link);
// "1.2 MiB" in the user's locale.
QString formatSize(qint64 bytes);

} // namespace confab::attachmentview
