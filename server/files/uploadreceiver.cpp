#include "uploadreceiver.h"

#include "fileservice.h"
#include "guardedtcpserver.h"
#include "httpserveradapter.h"
#include "socketnotifiers.h"

#include <QLoggingCategory>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

Q_LOGGING_CATEGORY(lcUpload, "confab.hub.files.upload")

namespace confab {

namespace {
// Bytes read off the socket (and written to the file) at a time; also the socket's read buffer,
// so that one PATCH never holds more than about twice this in memory.
constexpr qint64 PieceBytes = 1024 * 1024;
// At most this much is read straight from the kernel per event-loop turn, so that one upload
// never starves the hub's other connections.
constexpr qint64 TurnBytes = 16 * 1024 * 1024;
} // namespace

UploadReceiver::UploadReceiver(QTcpSocket *socket, FileService *service, QString uploadId,
                               qint64 bodyLength, int stallTimeoutMs, HttpHeaders answerHeaders)
    : QObject(socket)
    , m_socket(socket)
    , m_service(service)
    , m_uploadId(std::move(uploadId))
    , m_remaining(bodyLength)
    , m_answerHeaders(std::move(answerHeaders))
{
    m_buffer.resize(PieceBytes);
    socket->setReadBufferSize(PieceBytes);
    m_stall.setSingleShot(true);
    m_stall.setInterval(stallTimeoutMs);
    connect(&m_stall, &QTimer::timeout, this, [this] {
        qCInfo(lcUpload) << "upload" << m_uploadId << "stalled; keeping what arrived";
        broken();
        if (m_socket)
            m_socket->abort();
    });
    connect(socket, &QIODevice::readyRead, this, &UploadReceiver::readBody);
    connect(socket, &QAbstractSocket::disconnected, this, &UploadReceiver::broken);
}

UploadReceiver::~UploadReceiver()
{
    broken();
    if (m_socket) {
        // Superseded by a newer PATCH or the upload was cancelled: this connection ends here.
        disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
    }
}

void UploadReceiver::start()
{
    m_stall.start();
    readBody();
}

bool UploadReceiver::consume(qint64 read)
{
    const qint64 written
        = m_service->append(m_uploadId, this, QByteArrayView(m_buffer.constData(), read));
    if (written < 0) { // cancelled, or a newer PATCH took over
        m_ended = true;
        m_socket->abort();
        return false;
    }
    m_remaining -= written;
    if (written < read) {
        fail(507, "storage_full", QStringLiteral("The hub's disk is full."));
        return false;
    }
    return true;
}

bool UploadReceiver::consumeQtBuffered()
{
    while (m_remaining > 0 && m_socket->bytesAvailable() > 0) {
        const qint64 read = m_socket->read(m_buffer.data(), std::min(PieceBytes, m_remaining));
        if (read <= 0)
            break;
        if (!consume(read))
            return false;
    }
    return true;
}

void UploadReceiver::readBody()
{
    // While the move to a worker is pending, what arrives waits for it (Qt buffers at most a
    // piece).
    if (m_ended || m_offThread || m_movePending || !m_socket || !m_service)
        return;
    // First what Qt has buffered (the body's start may have come with the head).
    if (!consumeQtBuffered())
        return;
#ifdef Q_OS_UNIX
    if (usesRawDescriptor(m_socket) && m_remaining > 0 && !m_triedOffThread) {
        m_triedOffThread = true;
        m_movePending = true;
        // Not from inside the socket's readyRead handlers: Qt enables the read notifier again
        // after them.
        QTimer::singleShot(0, this, &UploadReceiver::moveOffThread);
        m_stall.start();
        return;
    }
    // Otherwise (every worker busy), on a plain connection, straight from the kernel into our
    // buffer: one copy less than through Qt's read buffer, and no event-loop turn per piece. Qt's
    // read notifier still sees the end of the stream and errors (a socket at its end stays
    // readable), and finds nothing else to read. A TLS connection's bytes must be decrypted by its
    // QSslSocket.
    if (usesRawDescriptor(m_socket)) {
        const int descriptor = int(m_socket->socketDescriptor());
        qint64 turn = 0;
        while (m_remaining > 0 && turn < TurnBytes && descriptor >= 0) {
            const ssize_t read = ::recv(descriptor, m_buffer.data(),
                                        size_t(std::min(PieceBytes, m_remaining)), MSG_DONTWAIT);
            if (read <= 0) // nothing now, the end, or an error: Qt's notifier reports the latter
                break;
            if (!consume(read))
                return;
            turn += read;
        }
        if (m_remaining > 0 && turn >= TurnBytes) // more is waiting: go on after other work
            QTimer::singleShot(0, this, &UploadReceiver::readBody);
    }
#endif
    if (m_remaining == 0)
        complete();
    else
        m_stall.start();
}

void UploadReceiver::moveOffThread()
{
    m_movePending = false;
    if (m_ended || !m_socket || !m_service)
        return;
    // What Qt read meanwhile is written here (reading enables the read notifier again).
    if (!consumeQtBuffered())
        return;
    if (m_remaining == 0) {
        complete();
        return;
    }
    if (QSocketNotifier *notifier = readNotifierOf(m_socket); notifier && notifier->isEnabled()) {
        // Before the worker starts: from now on only it reads the descriptor.
        notifier->setEnabled(false);
        const QPointer<UploadReceiver> self(this);
        if (m_service->startTransfer(m_uploadId, this, m_socket->socketDescriptor(), m_remaining,
                                     int(m_stall.interval()), [self](UploadTransfer::End end) {
                                         if (self)
                                             self->transferEnded(end);
                                     })) {
            m_parkedNotifier = notifier;
            m_offThread = true;
            m_stall.stop(); // the worker has the same deadline
            // Nothing is buffered while it runs: the buffer goes back until the answer.
            m_buffer = QByteArray();
            return;
        }
        notifier->setEnabled(true);
    }
    readBody();
}

void UploadReceiver::transferEnded(UploadTransfer::End end)
{
    // The worker has returned; the hub thread reads the socket again.
    m_offThread = false;
    if (m_parkedNotifier)
        m_parkedNotifier->setEnabled(true);
    m_parkedNotifier = nullptr;
    if (m_ended || !m_socket)
        return;
    switch (end) {
    case UploadTransfer::End::Complete:
        m_remaining = 0;
        complete();
        break;
    case UploadTransfer::End::DiskFull:
        fail(507, "storage_full", QStringLiteral("The hub's disk is full."));
        break;
    case UploadTransfer::End::Stalled:
        qCInfo(lcUpload) << "upload" << m_uploadId << "stalled; keeping what arrived";
        broken();
        m_socket->abort();
        break;
    case UploadTransfer::End::Broken:
    case UploadTransfer::End::Cancelled:
        broken();
        m_socket->abort();
        break;
    }
}

void UploadReceiver::complete()
{
    m_ended = true;
    m_stall.stop();
    const Outcome<FileService::PatchEnd> end = m_service->endPatch(m_uploadId, this);
    if (!end.ok()) {
        HttpReply reply = HttpReply::error(end.error.status, QLatin1StringView(end.error.code),
                                           end.error.message);
        answer(reply);
        return;
    }
    HttpReply reply = HttpReply::noContent();
    reply.headers.append(
        qMakePair(QByteArrayLiteral("Upload-Offset"), QByteArray::number(end.value->offset)));
    if (end.value->finished) {
        reply.headers.append(
            qMakePair(QByteArrayLiteral("Confab-File-Id"), end.value->finished->id.toLatin1()));
        reply.headers.append(qMakePair(QByteArrayLiteral("Confab-Message-Id"),
                                       QByteArray::number(end.value->finished->messageId)));
    }
    answer(reply);
}

void UploadReceiver::refuse(int status, const char *code, const QString &message)
{
    m_ended = true; // never began: nothing to end
    fail(status, code, message);
}

void UploadReceiver::fail(int status, const char *code, const QString &message)
{
    const bool began = !m_ended;
    m_ended = true;
    m_stall.stop();
    if (began && m_service)
        m_service->endPatch(m_uploadId, this);
    HttpReply reply = HttpReply::error(status, QLatin1StringView(code), message);
    for (const auto &header : m_answerHeaders)
        reply.headers.append(header);
    reply.headers.append(qMakePair(QByteArrayLiteral("Connection"), QByteArrayLiteral("close")));
    m_socket->write(http::serializeReply(reply));
    http::closeAfterUnreadBody(m_socket);
}

void UploadReceiver::answer(const HttpReply &base)
{
    HttpReply reply = base;
    for (const auto &header : m_answerHeaders)
        reply.headers.append(header);
    reply.headers.append(qMakePair(QByteArrayLiteral("Connection"), QByteArrayLiteral("close")));
    m_socket->write(http::serializeReply(reply));
    // The whole body was read: nothing unread can turn the close into a reset.
    m_socket->disconnectFromHost();
}

void UploadReceiver::broken()
{
    if (m_ended)
        return;
    m_ended = true;
    m_stall.stop();
    if (m_service)
        m_service->endPatch(m_uploadId, this);
}

} // namespace confab
