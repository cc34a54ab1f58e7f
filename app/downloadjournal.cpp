#include "downloadjournal.h"

#include "uploadjournal.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace confab {

namespace {

constexpr int FormatVersion = 1;

QJsonObject toJson(const PendingDownload &download)
{
    return {{QStringLiteral("hub"), download.hub},
            {QStringLiteral("member"), download.member},
            {QStringLiteral("conversation"), download.conversation},
            {QStringLiteral("file"), download.file.toJson()},
            {QStringLiteral("target"), download.targetPath}};
}

std::optional<PendingDownload> fromJson(const QJsonObject &object)
{
    const auto file = FileAttachment::fromJson(object.value(QLatin1StringView("file")).toObject());
    if (!file)
        return std::nullopt;
    PendingDownload download;
    download.hub = object.value(QLatin1StringView("hub")).toString();
    download.member = object.value(QLatin1StringView("member")).toString();
    download.conversation = object.value(QLatin1StringView("conversation")).toString();
    download.file = *file;
    download.targetPath = object.value(QLatin1StringView("target")).toString();
    // Only an absolute path written by us is continued: a journal edited by hand cannot make
    // the download write somewhere relative to wherever the app happens to run.
    if (download.hub.isEmpty() || download.conversation.isEmpty()
        || !QDir::isAbsolutePath(download.targetPath))
        return std::nullopt;
    return download;
}

} // namespace

DownloadJournal::DownloadJournal(const QString &storageDir)
{
    QString directory = storageDir;
    if (directory.isEmpty())
        directory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
            + QStringLiteral("/sessions");
    QDir().mkpath(directory);
    m_path = directory + QStringLiteral("/downloads.json");
}

QList<PendingDownload> DownloadJournal::load() const
{
    QList<PendingDownload> entries;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > MaxFileBytes)
        return entries;
    const QJsonArray array = QJsonDocument::fromJson(file.readAll())
                                 .object()
                                 .value(QLatin1StringView("downloads"))
                                 .toArray();
    for (const QJsonValue &value : array) {
        if (auto download = fromJson(value.toObject()))
            entries.append(*download);
    }
    return entries;
}

QList<PendingDownload> DownloadJournal::pendingFor(const QUrl &hub, const QString &member) const
{
    QList<PendingDownload> out;
    const QString hubId = UploadJournal::hubKey(hub);
    const QString memberId = UploadJournal::memberKey(member);
    for (const PendingDownload &download : load()) {
        if (download.hub == hubId && download.member == memberId)
            out.append(download);
    }
    return out;
}

bool DownloadJournal::put(const PendingDownload &download)
{
    QList<PendingDownload> entries = load();
    entries.removeIf(
        [&](const PendingDownload &entry) { return entry.targetPath == download.targetPath; });
    entries.append(download);
    while (entries.size() > MaxEntries)
        entries.removeFirst();
    return save(entries);
}

bool DownloadJournal::remove(const QString &targetPath)
{
    QList<PendingDownload> entries = load();
    const auto removed = entries.removeIf(
        [&](const PendingDownload &entry) { return entry.targetPath == targetPath; });
    return removed == 0 || save(entries);
}

bool DownloadJournal::save(const QList<PendingDownload> &entries) const
{
    if (entries.isEmpty()) {
        QFile::remove(m_path);
        return true;
    }
    QJsonArray array;
    for (const PendingDownload &download : entries)
        array.append(toJson(download));
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    // Where the user saves their files: theirs to read only.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(QJsonObject {{QStringLiteral("version"), FormatVersion},
                                          {QStringLiteral("downloads"), array}})
                   .toJson(QJsonDocument::Compact));
    return file.commit();
}

} // namespace confab
