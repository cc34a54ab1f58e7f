#pragma once
// A tiny HTTP server on 127.0.0.1 for client tests: each connection to a path plays a script
// (send bytes, wait, close, reset), so that a test can stage slow chunks, abrupt ends, odd
// statuses, redirects, silence and endless lines against the real client over real sockets.

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QUrl>
#include <memory>
#include <vector>

class QTcpSocket;

namespace confab::test {

class ScriptedServer : public QObject
{
    Q_OBJECT
public:
    struct Step
    {
        enum class Kind { Send, Wait, Close, Abort, Hold };
        Kind kind = Kind::Send;
        QByteArray bytes;
        int ms = 0;
    };
    using Script = QList<Step>;

    static Step send(const QByteArray &bytes) { return {Step::Kind::Send, bytes, 0}; }
    static Step wait(int ms) { return {Step::Kind::Wait, {}, ms}; }
    static Step close() { return {Step::Kind::Close, {}, 0}; }
    static Step abort() { return {Step::Kind::Abort, {}, 0}; } // TCP reset
    static Step hold() { return {Step::Kind::Hold, {}, 0}; } // stay open and silent

    // A response head for a body that runs until the connection closes (no length, no chunks).
    static QByteArray head(int status = 200, const QByteArray &contentType = "text/event-stream",
                           const QByteArray &extraHeaders = {});
    static QByteArray chunk(const QByteArray &bytes); // HTTP/1.1 chunked framing of one chunk

    struct Request
    {
        QByteArray method;
        QByteArray path;
        QHash<QByteArray, QByteArray> headers; // names in lower case
        qint64 receivedAtMs = 0; // since the server started
    };

    explicit ScriptedServer(QObject *parent = nullptr);
    ~ScriptedServer() override;

    bool listen();
    quint16 port() const;
    QUrl url(const QString &path) const;

    // The nth connection to `path` plays scripts[n]; the last script repeats after that.
    void setScripts(const QByteArray &path, const QList<Script> &scripts);
    QList<Request> requests(const QByteArray &path = {}) const;
    int connectionCount(const QByteArray &path) const;

signals:
    void requestReceived(const QByteArray &path);

private:
    struct Connection;
    void onNewConnection();
    void onReadyRead(Connection *connection);
    void runNextStep(Connection *connection);
    void forget(Connection *connection);

    QTcpServer m_server;
    QHash<QByteArray, QList<Script>> m_scripts;
    QList<Request> m_requests;
    std::vector<std::unique_ptr<Connection>> m_connections;
    qint64 m_startedAtMs = 0;
};

} // namespace confab::test
