#include "scriptedserver.h"

#include <QDateTime>
#include <QTcpSocket>
#include <QTimer>
#include <algorithm>

namespace confab::test {

namespace {

constexpr int MaxRequestHeadBytes = 64 * 1024;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 307:
        return "Temporary Redirect";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 500:
        return "Internal Server Error";
    default:
        return "Status";
    }
}

} // namespace

struct ScriptedServer::Connection
{
    QPointer<QTcpSocket> socket;
    QByteArray requestBuffer;
    bool headComplete = false;
    ScriptedServer::Script script;
    qsizetype nextStep = 0;
    QTimer stepTimer;
};

QByteArray ScriptedServer::head(int status, const QByteArray &contentType,
                                const QByteArray &extraHeaders)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    out += "Cache-Control: no-cache\r\nConnection: close\r\n";
    out += extraHeaders;
    out += "\r\n";
    return out;
}

QByteArray ScriptedServer::chunk(const QByteArray &bytes)
{
    return QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n";
}

ScriptedServer::ScriptedServer(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &ScriptedServer::onNewConnection);
}

ScriptedServer::~ScriptedServer()
{
    for (const auto &connection : m_connections) {
        connection->stepTimer.stop();
        if (connection->socket)
            connection->socket->abort();
    }
}

bool ScriptedServer::listen()
{
    m_startedAtMs = nowMs();
    return m_server.listen(QHostAddress::LocalHost, 0);
}

quint16 ScriptedServer::port() const
{
    return m_server.serverPort();
}

QUrl ScriptedServer::url(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path));
}

void ScriptedServer::setScripts(const QByteArray &path, const QList<Script> &scripts)
{
    m_scripts.insert(path, scripts);
}

QList<ScriptedServer::Request> ScriptedServer::requests(const QByteArray &path) const
{
    if (path.isEmpty())
        return m_requests;
    QList<Request> matching;
    for (const Request &request : m_requests) {
        if (request.path == path)
            matching.append(request);
    }
    return matching;
}

int ScriptedServer::connectionCount(const QByteArray &path) const
{
    return int(requests(path).size());
}

void ScriptedServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        auto connection = std::make_unique<Connection>();
        Connection *raw = connection.get();
        raw->socket = socket;
        raw->stepTimer.setSingleShot(true);
        connect(&raw->stepTimer, &QTimer::timeout, this, [this, raw] { runNextStep(raw); });
        connect(socket, &QTcpSocket::readyRead, this, [this, raw] { onReadyRead(raw); });
        connect(socket, &QTcpSocket::disconnected, this, [this, raw] { forget(raw); });
        m_connections.push_back(std::move(connection));
    }
}

void ScriptedServer::onReadyRead(Connection *connection)
{
    QTcpSocket *socket = connection->socket;
    if (!socket)
        return;
    const QByteArray bytes = socket->readAll();
    if (connection->headComplete)
        return; // what a client sends after its request is of no interest here
    connection->requestBuffer += bytes;
    const qsizetype end = connection->requestBuffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (connection->requestBuffer.size() > MaxRequestHeadBytes)
            socket->abort();
        return;
    }
    connection->headComplete = true;

    Request request;
    request.receivedAtMs = nowMs() - m_startedAtMs;
    const QList<QByteArray> lines = connection->requestBuffer.left(end).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    request.method = requestLine.value(0);
    request.path = requestLine.value(1);
    const qsizetype query = request.path.indexOf('?');
    if (query >= 0)
        request.path.truncate(query);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                   lines[i].mid(colon + 1).trimmed());
    }

    const QList<Script> scripts = m_scripts.value(request.path);
    const int index = connectionCount(request.path);
    m_requests.append(request);
    if (scripts.isEmpty()) {
        connection->script = {send(head(404, "text/plain") + "no script"), close()};
    } else {
        connection->script = scripts.at(std::min<qsizetype>(index, scripts.size() - 1));
    }
    emit requestReceived(request.path);
    runNextStep(connection);
}

void ScriptedServer::runNextStep(Connection *connection)
{
    while (connection->socket && connection->nextStep < connection->script.size()) {
        const Step step = connection->script.at(connection->nextStep++);
        switch (step.kind) {
        case Step::Kind::Send:
            connection->socket->write(step.bytes);
            break;
        case Step::Kind::Wait:
            connection->stepTimer.start(step.ms);
            return;
        case Step::Kind::Close:
            connection->socket->disconnectFromHost();
            return;
        case Step::Kind::Abort:
            connection->socket->abort();
            return;
        case Step::Kind::Hold:
            return;
        }
    }
}

void ScriptedServer::forget(Connection *connection)
{
    connection->stepTimer.stop();
    if (connection->socket)
        connection->socket->deleteLater();
    // The Connection itself lives until the server goes: signals queued for it stay harmless.
    connection->socket = nullptr;
}

} // namespace confab::test
