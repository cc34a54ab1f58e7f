#pragma once
// One file sent from the terminal (`confab send --file`, `/upload` in `confab join`): a TusUpload
// that resumes the unfinished upload of the same file to the same conversation (UploadJournal),
// with a progress bar on stderr when stderr is a terminal (else one line at the end), and the
// hub's refusals said in words (the largest file it takes, a full disk).

#include "hubapi.h"
#include "tusupload.h"
#include "uploadjournal.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <functional>

class QNetworkAccessManager;

namespace confab {

class TerminalUpload : public QObject
{
    Q_OBJECT
public:
    static constexpr int BarIntervalMs = 100; // redraws of the progress bar at most this often
    static constexpr int MaxRetriesInARow = 8; // about two minutes of backoff, then give up

    struct Result
    {
        bool ok = false;
        qint64 messageId = 0;
        QString fileId;
        ApiError error; // when not ok; message is readable, translated
    };
    using Done = std::function<void(const Result &)>;

    // progressBar: draw one on stderr while sending (only when stderr is a terminal).
    TerminalUpload(HubApi *api, const QString &stateDir, const QUrl &hubUrl, const QString &member,
                   bool progressBar, QObject *parent = nullptr);

    void send(const QString &conversationId, const QString &filePath, Done done);
    void pause(); // stop sending (the journal keeps the upload for the next run)
    bool isBusy() const { return m_upload != nullptr; }

    static bool stderrIsTerminal();
    static QString formatBytes(qint64 bytes);

private:
    void drawBar(bool force);
    void finish(const Result &result);
    void explainLimit(ApiError error);

    HubApi *m_api;
    UploadJournal m_journal;
    QUrl m_hubUrl;
    QString m_member;
    bool m_bar;
    QNetworkAccessManager *m_nam;
    QPointer<TusUpload> m_upload;
    Done m_done;
    PendingUpload m_record;
    QElapsedTimer m_clock;
    QElapsedTimer m_barClock;
    qint64 m_startOffset = -1;
    bool m_barShown = false;
};

} // namespace confab
