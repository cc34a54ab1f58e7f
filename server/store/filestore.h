#pragma once
// Files (issue 15, docs/protocol.md "Files"), as the file service sees them: the stored files
// with the conversation each belongs to, the uploads in progress (so that a restarted hub can
// resume them), and the files cookies of browser sessions (hashed). SqliteFileStore is the
// implementation; it shares the chat store's database, and the message that announces a file is
// written together with the file's row by ChatStore::appendFileMessage().

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace confab {

// A finished upload: one file id per upload; the bytes are kept once per sha256.
struct StoredFile
{
    QString id; // f_<16 hex>
    QString conversation;
    QString uploaderId;
    QString name; // display text only, never part of a path
    qint64 size = 0;
    QString type; // MIME type, by content for the four image types
    QString sha256; // 64 lower-case hex digits: the blob's name
    int width = 0; // 0: not an image that could be read
    int height = 0;
    bool thumbnail = false;
    qint64 createdMs = 0;
    qint64 messageId = 0; // the message that announced it (set by the store)

    // The message's `file` object.
    QJsonObject toJson() const;
};

// An upload in progress. Its offset is not stored: it is the size of the partial file on disk,
// which is what survives a crash.
struct Upload
{
    QString id; // u_<32 hex>
    QString memberId;
    QString conversation;
    QString name;
    QString typeHint; // the client's `filetype`, unchecked
    qint64 length = 0;
    qint64 createdMs = 0;
    qint64 lastWriteMs = 0;
};

class FileStore
{
public:
    virtual ~FileStore() = default;

    virtual std::optional<StoredFile> fileById(const QString &id) const = 0;
    // Bytes of the distinct stored blobs (each sha256 counted once).
    virtual qint64 storedBytes() const = 0;

    virtual bool saveUpload(const Upload &upload) = 0;
    virtual bool touchUpload(const QString &id, qint64 lastWriteMs) = 0;
    virtual bool deleteUpload(const QString &id) = 0;
    virtual std::vector<Upload> loadUploads() const = 0;

    // Files cookies bound to a session (FilesCookies): one per session key (the SHA-256 of the
    // session's token), stored as the SHA-256 of the cookie value.
    virtual bool saveSessionCookie(const QByteArray &sessionKey, const QByteArray &cookieHash,
                                   qint64 createdMs)
        = 0;
    virtual bool deleteSessionCookie(const QByteArray &sessionKey) = 0;
    // cookie hash → session key
    virtual std::vector<std::pair<QByteArray, QByteArray>> loadSessionCookies() const = 0;
};

} // namespace confab
