#pragma once
// The file transfers of one HubConnection (the window's uploads and downloads): each a TusUpload
// or FileDownload with a small id, its progress and state for the transfers strip, and pause,
// resume and cancel. Uploads are written to the UploadJournal as soon as the hub created them,
// and downloads to the DownloadJournal as they start, so that after a restart of the app both
// resume by themselves once the connection is live (the hub is asked for the upload's offset
// again; a download continues its .part file with Range and If-Range).

#include "downloadjournal.h"
#include "fileattachment.h"
#include "hubapi.h"
#include "uploadjournal.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

class QNetworkAccessManager;

namespace confab {

class FileDownload;
class HubConnection;
class TusUpload;

class Transfers : public QObject
{
    Q_OBJECT
public:
    enum class Kind { Upload, Download };
    enum class State { Active, Waiting, Paused, Done, Failed, Cancelled };

    struct Info
    {
        int id = 0;
        Kind kind = Kind::Upload;
        QString conversationId;
        QString name; // display text (a download's: the sanitized name)
        qint64 size = -1;
        qint64 done = 0; // bytes sent or received
        double bytesPerSecond = 0;
        State state = State::Active;
        QString error; // readable, when Failed
        QString path; // the local file (upload: the source; download: where it went)
        qint64 resumedFrom = 0; // a download: the bytes on disk it continued from (not fetched)
    };

    // The one Transfers of that connection (made on first use, a child of it).
    static Transfers *of(HubConnection *connection);
    // storageDir: where the upload journal lives (empty: the app-data location).
    explicit Transfers(HubConnection *connection, const QString &storageDir = QString());
    ~Transfers() override;

    // Sends the file to the conversation; returns the transfer's id (its row shows a failure,
    // e.g. a missing file).
    int upload(const QString &conversationId, const QString &filePath,
               const QString &name = QString());
    // Saves the attachment into directory (a free name there: "name (1).ext" on a clash).
    int download(const QString &conversationId, const FileAttachment &file,
                 const QString &directory);

    void pause(int id);
    void resume(int id);
    void cancel(int id);
    void dismiss(int id); // forgets a finished, failed or cancelled row

    QList<int> ids() const; // in the order they were started
    Info info(int id) const;
    bool contains(int id) const { return m_items.contains(id); }
    // Resumes the journals' unfinished uploads and downloads of this hub and member (once per
    // Transfers; the connection going live calls it).
    void resumeUnfinished();
    QNetworkAccessManager *network() const { return m_nam; }

    // Uploads are sent in PATCHes of at most this many bytes (tests make it small).
    void setChunkBytes(qint64 bytes) { m_chunkBytes = bytes; }

signals:
    void added(int id);
    void changed(int id);
    void removed(int id);
    void uploadFinished(int id, const QString &fileId, qint64 messageId);
    void downloadFinished(int id, const QString &path);

private:
    struct Item
    {
        Info info;
        QPointer<TusUpload> upload;
        QPointer<FileDownload> download;
        PendingUpload record;
        PendingDownload downloadRecord;
    };
    int addItem(Item item);
    void watchUpload(int id, TusUpload *upload);
    void watchDownload(int id, FileDownload *download);
    int startUpload(const PendingUpload &record, const QUrl &resumeUrl);
    int startDownload(const PendingDownload &record);

    HubConnection *m_connection;
    UploadJournal m_journal;
    DownloadJournal m_downloads;
    QNetworkAccessManager *m_nam;
    QHash<int, Item> m_items;
    QList<int> m_order;
    int m_nextId = 1;
    bool m_resumed = false;
    qint64 m_chunkBytes = 0; // 0: TusUpload's default
};

QString transferStateName(Transfers::State state);

} // namespace confab
