// libFuzzer target for the text/event-stream parser. Besides "no crash, no leak, no unbounded
// growth" (small caps), it checks the parser's central promise: the events do not depend on how
// the bytes are chunked. The first input byte picks the chunk sizes.

#include "sseparser.h"

#include <QList>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

using confab::SseParser;

namespace {

struct Outcome
{
    QList<SseParser::Event> events;
    QString lastEventId;
    int retryMs = -1;
    bool limitExceeded = false;
};

Outcome parse(QByteArrayView input, quint8 chunkSeed)
{
    SseParser::Limits limits;
    limits.maxLineBytes = 512;
    limits.maxEventDataBytes = 2048;
    SseParser parser(limits);
    Outcome outcome;
    parser.setEventSink(
        [&outcome](const SseParser::Event &event) { outcome.events.append(event); });
    qsizetype at = 0;
    quint32 state = chunkSeed;
    while (at < input.size()) {
        qsizetype size = input.size() - at;
        if (chunkSeed != 0) {
            state = state * 1103515245u + 12345u; // a fixed, cheap sequence of chunk sizes
            size = qMin<qsizetype>(size, 1 + (state >> 16) % 17);
        }
        if (parser.feed(input.sliced(at, size)) == SseParser::Status::LimitExceeded) {
            outcome.limitExceeded = true;
            break;
        }
        at += size;
    }
    parser.endOfStream();
    outcome.lastEventId = parser.lastEventId();
    outcome.retryMs = parser.reconnectionTimeMs().value_or(-1);
    return outcome;
}

bool sameEvents(const QList<SseParser::Event> &a, const QList<SseParser::Event> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].type != b[i].type || a[i].data != b[i].data
            || a[i].lastEventId != b[i].lastEventId)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const quint8 seed = data[0];
    const QByteArrayView input(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const Outcome whole = parse(input, 0);
    const Outcome chunked = parse(input, seed | 1);
    if (whole.limitExceeded != chunked.limitExceeded || !sameEvents(whole.events, chunked.events))
        std::abort();
    if (!whole.limitExceeded
        && (whole.lastEventId != chunked.lastEventId || whole.retryMs != chunked.retryMs))
        std::abort();
    for (const SseParser::Event &event : whole.events) {
        // The decoder never lets a lone surrogate through.
        for (qsizetype i = 0; i < event.data.size(); ++i) {
            const QChar c = event.data.at(i);
            if (c.isHighSurrogate()
                && (i + 1 >= event.data.size() || !event.data.at(i + 1).isLowSurrogate()))
                std::abort();
            if (c.isLowSurrogate() && (i == 0 || !event.data.at(i - 1).isHighSurrogate()))
                std::abort();
        }
    }
    return 0;
}
