#pragma once
// Test helpers for the hub: a real Hub on 127.0.0.1 with a random port and a temporary data
// directory, plain HTTP calls over real sockets, and an event-stream reader that parses what
// arrives with confab::SseParser.

#include "hub.h"
#include "sseparser.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <memory>
#include <vector>

namespace confab::test {

// Generous: the tests run under ASan on a loaded 2-core machine.
inline constexpr int WaitMs = 20000;

struct Response
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool complete = false;

    QByteArray header(QByteArrayView name) const;
    QJsonObject json() const;
    QString errorCode() const;
};

// Sends raw bytes on a fresh connection and reads one HTTP/1.1 answer (Content-Length bodies).
Response rawRequest(quint16 port, const QByteArray &bytes, int timeoutMs = WaitMs);

// A well-formed request: method, path, optional JSON body, extra headers.
Response call(quint16 port, const QByteArray &method, const QByteArray &path,
              const QByteArray &body = {},
              const QList<QPair<QByteArray, QByteArray>> &headers = {});

struct Session
{
    QByteArray token;
    QString memberId;
    QString name;
};

// POST /api/v1/session; fails the test (returns empty) on anything but 201.
Session signIn(quint16 port, const QString &name, const QString &room = {},
               const QString &password = {});
Response post(quint16 port, const Session &session, const QString &text, const QString &clientId,
              const QString &room = QStringLiteral("lobby"));

// API v2: POST /api/v2/session (hub-wide token); fails the test (returns empty) on anything but
// 201.
Session signInToHub(quint16 port, const QString &name);
// A call with the session's token.
Response callAs(quint16 port, const Session &session, const QByteArray &method,
                const QByteArray &path, const QByteArray &body = {});

// One open event stream, read as it arrives (chunked framing removed, SSE parsed).
class StreamReader : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        Options(QByteArray streamToken = {}, QString streamRoom = QStringLiteral("lobby"),
                QByteArray resumeFrom = {})
            : token(std::move(streamToken))
            , room(std::move(streamRoom))
            , lastEventId(std::move(resumeFrom))
        { }
        QByteArray token;
        QString room;
        QByteArray lastEventId; // sent as the Last-Event-ID header when set
        bool viaQuery = false; // token and lastEventId as query parameters instead
        int receiveBufferBytes = 0; // >0: small socket buffers and never read (a slow subscriber)
        QByteArray path; // set: this stream instead of the room's (e.g. "/api/v2/events")
    };

    StreamReader(quint16 port, Options options, QObject *parent = nullptr);
    ~StreamReader() override;

    bool waitForHead(int timeoutMs = WaitMs);
    bool waitForEvents(int count, int timeoutMs = WaitMs);
    bool waitForClosed(int timeoutMs = WaitMs);

    int status() const { return m_status; }
    QByteArray header(QByteArrayView name) const;
    const std::vector<SseParser::Event> &events() const { return m_events; }
    std::vector<SseParser::Event> eventsOfType(const QString &type) const;
    std::optional<int> retryMs() const { return m_parser.reconnectionTimeMs(); }
    int comments() const { return m_comments; }
    bool closed() const { return m_closed; }
    QTcpSocket *socket() { return &m_socket; }

signals:
    void eventArrived();

private:
    void onReadyRead();
    void consumeBody();

    QTcpSocket m_socket;
    SseParser m_parser;
    QByteArray m_buffer;
    bool m_headDone = false;
    bool m_closed = false;
    bool m_readBody = true;
    int m_status = 0;
    int m_comments = 0;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    std::vector<SseParser::Event> m_events;
};

// A started hub on 127.0.0.1:<random> with its own temporary data directory.
class HubFixture
{
public:
    explicit HubFixture(HubSettings settings = {}, const QString &dataDir = {});
    ~HubFixture();
    bool started() const { return m_started; }
    quint16 port() const { return m_hub ? m_hub->port() : 0; }
    Hub &hub() { return *m_hub; }
    QString dataDir() const { return m_dataDir; }
    // Destroys the hub without `bye` (as a crash would leave the store) and starts a new one
    // on the same data directory and port 0.
    bool restart();
    QString error;

private:
    HubSettings m_settings;
    std::unique_ptr<QTemporaryDir> m_tempDir;
    QString m_dataDir;
    std::unique_ptr<Hub> m_hub;
    bool m_started = false;
};

// Raises RLIMIT_NOFILE's soft limit towards `wanted`; returns the limit in force.
qint64 raiseOpenFileLimit(qint64 wanted);

} // namespace confab::test
