#pragma once
// The uploads a member started and the hub has not finished, kept on disk so that the next run
// (of the window, or `confab send --file` again) resumes them: which hub, as whom, to which
// conversation, which file (path, size, modification time: a file that changed since is not
// resumed) and the tus upload URL the hub created. One small JSON file, written atomically.

#include <QDateTime>
#include <QList>
#include <QString>
#include <QUrl>
#include <optional>

#include "journalfile.h"

namespace confab {

struct PendingUpload
{
    QString hub; // the hub's address (scheme://host:port/)
    QString member; // the name signed in with (case-folded)
    QString conversation;
    QString filePath; // absolute
    QString fileName; // the name it is sent under
    qint64 size = 0;
    qint64 modifiedMs = 0; // the file's modification time when the upload started
    QUrl uploadUrl;

    // The file on disk is still the one this upload started with.
    bool matchesFile() const;
};

class UploadJournal
{
public:
    static constexpr int MaxEntries = 200; // oldest dropped past this (expired long ago anyway)

    // storageDir empty: the per-user app-data location (next to the sessions).
    explicit UploadJournal(const QString &storageDir = QString());

    QList<PendingUpload> load() const;
    // The entries of this hub and member.
    QList<PendingUpload> pendingFor(const QUrl &hub, const QString &member) const;
    // The unfinished upload of that file to that conversation, if the file did not change.
    std::optional<PendingUpload> find(const QUrl &hub, const QString &member,
                                      const QString &conversation, const QString &filePath) const;
    bool put(const PendingUpload &upload); // replaces the one with the same upload URL
    bool remove(const QUrl &uploadUrl);

    QString filePath() const { return m_file.path(); }
    static QString hubKey(const QUrl &hub);
    static QString memberKey(const QString &name);

private:
    bool save(const QList<PendingUpload> &entries) const;
    JournalFile m_file;
};

} // namespace confab
