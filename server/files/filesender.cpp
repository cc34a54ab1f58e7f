#include "filesender.h"

#include <QSslSocket>
#include <QTcpSocket>

namespace confab {

namespace {
// Bytes read from the file at a time.
constexpr qint64 PieceBytes = 256 * 1024;
// Qt's write buffer is topped up while it holds less than this.
constexpr qint64 LowWaterBytes = 256 * 1024;
// At most this much is written per event-loop turn, so one download never starves the hub.
constexpr qint64 TurnBytes = 8 * 1024 * 1024;
} // namespace

FileSender::FileSender(std::unique_ptr<EventStream> stream, std::unique_ptr<QFile> file,
                       qint64 offset, qint64 length, int stallTimeoutMs,
                       std::function<void(qint64)> onSent)
    : QObject(stream->socket())
    , m_stream(std::move(stream))
    , m_file(std::move(file))
    , m_remaining(length)
    , m_onSent(std::move(onSent))
{
    m_file->seek(offset);
    m_stall.setSingleShot(true);
    m_stall.setInterval(stallTimeoutMs);
    connect(&m_stall, &QTimer::timeout, this, [this] { finish(false); });
    QTcpSocket *socket = m_stream->socket();
    connect(socket, &QIODevice::bytesWritten, this, &FileSender::pump);
    if (auto *tls = qobject_cast<QSslSocket *>(socket))
        connect(tls, &QSslSocket::encryptedBytesWritten, this, &FileSender::pump);
    connect(socket, &QAbstractSocket::disconnected, this, [this] { finish(false); });
}

FileSender::~FileSender()
{
    // Stopped from outside (the hub stops): the connection is cut, never left half-answered.
    // When the socket itself is going away, the stream no longer has it and nothing is touched.
    finish(false);
}

void FileSender::start()
{
    pump();
}

void FileSender::pump()
{
    if (m_done)
        return;
    if (!m_stream->isOpen()) {
        finish(false);
        return;
    }
    m_stall.start();
    qint64 turn = 0;
    while (m_remaining > 0 && m_stream->unsentBytes() < LowWaterBytes && turn < TurnBytes) {
        const QByteArray piece = m_file->read(std::min(PieceBytes, m_remaining));
        if (piece.isEmpty()) { // the file shrank or cannot be read: cut, never pad
            finish(false);
            return;
        }
        m_stream->write(piece);
        m_remaining -= piece.size();
        m_sent += piece.size();
        turn += piece.size();
        if (!m_stream->isOpen()) {
            finish(false);
            return;
        }
    }
    if (m_remaining == 0) {
        finish(true);
        return;
    }
    // Written straight to the kernel (the plain fast path) nothing is left in Qt's buffer and no
    // bytesWritten will come: go on at the next turn of the event loop.
    if (m_stream->unsentBytes() < LowWaterBytes && !m_pumpQueued) {
        m_pumpQueued = true;
        QTimer::singleShot(0, this, [this] {
            m_pumpQueued = false;
            pump();
        });
    }
}

void FileSender::finish(bool complete)
{
    if (m_done)
        return;
    m_done = true;
    m_stall.stop();
    if (m_onSent)
        m_onSent(m_sent);
    QTcpSocket *socket = m_stream ? m_stream->socket() : nullptr;
    if (complete && socket && socket->state() == QAbstractSocket::ConnectedState)
        socket->disconnectFromHost(); // after what is queued (the answer said Connection: close)
    else if (socket)
        socket->abort();
    m_file.reset();
    m_stream.reset();
}

} // namespace confab
