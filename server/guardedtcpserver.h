#pragma once
// The hub's listening socket. It creates every connection itself so that it can enforce what
// QtHttpServer 6.4 does not: a connection cap (503), a request-head size cap (431), a body cap
// checked from Content-Length before the body is buffered (413), no chunked request bodies (411),
// a deadline for a request to arrive whole, and an idle timeout for non-stream connections.
// It also finds a connection's socket by peer address and port (QtHttpServer 6.5+ hides it).

#include "idlestreamwatcher.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QTcpServer>
#include <QTimer>

#include <unordered_map>
#include <vector>

class QTcpSocket;

namespace confab {

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
    };

    explicit GuardedTcpServer(const Limits &limits, QObject *parent = nullptr);
    ~GuardedTcpServer() override;

    // Call after QtHttpServer's bind(): from then on each new connection also gets a readyRead
    // slot behind QtHttpServer's reader (see rememberUnread()).
    void followHttpServer();

    // The connection now carries an event stream: never reaped, and anything the client sends
    // afterwards is read and discarded (QtHttpServer 6.4 would answer it into the stream).
    void markStreaming(QTcpSocket *socket);
    // Closes every connection that is not a stream (at shutdown).
    void closeIdleConnections();
    QTcpSocket *findSocket(const QHostAddress &peer, quint16 peerPort) const;
    int connectionCount() const { return int(m_connections.size()); }
    qint64 refusedCount() const { return m_refused; }

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
    };

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
};

} // namespace confab
