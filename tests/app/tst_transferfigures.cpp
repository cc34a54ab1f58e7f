// The figures of a transfer as every client shows them: sizes and speeds in binary units with
// the same rounding as the web page's formatSize (tests/web checks that one with the same
// table), and TransferSpeed, the speed meter shared by uploads and downloads, on a clock of the
// test's own.

#include "datasize.h"
#include "transferspeed.h"

#include <QTest>

using namespace confab;

class TestTransferFigures : public QObject
{
    Q_OBJECT
private slots:
    void sizes_data();
    void sizes();
    void sizesFollowTheLocalesNumbers();
    void rates();
    void speedIsMeasuredOverAnInterval();
    void speedIsSmoothedAndStopsAtZero();
};

void TestTransferFigures::sizes_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");
    // The same table as tests/web/files.test.mjs ("sizes read the same as in the window").
    QTest::newRow("zero") << qint64(0) << QStringLiteral("0 B");
    QTest::newRow("negative") << qint64(-5) << QStringLiteral("0 B");
    QTest::newRow("bytes") << qint64(512) << QStringLiteral("512 B");
    QTest::newRow("just under a KiB") << qint64(1023) << QStringLiteral("1023 B");
    QTest::newRow("one KiB") << qint64(1024) << QStringLiteral("1.0 KiB");
    QTest::newRow("KiB with a decimal") << qint64(1536) << QStringLiteral("1.5 KiB");
    QTest::newRow("hundreds: no decimal") << qint64(180000) << QStringLiteral("176 KiB");
    QTest::newRow("rounds up to the next unit") << qint64(1048575) << QStringLiteral("1.0 MiB");
    QTest::newRow("MiB") << qint64(12900000) << QStringLiteral("12.3 MiB");
    QTest::newRow("512 MiB") << qint64(512) * 1024 * 1024 << QStringLiteral("512 MiB");
    QTest::newRow("4 GiB") << qint64(4) * 1024 * 1024 * 1024 << QStringLiteral("4.0 GiB");
    QTest::newRow("TiB") << qint64(3) * 1024 * 1024 * 1024 * 1024 << QStringLiteral("3.0 TiB");
    QTest::newRow("past TiB stays TiB")
        << qint64(2048) * 1024 * 1024 * 1024 * 1024 << QStringLiteral("2048 TiB");
}

void TestTransferFigures::sizes()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(formatDataSize(bytes, QLocale::c()), text);
    // English and Chinese read the same (the unit names are not translated).
    QCOMPARE(formatDataSize(bytes, QLocale(QLocale::Chinese, QLocale::China)), text);
}

void TestTransferFigures::sizesFollowTheLocalesNumbers()
{
    QCOMPARE(formatDataSize(1536, QLocale(QLocale::German, QLocale::Germany)),
             QStringLiteral("1,5 KiB"));
}

void TestTransferFigures::rates()
{
    QCOMPARE(formatDataRate(0, QLocale::c()), QStringLiteral("0 B/s"));
    QCOMPARE(formatDataRate(-1, QLocale::c()), QStringLiteral("0 B/s"));
    QCOMPARE(formatDataRate(1.5 * 1024 * 1024, QLocale::c()), QStringLiteral("1.5 MiB/s"));
}

void TestTransferFigures::speedIsMeasuredOverAnInterval()
{
    qint64 now = 1000;
    TransferSpeed speed([&now] { return now; });
    QVERIFY(!speed.isRunning());
    QVERIFY(!speed.sample(100)); // not started: nothing measured
    speed.start(1000); // a resumed transfer: what was there before is not this run's speed
    QVERIFY(speed.isRunning());
    now += TransferSpeed::IntervalMs - 1;
    QVERIFY(!speed.sample(2000)); // too soon for a figure
    QCOMPARE(speed.bytesPerSecond(), 0.0);
    now += 1;
    QVERIFY(speed.sample(1000 + 500000));
    QCOMPARE(speed.bytesPerSecond(), 1000000.0); // 500000 bytes in 500 ms
    now += 100;
    QVERIFY(speed.sample(1000 + 600000, true)); // forced (the end): any time that passed counts
    QCOMPARE(speed.bytesPerSecond(), 0.5 * 1000000.0 + 0.5 * 1000000.0);
    QVERIFY(!speed.sample(1000 + 700000, true)); // no time passed: no figure
}

void TestTransferFigures::speedIsSmoothedAndStopsAtZero()
{
    qint64 now = 0;
    TransferSpeed speed([&now] { return now; });
    speed.start(0);
    now = 1000;
    QVERIFY(speed.sample(4000)); // 4000 B/s
    now = 2000;
    QVERIFY(speed.sample(4000)); // nothing in this second: halfway down, not straight to 0
    QCOMPARE(speed.bytesPerSecond(), 2000.0);
    now = 3000;
    QVERIFY(speed.sample(2000)); // a position going back (a restarted file) counts as 0
    QCOMPARE(speed.bytesPerSecond(), 1000.0);
    QVERIFY(speed.stop()); // was not 0: a change to show
    QCOMPARE(speed.bytesPerSecond(), 0.0);
    QVERIFY(!speed.stop());
    QVERIFY(!speed.sample(9000, true)); // stopped: no figures until started again
    speed.start(9000);
    now = 3500;
    QVERIFY(speed.sample(9000 + 1000));
    QCOMPARE(speed.bytesPerSecond(), 2000.0); // afresh, not smoothed with the old figure
}

QTEST_GUILESS_MAIN(TestTransferFigures)
#include "tst_transferfigures.moc"
