#include "uploadreceiver.h"

#include "fileservice.h"
#include "httpserveradapter.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcUpload, "confab.hub.files.upload")

namespace confab {

namespace {
// Bytes read off the socket (and written to the file) at a time; also the socket's read buffer,
// so that one PATCH never holds more than about twice this in memory.
constexpr qint64 PieceBytes = 1024 * 1024;
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

void UploadReceiver::readBody()
{
    if (m_ended || !m_socket || !m_service)
        return;
    while (m_remaining > 0 && m_socket->bytesAvailable() > 0) {
        const qint64 read = m_socket->read(m_buffer.data(), std::min(PieceBytes, m_remaining));
        if (read <= 0)
            break;
        const qint64 written
            = m_service->append(m_uploadId, this, QByteArrayView(m_buffer.constData(), read));
        if (written < 0) { // cancelled, or a newer PATCH took over
            m_ended = true;
            m_socket->abort();
            return;
        }
        m_remaining -= written;
        if (written < read) {
            fail(507, "storage_full", QStringLiteral("The hub's disk is full."));
            return;
        }
    }
    if (m_remaining == 0)
        complete();
    else
        m_stall.start();
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
