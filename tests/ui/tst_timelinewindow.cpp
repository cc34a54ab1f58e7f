// TimelineWindow: the view's bounded window over a real MessageModel, checked row by row against
// the model and by QAbstractItemModelTester for consistent change signals.

#include "messagemodel.h"
#include "timelinewindow.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace confab;

namespace {

MessageEvent message(qint64 id)
{
    MessageEvent event;
    event.id = id;
    event.room = QStringLiteral("lobby");
    event.from = {QStringLiteral("m_1"), QStringLiteral("Ana")};
    event.text = QStringLiteral("message %1").arg(id);
    event.ts = 1700000000000 + id * 1000;
    event.clientId = QStringLiteral("c-%1").arg(id);
    return event;
}

// Every shown row is the matching row of the tail of the model.
void verifyWindow(const TimelineWindow &window, const MessageModel &model)
{
    QCOMPARE(window.rowCount(), model.rowCount() - window.firstSourceRow());
    for (int row = 0; row < window.rowCount(); ++row) {
        QCOMPARE(window.index(row).data(MessageModel::TextRole),
                 model.index(window.firstSourceRow() + row).data(MessageModel::TextRole));
    }
}

} // namespace

class TestTimelineWindow : public QObject
{
    Q_OBJECT
private slots:
    void showsEverythingUntilTrimmed();
    void trimKeepsTheNewestAndGrowsBack();
    void appendsAndPendingRowsFollowTheTail();
    void olderHistoryShowsOnlyWhenEverythingIsShown();
};

void TestTimelineWindow::showsEverythingUntilTrimmed()
{
    MessageModel model;
    TimelineWindow window;
    QAbstractItemModelTester tester(&window,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.setSourceModel(&model);
    for (qint64 id = 1; id <= 100; ++id)
        model.addMessage(message(id));
    QCOMPARE(window.rowCount(), 100);
    QVERIFY(window.showsEverything());
    window.trim(); // under MaxRows: nothing to do
    QCOMPARE(window.rowCount(), 100);
    verifyWindow(window, model);
}

void TestTimelineWindow::trimKeepsTheNewestAndGrowsBack()
{
    MessageModel model;
    TimelineWindow window;
    QAbstractItemModelTester tester(&window,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.setSourceModel(&model);
    constexpr int Count = 1000;
    for (qint64 id = 1; id <= Count; ++id)
        model.addMessage(message(id));
    window.trim();
    QCOMPARE(window.rowCount(), TimelineWindow::KeepRows);
    QVERIFY(!window.showsEverything());
    QCOMPARE(window.index(window.rowCount() - 1).data(MessageModel::TextRole).toString(),
             QStringLiteral("message %1").arg(Count));
    verifyWindow(window, model);

    QVERIFY(window.growUp(150));
    QCOMPARE(window.rowCount(), TimelineWindow::KeepRows + 150);
    verifyWindow(window, model);
    while (window.growUp())
        verifyWindow(window, model);
    QVERIFY(window.showsEverything());
    QCOMPARE(window.rowCount(), Count);
    QVERIFY(!window.growUp());
    verifyWindow(window, model);
}

void TestTimelineWindow::appendsAndPendingRowsFollowTheTail()
{
    MessageModel model;
    model.setOwnMemberId(QStringLiteral("m_1"));
    TimelineWindow window;
    QAbstractItemModelTester tester(&window,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.setSourceModel(&model);
    for (qint64 id = 1; id <= 600; ++id)
        model.addMessage(message(id));
    window.trim();
    const int first = window.firstSourceRow();
    QVERIFY(first > 0);

    // A message of ours: pending at the end, then acknowledged in place.
    model.addPending(QStringLiteral("c-mine"), {QStringLiteral("m_1"), QStringLiteral("Ana")},
                     QStringLiteral("mine"), MessageModel::Delivery::Sending);
    QCOMPARE(window.index(window.rowCount() - 1).data(MessageModel::TextRole).toString(),
             QStringLiteral("mine"));
    model.setPendingDelivery(QStringLiteral("c-mine"), MessageModel::Delivery::Queued);
    QCOMPARE(window.index(window.rowCount() - 1)
                 .data(MessageModel::DeliveryRole)
                 .value<MessageModel::Delivery>(),
             MessageModel::Delivery::Queued);
    MessageEvent mine = message(601);
    mine.text = QStringLiteral("mine");
    mine.clientId = QStringLiteral("c-mine");
    model.addMessage(mine);
    model.addMessage(message(602));
    QCOMPARE(window.firstSourceRow(), first);
    verifyWindow(window, model);
    int mineRows = 0;
    for (int row = 0; row < window.rowCount(); ++row)
        mineRows
            += window.index(row).data(MessageModel::TextRole).toString() == QStringLiteral("mine");
    QCOMPARE(mineRows, 1);

    model.clear();
    QCOMPARE(window.rowCount(), 0);
    QVERIFY(window.showsEverything());
}

void TestTimelineWindow::olderHistoryShowsOnlyWhenEverythingIsShown()
{
    MessageModel model;
    TimelineWindow window;
    QAbstractItemModelTester tester(&window,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.setSourceModel(&model);
    for (qint64 id = 1001; id <= 1500; ++id)
        model.addMessage(message(id));
    window.trim();
    const int shown = window.rowCount();
    std::vector<ChatEvent> older;
    for (qint64 id = 901; id <= 1000; ++id)
        older.push_back(message(id));
    model.prependHistory(older);
    // Above a trimmed window: not shown yet, and what is shown did not move.
    QCOMPARE(window.rowCount(), shown);
    verifyWindow(window, model);
    while (window.growUp())
        ;
    QCOMPARE(window.index(0).data(MessageModel::TextRole).toString(),
             QStringLiteral("message 901"));

    // Everything shown: the next page comes straight in at the top.
    older.clear();
    for (qint64 id = 801; id <= 900; ++id)
        older.push_back(message(id));
    model.prependHistory(older);
    QCOMPARE(window.index(0).data(MessageModel::TextRole).toString(),
             QStringLiteral("message 801"));
    QCOMPARE(window.rowCount(), model.rowCount());
    verifyWindow(window, model);
}

QTEST_GUILESS_MAIN(TestTimelineWindow)
#include "tst_timelinewindow.moc"
