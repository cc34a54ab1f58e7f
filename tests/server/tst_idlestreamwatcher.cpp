// IdleStreamWatcher over real loopback sockets: a parked socket is out of Qt's poll set, yet Qt
// still sees the peer's bytes, its close and its reset. Linux only (elsewhere park() does nothing).

#include "idlestreamwatcher.h"

#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <sys/socket.h>

using namespace confab;

namespace {
constexpr int WaitMs = 10000;

struct LoopbackPair
{
    QTcpServer server;
    QTcpSocket client;
    QTcpSocket *accepted = nullptr;

    bool open()
    {
        if (!server.listen(QHostAddress::LocalHost, 0))
            return false;
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        if (!client.waitForConnected(WaitMs) || !server.waitForNewConnection(WaitMs))
            return false;
        accepted = server.nextPendingConnection();
        return accepted != nullptr;
    }
};

// A connected pair whose accepted end is parked.
struct ParkedPair : LoopbackPair
{
    IdleStreamWatcher watcher;

    bool openAndPark()
    {
        if (!open())
            return false;
        watcher.park(accepted);
        return watcher.isParked(accepted);
    }
};

bool readNotifierEnabled(QTcpSocket *socket)
{
    const auto notifiers = socket->findChildren<QSocketNotifier *>();
    for (QSocketNotifier *notifier : notifiers) {
        if (notifier->type() == QSocketNotifier::Read
            && notifier->socket() == socket->socketDescriptor())
            return notifier->isEnabled();
    }
    return false;
}
} // namespace

class TestIdleStreamWatcher : public QObject
{
    Q_OBJECT
private slots:
    void parkedSocketLeavesQtsPollSet();
    void peerBytesStillArrive();
    void peerCloseIsSeen();
    void peerResetIsSeen();
    void socketWithUnreadBytesIsNotParked();
};

void TestIdleStreamWatcher::parkedSocketLeavesQtsPollSet()
{
    LoopbackPair pair;
    QVERIFY(pair.open());
    IdleStreamWatcher watcher;
    QVERIFY(readNotifierEnabled(pair.accepted));
    watcher.park(pair.accepted);
    QVERIFY(watcher.isParked(pair.accepted));
    QVERIFY(!readNotifierEnabled(pair.accepted));
    // Writing needs no read notifier.
    QCOMPARE(pair.accepted->write("data: hi\n\n"), qint64(10));
    QVERIFY(pair.accepted->waitForBytesWritten(WaitMs));
    QVERIFY(pair.client.waitForReadyRead(WaitMs));
    QCOMPARE(pair.client.readAll(), QByteArray("data: hi\n\n"));
    QVERIFY(watcher.isParked(pair.accepted));
}

void TestIdleStreamWatcher::peerBytesStillArrive()
{
    ParkedPair pair;
    QVERIFY(pair.openAndPark());
    QSignalSpy readyRead(pair.accepted, &QIODevice::readyRead);
    pair.client.write("GET / HTTP/1.1\r\n\r\n");
    QVERIFY(readyRead.wait(WaitMs));
    QCOMPARE(pair.accepted->readAll(), QByteArray("GET / HTTP/1.1\r\n\r\n"));
    QVERIFY(!pair.watcher.isParked(pair.accepted));
    QVERIFY(readNotifierEnabled(pair.accepted));
    // It can be parked again, and wakes again.
    pair.watcher.park(pair.accepted);
    QVERIFY(pair.watcher.isParked(pair.accepted));
    pair.client.write("x");
    QVERIFY(readyRead.wait(WaitMs));
    QCOMPARE(pair.accepted->readAll(), QByteArray("x"));
}

void TestIdleStreamWatcher::peerCloseIsSeen()
{
    ParkedPair pair;
    QVERIFY(pair.openAndPark());
    QSignalSpy disconnected(pair.accepted, &QAbstractSocket::disconnected);
    pair.client.disconnectFromHost();
    QVERIFY(disconnected.wait(WaitMs));
    QCOMPARE(pair.accepted->state(), QAbstractSocket::UnconnectedState);
}

void TestIdleStreamWatcher::peerResetIsSeen()
{
    ParkedPair pair;
    QVERIFY(pair.openAndPark());
    QSignalSpy disconnected(pair.accepted, &QAbstractSocket::disconnected);
    // Linger 0: close() sends a reset instead of a FIN.
    struct linger hard
    {
        1, 0
    };
    QVERIFY(
        ::setsockopt(int(pair.client.socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard)
        == 0);
    pair.client.abort();
    QVERIFY(disconnected.wait(WaitMs));
}

void TestIdleStreamWatcher::socketWithUnreadBytesIsNotParked()
{
    LoopbackPair pair;
    QVERIFY(pair.open());
    pair.client.write("pending");
    QVERIFY(pair.client.waitForBytesWritten(WaitMs));
    QVERIFY(pair.accepted->waitForReadyRead(WaitMs));
    IdleStreamWatcher watcher;
    watcher.park(pair.accepted);
    QVERIFY(!watcher.isParked(pair.accepted));
    QVERIFY(readNotifierEnabled(pair.accepted));
}

QTEST_GUILESS_MAIN(TestIdleStreamWatcher)
#include "tst_idlestreamwatcher.moc"
