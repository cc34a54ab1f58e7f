#include "filetypes.h"

#include <QImage>
#include <QImageReader>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>

Q_LOGGING_CATEGORY(lcFileTypes, "confab.hub.files")

namespace confab::files {

QString sniffImageType(QByteArrayView head)
{
    if (head.startsWith("\x89PNG\r\n\x1a\n"))
        return QStringLiteral("image/png");
    if (head.startsWith("\xff\xd8\xff"))
        return QStringLiteral("image/jpeg");
    if (head.startsWith("GIF87a") || head.startsWith("GIF89a"))
        return QStringLiteral("image/gif");
    if (head.size() >= 12 && head.first(4) == "RIFF" && head.sliced(8, 4) == "WEBP")
        return QStringLiteral("image/webp");
    return {};
}

bool isPlausibleMimeType(const QString &hint)
{
    static const QRegularExpression pattern(QStringLiteral(
        "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$"));
    return pattern.match(hint).hasMatch();
}

bool isInlineType(const QString &type)
{
    return type == QLatin1StringView("image/png") || type == QLatin1StringView("image/jpeg")
        || type == QLatin1StringView("image/gif") || type == QLatin1StringView("image/webp");
}

namespace {
QByteArray readerFormat(const QString &type)
{
    return type.section(QLatin1Char('/'), 1).toLatin1(); // png, jpeg, gif, webp
}
} // namespace

ImageFacts probeImage(const QString &path, const QString &type, const QString &thumbnailPath)
{
    ImageFacts facts;
    const QByteArray format = readerFormat(type);
    if (!QImageReader::supportedImageFormats().contains(format)) {
        qCInfo(lcFileTypes) << "no decoder for" << type << "- no thumbnail";
        return facts;
    }
    // The format is fixed by content: the reader never guesses from the name or the bytes again.
    QImageReader reader(path, format);
    reader.setDecideFormatFromContent(false);
    reader.setAllocationLimit(DecodeAllocationLimitMiB);
    const QSize claimed = reader.size(); // from the header only: nothing is decoded yet
    if (!claimed.isValid() || claimed.isEmpty()) {
        qCInfo(lcFileTypes) << "unreadable image header in" << path;
        return facts;
    }
    if (qint64(claimed.width()) * claimed.height() > MaxDecodePixels) {
        qCInfo(lcFileTypes) << "image claims" << claimed << "pixels: not decoded";
        return facts;
    }
    QSize target = claimed;
    if (std::max(claimed.width(), claimed.height()) > ThumbnailLongSide)
        target = claimed.scaled(ThumbnailLongSide, ThumbnailLongSide, Qt::KeepAspectRatio)
                     .expandedTo(QSize(1, 1));
    // JPEG decodes straight at the smaller size (far less memory); others decode whole, then scale.
    if (reader.supportsOption(QImageIOHandler::ScaledSize))
        reader.setScaledSize(target);
    QImage image = reader.read();
    if (image.isNull()) {
        qCInfo(lcFileTypes) << "image does not decode:" << reader.errorString();
        return facts;
    }
    if (image.size() != target)
        image = image.scaled(target, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    facts.size = claimed;
    if (thumbnailPath.isEmpty()) // the same bytes were stored before, with their thumbnail
        return facts;
    // Written whole or not at all: a thumbnail is never half a file.
    QSaveFile out(thumbnailPath);
    if (out.open(QIODevice::WriteOnly) && image.save(&out, "PNG") && out.commit())
        facts.thumbnail = true;
    else
        qCWarning(lcFileTypes) << "cannot write thumbnail" << thumbnailPath;
    return facts;
}

} // namespace confab::files
