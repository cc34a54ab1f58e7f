#include "sessionstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QStandardPaths>

Q_LOGGING_CATEGORY(lcSessionStore, "confab.sessionstore")

namespace confab {

namespace {

constexpr int FormatVersion = 1;

std::optional<QJsonObject> readObject(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > SessionStore::MaxFileBytes)
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll());
    if (!document.isObject())
        return std::nullopt;
    return document.object();
}

bool writeObject(const QString &path, const QJsonObject &object)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        qCWarning(lcSessionStore) << "cannot write" << path << file.errorString();
        return false;
    }
    // The token is a password in all but name: only the user may read it.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(object).toJson(QJsonDocument::Compact));
    if (!file.commit()) {
        qCWarning(lcSessionStore) << "cannot save" << path << file.errorString();
        return false;
    }
    return true;
}

} // namespace

void SessionStore::open(const QString &storageDir, const QUrl &hubUrl, const QString &roomId,
                        const QString &name)
{
    QString directory = storageDir;
    if (directory.isEmpty())
        directory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
            + QStringLiteral("/sessions");
    QDir().mkpath(directory);
    // One identity per hub (scheme, host, port), room and name (names are case-insensitive).
    const QString identity = hubUrl
                                 .adjusted(QUrl::RemovePath | QUrl::RemoveQuery
                                           | QUrl::RemoveFragment | QUrl::RemoveUserInfo)
                                 .toString()
        + QLatin1Char('\n') + roomId + QLatin1Char('\n') + name.trimmed().toCaseFolded();
    const QByteArray key
        = QCryptographicHash::hash(identity.toUtf8(), QCryptographicHash::Sha256).toHex().left(32);
    m_basePath = directory + QLatin1Char('/') + QString::fromLatin1(key);
}

void SessionStore::openHub(const QString &storageDir, const QUrl &hubUrl, const QString &name)
{
    // A room id cannot hold a space, so this key never meets a v1 room's.
    open(storageDir, hubUrl, QStringLiteral("api v2"), name);
}

QString SessionStore::sessionFilePath() const
{
    return m_basePath + QStringLiteral(".session.json");
}

QString SessionStore::outboxFilePath() const
{
    return m_basePath + QStringLiteral(".outbox.json");
}

std::optional<SavedSession> SessionStore::loadSession() const
{
    const auto object = readObject(sessionFilePath());
    if (!object)
        return std::nullopt;
    SavedSession session;
    session.token = object->value(QLatin1StringView("token")).toString();
    const auto member = Member::fromJson(object->value(QLatin1StringView("member")).toObject());
    session.roomTitle = object->value(QLatin1StringView("roomTitle")).toString();
    session.hubInstance = object->value(QLatin1StringView("hubInstance")).toString();
    if (session.token.isEmpty() || !member)
        return std::nullopt;
    session.member = *member;
    return session;
}

bool SessionStore::saveSession(const SavedSession &session)
{
    return writeObject(sessionFilePath(),
                       {{QStringLiteral("version"), FormatVersion},
                        {QStringLiteral("token"), session.token},
                        {QStringLiteral("member"), session.member.toJson()},
                        {QStringLiteral("roomTitle"), session.roomTitle},
                        {QStringLiteral("hubInstance"), session.hubInstance}});
}

void SessionStore::forgetSession()
{
    QFile::remove(sessionFilePath());
}

QList<OutboxItem> SessionStore::loadOutbox() const
{
    QList<OutboxItem> items;
    const auto object = readObject(outboxFilePath());
    if (!object)
        return items;
    for (const QJsonValue &value : object->value(QLatin1StringView("items")).toArray()) {
        const QJsonObject entry = value.toObject();
        OutboxItem item {entry.value(QLatin1StringView("clientId")).toString(),
                         entry.value(QLatin1StringView("text")).toString(),
                         qint64(entry.value(QLatin1StringView("createdAt")).toDouble()),
                         entry.value(QLatin1StringView("conversation")).toString()};
        if (!item.clientId.isEmpty() && !item.text.isEmpty())
            items.append(item);
    }
    return items;
}

bool SessionStore::saveOutbox(const QList<OutboxItem> &items)
{
    if (items.isEmpty()) {
        QFile::remove(outboxFilePath());
        return true;
    }
    QJsonArray array;
    for (const OutboxItem &item : items) {
        QJsonObject entry {{QStringLiteral("clientId"), item.clientId},
                           {QStringLiteral("text"), item.text},
                           {QStringLiteral("createdAt"), item.createdAtMs}};
        if (!item.conversation.isEmpty())
            entry.insert(QStringLiteral("conversation"), item.conversation);
        array.append(entry);
    }
    return writeObject(
        outboxFilePath(),
        {{QStringLiteral("version"), FormatVersion}, {QStringLiteral("items"), array}});
}

} // namespace confab
