#pragma once
// ChatStore in SQLite (QtSql, WAL): every conversation's history under one hub-wide sequence, the
// conversations, memberships and sessions. Every write is committed before the call returns, so
// the hub can answer and fan out knowing the event survives a crash. A data directory of an older
// schema is upgraded in place when opened (docs/protocol.md, "Upgrading a data directory").

#include "chatstore.h"
#include "sqlitefilestore.h"
#include "sqlitesearchindex.h"
#include "walcheckpointer.h"

#include <QHash>
#include <QString>
#include <QStringList>

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

    qint64 lastSequence(const QString &conversation) const override
    {
        return m_lastSequence.value(conversation, 0);
    }
    qint64 newestSequence() const override { return m_newestSequence; }
    qint64 replayFloor() const override { return m_replayFloor; }
    QString instance() const override { return m_instance; }
    bool ensureChannel(const QString &id, const QString &title, qint64 createdMs) override;
    std::vector<QString> membershipsOf(const QString &memberId) const override;
    bool createConversation(const Conversation &conversation, qint64 createdMs,
                            const QStringList &memberIds) override;
    std::vector<Conversation> loadConversations() const override;
    std::vector<Membership> loadMemberships() const override;
    QHash<QString, Unread> unreadFor(const QString &memberId,
                                     const QString &memberName) const override;
    bool setLastRead(const QString &conversation, const QString &memberId, qint64 upTo) override;
    std::vector<ChatEvent> memberEventsAfter(const QString &memberId, qint64 afterId,
                                             int limit) const override;

    std::optional<PublishableEvent> appendMessage(MessageEvent &message) override;
    std::optional<std::vector<PublishableEvent>>
    appendMessages(std::vector<MessageEvent> &messages) override;
    std::optional<PublishableEvent> appendPresence(PresenceEvent &presence) override;
    std::optional<PublishableEvent> appendFileMessage(MessageEvent &message,
                                                      StoredFile &file) override;
    FileStore &fileStore() override { return *m_files; }
    std::optional<PublishableEvent> appendEdit(MessageEditedEvent &edit) override;
    std::optional<PublishableEvent> appendDelete(MessageDeletedEvent &deletion) override;
    std::optional<PublishableEvent> appendCallEvent(CallEvent &event) override;
    std::optional<MessageEvent> messageById(const QString &conversation, qint64 id) const override;
    std::optional<MessageEvent> messageByClientId(const QString &room, const QString &memberId,
                                                  const QString &clientId) const override;

    std::vector<ChatEvent> eventsAfter(const QString &conversation, qint64 afterId,
                                       int limit) const override;
    std::vector<ChatEvent> eventsBefore(const QString &room, qint64 beforeId, int limit,
                                        bool *hasMore) const override;

    std::vector<ChatEvent> eventsNewer(const QString &conversation, qint64 afterId, int limit,
                                       bool *hasMore) const override;
    SearchIndex &searchIndex() override { return *m_search; }
    SqliteSearchIndex &sqliteSearchIndex() { return *m_search; }

    bool saveSession(const Session &session) override;
    bool touchSession(const QByteArray &tokenHash, qint64 lastUsedMs) override;
    bool deleteSession(const QByteArray &tokenHash) override;
    std::vector<Session> loadSessions(qint64 expiredBeforeMs) override;

private:
    bool exec(const QString &statement, QString *errorMessage = nullptr);
    bool noteCommitted(bool ok);
    bool upgradeSchema(QString *errorMessage);
    bool createSchema2(QString *errorMessage);
    // Reads the hub instance from `meta`, or makes and stores one (a new or upgraded file).
    bool loadInstance(QString *errorMessage);
    bool insertEvent(const QString &conversation, QLatin1StringView kind, const Member &member,
                     const QString &text, qint64 ts, const QString &clientId, qint64 *sequence,
                     const QJsonObject &call = {});
    // Adds what later versions keep beside schema 2 when a file lacks it (the `call` column).
    bool addCallColumn(QString *errorMessage);
    void noteAppended(const QString &conversation, qint64 sequence);
    bool appendChange(const QString &conversation, QLatin1StringView kind, const Member &by,
                      const QString &text, qint64 ts, qint64 messageId, qint64 *sequence);

    QString m_connectionName;
    QString m_filePath;
    bool m_open = false;
    QHash<QString, qint64> m_lastSequence; // by conversation
    qint64 m_newestSequence = 0;
    qint64 m_replayFloor = 0;
    QString m_instance;
    // The hot statements, prepared once (a post runs both).
    std::unique_ptr<QSqlQuery> m_insertEvent;
    std::unique_ptr<QSqlQuery> m_findByClientId;
    std::unique_ptr<WalCheckpointer> m_checkpointer;
    std::unique_ptr<SqliteSearchIndex> m_search;
    std::unique_ptr<SqliteFileStore> m_files;
};

} // namespace confab
