#include "fileservice.h"

#include "chat/conversationservice.h"
#include "chat/identityservice.h"
#include "chat/messageservice.h"
#include "filetypes.h"
#include "sha256.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStorageInfo>

#include <algorithm>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#endif

Q_LOGGING_CATEGORY(lcFiles, "confab.hub.files")

namespace confab {

namespace {
constexpr QLatin1StringView UploadsDir("uploads");
constexpr QLatin1StringView FilesDir("files");
constexpr QLatin1StringView ThumbsDir("thumbs");
constexpr QLatin1StringView PartialSuffix(".part");
// The data directory's disk is never filled past this share.
constexpr double DiskCeiling = 0.95;
// How often unfinished uploads are checked for expiry (at most; less for short expiries).
constexpr qint64 MaxExpiryCheckMs = 10 * 60 * 1000;
constexpr qint64 MinExpiryCheckMs = 200;
// Re-hashing a partial file after a restart reads it in pieces this big.
constexpr qint64 RehashChunkBytes = 1024 * 1024;

QString randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    return QString::fromLatin1(raw.toHex());
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

ServiceError error(int status, const char *code, const QString &message)
{
    return ServiceError {status, code, message};
}

} // namespace

FileService::FileService(FileStore &store, MessageService &messages,
                         ConversationService &conversations, IdentityService &identity,
                         Limits limits, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_messages(messages)
    , m_conversations(conversations)
    , m_identity(identity)
    , m_limits(limits)
{
    connect(&m_expiryTimer, &QTimer::timeout, this, &FileService::expire);
}

FileService::~FileService()
{
    stop();
}

void FileService::track(QObject *download)
{
    m_downloads.erase(std::remove_if(m_downloads.begin(), m_downloads.end(),
                                     [](const QPointer<QObject> &d) { return d.isNull(); }),
                      m_downloads.end());
    m_downloads.emplace_back(download);
}

bool FileService::isUploadId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^u_[0-9a-f]{32}$"));
    return pattern.match(id).hasMatch();
}

bool FileService::isFileId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^f_[0-9a-f]{16}$"));
    return pattern.match(id).hasMatch();
}

QString FileService::partialPath(const QString &uploadId) const
{
    return QDir(m_dataDir).filePath(UploadsDir + QLatin1Char('/') + uploadId + PartialSuffix);
}

QString FileService::blobPath(const QString &sha256) const
{
    return QDir(m_dataDir).filePath(FilesDir + QLatin1Char('/') + sha256.left(2) + QLatin1Char('/')
                                    + sha256);
}

QString FileService::thumbnailPath(const QString &sha256) const
{
    return QDir(m_dataDir).filePath(FilesDir + QLatin1Char('/') + ThumbsDir + QLatin1Char('/')
                                    + sha256 + QLatin1StringView(".png"));
}

bool FileService::start(const QString &dataDir, QString *errorMessage)
{
    m_dataDir = dataDir;
    const QDir dir(dataDir);
    if (!dir.mkpath(UploadsDir) || !dir.mkpath(FilesDir + QLatin1Char('/') + ThumbsDir)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot create the file directories in %1").arg(dataDir);
        return false;
    }
    m_storedBytes = m_store.storedBytes();
    for (const Upload &upload : m_store.loadUploads()) {
        Active active;
        active.state.record = upload;
        // What reached the disk is the offset, whatever the hub knew when it stopped.
        const QFileInfo partial(partialPath(upload.id));
        active.state.offset = partial.exists() ? std::min(partial.size(), upload.length) : 0;
        active.state.expiresMs = upload.lastWriteMs + m_limits.expiryMs;
        m_uploads.emplace(upload.id, std::move(active));
    }
    // Partial files without an upload (a crash between removing the one and the other).
    QDirIterator partials(dir.filePath(UploadsDir), QDir::Files);
    while (partials.hasNext()) {
        const QFileInfo info(partials.next());
        const QString id = info.fileName().chopped(PartialSuffix.size());
        if (!info.fileName().endsWith(PartialSuffix) || !m_uploads.count(id))
            QFile::remove(info.filePath());
    }
    m_expiryTimer.start(int(std::clamp(m_limits.expiryMs / 4, MinExpiryCheckMs, MaxExpiryCheckMs)));
    expire();
    return true;
}

void FileService::stop()
{
    m_expiryTimer.stop();
    for (const QPointer<QObject> &download : std::exchange(m_downloads, {}))
        delete download.data();
    for (auto &[id, active] : m_uploads) {
        settleTransfer(active);
        active.file.reset();
    }
}

qint64 FileService::reservedBytes() const
{
    qint64 total = 0;
    for (const auto &[id, active] : m_uploads)
        total += active.state.record.length;
    return total;
}

bool FileService::diskHasRoomFor(qint64 bytes) const
{
    QStorageInfo disk(m_dataDir);
    if (!disk.isValid() || disk.bytesTotal() <= 0)
        return true; // cannot tell: the storage limit still applies
    const qint64 used = disk.bytesTotal() - disk.bytesAvailable();
    return double(used + bytes) <= DiskCeiling * double(disk.bytesTotal());
}

Outcome<FileService::Created> FileService::create(const Member &member, const QString &conversation,
                                                  const QString &name, const QString &typeHint,
                                                  qint64 length)
{
    if (length > m_limits.maxFileBytes)
        return error(413, "file_too_large",
                     QStringLiteral("Files are limited to %1 bytes.").arg(m_limits.maxFileBytes));
    int mine = 0;
    qint64 unwritten = 0;
    for (const auto &[id, active] : m_uploads) {
        if (active.state.record.memberId == member.id)
            ++mine;
        unwritten += active.state.record.length - active.state.offset;
    }
    if (mine >= m_limits.maxUploadsPerMember)
        return error(429, "too_many_uploads",
                     QStringLiteral("At most %1 unfinished uploads per member; finish or cancel "
                                    "one first.")
                         .arg(m_limits.maxUploadsPerMember));
    if (m_storedBytes + reservedBytes() + length > m_limits.maxStorageBytes
        || !diskHasRoomFor(unwritten + length))
        return error(507, "storage_full", QStringLiteral("The hub has no room for this file."));

    Active active;
    Upload &record = active.state.record;
    record.id = QStringLiteral("u_") + randomHex(16);
    record.memberId = member.id;
    record.conversation = conversation;
    record.name = name;
    record.typeHint = typeHint;
    record.length = length;
    record.createdMs = nowMs();
    record.lastWriteMs = record.createdMs;
    active.state.expiresMs = record.lastWriteMs + m_limits.expiryMs;
    active.hash = std::make_unique<Sha256>();
    // The partial file exists from the start: its size is the offset, also after a crash.
    QFile partial(partialPath(record.id));
    if (!partial.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return error(507, "storage_full", QStringLiteral("The hub cannot create the upload."));
    partial.close();
    if (!m_store.saveUpload(record)) {
        QFile::remove(partialPath(record.id));
        return error(500, "store_failed", QStringLiteral("The hub could not record the upload."));
    }
    ++m_metrics.uploadsStarted;
    const QString id = record.id;
    Created created {active.state, std::nullopt};
    auto &stored = m_uploads.emplace(id, std::move(active)).first->second;
    if (length == 0) {
        Outcome<StoredFile> finished = finish(stored);
        if (!finished.ok())
            return finished.error;
        created.finished = *finished.value;
    }
    return created;
}

std::optional<FileService::UploadState> FileService::find(const QString &uploadId,
                                                          const QString &memberId) const
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end() || it->second.state.record.memberId != memberId)
        return std::nullopt;
    // Expired is gone, even before the next expiry sweep removes it.
    if (!it->second.receiver && it->second.state.expiresMs <= nowMs())
        return std::nullopt;
    UploadState state = it->second.state;
    // What a worker thread has written so far is on disk already (HEAD during a PATCH).
    if (it->second.transfer)
        state.offset += it->second.transfer->progress();
    return state;
}

bool FileService::remove(const QString &uploadId, const QString &memberId)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end() || it->second.state.record.memberId != memberId)
        return false;
    settleTransfer(it->second);
    if (QObject *receiver = it->second.receiver)
        receiver->deleteLater(); // its connection is cut with it; append() refuses it already
    it->second.receiver = nullptr;
    dropUpload(uploadId);
    return true;
}

void FileService::dropUpload(const QString &uploadId)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end())
        return;
    settleTransfer(it->second);
    it->second.file.reset();
    QFile::remove(partialPath(uploadId));
    m_store.deleteUpload(uploadId);
    m_uploads.erase(it);
}

bool FileService::rehash(Active &active)
{
    active.hash = std::make_unique<Sha256>();
    active.hashedBytes = 0;
    QFile partial(partialPath(active.state.record.id));
    if (!partial.open(QIODevice::ReadOnly))
        return active.state.offset == 0;
    while (active.hashedBytes < active.state.offset) {
        const QByteArray chunk
            = partial.read(std::min(RehashChunkBytes, active.state.offset - active.hashedBytes));
        if (chunk.isEmpty())
            return false;
        active.hash->add(chunk);
        active.hashedBytes += chunk.size();
    }
    return true;
}

std::optional<ServiceError> FileService::beginPatch(const QString &uploadId, qint64 offset,
                                                    qint64 contentLength, QObject *receiver)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end())
        return error(404, "unknown_upload", QStringLiteral("No such upload."));
    Active &active = it->second;
    if (active.receiver && active.receiver != receiver) {
        // A newer PATCH wins: the older one's client retried (or is gone). From now on the older
        // receiver's bytes are refused (append() checks who writes); its connection is cut.
        settleTransfer(active);
        QObject *older = active.receiver;
        active.receiver = nullptr;
        active.file.reset();
        older->deleteLater();
    }
    // The route saw the offset while the older PATCH may still have been writing.
    if (active.state.offset != offset)
        return error(409, "offset_mismatch",
                     QStringLiteral("The upload is at offset %1, not %2.")
                         .arg(active.state.offset)
                         .arg(offset));
    if (!diskHasRoomFor(contentLength))
        return error(507, "storage_full", QStringLiteral("The hub's disk is full."));
    if (!active.hash || active.hashedBytes != active.state.offset) {
        if (!rehash(active))
            return error(500, "internal", QStringLiteral("The upload's bytes cannot be read."));
    }
    active.file = std::make_unique<QFile>(partialPath(uploadId));
    // Unbuffered: every write goes to the kernel at once, so what a write returns is on disk (in
    // the page cache) and survives the hub's process being killed.
    if (!active.file->open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered)
        || active.file->size() != active.state.offset) {
        active.file.reset();
        return error(500, "internal", QStringLiteral("The upload's file cannot be opened."));
    }
    active.receiver = receiver;
    return std::nullopt;
}

qint64 FileService::append(const QString &uploadId, QObject *receiver, QByteArrayView bytes)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end() || !it->second.file || it->second.receiver != receiver)
        return -1;
    Active &active = it->second;
    const qint64 room = active.state.record.length - active.state.offset;
    const qint64 wanted = std::min<qint64>(bytes.size(), room);
    const qint64 written = active.file->write(bytes.data(), wanted);
    if (written <= 0)
        return written;
    // Hashed and counted only as far as the disk took it.
    active.hash->add(bytes.first(written));
    active.hashedBytes += written;
    active.state.offset += written;
    m_metrics.uploadBytes += written;
    return written;
}

Outcome<FileService::PatchEnd> FileService::endPatch(const QString &uploadId, QObject *receiver)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end())
        return error(404, "unknown_upload", QStringLiteral("No such upload."));
    Active &active = it->second;
    if (active.receiver != receiver) // superseded or removed: nothing of ours to end
        return PatchEnd {active.state.offset, std::nullopt};
    settleTransfer(active);
    active.receiver = nullptr;
    active.file.reset();
    active.state.record.lastWriteMs = nowMs();
    active.state.expiresMs = active.state.record.lastWriteMs + m_limits.expiryMs;
    m_store.touchUpload(uploadId, active.state.record.lastWriteMs);
    PatchEnd end {active.state.offset, std::nullopt};
    if (active.state.offset == active.state.record.length) {
        Outcome<StoredFile> finished = finish(active);
        if (!finished.ok())
            return finished.error;
        end.finished = *finished.value;
    }
    return end;
}

bool FileService::startTransfer(const QString &uploadId, QObject *receiver,
                                qintptr socketDescriptor, qint64 bodyLength, int stallTimeoutMs,
                                TransferDone done)
{
#ifdef Q_OS_UNIX
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end() || it->second.receiver != receiver || !it->second.file
        || it->second.transfer || !it->second.hash
        || bodyLength > it->second.state.record.length - it->second.state.offset)
        return false;
    Active &active = it->second;
    // The worker gets its own descriptor of the partial file (opened for appending, unbuffered, by
    // beginPatch()); ours is closed while it runs, so that only one side ever writes.
    const int file = ::fcntl(active.file->handle(), F_DUPFD_CLOEXEC, 0);
    if (file < 0)
        return false;
    auto transfer = std::make_shared<UploadTransfer>(socketDescriptor, file, std::move(active.hash),
                                                     bodyLength, stallTimeoutMs);
    const QString id = uploadId;
    const bool started = m_transfers.tryStart(transfer, [this, id, transfer, done] {
        const auto found = m_uploads.find(id);
        if (found == m_uploads.end() || found->second.transfer != transfer)
            return;
        found->second.transfer.reset();
        absorb(found->second, *transfer);
        done(transfer->end());
    });
    if (!started) {
        active.hash = transfer->takeHash();
        return false;
    }
    active.file.reset();
    active.transfer = std::move(transfer);
    return true;
#else
    Q_UNUSED(uploadId);
    Q_UNUSED(receiver);
    Q_UNUSED(socketDescriptor);
    Q_UNUSED(bodyLength);
    Q_UNUSED(stallTimeoutMs);
    Q_UNUSED(done);
    return false;
#endif
}

void FileService::absorb(Active &active, UploadTransfer &transfer)
{
    const qint64 written = transfer.progress();
    active.hash = transfer.takeHash();
    active.hashedBytes += written;
    active.state.offset += written;
    m_metrics.uploadBytes += written;
}

void FileService::settleTransfer(Active &active)
{
    if (!active.transfer)
        return;
    const std::shared_ptr<UploadTransfer> transfer = std::exchange(active.transfer, {});
    m_transfers.forget(transfer);
    transfer->cancel();
    transfer->waitUntilDone();
    absorb(active, *transfer);
}

Outcome<StoredFile> FileService::finish(Active &active)
{
    const Upload record = active.state.record;
    const Identity *uploader = m_identity.findMember(record.memberId);
    if (!uploader) {
        dropUpload(record.id);
        return error(404, "unknown_upload", QStringLiteral("The uploader's session has ended."));
    }
    if (!active.hash || active.hashedBytes != active.state.offset) {
        if (!rehash(active))
            return error(500, "internal", QStringLiteral("The upload's bytes cannot be read."));
    }
    const QString sha = QString::fromLatin1(active.hash->hexResult());
    active.hash.reset();
    const QString partial = partialPath(record.id);
    QByteArray head;
    {
        QFile in(partial);
        if (in.open(QIODevice::ReadOnly))
            head = in.read(files::SniffBytes);
    }

    // Content-addressed: the same bytes are kept once.
    const QString blob = blobPath(sha);
    bool newBlob = false;
    if (QFileInfo::exists(blob)) {
        QFile::remove(partial);
    } else {
        QDir().mkpath(QFileInfo(blob).path());
        if (!QFile::rename(partial, blob)) {
            dropUpload(record.id);
            return error(500, "internal", QStringLiteral("The hub could not store the file."));
        }
        newBlob = true;
    }

    StoredFile file;
    file.id = QStringLiteral("f_") + randomHex(8);
    file.conversation = record.conversation;
    file.uploaderId = record.memberId;
    file.name = record.name;
    file.size = record.length;
    file.sha256 = sha;
    file.createdMs = nowMs();
    file.type = files::sniffImageType(head);
    if (!file.type.isEmpty()) {
        const QString thumb = thumbnailPath(sha);
        const files::ImageFacts facts
            = files::probeImage(blob, file.type, QFileInfo::exists(thumb) ? QString() : thumb);
        if (facts.size.isValid()) {
            file.width = facts.size.width();
            file.height = facts.size.height();
            file.thumbnail = facts.thumbnail || QFileInfo::exists(thumb);
        }
    } else if (files::isPlausibleMimeType(record.typeHint)
               && !files::isInlineType(record.typeHint.toLower())) {
        // A hint is taken as the Content-Type of an attachment, never to show something inline:
        // an image type the content did not confirm is not believed.
        file.type = record.typeHint.toLower();
    } else {
        file.type = QStringLiteral("application/octet-stream");
    }

    const Outcome<PostedMessage> posted = m_messages.postFile(uploader->member, file);
    m_store.deleteUpload(record.id);
    m_uploads.erase(record.id);
    if (!posted.ok())
        return posted.error; // the blob stays: unreferenced, it is only counted, never served
    if (newBlob)
        m_storedBytes += file.size;
    ++m_metrics.uploadsCompleted;
    return file;
}

void FileService::expire()
{
    const qint64 now = nowMs();
    std::vector<QString> expired;
    for (const auto &[id, active] : m_uploads) {
        if (!active.receiver && active.state.expiresMs <= now)
            expired.push_back(id);
    }
    for (const QString &id : expired) {
        qCInfo(lcFiles) << "upload" << id << "expired";
        dropUpload(id);
    }
}

std::optional<StoredFile> FileService::fileFor(const QString &fileId, const QString &memberId) const
{
    if (!isFileId(fileId))
        return std::nullopt;
    std::optional<StoredFile> file = m_store.fileById(fileId);
    if (!file
        || m_conversations.access(memberId, file->conversation)
            != ConversationService::Access::Member)
        return std::nullopt;
    return file;
}

} // namespace confab
