#pragma once
// The downloads the window started and has not finished, kept on disk so that the next start of
// the app continues them by itself (FileDownload continues the "<target>.part" file with Range
// and If-Range, and checks the SHA-256 at the end): which hub, as whom, which file (its id,
// name, size and SHA-256, the ETag the hub gives it) and where it goes. Beside the upload
// journal, one small JSON file written atomically.

#include "fileattachment.h"

#include <QList>
#include <QString>
#include <QUrl>

#include "journalfile.h"

namespace confab {

struct PendingDownload
{
    QString hub; // UploadJournal::hubKey()
    QString member; // UploadJournal::memberKey()
    QString conversation;
    FileAttachment file; // as the message described it (id, name, size, sha256)
    QString targetPath; // absolute; the bytes so far are in targetPath + ".part"
};

class DownloadJournal
{
public:
    static constexpr int MaxEntries = 200; // oldest dropped past this

    // storageDir empty: the per-user app-data location (next to the sessions).
    explicit DownloadJournal(const QString &storageDir = QString());

    QList<PendingDownload> load() const;
    // The entries of this hub and member.
    QList<PendingDownload> pendingFor(const QUrl &hub, const QString &member) const;
    bool put(const PendingDownload &download); // replaces the one with the same target
    bool remove(const QString &targetPath);

    QString filePath() const { return m_file.path(); }

private:
    bool save(const QList<PendingDownload> &entries) const;
    JournalFile m_file;
};

} // namespace confab
