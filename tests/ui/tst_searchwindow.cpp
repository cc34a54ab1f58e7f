// Search in the window (issue 12), on the offscreen platform against a real hub on 127.0.0.1:
// Ctrl+F in the open conversation and Ctrl+Shift+F in all of them, Chinese and English, the
// highlighted ranges, refusals and "no results", paging with More, opening a hit in another
// conversation at that message with its history around it, Jump to newest, and a third member
// who never sees another pair's direct messages.

#include "chatpage.h"
#include "composer.h"
#include "conversation.h"
#include "conversationlistmodel.h"
#include "conversationview.h"
#include "hub.h"
#include "hubconnection.h"
#include "mainwindow.h"
#include "messagemodel.h"
#include "messageview.h"
#include "searchpanel.h"

#include <QApplication>
#include <QDockWidget>
#include <QInputMethodEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace confab;

namespace {

constexpr int NetworkWaitMs = 30000;
const QString Lobby = QStringLiteral("lobby");

int rowWithText(const QAbstractItemModel *model, const QString &text)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(MessageModel::TextRole).toString() == text)
            return row;
    }
    return -1;
}

bool isLive(const MainWindow &window)
{
    return window.connection() && window.connection()->state() == HubConnection::State::Live;
}

void saveScreenshot(QWidget &window, const QString &name)
{
    const QString dir = qEnvironmentVariable("CONFAB_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(300); // batched layouts and repaints settle
    window.grab().save(dir + u'/' + name + QStringLiteral(".png"));
}

// Types the query into the panel and presses Enter; true once the answer is shown.
bool searchFor(SearchPanel *panel, const QString &text)
{
    panel->queryField()->setFocus();
    panel->queryField()->selectAll();
    QTest::keyClick(panel->queryField(), Qt::Key_Delete);
    // As an input method commits it (keyClicks types Latin-1 only).
    QInputMethodEvent typed;
    typed.setCommitString(text);
    QApplication::sendEvent(panel->queryField(), &typed);
    QTest::keyClick(panel->queryField(), Qt::Key_Return);
    return QTest::qWaitFor([&] { return !panel->isSearching(); }, NetworkWaitMs);
}

QStringList resultTexts(const SearchPanel *panel)
{
    QStringList texts;
    for (int row = 0; row < panel->results()->rowCount(); ++row)
        texts.append(panel->results()->index(row, 0).data(SearchPanel::TextRole).toString());
    return texts;
}

// The text under the row's highlight formats (what the user sees marked).
QStringList highlighted(const SearchPanel *panel, int row)
{
    const QModelIndex index = panel->results()->index(row, 0);
    const QString text = index.data(SearchPanel::TextRole).toString();
    QStringList marked;
    for (const auto &format : SearchResultDelegate::highlightFormats(index, Qt::yellow))
        marked.append(text.mid(format.start, format.length));
    return marked;
}

// Sends and waits until the hub has every message (bounded by the outbox).
bool sendAll(HubConnection &connection, Conversation *conversation, const QStringList &texts)
{
    for (const QString &text : texts)
        conversation->send(text);
    return QTest::qWaitFor(
        [&] {
            return connection.outboxSize() == 0 && conversation->messages()->pendingCount() == 0;
        },
        NetworkWaitMs);
}

QString openDm(HubConnection &from, const QString &name)
{
    QSignalSpy opened(&from, &HubConnection::conversationOpened);
    from.openDirectMessageByName(name);
    if (!opened.wait(NetworkWaitMs) && opened.isEmpty())
        return {};
    const QString cid = opened.first().at(0).toString();
    const bool there
        = QTest::qWaitFor([&] { return from.conversation(cid) != nullptr; }, NetworkWaitMs);
    return there ? cid : QString();
}

} // namespace

class TestSearchWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void searchFindsAndOpensMatches();

private:
    std::unique_ptr<MainWindow> joinWindow(QTemporaryDir &dir, const QUrl &url,
                                           const QString &name);
};

void TestSearchWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings and data never touch the user's
}

std::unique_ptr<MainWindow> TestSearchWindow::joinWindow(QTemporaryDir &dir, const QUrl &url,
                                                         const QString &name)
{
    auto window = std::make_unique<MainWindow>();
    window->setDataDir(dir.path());
    window->resize(1000, 700);
    window->show();
    window->joinRoom({url, QString(), name, QString(), QString()});
    return window;
}

void TestSearchWindow::searchFindsAndOpensMatches()
{
    constexpr int OlderInDm = 30;
    constexpr int NewerInDm = 80; // the hit is far from the newest page
    constexpr int PagingMatches = SearchPanel::PageSize + 5;
    QTemporaryDir hubDir;
    QTemporaryDir anaDir;
    QTemporaryDir boDir;
    QTemporaryDir cyDir;
    HubSettings settings;
    settings.bindAddress = QHostAddress(QHostAddress::LocalHost);
    settings.port = 0;
    settings.dataDir = hubDir.path();
    settings.messagesPerSecond = 0; // Ana posts faster than a person would
    Hub hub(settings);
    QString error;
    QVERIFY2(hub.start(&error), qPrintable(error));
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/").arg(hub.port()));

    auto bo = joinWindow(boDir, url, QStringLiteral("Bo"));
    auto cy = joinWindow(cyDir, url, QStringLiteral("Cy"));
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*bo), NetworkWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*cy), NetworkWaitMs);
    HubConnection ana;
    ana.start({url, QStringLiteral("Ana"), QString(), anaDir.path(), {}});
    QTRY_COMPARE_WITH_TIMEOUT(ana.state(), HubConnection::State::Live, NetworkWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(ana.conversation(Lobby), NetworkWaitMs);

    const QString lobbyText = QStringLiteral("lobby: 明天部署方案");
    const QString dmText = QStringLiteral("明天部署方案");
    QStringList lobbyTexts {lobbyText, QStringLiteral("Deploy the build tonight")};
    for (int i = 1; i <= PagingMatches; ++i)
        lobbyTexts.append(QStringLiteral("paging %1").arg(i));
    QVERIFY(sendAll(ana, ana.conversation(Lobby), lobbyTexts));

    const QString boDm = openDm(ana, QStringLiteral("Bo"));
    QVERIFY(!boDm.isEmpty());
    QStringList dmTexts;
    for (int i = 1; i <= OlderInDm; ++i)
        dmTexts.append(QStringLiteral("dm older %1").arg(i));
    dmTexts.append(dmText);
    for (int i = 1; i <= NewerInDm; ++i)
        dmTexts.append(QStringLiteral("dm newer %1").arg(i));
    QVERIFY(sendAll(ana, ana.conversation(boDm), dmTexts));
    const QString cyDm = openDm(ana, QStringLiteral("Cy"));
    QVERIFY(!cyDm.isEmpty());
    QVERIFY(sendAll(ana, ana.conversation(cyDm), {QStringLiteral("部署 only for Cy")}));

    // Bo opens the window again: only the newest pages are loaded now (the DM's hit is not).
    bo.reset();
    bo = joinWindow(boDir, url, QStringLiteral("Bo"));
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*bo), NetworkWaitMs);

    // ---- Bo, in lobby: Ctrl+F searches lobby only ----
    bo->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(bo.get()));
    QTRY_VERIFY_WITH_TIMEOUT(bo->connection()->conversations()->rowOf(boDm) >= 0, NetworkWaitMs);
    QVERIFY(bo->chatPage()->openConversation(Lobby));
    SearchPanel *panel = bo->searchPanel();
    auto *dock = qobject_cast<QDockWidget *>(panel->parentWidget());
    QVERIFY(dock);
    QVERIFY(!dock->isVisible());
    bo->chatPage()->composer()->setFocus();
    QTest::keyClick(bo->chatPage()->composer(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(dock->isVisible());
    QCOMPARE(panel->scope(), Lobby);
    QVERIFY(panel->queryField()->hasFocus());

    QVERIFY(searchFor(panel, QStringLiteral("部署")));
    QCOMPARE(resultTexts(panel), QStringList {lobbyText}); // not the DM's: Ctrl+F is lobby only
    QCOMPARE(highlighted(panel, 0), QStringList {QStringLiteral("部署")});
    const QVariantList ranges
        = panel->results()->index(0, 0).data(SearchPanel::RangesRole).toList();
    QCOMPARE(ranges.size(), 1);
    QCOMPARE(ranges.first().toPoint(), QPoint(int(lobbyText.indexOf(QStringLiteral("部署"))), 2));
    QVERIFY(panel->statusLabel()->isHidden());
    saveScreenshot(*bo, QStringLiteral("search-in-conversation-chinese"));

    QVERIFY(searchFor(panel, QStringLiteral("ploy")));
    QCOMPARE(resultTexts(panel), QStringList {QStringLiteral("Deploy the build tonight")});
    QCOMPARE(highlighted(panel, 0), QStringList {QStringLiteral("ploy")});

    // Refused and empty: said where the user is looking.
    QVERIFY(searchFor(panel, QStringLiteral("部")));
    QCOMPARE(panel->results()->rowCount(), 0);
    QVERIFY(panel->statusLabel()->isVisible());
    QCOMPARE(panel->statusLabel()->text(),
             QStringLiteral("Type at least two characters to search."));
    saveScreenshot(*bo, QStringLiteral("search-refused"));
    QVERIFY(searchFor(panel, QStringLiteral("zzqx")));
    QCOMPARE(panel->results()->rowCount(), 0);
    QVERIFY(panel->statusLabel()->isVisible());
    QVERIFY(panel->statusLabel()->text().contains(QStringLiteral("zzqx")));

    // More pages.
    QVERIFY(searchFor(panel, QStringLiteral("paging")));
    QCOMPARE(panel->results()->rowCount(), SearchPanel::PageSize);
    QCOMPARE(resultTexts(panel).first(), QStringLiteral("paging %1").arg(PagingMatches));
    QVERIFY(panel->moreButton()->isVisible());
    QTest::mouseClick(panel->moreButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(panel->results()->rowCount(), PagingMatches, NetworkWaitMs);
    QCOMPARE(resultTexts(panel).last(), QStringLiteral("paging 1"));
    QVERIFY(!panel->moreButton()->isVisible());

    // ---- Ctrl+Shift+F: every conversation of Bo's, not Ana and Cy's DM ----
    QTest::keyClick(panel->queryField(), Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(panel->scope(), QString());
    QVERIFY(searchFor(panel, QStringLiteral("部署")));
    QCOMPARE(resultTexts(panel), (QStringList {dmText, lobbyText})); // newest first
    QCOMPARE(panel->results()->index(0, 0).data(SearchPanel::ConversationIdRole).toString(), boDm);
    QCOMPARE(highlighted(panel, 0), QStringList {QStringLiteral("部署")});
    saveScreenshot(*bo, QStringLiteral("search-all-conversations"));

    // Choosing the DM's hit opens the DM at that message, its history around it.
    QListView *results = panel->resultsView();
    QTest::mouseClick(results->viewport(), Qt::LeftButton, {},
                      results->visualRect(panel->results()->index(0, 0)).center());
    QTRY_COMPARE_WITH_TIMEOUT(bo->chatPage()->currentConversationId(), boDm, NetworkWaitMs);
    ConversationView *view = bo->chatPage()->currentView();
    MessageView *timeline = view->messageView();
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(timeline->model(), dmText) >= 0, NetworkWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(timeline->selectionModel()->isSelected(timeline->model()->index(
                                 rowWithText(timeline->model(), dmText), 0)),
                             NetworkWaitMs);
    const QModelIndex hit = timeline->model()->index(rowWithText(timeline->model(), dmText), 0);
    QVERIFY(timeline->viewport()->rect().contains(timeline->visualRect(hit).center()));
    QVERIFY(rowWithText(timeline->model(), QStringLiteral("dm older %1").arg(OlderInDm)) >= 0);
    QVERIFY(rowWithText(timeline->model(), QStringLiteral("dm older %1").arg(OlderInDm - 10)) >= 0);
    QVERIFY(rowWithText(timeline->model(), QStringLiteral("dm newer 10")) >= 0);
    QVERIFY(rowWithText(timeline->model(), QStringLiteral("dm newer %1").arg(NewerInDm)) < 0);
    QVERIFY(!view->conversation()->isAtNewest());
    QVERIFY(view->jumpToNewestButton()->isVisible());
    saveScreenshot(*bo, QStringLiteral("search-opened-at-hit"));

    // Reading on downwards brings the next page; the view stays where the reader is.
    QVERIFY(rowWithText(timeline->model(), QStringLiteral("dm newer 40")) < 0);
    timeline->verticalScrollBar()->setValue(timeline->verticalScrollBar()->maximum());
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(timeline->model(), QStringLiteral("dm newer 40")) >= 0,
                             NetworkWaitMs);
    QTest::qWait(300);
    QVERIFY(!timeline->isAtBottom()); // not pulled along to the end of the new page
    QVERIFY(rowWithText(timeline->model(), dmText) >= 0);
    QVERIFY(view->jumpToNewestButton()->isVisible());

    // One click back to the newest.
    QTest::mouseClick(view->jumpToNewestButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        rowWithText(timeline->model(), QStringLiteral("dm newer %1").arg(NewerInDm)) >= 0,
        NetworkWaitMs);
    QVERIFY(view->conversation()->isAtNewest());
    QVERIFY(!view->jumpToNewestButton()->isVisible());
    QVERIFY(rowWithText(timeline->model(), dmText) < 0); // the newest page only
    QTRY_VERIFY_WITH_TIMEOUT(timeline->isAtBottom(), NetworkWaitMs);
    saveScreenshot(*bo, QStringLiteral("search-back-to-newest"));

    // ---- Cy: Ana and Bo's DM never shows, not even its conversation ----
    cy->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(cy.get()));
    QTRY_VERIFY_WITH_TIMEOUT(cy->connection()->conversations()->rowOf(cyDm) >= 0, NetworkWaitMs);
    cy->showSearch(true);
    SearchPanel *cyPanel = cy->searchPanel();
    QVERIFY(searchFor(cyPanel, QStringLiteral("部署")));
    QCOMPARE(resultTexts(cyPanel), (QStringList {QStringLiteral("部署 only for Cy"), lobbyText}));
    for (int row = 0; row < cyPanel->results()->rowCount(); ++row)
        QVERIFY(cyPanel->results()->index(row, 0).data(SearchPanel::ConversationIdRole).toString()
                != boDm);
    QVERIFY(searchFor(cyPanel, QStringLiteral("dm older")));
    QCOMPARE(cyPanel->results()->rowCount(), 0);

    ana.stop();
    bo.reset();
    cy.reset();
    hub.shutdown(QString());
}

QTEST_MAIN(TestSearchWindow)
#include "tst_searchwindow.moc"
