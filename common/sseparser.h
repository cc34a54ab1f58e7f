#pragma once
// Incremental parser for `text/event-stream`, following the WHATWG HTML standard,
// section "Interpreting an event stream". Pure code: no networking, no Qt event loop.
//
// Feed it bytes exactly as they arrive (any chunking). It decodes UTF-8 (invalid bytes become
// U+FFFD), strips one leading BOM, accepts CR, LF and CRLF line ends (also a CRLF split across two
// chunks), and hands out each dispatched event at once. Sizes are capped so that a hostile stream
// cannot grow memory without bound: past a cap, feed() returns LimitExceeded and the caller drops
// the connection (the parser must then be reset() before it is fed again).

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
        qsizetype maxLineBytes = 1024 * 1024;     // one line, field name included
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
    // last event ID and the reconnection time persist, as the standard requires.
    void reset();

    QString lastEventId() const;
    void setLastEventId(const QString &id);
    // Set by a valid `retry:` field; nullopt until the stream sent one.
    std::optional<int> reconnectionTimeMs() const;

private:
    struct State;
    void processLine(QByteArrayView line);
    void dispatch();

    Limits m_limits;
    EventSink m_sink;
    QByteArray m_pendingLine;     // bytes of a line not finished in the previous chunk
    QByteArray m_dataBuffer;      // raw UTF-8 of `data:` values, each followed by LF
    QByteArray m_eventTypeBuffer; // raw UTF-8
    QString m_lastEventIdBuffer;
    QString m_lastEventId;
    std::optional<int> m_retryMs;
    bool m_atStreamStart = true;  // still looking for a BOM
    bool m_skipLeadingLf = false; // the previous chunk ended with CR
    bool m_hasDataField = false;
};

} // namespace confab
