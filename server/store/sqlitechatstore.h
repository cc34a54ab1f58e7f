#pragma once
// ChatStore in SQLite (QtSql, WAL): each room's history with its sequence numbers, and the
// members' sessions. Every write is committed before the call returns, so the hub can answer and
// fan out knowing the event survives a crash.

#include "chatstore.h"
#include "walcheckpointer.h"

#include <QHash>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

class QSqlQuery;

namespace confab {

class SqliteChatStore final : public ChatStore
{
public:
    // `connectionName` must be unique per hub in the process (tests run several hubs).
    explicit SqliteChatStore(QString connectionName);
    ~SqliteChatStore() override;
    SqliteChatStore(const SqliteChatStore &) = delete;
    SqliteChatStore &operator=(const SqliteChatStore &) = delete;

    bool open(const QString &directory, QString *errorMessage) override;
    void close() override;
    QString location() const override { return m_filePath; }
    bool isOpen() const { return m_open; }
    // Write-ahead-log checkpoints finished on the checkpoint thread since open().
    qint64 checkpointsCompleted() const { return m_checkpointer ? m_checkpointer->completed() : 0; }
    QString filePath() const { return m_filePath; }

    qint64 lastSequence(const QString &room) const override
    {
        return m_lastSequence.value(room, 0);
    }

    std::optional<PublishableEvent> appendMessage(MessageEvent &message) override;
    std::optional<PublishableEvent> appendPresence(PresenceEvent &presence) override;
    std::optional<MessageEvent> messageByClientId(const QString &room, const QString &memberId,
                                                  const QString &clientId) const override;

    std::vector<ChatEvent> eventsAfter(const QString &room, qint64 afterId) const override;
    std::vector<ChatEvent> eventsBefore(const QString &room, qint64 beforeId, int limit,
                                        bool *hasMore) const override;

    bool saveSession(const Session &session) override;
    bool touchSession(const QByteArray &tokenHash, qint64 lastUsedMs) override;
    bool deleteSession(const QByteArray &tokenHash) override;
    std::vector<Session> loadSessions(qint64 expiredBeforeMs) override;

private:
    bool exec(const QString &statement, QString *errorMessage = nullptr);
    bool noteCommitted(bool ok);
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
