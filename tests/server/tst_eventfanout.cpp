// EventFanout over real loopback sockets: streams whose bytes go through Qt's buffer (a TLS
// stream's, a WebSocket's) are flushed during the sweep's walk, and one whose flush fails (its
// client reset the connection) leaves without costing anyone else their event.

#include "bus/eventfanout.h"

#include <QHttpServerResponder>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <array>
#include <memory>

#include <sys/socket.h>

using namespace confab;

namespace {
constexpr int WaitMs = 10000;
constexpr qint64 MaxUnsentBytes = 1 << 20;
constexpr int Subscribers = 3;

// Reads from `socket` until `expected` has arrived or the wait ends.
QByteArray readUntil(QTcpSocket &socket, const QByteArray &expected)
{
    QByteArray received;
    while (!received.contains(expected) && socket.waitForReadyRead(WaitMs))
        received += socket.readAll();
    return received;
}
} // namespace

class TestEventFanout : public QObject
{
    Q_OBJECT
private slots:
    void streamFailingInTheWalkLeavesAfterIt();
};

void TestEventFanout::streamFailingInTheWalkLeavesAfterIt()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    std::array<QTcpSocket, Subscribers> clients;
    HubMetrics metrics;
    // WebSocket streams: plain TCP written through Qt's buffer, as a TLS stream is.
    EventFanout fanout(MaxUnsentBytes, 0, &metrics, EventStream::Kind::WebSocket);
    for (int i = 0; i < Subscribers; ++i) {
        clients[i].connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(clients[i].waitForConnected(WaitMs));
        QVERIFY(server.waitForNewConnection(WaitMs));
        QTcpSocket *accepted = server.nextPendingConnection();
        QVERIFY(accepted);
        fanout.add(
            std::make_unique<EventStream>(nullptr, accepted, nullptr, EventStream::Kind::WebSocket),
            QStringLiteral("member-%1").arg(i));
    }
    QCOMPARE(fanout.count(), Subscribers);

    // The middle client resets its connection (linger 0). The hub's side learns it only when it
    // sends: no event-loop turn runs in between, so the flush in the walk fails and aborts it.
    struct linger hard
    {
        1, 0
    };
    QVERIFY(
        ::setsockopt(int(clients[1].socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard, sizeof hard)
        == 0);
    clients[1].abort();

    const QByteArray event = QByteArrayLiteral("event-after-reset");
    fanout.publish(event);
    fanout.flush();

    // The stream that failed has left; the one after it in the walk got the event all the same
    // (removing a subscriber inside the walk would have shifted it into the failed one's place,
    // marked as sent, and skipped it).
    QCOMPARE(fanout.count(), Subscribers - 1);
    QVERIFY(readUntil(clients[0], event).contains(event));
    QVERIFY(readUntil(clients[2], event).contains(event));
    QCOMPARE(fanout.backlog(), 0);
}

QTEST_GUILESS_MAIN(TestEventFanout)
#include "tst_eventfanout.moc"
