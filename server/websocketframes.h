#pragma once
// The little of RFC 6455 the hub needs for GET /api/v2/ws: the handshake's accept key, the
// frames it sends (text, ping, close; a server never masks), and a reader of what a client sends
// (masked frames; only close and ping are acted on, the stream is one way). Written here rather
// than through QWebSocketServer so that a WebSocket subscriber is a socket the fan-out writes
// shared bytes to, exactly like an event-stream subscriber, on every QtHttpServer version.

#include "chatevent.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>

class QTcpSocket;

namespace confab::ws {

// What a client may send in one frame: control frames are at most 125 bytes, and the hub reads
// nothing else, so anything larger is refused (close 1009).
inline constexpr qint64 MaxClientFrameBytes = 4096;

enum CloseCode : quint16 {
    CloseNormal = 1000,
    CloseGoingAway = 1001,
    CloseTooBig = 1009,
};

// Sec-WebSocket-Accept for a Sec-WebSocket-Key.
QByteArray acceptKey(const QByteArray &key);
// A key is 16 random bytes, base64: 24 characters.
bool isValidKey(const QByteArray &key);
QByteArray textFrame(QByteArrayView payload);
// One event as GET /api/v2/ws sends it: a text frame holding `{"event": NAME, "id": N (history
// events only), "data": {…}}`, built from the same compact JSON as the event stream's `data:`.
QByteArray eventFrame(const WireEvent &event);
QByteArray pingFrame();
QByteArray closeFrame(quint16 code);

// Reads a client's frames off its socket (a child of it): answers ping with pong and close with
// close (then ends the connection); drops data frames; cuts a client whose frame is too big.
// Writes go through the socket's Qt write buffer, the same as the stream's (EventStream never
// takes its descriptor fast path for a WebSocket), so frames never interleave.
class ClientReader : public QObject
{
public:
    explicit ClientReader(QTcpSocket *socket);

private:
    void readFrames();
    QPointer<QTcpSocket> m_socket;
    QByteArray m_buffer;
    bool m_closing = false;
};

} // namespace confab::ws
