#pragma once
// One tus PATCH body, read off a connection the hub took over before QtHttpServer could buffer
// it (GuardedTcpServer's streamed body): the bytes go to the upload's partial file as they
// arrive, in pieces no larger than the socket's read buffer, so memory stays flat whatever the
// body's size. When the body is complete it answers (204, or the file's ids with the last byte)
// with `Connection: close` and closes.
//
// Why close rather than hand the connection back: once the guard takes a connection away,
// QtHttpServer (6.4 to 6.8, each differently) has no way to take it back mid-stream, and a tus
// client opens a new connection per PATCH at little cost (one PATCH carries many megabytes).
//
// A connection that breaks keeps what reached the disk; one that stalls for the stall timeout is
// cut (the same patience as for a request that never finishes).
//
// On a plain connection the body goes to a worker thread once the bytes Qt had buffered are
// written (FileService::startTransfer, UploadTransfer): the socket's read notifier is disabled
// meanwhile, so that the hub thread never reads the descriptor the worker reads, and enabled again
// when the worker is done. A TLS connection (its bytes are decrypted by its QSslSocket, which lives
// on the hub thread) or one that finds every worker busy is read here, on the hub thread.

#include "httpmessage.h"
#include "uploadtransfer.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QSocketNotifier>
#include <QTcpSocket>
#include <QTimer>

namespace confab {

class FileService;

class UploadReceiver : public QObject
{
    Q_OBJECT
public:
    // Extra headers for every answer (Tus-Resumable).
    UploadReceiver(QTcpSocket *socket, FileService *service, QString uploadId, qint64 bodyLength,
                   int stallTimeoutMs, HttpHeaders answerHeaders);
    ~UploadReceiver() override;

    // Reads what is already buffered (the body's first bytes may have come with the head).
    void start();
    // Answers with an error before reading the body (which is then read and dropped).
    void refuse(int status, const char *code, const QString &message);

private:
    void readBody();
    // Hands the rest of the body to a worker thread, or goes on here if none is free.
    void moveOffThread();
    void transferEnded(UploadTransfer::End end);
    // Writes the first `read` bytes of m_buffer; false when the PATCH ended (refused or cut).
    bool consume(qint64 read);
    // Writes what Qt has already read of the body; false when that ended the upload (consume()).
    bool consumeQtBuffered();
    void complete();
    void fail(int status, const char *code, const QString &message);
    void answer(const HttpReply &reply);
    // The connection broke or stalled: what was written counts.
    void broken();

    QPointer<QTcpSocket> m_socket; // null once the socket is being destroyed (our parent)
    QPointer<FileService> m_service;
    QString m_uploadId;
    qint64 m_remaining;
    HttpHeaders m_answerHeaders;
    QByteArray m_buffer;
    QTimer m_stall;
    bool m_ended = false;
    bool m_triedOffThread = false;
    bool m_movePending = false; // moveOffThread() runs at the next turn
    bool m_offThread = false; // a worker reads the body now
    QPointer<QSocketNotifier> m_parkedNotifier; // disabled while a worker reads the socket
};

} // namespace confab
