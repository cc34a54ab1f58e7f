#include "idlestreamwatcher.h"

#include "socketnotifiers.h"

#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTcpSocket>

#ifdef Q_OS_LINUX
#include <sys/epoll.h>
#include <unistd.h>
#endif

Q_LOGGING_CATEGORY(lcIdleWatch, "confab.hub.idlewatch")

namespace confab {

namespace {
#ifdef Q_OS_LINUX
// Descriptors handled per wake-up; more are simply reported again at the next turn.
constexpr int WakeBatch = 256;
#endif
} // namespace

QSocketNotifier *readNotifierOf(QTcpSocket *socket)
{
    const qintptr descriptor = socket->socketDescriptor();
    const auto notifiers = socket->findChildren<QSocketNotifier *>();
    for (QSocketNotifier *notifier : notifiers) {
        if (notifier->type() == QSocketNotifier::Read && notifier->socket() == descriptor)
            return notifier;
    }
    return nullptr;
}

IdleStreamWatcher::IdleStreamWatcher(QObject *parent)
    : QObject(parent)
{
#ifdef Q_OS_LINUX
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        qCWarning(lcIdleWatch) << "epoll_create1 failed; stream sockets stay in Qt's poll set";
        return;
    }
    m_epollNotifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_epollNotifier, &QSocketNotifier::activated, this, &IdleStreamWatcher::wake);
#endif
}

IdleStreamWatcher::~IdleStreamWatcher()
{
#ifdef Q_OS_LINUX
    delete m_epollNotifier;
    if (m_epoll >= 0)
        ::close(m_epoll);
#endif
}

void IdleStreamWatcher::park(QTcpSocket *socket)
{
#ifdef Q_OS_LINUX
    if (m_epoll < 0 || !socket || socket->state() != QAbstractSocket::ConnectedState
        || socket->bytesAvailable() > 0)
        return;
    QSocketNotifier *notifier = readNotifierOf(socket);
    if (!notifier || !notifier->isEnabled())
        return;
    const int descriptor = int(socket->socketDescriptor());
    epoll_event event {};
    // One-shot: after one report the descriptor stays quiet until it is parked again.
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    event.data.fd = descriptor;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, descriptor, &event) != 0
        && (errno != EEXIST || epoll_ctl(m_epoll, EPOLL_CTL_MOD, descriptor, &event) != 0))
        return;
    notifier->setEnabled(false);
    // A closed descriptor leaves the epoll set by itself, so a report always concerns the latest
    // socket parked under that number. An entry left by a closed socket costs a few bytes until
    // the number is reused (the kernel hands out the lowest free one), so none are tracked.
    m_parked[descriptor] = Parked {notifier, socket};
#else
    Q_UNUSED(socket);
#endif
}

bool IdleStreamWatcher::isParked(const QTcpSocket *socket) const
{
    const auto it = m_parked.find(int(socket->socketDescriptor()));
    return it != m_parked.end() && it->second.socket == socket && it->second.notifier
        && !it->second.notifier->isEnabled();
}

void IdleStreamWatcher::wake()
{
#ifdef Q_OS_LINUX
    epoll_event events[WakeBatch];
    const int ready = epoll_wait(m_epoll, events, WakeBatch, 0);
    for (int i = 0; i < ready; ++i) {
        const int descriptor = events[i].data.fd;
        const auto it = m_parked.find(descriptor);
        if (it == m_parked.end())
            continue;
        const QPointer<QSocketNotifier> notifier = it->second.notifier;
        m_parked.erase(it);
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, descriptor, nullptr);
        // Qt takes it from here: it reads, and sees end-of-file or the client's bytes.
        if (notifier)
            notifier->setEnabled(true);
    }
#endif
}

} // namespace confab
