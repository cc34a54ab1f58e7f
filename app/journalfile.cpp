#include "journalfile.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace confab {

JournalFile::JournalFile(const QString &storageDir, const QString &fileName,
                         const QString &arrayKey, int formatVersion)
    : m_arrayKey(arrayKey)
    , m_formatVersion(formatVersion)
{
    QString directory = storageDir;
    if (directory.isEmpty())
        directory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
            + QStringLiteral("/sessions");
    QDir().mkpath(directory);
    m_path = directory + QLatin1Char('/') + fileName;
}

QJsonArray JournalFile::read() const
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > MaxFileBytes)
        return {};
    return QJsonDocument::fromJson(file.readAll()).object().value(m_arrayKey).toArray();
}

bool JournalFile::write(const QJsonArray &entries) const
{
    if (entries.isEmpty()) {
        QFile::remove(m_path);
        return true;
    }
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    // Paths of the user's files: theirs to read only.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(QJsonObject {{QStringLiteral("version"), m_formatVersion},
                                          {m_arrayKey, entries}})
                   .toJson(QJsonDocument::Compact));
    return file.commit();
}

} // namespace confab
