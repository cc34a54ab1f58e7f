#pragma once
// What a chat session keeps on disk between runs of the app: the hub's token (so that a restart
// is the same member, not a new one) and the outbox (messages not yet acknowledged by the hub).
// One pair of small JSON files per (hub, room, name), written atomically with QSaveFile.

#include "chatevent.h"

#include <QList>
#include <QString>
#include <QUrl>
#include <optional>

namespace confab {

struct OutboxItem
{
    QString clientId;
    QString text;
    qint64 createdAtMs = 0;
    QString conversation; // API v2: the conversation it goes to (empty in a v1 room's outbox)
};

struct SavedSession
{
    QString token;
    Member member;
    QString roomTitle;
    QString hubInstance; // API v2: the hub data the token (and the last event id) belong to
};

class SessionStore
{
public:
    static constexpr qint64 MaxFileBytes = 8 * 1024 * 1024;

    // storageDir empty: the per-user app-data location.
    void open(const QString &storageDir, const QUrl &hubUrl, const QString &roomId,
              const QString &name);
    // API v2: one identity per hub and name (a hub-wide token; the outbox holds every
    // conversation's items, each naming its conversation). Files distinct from any room's.
    void openHub(const QString &storageDir, const QUrl &hubUrl, const QString &name);

    std::optional<SavedSession> loadSession() const;
    bool saveSession(const SavedSession &session);
    void forgetSession();

    QList<OutboxItem> loadOutbox() const;
    bool saveOutbox(const QList<OutboxItem> &items);

    QString sessionFilePath() const;
    QString outboxFilePath() const;

private:
    QString m_basePath; // directory + key; the files add a suffix
};

} // namespace confab
