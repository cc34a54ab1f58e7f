#pragma once
// The hub's listening socket. It creates every connection itself so that it can enforce what
// QtHttpServer 6.4 does not: a connection cap (503), a request-head size cap (431), a body cap
// checked from Content-Length before the body is buffered (413), no chunked request bodies (411),
// a deadline for a request to arrive whole, and an idle timeout for non-stream connections.
// It also finds a connection's socket by peer address and port (QtHttpServer 6.5+ hides it).
//
// With a TLS configuration set, one port serves both protocols: the first byte of a connection
// tells a TLS ClientHello (a handshake record, 0x16) from plain HTTP (a method's first letter).
// It is peeked at on the descriptor before any socket object exists, so no byte is lost; a TLS
// connection becomes a QSslSocket and reaches QtHttpServer only once its handshake has completed
// (as with QSslServer). A handshake that fails or does not finish in time is cut and counted.

#include "idlestreamwatcher.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>

#include <functional>
#include <unordered_map>
#include <vector>

class QSocketNotifier;
class QSslSocket;
class QTcpSocket;

namespace confab {

// Whether a connection's bytes may go straight to its descriptor (::send()): only plain TCP. A
// TLS connection's bytes must always go through its QSslSocket, which encrypts them; this is the
// one place that decides. (Parking an idle stream's read notifier is fine for both: it sends
// nothing and reads nothing itself.)
bool usesRawDescriptor(const QTcpSocket *socket);

class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    struct Limits
    {
        int maxConnections = 0;
        qint64 maxHeaderBytes = 0;
        qint64 maxBodyBytes = 0;
        int requestTimeoutMs = 0;
        int idleTimeoutMs = 0;
        int handshakeTimeoutMs = 0; // a TLS handshake must complete within this
    };

    explicit GuardedTcpServer(const Limits &limits, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    // Call after QtHttpServer's bind(): from then on each new connection also gets a readyRead
    // slot behind QtHttpServer's reader (see rememberUnread()).
    void followHttpServer();
    // Serve TLS too, on the same port (see above). Call before listen().
    void enableTls(const QSslConfiguration &configuration);

    // A complete request head asking for a WebSocket (`Upgrade: websocket`) takes the connection
    // away from QtHttpServer, whose upgrade handling differs from 6.4 to 6.8 and bypasses the
    // hub's router: the handler gets the socket with the head read off it, as a stream that
    // nobody else reads (its owner reads what the client sends). Unset: QtHttpServer decides.
    using UpgradeHandler = std::function<void(QTcpSocket *socket, const QByteArray &head)>;
    void setUpgradeHandler(UpgradeHandler handler) { m_upgradeHandler = std::move(handler); }
    // A complete request head whose request line starts with `prefix` (say
    // "PATCH /api/v2/uploads/") takes the connection away from QtHttpServer the same way, before
    // its body: QtHttpServer 6.4 would buffer the whole body, and the body cap would refuse it.
    // The handler gets the socket with the head read off it and the body still to come; from then
    // on the connection is the handler's (it reads the body, answers, and closes or aborts).
    void setStreamedBodyHandler(QByteArray prefix, UpgradeHandler handler)
    {
        m_streamedBodyPrefix = std::move(prefix);
        m_streamedBodyHandler = std::move(handler);
    }
    // A complete request head for which `isStream` holds (an event-stream GET) takes the
    // connection away from QtHttpServer the same way: QtHttpServer 6.4 would keep the parsed
    // request (its URL and header fields) for as long as the connection lives, about 300 bytes
    // of every idle subscriber. The guard keeps reading (and dropping) what the client sends.
    using HeadMatcher = std::function<bool(QByteArrayView head)>;
    void setStreamRequestHandler(HeadMatcher isStream, UpgradeHandler handler)
    {
        m_isStreamRequest = std::move(isStream);
        m_streamRequestHandler = std::move(handler);
    }

    // The connection now carries an event stream: never reaped, and anything the client sends
    // afterwards is read and discarded (QtHttpServer 6.4 would answer it into the stream).
    void markStreaming(QTcpSocket *socket);
    // Closes every connection that is not a stream (at shutdown).
    void closeIdleConnections();
    // Closes the connections still waiting for their first byte.
    void closeUndecided();
    QTcpSocket *findSocket(const QHostAddress &peer, quint16 peerPort) const;
    // Every open connection, including those not yet handed to QtHttpServer (waiting for their
    // first byte or their TLS handshake).
    int connectionCount() const { return int(m_connections.size()) + m_undecided; }
    qint64 refusedCount() const { return m_refused; }
    qint64 tlsHandshakesCompleted() const { return m_tlsCompleted; }
    qint64 tlsHandshakesFailed() const { return m_tlsFailed; }
    // Connections closed before they sent a single byte.
    qint64 silentClosedCount() const { return m_silentClosed; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    enum class Phase { AwaitingHead, InBody, Refused, Streaming };
    struct Connection
    {
        Phase phase = Phase::AwaitingHead;
        QByteArray head; // bytes of the current request head seen so far
        qint64 bodyRemaining = 0; // bytes of the current request body not seen yet
        qint64 seenUnread = 0; // bytes already inspected that the parser left in the buffer
        qint64 requestStartMs = -1; // -1: between requests
        qint64 lastActivityMs = 0;
        QHostAddress peer;
        quint16 peerPort = 0;
        QMetaObject::Connection afterParser; // rememberUnread(), kept behind QtHttpServer's reader
        bool ownReader = false; // a WebSocket: its owner reads the client's bytes, not us
    };
    // Hands an upgrade request's connection to m_upgradeHandler; false (stop scanning) always.
    // `ownReader`: the handler reads the client's bytes from now on (else the guard drops them).
    bool takeUpgrade(QTcpSocket *socket, Connection &connection, const UpgradeHandler &handler,
                     bool ownReader = true);

    // Waits for a connection's first byte, then hands it to acceptPlain() or startTls().
    void sniff(qintptr descriptor);
    void acceptPlain(qintptr descriptor);
    void startTls(qintptr descriptor);
    void tlsFailed(QSslSocket *socket, const QString &why);
    // Hands a connection to QtHttpServer, with the guard's bookkeeping in front of its reader.
    void admit(QTcpSocket *socket);
    bool atCapacity() const;
    void inspectNewBytes(QTcpSocket *socket);
    void rememberUnread(QTcpSocket *socket);
    // Returns false when the request was refused.
    bool scanBytes(QTcpSocket *socket, Connection &connection, QByteArrayView bytes);
    bool checkHead(QTcpSocket *socket, Connection &connection);
    void refuse(QTcpSocket *socket, int status, QLatin1StringView code, const QString &message);
    void detachParser(QTcpSocket *socket);
    void forget(QTcpSocket *socket);
    void connectAfterParser();
    void reap();
    // Parks a stream socket's read notifier once the current handler has returned.
    void parkLater(QTcpSocket *socket);

    Limits m_limits;
    std::unordered_map<QTcpSocket *, Connection> m_connections;
    QHash<QPair<QHostAddress, quint16>, QTcpSocket *> m_byPeer;
    std::vector<QTcpSocket *> m_newSockets; // accepted, waiting for the parser to attach
    QElapsedTimer m_clock;
    QTimer m_reaper;
    IdleStreamWatcher m_idleStreams;
    qint64 m_refused = 0;
    bool m_tls = false;
    QSslConfiguration m_tlsConfiguration;
    int m_undecided = 0; // connections waiting for their first byte or their TLS handshake
    // Connections waiting for their first byte: no socket object owns these descriptors yet.
    std::unordered_map<qintptr, QSocketNotifier *> m_sniffing;
    qint64 m_tlsCompleted = 0;
    qint64 m_tlsFailed = 0;
    qint64 m_silentClosed = 0;
    qint64 m_tlsCompletedAtTrim = 0; // handshakes done when the reaper last trimmed the heap
    UpgradeHandler m_upgradeHandler;
    QByteArray m_streamedBodyPrefix;
    UpgradeHandler m_streamedBodyHandler;
    HeadMatcher m_isStreamRequest;
    UpgradeHandler m_streamRequestHandler;
};

} // namespace confab
