// The timeline and members models on their own: ordering by sequence, deduplication, pending
// rows, paging, grouping and day separators; presence and typing.

#include "conversationlistmodel.h"
#include "membermodel.h"
#include "messagemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace confab;

namespace {

const Member Ana {QStringLiteral("m_ana"), QStringLiteral("Ana")};
const Member Bo {QStringLiteral("m_bo"), QStringLiteral("Bo")};
constexpr qint64 Noon = 1700000000000; // some fixed instant

MessageEvent message(qint64 id, const Member &from, const QString &text, qint64 ts = Noon,
                     const QString &clientId = {})
{
    return MessageEvent {id, QStringLiteral("lobby"), from, text, ts, clientId};
}

QList<qint64> sequences(const MessageModel &model)
{
    QList<qint64> out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.index(row).data(MessageModel::SequenceRole).toLongLong());
    return out;
}

} // namespace

class TestMessageModels : public QObject
{
    Q_OBJECT
private slots:
    void messagesAreOrderedBySequenceAndDeduplicated();
    void pendingRowIsReplacedByItsEvent();
    void pendingRowsStayAtTheEnd();
    void othersCannotClaimOurPendingRow();
    void historyPagesGoOnTop();
    void noticesForJoinAndLeaveOnly();
    void groupingAndDaySeparators();
    void membersPresenceAndTyping();
    void typingEndsWithTheMessageAndEveryoneGoesOfflineWithTheHub();
    void editsDeletesAndMentions();
    void conversationListOrderAndBadges();
};

void TestMessageModels::messagesAreOrderedBySequenceAndDeduplicated()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(model.addMessage(message(5, Ana, QStringLiteral("five"))));
    QVERIFY(model.addMessage(message(3, Ana, QStringLiteral("three"))));
    QVERIFY(model.addMessage(message(9, Bo, QStringLiteral("nine"))));
    QVERIFY(!model.addMessage(message(5, Ana, QStringLiteral("five again"))));
    QVERIFY(!model.addMessage(message(0, Ana, QStringLiteral("no sequence"))));
    QCOMPARE(sequences(model), (QList<qint64> {3, 5, 9}));
    QCOMPARE(model.oldestSequence(), 3);
    QCOMPARE(model.newestSequence(), 9);
    QCOMPARE(model.index(1).data(MessageModel::TextRole).toString(), QStringLiteral("five"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.addMessage(message(5, Ana, QStringLiteral("five"))));
}

void TestMessageModels::pendingRowIsReplacedByItsEvent()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setOwnMemberId(Bo.id);
    model.addMessage(message(1, Ana, QStringLiteral("hi")));
    model.addPending(QStringLiteral("c-1"), Bo, QStringLiteral("mine"),
                     MessageModel::Delivery::Sending);
    QCOMPARE(model.pendingCount(), 1);
    QCOMPARE(model.index(1).data(MessageModel::DeliveryRole).value<MessageModel::Delivery>(),
             MessageModel::Delivery::Sending);
    QVERIFY(model.index(1).data(MessageModel::IsOwnRole).toBool());
    model.setPendingDelivery(QStringLiteral("c-1"), MessageModel::Delivery::Queued);
    QCOMPARE(model.index(1).data(MessageModel::DeliveryRole).value<MessageModel::Delivery>(),
             MessageModel::Delivery::Queued);

    QVERIFY(model.addMessage(message(2, Bo, QStringLiteral("mine"), Noon, QStringLiteral("c-1"))));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.pendingCount(), 0);
    QCOMPARE(model.index(1).data(MessageModel::SequenceRole).toLongLong(), 2);
    QCOMPARE(model.index(1).data(MessageModel::DeliveryRole).value<MessageModel::Delivery>(),
             MessageModel::Delivery::Delivered);
    // The answer to the POST arriving after the stream's event changes nothing.
    QVERIFY(!model.addMessage(message(2, Bo, QStringLiteral("mine"), Noon, QStringLiteral("c-1"))));
    QCOMPARE(model.rowCount(), 2);
}

void TestMessageModels::pendingRowsStayAtTheEnd()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setOwnMemberId(Bo.id);
    model.addPending(QStringLiteral("c-1"), Bo, QStringLiteral("a"),
                     MessageModel::Delivery::Queued);
    model.addPending(QStringLiteral("c-2"), Bo, QStringLiteral("b"),
                     MessageModel::Delivery::Queued);
    model.addMessage(message(7, Ana, QStringLiteral("from ana")));
    QCOMPARE(sequences(model), (QList<qint64> {7, 0, 0}));
    QCOMPARE(model.newestSequence(), 7);
    model.removePending(QStringLiteral("c-1"));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1).data(MessageModel::TextRole).toString(), QStringLiteral("b"));
}

void TestMessageModels::othersCannotClaimOurPendingRow()
{
    // A clientId is only unique per member: Ana's message with our clientId is hers, not ours.
    MessageModel model;
    model.setOwnMemberId(Bo.id);
    model.addPending(QStringLiteral("c-1"), Bo, QStringLiteral("mine"),
                     MessageModel::Delivery::Sending);
    model.addMessage(message(4, Ana, QStringLiteral("hers"), Noon, QStringLiteral("c-1")));
    QCOMPARE(model.pendingCount(), 1);
    QCOMPARE(model.rowCount(), 2);
}

void TestMessageModels::historyPagesGoOnTop()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addMessage(message(10, Ana, QStringLiteral("ten")));
    model.addMessage(message(11, Ana, QStringLiteral("eleven")));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.prependHistory(
        {message(7, Bo, QStringLiteral("seven")), message(8, Bo, QStringLiteral("eight")),
         PresenceEvent {PresenceState::Join, Ana, QStringLiteral("lobby"), 9, Noon},
         PresenceEvent {PresenceState::Online, Ana, QStringLiteral("lobby"), 0, Noon}});
    QCOMPARE(sequences(model), (QList<qint64> {7, 8, 9, 10, 11}));
    QCOMPARE(inserted.size(), 1); // one block
    QCOMPARE(inserted.first().at(1).toInt(), 0);
    QCOMPARE(inserted.first().at(2).toInt(), 2);
    // A page overlapping what is shown (after a reset) still leaves each sequence once.
    model.prependHistory({message(6, Bo, QStringLiteral("six")),
                          message(8, Bo, QStringLiteral("eight")),
                          message(12, Bo, QStringLiteral("twelve"))});
    QCOMPARE(sequences(model), (QList<qint64> {6, 7, 8, 9, 10, 11, 12}));
}

void TestMessageModels::noticesForJoinAndLeaveOnly()
{
    MessageModel model;
    QVERIFY(model.addNotice({PresenceState::Join, Ana, QStringLiteral("lobby"), 1, Noon}));
    QVERIFY(!model.addNotice({PresenceState::Online, Ana, QStringLiteral("lobby"), 0, Noon}));
    QVERIFY(!model.addNotice({PresenceState::Join, Ana, QStringLiteral("lobby"), 1, Noon}));
    QVERIFY(model.addNotice({PresenceState::Leave, Ana, QStringLiteral("lobby"), 2, Noon}));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0).data(MessageModel::KindRole).value<MessageModel::Kind>(),
             MessageModel::Kind::Notice);
    QCOMPARE(model.index(0).data(Qt::DisplayRole).toString(), QStringLiteral("Ana joined"));
    QCOMPARE(model.index(1).data(Qt::DisplayRole).toString(), QStringLiteral("Ana left"));
}

void TestMessageModels::groupingAndDaySeparators()
{
    MessageModel model;
    const qint64 minute = 60 * 1000;
    const QDateTime morning(QDate(2026, 3, 10), QTime(9, 0));
    const qint64 t0 = morning.toMSecsSinceEpoch();
    model.addMessage(message(1, Ana, QStringLiteral("a"), t0));
    model.addMessage(message(2, Ana, QStringLiteral("b"), t0 + minute)); // grouped with 1
    model.addMessage(message(3, Bo, QStringLiteral("c"), t0 + 2 * minute)); // other sender
    model.addMessage(message(4, Bo, QStringLiteral("d"), t0 + 20 * minute)); // too long after
    model.addMessage(message(5, Bo, QStringLiteral("e"),
                             QDateTime(QDate(2026, 3, 11), QTime(9, 0)).toMSecsSinceEpoch()));
    auto grouped
        = [&](int row) { return model.index(row).data(MessageModel::GroupedRole).toBool(); };
    auto newDay = [&](int row) { return model.index(row).data(MessageModel::NewDayRole).toBool(); };
    QVERIFY(!grouped(0));
    QVERIFY(newDay(0));
    QVERIFY(grouped(1));
    QVERIFY(!newDay(1));
    QVERIFY(!grouped(2));
    QVERIFY(!grouped(3));
    QVERIFY(!grouped(4));
    QVERIFY(newDay(4));
    // Inserting between rows tells the view that the next row's grouping may have changed.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.prependHistory({message(1, Ana, QStringLiteral("dup"), t0)}); // duplicate: nothing
    QCOMPARE(changed.size(), 0);
    QCOMPARE(model.index(0).data(MessageModel::TimestampRole).toDateTime(), morning);
}

void TestMessageModels::membersPresenceAndTyping()
{
    MemberModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy typing(&model, &MemberModel::typingNamesChanged);
    model.setSelfId(Bo.id);
    model.setMembers({{Bo, true}, {Ana, false}});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0).data(Qt::DisplayRole).toString(), QStringLiteral("Ana")); // by name
    QVERIFY(model.index(1).data(MemberModel::IsSelfRole).toBool());
    QCOMPARE(model.onlineCount(), 1);

    model.applyPresence({PresenceState::Online, Ana, QStringLiteral("lobby"), 0, Noon});
    QCOMPARE(model.onlineCount(), 2);
    const Member cy {QStringLiteral("m_cy"), QStringLiteral("cy")};
    model.applyPresence({PresenceState::Join, cy, QStringLiteral("lobby"), 5, Noon});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(2).data(Qt::DisplayRole).toString(),
             QStringLiteral("cy")); // case-insensitive order

    model.markTyping(Ana);
    model.markTyping(Bo); // ourselves: never in the names
    QCOMPARE(model.typingNames(), QStringList {QStringLiteral("Ana")});
    QVERIFY(model.index(0).data(MemberModel::TypingRole).toBool());
    QVERIFY(!typing.isEmpty());
    // The mark expires by itself, and the model says so.
    QTRY_VERIFY_WITH_TIMEOUT(typing.last().at(0).toStringList().isEmpty(),
                             MemberModel::TypingDisplayMs * 5);
    QVERIFY(model.typingNames().isEmpty());
    QVERIFY(!model.index(0).data(MemberModel::TypingRole).toBool());

    model.applyPresence({PresenceState::Offline, Ana, QStringLiteral("lobby"), 0, Noon});
    QCOMPARE(model.onlineCount(), 1);
    model.applyPresence({PresenceState::Leave, Ana, QStringLiteral("lobby"), 6, Noon});
    QCOMPARE(model.rowCount(), 2);
    // The hub says `offline` after a session's `leave`: that does not bring Ana back.
    model.applyPresence({PresenceState::Offline, Ana, QString(), 0, Noon});
    QCOMPARE(model.rowCount(), 2);
}

void TestMessageModels::editsDeletesAndMentions()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setOwnMemberId(Bo.id);
    model.setOwnName(Bo.name);
    QVERIFY(model.addMessage(message(3, Ana, QStringLiteral("hi @bo"))));
    QVERIFY(model.addMessage(message(4, Ana, QStringLiteral("typo"))));
    QVERIFY(model.addMessage(message(5, Bo, QStringLiteral("@Bo talking to myself"))));
    QVERIFY(model.index(0).data(MessageModel::MentionsMeRole).toBool());
    QVERIFY(!model.index(1).data(MessageModel::MentionsMeRole).toBool());
    QVERIFY(!model.index(2).data(MessageModel::MentionsMeRole).toBool()); // our own

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(
        model.applyEdit({7, QStringLiteral("lobby"), 4, Ana, QStringLiteral("fixed"), Noon + 5}));
    QCOMPARE(model.index(1).data(MessageModel::TextRole).toString(), QStringLiteral("fixed"));
    QCOMPARE(model.index(1).data(MessageModel::EditedRole).toDateTime(),
             QDateTime::fromMSecsSinceEpoch(Noon + 5).toLocalTime());
    QVERIFY(!model.index(0).data(MessageModel::EditedRole).toDateTime().isValid());
    QCOMPARE(changed.size(), 1);
    // An older edit arriving late changes nothing; one of a message not shown neither.
    QVERIFY(
        !model.applyEdit({6, QStringLiteral("lobby"), 4, Ana, QStringLiteral("old"), Noon + 1}));
    QVERIFY(!model.applyEdit({8, QStringLiteral("lobby"), 99, Ana, QStringLiteral("x"), Noon + 9}));
    QCOMPARE(model.index(1).data(MessageModel::TextRole).toString(), QStringLiteral("fixed"));

    QVERIFY(model.applyDelete({9, QStringLiteral("lobby"), 3, Ana, Noon + 10}));
    QVERIFY(model.index(0).data(MessageModel::DeletedRole).toBool());
    QCOMPARE(model.index(0).data(MessageModel::TextRole).toString(), QString());
    QVERIFY(!model.index(0).data(MessageModel::MentionsMeRole).toBool()); // nothing left of it
    QVERIFY(!model.applyDelete({10, QStringLiteral("lobby"), 3, Ana, Noon + 11})); // once
    QVERIFY(
        !model.applyEdit({11, QStringLiteral("lobby"), 3, Ana, QStringLiteral("back"), Noon + 12}));
    QCOMPARE(model.rowCount(), 3);
}

void TestMessageModels::typingEndsWithTheMessageAndEveryoneGoesOfflineWithTheHub()
{
    MemberModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy typing(&model, &MemberModel::typingNamesChanged);
    model.setSelfId(Bo.id);
    model.setMembers({{Bo, true}, {Ana, true}});
    model.markTyping(Ana);
    QCOMPARE(model.typingNames(), QStringList {QStringLiteral("Ana")});
    // Ana's message came: "Ana is typing…" ends now, not seconds later.
    model.clearTyping(Ana.id);
    QVERIFY(model.typingNames().isEmpty());
    QVERIFY(typing.last().at(0).toStringList().isEmpty());
    QVERIFY(!model.index(0).data(MemberModel::TypingRole).toBool());
    model.clearTyping(QStringLiteral("m_nobody")); // unknown: nothing happens
    QCOMPARE(model.rowCount(), 2);

    // The host closed the room: nobody is online any more, typing included.
    model.markTyping(Ana);
    model.markAllOffline();
    QCOMPARE(model.onlineCount(), 0);
    QCOMPARE(model.rowCount(), 2); // still listed, as offline
    QVERIFY(model.typingNames().isEmpty());
}

void TestMessageModels::conversationListOrderAndBadges()
{
    ConversationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto channel = [](const QString &id, const QString &title, qint64 last, int unread) {
        return ConversationInfo {id,          QStringLiteral("channel"), title, last, unread, 0,
                                 std::nullopt};
    };
    ConversationInfo dm {
        QStringLiteral("dm:1"), QStringLiteral("dm"), QStringLiteral("Ana"), 4, 1, 0, Ana};
    model.setConversations({dm, channel(QStringLiteral("lobby"), QStringLiteral("lobby"), 3, 0),
                            channel(QStringLiteral("lab"), QStringLiteral("Lab"), 5, 2)});
    // Channels by title (case-insensitive), then DMs.
    QCOMPARE(model.index(0).data(ConversationListModel::IdRole).toString(), QStringLiteral("lab"));
    QCOMPARE(model.index(1).data(ConversationListModel::IdRole).toString(),
             QStringLiteral("lobby"));
    QCOMPARE(model.rowOf(QStringLiteral("dm:1")), 2);
    QCOMPARE(model.index(2).data(ConversationListModel::WithMemberIdRole).toString(), Ana.id);
    QCOMPARE(model.totalUnread(), 3);

    model.setOnline(Ana.id, true);
    QVERIFY(model.index(2).data(ConversationListModel::OnlineRole).toBool());
    QVERIFY(!model.index(0).data(ConversationListModel::OnlineRole).toBool());

    // A live message counts; a list the hub made before it does not undo the count.
    model.noteMessage(QStringLiteral("lobby"), 9, true, true);
    QCOMPARE(model.info(QStringLiteral("lobby"))->unread, 1);
    QCOMPARE(model.info(QStringLiteral("lobby"))->mentions, 1);
    model.upsert(channel(QStringLiteral("lobby"), QStringLiteral("lobby"), 3, 0));
    QCOMPARE(model.info(QStringLiteral("lobby"))->unread, 1);
    QCOMPARE(model.info(QStringLiteral("lobby"))->lastEventId, 9);
    // One as new as that event is the hub's word.
    model.upsert(channel(QStringLiteral("lobby"), QStringLiteral("lobby"), 9, 0));
    QCOMPARE(model.info(QStringLiteral("lobby"))->unread, 0);

    // A list without a conversation removes it; a new title moves it.
    model.setConversations({dm, channel(QStringLiteral("lab"), QStringLiteral("Zoo"), 5, 2)});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOf(QStringLiteral("lobby")), -1);
    QCOMPARE(model.index(0).data(Qt::DisplayRole).toString(), QStringLiteral("Zoo"));
}

QTEST_GUILESS_MAIN(TestMessageModels)
#include "tst_messagemodels.moc"
