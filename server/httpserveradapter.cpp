#include "httpserveradapter.h"

#include "websocketframes.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QtGlobal>

#include <deque>
#include <optional>

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#include <QHttpHeaders>
#endif

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

Q_LOGGING_CATEGORY(lcHttp, "confab.hub.http")

namespace confab {

namespace {

// The route handler's responder parameter: an rvalue reference up to 6.7, an lvalue from 6.8.
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
using ResponderParameter = QHttpServerResponder &;
#else
using ResponderParameter = QHttpServerResponder &&;
#endif

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Put:
        return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Delete:
        return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Post:
        return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Head:
        return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch:
        return QByteArrayLiteral("PATCH");
    default:
        return QByteArrayLiteral("OTHER");
    }
}

HttpRequest toHttpRequest(const QHttpServerRequest &request)
{
    HttpRequest out;
    out.method = methodName(request.method());
    out.path = request.url().path(QUrl::FullyDecoded);
    out.query = request.query();
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    for (const auto &[name, value] : request.headers().toListOfPairs())
        out.headers.append(qMakePair(name, value));
#else
    out.headers = request.headers();
#endif
    out.body = request.body();
    out.peer = request.remoteAddress();
    return out;
}

QTcpSocket *socketOf(const QHttpServerRequest &request, QHttpServerResponder &responder,
                     GuardedTcpServer *guard)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    Q_UNUSED(responder);
    return guard->findSocket(request.remoteAddress(), request.remotePort());
#else
    Q_UNUSED(request);
    Q_UNUSED(guard);
    return responder.socket();
#endif
}

// A stream closed gracefully whose client does not take the queued bytes is cut after this long.
constexpr int ClosingStreamTimeoutMs = 30000;

#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
// From 6.5 on, QtHttpServer's per-connection object (QHttpServerStream, from 6.8
// QHttpServerHttp1ProtocolHandler) owns the socket, and when a held responder is destroyed while
// the socket is not connected, its responderDestroyed() deletes that object, and the socket with
// it, at the next event-loop turn. A socket closed with disconnectFromHost() is in ClosingState
// until Qt's write buffer is empty, so destroying the responder then throws away whatever is still
// queued, such as the final `bye`. (6.4's responder is inert and its QHttpServer deletes a socket
// only once it has disconnected.) This holds the responder until the socket has disconnected.
class ClosingResponder : public QObject
{
public:
    ClosingResponder(std::unique_ptr<QHttpServerResponder> responder, QTcpSocket *socket,
                     QObject *parent)
        : QObject(parent)
        , m_responder(std::move(responder))
    {
        connect(socket, &QAbstractSocket::disconnected, this, &QObject::deleteLater);
    }

private:
    std::unique_ptr<QHttpServerResponder> m_responder;
};
#endif

// The request's responder, kept by a stream as the lock on its connection: from 6.5 on,
// QtHttpServer reads no further requests on a connection while its responder lives. 6.4's
// responder is inert (it holds the request and the socket, and its destructor does nothing), so
// there it is not kept: two allocations less for every idle stream.
std::unique_ptr<QHttpServerResponder> heldResponder(QHttpServerResponder *responder)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    return std::make_unique<QHttpServerResponder>(std::move(*responder));
#else
    Q_UNUSED(responder);
    return nullptr;
#endif
}

// Whether a request head asks for an event stream: `GET /api/v2/events` or
// `GET /api/v1/rooms/{room}/events`, with or without a query. Only the request line is read; the
// router checks everything else as for any request.
bool isEventStreamRequest(QByteArrayView head)
{
    if (!head.startsWith("GET "))
        return false;
    QByteArrayView target = head.sliced(4);
    target = target.first(std::max<qsizetype>(0, target.indexOf(' ')));
    if (const qsizetype query = target.indexOf('?'); query >= 0)
        target = target.first(query);
    if (target == "/api/v2/events")
        return true;
    constexpr QByteArrayView RoomsPrefix("/api/v1/rooms/");
    constexpr QByteArrayView EventsSuffix("/events");
    if (!target.startsWith(RoomsPrefix) || !target.endsWith(EventsSuffix))
        return false;
    const QByteArrayView room = target.sliced(
        RoomsPrefix.size(), target.size() - RoomsPrefix.size() - EventsSuffix.size());
    return !room.isEmpty() && !room.contains('/');
}

} // namespace

// How long an answered upload's connection is read and drained before it is closed, and how long
// the close may take after that before the connection is cut.
constexpr int UnreadBodyDrainMs = 2000;
constexpr int UnreadBodyCloseMs = 5000;

void http::closeAfterUnreadBody(QTcpSocket *socket)
{
    // Every reader goes (the upload's, the guard's, which ignores a taken connection anyway).
    QObject::disconnect(socket, &QIODevice::readyRead, nullptr, nullptr);
    socket->skip(socket->bytesAvailable());
    QObject::connect(socket, &QIODevice::readyRead, socket,
                     [socket] { socket->skip(socket->bytesAvailable()); });
    QTimer::singleShot(UnreadBodyDrainMs, socket, [socket] { socket->disconnectFromHost(); });
    QTimer::singleShot(UnreadBodyDrainMs + UnreadBodyCloseMs, socket,
                       [socket] { socket->abort(); });
}

// --- EventStream -------------------------------------------------------------------------------

EventStream::EventStream(std::unique_ptr<QHttpServerResponder> responder, QTcpSocket *socket,
                         QObject *closingOwner, Kind kind)
    : m_responder(std::move(responder))
    , m_socket(socket)
    , m_closingOwner(closingOwner)
    , m_kind(kind)
{
#ifdef Q_OS_UNIX
    // Only a plain connection gets the fast path: a TLS stream's bytes go through its QSslSocket.
    // A WebSocket's neither: its reader answers pings through Qt's buffer, and frames must not
    // interleave.
    if (usesRawDescriptor(socket) && kind == Kind::EventSource) {
        m_descriptor = socket->socketDescriptor();
        m_qtBuffered = socket->bytesToWrite() > 0;
    }
#endif
}

EventStream::~EventStream()
{
    // Closing gracefully (disconnectFromHost() with bytes still queued): the close completes after
    // this object is gone. A client that never reads would keep the socket open, so it gets a
    // deadline.
    if (!m_socket || m_socket->state() != QAbstractSocket::ClosingState)
        return;
    QTcpSocket *socket = m_socket;
    QTimer::singleShot(ClosingStreamTimeoutMs, socket, [socket] { socket->abort(); });
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    if (m_responder && m_closingOwner)
        new ClosingResponder(std::move(m_responder), socket, m_closingOwner);
#endif
}

EventStream::EventStream(EventStream &&) noexcept = default;
EventStream &EventStream::operator=(EventStream &&) noexcept = default;

bool EventStream::isOpen() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

qint64 EventStream::unsentBytes() const
{
    if (m_descriptor >= 0 && !m_qtBuffered)
        return 0;
    // For a TLS stream this counts both the bytes waiting to be encrypted and the encrypted ones
    // waiting for the kernel.
    return m_socket ? m_socket->bytesToWrite() : 0;
}

void EventStream::write(const QByteArray &chunk)
{
#ifdef Q_OS_UNIX
    // Fast path: with nothing queued in Qt, hand the bytes straight to the kernel. This skips a
    // write-notifier round trip through the event loop per subscriber, which dominates fan-out
    // cost with many subscribers, and reads no Qt state (a fan-out to 1000 subscribers spent
    // about 5 % of the hub's core in cache misses on state() and bytesToWrite()). Order is kept:
    // it is only used while Qt holds no unsent bytes of this stream.
    // The descriptor cannot have been reused: Qt closes it only in abort() or on a disconnect,
    // and both emit disconnected(), which takes the stream out of the fan-out first.
    if (m_qtBuffered && m_socket && m_socket->bytesToWrite() == 0)
        m_qtBuffered = false;
    if (m_descriptor >= 0 && !m_qtBuffered) {
        const ssize_t sent = ::send(int(m_descriptor), chunk.constData(), size_t(chunk.size()),
                                    MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent == chunk.size())
            return;
        if (!isOpen())
            return;
        m_qtBuffered = true;
        if (sent > 0) {
            m_socket->write(chunk.constData() + sent, chunk.size() - sent);
            return;
        }
        // EAGAIN or an error: Qt queues the bytes and reports any error its usual way.
    }
#endif
    if (!isOpen())
        return;
    // The socket's write buffer keeps a reference to the shared bytes, not a copy.
    m_socket->write(chunk);
}

void EventStream::finish()
{
    if (m_kind == Kind::WebSocket) {
        write(ws::closeFrame(ws::CloseGoingAway));
        return;
    }
    // The hub writes the stream's head and chunk framing itself on every Qt version, so the
    // chunked body's last chunk is ours to write too (Qt's responder never began a chunked body).
    write(QByteArrayLiteral("0\r\n\r\n"));
}

void EventStream::abort()
{
    if (m_socket)
        m_socket->abort();
}

QByteArray EventStream::frameChunk(QByteArrayView payload)
{
    QByteArray chunk;
    chunk.reserve(payload.size() + 16);
    chunk += QByteArray::number(payload.size(), 16);
    chunk += "\r\n";
    chunk += payload;
    chunk += "\r\n";
    return chunk;
}

// --- DeferredReply -----------------------------------------------------------------------------

// The answers of one connection that wait for an earlier, deferred one, in request order. A child
// of the socket, so it goes with the connection: made by the connection's first deferred answer
// (a publishing client's connection), it stays, empty between requests.
class AnswerQueue : public QObject
{
public:
    explicit AnswerQueue(QTcpSocket *socket)
        : QObject(socket)
        , m_socket(socket)
    {
        setObjectName(name());
    }

    // Found by its name: it has no meta-object of its own for findChild<>() to tell it apart.
    static AnswerQueue *of(QTcpSocket *socket)
    {
        return static_cast<AnswerQueue *>(
            socket->findChild<QObject *>(name(), Qt::FindDirectChildrenOnly));
    }
    // A place for an answer not made yet; its number for fill().
    std::size_t reserve()
    {
        m_answers.emplace_back();
        return m_first + m_answers.size() - 1;
    }
    // A ready answer behind those waiting.
    void append(QByteArray bytes)
    {
        m_answers.emplace_back(std::move(bytes));
        flush();
    }
    void fill(std::size_t slot, QByteArray bytes)
    {
        if (slot < m_first || slot - m_first >= m_answers.size())
            return;
        m_answers[slot - m_first] = std::move(bytes);
        flush();
    }

private:
    static QString name() { return QStringLiteral("confab-answer-queue"); }
    // Writes the ready answers at the front.
    void flush()
    {
        while (!m_answers.empty() && m_answers.front()) {
            m_socket->write(*m_answers.front());
            m_answers.pop_front();
            ++m_first;
        }
    }

    QTcpSocket *m_socket;
    std::deque<std::optional<QByteArray>> m_answers;
    std::size_t m_first = 0; // the slot number of m_answers.front()
};

DeferredReply::DeferredReply(AnswerQueue *queue, std::size_t slot)
    : m_queue(queue)
    , m_slot(slot)
{ }

DeferredReply::~DeferredReply()
{
    if (!m_sent)
        send(HttpReply::error(503, QLatin1StringView("shutting_down"),
                              QStringLiteral("The hub stopped before it could answer.")));
}

void DeferredReply::send(const HttpReply &reply)
{
    if (m_sent)
        return;
    m_sent = true;
    if (m_queue)
        m_queue->fill(m_slot, http::serializeReply(reply));
}

// --- PendingResponse ---------------------------------------------------------------------------

PendingResponse::PendingResponse(QHttpServerResponder *responder, QTcpSocket *socket,
                                 GuardedTcpServer *guard, Source source)
    : m_responder(responder)
    , m_socket(socket)
    , m_guard(guard)
    , m_source(source)
{ }

QTcpSocket *PendingResponse::takeBodySocket()
{
    if (m_answered || m_source != Source::StreamedBody)
        return nullptr;
    m_answered = true;
    return m_socket;
}

std::unique_ptr<EventStream> PendingResponse::startRawStream(const QByteArray &head)
{
    if (m_answered || !m_socket || !m_responder)
        return nullptr;
    m_answered = true;
    // As startStream(): the guard stops parsing the connection, and the responder is held as the
    // lock on it (6.5+); the body goes through the stream's fast path.
    m_guard->markStreaming(m_socket);
    auto stream = std::make_unique<EventStream>(heldResponder(m_responder), m_socket, m_guard);
    stream->write(head);
    return stream;
}

void PendingResponse::reply(const HttpReply &reply)
{
    if (m_answered)
        return;
    m_answered = true;
    // Our own bytes on every Qt version, straight to the socket (see http::serializeReply for why
    // not through the responder). QtHttpServer writes nothing for a request whose responder
    // stays unused, and it parses the connection's next request only after the handler returns,
    // so the answers of pipelined requests keep their order.
    if (!m_socket) {
        qCWarning(lcHttp) << "no socket for a request: answer dropped";
        return;
    }
    if (m_source != Source::HttpServer) {
        // No WebSocket or streamed body: an HTTP answer, and the connection ends (it left
        // QtHttpServer).
        HttpReply closing = reply;
        closing.headers.append(
            qMakePair(QByteArrayLiteral("Connection"), QByteArrayLiteral("close")));
        m_socket->write(http::serializeReply(closing));
        if (m_source == Source::StreamedBody)
            http::closeAfterUnreadBody(m_socket);
        else
            m_socket->disconnectFromHost();
        return;
    }
    // Behind a deferred answer of an earlier request on this connection, if there is one.
    if (AnswerQueue *queue = AnswerQueue::of(m_socket))
        queue->append(http::serializeReply(reply));
    else
        m_socket->write(http::serializeReply(reply));
}

std::unique_ptr<DeferredReply> PendingResponse::defer()
{
    if (m_answered || !m_socket || m_source != Source::HttpServer)
        return nullptr;
    m_answered = true;
    AnswerQueue *queue = AnswerQueue::of(m_socket);
    if (!queue)
        queue = new AnswerQueue(m_socket);
    return std::make_unique<DeferredReply>(queue, queue->reserve());
}

std::unique_ptr<EventStream> PendingResponse::acceptWebSocket(const QByteArray &key,
                                                              const QByteArray &firstFrames)
{
    if (m_answered || !m_socket || !isWebSocketUpgrade())
        return nullptr;
    m_answered = true;
    const QByteArray head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\nSec-WebSocket-Accept: "
        + ws::acceptKey(key) + "\r\n\r\n";
    auto stream
        = std::make_unique<EventStream>(nullptr, m_socket, m_guard, EventStream::Kind::WebSocket);
    stream->write(head + firstFrames);
    new ws::ClientReader(m_socket);
    return stream;
}

std::unique_ptr<EventStream> PendingResponse::startStream(const HttpHeaders &extraHeaders,
                                                          const QByteArray &firstPayload)
{
    if (m_answered || !m_socket || (!m_responder && m_source != Source::EventStream))
        return nullptr;
    m_answered = true;
    m_guard->markStreaming(m_socket);
    // The same bytes on every Qt version, written by us like every answer: the head and the first
    // chunk in one send through the stream's fast path, so that no Qt write buffer is allocated
    // for an idle stream. Not through 6.8's writeBeginChunked()/writeChunk(): four socket writes
    // per event and subscriber, each through Qt's write buffer and notifier; with those, hubbench
    // on 6.8 delivered about a third as much per hub CPU second and an idle subscriber cost
    // 21 KiB instead of 13 (tests/bench/README.md). The connection is HTTP/1.1 on every version:
    // the hub's TLS offers no ALPN, so 6.8 never negotiates HTTP/2 on it. The responder is held
    // only as the lock on the connection: from 6.5 on, QtHttpServer reads no further requests on it
    // while the responder lives; 6.4's is inert.
    QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                      "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n";
    for (const auto &[name, value] : extraHeaders)
        head += name + ": " + value + "\r\n";
    head += "\r\n" + EventStream::frameChunk(firstPayload);
    // A connection the guard took has no responder: QtHttpServer never saw the request.
    auto stream = std::make_unique<EventStream>(m_responder ? heldResponder(m_responder) : nullptr,
                                                m_socket, m_guard);
    stream->write(head);
    return stream;
}

// --- HttpServerAdapter -------------------------------------------------------------------------

HttpServerAdapter::HttpServerAdapter(const GuardedTcpServer::Limits &limits, Handler handler,
                                     QObject *parent)
    : QObject(parent)
    , m_tcpServer(new GuardedTcpServer(limits, this))
    , m_httpServer(std::make_unique<QHttpServer>())
    , m_handler(std::move(handler))
{
    // One catch-all route: the hub routes by itself, so that 404 and 405 answers are its own
    // JSON errors with an Allow header.
    const auto route
        = [this](const QUrl &, const QHttpServerRequest &request, ResponderParameter responder) {
              QTcpSocket *socket = socketOf(request, responder, m_tcpServer);
              PendingResponse pending(&responder, socket, m_tcpServer);
              HttpRequest ours = toHttpRequest(request);
              ours.encrypted = socket && !usesRawDescriptor(socket);
              m_handler(ours, pending);
              if (!pending.answered())
                  pending.reply(HttpReply::error(500, QLatin1StringView("internal"),
                                                 QStringLiteral("No answer was produced.")));
          };
    m_httpServer->route(QStringLiteral("/<arg>"), route);
    m_tcpServer->setUpgradeHandler([this](QTcpSocket *socket, const QByteArray &head) {
        handleUpgrade(socket, head, PendingResponse::Source::Upgrade);
    });
    // Event streams (docs/protocol.md): taken before QtHttpServer parses them, so that an idle
    // subscriber costs no parsed request kept by QtHttpServer (see setStreamRequestHandler).
    m_tcpServer->setStreamRequestHandler(
        isEventStreamRequest, [this](QTcpSocket *socket, const QByteArray &head) {
            handleUpgrade(socket, head, PendingResponse::Source::EventStream);
        });
    // tus PATCH bodies (docs/protocol.md "Files"): any size, written to disk as they arrive.
    m_tcpServer->setStreamedBodyHandler(QByteArrayLiteral("PATCH /api/v2/uploads/"),
                                        [this](QTcpSocket *socket, const QByteArray &head) {
                                            handleUpgrade(socket, head,
                                                          PendingResponse::Source::StreamedBody);
                                        });
}

void HttpServerAdapter::handleUpgrade(QTcpSocket *socket, const QByteArray &head,
                                      PendingResponse::Source source)
{
    // The guard checked the head's size; this reads the request line and the header fields.
    HttpRequest request;
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    const QUrl url(QString::fromLatin1(requestLine.value(1)));
    request.method = requestLine.value(0);
    request.path = url.path(QUrl::FullyDecoded);
    request.query = QUrlQuery(url);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            request.headers.append(
                qMakePair(line.left(colon).trimmed(), line.mid(colon + 1).trimmed()));
    }
    request.peer = socket->peerAddress();
    request.encrypted = !usesRawDescriptor(socket);
    PendingResponse pending(nullptr, socket, m_tcpServer, source);
    if (requestLine.size() != 3 || !url.isValid() || !request.path.startsWith(QLatin1Char('/')))
        pending.reply(HttpReply::error(400, QLatin1StringView("bad_request"),
                                       QStringLiteral("Malformed request line.")));
    else
        m_handler(request, pending);
    if (!pending.answered())
        pending.reply(HttpReply::error(500, QLatin1StringView("internal"),
                                       QStringLiteral("No answer was produced.")));
}

HttpServerAdapter::~HttpServerAdapter()
{
    // Owners destroy their EventStreams (the held responders) before this runs. Then the
    // listening server and its sockets go first, while QtHttpServer can still clean up after them.
    delete m_tcpServer;
    m_tcpServer = nullptr;
    m_httpServer.reset();
}

void HttpServerAdapter::enableTls(const QSslConfiguration &configuration)
{
    m_tcpServer->enableTls(configuration);
}

bool HttpServerAdapter::listen(const QHostAddress &address, quint16 port, QString *errorMessage)
{
    m_tcpServer->setListenBacklogSize(1024);
    if (!m_tcpServer->listen(address, port)) {
        if (errorMessage)
            *errorMessage = m_tcpServer->errorString();
        return false;
    }
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    if (!m_httpServer->bind(m_tcpServer)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("QHttpServer::bind failed");
        return false;
    }
#else
    m_httpServer->bind(m_tcpServer);
#endif
    m_tcpServer->followHttpServer();
    qCDebug(lcHttp) << "listening on" << m_tcpServer->serverAddress() << m_tcpServer->serverPort();
    return true;
}

quint16 HttpServerAdapter::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

void HttpServerAdapter::stopListening()
{
    if (!m_tcpServer)
        return;
    m_tcpServer->close();
    m_tcpServer->closeIdleConnections();
}

int HttpServerAdapter::connectionCount() const
{
    return m_tcpServer ? m_tcpServer->connectionCount() : 0;
}

qint64 HttpServerAdapter::refusedCount() const
{
    return m_tcpServer ? m_tcpServer->refusedCount() : 0;
}

} // namespace confab
