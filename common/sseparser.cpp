#include "sseparser.h"

#include <cstring>
#include <limits>
#include <utility>

namespace confab {

namespace {

constexpr char Cr = '\r';
constexpr char Lf = '\n';
constexpr QByteArrayView Bom("\xEF\xBB\xBF");
constexpr QByteArrayView FieldData("data");
constexpr QByteArrayView FieldEvent("event");
constexpr QByteArrayView FieldId("id");
constexpr QByteArrayView FieldRetry("retry");

const QString &defaultEventType()
{
    static const QString type = QStringLiteral("message");
    return type;
}

// `retry:` takes ASCII digits only (anything else, or nothing, is ignored). Huge values saturate
// instead of overflowing: the client caps its delay anyway.
std::optional<int> parseRetry(QByteArrayView value)
{
    if (value.isEmpty())
        return std::nullopt;
    qint64 result = 0;
    for (const char c : value) {
        if (c < '0' || c > '9')
            return std::nullopt;
        result = qMin<qint64>(result * 10 + (c - '0'), std::numeric_limits<int>::max());
    }
    return int(result);
}

// The WHATWG "UTF-8 decode": one U+FFFD per maximal invalid subpart. Qt's decoder gives one per
// byte instead, so it is only used where it agrees (see decodeUtf8).
QString decodeUtf8Exact(QByteArrayView bytes)
{
    QString out;
    out.reserve(bytes.size());
    int needed = 0;
    int seen = 0;
    char32_t codePoint = 0;
    uchar lower = 0x80;
    uchar upper = 0xBF;
    auto put = [&out](char32_t c) {
        if (c > 0xFFFF) {
            out.append(QChar::highSurrogate(c));
            out.append(QChar::lowSurrogate(c));
        } else {
            out.append(QChar(char16_t(c)));
        }
    };
    for (qsizetype i = 0; i < bytes.size();) {
        const uchar byte = uchar(bytes[i]);
        if (needed == 0) {
            ++i;
            if (byte <= 0x7F) {
                put(byte);
            } else if (byte >= 0xC2 && byte <= 0xDF) {
                needed = 1;
                codePoint = byte & 0x1F;
            } else if (byte >= 0xE0 && byte <= 0xEF) {
                lower = byte == 0xE0 ? 0xA0 : 0x80;
                upper = byte == 0xED ? 0x9F : 0xBF;
                needed = 2;
                codePoint = byte & 0x0F;
            } else if (byte >= 0xF0 && byte <= 0xF4) {
                lower = byte == 0xF0 ? 0x90 : 0x80;
                upper = byte == 0xF4 ? 0x8F : 0xBF;
                needed = 3;
                codePoint = byte & 0x07;
            } else {
                put(QChar::ReplacementCharacter);
            }
            continue;
        }
        if (byte < lower || byte > upper) {
            // The sequence broke off: one U+FFFD for it, and this byte starts afresh.
            needed = seen = 0;
            codePoint = 0;
            lower = 0x80;
            upper = 0xBF;
            put(QChar::ReplacementCharacter);
            continue;
        }
        ++i;
        lower = 0x80;
        upper = 0xBF;
        codePoint = (codePoint << 6) | (byte & 0x3F);
        if (++seen == needed) {
            put(codePoint);
            needed = seen = 0;
            codePoint = 0;
        }
    }
    if (needed != 0)
        put(QChar::ReplacementCharacter);
    return out;
}

// Qt's vectorised decoder for the common case; the exact one only when something was replaced
// (or the text really holds U+FFFD, which it then decodes the same way).
QString decodeUtf8(QByteArrayView bytes)
{
    QString text = QString::fromUtf8(bytes);
    if (text.contains(QChar::ReplacementCharacter))
        return decodeUtf8Exact(bytes);
    return text;
}

} // namespace

SseParser::SseParser()
    : SseParser(Limits {})
{ }

SseParser::SseParser(Limits limits)
    : m_limits(limits)
{ }

void SseParser::setEventSink(EventSink sink)
{
    m_sink = std::move(sink);
}

SseParser::Status SseParser::feed(QByteArrayView bytes)
{
    if (m_failed)
        return Status::LimitExceeded;
    if (m_atStreamStart) {
        // The BOM may arrive split over several chunks: hold the first bytes until they either
        // complete it or stop matching it.
        while (!bytes.isEmpty() && m_bomProbe.size() < Bom.size()) {
            m_bomProbe.append(bytes.front());
            bytes = bytes.sliced(1);
            if (!Bom.startsWith(m_bomProbe))
                break;
        }
        if (m_bomProbe.size() < Bom.size() && Bom.startsWith(m_bomProbe))
            return Status::Ok; // still undecided
        m_atStreamStart = false;
        const QByteArray probe = std::exchange(m_bomProbe, {});
        if (probe != Bom && scan(probe) != Status::Ok)
            return Status::LimitExceeded;
    }
    return scan(bytes);
}

SseParser::Status SseParser::scan(QByteArrayView bytes)
{
    const char *const begin = bytes.data();
    const char *const end = begin + bytes.size();
    const char *p = begin;

    if (m_skipLeadingLf && p != end) {
        m_skipLeadingLf = false;
        if (*p == Lf)
            ++p;
    }

    // CR-only line ends are rare; remember where the next CR is so that the common LF-only stream
    // is scanned with one memchr per line and one memchr per chunk for CR.
    const char *nextCr = nullptr;
    bool crKnown = false;

    while (p != end) {
        if (!crKnown || (nextCr && nextCr < p)) {
            nextCr = static_cast<const char *>(std::memchr(p, Cr, size_t(end - p)));
            crKnown = true;
        }
        const char *lineEnd = static_cast<const char *>(std::memchr(p, Lf, size_t(end - p)));
        if (nextCr && (!lineEnd || nextCr < lineEnd))
            lineEnd = nextCr;

        if (!lineEnd) {
            // An unfinished line: keep it for the next chunk, within the cap.
            if (m_pendingLine.size() + (end - p) > m_limits.maxLineBytes) {
                m_failed = true;
                return Status::LimitExceeded;
            }
            m_pendingLine.append(p, end - p);
            return Status::Ok;
        }

        Status status;
        if (m_pendingLine.isEmpty()) {
            status = processLine(QByteArrayView(p, lineEnd - p));
        } else {
            m_pendingLine.append(p, lineEnd - p);
            status = processLine(m_pendingLine);
            m_pendingLine.resize(0); // keeps the capacity for the next split line
        }
        if (status != Status::Ok) {
            m_failed = true;
            return status;
        }

        p = lineEnd + 1;
        if (*lineEnd == Cr) {
            if (p == end)
                m_skipLeadingLf = true; // a CRLF split across two chunks is one line end
            else if (*p == Lf)
                ++p;
        }
    }
    return Status::Ok;
}

SseParser::Status SseParser::processLine(QByteArrayView line)
{
    if (line.size() > m_limits.maxLineBytes)
        return Status::LimitExceeded;
    if (line.isEmpty()) {
        dispatch();
        return Status::Ok;
    }
    if (line.front() == ':')
        return Status::Ok; // a comment (heartbeats)

    const auto *colon
        = static_cast<const char *>(std::memchr(line.data(), ':', size_t(line.size())));
    if (!colon) {
        processField(line, {});
    } else {
        const qsizetype nameSize = colon - line.data();
        QByteArrayView value = line.sliced(nameSize + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
        processField(line.first(nameSize), value);
    }
    if (m_dataBuffer.size() > m_limits.maxEventDataBytes)
        return Status::LimitExceeded;
    return Status::Ok;
}

void SseParser::processField(QByteArrayView name, QByteArrayView value)
{
    if (name == FieldData) {
        m_dataBuffer.append(value.data(), value.size());
        m_dataBuffer.append(Lf);
    } else if (name == FieldEvent) {
        m_eventTypeBuffer.resize(0);
        m_eventTypeBuffer.append(value.data(), value.size());
    } else if (name == FieldId) {
        if (value.isEmpty() || !std::memchr(value.data(), '\0', size_t(value.size())))
            m_lastEventIdBuffer = decodeUtf8(value);
    } else if (name == FieldRetry) {
        if (const auto retry = parseRetry(value))
            m_retryMs = retry;
    }
    // Any other field is ignored, as the standard says.
}

void SseParser::dispatch()
{
    m_lastEventId = m_lastEventIdBuffer;
    if (m_dataBuffer.isEmpty()) {
        m_eventTypeBuffer.resize(0);
        return;
    }

    Event event;
    // The buffer ends with the LF that followed the last `data:` value; it is not part of the data.
    event.data = decodeUtf8(QByteArrayView(m_dataBuffer).chopped(1));
    if (m_eventTypeBuffer.isEmpty()) {
        event.type = defaultEventType();
    } else {
        if (m_eventTypeBuffer != m_cachedTypeBytes) {
            m_cachedTypeBytes = m_eventTypeBuffer;
            m_cachedType = decodeUtf8(m_eventTypeBuffer);
        }
        event.type = m_cachedType;
    }
    event.lastEventId = m_lastEventId;
    clearEventBuffers();
    if (m_sink)
        m_sink(event);
}

void SseParser::clearEventBuffers()
{
    // resize(0) rather than clear(): the buffers keep their capacity for the next event.
    m_dataBuffer.resize(0);
    m_eventTypeBuffer.resize(0);
}

void SseParser::endOfStream()
{
    m_pendingLine.clear();
    m_bomProbe.clear();
    m_dataBuffer.clear();
    m_eventTypeBuffer.clear();
}

void SseParser::reset()
{
    endOfStream();
    m_lastEventIdBuffer = m_lastEventId;
    m_atStreamStart = true;
    m_skipLeadingLf = false;
    m_failed = false;
}

QString SseParser::lastEventId() const
{
    return m_lastEventId;
}

void SseParser::setLastEventId(const QString &id)
{
    m_lastEventId = id;
    m_lastEventIdBuffer = id;
}

std::optional<int> SseParser::reconnectionTimeMs() const
{
    return m_retryMs;
}

} // namespace confab
