#pragma once
// The window's part of calls (docs/protocol.md, "Calls" and "Hand-off"): rings for an incoming
// call (the banner, a tray notification, a beep) and hands calls to the system browser, where the
// hub's page runs them (app/callhandoff.h says why the window has no WebRTC of its own): Accept
// opens the page to accept, Call / Video call (a DM's header, a member's context menu) opens it
// to start one. Decline is answered here, without the browser.

#include "callhandoff.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

class QListView;
class QPoint;
class QSystemTrayIcon;

namespace confab {

class CallBanner;
class HubConnection;
class IncomingCall;

class CallController : public QObject
{
    Q_OBJECT
public:
    // While a call rings, the window beeps this often (QApplication::beep: the platform's own
    // alert sound, where it has one; no audio library is needed).
    static constexpr int RingBeepIntervalMs = 2500;

    CallController(CallBanner *banner, QObject *parent = nullptr);

    void setConnection(HubConnection *connection); // nullptr: nothing rings
    void setTray(QSystemTrayIcon *tray); // nullptr: no tray notification
    // The ring's sound, played at once and then every RingBeepIntervalMs while the call rings
    // (default QApplication::beep; tests count the rings instead).
    using RingSound = std::function<void()>;
    void setRingSound(RingSound sound);
    // True from the first ring until the call stops ringing here (answered, declined, ended).
    bool isRinging() const { return m_ringBeep.isActive(); }
    // How links are opened (default QDesktopServices::openUrl; tests record them instead).
    void setUrlOpener(CallHandoff::UrlOpener opener);
    // Adds "Call" and "Video call" to the list's context menu (a member list: MemberModel rows).
    void attachMemberList(QListView *list);

    // Opens the browser to call that member.
    void startCall(const QString &memberId, bool video);

signals:
    // Something went wrong where the user is not looking at the banner (starting a call).
    void problem(const QString &text);
    // A call started ringing here: announced in the tray's message too, when the tray shows.
    void ringAnnounced(const QString &title, const QString &text);

private:
    void onIncomingCall(IncomingCall *call);
    void accept(const QString &callId);
    void decline(const QString &callId);
    void showMemberMenu(QListView *list, const QPoint &position);
    CallHandoff *handoff();

    CallBanner *m_banner;
    QPointer<HubConnection> m_connection;
    QPointer<QSystemTrayIcon> m_tray;
    CallHandoff::UrlOpener m_opener;
    RingSound m_ringSound;
    QPointer<CallHandoff> m_handoff; // for the current connection's HubApi
    QTimer m_ringBeep;
};

} // namespace confab
