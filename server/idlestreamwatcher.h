#pragma once
// Keeps idle event-stream sockets out of Qt's per-turn poll() set.
//
// Qt's event dispatchers (glib and the plain UNIX one) poll() every enabled socket notifier on
// every event-loop turn. An event-stream socket never reads after its request, yet its read
// notifier stays enabled so that Qt notices the peer closing: with 1000 subscribers that poll()
// was about 13 % of the hub's core at 200 messages/s (perf, tests/bench/README.md). Parking a
// stream socket disables its read notifier and watches the descriptor through one epoll set
// instead (one notifier for all of them). When the kernel reports input, hang-up or an error, the
// socket's own notifier is enabled again, so Qt reads, sees end-of-file and emits disconnected()
// exactly as before; nothing else changes.
//
// Linux only (epoll); elsewhere park() does nothing and Qt polls as usual.

#include <QObject>
#include <QPointer>

#include <unordered_map>

class QSocketNotifier;
class QTcpSocket;

namespace confab {

class IdleStreamWatcher : public QObject
{
    Q_OBJECT
public:
    explicit IdleStreamWatcher(QObject *parent = nullptr);
    ~IdleStreamWatcher() override;

    // Hands the socket's end-of-file watch to the epoll set. Call it outside the socket's own
    // signal handlers (Qt re-enables the read notifier whenever the socket is read).
    void park(QTcpSocket *socket);
    // Whether the socket's read notifier is parked here right now.
    bool isParked(const QTcpSocket *socket) const;

private:
    void wake();

    int m_epoll = -1;
    QSocketNotifier *m_epollNotifier = nullptr;
    struct Parked
    {
        QPointer<QSocketNotifier> notifier; // the socket's own, disabled while it is parked
        const QTcpSocket *socket = nullptr; // only compared, never used
    };
    std::unordered_map<int, Parked> m_parked; // by descriptor
};

} // namespace confab
