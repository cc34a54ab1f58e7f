#pragma once
// Incremental parser for `text/event-stream`, following the WHATWG HTML standard,
// section "Interpreting an event stream". Pure code: no networking, no Qt event loop.
//
// Feed it bytes exactly as they arrive (any chunking). It decodes UTF-8 (invalid bytes become
// U+FFFD), strips one leading BOM, accepts CR, LF and CRLF line ends (also a CRLF split across two
// chunks), and hands out each dispatched event at once. Sizes are capped so that a hostile stream
// cannot grow memory without bound: past a cap, feed() returns LimitExceeded and the caller drops
// the connection (the parser must then be reset() before it is fed again).
//
// Speed matters (one busy room can stream megabytes): bytes are scanned in place, complete lines
// are never copied, `data:` values are kept as raw bytes and decoded once per dispatched event.

#include <QByteArray>
#include <QString>
#include <functional>
#include <optional>

namespace confab {

class SseParser
{
public:
    struct Event
    {
        QString type; // "message" when the stream gave no `event:` field
        QString data;
        QString lastEventId;
    };

    struct Limits
    {
        qsizetype maxLineBytes = 1024 * 1024; // one line, field name included
        qsizetype maxEventDataBytes = 4 * 1024 * 1024; // the data buffer of one event
    };

    enum class Status { Ok, LimitExceeded };

    using EventSink = std::function<void(const Event &)>;

    SseParser();
    explicit SseParser(Limits limits);

    void setEventSink(EventSink sink);

    Status feed(QByteArrayView bytes);
    // The stream ended: an unfinished event is discarded (per the standard).
    void endOfStream();
    // Starts a new stream (after a reconnection): line and event buffers are cleared, but the
    // last event ID and the reconnection time persist, as the standard requires. Like browsers do,
    // the new stream's last-event-ID buffer starts from the persisted ID, so an event without `id:`
    // does not blank it.
    void reset();

    QString lastEventId() const;
    void setLastEventId(const QString &id);
    // Set by a valid `retry:` field; nullopt until the stream sent one.
    std::optional<int> reconnectionTimeMs() const;

private:
    Status scan(QByteArrayView bytes);
    Status processLine(QByteArrayView line);
    void processField(QByteArrayView name, QByteArrayView value);
    void dispatch();
    void clearEventBuffers();

    Limits m_limits;
    EventSink m_sink;
    QByteArray m_pendingLine; // bytes of a line not finished in the previous chunk
    QByteArray m_bomProbe; // the first bytes of a stream, until we know if they are a BOM
    QByteArray m_dataBuffer; // raw UTF-8 of `data:` values, each followed by LF
    QByteArray m_eventTypeBuffer; // raw UTF-8
    QByteArray m_cachedTypeBytes; // the last decoded event type, so a busy stream of the same
    QString m_cachedType; // type costs no allocation per event
    QString m_lastEventIdBuffer;
    QString m_lastEventId;
    std::optional<int> m_retryMs;
    bool m_atStreamStart = true; // still looking for a BOM
    bool m_skipLeadingLf = false; // the previous chunk ended with CR
    bool m_failed = false; // a limit was hit; nothing is parsed until reset()
};

} // namespace confab
