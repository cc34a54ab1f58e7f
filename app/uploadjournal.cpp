#include "uploadjournal.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace confab {

namespace {

constexpr int FormatVersion = 1;

QJsonObject toJson(const PendingUpload &upload)
{
    return {{QStringLiteral("hub"), upload.hub},
            {QStringLiteral("member"), upload.member},
            {QStringLiteral("conversation"), upload.conversation},
            {QStringLiteral("path"), upload.filePath},
            {QStringLiteral("name"), upload.fileName},
            {QStringLiteral("size"), double(upload.size)},
            {QStringLiteral("mtime"), double(upload.modifiedMs)},
            {QStringLiteral("url"), upload.uploadUrl.toString()}};
}

std::optional<PendingUpload> fromJson(const QJsonObject &object)
{
    PendingUpload upload;
    upload.hub = object.value(QLatin1StringView("hub")).toString();
    upload.member = object.value(QLatin1StringView("member")).toString();
    upload.conversation = object.value(QLatin1StringView("conversation")).toString();
    upload.filePath = object.value(QLatin1StringView("path")).toString();
    upload.fileName = object.value(QLatin1StringView("name")).toString();
    upload.size = qint64(object.value(QLatin1StringView("size")).toDouble(-1));
    upload.modifiedMs = qint64(object.value(QLatin1StringView("mtime")).toDouble());
    upload.uploadUrl = QUrl(object.value(QLatin1StringView("url")).toString());
    if (upload.hub.isEmpty() || upload.conversation.isEmpty() || upload.filePath.isEmpty()
        || upload.size < 0 || !upload.uploadUrl.isValid())
        return std::nullopt;
    return upload;
}

} // namespace

bool PendingUpload::matchesFile() const
{
    const QFileInfo info(filePath);
    return info.isFile() && info.size() == size
        && info.lastModified().toMSecsSinceEpoch() == modifiedMs;
}

UploadJournal::UploadJournal(const QString &storageDir)
    : m_file(storageDir, QStringLiteral("uploads.json"), QStringLiteral("uploads"), FormatVersion)
{ }

QString UploadJournal::hubKey(const QUrl &hub)
{
    return hub
        .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment
                  | QUrl::RemoveUserInfo)
        .toString();
}

QString UploadJournal::memberKey(const QString &name)
{
    return name.trimmed().toCaseFolded();
}

QList<PendingUpload> UploadJournal::load() const
{
    QList<PendingUpload> entries;
    for (const QJsonValue &value : m_file.read()) {
        if (auto upload = fromJson(value.toObject()))
            entries.append(*upload);
    }
    return entries;
}

QList<PendingUpload> UploadJournal::pendingFor(const QUrl &hub, const QString &member) const
{
    QList<PendingUpload> out;
    const QString hubId = hubKey(hub);
    const QString memberId = memberKey(member);
    for (const PendingUpload &upload : load()) {
        if (upload.hub == hubId && upload.member == memberId)
            out.append(upload);
    }
    return out;
}

std::optional<PendingUpload> UploadJournal::find(const QUrl &hub, const QString &member,
                                                 const QString &conversation,
                                                 const QString &filePath) const
{
    const QString absolute = QFileInfo(filePath).absoluteFilePath();
    for (const PendingUpload &upload : pendingFor(hub, member)) {
        if (upload.conversation == conversation && upload.filePath == absolute
            && upload.matchesFile())
            return upload;
    }
    return std::nullopt;
}

bool UploadJournal::put(const PendingUpload &upload)
{
    QList<PendingUpload> entries = load();
    entries.removeIf([&](const PendingUpload &entry) {
        return entry.uploadUrl == upload.uploadUrl
            || (entry.hub == upload.hub && entry.member == upload.member
                && entry.conversation == upload.conversation && entry.filePath == upload.filePath);
    });
    entries.append(upload);
    while (entries.size() > MaxEntries)
        entries.removeFirst();
    return save(entries);
}

bool UploadJournal::remove(const QUrl &uploadUrl)
{
    QList<PendingUpload> entries = load();
    const auto removed = entries.removeIf(
        [&](const PendingUpload &entry) { return entry.uploadUrl == uploadUrl; });
    return removed == 0 || save(entries);
}

bool UploadJournal::save(const QList<PendingUpload> &entries) const
{
    QJsonArray array;
    for (const PendingUpload &upload : entries)
        array.append(toJson(upload));
    return m_file.write(array);
}

} // namespace confab
