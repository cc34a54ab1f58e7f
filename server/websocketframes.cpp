#include "websocketframes.h"

#include <QCryptographicHash>
#include <QTcpSocket>

namespace confab::ws {

namespace {
// RFC 6455, section 1.3.
constexpr char HandshakeGuid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

enum Opcode : quint8 {
    OpText = 0x1,
    OpClose = 0x8,
    OpPing = 0x9,
    OpPong = 0xA,
};

QByteArray frame(quint8 opcode, QByteArrayView payload)
{
    QByteArray out;
    out.reserve(payload.size() + 10);
    out.append(char(0x80 | opcode)); // FIN: every frame we send is whole
    const qsizetype size = payload.size();
    if (size < 126) {
        out.append(char(size));
    } else if (size < 65536) {
        out.append(char(126));
        out.append(char((size >> 8) & 0xFF));
        out.append(char(size & 0xFF));
    } else {
        out.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char((quint64(size) >> shift) & 0xFF));
    }
    out.append(payload);
    return out;
}
} // namespace

QByteArray acceptKey(const QByteArray &key)
{
    const QByteArray keyed = key + HandshakeGuid;
    return QCryptographicHash::hash(keyed, QCryptographicHash::Sha1).toBase64();
}

bool isValidKey(const QByteArray &key)
{
    return QByteArray::fromBase64(key, QByteArray::AbortOnBase64DecodingErrors).size() == 16;
}

QByteArray textFrame(QByteArrayView payload)
{
    return frame(OpText, payload);
}

QByteArray eventFrame(const WireEvent &event)
{
    QByteArray text = "{\"event\":\"" + event.type + "\",";
    if (event.id > 0)
        text += "\"id\":" + QByteArray::number(event.id) + ',';
    text += "\"data\":" + event.data + '}';
    return textFrame(text);
}

QByteArray pingFrame()
{
    return frame(OpPing, {});
}

QByteArray closeFrame(quint16 code)
{
    const char payload[2] = {char(code >> 8), char(code & 0xFF)};
    return frame(OpClose, QByteArrayView(payload, 2));
}

ClientReader::ClientReader(QTcpSocket *socket)
    : QObject(socket)
    , m_socket(socket)
{
    connect(socket, &QTcpSocket::readyRead, this, &ClientReader::readFrames);
    if (socket->bytesAvailable() > 0)
        readFrames();
}

void ClientReader::readFrames()
{
    if (!m_socket)
        return;
    m_buffer += m_socket->readAll();
    while (m_buffer.size() >= 2 && !m_closing) {
        const auto byte = [this](qsizetype i) { return quint8(m_buffer.at(i)); };
        const quint8 opcode = byte(0) & 0x0F;
        const bool masked = byte(1) & 0x80;
        qint64 length = byte(1) & 0x7F;
        qsizetype offset = 2;
        if (length == 126) {
            if (m_buffer.size() < 4)
                return;
            length = (qint64(byte(2)) << 8) | byte(3);
            offset = 4;
        } else if (length == 127) {
            if (m_buffer.size() < 10)
                return;
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | byte(2 + i);
            offset = 10;
        }
        if (length > MaxClientFrameBytes || length < 0) {
            m_closing = true;
            m_socket->write(closeFrame(CloseTooBig));
            m_socket->disconnectFromHost();
            return;
        }
        const qsizetype maskAt = offset;
        if (masked)
            offset += 4;
        if (m_buffer.size() < offset + length)
            return;
        QByteArray payload = m_buffer.mid(offset, length);
        if (masked) {
            for (qsizetype i = 0; i < payload.size(); ++i)
                payload[i] = char(payload.at(i) ^ m_buffer.at(maskAt + (i % 4)));
        }
        m_buffer.remove(0, offset + length);
        if (opcode == OpPing) {
            m_socket->write(frame(OpPong, payload));
        } else if (opcode == OpClose) {
            // Answer with the client's code (or a plain normal close), then end the connection.
            m_closing = true;
            m_socket->write(payload.size() >= 2 ? frame(OpClose, payload.first(2))
                                                : closeFrame(CloseNormal));
            m_socket->disconnectFromHost();
            return;
        }
        // Text, binary, continuation, pong: the stream is one way; nothing to do.
    }
}

} // namespace confab::ws
