// Small things of the window seen as pixels and selections, without a hub: the sidebar's online
// dot on a selected row, a deleted message's highlight, the host panel's fingerprint block.

#include "conversationdelegate.h"
#include "conversationlistmodel.h"
#include "hostinfopanel.h"
#include "messagemodel.h"
#include "messageview.h"
#include "protocol.h"

#include <QFontDatabase>
#include <QImage>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPainter>
#include <QTest>

using namespace confab;

namespace {

constexpr int RowWidth = 200;
constexpr int RowHeight = 30;
// ConversationDelegate: 10 px margin, then the 16 px wide prefix the dot is centred in.
constexpr int DotX = 10 + 16 / 2;

// The colour at the centre of the DM row's presence dot.
QColor dotCentre(const QModelIndex &index, bool selected)
{
    ConversationDelegate delegate;
    QStyleOptionViewItem option;
    option.rect = QRect(0, 0, RowWidth, RowHeight);
    option.state = QStyle::State_Enabled | (selected ? QStyle::State_Selected : QStyle::State_None);
    option.palette = QPalette();
    QImage image(RowWidth, RowHeight, QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    delegate.paint(&painter, option, index);
    painter.end();
    return image.pixelColor(DotX, option.rect.center().y());
}

MessageEvent message(qint64 id, const QString &text)
{
    MessageEvent event;
    event.id = id;
    event.room = QStringLiteral("lobby");
    event.from = {QStringLiteral("m_1"), QStringLiteral("Ana")};
    event.text = text;
    event.ts = 1700000000000 + id * 1000;
    event.clientId = QStringLiteral("c-%1").arg(id);
    return event;
}

} // namespace

class TestUiDetails : public QObject
{
    Q_OBJECT
private slots:
    void selectedDmRowTellsOnlineFromOffline();
    void deletedMessageLosesItsHighlight();
    void fingerprintIsABlockOfWholeGroups();
};

// On the highlight the online dot is filled (with the highlighted text's colour), the offline
// one a ring whose centre shows the highlight: the two must not look alike.
void TestUiDetails::selectedDmRowTellsOnlineFromOffline()
{
    ConversationListModel list;
    ConversationInfo dm;
    dm.id = QStringLiteral("dm:a:b");
    dm.kind = QString::fromLatin1(protocol::KindDm);
    dm.title = QStringLiteral("Bo");
    dm.with = Member {QStringLiteral("m_b"), QStringLiteral("Bo")};
    list.setConversations({dm});
    const QModelIndex row = list.index(0);
    const QPalette palette;

    list.setOnline(QStringLiteral("m_b"), true);
    QCOMPARE(dotCentre(row, true), palette.color(QPalette::HighlightedText));
    QCOMPARE(dotCentre(row, false), QColor(46, 160, 67));
    list.setOnline(QStringLiteral("m_b"), false);
    QCOMPARE(dotCentre(row, true), palette.color(QPalette::Highlight));
    QCOMPARE(dotCentre(row, false).alpha(), 0); // a ring: nothing painted in its middle
}

// Right-click selects a message; deleting it (here or by its author elsewhere) must not leave
// the "This message was deleted" row highlighted.
void TestUiDetails::deletedMessageLosesItsHighlight()
{
    MessageModel model;
    model.setOwnMemberId(QStringLiteral("m_1"));
    QVERIFY(model.addMessage(message(1, QStringLiteral("first"))));
    QVERIFY(model.addMessage(message(2, QStringLiteral("second"))));
    MessageView view;
    view.setModel(&model);
    view.resize(400, 300);
    view.show();
    QItemSelectionModel *selection = view.selectionModel();
    const QModelIndex second = view.model()->index(1, 0);
    selection->setCurrentIndex(second, QItemSelectionModel::ClearAndSelect);
    QVERIFY(selection->isSelected(second));

    MessageDeletedEvent deletion;
    deletion.id = 3;
    deletion.conversation = QStringLiteral("lobby");
    deletion.messageId = 2;
    deletion.by = {QStringLiteral("m_1"), QStringLiteral("Ana")};
    QVERIFY(model.applyDelete(deletion));
    QVERIFY(second.data(MessageModel::DeletedRole).toBool());
    QVERIFY(!selection->isSelected(second));
    QVERIFY(!selection->hasSelection());
    QVERIFY(selection->currentIndex() != second);

    // Another row's selection is none of its business.
    const QModelIndex first = view.model()->index(0, 0);
    selection->setCurrentIndex(first, QItemSelectionModel::ClearAndSelect);
    QVERIFY(model.applyEdit(MessageEditedEvent {4,
                                                QStringLiteral("lobby"),
                                                1,
                                                {QStringLiteral("m_1"), QStringLiteral("Ana")},
                                                QStringLiteral("first, edited"),
                                                0}));
    QVERIFY(selection->isSelected(first));
}

void TestUiDetails::fingerprintIsABlockOfWholeGroups()
{
    const QString fingerprint = QStringLiteral("0123456789abcdef").repeated(4);
    QCOMPARE(HostInfoPanel::fingerprintBlock(fingerprint),
             QStringLiteral("0123 4567 89ab cdef\n0123 4567 89ab cdef\n"
                            "0123 4567 89ab cdef\n0123 4567 89ab cdef"));
    HostInfoPanel panel;
    panel.setJoinUrls({QUrl(QStringLiteral("http://192.0.2.1:8848/"))}, fingerprint);
    QCOMPARE(panel.fingerprintLabel()->text(), HostInfoPanel::fingerprintBlock(fingerprint));
    QVERIFY(!panel.fingerprintLabel()->wordWrap());
    QCOMPARE(panel.fingerprintLabel()->font(), QFontDatabase::systemFont(QFontDatabase::FixedFont));
    panel.setJoinUrls({QUrl(QStringLiteral("http://192.0.2.1:8848/"))});
    QVERIFY(panel.fingerprintLabel()->parentWidget()->isHidden());
}

QTEST_MAIN(TestUiDetails)
#include "tst_uidetails.moc"
