#include "sqlitefilestore.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

Q_LOGGING_CATEGORY(lcFileStore, "confab.hub.store.files")

namespace confab {

QJsonObject StoredFile::toJson() const
{
    QJsonObject object {
        {QStringLiteral("id"), id},         {QStringLiteral("name"), name},
        {QStringLiteral("size"), size},     {QStringLiteral("type"), type},
        {QStringLiteral("sha256"), sha256}, {QStringLiteral("thumbnail"), thumbnail}};
    if (width > 0 && height > 0) {
        object.insert(QStringLiteral("width"), width);
        object.insert(QStringLiteral("height"), height);
    }
    return object;
}

SqliteFileStore::SqliteFileStore(QString connectionName)
    : m_connectionName(std::move(connectionName))
{ }

QString SqliteFileStore::attachmentColumn(const QString &seqColumn)
{
    return QStringLiteral("(SELECT f.attachment FROM files f WHERE f.message_seq = %1)")
        .arg(seqColumn);
}

bool SqliteFileStore::prepare(QString *errorMessage)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    const char *statements[] = {
        // `attachment`: the message's `file` object as sent, so a history page needs no parsing
        // of columns; the columns are for the file routes and accounting.
        "CREATE TABLE IF NOT EXISTS files ("
        " id TEXT PRIMARY KEY, conversation TEXT NOT NULL, uploader TEXT NOT NULL,"
        " name TEXT NOT NULL, size INTEGER NOT NULL, type TEXT NOT NULL, sha256 TEXT NOT NULL,"
        " width INTEGER NOT NULL DEFAULT 0, height INTEGER NOT NULL DEFAULT 0,"
        " thumbnail INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL,"
        " message_seq INTEGER NOT NULL, attachment TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS files_by_message ON files (message_seq)",
        "CREATE INDEX IF NOT EXISTS files_by_sha256 ON files (sha256)",
        "CREATE TABLE IF NOT EXISTS uploads ("
        " id TEXT PRIMARY KEY, member_id TEXT NOT NULL, conversation TEXT NOT NULL,"
        " name TEXT NOT NULL, type_hint TEXT NOT NULL, length INTEGER NOT NULL,"
        " created INTEGER NOT NULL, last_write INTEGER NOT NULL)",
        // Per-member cookies (ending only with the member's last session) gave way to one per
        // session: those of a hub before that are dropped, the page asks for a new one.
        "DROP TABLE IF EXISTS files_cookies",
        // The files cookie of one session.
        "CREATE TABLE IF NOT EXISTS session_files_cookies ("
        " session_hash BLOB PRIMARY KEY, cookie_hash BLOB NOT NULL, created INTEGER NOT NULL)",
    };
    for (const char *statement : statements) {
        if (!query.exec(QString::fromLatin1(statement))) {
            if (errorMessage)
                *errorMessage = query.lastError().text();
            return false;
        }
    }
    return true;
}

bool SqliteFileStore::insertFile(const StoredFile &file)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral(
        "INSERT INTO files (id, conversation, uploader, name, size, type, sha256, width, height,"
        " thumbnail, created, message_seq, attachment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?)"));
    query.addBindValue(file.id);
    query.addBindValue(file.conversation);
    query.addBindValue(file.uploaderId);
    query.addBindValue(file.name);
    query.addBindValue(file.size);
    query.addBindValue(file.type);
    query.addBindValue(file.sha256);
    query.addBindValue(file.width);
    query.addBindValue(file.height);
    query.addBindValue(file.thumbnail ? 1 : 0);
    query.addBindValue(file.createdMs);
    query.addBindValue(file.messageId);
    query.addBindValue(
        QString::fromUtf8(QJsonDocument(file.toJson()).toJson(QJsonDocument::Compact)));
    if (!query.exec()) {
        qCWarning(lcFileStore) << "file insert failed:" << query.lastError().text();
        return false;
    }
    return true;
}

std::optional<StoredFile> SqliteFileStore::fileById(const QString &id) const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("SELECT id, conversation, uploader, name, size, type, sha256,"
                                 " width, height, thumbnail, created, message_seq FROM files"
                                 " WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec() || !query.next())
        return std::nullopt;
    StoredFile file;
    file.id = query.value(0).toString();
    file.conversation = query.value(1).toString();
    file.uploaderId = query.value(2).toString();
    file.name = query.value(3).toString();
    file.size = query.value(4).toLongLong();
    file.type = query.value(5).toString();
    file.sha256 = query.value(6).toString();
    file.width = query.value(7).toInt();
    file.height = query.value(8).toInt();
    file.thumbnail = query.value(9).toBool();
    file.createdMs = query.value(10).toLongLong();
    file.messageId = query.value(11).toLongLong();
    return file;
}

qint64 SqliteFileStore::storedBytes() const
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("SELECT IFNULL(SUM(size), 0) FROM (SELECT MAX(size) AS size"
                                   " FROM files GROUP BY sha256)"))
        || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

bool SqliteFileStore::saveUpload(const Upload &upload)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT INTO uploads (id, member_id, conversation, name,"
                                 " type_hint, length, created, last_write)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    query.addBindValue(upload.id);
    query.addBindValue(upload.memberId);
    query.addBindValue(upload.conversation);
    query.addBindValue(upload.name);
    query.addBindValue(upload.typeHint.isNull() ? QStringLiteral("") : upload.typeHint);
    query.addBindValue(upload.length);
    query.addBindValue(upload.createdMs);
    query.addBindValue(upload.lastWriteMs);
    if (!query.exec()) {
        qCWarning(lcFileStore) << "upload insert failed:" << query.lastError().text();
        return false;
    }
    return true;
}

bool SqliteFileStore::touchUpload(const QString &id, qint64 lastWriteMs)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("UPDATE uploads SET last_write = ? WHERE id = ?"));
    query.addBindValue(lastWriteMs);
    query.addBindValue(id);
    return query.exec();
}

bool SqliteFileStore::deleteUpload(const QString &id)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM uploads WHERE id = ?"));
    query.addBindValue(id);
    return query.exec();
}

std::vector<Upload> SqliteFileStore::loadUploads() const
{
    std::vector<Upload> uploads;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("SELECT id, member_id, conversation, name, type_hint, length,"
                                   " created, last_write FROM uploads")))
        return uploads;
    while (query.next()) {
        Upload upload;
        upload.id = query.value(0).toString();
        upload.memberId = query.value(1).toString();
        upload.conversation = query.value(2).toString();
        upload.name = query.value(3).toString();
        upload.typeHint = query.value(4).toString();
        upload.length = query.value(5).toLongLong();
        upload.createdMs = query.value(6).toLongLong();
        upload.lastWriteMs = query.value(7).toLongLong();
        uploads.push_back(upload);
    }
    return uploads;
}

bool SqliteFileStore::saveSessionCookie(const QByteArray &sessionKey, const QByteArray &cookieHash,
                                        qint64 createdMs)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO session_files_cookies"
                                 " (session_hash, cookie_hash, created) VALUES (?, ?, ?)"));
    query.addBindValue(sessionKey);
    query.addBindValue(cookieHash);
    query.addBindValue(createdMs);
    return query.exec();
}

bool SqliteFileStore::deleteSessionCookie(const QByteArray &sessionKey)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("DELETE FROM session_files_cookies WHERE session_hash = ?"));
    query.addBindValue(sessionKey);
    return query.exec();
}

std::vector<std::pair<QByteArray, QByteArray>> SqliteFileStore::loadSessionCookies() const
{
    std::vector<std::pair<QByteArray, QByteArray>> cookies;
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("SELECT cookie_hash, session_hash FROM session_files_cookies")))
        return cookies;
    while (query.next())
        cookies.emplace_back(query.value(0).toByteArray(), query.value(1).toByteArray());
    return cookies;
}

} // namespace confab
