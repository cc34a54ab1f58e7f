#pragma once
// The hub's durable state in SQLite (QtSql, WAL): each room's history with its sequence numbers,
// and the members' sessions. Every write is committed before the call returns, so the hub can
// answer and fan out knowing the event survives a crash.

#include "chatevent.h"
#include "walcheckpointer.h"

#include <QHash>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

class QSqlQuery;

namespace confab {

class HubStore
{
public:
    struct Session
    {
        QByteArray tokenHash; // SHA-256 of the token; the token itself is never stored
        Member member;
        QString room;
        qint64 createdMs = 0;
        qint64 lastUsedMs = 0;
    };

    // `connectionName` must be unique per hub in the process (tests run several hubs).
    explicit HubStore(QString connectionName);
    ~HubStore();
    HubStore(const HubStore &) = delete;
    HubStore &operator=(const HubStore &) = delete;

    bool open(const QString &directory, QString *errorMessage);
    void close();
    bool isOpen() const { return m_open; }
    // Write-ahead-log checkpoints finished on the checkpoint thread since open().
    qint64 checkpointsCompleted() const { return m_checkpointer ? m_checkpointer->completed() : 0; }
    QString filePath() const { return m_filePath; }

    // The room's newest sequence number (0 when it has no history yet).
    qint64 lastSequence(const QString &room) const { return m_lastSequence.value(room, 0); }
    qint64 firstSequence(const QString &room) const;

    // Assign the next sequence number, store, commit. False when the database refused.
    bool appendMessage(MessageEvent &message);
    bool appendPresence(PresenceEvent &presence);
    std::optional<MessageEvent> messageByClientId(const QString &room, const QString &memberId,
                                                  const QString &clientId) const;

    // History events (messages, join, leave) with id > afterId, oldest first.
    std::vector<ChatEvent> eventsAfter(const QString &room, qint64 afterId) const;
    // The newest `limit` history events with id < beforeId, oldest first.
    std::vector<ChatEvent> eventsBefore(const QString &room, qint64 beforeId, int limit,
                                        bool *hasMore) const;

    bool saveSession(const Session &session);
    bool touchSession(const QByteArray &tokenHash, qint64 lastUsedMs);
    bool deleteSession(const QByteArray &tokenHash);
    // Live sessions; those unused since `expiredBeforeMs` are deleted instead.
    std::vector<Session> loadSessions(qint64 expiredBeforeMs);

private:
    bool exec(const QString &statement, QString *errorMessage = nullptr);
    bool committed(bool ok);
    bool insertEvent(const QString &room, qint64 sequence, QLatin1StringView kind,
                     const Member &member, const QString &text, qint64 ts, const QString &clientId);

    QString m_connectionName;
    QString m_filePath;
    bool m_open = false;
    QHash<QString, qint64> m_lastSequence;
    // The hot statements, prepared once (a post runs both).
    std::unique_ptr<QSqlQuery> m_insertEvent;
    std::unique_ptr<QSqlQuery> m_findByClientId;
    std::unique_ptr<WalCheckpointer> m_checkpointer;
};

} // namespace confab
