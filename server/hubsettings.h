#pragma once
// Everything a hub can be told at start: where to listen, which rooms, and every limit.
// Each limit has a named default here; `confab serve` exposes each as an option and
// docs/protocol.md ("Limits") lists the defaults.

#include "protocol.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace confab {

namespace hubdefaults {
inline constexpr int MaxConnections = 2000;
inline constexpr int MaxHeaderBytes = 16 * 1024; // request line plus headers
inline constexpr qint64 MaxUnsentBytes = 1024 * 1024; // per subscriber, then it is dropped
inline constexpr double MessagesPerSecond = 5.0; // token bucket refill; 0 turns it off
inline constexpr int MessageBurst = 20; // token bucket size
inline constexpr int RequestTimeoutMs = 10000; // a request must arrive whole within this
inline constexpr int IdleTimeoutMs = 60000; // an idle non-stream connection is closed
inline constexpr int OfflineGraceMs = 5000; // a quick reconnect does not flap online/offline
inline constexpr int TypingIntervalMs
    = 2000; // at most one typing event per member and conversation per interval
inline constexpr int MaxReplayEvents = 1000; // further behind than this: `reset` instead
inline constexpr int SessionExpiryDays = 30; // tokens unused this long stop working
inline constexpr int TlsHandshakeTimeoutMs = 10000; // a TLS handshake must complete within this
// Files (issue 15).
inline constexpr qint64 MaxFileBytes = qint64(4) << 30; // the largest upload (tus Tus-Max-Size)
inline constexpr qint64 MaxStorageBytes = qint64(20) << 30; // stored files + uploads in progress
inline constexpr int MaxUploadsPerMember = 8; // unfinished uploads per member
inline constexpr qint64 UploadExpiryMs = 24 * 3600 * 1000; // after its last write
} // namespace hubdefaults

// Which protocols the hub's one port speaks (`confab serve --tls`).
enum class TlsMode {
    Off, // plain HTTP only (no identity is created)
    Preferred, // TLS and plain HTTP on the same port
    Required, // as Preferred, but plain HTTP from other machines only gets a redirect to https://
};

struct HubSettings
{
    QHostAddress bindAddress = QHostAddress::Any;
    quint16 port = protocol::DefaultHubPort; // 0: pick a free port
    QStringList roomIds = {QString::fromLatin1(protocol::DefaultRoomId)};
    QString title; // shown in room lists and the beacon
    QString password; // empty: open room. The hub hashes it at once and forgets the clear text.
    QString dataDir; // empty: QStandardPaths::AppDataLocation

    int maxConnections = hubdefaults::MaxConnections;
    int maxHeaderBytes = hubdefaults::MaxHeaderBytes;
    int maxBodyBytes = protocol::DefaultMaxBodyBytes;
    int maxTextChars = protocol::DefaultMaxTextChars;
    qint64 maxUnsentBytes = hubdefaults::MaxUnsentBytes;
    double messagesPerSecond = hubdefaults::MessagesPerSecond;
    int messageBurst = hubdefaults::MessageBurst;
    int heartbeatMs = protocol::DefaultHeartbeatMs;
    int retryMs = protocol::DefaultRetryMs;
    int requestTimeoutMs = hubdefaults::RequestTimeoutMs;
    int idleTimeoutMs = hubdefaults::IdleTimeoutMs;
    int offlineGraceMs = hubdefaults::OfflineGraceMs;
    int typingIntervalMs = hubdefaults::TypingIntervalMs;
    int maxReplayEvents = hubdefaults::MaxReplayEvents;
    int sessionExpiryDays = hubdefaults::SessionExpiryDays;
    TlsMode tls = TlsMode::Preferred;
    int tlsHandshakeTimeoutMs = hubdefaults::TlsHandshakeTimeoutMs;
    qint64 maxFileBytes = hubdefaults::MaxFileBytes;
    qint64 maxStorageBytes = hubdefaults::MaxStorageBytes;
    int maxUploadsPerMember = hubdefaults::MaxUploadsPerMember;
    qint64 uploadExpiryMs = hubdefaults::UploadExpiryMs;
};

} // namespace confab
