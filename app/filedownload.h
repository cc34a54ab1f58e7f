#pragma once
// One file of a conversation saved to disk (GET /api/v2/files/{fid}, docs/protocol.md "Files").
// The bytes go to "<target>.part" as they arrive; a download that stopped (pause, a broken link,
// a restart) continues that file with `Range: bytes=N-` (If-Range on the file's ETag, so that
// other bytes never get glued on). When every byte is there and the SHA-256 matches (when known),
// the .part file is renamed to the target, as QSaveFile would: the target never holds half a
// file. A continued .part that turns out to be another file's is dropped and the file fetched
// whole, once. A file gone from the hub (404) removes the .part file; other failures keep it.

#include "backoff.h"
#include "hubapi.h"
#include "transferspeed.h"

#include <QCryptographicHash>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkAccessManager;
class QNetworkReply;

namespace confab {

class FileDownload : public QObject
{
    Q_OBJECT
public:
    static constexpr int StallTimeoutMs = 30000;
    static constexpr int RetryBaseMs = 500;
    static constexpr char PartSuffix[] = ".part";

    enum class State { Idle, Receiving, Waiting, Paused, Finished, Failed, Cancelled };
    Q_ENUM(State)

    struct Options
    {
        QString fileId;
        QString targetPath; // where the finished file goes (see uniqueTargetPath())
        qint64 expectedSize = -1; // from the message's `file`; -1: unknown
        QString sha256; // hex, from the message's `file`; empty: not checked
        int maxRetries = -1; // in a row without progress; -1: without end
    };

    FileDownload(HubApi *api, const Options &options, QNetworkAccessManager *nam = nullptr,
                 QObject *parent = nullptr);
    ~FileDownload() override;

    void start(); // continues an existing .part file
    void pause();
    void resume();
    void cancel(); // removes the .part file

    State state() const { return m_state; }
    qint64 received() const { return m_received; }
    qint64 size() const { return m_total; }
    double bytesPerSecond() const { return m_speed.bytesPerSecond(); }
    QString targetPath() const { return m_options.targetPath; }
    QString partPath() const { return m_options.targetPath + QLatin1StringView(PartSuffix); }
    ApiError error() const { return m_error; }
    qint64 resumedFrom() const { return m_resumedFrom; } // the .part's size at the last request
    qint64 bytesFetched() const { return m_fetched; } // file bytes that came over the network

signals:
    void stateChanged(confab::FileDownload::State state);
    void progress(qint64 received, qint64 total);
    void speedChanged(double bytesPerSecond);
    void finished(const QString &path);
    void failed(const confab::ApiError &error);

private:
    void setState(State state);
    void request();
    void onReadyRead();
    void onFinished(QNetworkReply *reply);
    void handleError(const ApiError &error);
    void fail(const ApiError &error);
    bool complete();
    void abortCurrent();
    void updateSpeed(bool force);
    bool hashExistingPart();

    HubApi *m_api;
    Options m_options;
    QNetworkAccessManager *m_nam;
    QPointer<QNetworkReply> m_reply;
    QFile m_part;
    QCryptographicHash m_hash {QCryptographicHash::Sha256};
    State m_state = State::Idle;
    qint64 m_received = 0;
    qint64 m_total = -1;
    qint64 m_resumedFrom = 0;
    qint64 m_fetched = 0;
    bool m_continuedPart = false; // started from an existing .part file
    bool m_startedOver = false; // that part was not this file's: fetched whole once
    QByteArray m_etag;
    bool m_replyChecked = false;
    ApiError m_error;
    int m_failuresInARow = 0;
    Backoff m_backoff;
    QTimer m_retryTimer;
    TransferSpeed m_speed;
};

// A file name from the hub as a name on this disk: display text only, so directories, control
// characters and characters file systems refuse are dropped; never empty, never "." or "..".
QString sanitizedFileName(const QString &name);
// directory/name, or "name (1).ext", "name (2).ext"… when that exists (or its .part does).
QString uniqueTargetPath(const QString &directory, const QString &name);

} // namespace confab
