// Throughput of the text/event-stream parser (common/sseparser.cpp). Prints figures; the target is
// at least 300 MB/s on a large stream in a Release build. Not a pass/fail test, except that every
// event must come out (a parser that drops events would look fast).
//
//   bench_sseparser [--mb N] [--runs N] [--smoke]

#include "sseparser.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QStringList>
#include <algorithm>
#include <cstdio>
#include <functional>

using confab::SseParser;

namespace {

struct Workload
{
    const char *name;
    QByteArray stream;
    qsizetype chunkBytes;
    qint64 events;
};

// What a busy Confab room looks like on the wire: ids, event names, one line of JSON, heartbeats.
Workload chatStream(qint64 targetBytes, qsizetype chunkBytes)
{
    Workload work {"chat events (~230 B), 16 KiB chunks", {}, chunkBytes, 0};
    work.stream.reserve(targetBytes + 1024);
    work.stream += "retry: 3000\n\n";
    qint64 id = 1;
    while (work.stream.size() < targetBytes) {
        work.stream += "id: " + QByteArray::number(id)
            + "\nevent: message\ndata: {\"id\":" + QByteArray::number(id)
            + ",\"room\":\"lobby\",\"from\":{\"id\":\"m_4ae364007d9f5e9e\",\"name\":\"Ana\"},"
              "\"text\":\"Hello everyone, the slides for the 14:00 session are on the share "
              "\\u00e9t\\u00e9\","
              "\"ts\":1700000000000,\"clientId\":\"c-666f96f1-2cfa-475b-8c9b-8a679cb66828\"}\n\n";
        ++work.events;
        if (id % 50 == 0)
            work.stream += ": hb\n\n";
        ++id;
    }
    return work;
}

// Few large events: long data lines dominate.
Workload bigEvents(qint64 targetBytes, qsizetype chunkBytes)
{
    Workload work {"60 KB events, 64 KiB chunks", {}, chunkBytes, 0};
    const QByteArray payload(60000, 'x');
    while (work.stream.size() < targetBytes) {
        work.stream += "event: blob\ndata: " + payload + "\n\n";
        ++work.events;
    }
    return work;
}

// Multi-line data with CRLF line ends, split at awkward places (odd chunk size).
Workload crlfStream(qint64 targetBytes, qsizetype chunkBytes)
{
    Workload work {"CRLF, 4-line data, 1021 B chunks", {}, chunkBytes, 0};
    while (work.stream.size() < targetBytes) {
        work.stream += "event: note\r\ndata: first line of the note\r\ndata: second line\r\n"
                       "data: third line with \xC3\xA9\r\ndata: last\r\n\r\n";
        ++work.events;
    }
    return work;
}

struct Figures
{
    double bestMBps = 0;
    double medianMBps = 0;
    qint64 events = 0;
};

Figures run(const Workload &work, int runs)
{
    std::vector<double> rates;
    qint64 events = 0;
    for (int i = 0; i < runs; ++i) {
        SseParser::Limits limits;
        limits.maxEventDataBytes = 1024 * 1024;
        SseParser parser(limits);
        events = 0;
        qsizetype checksum = 0;
        parser.setEventSink([&](const SseParser::Event &event) {
            ++events;
            checksum += event.data.size();
        });
        const QByteArrayView all(work.stream);
        QElapsedTimer timer;
        timer.start();
        for (qsizetype at = 0; at < all.size(); at += work.chunkBytes)
            parser.feed(all.sliced(at, std::min(work.chunkBytes, all.size() - at)));
        const qint64 ns = std::max<qint64>(timer.nsecsElapsed(), 1);
        rates.push_back(double(all.size()) / 1e6 / (double(ns) / 1e9));
        if (checksum == 0)
            std::fputs("(no data?)\n", stderr);
    }
    std::sort(rates.begin(), rates.end());
    return {rates.back(), rates[rates.size() / 2], events};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    qint64 megabytes = 128;
    int runs = 5;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments[i] == QLatin1StringView("--smoke")) {
            megabytes = 2;
            runs = 1;
        } else if (arguments[i] == QLatin1StringView("--mb") && i + 1 < arguments.size()) {
            megabytes = std::max(1, arguments[++i].toInt());
        } else if (arguments[i] == QLatin1StringView("--runs") && i + 1 < arguments.size()) {
            runs = std::max(1, arguments[++i].toInt());
        }
    }
    const qint64 bytes = megabytes * 1000 * 1000;
#ifdef QT_DEBUG
    std::puts("note: a Debug build; the throughput target applies to Release builds");
#endif
    std::printf("SSE parser throughput, %lld MB per workload, best/median of %d runs\n",
                static_cast<long long>(megabytes), runs);
    bool allEvents = true;
    for (const Workload &work :
         {chatStream(bytes, 16 * 1024), bigEvents(bytes, 64 * 1024), crlfStream(bytes, 1021)}) {
        const Figures figures = run(work, runs);
        std::printf("  %-40s %8.0f MB/s best  %8.0f MB/s median  %10lld events\n", work.name,
                    figures.bestMBps, figures.medianMBps, static_cast<long long>(figures.events));
        if (figures.events != work.events) {
            std::printf("  ERROR: %lld events expected\n", static_cast<long long>(work.events));
            allEvents = false;
        }
    }
    return allEvents ? 0 : 1;
}
