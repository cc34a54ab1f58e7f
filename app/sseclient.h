#pragma once
// Follows one `text/event-stream` URL the way a browser's EventSource does (WHATWG HTML,
// "Server-sent events"), on top of QNetworkAccessManager.
//
// - Its own QNetworkAccessManager: a long-lived stream must not hold one of the six connections
//   per host that the REST calls share. HTTP/1.1 only, no proxy, no cache, no compression.
// - Events are emitted as their bytes arrive.
// - When the stream ends or breaks it reconnects after the reconnection time (`retry:` or the
//   default), sending Last-Event-ID. While the server is unreachable the delay grows (Backoff).
// - A status other than 200 (after redirects) or a Content-Type other than text/event-stream is a
//   failure: no reconnection (failed()).
// - A watchdog treats ~2.5 heartbeat intervals without a single byte as a dead link.
// - A stream that breaks the parser's caps (endless line, huge event) is dropped and retried.

#include "backoff.h"
#include "pinnedtls.h"
#include "sseparser.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace confab {

class SseClient : public QObject
{
    Q_OBJECT
public:
    // The EventSource readyState: Connecting also covers the wait before a reconnection.
    enum class State { Connecting, Open, Closed };
    Q_ENUM(State)

    static constexpr int DefaultHeartbeatMs = 15000;
    static constexpr double WatchdogHeartbeats = 2.5;

    explicit SseClient(QObject *parent = nullptr);
    ~SseClient() override;

    void setUrl(const QUrl &url);
    // Accept only the hub whose certificate has this fingerprint (and use https://). A hub that
    // presents another certificate ends the stream with failed(0, why): no reconnection.
    void setPin(const std::optional<TlsPin> &pin) { m_pin = pin; }
    QUrl url() const;
    // Extra request header sent on every connection (e.g. Authorization).
    void setRawHeader(const QByteArray &name, const QByteArray &value);
    // The ID to resume from on the first connection (e.g. the newest event already shown).
    void setLastEventId(const QString &id);
    QString lastEventId() const;
    // The server's heartbeat interval: the watchdog fires after WatchdogHeartbeats of them.
    void setHeartbeatIntervalMs(int milliseconds);
    // Reconnection time until the stream sends `retry:`.
    void setDefaultRetryMs(int milliseconds);
    // At most this many reconnections, then the client closes (closed()). -1: forever.
    void setReconnectLimit(int limit);
    void setParserLimits(SseParser::Limits limits);
    void setBackoffSettings(Backoff::Settings settings);

    void start();
    void stop();

    State state() const;
    QString stateReason() const;
    int reconnectionTimeMs() const;
    int reconnectCount() const;

    // "Reconnecting in 4 s." for a delay in milliseconds (rounded up to whole seconds).
    static QString reconnectNote(int retryInMs);

signals:
    // reason says why (the link broke, the host is unreachable); retryInMs is the delay before the
    // next attempt while waiting to reconnect, 0 otherwise. Displays format the delay themselves
    // (reconnectNote(), or a countdown), so the reason never carries a frozen number of seconds.
    void stateChanged(confab::SseClient::State state, const QString &reason, int retryInMs);
    void opened();
    void eventReceived(const QString &type, const QString &data, const QString &lastEventId);
    // The server answered, but not with an event stream: no reconnection. httpStatus 0 when the
    // status was fine and the Content-Type was not, or when redirects could not be followed.
    void failed(int httpStatus, const QString &reason);
    // Closed for good: stop(), failed(), or the reconnect limit reached.
    void closed();

private:
    enum class Ending { Normal, Misbehaving, Unreachable };

    void connectNow();
    void onMetaDataChanged();
    void onReadyRead();
    void onFinished();
    void onWatchdog();
    bool checkResponse(); // opens the stream, or fails it; false while undecided or failed
    void dropConnection();
    void scheduleReconnect(Ending ending, const QString &why);
    void fail(int httpStatus, const QString &reason);
    void setState(State state, const QString &reason, int retryInMs = 0);
    void dispatch(const SseParser::Event &event);

    QNetworkAccessManager *m_nam;
    QPointer<QNetworkReply> m_reply;
    SseParser m_parser;
    Backoff m_backoff;
    QTimer m_reconnectTimer;
    QTimer m_watchdog;
    QUrl m_url;
    std::optional<TlsPin> m_pin;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    State m_state = State::Closed;
    QString m_stateReason;
    QString m_lastEventId; // what the next connection resumes from
    int m_heartbeatMs = DefaultHeartbeatMs;
    int m_defaultRetryMs;
    int m_reconnectLimit = -1;
    int m_reconnects = 0;
    bool m_open = false; // the current response was accepted as an event stream
    bool m_running = false; // between start() and stop()/failure: whether to reconnect at all
};

} // namespace confab
