#pragma once
// Thumbnails of a hub's image attachments (GET /api/v2/files/{id}/thumbnail with the Bearer
// token), fetched when a row first paints one and kept in memory up to a byte cap (least
// recently used go first). Decoded with an allocation limit: a hub's answer never makes a huge
// image in memory.

#include <QCache>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QPointer>
#include <QSet>

namespace confab {

class HubApi;

class ThumbnailCache : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 CacheBytes = 64 * 1024 * 1024;
    static constexpr qint64 MaxThumbnailBytes = 4 * 1024 * 1024; // a 320 px PNG is far smaller
    static constexpr int MaxInFlight = 4;
    static constexpr int MaxSide = 1024; // decoded thumbnails larger than this are refused
    static constexpr int RetryAfterMs = 15000; // after a network error

    explicit ThumbnailCache(HubApi *api, QObject *parent = nullptr);

    // The thumbnail when it is here; otherwise null and, once, a fetch (ready() follows).
    QImage image(const QString &fileId);
    bool hasFailed(const QString &fileId) const { return m_failed.contains(fileId); }
    int cachedCount() const { return m_cache.count(); }

signals:
    void ready(const QString &fileId);

private:
    void fetchNext();

    QPointer<HubApi> m_api;
    QCache<QString, QImage> m_cache;
    QSet<QString> m_inFlight;
    QList<QString> m_queue;
    QSet<QString> m_failed; // refused for good (no thumbnail, not an image): a card instead
    QHash<QString, qint64> m_retryAfter; // the hub was away: asked again after this (ms epoch)
};

} // namespace confab
