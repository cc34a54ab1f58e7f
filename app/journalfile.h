#pragma once
// The file behind a transfer journal (UploadJournal, DownloadJournal): a small JSON document
// {"version": N, KEY: [entries]} in the app's data folder, read whole, replaced atomically
// (QSaveFile), readable by its owner only (it names the user's files), and removed when empty.

#include <QJsonArray>
#include <QString>

namespace confab {

class JournalFile
{
public:
    // A journal bigger than this is not read (it was not written by us).
    static constexpr qint64 MaxFileBytes = 1024 * 1024;

    // storageDir empty: the app's data folder ("sessions", beside the saved sessions).
    JournalFile(const QString &storageDir, const QString &fileName, const QString &arrayKey,
                int formatVersion);

    QJsonArray read() const;
    bool write(const QJsonArray &entries) const;
    QString path() const { return m_path; }

private:
    QString m_path;
    QString m_arrayKey;
    int m_formatVersion;
};

} // namespace confab
