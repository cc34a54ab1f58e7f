#pragma once
// FileStore in the chat store's SQLite database (its own connection name, like the search
// index). Its tables are made on open when missing, so a data directory from before files needs
// no schema version of its own (an older Confab opening the file ignores them).

#include "filestore.h"

#include <QString>

class QSqlQuery;

namespace confab {

class SqliteFileStore final : public FileStore
{
public:
    explicit SqliteFileStore(QString connectionName);

    // Creates the tables when missing. The connection is open (SqliteChatStore::open()).
    bool prepare(QString *errorMessage);
    // Inside the caller's transaction: the file's row, pointing at its message.
    bool insertFile(const StoredFile &file);

    std::optional<StoredFile> fileById(const QString &id) const override;
    qint64 storedBytes() const override;
    bool saveUpload(const Upload &upload) override;
    bool touchUpload(const QString &id, qint64 lastWriteMs) override;
    bool deleteUpload(const QString &id) override;
    std::vector<Upload> loadUploads() const override;
    bool saveSessionCookie(const QByteArray &sessionKey, const QByteArray &cookieHash,
                           qint64 createdMs) override;
    bool deleteSessionCookie(const QByteArray &sessionKey) override;
    std::vector<std::pair<QByteArray, QByteArray>> loadSessionCookies() const override;

    // The column expression that gives an events row its attachment (JSON text or NULL), for
    // the chat store's event queries; `seqColumn` names the row's sequence number there.
    static QString attachmentColumn(const QString &seqColumn);

private:
    QString m_connectionName;
};

} // namespace confab
