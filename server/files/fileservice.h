#pragma once
// Files (issue 15, docs/protocol.md "Files"): tus uploads in progress and their limits, turning a
// finished upload into a stored file and its message, and who may download what (the browser's
// files cookie is FilesCookies', in chat/). The bytes live under the data directory:
//   uploads/<upload id>.part   an upload in progress (its size is its offset)
//   files/ab/<sha256>          a stored file, once per content (the first two hex digits group
//   them) files/thumbs/<sha256>.png  its thumbnail
// Only ids the hub made and hex digests ever reach a path; names are display text.

#include "chat/outcome.h"
#include "store/filestore.h"
#include "uploadtransfer.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <QFile>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace confab {

class ConversationService;
class IdentityService;
class MessageService;
class Sha256;
struct Member;

struct FileMetrics
{
    qint64 uploadsStarted = 0;
    qint64 uploadsCompleted = 0;
    qint64 uploadBytes = 0; // PATCH body bytes written to disk
    qint64 downloads = 0;
    qint64 downloadBytes = 0;
};

class FileService : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        qint64 maxFileBytes = 0;
        qint64 maxStorageBytes = 0;
        int maxUploadsPerMember = 0;
        qint64 expiryMs = 0; // an unfinished upload is removed this long after its last write
    };

    FileService(FileStore &store, MessageService &messages, ConversationService &conversations,
                IdentityService &identity, Limits limits, QObject *parent = nullptr);
    ~FileService() override;

    // Loads the uploads in progress (their offsets from the partial files), removes leftovers, and
    // starts the expiry timer. `dataDir` is the hub's data directory.
    bool start(const QString &dataDir, QString *errorMessage);
    void stop();

    const Limits &limits() const { return m_limits; }
    FileMetrics &metrics() { return m_metrics; }
    int uploadsInProgress() const { return int(m_uploads.size()); }
    qint64 storedBytes() const { return m_storedBytes; }

    // --- tus ---
    struct UploadState
    {
        Upload record;
        qint64 offset = 0;
        qint64 expiresMs = 0;
    };
    // POST /api/v2/uploads, after the route checked the conversation's access rule. An empty
    // file is finished at once (then `finished` is set).
    struct Created
    {
        UploadState upload;
        std::optional<StoredFile> finished;
    };
    Outcome<Created> create(const Member &member, const QString &conversation, const QString &name,
                            const QString &typeHint, qint64 length);
    // The member's own upload, or nullopt (anyone else's is as unknown as a missing one).
    std::optional<UploadState> find(const QString &uploadId, const QString &memberId) const;
    bool remove(const QString &uploadId, const QString &memberId);

    // A PATCH body starts arriving at `offset` (checked by the route): opens the partial file and
    // makes sure the running hash covers what is on disk. A PATCH still in progress for the same
    // upload is cut first (its client has gone away or retried); if it wrote past `offset` before
    // it stopped, this one is refused (409). nullopt when ready.
    std::optional<ServiceError> beginPatch(const QString &uploadId, qint64 offset,
                                           qint64 contentLength, QObject *receiver);
    // Writes body bytes: returns how many reached the file (fewer on a write error: disk full).
    // -1 when `receiver` is not (or no longer) the upload's current PATCH.
    qint64 append(const QString &uploadId, QObject *receiver, QByteArrayView bytes);
    // The PATCH ended (whole, or the connection broke): the file is closed, what was written
    // counts. When the offset reached the length, the file is stored and posted (`finished`).
    struct PatchEnd
    {
        qint64 offset = 0;
        std::optional<StoredFile> finished;
    };
    Outcome<PatchEnd> endPatch(const QString &uploadId, QObject *receiver);

    // The rest of the PATCH's body (`bodyLength` bytes from the plain connection's descriptor)
    // received on a worker thread (UploadTransfer): the partial file and the running hash go with
    // it until it ends. `done` is called on this thread when it ended by itself (whole, broken,
    // stalled after `stallTimeoutMs`, or the disk full), after its bytes were counted; not when
    // the PATCH was cut here (superseded, removed, endPatch(), stop()), which waits for the worker
    // and counts its bytes at once. False (nothing changed) when no worker thread is free.
    using TransferDone = std::function<void(UploadTransfer::End)>;
    bool startTransfer(const QString &uploadId, QObject *receiver, qintptr socketDescriptor,
                       qint64 bodyLength, int stallTimeoutMs, TransferDone done);
    int transfersRunning() const { return m_transfers.running(); }

    // Whether the data directory's disk can take `bytes` more without passing 95 %.
    bool diskHasRoomFor(qint64 bytes) const;

    // --- downloads ---
    // The file, if `memberId` may read it (a member of its conversation now); else nullopt, the
    // same as for no such file.
    std::optional<StoredFile> fileFor(const QString &fileId, const QString &memberId) const;
    QString blobPath(const QString &sha256) const;
    QString thumbnailPath(const QString &sha256) const;

    // A download in progress: ended (its connection cut) when the service stops, so that no
    // download outlives the HTTP server whose responder it holds.
    void track(QObject *download);

    static bool isUploadId(const QString &id);
    static bool isFileId(const QString &id);

private:
    struct Active
    {
        UploadState state;
        std::unique_ptr<Sha256> hash;
        qint64 hashedBytes = 0;
        std::unique_ptr<QFile> file; // open while a PATCH is being received on this thread
        QPointer<QObject> receiver; // that PATCH's receiver
        // While the PATCH is received on a worker thread: it holds the hash and the file then.
        std::shared_ptr<UploadTransfer> transfer;
    };
    QString partialPath(const QString &uploadId) const;
    // Re-hashes the partial file from disk (after a restart the running hash is gone).
    bool rehash(Active &active);
    Outcome<StoredFile> finish(Active &active);
    // Counts a transfer's bytes and takes its hash back (it has ended).
    void absorb(Active &active, UploadTransfer &transfer);
    // Stops the upload's running transfer, if any, and waits for it (milliseconds).
    void settleTransfer(Active &active);
    void dropUpload(const QString &uploadId);
    void expire();
    qint64 reservedBytes() const;

    FileStore &m_store;
    MessageService &m_messages;
    ConversationService &m_conversations;
    IdentityService &m_identity;
    Limits m_limits;
    FileMetrics m_metrics;
    QString m_dataDir;
    std::map<QString, Active> m_uploads;
    qint64 m_storedBytes = 0;
    QTimer m_expiryTimer;
    std::vector<QPointer<QObject>> m_downloads;
    UploadTransferPool m_transfers;
};

} // namespace confab
