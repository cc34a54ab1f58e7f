#pragma once
// What a stored file is, judged by its bytes, never by its name: the four image types the hub
// shows inline, their size, and their thumbnail. Decoding is bounded (a header's claimed size is
// checked before any pixel is decoded, and QImageReader gets an allocation limit), so a
// decompression bomb or a corrupt image costs nothing but "no thumbnail".

#include <QByteArrayView>
#include <QSize>
#include <QString>

namespace confab::files {

// Enough leading bytes for sniffType().
inline constexpr int SniffBytes = 16;
// Thumbnails: at most this many pixels on the long side.
inline constexpr int ThumbnailLongSide = 320;
// Images with more pixels than this are not decoded (50 megapixels: large phone photos still
// get a thumbnail; a 50,000 x 50,000 bomb does not).
inline constexpr qint64 MaxDecodePixels = 50'000'000;
// QImageReader's allocation limit for one decode, in MiB (50 MP at 4 bytes a pixel, plus room).
inline constexpr int DecodeAllocationLimitMiB = 256;

// "image/png", "image/jpeg", "image/gif", "image/webp" by magic bytes; empty for anything else.
QString sniffImageType(QByteArrayView head);
// A client's `filetype` hint that looks like a MIME type (`type/subtype`, printable ASCII, no
// parameters); the hub never trusts it for inline display.
bool isPlausibleMimeType(const QString &hint);
// Inline display: only the four image types, by content.
bool isInlineType(const QString &type);

struct ImageFacts
{
    QSize size; // invalid: not read (a bomb, corrupt, or no decoder for the type)
    bool thumbnail = false; // written to the thumbnail path
};
// Reads the image at `path` (of sniffed `type`), and writes a PNG thumbnail to `thumbnailPath`
// (long side at most ThumbnailLongSide; an image already that small is its own size). An empty
// `thumbnailPath` only reads the size (the image decodes all the same: a corrupt one has none).
ImageFacts probeImage(const QString &path, const QString &type, const QString &thumbnailPath);

} // namespace confab::files
