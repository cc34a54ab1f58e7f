// The window as a user drives it, on the offscreen platform, against real hubs on 127.0.0.1
// (random ports) and real sessions: host and join in one process, the outbox while the hub is
// down, markup shown as text, and a room found on the LAN list over loopback.

#include "chatpage.h"
#include "chatsession.h"
#include "composer.h"
#include "connectionstatus.h"
#include "desktopsettings.h"
#include "hostinfopanel.h"
#include "hub.h"
#include "lanannouncer.h"
#include "landiscovery.h"
#include "mainwindow.h"
#include "membermodel.h"
#include "messagedelegate.h"
#include "messagemodel.h"
#include "messageview.h"
#include "qrcodewidget.h"
#include "roomhost.h"
#include "settingsdialog.h"
#include "startpage.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace confab;

namespace {

constexpr int NetworkWaitMs = 30000;

// The row showing text, or -1.
int rowWithText(const QAbstractItemModel *model, const QString &text)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(MessageModel::TextRole).toString() == text)
            return row;
    }
    return -1;
}

void typeAndSend(MainWindow &window, const QString &text)
{
    Composer *composer = window.chatPage()->composer();
    composer->setFocus();
    composer->setPlainText(text);
    QTest::keyClick(composer, Qt::Key_Return);
}

// With CONFAB_SCREENSHOT_DIR set, key moments are saved as PNGs for a person to look at.
void saveScreenshot(QWidget &window, const QString &name)
{
    const QString dir = qEnvironmentVariable("CONFAB_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QApplication::processEvents();
    window.grab().save(dir + u'/' + name + QStringLiteral(".png"));
}

bool isLive(const MainWindow &window)
{
    return window.session() && window.session()->state() == ChatSession::State::Live;
}

} // namespace

class TestDesktopWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void composerEnterSendsShiftEnterBreaksLine();
    void linksAreFoundInPlainText();
    void hostAndJoinInOneProcess();
    void htmlLookingMessageShownAsPlainText();
    void outboxMarkedWhileHubIsDown();
    void discoveryListsRoomAnnouncedOverLoopback();
    void scrollingUpLoadsOlderHistory();
    void closingWhileHostingAsks();
    void settingsRoundTrip();

private:
    std::unique_ptr<MainWindow> hostWindow(QTemporaryDir &dir, const QString &name);
    std::unique_ptr<MainWindow> joinWindow(QTemporaryDir &dir, const QUrl &url,
                                           const QString &name);
};

void TestDesktopWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings and data never touch the user's
}

std::unique_ptr<MainWindow> TestDesktopWindow::hostWindow(QTemporaryDir &dir, const QString &name)
{
    auto window = std::make_unique<MainWindow>();
    window->setDataDir(dir.path());
    window->setHostBindAddress(QHostAddress(QHostAddress::LocalHost));
    window->setAnnounceHostedRooms(false);
    window->show();
    HostRequest request;
    request.name = name;
    request.title = QStringLiteral("Test Room");
    request.port = 0;
    if (!window->hostRoom(request))
        return nullptr;
    return window;
}

std::unique_ptr<MainWindow> TestDesktopWindow::joinWindow(QTemporaryDir &dir, const QUrl &url,
                                                          const QString &name)
{
    auto window = std::make_unique<MainWindow>();
    window->setDataDir(dir.path());
    window->show();
    window->joinRoom({url, QString(), name, QString(), QString()});
    return window;
}

void TestDesktopWindow::composerEnterSendsShiftEnterBreaksLine()
{
    Composer composer;
    QSignalSpy submitted(&composer, &Composer::submitted);
    composer.show();
    QTest::keyClicks(&composer, QStringLiteral("first"));
    QTest::keyClick(&composer, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(&composer, QStringLiteral("second"));
    QCOMPARE(submitted.size(), 0);
    QCOMPARE(composer.toPlainText(), QStringLiteral("first\nsecond"));
    QTest::keyClick(&composer, Qt::Key_Return);
    QCOMPARE(submitted.size(), 1);
    QCOMPARE(submitted.first().first().toString(), QStringLiteral("first\nsecond"));
    QVERIFY(composer.toPlainText().isEmpty());
    QTest::keyClick(&composer, Qt::Key_Enter); // nothing written: nothing sent
    QCOMPARE(submitted.size(), 1);
    // Over the limit: nothing is sent and nothing is lost.
    QSignalSpy tooLong(&composer, &Composer::tooLong);
    composer.setMaxLength(10);
    composer.setPlainText(QStringLiteral("eleven chars"));
    QTest::keyClick(&composer, Qt::Key_Return);
    QCOMPARE(submitted.size(), 1);
    QCOMPARE(tooLong.size(), 1);
    QCOMPARE(composer.toPlainText(), QStringLiteral("eleven chars"));
}

void TestDesktopWindow::linksAreFoundInPlainText()
{
    const QString text
        = QStringLiteral("see http://192.168.1.20:8848/, or www.example.org. <a href=x>no</a>");
    const auto links = MessageDelegate::findLinks(text);
    QCOMPARE(links.size(), 2);
    QCOMPARE(text.mid(links[0].first, links[0].second),
             QStringLiteral("http://192.168.1.20:8848/"));
    QCOMPARE(text.mid(links[1].first, links[1].second), QStringLiteral("www.example.org"));
    QCOMPARE(StartPage::parseAddress(QStringLiteral("192.168.1.20")),
             QUrl(QStringLiteral("http://192.168.1.20:8848/")));
    QCOMPARE(StartPage::parseAddress(QStringLiteral("http://h:9/x?y#z")),
             QUrl(QStringLiteral("http://h:9/")));
    QVERIFY(!StartPage::parseAddress(QStringLiteral("ftp://h/")).isValid());
    QVERIFY(!StartPage::parseAddress(QStringLiteral("  ")).isValid());
}

void TestDesktopWindow::hostAndJoinInOneProcess()
{
    QTemporaryDir hostDir;
    QTemporaryDir joinDir;
    auto host = hostWindow(hostDir, QStringLiteral("Ana"));
    QVERIFY(host);
    QVERIFY(host->isHosting());
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*host), NetworkWaitMs);
    const QUrl url = host->roomHost()->localUrl();
    QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
    // The join address is shown, with a QR code of it.
    QCOMPARE(host->chatPage()->hostInfo()->joinUrls(), QList<QUrl> {url});
    QVERIFY(host->chatPage()->hostInfo()->qrCode()->moduleCount() > 0);

    auto guest = joinWindow(joinDir, url, QStringLiteral("Bo"));
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*guest), NetworkWaitMs);
    QCOMPARE(guest->session()->roomTitle(), QStringLiteral("Test Room"));
    QVERIFY(guest->windowTitle().contains(QStringLiteral("Test Room")));
    QVERIFY(guest->connectionStatus()->text().contains(QStringLiteral("Connected")));

    // Both members show in both windows' member panels, online.
    QTRY_COMPARE_WITH_TIMEOUT(host->chatPage()->memberList()->model()->rowCount(), 2,
                              NetworkWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(guest->session()->members()->onlineCount(), 2, NetworkWaitMs);

    // The host's window has the focus: the guest's window counts what it has not seen.
    host->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(host.get()));
    QVERIFY(!guest->isActiveWindow());
    typeAndSend(*host, QStringLiteral("hello from the host"));
    const QAbstractItemModel *guestTimeline = guest->chatPage()->messageView()->model();
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(guestTimeline, QStringLiteral("hello from the host")) >= 0,
                             NetworkWaitMs);
    const QModelIndex received = guestTimeline->index(
        rowWithText(guestTimeline, QStringLiteral("hello from the host")), 0);
    QCOMPARE(received.data(MessageModel::SenderNameRole).toString(), QStringLiteral("Ana"));
    QCOMPARE(received.data(MessageModel::IsOwnRole).toBool(), false);
    QCOMPARE(guest->unreadCount(), 1);
    QVERIFY(guest->windowTitle().startsWith(QStringLiteral("(1) ")));
    QCOMPARE(host->unreadCount(), 0);
    guest->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(guest.get()));
    QTRY_COMPARE_WITH_TIMEOUT(guest->unreadCount(), 0, NetworkWaitMs);
    QVERIFY(!guest->windowTitle().startsWith(QStringLiteral("(")));

    typeAndSend(*guest, QStringLiteral("hi Ana"));
    const QAbstractItemModel *hostTimeline = host->chatPage()->messageView()->model();
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(hostTimeline, QStringLiteral("hi Ana")) >= 0,
                             NetworkWaitMs);
    // The sender's own copy is acknowledged by the hub.
    QTRY_COMPARE_WITH_TIMEOUT(
        guestTimeline->index(rowWithText(guestTimeline, QStringLiteral("hi Ana")), 0)
            .data(MessageModel::DeliveryRole)
            .value<MessageModel::Delivery>(),
        MessageModel::Delivery::Delivered, NetworkWaitMs);

    // Typing shows in the other window, by name.
    host->chatPage()->composer()->setPlainText(QStringLiteral("typing…"));
    QTRY_VERIFY_WITH_TIMEOUT(
        guest->chatPage()->typingLabel()->text().contains(QStringLiteral("Ana")), NetworkWaitMs);
    saveScreenshot(*host, QStringLiteral("host"));
    saveScreenshot(*guest, QStringLiteral("guest"));

    // Leaving the room while hosting stops the hub and returns to the start page.
    host->leaveRoom();
    QVERIFY(!host->isHosting());
    QVERIFY(!host->session());
    QTRY_VERIFY_WITH_TIMEOUT(guest->session()->state() != ChatSession::State::Live, NetworkWaitMs);
}

void TestDesktopWindow::htmlLookingMessageShownAsPlainText()
{
    QTemporaryDir hostDir;
    QTemporaryDir joinDir;
    auto host = hostWindow(hostDir, QStringLiteral("<i>Eve</i>"));
    QVERIFY(host);
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*host), NetworkWaitMs);
    auto guest = joinWindow(joinDir, host->roomHost()->localUrl(), QStringLiteral("Bo"));
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*guest), NetworkWaitMs);

    const QString markup = QStringLiteral(
        "<b>not bold</b> <img src=\"http://127.0.0.1:1/x.png\"> &amp; <script>x()</script>");
    typeAndSend(*host, markup);
    MessageView *view = guest->chatPage()->messageView();
    QTRY_VERIFY_WITH_TIMEOUT(rowWithText(view->model(), markup) >= 0, NetworkWaitMs);
    const QModelIndex index = view->model()->index(rowWithText(view->model(), markup), 0);
    // What the delegate draws is the text itself, character for character.
    QCOMPARE(MessageDelegate::bodyText(index), markup);
    QCOMPARE(index.data(MessageModel::SenderNameRole).toString(), QStringLiteral("<i>Eve</i>"));
    // Copying gives the literal text too.
    view->selectionModel()->select(index,
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QVERIFY(view->selectedText().endsWith(QStringLiteral(": ") + markup));
    QVERIFY(view->selectedText().startsWith(QStringLiteral("<i>Eve</i>, ")));
    // The viewer for selecting part of the text shows the same characters.
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
    auto *viewer = qobject_cast<QPlainTextEdit *>(view->indexWidget(index));
    QVERIFY(viewer);
    QCOMPARE(viewer->toPlainText(), markup);
    QVERIFY(viewer->isReadOnly());
    // The typing line names the member as typed, not as markup.
    host->chatPage()->composer()->setPlainText(QStringLiteral("x"));
    QLabel *typing = guest->chatPage()->typingLabel();
    QTRY_VERIFY_WITH_TIMEOUT(typing->text().contains(QStringLiteral("<i>Eve</i>")), NetworkWaitMs);
    QCOMPARE(typing->textFormat(), Qt::PlainText);
    // A link in a message is found where it is drawn, and only there.
    const QString link = QStringLiteral("http://127.0.0.1:1/page");
    typeAndSend(*host, QStringLiteral("see ") + link + QStringLiteral(" now"));
    QTRY_VERIFY_WITH_TIMEOUT(
        rowWithText(view->model(), QStringLiteral("see ") + link + QStringLiteral(" now")) >= 0,
        NetworkWaitMs);
    const QModelIndex linkRow = view->model()->index(
        rowWithText(view->model(), QStringLiteral("see ") + link + QStringLiteral(" now")), 0);
    view->scrollTo(linkRow);
    QStyleOptionViewItem option;
    option.initFrom(view->viewport());
    option.rect = view->visualRect(linkRow);
    QStringList found;
    for (int y = option.rect.top(); y <= option.rect.bottom(); y += 2) {
        for (int x = option.rect.left(); x <= option.rect.right(); x += 3) {
            const QString at = view->messageDelegate()->linkAt(option, linkRow, QPoint(x, y));
            if (!at.isEmpty() && !found.contains(at))
                found.append(at);
        }
    }
    QCOMPARE(found, QStringList {link});
    QVERIFY(view->messageDelegate()->linkAt(option, linkRow, option.rect.topLeft()).isEmpty());

    saveScreenshot(*guest, QStringLiteral("markup"));
    // Painting the row does not crash and draws something.
    QVERIFY(!view->grab().isNull());
}

void TestDesktopWindow::outboxMarkedWhileHubIsDown()
{
    QTemporaryDir hubDir;
    QTemporaryDir joinDir;
    HubSettings settings;
    settings.bindAddress = QHostAddress(QHostAddress::LocalHost);
    settings.port = 0;
    settings.title = QStringLiteral("Flaky");
    settings.dataDir = hubDir.path();
    auto hub = std::make_unique<Hub>(settings);
    QString error;
    QVERIFY2(hub->start(&error), qPrintable(error));
    const quint16 port = hub->port();
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/").arg(port));

    auto guest = joinWindow(joinDir, url, QStringLiteral("Bo"));
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*guest), NetworkWaitMs);

    hub->shutdown(QStringLiteral("maintenance"));
    hub.reset();
    QTRY_VERIFY_WITH_TIMEOUT(guest->session()->state() == ChatSession::State::Reconnecting,
                             NetworkWaitMs);
    // "Host unreachable (why), reconnecting in N s…", counting down; the reason appears once.
    QTRY_VERIFY_WITH_TIMEOUT(
        guest->connectionStatus()->text().contains(QStringLiteral("reconnecting")), NetworkWaitMs);
    QVERIFY(!guest->connectionStatus()->text().contains(QStringLiteral("Reconnecting in")));
    QVERIFY(!guest->connectionStatus()->text().contains(QStringLiteral("Retrying in")));

    const QString text = QStringLiteral("written while the hub is down");
    typeAndSend(*guest, text);
    const QAbstractItemModel *timeline = guest->chatPage()->messageView()->model();
    QVERIFY(rowWithText(timeline, text) >= 0); // shown at once, before any acknowledgement
    const auto delivery = [&] {
        return timeline->index(rowWithText(timeline, text), 0)
            .data(MessageModel::DeliveryRole)
            .value<MessageModel::Delivery>();
    };
    QTRY_COMPARE_WITH_TIMEOUT(delivery(), MessageModel::Delivery::Queued, NetworkWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        guest->connectionStatus()->text().contains(QStringLiteral("waiting to be sent")),
        NetworkWaitMs);
    QCOMPARE(guest->session()->outboxSize(), 1);
    saveScreenshot(*guest, QStringLiteral("outbox"));

    // The hub comes back on the same port with the same store: the message goes out once.
    settings.port = port;
    hub = std::make_unique<Hub>(settings);
    QVERIFY2(hub->start(&error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(delivery(), MessageModel::Delivery::Delivered, NetworkWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(guest->session()->outboxSize(), 0, NetworkWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        !guest->connectionStatus()->text().contains(QStringLiteral("waiting to be sent")),
        NetworkWaitMs);
    int copies = 0;
    for (int row = 0; row < timeline->rowCount(); ++row)
        copies += timeline->index(row, 0).data(MessageModel::TextRole).toString() == text ? 1 : 0;
    QCOMPARE(copies, 1);
    guest.reset();
    hub->shutdown(QString());
}

void TestDesktopWindow::discoveryListsRoomAnnouncedOverLoopback()
{
    QTemporaryDir hubDir;
    QTemporaryDir joinDir;
    HubSettings settings;
    settings.bindAddress = QHostAddress(QHostAddress::LocalHost);
    settings.port = 0;
    settings.title = QStringLiteral("Found On LAN");
    settings.dataDir = hubDir.path();
    Hub hub(settings);
    QString error;
    QVERIFY2(hub.start(&error), qPrintable(error));

    MainWindow window;
    window.setDataDir(joinDir.path());
    window.discovery()->setListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    window.discovery()->setQueryTargets({});
    window.startDiscovery();
    window.show();
    QVERIFY(window.discovery()->listenPort() != 0);

    LanAnnouncer announcer(hub.port(), [&hub] {
        QList<BeaconAnnounce> rooms;
        for (const auto &summary : hub.roomSummaries())
            rooms.append({summary.id,
                          summary.title,
                          QStringLiteral("lab-pc"),
                          {},
                          summary.online,
                          summary.locked,
                          0});
        return rooms;
    });
    announcer.setRoutes({{QHostAddress(QHostAddress::LocalHost),
                          window.discovery()->listenPort(),
                          QHostAddress(QHostAddress::LocalHost),
                          {}}});
    announcer.setQueryListenAddress(QHostAddress(QHostAddress::LocalHost), 0);
    QVERIFY(announcer.start());

    QTreeWidget *list = window.startPage()->lanRooms();
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), 1, NetworkWaitMs);
    QTreeWidgetItem *item = list->topLevelItem(0);
    QCOMPARE(item->text(0), QStringLiteral("Found On LAN"));
    QCOMPARE(item->text(1), QStringLiteral("lab-pc"));
    QCOMPARE(item->text(2), QStringLiteral("http://127.0.0.1:%1/").arg(hub.port()));

    // One click on the entry joins that room.
    window.startPage()->nameField()->setText(QStringLiteral("Cy"));
    item->setSelected(true);
    window.startPage()->requestJoinLanRoom();
    QTRY_VERIFY_WITH_TIMEOUT(isLive(window), NetworkWaitMs);
    QCOMPARE(window.session()->roomTitle(), QStringLiteral("Found On LAN"));
    // It is remembered for one-click rejoin.
    window.leaveRoom();
    QVERIFY(window.startPage()->recentRooms()->count() >= 1);
    QVERIFY(window.startPage()->recentRooms()->item(0)->text().contains(
        QStringLiteral("Found On LAN")));
    hub.shutdown(QString());
}

void TestDesktopWindow::scrollingUpLoadsOlderHistory()
{
    constexpr int MessageCount = 160; // a few history pages
    QTemporaryDir hubDir;
    QTemporaryDir writerDir;
    QTemporaryDir readerDir;
    HubSettings settings;
    settings.bindAddress = QHostAddress(QHostAddress::LocalHost);
    settings.port = 0;
    settings.dataDir = hubDir.path();
    settings.messagesPerSecond = 0; // the writer posts faster than a person would
    Hub hub(settings);
    QString error;
    QVERIFY2(hub.start(&error), qPrintable(error));
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/").arg(hub.port()));

    ChatSession writer;
    writer.start({url, QString(), QStringLiteral("Writer"), QString(), writerDir.path()});
    QTRY_COMPARE_WITH_TIMEOUT(writer.state(), ChatSession::State::Live, NetworkWaitMs);
    for (int i = 1; i <= MessageCount; ++i)
        writer.send(QStringLiteral("history %1").arg(i));
    QTRY_COMPARE_WITH_TIMEOUT(writer.outboxSize(), 0, NetworkWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(writer.messages()->pendingCount(), 0, NetworkWaitMs);

    auto reader = joinWindow(readerDir, url, QStringLiteral("Reader"));
    reader->resize(800, 600);
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*reader), NetworkWaitMs);
    MessageView *view = reader->chatPage()->messageView();
    const QAbstractItemModel *timeline = view->model();
    QTRY_VERIFY_WITH_TIMEOUT(
        rowWithText(timeline, QStringLiteral("history %1").arg(MessageCount)) >= 0, NetworkWaitMs);
    QVERIFY2(rowWithText(timeline, QStringLiteral("history 1")) < 0,
             "the first page should not hold everything");
    // Opening the room shows the newest messages.
    QTRY_VERIFY_WITH_TIMEOUT(view->isAtBottom(), NetworkWaitMs);

    // Scrolling to the top asks for older pages, until the very first message is there.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            view->verticalScrollBar()->setValue(0);
            return rowWithText(timeline, QStringLiteral("history 1")) >= 0;
        }(),
        NetworkWaitMs);
    // History arrives in order, oldest first, each message once.
    int previous = 0;
    for (int row = 0; row < timeline->rowCount(); ++row) {
        const QString text = timeline->index(row, 0).data(MessageModel::TextRole).toString();
        if (!text.startsWith(QStringLiteral("history ")))
            continue;
        const int number = text.mid(8).toInt();
        QCOMPARE(number, previous + 1);
        previous = number;
    }
    QCOMPARE(previous, MessageCount);
    writer.stop();
    reader.reset();
    hub.shutdown(QString());
}

void TestDesktopWindow::closingWhileHostingAsks()
{
    QTemporaryDir dir;
    auto host = hostWindow(dir, QStringLiteral("Ana"));
    QVERIFY(host);
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*host), NetworkWaitMs);
    // The question is modal: answer it from the event loop it runs.
    const auto answer = [](const QString &buttonText) {
        QTimer::singleShot(0, [buttonText] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            QVERIFY(box);
            const auto buttons = box->buttons();
            for (QAbstractButton *button : buttons) {
                const bool cancel
                    = buttonText.isEmpty() && box->buttonRole(button) == QMessageBox::RejectRole;
                if (cancel || (!buttonText.isEmpty() && button->text() == buttonText))
                    return button->click();
            }
            QFAIL("no such button");
        });
    };
    // Cancel: nothing changes.
    answer(QString());
    QVERIFY(!host->close());
    QVERIFY(host->isHosting());
    QVERIFY(host->isVisible());
    // Stop hosting: the room closes with the window.
    answer(QStringLiteral("Stop Hosting"));
    QVERIFY(host->close());
    QVERIFY(!host->isHosting());
}

void TestDesktopWindow::settingsRoundTrip()
{
    DesktopSettings settings;
    settings.setName(QStringLiteral("  Ana  "));
    settings.setNotificationsEnabled(false);
    settings.setLanguage(QStringLiteral("zh_CN"));
    SettingsDialog dialog;
    dialog.load(settings);
    QCOMPARE(dialog.findChild<QLineEdit *>()->text(), QStringLiteral("Ana"));
    QVERIFY(!dialog.findChild<QCheckBox *>()->isChecked());
    QCOMPARE(dialog.findChild<QComboBox *>()->currentData().toString(), QStringLiteral("zh_CN"));
    dialog.findChild<QCheckBox *>()->setChecked(true);
    dialog.findChild<QComboBox *>()->setCurrentIndex(0); // the system's language
    QVERIFY(dialog.save(settings)); // a language change needs a restart
    QVERIFY(settings.notificationsEnabled());
    QVERIFY(settings.language().isEmpty());
    QVERIFY(!dialog.save(settings)); // nothing changed this time

    for (int i = 0; i < DesktopSettings::MaxRecentRooms + 3; ++i)
        settings.addRecentRoom(
            {QUrl(QStringLiteral("http://10.0.0.%1:8848/").arg(i)), QStringLiteral("lobby"), {}});
    settings.addRecentRoom({QUrl(QStringLiteral("http://10.0.0.5:8848/")), QStringLiteral("lobby"),
                            QStringLiteral("Again")});
    const auto recent = settings.recentRooms();
    QCOMPARE(recent.size(), DesktopSettings::MaxRecentRooms);
    QCOMPARE(recent.first().title, QStringLiteral("Again")); // rejoined: first, and only once
    QCOMPARE(std::count(recent.cbegin(), recent.cend(), recent.first()), 1);
}

QTEST_MAIN(TestDesktopWindow)
#include "tst_desktopwindow.moc"
