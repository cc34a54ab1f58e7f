// Calls in the window, on the offscreen platform, against a real hub on 127.0.0.1 (hosted by one
// window, joined by another): the incoming-call banner with Accept and Decline appears on
// call_ringing and goes on call_ended, Accept and the DM header's Call buttons open the hand-off
// link (recorded instead of opening a browser; the test then plays the browser's part with the
// code), and the DM shows the call's summary in the window's language. With
// CONFAB_SCREENSHOT_DIR set (on a display), the banner is saved in the running language.

#include "callbanner.h"
#include "callbuttons.h"
#include "callcontroller.h"
#include "calls.h"
#include "chatpage.h"
#include "conversationlistmodel.h"
#include "hubapi.h"
#include "hubconnection.h"
#include "mainwindow.h"
#include "membermodel.h"
#include "messagemodel.h"
#include "messageview.h"
#include "roomhost.h"
#include "translations.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QUrlQuery>

#include <memory>

using namespace confab;

namespace {

constexpr int NetworkWaitMs = 30000;

bool isLive(const MainWindow &window)
{
    return window.connection() && window.connection()->state() == HubConnection::State::Live;
}

QString memberIdByName(const MainWindow &window, const QString &name)
{
    const MemberModel *members = window.connection()->members();
    for (int row = 0; row < members->rowCount(); ++row) {
        const QModelIndex index = members->index(row);
        if (index.data(MemberModel::NameRole).toString() == name)
            return index.data(MemberModel::MemberIdRole).toString();
    }
    return {};
}

QString fragmentItem(const QUrl &url, const QString &key)
{
    return QUrlQuery(url.fragment(QUrl::FullyEncoded)).queryItemValue(key, QUrl::FullyDecoded);
}

bool hasText(const QAbstractItemModel *model, const QString &text)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(MessageModel::TextRole).toString() == text)
            return true;
    }
    return false;
}

// Runs one HubApi call to completion (an answer after the wait lands in a state kept alive).
template<class T> ApiResult<T> waitFor(const std::function<void(HubApi::Callback<T>)> &call)
{
    struct State
    {
        ApiResult<T> result;
        bool done = false;
    };
    const auto state = std::make_shared<State>();
    call([state](const ApiResult<T> &answer) {
        state->result = answer;
        state->done = true;
    });
    if (!QTest::qWaitFor([&] { return state->done; }, NetworkWaitMs))
        state->result.error.message = QStringLiteral("no answer in time");
    return state->result;
}

// The browser's part of a hand-off: redeem the link's code, then act as that member.
class Browser
{
public:
    explicit Browser(const QUrl &hub) { m_api.setBaseUrl(hub); }
    bool signInWith(const QUrl &link)
    {
        const auto session = waitFor<HubSession>([&](auto done) {
            m_api.redeemHandoff(fragmentItem(link, QStringLiteral("handoff")), done);
        });
        if (!session.ok())
            return false;
        m_api.setToken(session.value->token);
        m_memberId = session.value->member.id;
        return true;
    }
    HubApi &api() { return m_api; }
    QString memberId() const { return m_memberId; }
    static QString device() { return QStringLiteral("d_b0b0b0b0b0b0b0b0"); }

private:
    HubApi m_api;
    QString m_memberId;
};

void saveScreenshot(QWidget &window, const QString &name)
{
    const QString dir = qEnvironmentVariable("CONFAB_SCREENSHOT_DIR");
    if (dir.isEmpty() || QGuiApplication::platformName() == QLatin1StringView("offscreen"))
        return;
    QApplication::processEvents();
    window.grab().save(dir + u'/' + name + QStringLiteral(".png"));
}

// The whole screen, with what other programs show on it (a tray's balloon or a notification
// daemon's popup), after they have had `settleMs` to draw; on a display only.
void saveScreenScreenshot(const QString &name, int settleMs)
{
    const QString dir = qEnvironmentVariable("CONFAB_SCREENSHOT_DIR");
    if (dir.isEmpty() || QGuiApplication::platformName() == QLatin1StringView("offscreen"))
        return;
    QTest::qWait(settleMs);
    if (QScreen *screen = QGuiApplication::primaryScreen())
        screen->grabWindow(0).save(dir + u'/' + name + QStringLiteral(".png"));
}

} // namespace

class TestCallWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void ringAcceptInTheBrowserAndSummary();
    void callerCancelsAndDecline();
    void chineseBannerAndSummary(); // last: it switches the language

private:
    // Ana hosts, Bo joins; both live, both know each other.
    bool startBoth(QTemporaryDir &hostDir, QTemporaryDir &joinDir);

    QString m_language;
    std::unique_ptr<MainWindow> m_host;
    std::unique_ptr<MainWindow> m_guest;
    QList<QUrl> m_anaLinks;
    QList<QUrl> m_boLinks;
    int m_anaRings = 0; // the ring sounds Ana's window played
    QStringList m_anaNotices; // what it announced outside the window (title: text)
};

void TestCallWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings and data never touch the user's
    // Screenshots in the language LANG names; the checks below read the English strings only in
    // English (and the translated ones through tr()).
    m_language = installTranslations(QString());
}

bool TestCallWindow::startBoth(QTemporaryDir &hostDir, QTemporaryDir &joinDir)
{
    m_anaLinks.clear();
    m_boLinks.clear();
    // The previous test's windows go first, the guest before its host: a guest left reconnecting
    // finds the next host (the same room, on loopback) and takes the name "Bo" there.
    m_guest.reset();
    m_host.reset();
    m_host = std::make_unique<MainWindow>();
    m_host->setDataDir(hostDir.path());
    m_host->setHostBindAddress(QHostAddress(QHostAddress::LocalHost));
    m_host->setAnnounceHostedRooms(false);
    m_host->resize(1000, 640);
    m_host->show();
    HostRequest request;
    request.name = QStringLiteral("Ana");
    request.title = QStringLiteral("Team room");
    request.port = 0;
    if (!m_host->hostRoom(request))
        return false;
    if (!QTest::qWaitFor([&] { return isLive(*m_host); }, NetworkWaitMs))
        return false;
    m_guest = std::make_unique<MainWindow>();
    m_guest->setDataDir(joinDir.path());
    m_guest->resize(1000, 640);
    m_guest->show();
    m_guest->joinRoom(
        {m_host->roomHost()->localUrl(), QString(), QStringLiteral("Bo"), QString(), QString()});
    if (!QTest::qWaitFor([&] { return isLive(*m_guest); }, NetworkWaitMs))
        return false;
    // No browser opens in a test: the links are kept.
    m_host->chatPage()->calls()->setUrlOpener([this](const QUrl &url) {
        m_anaLinks.append(url);
        return true;
    });
    m_guest->chatPage()->calls()->setUrlOpener([this](const QUrl &url) {
        m_boLinks.append(url);
        return true;
    });
    m_anaRings = 0;
    m_anaNotices.clear();
    m_host->chatPage()->calls()->setRingSound([this] { ++m_anaRings; });
    connect(m_host->chatPage()->calls(), &CallController::ringAnnounced, this,
            [this](const QString &title, const QString &text) {
                m_anaNotices.append(title + QStringLiteral(": ") + text);
            });
    return QTest::qWaitFor(
        [&] {
            return !memberIdByName(*m_guest, QStringLiteral("Ana")).isEmpty()
                && !memberIdByName(*m_host, QStringLiteral("Bo")).isEmpty();
        },
        NetworkWaitMs);
}

void TestCallWindow::ringAcceptInTheBrowserAndSummary()
{
    QTemporaryDir hostDir;
    QTemporaryDir joinDir;
    QVERIFY(startBoth(hostDir, joinDir));
    const QString anaId = memberIdByName(*m_guest, QStringLiteral("Ana"));
    CallBanner *banner = m_host->chatPage()->callBanner();
    QVERIFY(!banner->isVisible());

    // Bo opens the DM with Ana: its header offers Call and Video call.
    CallButtons *buttons = m_guest->chatPage()->callButtons();
    QVERIFY(!buttons->isVisible()); // lobby is a channel
    m_guest->connection()->openDirectMessage(anaId);
    QTRY_VERIFY_WITH_TIMEOUT(buttons->isVisible(), NetworkWaitMs);
    QCOMPARE(buttons->callButton()->text(), CallButtons::tr("Call"));
    QCOMPARE(buttons->videoButton()->text(), CallButtons::tr("Video call"));
    QTest::mouseClick(buttons->videoButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_boLinks.size(), 1, NetworkWaitMs);
    const QUrl startLink = m_boLinks.first();
    QCOMPARE(startLink.host(), QStringLiteral("localhost"));
    QCOMPARE(startLink.port(), int(m_host->roomHost()->localUrl().port()));
    QCOMPARE(fragmentItem(startLink, QStringLiteral("action")), QStringLiteral("start"));
    QCOMPARE(fragmentItem(startLink, QStringLiteral("callee")), anaId);
    QCOMPARE(fragmentItem(startLink, QStringLiteral("media")), QStringLiteral("video"));

    // Bo's browser signs in with the link and places the call: Ana's window rings.
    Browser boBrowser(m_host->roomHost()->localUrl());
    QVERIFY(boBrowser.signInWith(startLink));
    QCOMPARE(boBrowser.memberId(), m_guest->connection()->self().id);
    const auto started = waitFor<CallInfo>([&](auto done) {
        boBrowser.api().startCall(anaId, QStringLiteral("video"), Browser::device(), done);
    });
    QVERIFY2(started.ok(), qPrintable(started.error.message));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), NetworkWaitMs);
    QCOMPARE(banner->textLabel()->text(),
             CallBanner::tr("%1 is calling (video)").arg(QStringLiteral("Bo")));
    QCOMPARE(banner->acceptButton()->text(), CallBanner::tr("Accept"));
    QCOMPARE(banner->declineButton()->text(), CallBanner::tr("Decline"));
    if (!m_language.startsWith(QLatin1StringView("zh"))) {
        QCOMPARE(banner->textLabel()->text(), QStringLiteral("Bo is calling (video)"));
        QCOMPARE(banner->acceptButton()->text(), QStringLiteral("Accept"));
        QCOMPARE(banner->declineButton()->text(), QStringLiteral("Decline"));
    }
    QVERIFY(banner->acceptButton()->isVisible() && banner->declineButton()->isVisible());
    // Bo's own window does not ring for his own call.
    QVERIFY(!m_guest->chatPage()->callBanner()->isVisible());
    saveScreenshot(*m_host, QStringLiteral("banner-") + m_language);
    // It rings at once, announces the call outside the window once, and rings again while the
    // call keeps ringing.
    CallController *anaCalls = m_host->chatPage()->calls();
    QVERIFY(anaCalls->isRinging());
    QCOMPARE(m_anaRings, 1);
    QCOMPARE(m_anaNotices,
             QStringList {CallController::tr("Incoming video call") + QStringLiteral(": ")
                          + CallController::tr("%1 is calling (video)").arg(QStringLiteral("Bo"))});
    QTRY_VERIFY_WITH_TIMEOUT(m_anaRings >= 2, 2 * CallController::RingBeepIntervalMs);
    saveScreenScreenshot(QStringLiteral("screen-ringing-") + m_language, 0);

    // Ana accepts: the link opens the browser to accept that call; the banner waits for it.
    QTest::mouseClick(banner->acceptButton(), Qt::LeftButton);
    // The ringing stops with the click (the browser takes over) and stays stopped.
    QVERIFY(!anaCalls->isRinging());
    const int ringsAtAccept = m_anaRings;
    QTRY_COMPARE_WITH_TIMEOUT(m_anaLinks.size(), 1, NetworkWaitMs);
    const QUrl acceptLink = m_anaLinks.first();
    QCOMPARE(fragmentItem(acceptLink, QStringLiteral("action")), QStringLiteral("accept"));
    QCOMPARE(fragmentItem(acceptLink, QStringLiteral("call")), started.value->id);
    QVERIFY(banner->isVisible());
    QVERIFY(banner->statusLabel()->isVisible());
    QVERIFY(!banner->acceptButton()->isEnabled());
    saveScreenshot(*m_host, QStringLiteral("banner-accepting-") + m_language);
    Browser anaBrowser(m_host->roomHost()->localUrl());
    QVERIFY(anaBrowser.signInWith(acceptLink));
    QCOMPARE(anaBrowser.memberId(), anaId);
    const auto accepted = waitFor<CallInfo>([&](auto done) {
        anaBrowser.api().acceptCall(started.value->id, QStringLiteral("d_a0a0a0a0a0a0a0a0"), done);
    });
    QVERIFY2(accepted.ok(), qPrintable(accepted.error.message));
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), NetworkWaitMs);
    QTest::qWait(CallController::RingBeepIntervalMs + 500);
    QCOMPARE(m_anaRings, ringsAtAccept);
    QCOMPARE(m_anaNotices.size(), 1);

    // The call ends: the DM (open in Bo's window) shows the summary in the window's language.
    const auto hungUp = waitFor<HubApi::Nothing>(
        [&](auto done) { boBrowser.api().hangupCall(started.value->id, done); });
    QVERIFY2(hungUp.ok(), qPrintable(hungUp.error.message));
    const QAbstractItemModel *timeline = m_guest->chatPage()->messageView()->model();
    const auto summaryShown = [&] {
        for (int row = 0; row < timeline->rowCount(); ++row) {
            const QString text = timeline->index(row, 0).data(MessageModel::TextRole).toString();
            for (int seconds = 0; seconds < 60; ++seconds) {
                if (text
                    == callSummaryText(
                        QJsonObject {{QStringLiteral("outcome"), QStringLiteral("completed")},
                                     {QStringLiteral("media"), QStringLiteral("video")},
                                     {QStringLiteral("duration"), seconds}}))
                    return true;
            }
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(summaryShown(), NetworkWaitMs);
    saveScreenshot(*m_guest, QStringLiteral("dm-summary-") + m_language);
}

void TestCallWindow::callerCancelsAndDecline()
{
    QTemporaryDir hostDir;
    QTemporaryDir joinDir;
    QVERIFY(startBoth(hostDir, joinDir));
    const QString anaId = memberIdByName(*m_guest, QStringLiteral("Ana"));
    CallBanner *banner = m_host->chatPage()->callBanner();
    HubApi *bo = m_guest->connection()->api();
    const QString boDevice = m_guest->connection()->calls()->deviceId();

    // Rings, then Bo hangs up before Ana answers: the banner goes, the DM says "Missed call".
    const auto first = waitFor<CallInfo>(
        [&](auto done) { bo->startCall(anaId, QStringLiteral("audio"), boDevice, done); });
    QVERIFY2(first.ok(), qPrintable(first.error.message));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), NetworkWaitMs);
    QCOMPARE(banner->textLabel()->text(),
             CallBanner::tr("%1 is calling").arg(QStringLiteral("Bo")));
    CallController *anaCalls = m_host->chatPage()->calls();
    QVERIFY(anaCalls->isRinging());
    QCOMPARE(m_anaNotices,
             QStringList {CallController::tr("Incoming call") + QStringLiteral(": ")
                          + CallController::tr("%1 is calling").arg(QStringLiteral("Bo"))});
    const auto cancelled
        = waitFor<HubApi::Nothing>([&](auto done) { bo->hangupCall(first.value->id, done); });
    QVERIFY2(cancelled.ok(), qPrintable(cancelled.error.message));
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), NetworkWaitMs);
    QVERIFY(!anaCalls->isRinging()); // the caller gave up: the ringing stops with the banner
    m_host->chatPage()->openConversation(first.value->conversation);
    const QString missed
        = callSummaryText(QJsonObject {{QStringLiteral("outcome"), QStringLiteral("missed")},
                                       {QStringLiteral("media"), QStringLiteral("audio")},
                                       {QStringLiteral("duration"), 0}});
    QTRY_VERIFY_WITH_TIMEOUT(hasText(m_host->chatPage()->messageView()->model(), missed),
                             NetworkWaitMs);

    // Rings again; Ana declines in the banner: it goes, and Bo's side learns it was declined.
    QSignalSpy boEnded(m_guest->connection()->calls(), &CallTracker::callEnded);
    const auto second = waitFor<CallInfo>(
        [&](auto done) { bo->startCall(anaId, QStringLiteral("video"), boDevice, done); });
    QVERIFY2(second.ok(), qPrintable(second.error.message));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible() && banner->call()
                                 && banner->call()->id() == second.value->id,
                             NetworkWaitMs);
    QVERIFY(anaCalls->isRinging());
    QTest::mouseClick(banner->declineButton(), Qt::LeftButton);
    QVERIFY(!anaCalls->isRinging());
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), NetworkWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(boEnded.size(), 1, NetworkWaitMs);
    QCOMPARE(boEnded.first().at(1).toString(), QStringLiteral("declined"));
    QVERIFY(m_anaLinks.isEmpty()); // declining needs no browser

    // Ana calls Bo back from the member list's context menu.
    QListView *members = m_host->chatPage()->memberList();
    QModelIndex boRow;
    for (int row = 0; row < members->model()->rowCount(); ++row) {
        const QModelIndex index = members->model()->index(row, 0);
        if (index.data(MemberModel::NameRole).toString() == QStringLiteral("Bo"))
            boRow = index;
    }
    QVERIFY(boRow.isValid());
    bool chosen = false;
    QTimer::singleShot(0, this, [&chosen] {
        // The menu runs its own loop: pick "Video call" from it once it shows.
        if (!QTest::qWaitFor([] { return QApplication::activePopupWidget() != nullptr; }, 5000))
            return;
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        for (QAction *action : menu->actions()) {
            if (action->text() == CallController::tr("Video call")) {
                menu->close();
                action->trigger();
                chosen = true;
                return;
            }
        }
        menu->close();
    });
    const QPoint at = members->visualRect(boRow).center();
    QContextMenuEvent event(QContextMenuEvent::Mouse, at, members->viewport()->mapToGlobal(at));
    QApplication::sendEvent(members->viewport(), &event);
    QVERIFY(chosen);
    QTRY_COMPARE_WITH_TIMEOUT(m_anaLinks.size(), 1, NetworkWaitMs);
    QCOMPARE(fragmentItem(m_anaLinks.first(), QStringLiteral("action")), QStringLiteral("start"));
    QCOMPARE(fragmentItem(m_anaLinks.first(), QStringLiteral("callee")),
             m_guest->connection()->self().id);
    QCOMPARE(fragmentItem(m_anaLinks.first(), QStringLiteral("media")), QStringLiteral("video"));
}

void TestCallWindow::chineseBannerAndSummary()
{
    installTranslations(QStringLiteral("zh_CN"));
    QTemporaryDir hostDir;
    QTemporaryDir joinDir;
    QVERIFY(startBoth(hostDir, joinDir));
    const QString anaId = memberIdByName(*m_guest, QStringLiteral("Ana"));
    CallBanner *banner = m_host->chatPage()->callBanner();
    HubApi *bo = m_guest->connection()->api();
    const auto call = waitFor<CallInfo>([&](auto done) {
        bo->startCall(anaId, QStringLiteral("audio"), m_guest->connection()->calls()->deviceId(),
                      done);
    });
    QVERIFY2(call.ok(), qPrintable(call.error.message));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), NetworkWaitMs);
    QCOMPARE(banner->textLabel()->text(), QStringLiteral("Bo 来电"));
    QCOMPARE(banner->acceptButton()->text(), QStringLiteral("接听"));
    QCOMPARE(banner->declineButton()->text(), QStringLiteral("拒绝"));
    const auto cancelled
        = waitFor<HubApi::Nothing>([&](auto done) { bo->hangupCall(call.value->id, done); });
    QVERIFY2(cancelled.ok(), qPrintable(cancelled.error.message));
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), NetworkWaitMs);
    // The hub's message says "Missed call"; the window says it in Chinese.
    m_host->chatPage()->openConversation(call.value->conversation);
    QTRY_VERIFY_WITH_TIMEOUT(
        hasText(m_host->chatPage()->messageView()->model(), QStringLiteral("未接来电")),
        NetworkWaitMs);
    QVERIFY(!hasText(m_host->chatPage()->messageView()->model(), QStringLiteral("Missed call")));
}

QTEST_MAIN(TestCallWindow)
#include "tst_callwindow.moc"
