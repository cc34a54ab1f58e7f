#pragma once
// Copies SQLite's write-ahead log back into the database file on a thread of its own.
//
// Left to itself, SQLite runs that checkpoint inside whichever commit takes the log past 1000
// pages, and the checkpoint ends in fdatasync() calls: 5-7 ms on the VM disks we measure on
// (strace, every ~600 messages at 200 messages/s), far more on an SD card or a busy disk. The hub
// has one thread, so for that long no subscriber got anything. SqliteChatStore turns automatic
// checkpoints off and calls noteCommit() after each write; every CommitsPerCheckpoint commits
// this asks its thread, with its own connection, for a PASSIVE checkpoint, which never blocks
// the writer (SQLite's WAL allows one writer and a checkpointer at the same time).

#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>

namespace confab {

class WalCheckpointer
{
public:
    // Commits between two checkpoints: a message is two or three pages of log (the search index
    // takes new messages in batches of its own, a few pages every quarter second), so this keeps
    // the log near the 1000 pages SQLite would allow by itself.
    static constexpr int CommitsPerCheckpoint = 300;

    WalCheckpointer(const QString &databaseFile, const QString &connectionName);
    // Waits for a checkpoint in progress, then stops the thread.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    void noteCommit();
    // Checkpoints finished so far (read from any thread).
    qint64 completed() const { return m_completed.load(); }

private:
    // Asks for a checkpoint now (unless one is already queued).
    void requestCheckpoint();
    class Worker;
    QThread m_thread;
    Worker *m_worker = nullptr; // lives in m_thread, deleted when it finishes
    int m_commitsSinceRequest = 0;
    std::atomic<bool> m_queued {false};
    std::atomic<qint64> m_completed {0};
};

} // namespace confab
