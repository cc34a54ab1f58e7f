#pragma once
// Gives back the buffers Qt keeps allocated on a connection that has nothing in them, so that an
// idle event stream costs little memory. QIODevice keeps a read chunk (16 KiB) and, for a socket,
// a write chunk (32 KiB) once their bytes are consumed, ready for the next use. A TLS connection
// has two sockets, each with both: the QSslSocket (plain text) and the QTcpSocket inside it
// (encrypted bytes), which Qt creates and owns. Dropped, they are allocated anew when bytes come.
// Every Qt-version-sensitive detail of this (how a device drops a buffer, where a QSslSocket keeps
// its inner socket) is in this one place.

class QIODevice;
class QSslSocket;

namespace confab {

// Drops the device's read buffer if it is empty and its write buffer if it is empty (both when
// both are). Only between uses: nothing unread or unsent, no read transaction. Touches neither
// the descriptor nor the device's state, emits nothing. Returns false when it kept both.
bool releaseIdleBuffers(QIODevice *device);

// The same for a TLS connection: its own buffers and those of its inner plain socket, each side
// that is empty. Returns false when it kept all of them.
bool releaseIdleTlsBuffers(QSslSocket *socket);

// Returns the free pages inside the heap to the system (glibc's malloc_trim; elsewhere nothing).
// A TLS handshake allocates and frees far more than the connection keeps (Qt's socket buffers,
// OpenSSL's record buffers and handshake state), and what stays of each connection lies between
// those holes, so the freed pages stay resident: about a third of an idle TLS subscriber's RSS.
// Returns the milliseconds it took.
double trimFreedHeap();

} // namespace confab
