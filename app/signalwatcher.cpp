#include "signalwatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <unistd.h>
#elif defined(Q_OS_WIN)
#include <windows.h>
#endif

namespace confab {

namespace {
#ifdef Q_OS_UNIX
// The self-pipe trick: the handler only writes one byte; the notifier reads it on the main thread.
int g_signalFds[2] = {-1, -1};

void onSignal(int signalNumber)
{
    const char byte = char(signalNumber);
    [[maybe_unused]] const auto written = ::write(g_signalFds[0], &byte, 1);
}
#elif defined(Q_OS_WIN)
SignalWatcher *g_watcher = nullptr;

BOOL WINAPI onConsoleEvent(DWORD)
{
    if (g_watcher)
        QMetaObject::invokeMethod(g_watcher, "terminationRequested", Qt::QueuedConnection,
                                  Q_ARG(int, SIGINT));
    return TRUE;
}
#endif
} // namespace

SignalWatcher::SignalWatcher(QObject *parent)
    : QObject(parent)
{
#ifdef Q_OS_UNIX
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFds) != 0)
        return;
    m_notifier = new QSocketNotifier(g_signalFds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalWatcher::readSignal);
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
#elif defined(Q_OS_WIN)
    g_watcher = this;
    SetConsoleCtrlHandler(onConsoleEvent, TRUE);
#endif
}

SignalWatcher::~SignalWatcher()
{
#ifdef Q_OS_UNIX
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    delete m_notifier;
    for (int &fd : g_signalFds) {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
#elif defined(Q_OS_WIN)
    SetConsoleCtrlHandler(onConsoleEvent, FALSE);
    g_watcher = nullptr;
#endif
}

void SignalWatcher::readSignal()
{
#ifdef Q_OS_UNIX
    char byte = 0;
    if (::read(g_signalFds[1], &byte, 1) == 1)
        emit terminationRequested(int(byte));
#endif
}

} // namespace confab
