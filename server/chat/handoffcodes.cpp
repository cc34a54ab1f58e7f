#include "handoffcodes.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRandomGenerator>

#include <algorithm>

namespace confab {

namespace {
QByteArray hashCode(QByteArrayView code)
{
    return QCryptographicHash::hash(code, QCryptographicHash::Sha256);
}
} // namespace

void HandoffCodes::purgeExpired(qint64 nowMs)
{
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->expiresMs <= nowMs)
            it = m_pending.erase(it);
        else
            ++it;
    }
}

HandoffCodes::Issued HandoffCodes::issue(const QString &memberId, qint64 lifetimeMs)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    purgeExpired(now);
    // Over the cap, the member's oldest code goes: the newest one is the one being clicked.
    int outstanding = 0;
    auto oldest = m_pending.end();
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (it->memberId != memberId)
            continue;
        ++outstanding;
        if (oldest == m_pending.end() || it->expiresMs < oldest->expiresMs)
            oldest = it;
    }
    if (outstanding >= handofflimits::MaxOutstandingPerMember)
        m_pending.erase(oldest);

    QByteArray bytes(handofflimits::CodeBytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          handofflimits::CodeBytes / int(sizeof(quint32)));
    const QByteArray code
        = bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const qint64 expires = now + lifetimeMs;
    m_pending.insert(hashCode(code), Pending {memberId, expires});
    return Issued {QString::fromLatin1(code), expires};
}

HandoffCodes::Redeemed HandoffCodes::redeem(const QString &code, const QString &peer)
{
    if (!m_monotonic.isValid())
        m_monotonic.start();
    if (m_redeemBuckets.size() >= handofflimits::MaxTrackedPeers && !m_redeemBuckets.contains(peer))
        m_redeemBuckets.clear();
    auto bucket = m_redeemBuckets.find(peer);
    if (bucket == m_redeemBuckets.end())
        bucket = m_redeemBuckets.insert(
            peer, TokenBucket(handofflimits::RedeemsPerSecond, handofflimits::RedeemBurst));
    qint64 retryAfterMs = 0;
    if (!bucket->take(m_monotonic.elapsed(), &retryAfterMs))
        return Redeemed {QString(), RedeemError::RateLimited,
                         int(std::max<qint64>(1, (retryAfterMs + 999) / 1000))};

    purgeExpired(QDateTime::currentMSecsSinceEpoch());
    const auto it = m_pending.constFind(hashCode(code.toUtf8()));
    if (it == m_pending.constEnd())
        return Redeemed {};
    const QString memberId = it->memberId;
    m_pending.erase(it);
    return Redeemed {memberId, RedeemError::UnknownCode, 0};
}

void HandoffCodes::forgetMember(const QString &memberId)
{
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->memberId == memberId)
            it = m_pending.erase(it);
        else
            ++it;
    }
}

} // namespace confab
