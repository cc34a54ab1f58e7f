#include "guardedtcpserver.h"

#include "httpmessage.h"
#include "idlesocketbuffers.h"

#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QSslSocket>
#include <QTcpSocket>

#include <algorithm>
#include <memory>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>
#endif

Q_LOGGING_CATEGORY(lcGuard, "confab.hub.connections")

namespace confab {

namespace {
// The reaper's period: timeouts are enforced to within this.
constexpr int ReapIntervalMs = 1000;
// A refused connection is read and discarded this long before it is closed, so that the client
// reads our answer instead of a reset caused by its own unread upload.
constexpr int RefusalLingerMs = 1000;
// Room above head + body caps so a pipelined next request never stalls a complete one.
constexpr qint64 ReadBufferSlackBytes = 16 * 1024;
constexpr QByteArrayView HeadEnd("\r\n\r\n");
// The first byte of every TLS connection: a handshake record (RFC 8446 5.1, content type 22).
// No HTTP request starts with it (a method is letters).
constexpr char TlsHandshakeRecord = 0x16;

// Every connection's socket. QIODevice keeps its read buffer's 16 KiB chunk allocated once the
// bytes in it have been consumed, so that the next read needs no allocation. An event stream
// reads nothing after its request, so that chunk would stay with every idle subscriber for good:
// about 4 KiB of resident memory each (the request touched the chunk's first page), half of what
// an idle subscriber cost (heaptrack, 3,000 subscribers: these chunks were 49 of 61 MB of heap;
// hubbench: 8.4 KiB RSS per subscriber with them, 4.3 KiB without). Reopening the device drops its
// empty read buffer; the next bytes that arrive get a fresh one, which releaseReadBuffer() gives
// back again once they are consumed.
class ConnectionSocket : public QTcpSocket
{
public:
    using QTcpSocket::QTcpSocket;

    // Returns false when the buffer is in use and was kept.
    bool releaseReadBuffer()
    {
        // Only between requests: nothing unread, no reader in the middle of a transaction.
        if (openMode() != QIODevice::ReadWrite || bytesAvailable() > 0 || isTransactionStarted())
            return false;
        // Write-only drops the read channel's buffer (QIODevice::setOpenMode sets the read
        // channel count to 0); read-write again creates an empty one that allocates on demand.
        // Neither touches the socket itself or emits anything.
        setOpenMode(QIODevice::WriteOnly);
        setOpenMode(QIODevice::ReadWrite);
        return true;
    }
};

bool releaseReadBuffer(QTcpSocket *socket)
{
    // A TLS stream has four buffers, in two sockets: each that is empty goes (heaptrack, 1000
    // idle TLS subscribers: 131 KiB of heap each before, 36 KiB after; tests/bench/README.md).
    if (auto *tls = qobject_cast<QSslSocket *>(socket))
        return releaseIdleTlsBuffers(tls);
    auto *plain = dynamic_cast<ConnectionSocket *>(socket);
    return plain && plain->releaseReadBuffer();
}

QByteArrayView headerValue(QByteArrayView head, QByteArrayView name)
{
    qsizetype lineStart = head.indexOf('\n') + 1; // skip the request line
    while (lineStart > 0 && lineStart < head.size()) {
        qsizetype lineEnd = head.indexOf('\n', lineStart);
        if (lineEnd < 0)
            lineEnd = head.size();
        const QByteArrayView line = head.sliced(lineStart, lineEnd - lineStart).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.sliced(colon + 1).trimmed();
        lineStart = lineEnd + 1;
    }
    return {};
}
} // namespace

bool usesRawDescriptor(const QTcpSocket *socket)
{
    return socket && !qobject_cast<const QSslSocket *>(socket);
}

GuardedTcpServer::GuardedTcpServer(const Limits &limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{
    m_clock.start();
    m_reaper.setInterval(ReapIntervalMs);
    connect(&m_reaper, &QTimer::timeout, this, &GuardedTcpServer::reap);
    m_reaper.start();
}

GuardedTcpServer::~GuardedTcpServer()
{
    // The sockets are our children and outlive this body: make sure none of them calls back.
    for (const auto &entry : m_connections)
        QObject::disconnect(entry.first, nullptr, this, nullptr);
    m_connections.clear();
    closeUndecided();
}

void GuardedTcpServer::closeUndecided()
{
#ifdef Q_OS_UNIX
    for (const auto &[descriptor, notifier] : std::exchange(m_sniffing, {})) {
        delete notifier;
        ::close(int(descriptor));
        --m_undecided;
    }
#endif
}

void GuardedTcpServer::followHttpServer()
{
    // QtHttpServer (6.4 to 6.8) takes a connection on pendingConnectionAvailable, which
    // addPendingConnection() emits inside incomingConnection(); QTcpServer emits newConnection
    // after that, so the "after the parser" hook lands behind the parser's readyRead connection.
    connect(this, &QTcpServer::newConnection, this, &GuardedTcpServer::connectAfterParser);
}

void GuardedTcpServer::enableTls(const QSslConfiguration &configuration)
{
    m_tls = true;
    m_tlsConfiguration = configuration;
}

bool GuardedTcpServer::atCapacity() const
{
    return m_limits.maxConnections > 0 && connectionCount() >= m_limits.maxConnections;
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
#ifdef Q_OS_UNIX
    if (m_tls) {
        sniff(descriptor);
        return;
    }
#endif
    acceptPlain(descriptor);
}

#ifdef Q_OS_UNIX
void GuardedTcpServer::sniff(qintptr descriptor)
{
    // No socket object yet: a QTcpSocket would read the first bytes into its own buffer, where a
    // QSslSocket created afterwards could not see them. Peeking leaves them in the kernel.
    auto *notifier = new QSocketNotifier(descriptor, QSocketNotifier::Read, this);
    auto *deadline = new QTimer(notifier);
    ++m_undecided;
    m_sniffing.emplace(descriptor, notifier);
    const auto finish = [this, descriptor, notifier, deadline] {
        m_sniffing.erase(descriptor);
        deadline->stop();
        notifier->setEnabled(false); // before another notifier takes the descriptor
        notifier->deleteLater();
        --m_undecided;
    };
    connect(notifier, &QSocketNotifier::activated, this, [this, descriptor, finish] {
        char first = 0;
        const ssize_t peeked = ::recv(int(descriptor), &first, 1, MSG_PEEK | MSG_DONTWAIT);
        if (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        finish();
        if (peeked <= 0) { // closed (or failed) before its first byte
            ++m_silentClosed;
            ::close(int(descriptor));
            return;
        }
        if (first == TlsHandshakeRecord)
            startTls(descriptor);
        else
            acceptPlain(descriptor);
    });
    // The same patience as with a plain connection that sends nothing (the idle timeout).
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this, [this, descriptor, finish] {
        finish();
        ++m_silentClosed;
        qCInfo(lcGuard) << "connection sent nothing, closing";
        ::close(int(descriptor));
    });
    if (m_limits.idleTimeoutMs > 0)
        deadline->start(m_limits.idleTimeoutMs);
}
#endif

void GuardedTcpServer::startTls(qintptr descriptor)
{
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (atCapacity()) {
        // No plain-text 503 can reach a TLS client: close at once.
        ++m_refused;
        qCWarning(lcGuard) << "connection cap reached, refusing TLS" << socket->peerAddress();
        socket->abort();
        socket->deleteLater();
        return;
    }
    ++m_undecided;
    auto *deadline = new QTimer(socket);
    deadline->setObjectName(QStringLiteral("confab-tls-handshake-deadline"));
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this,
            [this, socket] { tlsFailed(socket, QStringLiteral("handshake timed out")); });
    connect(socket, &QAbstractSocket::errorOccurred, this,
            [this, socket] { tlsFailed(socket, socket->errorString()); });
    connect(socket, &QSslSocket::encrypted, this, [this, socket, deadline] {
        delete deadline;
        QObject::disconnect(socket, nullptr, this, nullptr);
        --m_undecided;
        ++m_tlsCompleted;
        admit(socket);
        // A request that arrived with the handshake's last flight was announced before anyone
        // listened: announce it again.
        QTimer::singleShot(0, socket, [socket] {
            if (socket->bytesAvailable() > 0)
                emit socket->readyRead();
        });
    });
    socket->setSslConfiguration(m_tlsConfiguration);
    if (m_limits.handshakeTimeoutMs > 0)
        deadline->start(m_limits.handshakeTimeoutMs);
    socket->startServerEncryption();
}

void GuardedTcpServer::tlsFailed(QSslSocket *socket, const QString &why)
{
    // Called once: the first failure disconnects every other handler and ends the deadline.
    QObject::disconnect(socket, nullptr, this, nullptr);
    delete socket->findChild<QTimer *>(QStringLiteral("confab-tls-handshake-deadline"),
                                       Qt::FindDirectChildrenOnly);
    --m_undecided;
    ++m_tlsFailed;
    qCInfo(lcGuard) << "TLS handshake failed with" << socket->peerAddress() << why;
    socket->abort();
    socket->deleteLater();
}

void GuardedTcpServer::acceptPlain(qintptr descriptor)
{
    QTcpSocket *socket = new ConnectionSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (atCapacity()) {
        // Not handed to QtHttpServer at all: answer, drain what the client sends, close.
        ++m_refused;
        qCWarning(lcGuard) << "connection cap reached, refusing" << socket->peerAddress();
        connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->write(http::rawClosingReply(503, QLatin1StringView("too_many_connections"),
                                            QStringLiteral("The hub has too many connections.")));
        QTimer::singleShot(RefusalLingerMs, socket, [socket] { socket->disconnectFromHost(); });
        QTimer::singleShot(RefusalLingerMs + m_limits.requestTimeoutMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
        return;
    }
    admit(socket);
}

void GuardedTcpServer::admit(QTcpSocket *socket)
{
    socket->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // QtHttpServer 6.4 buffers a whole request before parsing it; this bounds that buffer.
    socket->setReadBufferSize(m_limits.maxHeaderBytes + m_limits.maxBodyBytes
                              + ReadBufferSlackBytes);

    Connection connection;
    connection.lastActivityMs = m_clock.elapsed();
    connection.peer = socket->peerAddress();
    connection.peerPort = socket->peerPort();
    m_connections.emplace(socket, connection);
    m_byPeer.insert(qMakePair(connection.peer, connection.peerPort), socket);

    // Before QtHttpServer connects its own handler: we see every byte first.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { inspectNewBytes(socket); });
    connect(socket, &QObject::destroyed, this, [this, socket] { forget(socket); });
    m_newSockets.push_back(socket);
    addPendingConnection(socket);
    // QtHttpServer attached its reader inside addPendingConnection() (pendingConnectionAvailable).
    // With TLS on, a connection is admitted after its first byte or its handshake, outside
    // incomingConnection(), and QTcpServer emits no newConnection for it: attach ours now.
    connectAfterParser();
}

void GuardedTcpServer::connectAfterParser()
{
    for (QTcpSocket *socket : std::exchange(m_newSockets, {})) {
        const auto it = m_connections.find(socket);
        if (it != m_connections.end())
            it->second.afterParser = connect(socket, &QTcpSocket::readyRead, this,
                                             [this, socket] { rememberUnread(socket); });
    }
}

void GuardedTcpServer::markStreaming(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    it->second.phase = Phase::Streaming;
    it->second.head.clear();
    detachParser(socket);
    // detachParser() disconnected it; the handle alone would keep the connection's record alive.
    it->second.afterParser = {};
    // At once, so that a burst of subscribers never holds many 16 KiB chunks at the same time
    // (hubbench, 10,000 subscribers: 4.3 KiB RSS each; deferring this to a zero-timer left
    // 5.4-7.9 KiB, depending on how many chunks a burst had in flight).
    // We are inside QtHttpServer's readyRead handler: 6.4 has committed its transaction and after
    // the route handler only checks bytesAvailable(), which an emptied buffer answers the same.
    // If a reader still holds the buffer (pipelined bytes, or a later version's transaction), try
    // again once the handler has returned.
    if (!releaseReadBuffer(socket))
        QTimer::singleShot(0, socket, [socket] { releaseReadBuffer(socket); });
    // A TLS stream writes through two buffered sockets: each time what it wrote has reached the
    // kernel, its emptied buffers go (allocated again by the next event; no measurable CPU).
    if (auto *tls = qobject_cast<QSslSocket *>(socket))
        connect(tls, &QSslSocket::encryptedBytesWritten, this,
                [tls] { releaseIdleTlsBuffers(tls); });
    parkLater(socket);
}

void GuardedTcpServer::parkLater(QTcpSocket *socket)
{
    // A TLS stream is parked too: the read notifier found is its inner plain socket's (the only
    // one on its descriptor), and parking only disables it until the kernel reports input, so
    // that inner socket still reads every byte (a close_notify or alert arrives encrypted) and
    // the QSslSocket decrypts it as before. Nothing bypasses encryption: writes never change.
    // Not from inside the socket's readyRead handlers: reading re-enables the notifier.
    QTimer::singleShot(0, socket, [this, socket] {
        const auto it = m_connections.find(socket);
        if (it != m_connections.end() && it->second.phase == Phase::Streaming)
            m_idleStreams.park(socket);
    });
}

void GuardedTcpServer::closeIdleConnections()
{
    std::vector<QTcpSocket *> sockets;
    for (const auto &[socket, connection] : m_connections) {
        if (connection.phase != Phase::Streaming)
            sockets.push_back(socket);
    }
    for (QTcpSocket *socket : sockets)
        socket->disconnectFromHost();
    closeUndecided();
}

QTcpSocket *GuardedTcpServer::findSocket(const QHostAddress &peer, quint16 peerPort) const
{
    return m_byPeer.value(qMakePair(peer, peerPort), nullptr);
}

void GuardedTcpServer::detachParser(QTcpSocket *socket)
{
    // QtHttpServer's reader is the QHttpServer itself on 6.4, and from 6.5 on a per-connection
    // object that owns the socket (which also disconnects its reader while a responder lives, and
    // connects it again when the responder goes). Rather than knowing which: every reader goes,
    // and ours is connected again. We are usually inside a readyRead emission here; a slot
    // connected during an emission is first called at the next one.
    QObject::disconnect(socket, &QIODevice::readyRead, nullptr, nullptr);
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { inspectNewBytes(socket); });
}

void GuardedTcpServer::inspectNewBytes(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    Connection &connection = it->second;
    connection.lastActivityMs = m_clock.elapsed();
    if (connection.ownReader)
        return;
    if (connection.phase == Phase::Streaming || connection.phase == Phase::Refused) {
        // Nobody parses this connection any more: drop what the client sends.
        if (socket->isTransactionStarted())
            socket->commitTransaction();
        socket->skip(socket->bytesAvailable());
        if (connection.phase == Phase::Streaming) {
            releaseReadBuffer(socket);
            parkLater(socket);
        }
        return;
    }
    const qint64 available = socket->bytesAvailable();
    if (available <= connection.seenUnread)
        return;
    const QByteArray fresh = socket->peek(available).sliced(connection.seenUnread);
    connection.seenUnread = available;
    scanBytes(socket, connection, fresh);
}

void GuardedTcpServer::rememberUnread(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end() || it->second.phase == Phase::Streaming
        || it->second.phase == Phase::Refused)
        return;
    it->second.seenUnread = socket->bytesAvailable();
    // This slot must run after QtHttpServer's reader. From 6.5 on, that reader disconnects itself
    // while a request's responder lives and connects itself again when the responder is destroyed
    // (for an ordinary answer: at the end of its own readyRead handler, so in the middle of this
    // emission), which puts it behind us. Connected anew, we are behind it again from the next
    // emission on. Otherwise seenUnread would count bytes the parser consumes right after, and the
    // guard would skip that many bytes of the connection's next request.
    QObject::disconnect(it->second.afterParser);
    it->second.afterParser
        = connect(socket, &QTcpSocket::readyRead, this, [this, socket] { rememberUnread(socket); });
}

bool GuardedTcpServer::scanBytes(QTcpSocket *socket, Connection &connection, QByteArrayView bytes)
{
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        if (connection.phase == Phase::InBody) {
            const qint64 take = std::min<qint64>(connection.bodyRemaining, bytes.size() - pos);
            connection.bodyRemaining -= take;
            pos += take;
            if (connection.bodyRemaining == 0) {
                connection.phase = Phase::AwaitingHead;
                connection.requestStartMs = -1;
            }
            continue;
        }
        if (connection.requestStartMs < 0)
            connection.requestStartMs = m_clock.elapsed();
        const qsizetype searchFrom = std::max<qsizetype>(0, connection.head.size() - 3);
        const qsizetype oldSize = connection.head.size();
        connection.head.append(bytes.sliced(pos));
        const qsizetype end = connection.head.indexOf(HeadEnd, searchFrom);
        const qsizetype headSize = end < 0 ? connection.head.size() : end + HeadEnd.size();
        if (headSize > m_limits.maxHeaderBytes) {
            refuse(socket, 431, QLatin1StringView("headers_too_large"),
                   QStringLiteral("The request line and headers are too large."));
            return false;
        }
        if (end < 0)
            return true;
        pos += headSize - oldSize;
        connection.head.truncate(headSize);
        if (!checkHead(socket, connection))
            return false;
        connection.head.clear();
    }
    return true;
}

bool GuardedTcpServer::takeUpgrade(QTcpSocket *socket, Connection &connection,
                                   const UpgradeHandler &handler, bool ownReader)
{
    // We run before QtHttpServer's reader: detached now, it never sees this request.
    detachParser(socket);
    if (socket->isTransactionStarted())
        socket->commitTransaction();
    // Only as the connection's first unanswered request: the head must be what the socket holds.
    if (socket->peek(connection.head.size()) != connection.head) {
        refuse(socket, 400, QLatin1StringView("bad_request"),
               QStringLiteral("A WebSocket upgrade, an event stream or an upload cannot follow "
                              "other requests in one send."));
        return false;
    }
    socket->skip(connection.head.size());
    const QByteArray head = std::exchange(connection.head, {});
    connection.phase = Phase::Streaming;
    connection.ownReader = ownReader;
    connection.requestStartMs = -1;
    handler(socket, head);
    return false;
}

bool GuardedTcpServer::checkHead(QTcpSocket *socket, Connection &connection)
{
    const QByteArrayView head(connection.head);
    if (m_upgradeHandler
        && headerValue(head, "upgrade").compare("websocket", Qt::CaseInsensitive) == 0)
        return takeUpgrade(socket, connection, m_upgradeHandler);
    // Before the body checks: the handler reads (and judges) the body itself.
    if (m_streamedBodyHandler && head.startsWith(m_streamedBodyPrefix))
        return takeUpgrade(socket, connection, m_streamedBodyHandler);
    if (m_streamRequestHandler && m_isStreamRequest(head))
        return takeUpgrade(socket, connection, m_streamRequestHandler, false);
    const QByteArrayView transferEncoding = headerValue(head, "transfer-encoding");
    if (!transferEncoding.isEmpty()
        && transferEncoding.compare("identity", Qt::CaseInsensitive) != 0) {
        refuse(socket, 411, QLatin1StringView("length_required"),
               QStringLiteral(
                   "Request bodies need a Content-Length (chunked bodies are not accepted)."));
        return false;
    }
    const QByteArrayView lengthText = headerValue(head, "content-length");
    qint64 length = 0;
    if (!lengthText.isEmpty()) {
        bool ok = false;
        length = lengthText.toLongLong(&ok);
        if (!ok || length < 0) {
            refuse(socket, 400, QLatin1StringView("bad_request"),
                   QStringLiteral("The Content-Length header is not a number."));
            return false;
        }
    }
    if (length > m_limits.maxBodyBytes) {
        refuse(
            socket, 413, QLatin1StringView("body_too_large"),
            QStringLiteral("Request bodies are limited to %1 bytes.").arg(m_limits.maxBodyBytes));
        return false;
    }
    connection.bodyRemaining = length;
    if (length > 0) {
        connection.phase = Phase::InBody;
    } else {
        connection.requestStartMs = -1;
    }
    return true;
}

void GuardedTcpServer::refuse(QTcpSocket *socket, int status, QLatin1StringView code,
                              const QString &message)
{
    ++m_refused;
    qCInfo(lcGuard) << "refusing request from" << socket->peerAddress() << status << code;
    const auto it = m_connections.find(socket);
    if (it != m_connections.end()) {
        it->second.phase = Phase::Refused;
        it->second.head.clear();
        it->second.requestStartMs = m_clock.elapsed();
    }
    // Our readyRead slot runs before QtHttpServer's; detaching now keeps the parser from ever
    // seeing this request.
    detachParser(socket);
    if (socket->isTransactionStarted())
        socket->commitTransaction();
    socket->skip(socket->bytesAvailable());
    socket->write(http::rawClosingReply(status, code, message));
}

void GuardedTcpServer::forget(QTcpSocket *socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    const auto key = qMakePair(it->second.peer, it->second.peerPort);
    // A new connection may already reuse the same address and port: compare the pointer.
    if (m_byPeer.value(key) == socket)
        m_byPeer.remove(key);
    m_connections.erase(it);
}

void GuardedTcpServer::reap()
{
    // After TLS handshakes, at most once a reaper period (see trimFreedHeap()).
    if (m_tlsCompleted != m_tlsCompletedAtTrim) {
        m_tlsCompletedAtTrim = m_tlsCompleted;
        const double tookMs = trimFreedHeap();
        qCDebug(lcGuard) << "trimmed the heap after TLS handshakes in" << tookMs << "ms";
    }
    const qint64 now = m_clock.elapsed();
    std::vector<QTcpSocket *> toClose;
    std::vector<QTcpSocket *> toAbort;
    for (const auto &[socket, connection] : m_connections) {
        if (socket->state() != QAbstractSocket::ConnectedState
            && socket->state() != QAbstractSocket::ClosingState)
            continue;
        switch (connection.phase) {
        case Phase::Streaming:
            break;
        case Phase::Refused:
            if (now - connection.requestStartMs > RefusalLingerMs + m_limits.requestTimeoutMs)
                toAbort.push_back(socket);
            else if (now - connection.requestStartMs > RefusalLingerMs)
                toClose.push_back(socket);
            break;
        case Phase::AwaitingHead:
        case Phase::InBody:
            if (connection.requestStartMs >= 0) {
                if (now - connection.requestStartMs > m_limits.requestTimeoutMs) {
                    qCInfo(lcGuard) << "request never finished, closing" << connection.peer;
                    toAbort.push_back(socket);
                }
            } else if (m_limits.idleTimeoutMs > 0
                       && now - connection.lastActivityMs > m_limits.idleTimeoutMs) {
                toClose.push_back(socket);
            }
            break;
        }
    }
    // Closing emits disconnected synchronously: act only after the walk over the map.
    for (QTcpSocket *socket : toClose)
        socket->disconnectFromHost();
    for (QTcpSocket *socket : toAbort)
        socket->abort();
}

} // namespace confab
