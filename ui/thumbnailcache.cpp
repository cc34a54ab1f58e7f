#include "thumbnailcache.h"

#include "hubapi.h"

#include <QBuffer>
#include <QDateTime>
#include <QImageReader>

namespace confab {

ThumbnailCache::ThumbnailCache(HubApi *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_cache(int(CacheBytes / 1024)) // costs in KiB: QCache counts in int
{ }

QImage ThumbnailCache::image(const QString &fileId)
{
    if (const QImage *cached = m_cache.object(fileId))
        return *cached;
    if (m_failed.contains(fileId) || m_inFlight.contains(fileId) || m_queue.contains(fileId))
        return {};
    if (const auto until = m_retryAfter.constFind(fileId);
        until != m_retryAfter.cend() && QDateTime::currentMSecsSinceEpoch() < *until)
        return {};
    m_queue.append(fileId);
    fetchNext();
    return {};
}

void ThumbnailCache::fetchNext()
{
    while (m_api && m_inFlight.size() < MaxInFlight && !m_queue.isEmpty()) {
        const QString fileId = m_queue.takeLast(); // the newest asked: most likely on screen
        m_inFlight.insert(fileId);
        m_api->fetchFile(
            fileId, true, MaxThumbnailBytes, [this, fileId](const ApiResult<QByteArray> &result) {
                m_inFlight.remove(fileId);
                QImage image;
                if (result.ok()) {
                    QByteArray bytes = *result.value;
                    QBuffer buffer(&bytes);
                    QImageReader reader(&buffer);
                    const QSize size = reader.size();
                    if (size.isValid() && size.width() <= MaxSide && size.height() <= MaxSide)
                        image = reader.read();
                }
                if (image.isNull() && !result.ok() && result.error.isTransient()) {
                    m_retryAfter.insert(fileId, QDateTime::currentMSecsSinceEpoch() + RetryAfterMs);
                } else if (image.isNull()) {
                    m_failed.insert(fileId); // a card instead; not asked again
                } else {
                    const int cost = int(std::max<qint64>(1, image.sizeInBytes() / 1024));
                    m_cache.insert(fileId, new QImage(image), cost);
                }
                emit ready(fileId);
                fetchNext();
            });
    }
}

} // namespace confab
