#include "callcontroller.h"

#include "callbanner.h"
#include "calls.h"
#include "hubapi.h"
#include "hubconnection.h"
#include "membermodel.h"

#include <QApplication>
#include <QDesktopServices>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QSystemTrayIcon>

namespace confab {

namespace {
constexpr int TrayMessageMs = 10000;
} // namespace

CallController::CallController(CallBanner *banner, QObject *parent)
    : QObject(parent)
    , m_banner(banner)
    , m_opener([](const QUrl &url) { return QDesktopServices::openUrl(url); })
    , m_ringSound([] { QApplication::beep(); })
{
    m_ringBeep.setInterval(RingBeepIntervalMs);
    connect(&m_ringBeep, &QTimer::timeout, this, [this] { m_ringSound(); });
    connect(m_banner, &CallBanner::acceptRequested, this, &CallController::accept);
    connect(m_banner, &CallBanner::declineRequested, this, &CallController::decline);
}

void CallController::setConnection(HubConnection *connection)
{
    if (m_connection)
        disconnect(m_connection->calls(), nullptr, this, nullptr);
    delete m_handoff;
    m_ringBeep.stop();
    m_banner->showCall(nullptr);
    m_connection = connection;
    if (!connection)
        return;
    connect(connection->calls(), &CallTracker::incomingCall, this, &CallController::onIncomingCall);
    if (IncomingCall *ringing = connection->calls()->ringing())
        onIncomingCall(ringing);
}

void CallController::setTray(QSystemTrayIcon *tray)
{
    m_tray = tray;
}

void CallController::setRingSound(RingSound sound)
{
    m_ringSound = std::move(sound);
}

void CallController::setUrlOpener(CallHandoff::UrlOpener opener)
{
    m_opener = std::move(opener);
    delete m_handoff;
}

CallHandoff *CallController::handoff()
{
    if (!m_handoff && m_connection) {
        m_handoff = new CallHandoff(m_connection->api(), m_opener, this);
        connect(m_handoff, &CallHandoff::failed, this, [this](const QString &reason) {
            if (m_banner->call()) {
                m_banner->setStatus(reason, true);
                m_banner->acceptButton()->setEnabled(true); // the user may try again
            } else {
                emit problem(reason);
            }
        });
    }
    return m_handoff;
}

void CallController::onIncomingCall(IncomingCall *call)
{
    m_banner->showCall(call);
    connect(call, &IncomingCall::finished, this, [this] { m_ringBeep.stop(); });
    m_ringSound();
    m_ringBeep.start();
    if (QWidget *window = m_banner->window())
        QApplication::alert(window); // the taskbar entry asks for attention
    const QString name = call->caller().name;
    const QString title = call->isVideo() ? tr("Incoming video call") : tr("Incoming call");
    const QString text
        = call->isVideo() ? tr("%1 is calling (video)").arg(name) : tr("%1 is calling").arg(name);
    if (m_tray && m_tray->isVisible())
        m_tray->showMessage(title, text, QSystemTrayIcon::Information, TrayMessageMs);
    emit ringAnnounced(title, text);
}

void CallController::accept(const QString &callId)
{
    CallHandoff *link = handoff();
    if (!link)
        return;
    m_ringBeep.stop();
    m_banner->acceptButton()->setEnabled(false);
    // The banner stays until the page has accepted (call_accepted ends the ringing here).
    m_banner->setStatus(tr("Opening the call in your web browser…"), false);
    CallHandoff::Request request;
    request.action = CallHandoff::Request::Action::Accept;
    request.callId = callId;
    link->open(request);
}

void CallController::decline(const QString &callId)
{
    if (!m_connection)
        return;
    m_ringBeep.stop();
    m_banner->declineButton()->setEnabled(false);
    QPointer<CallBanner> banner = m_banner;
    m_connection->api()->declineCall(callId, [banner](const ApiResult<HubApi::Nothing> &result) {
        // Success: call_ended (declined) takes the banner away. A call that ended meanwhile is
        // gone from the hub: the banner goes with its own call_ended.
        if (!result.ok() && banner && result.error.httpStatus != 404
            && result.error.httpStatus != 410) {
            banner->declineButton()->setEnabled(true);
            banner->setStatus(tr("Could not decline: %1").arg(result.error.message), true);
        }
    });
}

void CallController::startCall(const QString &memberId, bool video)
{
    CallHandoff *link = handoff();
    if (!link || memberId.isEmpty())
        return;
    CallHandoff::Request request;
    request.action = CallHandoff::Request::Action::Start;
    request.calleeId = memberId;
    request.media = QLatin1String(video ? callmedia::Video : callmedia::Audio);
    link->open(request);
}

void CallController::attachMemberList(QListView *list)
{
    list->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(list, &QListView::customContextMenuRequested, this,
            [this, list](const QPoint &position) { showMemberMenu(list, position); });
}

void CallController::showMemberMenu(QListView *list, const QPoint &position)
{
    const QModelIndex index = list->indexAt(position);
    if (!index.isValid() || index.data(MemberModel::IsSelfRole).toBool() || !m_connection)
        return;
    const QString memberId = index.data(MemberModel::MemberIdRole).toString();
    QMenu menu(list);
    menu.addAction(tr("Call"), this, [this, memberId] { startCall(memberId, false); });
    menu.addAction(tr("Video call"), this, [this, memberId] { startCall(memberId, true); });
    menu.exec(list->viewport()->mapToGlobal(position));
}

} // namespace confab
