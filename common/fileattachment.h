#pragma once
// The `file` of a message a finished upload posted (docs/protocol.md, "Files"), read from
// MessageEvent::file for clients. Remote text: the name is display text only (see
// displayName()), never a path; the id only ever goes into a URL percent-encoded.

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <optional>

namespace confab {

struct FileAttachment
{
    static constexpr int MaxNameChars = 255;
    static constexpr int MaxTypeChars = 127;
    static constexpr int MaxImageSide = 1 << 16; // width/height past this are not believed

    QString id; // f_<16 hex>
    QString name;
    qint64 size = 0;
    QString type; // MIME type found by the hub (by content for images)
    QString sha256; // 64 hex digits, or empty
    int width = 0; // images only; 0: unknown
    int height = 0;
    bool thumbnail = false; // GET /api/v2/files/{id}/thumbnail exists

    // The four image types the hub checks by content (only they are shown inline).
    bool isImage() const;
    // The name without control or format characters (a bidi override could disguise it).
    QString displayName() const;

    // nullopt when the object is not an attachment (no id, no name, negative size).
    static std::optional<FileAttachment> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

} // namespace confab

Q_DECLARE_METATYPE(confab::FileAttachment)
