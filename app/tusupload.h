#pragma once
// One file sent to a conversation with the tus 1.0.0 resumable upload protocol (docs/protocol.md,
// "Files"): POST creates the upload, PATCHes stream the file from disk (never read into memory)
// from the offset the hub reports. Pause aborts the PATCH in flight; resume asks the hub's offset
// (HEAD) and goes on from there, as does every retry after the hub went away (with Backoff).
// Cancel abandons the upload on the hub (DELETE). Auth, base URL and the TLS pin come from the
// HubApi, whose token must be valid while the upload runs.

#include "backoff.h"
#include "hubapi.h"
#include "transferspeed.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <memory>

class QFile;
class QNetworkAccessManager;
class QNetworkReply;

namespace confab {

class FileSlice;

class TusUpload : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 DefaultChunkBytes = 64 * 1024 * 1024; // one PATCH at most
    // No byte for this long: the PATCH is given up (and retried). The last PATCH waits for the
    // hub to check and store the file, which for a few GiB takes seconds.
    static constexpr int StallTimeoutMs = 60000;
    static constexpr int RetryBaseMs = 500;

    enum class State {
        Idle,
        Creating, // POST
        Locating, // HEAD: asking the hub's offset
        Sending, // PATCH in flight
        Waiting, // the hub went away; retrying after a delay
        Paused,
        Finished,
        Failed,
        Cancelled,
    };
    Q_ENUM(State)

    struct Options
    {
        QString filePath;
        QString conversationId;
        QString fileName; // empty: the file's own name
        QString fileType; // a hint for the hub (it decides by content)
        QUrl uploadUrl; // set: resume this upload (HEAD first) instead of creating one
        qint64 chunkBytes = DefaultChunkBytes;
        int maxRetries = -1; // in a row without progress; -1: without end
    };

    // api: the hub, its token and pin (not owned; must outlive this). nam: the transfer's
    // connection pool (not owned); nullptr: one of its own.
    TusUpload(HubApi *api, const Options &options, QNetworkAccessManager *nam = nullptr,
              QObject *parent = nullptr);
    ~TusUpload() override;

    void start();
    void pause();
    void resume();
    void cancel(); // DELETE on the hub; ends in Cancelled

    State state() const { return m_state; }
    qint64 offset() const { return m_offset; } // bytes the hub has
    qint64 sent() const { return m_offset + m_inFlight; } // including the PATCH in flight
    qint64 size() const { return m_size; }
    double bytesPerSecond() const { return m_speed.bytesPerSecond(); }
    QUrl uploadUrl() const { return m_uploadUrl; }
    QString fileName() const { return m_fileName; }
    QString conversationId() const { return m_options.conversationId; }
    QString filePath() const { return m_options.filePath; }
    ApiError error() const { return m_error; }
    QString fileId() const { return m_fileId; }
    qint64 messageId() const { return m_messageId; }
    int patchCount() const { return m_patches; } // PATCH requests sent (for tests, figures)

signals:
    void stateChanged(confab::TusUpload::State state);
    // The hub created the upload (persist this URL to resume after a restart).
    void created(const QUrl &uploadUrl);
    void progress(qint64 sent, qint64 total);
    void speedChanged(double bytesPerSecond);
    // The hub stored the file and posted its message.
    void finished(const QString &fileId, qint64 messageId);
    void failed(const confab::ApiError &error); // for good: state Failed
    // The link broke; the next attempt comes in delayMs.
    void retrying(const confab::ApiError &error, int delayMs);

private:
    void setState(State state);
    QNetworkRequest tusRequest(const QUrl &url) const;
    QNetworkReply *send(const QByteArray &method, QNetworkRequest request,
                        QIODevice *body = nullptr);
    void create();
    void locate();
    void patch();
    void onPatchFinished(QNetworkReply *reply);
    void finishFrom(QNetworkReply *reply);
    void handleError(const ApiError &error, bool mayRecreate);
    void fail(const ApiError &error);
    void updateSpeed(bool force);
    void abortCurrent();
    bool openFile();

    HubApi *m_api;
    Options m_options;
    QNetworkAccessManager *m_nam;
    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<QFile> m_file;
    FileSlice *m_slice = nullptr;
    State m_state = State::Idle;
    QString m_fileName;
    QUrl m_uploadUrl;
    qint64 m_size = -1;
    qint64 m_offset = 0;
    qint64 m_inFlight = 0;
    ApiError m_error;
    QString m_fileId;
    qint64 m_messageId = 0;
    int m_patches = 0;
    int m_failuresInARow = 0;
    Backoff m_backoff;
    QTimer m_retryTimer;
    TransferSpeed m_speed;
    bool m_recreated = false;
};

QString tusStateName(TusUpload::State state);

// Upload-Metadata's value: `key base64value` pairs, comma-separated (tus 1.0.0).
QByteArray tusMetadata(const QList<QPair<QByteArray, QString>> &pairs);

} // namespace confab
