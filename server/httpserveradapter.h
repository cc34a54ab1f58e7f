#pragma once
// The one place that knows QtHttpServer's version differences (6.4 ... 6.8+): the handler's
// responder parameter, the request's header type, finding a request's socket, keeping a closing
// stream's responder alive, and bind()'s result. Everything else in the hub sees HttpRequest /
// HttpReply / EventStream only. QtHttpServer parses and routes; GuardedTcpServer owns the sockets,
// and the adapter writes every answer and stream byte itself, the same bytes on every version.
//
// Each QT_VERSION branch is compiled by CI: the "< 6.5" / "< 6.8" ones by Debian 12 (Qt 6.4.2),
// the ">= 6.5" / ">= 6.8" ones by packaging/check-qt-newer.sh (Debian 13, Qt 6.8.2). Qt 6.5 to 6.7
// take the 6.4 side of the 6.8 checks and the 6.8 side of the 6.5 checks; their headers (tags
// v6.5.0 to v6.7.3 of qt/qthttpserver) declare what those branches use with the same signatures:
// a route handler taking `QHttpServerResponder &&`, `QList<QPair<QByteArray, QByteArray>>
// headers()`, `remotePort()`, `void bind(QTcpServer *)`, and the responder's move constructor.

#include "guardedtcpserver.h"
#include "httpmessage.h"

#include <QObject>
#include <QPointer>
#include <QTcpSocket>

#include <functional>
#include <memory>

class QHttpServer;
class QHttpServerResponder;
class QTcpSocket;

namespace confab {

// One event stream held open: a `text/event-stream` answer, or a WebSocket (GET /api/v2/ws) that
// carries the same events as text frames. Destroy it before the adapter.
// Closing it gracefully is the socket's disconnectFromHost(): the stream object may be destroyed
// right after, and what is still queued (a final `bye`) reaches the client all the same.
class EventStream
{
public:
    // `closingOwner` keeps what must outlive a gracefully closing stream (see the destructor);
    // it must be destroyed before the QHttpServer.
    enum class Kind { EventSource, WebSocket };
    EventStream(std::unique_ptr<QHttpServerResponder> responder, QTcpSocket *socket,
                QObject *closingOwner, Kind kind = Kind::EventSource);
    ~EventStream();
    EventStream(const EventStream &) = delete;
    EventStream &operator=(const EventStream &) = delete;
    // Movable, so that the fan-out can keep its streams side by side in one array.
    EventStream(EventStream &&) noexcept;
    EventStream &operator=(EventStream &&) noexcept;

    bool isOpen() const;
    qint64 unsentBytes() const;
    // `chunk` comes from frameChunk(): the same bytes can go to every stream.
    void write(const QByteArray &chunk);
    // Ends the chunked body (the zero-length last chunk) before a graceful close. Without it a
    // browser sees a truncated body, and Chromium then may drop the last event it read with the
    // close (the `bye`). A WebSocket gets a close frame (1001, going away) instead.
    void finish();
    bool isWebSocket() const { return m_kind == Kind::WebSocket; }
    // Whether write() leaves the bytes in Qt's buffer, to reach the kernel only in a later
    // event-loop turn (a TLS stream encrypts them then; a WebSocket's go through Qt too): the
    // fan-out flushes those streams once its walk is done.
    bool writesThroughQt() const { return m_descriptor < 0; }
    void abort();
    QTcpSocket *socket() const { return m_socket; }

    // HTTP chunked framing of an event-stream payload.
    static QByteArray frameChunk(QByteArrayView payload);

private:
    std::unique_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket;
    QObject *m_closingOwner = nullptr;
    // The fast path's own view of the socket, so that a write touches no Qt object: the
    // descriptor, and whether Qt's write buffer may still hold bytes of ours (then order
    // requires going through it).
    qintptr m_descriptor = -1;
    bool m_qtBuffered = false;
    Kind m_kind = Kind::EventSource;
};

class AnswerQueue;

// An answer given after the handler has returned (a post waiting for its group commit). The
// connection's answers keep the order of its requests: an answer to a later request on the same
// connection (pipelined) waits until this one is sent. Destroyed unsent, it answers 503.
class DeferredReply
{
public:
    DeferredReply(AnswerQueue *queue, std::size_t slot);
    ~DeferredReply();
    DeferredReply(const DeferredReply &) = delete;
    DeferredReply &operator=(const DeferredReply &) = delete;
    // The first call answers; later ones do nothing. Nothing happens when the client has gone.
    void send(const HttpReply &reply);

private:
    QPointer<AnswerQueue> m_queue;
    std::size_t m_slot = 0;
    bool m_sent = false;
};

// A request being answered; valid only during the handler call.
class PendingResponse
{
public:
    // Where the request came from: QtHttpServer (with its responder), or the guard, which took
    // the connection away for a WebSocket upgrade, for a body the handler streams itself, or for
    // an event stream (GuardedTcpServer::setStreamRequestHandler).
    enum class Source { HttpServer, Upgrade, StreamedBody, EventStream };
    // `responder` is null unless `source` is HttpServer.
    PendingResponse(QHttpServerResponder *responder, QTcpSocket *socket, GuardedTcpServer *guard,
                    Source source = Source::HttpServer);
    // To an upgrade request: the answer, then the connection closes.
    void reply(const HttpReply &reply);
    // Sends the event-stream head plus `firstPayload` and hands the connection over to the caller.
    // nullptr for an upgrade request. Any other answer to an event-stream request the guard took
    // (a refusal) closes the connection after it, as for an upgrade.
    std::unique_ptr<EventStream> startStream(const HttpHeaders &headers,
                                             const QByteArray &firstPayload);
    // The request asked for a WebSocket (`Upgrade: websocket`).
    bool isWebSocketUpgrade() const { return m_source == Source::Upgrade; }
    // A request whose body is still on the socket, unread (GuardedTcpServer's streamed body): the
    // caller takes the connection (reads the body, answers, closes). nullptr for any other
    // request, or once answered.
    QTcpSocket *takeBodySocket();
    // Answers with `head` (status line and headers, the blank line included) and hands the
    // connection over for a body the caller writes (a file download); the connection carries
    // nothing else afterwards and is closed by the caller. nullptr unless from QtHttpServer.
    std::unique_ptr<EventStream> startRawStream(const QByteArray &head);
    // Answers an upgrade request with 101 for the client's Sec-WebSocket-Key, then sends
    // `firstFrames`; the connection is the caller's from then on. nullptr if not an upgrade.
    std::unique_ptr<EventStream> acceptWebSocket(const QByteArray &key,
                                                 const QByteArray &firstFrames);
    // The answer comes later, through the returned object (a plain HTTP request only; nullptr
    // otherwise, or once answered). The request counts as answered from now on.
    std::unique_ptr<DeferredReply> defer();
    bool answered() const { return m_answered; }

private:
    QHttpServerResponder *m_responder;
    QTcpSocket *m_socket;
    GuardedTcpServer *m_guard;
    Source m_source = Source::HttpServer;
    bool m_answered = false;
};

namespace http {
// For a connection the hub took over whose request body the client may still be sending (an
// upload answered early, or cut): reads and drops what arrives, and closes once the client has
// closed or after a short while. Closing at once, with the client's bytes unread, makes the
// kernel send a reset, which can destroy the answer before the client reads it.
void closeAfterUnreadBody(QTcpSocket *socket);
} // namespace http

class HttpServerAdapter : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpRequest &, PendingResponse &)>;

    HttpServerAdapter(const GuardedTcpServer::Limits &limits, Handler handler,
                      QObject *parent = nullptr);
    ~HttpServerAdapter() override;

    // Serve TLS on the same port as plain HTTP (GuardedTcpServer::enableTls). Before listen().
    void enableTls(const QSslConfiguration &configuration);
    bool listen(const QHostAddress &address, quint16 port, QString *errorMessage);
    quint16 port() const;
    // Stops accepting and closes every connection that is not an event stream.
    void stopListening();
    int connectionCount() const;
    qint64 refusedCount() const;
    // The connection guard's counters (TLS handshakes, silent connections).
    const GuardedTcpServer *connections() const { return m_tcpServer; }

private:
    // An upgrade request the guard took off QtHttpServer: routed like any other request.
    void handleUpgrade(QTcpSocket *socket, const QByteArray &head, PendingResponse::Source source);

    // Our child until bind(), then the QHttpServer's (QAbstractHttpServer::bind() re-parents it,
    // on 6.4 as on 6.8); either way the destructor deletes it before the QHttpServer.
    GuardedTcpServer *m_tcpServer = nullptr;
    std::unique_ptr<QHttpServer> m_httpServer;
    Handler m_handler;
};

} // namespace confab
