#pragma once
// Qt's socket engine keeps a read notifier per connection and enables it again whenever the
// socket is read. The hub disables it where another reader takes the descriptor for a while: the
// idle-stream watcher (epoll) and an upload received on a worker thread.

class QSocketNotifier;
class QTcpSocket;

namespace confab {

// The read notifier Qt's socket engine keeps for the socket's descriptor, if any.
QSocketNotifier *readNotifierOf(QTcpSocket *socket);

} // namespace confab
