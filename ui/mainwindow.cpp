#include "mainwindow.h"

#include "conversation.h"
#include "conversationview.h"
#include "searchpanel.h"

#include "callcontroller.h"
#include "channelbrowser.h"
#include "chatpage.h"
#include "composer.h"
#include "connectionstatus.h"
#include "conversation.h"
#include "conversationlistmodel.h"
#include "conversationsidebar.h"
#include "conversationview.h"
#include "hostinfopanel.h"
#include "hubapi.h"
#include "hubtrust.h"
#include "landiscovery.h"
#include "membermodel.h"
#include "memberpicker.h"
#include "messageview.h"
#include "newchanneldialog.h"
#include "protocol.h"
#include "quickswitcher.h"
#include "roomhost.h"
#include "searchpanel.h"
#include "settingsdialog.h"

#include <confab/version.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QEventLoop>
#include <QInputDialog>
#include <QLoggingCategory>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTimer>

Q_LOGGING_CATEGORY(lcWindow, "confab.ui.window")

namespace confab {

namespace {

constexpr int NotificationTextChars = 200;
constexpr int NotificationTimeoutMs = 5000;
constexpr int RejectedMessageTimeoutMs = 15000;
constexpr int DefaultWidth = 1000;
constexpr int DefaultHeight = 680;
// A member leaving tells the hub (DELETE session); past this the hub forgets idle tokens anyway.
constexpr int SignOutTimeoutMs = 5000;
// The host's own sign-out goes to its own hub in this thread, over loopback: milliseconds.
constexpr int OwnSignOutTimeoutMs = 2000;
// Signing in, loading history and opening the stream take well under a second on a LAN. Shorter
// than one request's own timeout, whose "Operation canceled" tells the user less.
constexpr int SearchPanelMinWidth = 320; // a result's "conversation · sender · time" fits
constexpr int DefaultFirstConnectionTimeoutMs = HubApi::RequestTimeoutMs * 4 / 5;

QIcon applicationIcon()
{
    const QIcon icon(QStringLiteral(":/icons/confab.svg"));
    return icon.isNull() ? QApplication::style()->standardIcon(QStyle::SP_MessageBoxInformation)
                         : icon;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_pages(new QStackedWidget(this))
    , m_startPage(new StartPage(this))
    , m_chatPage(new ChatPage(this))
    , m_status(new ConnectionStatus(this))
    , m_discovery(new LanDiscovery(this))
    , m_host(new RoomHost(this))
    , m_firstConnection(new QTimer(this))
    , m_search(new SearchPanel(this))
    , m_searchDock(new QDockWidget(this))
{
    m_firstConnection->setSingleShot(true);
    m_firstConnection->setInterval(DefaultFirstConnectionTimeoutMs);
    connect(m_firstConnection, &QTimer::timeout, this, [this] {
        if (!m_session || m_wasLive)
            return;
        const int seconds = m_firstConnection->interval() / 1000;
        failFirstConnection(tr("No answer from %1 within %n second(s). Check the address, and "
                               "that the host's computer is on this network.",
                               nullptr, qMax(1, seconds))
                                .arg(m_currentRoom.hubUrl.toString()));
    });
    setWindowIcon(applicationIcon());
    m_pages->addWidget(m_startPage);
    m_pages->addWidget(m_chatPage);
    setCentralWidget(m_pages);
    statusBar()->addWidget(m_status, 1);
    resize(DefaultWidth, DefaultHeight);

    m_startPage->loadSettings(m_settings);
    m_startPage->setDiscovery(m_discovery);
    connect(m_startPage, &StartPage::hostRequested, this, &MainWindow::hostRoom);
    connect(m_startPage, &StartPage::joinRequested, this, &MainWindow::joinRoom);
    connect(m_chatPage, &ChatPage::leaveRequested, this, [this] { leaveRoom(); });
    connect(m_chatPage, &ChatPage::currentConversationChanged, this, &MainWindow::updateTitle);
    connect(m_chatPage, &ChatPage::outboxChanged, m_status, &ConnectionStatus::setOutboxSize);
    ConversationSidebar *sidebar = m_chatPage->sidebar();
    connect(sidebar->newChannelAction(), &QAction::triggered, this,
            &MainWindow::showNewChannelDialog);
    connect(sidebar->browseChannelsAction(), &QAction::triggered, this,
            &MainWindow::showChannelBrowser);
    connect(sidebar->messageMemberAction(), &QAction::triggered, this,
            &MainWindow::showMemberPicker);

    m_searchDock->setObjectName(QStringLiteral("search"));
    m_searchDock->setWidget(m_search);
    m_search->setMinimumWidth(SearchPanelMinWidth);
    m_searchDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable);
    addDockWidget(Qt::RightDockWidgetArea, m_searchDock);
    m_searchDock->hide();
    connect(m_search, &SearchPanel::resultChosen, this, &MainWindow::openSearchResult);
    connect(m_search, &SearchPanel::closeRequested, m_searchDock, &QDockWidget::hide);

    createMenus();
    createTrayIcon();
    m_chatPage->calls()->setTray(m_tray); // incoming calls are announced there too
    updateTitle();
}

SearchPanel *MainWindow::searchPanel() const
{
    return m_search;
}

void MainWindow::showSearch(bool allConversations)
{
    if (!m_session || m_pages->currentWidget() != m_chatPage)
        return;
    m_search->setConnection(m_session);
    const QString current = m_chatPage->currentConversationId();
    const Conversation *conversation
        = current.isEmpty() ? nullptr : m_session->conversation(current);
    if (allConversations || !conversation)
        m_search->setScope({}, {});
    else
        m_search->setScope(current, conversation->title());
    m_searchDock->setWindowTitle(tr("Search"));
    m_searchDock->show();
    m_searchDock->raise();
    m_search->focusQuery();
}

void MainWindow::openSearchResult(const QString &conversationId, qint64 messageId)
{
    if (!m_session || !m_chatPage->openConversation(conversationId))
        return;
    if (ConversationView *view = m_chatPage->viewFor(conversationId))
        view->showMessage(messageId);
}

MainWindow::~MainWindow()
{
    // Closing the app is not leaving the room: the session (and its outbox) resumes next time.
    stopSession(false);
    m_host->stop(tr("The host closed the room."));
}

void MainWindow::setDataDir(const QString &dir)
{
    m_dataDirOverride = dir;
}

QString MainWindow::dataDir() const
{
    return m_dataDirOverride.isEmpty() ? m_settings.dataDir() : m_dataDirOverride;
}

void MainWindow::setHostBindAddress(const QHostAddress &address)
{
    m_hostBind = address;
}

void MainWindow::setAnnounceHostedRooms(bool announce)
{
    m_announce = announce;
}

void MainWindow::setFirstConnectionTimeoutMs(int ms)
{
    m_firstConnection->setInterval(ms);
}

LanDiscovery *MainWindow::discovery() const
{
    return m_discovery;
}

void MainWindow::startDiscovery()
{
    QString error;
    if (!m_discovery->start(&error))
        qCWarning(lcWindow) << "LAN discovery is off:" << error;
}

StartPage *MainWindow::startPage() const
{
    return m_startPage;
}

ChatPage *MainWindow::chatPage() const
{
    return m_chatPage;
}

HubConnection *MainWindow::connection() const
{
    return m_session;
}

RoomHost *MainWindow::roomHost() const
{
    return m_host;
}

ConnectionStatus *MainWindow::connectionStatus() const
{
    return m_status;
}

bool MainWindow::isHosting() const
{
    return m_host->isRunning();
}

int MainWindow::unreadCount() const
{
    return m_unread;
}

void MainWindow::showNewChannelDialog()
{
    if (!m_session)
        return;
    auto *dialog = new NewChannelDialog(m_session, this);
    dialog->open();
}

void MainWindow::showChannelBrowser()
{
    if (!m_session)
        return;
    auto *dialog = new ChannelBrowser(m_session, this);
    connect(dialog, &ChannelBrowser::conversationChosen, m_chatPage, &ChatPage::openConversation);
    dialog->open();
}

void MainWindow::showMemberPicker()
{
    if (!m_session)
        return;
    auto *dialog = new MemberPicker(m_session, this);
    dialog->open();
}

void MainWindow::showQuickSwitcher()
{
    if (!m_session || m_pages->currentWidget() != m_chatPage)
        return;
    auto *switcher = new QuickSwitcher(m_session->conversations(), this);
    connect(switcher, &QuickSwitcher::conversationChosen, m_chatPage, &ChatPage::openConversation);
    switcher->open();
}

void MainWindow::createMenus()
{
    QMenu *confab = menuBar()->addMenu(tr("&Confab"));
    QAction *settings = confab->addAction(tr("&Settings…"), this, &MainWindow::showSettings);
    settings->setMenuRole(QAction::PreferencesRole);
    settings->setShortcut(QKeySequence::Preferences);
    confab->addSeparator();
    QAction *quit = confab->addAction(tr("&Quit"), this, &MainWindow::quitApplication);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *room = menuBar()->addMenu(tr("&Room"));
    m_switchAction
        = room->addAction(tr("&Switch Conversation…"), this, &MainWindow::showQuickSwitcher);
    m_switchAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_switchAction->setEnabled(false);
    m_findAction
        = room->addAction(tr("&Find in Conversation…"), this, [this] { showSearch(false); });
    m_findAction->setShortcut(QKeySequence::Find);
    m_findAction->setEnabled(false);
    m_findAllAction
        = room->addAction(tr("Find in &All Conversations…"), this, [this] { showSearch(true); });
    m_findAllAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    m_findAllAction->setEnabled(false);
    const ConversationSidebar *sidebar = m_chatPage->sidebar();
    room->addAction(sidebar->newChannelAction());
    room->addAction(sidebar->browseChannelsAction());
    room->addAction(sidebar->messageMemberAction());
    room->addSeparator();
    m_leaveAction = room->addAction(tr("&Leave Room"), this, [this] { leaveRoom(); });
    m_leaveAction->setEnabled(false); // on the start page there is no room to leave

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Confab"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::createTrayIcon()
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_tray = new QSystemTrayIcon(windowIcon(), this);
    auto *menu = new QMenu(this);
    menu->addAction(tr("Show Confab"), this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    menu->addSeparator();
    menu->addAction(tr("Quit"), this, &MainWindow::quitApplication);
    m_tray->setContextMenu(menu);
    connect(m_tray, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick) {
                    showNormal();
                    raise();
                    activateWindow();
                }
            });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
        showNormal();
        activateWindow();
    });
    m_tray->setToolTip(tr("Confab"));
    m_tray->show();
}

bool MainWindow::hostRoom(const HostRequest &request)
{
    m_settings.setName(request.name);
    m_settings.setHostTitle(request.title);
    m_settings.setHostPort(request.port);
    RoomHost::Options options;
    options.title = request.title;
    options.password = request.password;
    options.port = request.port;
    if (request.port == 0)
        options.preferredPort = m_settings.lastFreePort();
    options.bindAddress = m_hostBind;
    options.dataDir = QDir(dataDir()).filePath(QStringLiteral("hub"));
    options.announce = m_announce;
    QString error;
    if (!m_host->start(options, &error)) {
        m_startPage->showError(tr("Could not start hosting: %1").arg(error));
        return false;
    }
    if (request.port == 0)
        m_settings.setLastFreePort(m_host->port());
    m_chatPage->hostInfo()->setJoinUrls(m_host->joinUrls(), m_host->fingerprint());
    m_chatPage->hostInfo()->show();
    // The host's own member joins over loopback, over TLS pinned to the hub's own identity.
    JoinRequest own(m_host->localUrl(), QString(), request.name, request.password, request.title);
    own.pin = m_host->hubHost()->pin();
    if (own.pin)
        own.hubUrl = TlsPin::secured(own.hubUrl);
    startSession(own);
    return true;
}

void MainWindow::joinRoom(const JoinRequest &request)
{
    m_settings.setName(request.name);
    m_chatPage->hostInfo()->hide();
    startSession(request);
}

void MainWindow::startSession(const JoinRequest &request)
{
    stopSession(true);
    m_currentRoom = request;
    m_wasLive = false;
    m_session = new HubConnection(this);
    connect(m_session, &HubConnection::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_session, &HubConnection::messageArrived, this, &MainWindow::onMessageArrived);
    ConversationListModel *conversations = m_session->conversations();
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(conversations, signal, this, &MainWindow::updateUnread);
    connect(conversations, &QAbstractItemModel::modelReset, this, &MainWindow::updateUnread);
    connect(conversations, &QAbstractItemModel::dataChanged, this, &MainWindow::updateUnread);
    connect(m_session, &HubConnection::actionFailed, this,
            [this](const QString &what, const QString &reason) {
                // The dialogs show their own errors; the rest (leaving, a DM from the member
                // list) goes where the user is looking: the status bar.
                if (what == QLatin1StringView(HubConnection::ActionCreate)
                    || what == QLatin1StringView(HubConnection::ActionDirectory))
                    return;
                statusBar()->showMessage(reason, RejectedMessageTimeoutMs);
            });
    // A refusal in the open conversation shows at its composer (ConversationView); one
    // elsewhere (an outbox sent after a restart) in the status bar.
    connect(m_session, &HubConnection::sendRejected, this,
            [this](const QString &conversationId, const QString &, const QString &reason) {
                if (conversationId != m_chatPage->currentConversationId())
                    statusBar()->showMessage(tr("A message was not sent: %1").arg(reason),
                                             RejectedMessageTimeoutMs);
            });
    connect(m_session, &HubConnection::hostLeft, this, [this](const QString &reason) {
        statusBar()->showMessage(reason.isEmpty()
                                     ? tr("The host closed the room; waiting for it to come back.")
                                     : tr("The host closed the room (%1); waiting for it "
                                          "to come back.")
                                           .arg(reason));
    });
    m_chatPage->setConnection(m_session);
    // The room shows once the hub has been reached; until then the start page says what is
    // happening, and a failure leaves the user there with the reason (see onStateChanged).
    m_startPage->showProgress(tr("Connecting to %1…").arg(request.hubUrl.toString()));
    updateUnread();

    HubConnection::Options options;
    options.hubUrl = request.hubUrl;
    options.name = request.name;
    options.password = request.password;
    options.storageDir = QDir(dataDir()).filePath(QStringLiteral("client"));
    options.pin = request.pin;
    m_firstConnection->start();
    m_session->start(options);
    updateTitle();
}

HubConnection *MainWindow::stopSession(bool leave)
{
    if (!m_session)
        return nullptr;
    HubConnection *session = m_session;
    m_session = nullptr;
    m_chatPage->setConnection(nullptr);
    disconnect(session, nullptr, this, nullptr);
    disconnect(session->conversations(), nullptr, this, nullptr);
    const bool signingOut = session->stop(leave);
    if (signingOut) {
        // Deleting it now would abort the sign-out before it leaves, and the hub would keep a
        // ghost member (the host twice after hosting again).
        connect(session, &HubConnection::signedOut, session, &QObject::deleteLater);
        QTimer::singleShot(SignOutTimeoutMs, session, &QObject::deleteLater);
    } else {
        session->deleteLater();
    }
    m_status->setState(HubConnection::State::Idle, {}, 0);
    m_status->setOutboxSize(0);
    return signingOut ? session : nullptr;
}

void MainWindow::stopHosting(HubConnection *signingOut)
{
    if (!m_host->isRunning())
        return;
    if (signingOut) {
        // The host's own sign-out must reach its hub before the hub stops; the hub runs in this
        // thread, so wait for it here (bounded, user input held back meanwhile).
        QEventLoop loop;
        connect(signingOut, &HubConnection::signedOut, &loop, &QEventLoop::quit);
        connect(signingOut, &QObject::destroyed, &loop, &QEventLoop::quit);
        QTimer::singleShot(OwnSignOutTimeoutMs, &loop, &QEventLoop::quit);
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    }
    m_host->stop(tr("The host closed the room."));
}

bool MainWindow::leaveRoom()
{
    if (m_host->isRunning() && askStopHosting(false) != StopHosting::Stop)
        return false;
    closeRoom();
    return true;
}

void MainWindow::closeRoom()
{
    const bool hosting = m_host->isRunning();
    HubConnection *signingOut = stopSession(true);
    if (hosting)
        stopHosting(signingOut);
    m_chatPage->hostInfo()->hide();
    m_startPage->loadSettings(m_settings);
    m_startPage->showProgress({});
    m_pages->setCurrentWidget(m_startPage);
    updateUnread();
    updateTitle();
}

void MainWindow::failFirstConnection(const QString &message)
{
    m_firstConnection->stop();
    closeRoom();
    m_startPage->showError(message);
}

MainWindow::StopHosting MainWindow::askStopHosting(bool offerTray)
{
    int others = 0;
    if (m_session) {
        const MemberModel *members = m_session->members();
        for (int row = 0; row < members->rowCount(); ++row) {
            const QModelIndex index = members->index(row);
            if (index.data(MemberModel::OnlineRole).toBool()
                && !index.data(MemberModel::IsSelfRole).toBool())
                ++others;
        }
    }
    QMessageBox box(this);
    box.setIcon(QMessageBox::Question);
    box.setWindowTitle(tr("You are hosting a room"));
    QString text = others > 0
        ? tr("%n other member(s) are chatting in your room. Stopping hosting closes the room for "
             "everyone.",
             nullptr, others)
        : tr("Nobody else is in your room right now. Stopping hosting closes it: nobody can "
             "join until you host again.");
    if (offerTray)
        text += u' ' + tr("You can also keep the room open in the background.");
    box.setText(text);
    QPushButton *stop = box.addButton(tr("Stop Hosting"), QMessageBox::DestructiveRole);
    QPushButton *keep = offerTray && m_tray
        ? box.addButton(tr("Keep Open in Tray"), QMessageBox::AcceptRole)
        : nullptr;
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(keep ? keep : stop);
    box.exec();
    if (box.clickedButton() == stop)
        return StopHosting::Stop;
    if (keep && box.clickedButton() == keep)
        return StopHosting::KeepInTray;
    return StopHosting::Cancel;
}

void MainWindow::askPasswordAndRejoin(const JoinRequest &request, bool wrongBefore)
{
    const QString room = request.title.isEmpty() ? request.hubUrl.toString() : request.title;
    const QString label = wrongBefore ? tr("That password is wrong. Password for “%1”:")
                                      : tr("This room is locked. Password for “%1”:");
    bool ok = false;
    const QString password = QInputDialog::getText(this, tr("Locked Room"), label.arg(room),
                                                   QLineEdit::Password, QString(), &ok);
    if (!ok || password.isEmpty())
        return;
    JoinRequest again = request;
    again.password = password;
    joinRoom(again);
}

void MainWindow::onStateChanged(HubConnection::State state, const QString &reason, int retryInMs)
{
    m_status->setState(state, reason, retryInMs);
    statusBar()->clearMessage();
    if (state == HubConnection::State::Live && !m_wasLive) {
        m_wasLive = true;
        m_firstConnection->stop();
        m_status->setRoomTitle(hubLabel());
        if (!m_host->isRunning()) {
            m_settings.addRecentRoom({m_currentRoom.hubUrl,
                                      QString::fromLatin1(protocol::DefaultRoomId),
                                      m_currentRoom.title});
            // The hub presented the pinned certificate: remembered for joining it by address.
            if (m_currentRoom.pin)
                HubTrustStore().remember(m_currentRoom.hubUrl, m_currentRoom.pin->hex());
        }
        m_startPage->showProgress({});
        m_pages->setCurrentWidget(m_chatPage);
        m_chatPage->messageView()->scrollToNewest();
        m_chatPage->composer()->setFocus();
        m_chatPage->updateReadState();
        updateTitle();
        return;
    }
    if (m_wasLive)
        return; // a room once reached shows its reconnection in the room
    if (state == HubConnection::State::Failed || state == HubConnection::State::Reconnecting) {
        // Never got in: a dead address, a stopped host, a locked room, a taken name, not a
        // hub. Back to the start page with the reason, instead of an empty room retrying.
        const JoinRequest request = m_currentRoom;
        const HubConnection::Failure failure = m_session->failure();
        const QString address = request.hubUrl.toString();
        const QString message = state == HubConnection::State::Reconnecting
            ? tr("Could not reach %1 (%2). Check the address, and that Confab is running "
                 "there and hosting a room.")
                  .arg(address, reason)
            : tr("Could not join %1: %2").arg(address, reason);
        failFirstConnection(message);
        if (failure == HubConnection::Failure::PasswordNeeded
            || failure == HubConnection::Failure::WrongPassword) {
            const bool wrong = failure == HubConnection::Failure::WrongPassword;
            QTimer::singleShot(0, this,
                               [this, request, wrong] { askPasswordAndRejoin(request, wrong); });
        }
    }
}

void MainWindow::onMessageArrived(const QString &conversationId, const MessageEvent &message,
                                  bool own, bool mentionsMe)
{
    if (own)
        return;
    // The badges count for themselves (ConversationListModel); a notification is for what the
    // user cannot see: another window active, or another conversation open (a mention).
    const bool elsewhere = conversationId != m_chatPage->currentConversationId();
    if ((!isActiveWindow() || (elsewhere && mentionsMe)) && m_tray
        && m_settings.notificationsEnabled()) {
        const Conversation *conversation
            = m_session ? m_session->conversation(conversationId) : nullptr;
        const QString room
            = conversation && !conversation->isDirect() ? conversation->title() : QString();
        const QString title
            = room.isEmpty() ? message.from.name : tr("%1 in %2").arg(message.from.name, room);
        QString text = message.text.left(NotificationTextChars);
        if (message.text.size() > NotificationTextChars)
            text += u'…';
        // Notification text is shown as plain text by the platform.
        m_tray->showMessage(title, text, QSystemTrayIcon::Information, NotificationTimeoutMs);
    }
}

void MainWindow::updateUnread()
{
    const int count = m_session ? m_session->conversations()->totalUnread() : 0;
    if (m_unread == count)
        return;
    m_unread = count;
    updateTitle();
}

QString MainWindow::hubLabel() const
{
    if (!m_currentRoom.title.isEmpty())
        return m_currentRoom.title;
    return m_currentRoom.hubUrl.authority();
}

void MainWindow::updateTitle()
{
    // Ends with the application's display name, so that platforms which append it to window
    // titles (X11, Wayland) do not add it a second time.
    QString title = tr("Confab");
    const bool inRoom = m_session && m_pages->currentWidget() == m_chatPage;
    if (inRoom) {
        QString room = hubLabel();
        if (m_host->isRunning())
            room = tr("%1 (hosting)").arg(room);
        const Conversation *open = m_chatPage->currentView()->conversation();
        // The lobby carries the room's own title: "# Ana's room · Ana's room" says it twice.
        if (open && open->title() != hubLabel()) {
            const QString name = open->isDirect() ? open->title() : tr("# %1").arg(open->title());
            room = tr("%1 · %2").arg(name, room);
        }
        title = tr("%1 — Confab").arg(room);
    }
    m_leaveAction->setEnabled(inRoom);
    m_switchAction->setEnabled(inRoom);
    m_findAction->setEnabled(inRoom);
    m_findAllAction->setEnabled(inRoom);
    if (!inRoom) {
        m_searchDock->hide();
        m_search->setConnection(nullptr);
    }
    const ConversationSidebar *sidebar = m_chatPage->sidebar();
    for (QAction *action : {sidebar->newChannelAction(), sidebar->browseChannelsAction(),
                            sidebar->messageMemberAction()})
        action->setEnabled(inRoom);
    if (m_unread > 0)
        title = tr("(%1) %2").arg(m_unread).arg(title);
    setWindowTitle(title);
    if (m_tray) {
        m_tray->setToolTip(
            m_unread > 0 ? tr("Confab: %n unread message(s)", nullptr, m_unread)
                         : (m_host->isRunning() ? tr("Confab: hosting a room") : tr("Confab")));
    }
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::ActivationChange)
        m_chatPage->updateReadState();
    if (event->type() == QEvent::LanguageChange)
        updateTitle();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_quitting || !m_host->isRunning()) {
        event->accept();
        return;
    }
    const StopHosting answer = askStopHosting(true);
    if (answer == StopHosting::Stop) {
        closeRoom();
        event->accept();
    } else if (answer == StopHosting::KeepInTray) {
        QApplication::setQuitOnLastWindowClosed(false);
        hide();
        m_tray->showMessage(tr("Confab is still hosting"),
                            tr("Your room stays open. Use the tray icon to come back or quit."),
                            QSystemTrayIcon::Information, NotificationTimeoutMs);
        event->ignore();
    } else {
        event->ignore();
    }
}

void MainWindow::quitApplication()
{
    if (m_host->isRunning()) {
        // The same question as closing the window: the room closes for everyone.
        if (askStopHosting(false) != StopHosting::Stop)
            return;
        closeRoom(); // signs the host out first, so hosting again shows the host once
    }
    m_quitting = true;
    stopSession(false);
    QApplication::quit();
}

void MainWindow::showSettings()
{
    SettingsDialog dialog(this);
    dialog.load(m_settings);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (dialog.save(m_settings))
        QMessageBox::information(
            this, tr("Settings"),
            tr("The new language and data folder apply the next time Confab starts."));
    m_startPage->loadSettings(m_settings);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Confab"),
                       tr("<h3>Confab %1</h3><p>Chat with the people on your network: host a room "
                          "or join one, from this app or a web browser.</p>")
                           .arg(QStringLiteral(CONFAB_VERSION_STRING)));
}

} // namespace confab
