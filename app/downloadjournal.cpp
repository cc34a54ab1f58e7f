#include "downloadjournal.h"

#include "uploadjournal.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>

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
    : m_file(storageDir, QStringLiteral("downloads.json"), QStringLiteral("downloads"),
             FormatVersion)
{ }

QList<PendingDownload> DownloadJournal::load() const
{
    QList<PendingDownload> entries;
    for (const QJsonValue &value : m_file.read()) {
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
    QJsonArray array;
    for (const PendingDownload &download : entries)
        array.append(toJson(download));
    return m_file.write(array);
}

} // namespace confab
