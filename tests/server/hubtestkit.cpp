#include "hubtestkit.h"

#include <QJsonDocument>
#include <QTest>
#include <QUuid>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace confab::test {

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

// Splits "HTTP/1.1 200 OK\r\nA: b\r\n\r\n" into a status and headers; -1 when not complete.
qsizetype parseHead(const QByteArray &buffer, int *status, Headers *headers)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return -1;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    *status = statusLine.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            headers->append(qMakePair(line.left(colon).trimmed(), line.mid(colon + 1).trimmed()));
    }
    return end + 4;
}

QByteArray findHeader(const Headers &headers, QByteArrayView name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace

QByteArray Response::header(QByteArrayView name) const
{
    return findHeader(headers, name);
}

QJsonObject Response::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString Response::errorCode() const
{
    return json()
        .value(QLatin1StringView("error"))
        .toObject()
        .value(QLatin1StringView("code"))
        .toString();
}

Response rawRequest(quint16 port, const QByteArray &bytes, int timeoutMs)
{
    Response response;
    QTcpSocket socket;
    QByteArray buffer;
    qsizetype bodyStart = -1;
    qint64 length = -1;
    bool closed = false;
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] { buffer += socket.readAll(); });
    QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [&] { closed = true; });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &socket, [&] { closed = true; });
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!QTest::qWaitFor(
            [&] { return socket.state() == QAbstractSocket::ConnectedState || closed; }, timeoutMs))
        return response;
    socket.write(bytes);
    [[maybe_unused]] const bool answered = QTest::qWaitFor(
        [&] {
            if (bodyStart < 0) {
                bodyStart = parseHead(buffer, &response.status, &response.headers);
                if (bodyStart >= 0) {
                    const QByteArray value = findHeader(response.headers, "content-length");
                    length = value.isEmpty() ? -1 : value.toLongLong();
                    if (response.status == 204 || bytes.startsWith("HEAD "))
                        length = 0; // no body by definition
                }
            }
            if (bodyStart >= 0 && length >= 0 && buffer.size() - bodyStart >= length)
                return true;
            return closed;
        },
        timeoutMs);
    if (bodyStart >= 0) {
        response.body = length >= 0 ? buffer.mid(bodyStart, length) : buffer.mid(bodyStart);
        response.complete = length < 0 || response.body.size() == length;
    }
    return response;
}

Response call(quint16 port, const QByteArray &method, const QByteArray &path,
              const QByteArray &body, const Headers &headers)
{
    QByteArray request
        = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    if (!body.isNull() || method == "POST")
        request += "Content-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    return rawRequest(port, request);
}

Session signIn(quint16 port, const QString &name, const QString &room, const QString &password)
{
    QJsonObject body {{QStringLiteral("name"), name}};
    if (!room.isEmpty())
        body.insert(QStringLiteral("room"), room);
    if (!password.isEmpty())
        body.insert(QStringLiteral("password"), password);
    const Response response
        = call(port, "POST", "/api/v1/session", QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (response.status != 201)
        return {};
    const QJsonObject object = response.json();
    return Session {object.value(QLatin1StringView("token")).toString().toUtf8(),
                    object.value(QLatin1StringView("member"))
                        .toObject()
                        .value(QLatin1StringView("id"))
                        .toString(),
                    name};
}

Response post(quint16 port, const Session &session, const QString &text, const QString &clientId,
              const QString &room)
{
    QJsonObject body {{QStringLiteral("text"), text}};
    if (!clientId.isEmpty())
        body.insert(QStringLiteral("clientId"), clientId);
    return call(port, "POST", "/api/v1/rooms/" + room.toUtf8() + "/messages",
                QJsonDocument(body).toJson(QJsonDocument::Compact),
                {qMakePair(QByteArrayLiteral("Authorization"), "Bearer " + session.token)});
}

// --- StreamReader ------------------------------------------------------------------------------

Session signInToHub(quint16 port, const QString &name)
{
    const QJsonObject body {{QStringLiteral("name"), name}};
    const Response r
        = call(port, "POST", "/api/v2/session", QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (r.status != 201) {
        qWarning() << "v2 sign-in failed:" << r.status << r.body;
        return {};
    }
    const QJsonObject answer = r.json();
    return Session {answer.value(QLatin1StringView("token")).toString().toUtf8(),
                    answer.value(QLatin1StringView("member"))
                        .toObject()
                        .value(QLatin1StringView("id"))
                        .toString(),
                    name};
}

Response callAs(quint16 port, const Session &session, const QByteArray &method,
                const QByteArray &path, const QByteArray &body)
{
    return call(port, method, path, body,
                {qMakePair(QByteArrayLiteral("Authorization"), "Bearer " + session.token)});
}

StreamReader::StreamReader(quint16 port, Options options, QObject *parent)
    : QObject(parent)
{
    m_parser.setEventSink([this](const SseParser::Event &event) {
        m_events.push_back(event);
        emit eventArrived();
    });
    if (options.receiveBufferBytes > 0) {
        // A subscriber that stops reading: tiny kernel buffer, and we never read.
        m_readBody = false;
        m_socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption,
                                 options.receiveBufferBytes);
        m_socket.setReadBufferSize(options.receiveBufferBytes);
    }
    connect(&m_socket, &QTcpSocket::readyRead, this, &StreamReader::onReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] {
        m_closed = true;
        onReadyRead();
    });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] { m_closed = true; });
    QByteArray path = options.path.isEmpty() ? "/api/v1/rooms/" + options.room.toUtf8() + "/events"
                                             : options.path;
    QByteArray headers;
    if (options.viaQuery) {
        path += "?token=" + options.token;
        if (!options.lastEventId.isNull())
            path += "&lastEventId=" + options.lastEventId;
    } else {
        if (!options.token.isEmpty())
            headers += "Authorization: Bearer " + options.token + "\r\n";
        if (!options.lastEventId.isNull())
            headers += "Last-Event-ID: " + options.lastEventId + "\r\n";
    }
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    m_socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                   + "\r\nAccept: text/event-stream\r\n" + headers + "\r\n");
}

StreamReader::~StreamReader() = default;

void StreamReader::onReadyRead()
{
    if (!m_readBody && m_headDone)
        return;
    if (m_socket.isOpen())
        m_buffer += m_socket.read(m_readBody ? m_socket.bytesAvailable() : 4096);
    if (!m_headDone) {
        const qsizetype bodyStart = parseHead(m_buffer, &m_status, &m_headers);
        if (bodyStart < 0)
            return;
        m_headDone = true;
        m_buffer.remove(0, bodyStart);
    }
    if (m_readBody)
        consumeBody();
}

void StreamReader::consumeBody()
{
    // Undo HTTP chunked framing: "<hex>\r\n<data>\r\n".
    for (;;) {
        const qsizetype lineEnd = m_buffer.indexOf("\r\n");
        if (lineEnd < 0)
            return;
        bool ok = false;
        const qint64 size = m_buffer.left(lineEnd).toLongLong(&ok, 16);
        if (!ok)
            return;
        if (m_buffer.size() < lineEnd + 2 + size + 2)
            return;
        const QByteArray data = m_buffer.mid(lineEnd + 2, size);
        m_buffer.remove(0, lineEnd + 2 + size + 2);
        m_comments += int(data.count("\n: ") + (data.startsWith(": ") ? 1 : 0));
        m_parser.feed(data);
    }
}

bool StreamReader::waitForHead(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_headDone || m_closed; }, timeoutMs) && m_headDone;
}

bool StreamReader::waitForEvents(int count, int timeoutMs)
{
    return QTest::qWaitFor([this, count] { return int(m_events.size()) >= count || m_closed; },
                           timeoutMs)
        && int(m_events.size()) >= count;
}

bool StreamReader::waitForClosed(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_closed; }, timeoutMs);
}

QByteArray StreamReader::header(QByteArrayView name) const
{
    return findHeader(m_headers, name);
}

std::vector<SseParser::Event> StreamReader::eventsOfType(const QString &type) const
{
    std::vector<SseParser::Event> out;
    for (const SseParser::Event &event : m_events) {
        if (event.type == type)
            out.push_back(event);
    }
    return out;
}

// --- HubFixture --------------------------------------------------------------------------------

HubFixture::HubFixture(HubSettings settings, const QString &dataDir)
    : m_settings(std::move(settings))
{
    m_settings.bindAddress = QHostAddress::LocalHost;
    m_settings.port = 0;
    if (dataDir.isEmpty()) {
        m_tempDir = std::make_unique<QTemporaryDir>();
        m_dataDir = m_tempDir->path();
    } else {
        m_dataDir = dataDir;
    }
    m_settings.dataDir = m_dataDir;
    m_hub = std::make_unique<Hub>(m_settings);
    m_started = m_hub->start(&error);
}

HubFixture::~HubFixture() = default;

bool HubFixture::restart()
{
    m_hub.reset();
    m_hub = std::make_unique<Hub>(m_settings);
    m_started = m_hub->start(&error);
    return m_started;
}

qint64 raiseOpenFileLimit(qint64 wanted)
{
#ifdef Q_OS_UNIX
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 0;
    if (qint64(limit.rlim_cur) < wanted) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, rlim_t(wanted));
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return qint64(limit.rlim_cur);
#else
    return wanted;
#endif
}

} // namespace confab::test
