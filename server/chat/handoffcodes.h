#pragma once
// One-time hand-off codes (docs/protocol.md, "Hand-off"): the desktop window has no WebRTC, so it
// hands a call to the system browser with a link carrying a code that signs that browser in as the
// same member. A code is 128 random bits, lives a short while (HubSettings::handoffCodeLifetimeMs,
// 60 s), and dies at its first use. Codes are kept in memory only, as SHA-256 hashes (a memory dump
// does not give a usable code, and a restart simply voids the outstanding ones: the window asks
// again). Redeeming is rate-limited per peer address as well, although guessing 128 bits is
// hopeless anyway: a client hammering the route is refused early and cheaply.

#include "tokenbucket.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QString>

#include <optional>

namespace confab {

namespace handofflimits {
inline constexpr int CodeBytes = 16; // 128 bits
// Outstanding codes per member: a window asks for one per call; more than this is a loop.
inline constexpr int MaxOutstandingPerMember = 8;
// Redeem attempts per peer address: a burst for a few tabs at once, then one every 2 s.
inline constexpr double RedeemsPerSecond = 0.5;
inline constexpr int RedeemBurst = 10;
// Peers tracked for the limit; beyond this the table starts over (bounded memory under a flood
// from many addresses; each then gets a fresh burst, which is still far from guessing a code).
inline constexpr int MaxTrackedPeers = 4096;
} // namespace handofflimits

// The error code of a refused redeem (404), with protocol::error's other codes in docs/protocol.md.
namespace handofferror {
inline constexpr char UnknownCode[] = "unknown_code";
} // namespace handofferror

class HandoffCodes
{
public:
    struct Issued
    {
        QString code; // the clear code, only for the answer
        qint64 expiresMs = 0; // ms since the epoch
    };
    enum class RedeemError { UnknownCode, RateLimited };
    struct Redeemed
    {
        QString memberId; // empty when refused
        RedeemError error = RedeemError::UnknownCode;
        int retryAfterSeconds = 0;
    };

    Issued issue(const QString &memberId, qint64 lifetimeMs);
    // The member the code was issued to; the code is gone afterwards whatever the answer.
    Redeemed redeem(const QString &code, const QString &peer);
    // The member's session ended: their outstanding codes die with it.
    void forgetMember(const QString &memberId);

private:
    struct Pending
    {
        QString memberId;
        qint64 expiresMs = 0;
    };
    void purgeExpired(qint64 nowMs);

    QHash<QByteArray, Pending> m_pending; // by SHA-256 of the code
    QHash<QString, TokenBucket> m_redeemBuckets; // by peer address
    QElapsedTimer m_monotonic; // for the buckets: wall-clock jumps must not refill them
};

} // namespace confab
