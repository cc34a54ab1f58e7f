// The text/event-stream parser against the WHATWG "interpreting an event stream" rules.
// Every stream is fed whole, split in two at every byte offset, and byte by byte: the events,
// the last event ID and the reconnection time must come out the same every time.

#include "sseparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using confab::SseParser;

namespace {

// A byte string literal with embedded NULs, without counting by hand.
template<size_t N> QByteArray raw(const char (&text)[N])
{
    return QByteArray(text, qsizetype(N - 1));
}

struct Expected
{
    QString type;
    QString data;
    QString lastEventId;
};

// Events rendered as compact JSON, so that a mismatch prints readably (control characters escaped).
QString render(const QList<Expected> &events)
{
    QJsonArray array;
    for (const Expected &event : events)
        array.append(QJsonArray {event.type, event.data, event.lastEventId});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

struct Outcome
{
    QString events;
    QString lastEventId;
    int retryMs = -1; // -1: no valid `retry:` seen
    bool limitExceeded = false;
};

Outcome parseChunks(const QList<QByteArrayView> &chunks, SseParser::Limits limits = {})
{
    SseParser parser(limits);
    QList<Expected> events;
    parser.setEventSink([&events](const SseParser::Event &event) {
        events.append({event.type, event.data, event.lastEventId});
    });
    Outcome outcome;
    for (const QByteArrayView chunk : chunks) {
        if (parser.feed(chunk) == SseParser::Status::LimitExceeded) {
            outcome.limitExceeded = true;
            break;
        }
    }
    parser.endOfStream();
    outcome.events = render(events);
    outcome.lastEventId = parser.lastEventId();
    outcome.retryMs = parser.reconnectionTimeMs().value_or(-1);
    return outcome;
}

// Every way of chunking the stream we check: whole, every two-piece split, byte by byte.
QList<QList<QByteArrayView>> chunkings(const QByteArray &stream)
{
    QList<QList<QByteArrayView>> result;
    const QByteArrayView all(stream);
    result.append({all});
    for (qsizetype cut = 0; cut <= all.size(); ++cut)
        result.append({all.first(cut), all.sliced(cut)});
    QList<QByteArrayView> bytes;
    for (qsizetype i = 0; i < all.size(); ++i)
        bytes.append(all.sliced(i, 1));
    result.append(bytes);
    return result;
}

QString describe(const QList<QByteArrayView> &chunking)
{
    QStringList sizes;
    for (const QByteArrayView chunk : chunking)
        sizes.append(QString::number(chunk.size()));
    return QStringLiteral("chunk sizes ") + sizes.join(QLatin1Char(','));
}

} // namespace

class TestSseParser : public QObject
{
    Q_OBJECT
private slots:
    void rules_data();
    void rules();
    void unfinishedEventIsDiscardedAtEndOfStream();
    void resetKeepsLastEventIdAndRetry();
    void eventWithoutIdAfterResetKeepsPersistedId();
    void setLastEventIdSeedsTheStream();
    void endlessLineHitsTheCapAtEveryChunking();
    void lineAtTheCapIsAccepted();
    void hugeDataFieldHitsTheCap();
    void failedParserStaysFailedUntilReset();
    void largeStreamDecodesEveryEvent();
};

void TestSseParser::rules_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QString>("events");
    QTest::addColumn<QString>("lastEventId");
    QTest::addColumn<int>("retryMs");

    const QString none = render({});
    auto msg = [](const char *data, const char *id = "") {
        return Expected {QStringLiteral("message"), QString::fromUtf8(data), QString::fromUtf8(id)};
    };

    QTest::newRow("simple") << QByteArray("data: hello\n\n") << render({msg("hello")}) << QString()
                            << -1;
    QTest::newRow("two events") << QByteArray("data: a\n\ndata: b\n\n")
                                << render({msg("a"), msg("b")}) << QString() << -1;
    QTest::newRow("data lines joined with LF")
        << QByteArray("data: one\ndata: two\ndata: three\n\n") << render({msg("one\ntwo\nthree")})
        << QString() << -1;
    QTest::newRow("only the last LF is removed")
        << QByteArray("data: a\ndata\n\n") << render({msg("a\n")}) << QString() << -1;
    QTest::newRow("data without colon is an empty value")
        << QByteArray("data\n\n") << render({msg("")}) << QString() << -1;
    QTest::newRow("two empty data lines")
        << QByteArray("data\ndata\n\n") << render({msg("\n")}) << QString() << -1;
    QTest::newRow("no space after colon")
        << QByteArray("data:x\n\n") << render({msg("x")}) << QString() << -1;
    QTest::newRow("only one leading space removed")
        << QByteArray("data:  x \n\n") << render({msg(" x ")}) << QString() << -1;
    QTest::newRow("tab is not a space")
        << QByteArray("data:\tx\n\n") << render({msg("\tx")}) << QString() << -1;
    QTest::newRow("split at the first colon only")
        << QByteArray("data: a: b:c\n\n") << render({msg("a: b:c")}) << QString() << -1;
    QTest::newRow("event type") << QByteArray("event: ping\ndata: x\n\n")
                                << render(
                                       {{QStringLiteral("ping"), QStringLiteral("x"), QString()}})
                                << QString() << -1;
    QTest::newRow("last event type wins")
        << QByteArray("event: a\nevent: b\ndata: x\n\n")
        << render({{QStringLiteral("b"), QStringLiteral("x"), QString()}}) << QString() << -1;
    QTest::newRow("empty event type means message")
        << QByteArray("event:\ndata: x\n\n") << render({msg("x")}) << QString() << -1;
    QTest::newRow("event type does not carry over")
        << QByteArray("event: a\ndata: 1\n\ndata: 2\n\n")
        << render({{QStringLiteral("a"), QStringLiteral("1"), QString()}, msg("2")}) << QString()
        << -1;
    QTest::newRow("no dispatch without data, type cleared")
        << QByteArray("event: a\n\ndata: x\n\n") << render({msg("x")}) << QString() << -1;
    QTest::newRow("id on the event")
        << QByteArray("id: 7\ndata: x\n\n") << render({msg("x", "7")}) << QStringLiteral("7") << -1;
    QTest::newRow("id after data in the same event")
        << QByteArray("data: x\nid: 8\n\n") << render({msg("x", "8")}) << QStringLiteral("8") << -1;
    QTest::newRow("id persists across events")
        << QByteArray("id: 1\ndata: a\n\ndata: b\n\n") << render({msg("a", "1"), msg("b", "1")})
        << QStringLiteral("1") << -1;
    QTest::newRow("empty id clears it") << QByteArray("id: 1\ndata: a\n\nid\ndata: b\n\n")
                                        << render({msg("a", "1"), msg("b")}) << QString() << -1;
    QTest::newRow("id with NULL is ignored")
        << raw("id: 1\ndata: a\n\nid: 2\0003\ndata: b\n\n")
        << render({msg("a", "1"), msg("b", "1")}) << QStringLiteral("1") << -1;
    QTest::newRow("id without data still sets the last event ID")
        << QByteArray("id: 5\n\n") << none << QStringLiteral("5") << -1;
    QTest::newRow("utf-8 id") << QByteArray("id: \xC3\xA9t\xC3\xA9\ndata: x\n\n")
                              << render({msg("x", "\xC3\xA9t\xC3\xA9")})
                              << QString::fromUtf8("\xC3\xA9t\xC3\xA9") << -1;
    QTest::newRow("retry") << QByteArray("retry: 1500\n\n") << none << QString() << 1500;
    QTest::newRow("retry zero") << QByteArray("retry: 0\n") << none << QString() << 0;
    QTest::newRow("retry with letters ignored")
        << QByteArray("retry: 1500\nretry: 12a\n") << none << QString() << 1500;
    QTest::newRow("retry negative ignored") << QByteArray("retry: -5\n") << none << QString() << -1;
    QTest::newRow("retry with two spaces ignored")
        << QByteArray("retry:  100\n") << none << QString() << -1;
    QTest::newRow("retry empty ignored")
        << QByteArray("retry\nretry:\n") << none << QString() << -1;
    QTest::newRow("retry huge saturates")
        << QByteArray("retry: 99999999999999999999\n") << none << QString() << 2147483647;
    QTest::newRow("retry applies without dispatch")
        << QByteArray("retry: 10\ndata: x\n") << none << QString() << 10;
    QTest::newRow("comments ignored")
        << QByteArray(": hb\n\n:\ndata: x\n: inside\n\n") << render({msg("x")}) << QString() << -1;
    QTest::newRow("unknown fields ignored")
        << QByteArray("foo: bar\ndata: x\nbaz\n\n") << render({msg("x")}) << QString() << -1;
    QTest::newRow("field names are case-sensitive")
        << QByteArray("Data: x\nEVENT: y\nID: 3\n\n") << none << QString() << -1;
    QTest::newRow("space before colon makes another field")
        << QByteArray("data : x\n\n") << none << QString() << -1;
    QTest::newRow("CR line ends") << QByteArray("event: e\rdata: a\rdata: b\r\r")
                                  << render(
                                         {{QStringLiteral("e"), QStringLiteral("a\nb"), QString()}})
                                  << QString() << -1;
    QTest::newRow("CRLF line ends") << QByteArray("id: 3\r\ndata: a\r\ndata: b\r\n\r\n")
                                    << render({msg("a\nb", "3")}) << QStringLiteral("3") << -1;
    QTest::newRow("mixed line ends") << QByteArray("data: a\rdata: b\ndata: c\r\n\ndata: d\r\r\n")
                                     << render({msg("a\nb\nc"), msg("d")}) << QString() << -1;
    QTest::newRow("CR CR is a blank line") << QByteArray("data: a\r\rdata: b\r\n\r\n")
                                           << render({msg("a"), msg("b")}) << QString() << -1;
    QTest::newRow("LF CR is two line ends")
        << QByteArray("data: a\n\rdata: b\n\n") << render({msg("a"), msg("b")}) << QString() << -1;
    QTest::newRow("leading BOM stripped") << QByteArray("\xEF\xBB\xBF"
                                                        "data: x\n\n")
                                          << render({msg("x")}) << QString() << -1;
    QTest::newRow("only one BOM stripped") << QByteArray("\xEF\xBB\xBF\xEF\xBB\xBF"
                                                         "data: x\n\n")
                                           << none << QString() << -1;
    QTest::newRow("BOM-like prefix that is not a BOM") << QByteArray("\xEF\xBB"
                                                                     "data: x\n\ndata: y\n\n")
                                                       << render({msg("y")}) << QString() << -1;
    QTest::newRow("BOM inside data is kept") << QByteArray("data: \xEF\xBB\xBFx\n\n")
                                             << render({msg("\xEF\xBB\xBFx")}) << QString() << -1;
    QTest::newRow("short stream of BOM prefix only")
        << QByteArray("\xEF") << none << QString() << -1;
    QTest::newRow("multi-byte characters")
        << QByteArray("data: \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\n\n")
        << render({msg("\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")}) << QString() << -1;
    QTest::newRow("invalid byte becomes U+FFFD") << QByteArray("data: a\xFF"
                                                               "b\n\n")
                                                 << render({msg("a\xEF\xBF\xBD"
                                                                "b")})
                                                 << QString() << -1;
    QTest::newRow("truncated sequence before line end becomes U+FFFD")
        << QByteArray("data: a\xE2\x82\ndata: b\n\n") << render({msg("a\xEF\xBF\xBD\nb")})
        << QString() << -1;
    QTest::newRow("truncated 4-byte sequence at the end of data is one U+FFFD")
        << QByteArray("data: \xF0\x9F\x98\n\n") << render({msg("\xEF\xBF\xBD")}) << QString() << -1;
    QTest::newRow("encoded surrogate is three U+FFFD")
        << QByteArray("data: \xED\xA0\x80!\n\n")
        << render({msg("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD!")}) << QString() << -1;
    QTest::newRow("overlong encoding is two U+FFFD")
        << QByteArray("data: \xC0\x80\n\n") << render({msg("\xEF\xBF\xBD\xEF\xBF\xBD")})
        << QString() << -1;
    QTest::newRow("above U+10FFFF")
        << QByteArray("data: \xF4\x90\x80\x80\n\n")
        << render({msg("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD")}) << QString() << -1;
    QTest::newRow("broken sequence then a valid character")
        << QByteArray("data: \xE2\x82\xC3\xA9\xF0\x9F\x98\x80\n\n")
        << render({msg("\xEF\xBF\xBD\xC3\xA9\xF0\x9F\x98\x80")}) << QString() << -1;
    QTest::newRow("a real U+FFFD is kept") << QByteArray("data: \xEF\xBF\xBDx\n\n")
                                           << render({msg("\xEF\xBF\xBDx")}) << QString() << -1;
    QTest::newRow("utf-8 event type")
        << QByteArray("event: \xC3\xA9v\ndata: x\n\n")
        << render({{QString::fromUtf8("\xC3\xA9v"), QStringLiteral("x"), QString()}}) << QString()
        << -1;
    QTest::newRow("NULL inside data is kept")
        << raw("data: a\0b\n\n")
        << render({{QStringLiteral("message"),
                    QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b")), QString()}})
        << QString() << -1;
    QTest::newRow("confab stream")
        << QByteArray("retry: 3000\n\nid: 41\nevent: message\ndata: {\"id\":41}\n\n: hb\n\n"
                      "event: typing\ndata: {\"member\":1}\n\n")
        << render(
               {msg("{\"id\":41}", "41"),
                {QStringLiteral("typing"), QStringLiteral("{\"member\":1}"), QStringLiteral("41")}})
        << QStringLiteral("41") << 3000;
    QTest::newRow("empty stream") << QByteArray() << none << QString() << -1;
    QTest::newRow("blank lines only") << QByteArray("\n\n\r\n\r") << none << QString() << -1;
}

void TestSseParser::rules()
{
    QFETCH(QByteArray, stream);
    QFETCH(QString, events);
    QFETCH(QString, lastEventId);
    QFETCH(int, retryMs);

    for (const QList<QByteArrayView> &chunking : chunkings(stream)) {
        const Outcome outcome = parseChunks(chunking);
        const QByteArray where = describe(chunking).toUtf8();
        QVERIFY2(!outcome.limitExceeded, where.constData());
        QVERIFY2(outcome.events == events,
                 QByteArray(where + ": got " + outcome.events.toUtf8() + " want " + events.toUtf8())
                     .constData());
        QVERIFY2(outcome.lastEventId == lastEventId,
                 QByteArray(where + ": last id " + outcome.lastEventId.toUtf8()).constData());
        QVERIFY2(outcome.retryMs == retryMs,
                 QByteArray(where + ": retry " + QByteArray::number(outcome.retryMs)).constData());
    }
}

void TestSseParser::unfinishedEventIsDiscardedAtEndOfStream()
{
    // Without the blank line nothing is dispatched, and an `id:` of that event is not taken.
    for (const QByteArray &stream : {QByteArray("data: x\n"), QByteArray("data: x"),
                                     QByteArray("id: 9\ndata: x\n"), QByteArray("data: x\r")}) {
        for (const QList<QByteArrayView> &chunking : chunkings(stream)) {
            const Outcome outcome = parseChunks(chunking);
            QCOMPARE(outcome.events, render({}));
            QCOMPARE(outcome.lastEventId, QString());
        }
    }
    // And the next stream starts clean: the leftover `data:` does not leak into it.
    SseParser parser;
    QStringList seen;
    parser.setEventSink([&seen](const SseParser::Event &event) { seen.append(event.data); });
    parser.feed("data: stale\ndata: half");
    parser.endOfStream();
    parser.reset();
    parser.feed("data: fresh\n\n");
    QCOMPARE(seen, QStringList {QStringLiteral("fresh")});
}

void TestSseParser::resetKeepsLastEventIdAndRetry()
{
    SseParser parser;
    QList<Expected> events;
    parser.setEventSink([&events](const SseParser::Event &event) {
        events.append({event.type, event.data, event.lastEventId});
    });
    QCOMPARE(parser.feed("retry: 1234\nid: 17\nevent: e\ndata: a\n\nevent: half\ndata: b"),
             SseParser::Status::Ok);
    parser.endOfStream();
    parser.reset();
    QCOMPARE(parser.lastEventId(), QStringLiteral("17"));
    QCOMPARE(parser.reconnectionTimeMs(), std::optional<int>(1234));
    // A BOM is stripped again at the start of the new stream.
    QCOMPARE(parser.feed("\xEF\xBB\xBF"
                         "data: c\n\n"),
             SseParser::Status::Ok);
    QCOMPARE(render(events),
             render({{QStringLiteral("e"), QStringLiteral("a"), QStringLiteral("17")},
                     {QStringLiteral("message"), QStringLiteral("c"), QStringLiteral("17")}}));
}

void TestSseParser::eventWithoutIdAfterResetKeepsPersistedId()
{
    // Confab's ephemeral events (typing, presence online) carry no id: they must not blank the ID
    // the client resumes from, neither in the stream that set it nor in the next one.
    SseParser parser;
    parser.feed("id: 41\ndata: m\n\n");
    parser.endOfStream();
    parser.reset();
    parser.feed("event: typing\ndata: t\n\n");
    QCOMPARE(parser.lastEventId(), QStringLiteral("41"));
}

void TestSseParser::setLastEventIdSeedsTheStream()
{
    SseParser parser;
    parser.setLastEventId(QStringLiteral("100"));
    QString seenId;
    parser.setEventSink([&seenId](const SseParser::Event &event) { seenId = event.lastEventId; });
    parser.feed("data: x\n\n");
    QCOMPARE(seenId, QStringLiteral("100"));
    QCOMPARE(parser.lastEventId(), QStringLiteral("100"));
}

void TestSseParser::endlessLineHitsTheCapAtEveryChunking()
{
    SseParser::Limits limits;
    limits.maxLineBytes = 64;
    const QByteArray stream = "data: " + QByteArray(200, 'x');
    for (const QList<QByteArrayView> &chunking : chunkings(stream)) {
        const Outcome outcome = parseChunks(chunking, limits);
        QVERIFY2(outcome.limitExceeded, describe(chunking).toUtf8().constData());
    }
    // A comment line is a line too: an endless comment is no way around the cap.
    const Outcome comment = parseChunks({QByteArray(": " + QByteArray(100, 'c'))}, limits);
    QVERIFY(comment.limitExceeded);
}

void TestSseParser::lineAtTheCapIsAccepted()
{
    SseParser::Limits limits;
    limits.maxLineBytes = 64;
    const QByteArray value(64 - 6, 'v');
    const QByteArray stream = "data: " + value + "\n\n";
    for (const QList<QByteArrayView> &chunking : chunkings(stream)) {
        const Outcome outcome = parseChunks(chunking, limits);
        QVERIFY(!outcome.limitExceeded);
        QCOMPARE(outcome.events,
                 render({{QStringLiteral("message"), QString::fromLatin1(value), {}}}));
    }
}

void TestSseParser::hugeDataFieldHitsTheCap()
{
    // Many short lines that never end the event: the data cap stops them, not the line cap.
    SseParser::Limits limits;
    limits.maxEventDataBytes = 1000;
    SseParser parser(limits);
    int dispatched = 0;
    parser.setEventSink([&dispatched](const SseParser::Event &) { ++dispatched; });
    SseParser::Status status = SseParser::Status::Ok;
    int lines = 0;
    while (status == SseParser::Status::Ok && lines < 10000) {
        status = parser.feed("data: 0123456789\n");
        ++lines;
    }
    QCOMPARE(status, SseParser::Status::LimitExceeded);
    QVERIFY2(lines < 100, QByteArray::number(lines).constData());
    QCOMPARE(dispatched, 0);
    // Exactly at the cap is still fine: 1000 bytes including the joining LFs.
    SseParser exact(limits);
    QCOMPARE(exact.feed(QByteArray("data: " + QByteArray(999, 'z') + "\n\n")),
             SseParser::Status::Ok);
}

void TestSseParser::failedParserStaysFailedUntilReset()
{
    SseParser::Limits limits;
    limits.maxLineBytes = 16;
    SseParser parser(limits);
    QStringList seen;
    parser.setEventSink([&seen](const SseParser::Event &event) { seen.append(event.data); });
    QCOMPARE(parser.feed("id: 1\ndata: ok\n\n"), SseParser::Status::Ok);
    QCOMPARE(parser.feed(QByteArray(40, 'x')), SseParser::Status::LimitExceeded);
    QCOMPARE(parser.feed("\n\ndata: lost\n\n"), SseParser::Status::LimitExceeded);
    QCOMPARE(seen, QStringList {QStringLiteral("ok")});
    parser.reset();
    QCOMPARE(parser.feed("data: again\n\n"), SseParser::Status::Ok);
    QCOMPARE(seen, (QStringList {QStringLiteral("ok"), QStringLiteral("again")}));
    QCOMPARE(parser.lastEventId(), QStringLiteral("1"));
}

void TestSseParser::largeStreamDecodesEveryEvent()
{
    // A realistic mix in 4 KiB chunks (the way sockets deliver): every event, in order, intact.
    QByteArray stream = "retry: 3000\n\n";
    const int count = 5000;
    for (int i = 1; i <= count; ++i) {
        stream += "id: " + QByteArray::number(i) + "\nevent: message\ndata: {\"n\":"
            + QByteArray::number(i) + ",\"t\":\"h\xC3\xA9llo\"}\n\n";
        if (i % 100 == 0)
            stream += ": hb\n\n";
    }
    SseParser parser;
    int next = 1;
    bool inOrder = true;
    parser.setEventSink([&](const SseParser::Event &event) {
        const QString want = QStringLiteral("{\"n\":") + QString::number(next)
            + QString::fromUtf8(",\"t\":\"h\xC3\xA9llo\"}");
        inOrder = inOrder && event.data == want && event.lastEventId == QString::number(next);
        ++next;
    });
    for (qsizetype at = 0; at < stream.size(); at += 4096)
        QCOMPARE(parser.feed(
                     QByteArrayView(stream).sliced(at, qMin<qsizetype>(4096, stream.size() - at))),
                 SseParser::Status::Ok);
    QVERIFY(inOrder);
    QCOMPARE(next - 1, count);
}

QTEST_APPLESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
