// Benchmark of the desktop timeline (MessageModel + MessageView + MessageDelegate), offscreen:
//  1. memory with 100,000 messages in the view (target: under 150 MB for the whole process);
//  2. 1000 incoming messages per second appended for a few seconds while the view follows the
//     bottom: the longest event-loop stall (a UI that freezes shows up as a long stall).
// Prints figures; exits 1 when a target is missed. Run a Release build for representative
// numbers (sanitizers multiply memory and time).

#include "messagedelegate.h"
#include "messagemodel.h"
#include "messageview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QScrollBar>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace confab;

namespace {

constexpr int FullMessageCount = 100000;
constexpr int SmokeMessageCount = 5000; // `--smoke` (ctest): checks it runs, no targets
constexpr double MemoryTargetMb = 150.0;
constexpr int IncomingPerSecond = 1000;
constexpr int FeedTickMs = 10; // 10 messages every 10 ms = 1000 per second
constexpr int FullFeedSeconds = 5;
constexpr int StallProbeMs = 5;
constexpr int StallTargetMs = 100; // longer than this is a visible freeze
constexpr qint64 BaseTimestampMs = 1700000000000;

double residentMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

MessageEvent makeMessage(qint64 id)
{
    static const QStringList senders
        = {QStringLiteral("Ana"), QStringLiteral("Bo"), QStringLiteral("Cy"), QStringLiteral("Dee"),
           QStringLiteral("李雷")};
    static const QStringList texts = {
        QStringLiteral("ok"),
        QStringLiteral("Did anyone see the build log from this morning?"),
        QStringLiteral(
            "Slides are at http://192.168.1.20:8848/files/slides.pdf, have a look before lunch."),
        QStringLiteral(
            "A longer message that wraps over a few lines in a normal window, because people "
            "sometimes explain things at length in a chat room and the view must cope with "
            "that without slowing down, even with a hundred thousand of them above."),
        QStringLiteral("<b>markup</b> stays text"),
        QStringLiteral("好的，我马上过来。")};
    MessageEvent message;
    message.id = id;
    message.room = QStringLiteral("lobby");
    const QString &sender = senders.at(int((id / 3) % senders.size()));
    message.from = {QStringLiteral("m_") + sender, sender};
    message.text = texts.at(int(id % texts.size()));
    message.ts = BaseTimestampMs + id * 20000; // a day separator every ~4300 messages
    message.clientId = QStringLiteral("c-%1").arg(id);
    return message;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen")
                                                 : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    const bool smoke = QApplication::arguments().contains(QStringLiteral("--smoke"));
    const int MessageCount = smoke ? SmokeMessageCount : FullMessageCount;
    const int FeedSeconds = smoke ? 1 : FullFeedSeconds;
    bool ok = true;
    const double baseMb = residentMb();

    MessageModel model;
    model.setOwnMemberId(QStringLiteral("m_Ana"));
    MessageView view;
    view.resize(900, 700);
    view.setModel(&model);
    view.show();
    QApplication::processEvents();

    QElapsedTimer clock;
    clock.start();
    for (qint64 id = 1; id <= MessageCount; ++id)
        model.addMessage(makeMessage(id));
    const qint64 insertMs = clock.elapsed();
    // Let the batched layout finish and paint the bottom.
    clock.restart();
    int stableRounds = 0;
    int lastMaximum = -1;
    while (stableRounds < 20 && clock.elapsed() < 120000) {
        QApplication::processEvents(QEventLoop::AllEvents, 50);
        const int maximum = view.verticalScrollBar()->maximum();
        stableRounds = maximum == lastMaximum ? stableRounds + 1 : 0;
        lastMaximum = maximum;
    }
    const qint64 layoutMs = clock.elapsed();
    view.scrollToNewest();
    QApplication::processEvents();
    const double loadedMb = residentMb();
    std::printf("bench_messageview: %d messages: model insert %lld ms, view layout %lld ms\n",
                model.rowCount(), static_cast<long long>(insertMs),
                static_cast<long long>(layoutMs));
    std::printf("bench_messageview: RSS %.1f MB before, %.1f MB with %d messages shown (+%.1f MB); "
                "target < %.0f MB\n",
                baseMb, loadedMb, MessageCount, loadedMb - baseMb, MemoryTargetMb);
    if (loadedMb > MemoryTargetMb) {
        std::printf("bench_messageview: FAIL memory\n");
        ok = false;
    }

    // 1000 messages per second arrive while the user watches the bottom.
    std::vector<qint64> gaps;
    QElapsedTimer probeClock;
    probeClock.start();
    qint64 lastProbe = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    // How often the newest message is actually on screen while the stream runs.
    int visibleChecks = 0;
    int newestVisible = 0;
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 now = probeClock.elapsed();
        gaps.push_back(now - lastProbe);
        lastProbe = now;
        if (gaps.size() % 20 == 0) { // every ~100 ms
            ++visibleChecks;
            const QAbstractItemModel *shown = view.model(); // the view's window of the timeline
            const QModelIndex last = shown->index(shown->rowCount() - 1, 0);
            const QRect newest = view.visualRect(last);
            // The newest row of the view must also be the newest message of the model.
            if (last.data(MessageModel::SequenceRole).toLongLong() != model.newestSequence())
                return;
            if (newest.isValid() && view.viewport()->rect().intersects(newest))
                ++newestVisible;
        }
    });
    qint64 nextId = MessageCount + 1;
    int appended = 0;
    QTimer feed;
    feed.setTimerType(Qt::PreciseTimer);
    QElapsedTimer feedClock;
    QObject::connect(&feed, &QTimer::timeout, [&] {
        // Catch up to the wall clock so a slow tick does not lower the offered rate.
        const qint64 due = feedClock.elapsed() * IncomingPerSecond / 1000;
        while (appended < due) {
            model.addMessage(makeMessage(nextId++));
            ++appended;
        }
    });
    QEventLoop loop;
    QTimer::singleShot(FeedSeconds * 1000, &loop, &QEventLoop::quit);
    const std::clock_t cpuBefore = std::clock();
    feedClock.start();
    lastProbe = probeClock.elapsed();
    probe.start(StallProbeMs);
    feed.start(FeedTickMs);
    loop.exec();
    feed.stop();
    probe.stop();
    const double cpuPercent
        = 100.0 * double(std::clock() - cpuBefore) / CLOCKS_PER_SEC / FeedSeconds;
    std::sort(gaps.begin(), gaps.end());
    const qint64 maxGap = gaps.empty() ? 0 : gaps.back();
    const qint64 p99Gap = gaps.empty() ? 0 : gaps.at(gaps.size() * 99 / 100);
    QApplication::processEvents();
    const bool followed = view.isAtBottom();
    std::printf(
        "bench_messageview: appended %d messages in %d s (%d/s offered); event-loop stall max %lld "
        "ms, "
        "p99 %lld ms (probe every %d ms); target max < %d ms; view followed the bottom: %s\n",
        appended, FeedSeconds, IncomingPerSecond, static_cast<long long>(maxGap),
        static_cast<long long>(p99Gap), StallProbeMs, StallTargetMs, followed ? "yes" : "no");
    std::printf("bench_messageview: CPU while streaming %.0f%% of one core\n", cpuPercent);
    std::printf("bench_messageview: newest message on screen in %d of %d samples (every ~100 ms)\n",
                newestVisible, visibleChecks);
    std::printf("bench_messageview: RSS after the stream %.1f MB with %d messages\n", residentMb(),
                model.rowCount());
    if (maxGap >= StallTargetMs || !followed || newestVisible == 0) {
        std::printf("bench_messageview: FAIL responsiveness\n");
        ok = false;
    }
    std::printf("bench_messageview: %s\n", ok ? "PASS" : "FAIL");
    if (smoke)
        return model.rowCount() == MessageCount + appended ? 0 : 1;
    return ok ? 0 : 1;
}
