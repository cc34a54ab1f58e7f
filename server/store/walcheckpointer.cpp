#include "walcheckpointer.h"

#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

Q_LOGGING_CATEGORY(lcCheckpoint, "confab.hub.store.checkpoint")

namespace confab {

class WalCheckpointer::Worker : public QObject
{
public:
    Worker(QString file, QString connectionName)
        : m_file(std::move(file))
        , m_connectionName(std::move(connectionName))
    { }

    // Runs in the checkpoint thread only: a QSqlDatabase connection belongs to one thread.
    bool checkpoint()
    {
        if (!QSqlDatabase::contains(m_connectionName)) {
            QSqlDatabase db
                = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
            db.setDatabaseName(m_file);
            if (!db.open()) {
                qCWarning(lcCheckpoint) << "checkpoint connection failed:" << db.lastError().text();
                return false;
            }
            QSqlQuery(db).exec(QStringLiteral("PRAGMA busy_timeout=2000"));
        }
        QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
        if (!query.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"))) {
            qCWarning(lcCheckpoint) << "checkpoint failed:" << query.lastError().text();
            return false;
        }
        return true;
    }

    void closeConnection()
    {
        if (!QSqlDatabase::contains(m_connectionName))
            return;
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }

private:
    QString m_file;
    QString m_connectionName;
};

WalCheckpointer::WalCheckpointer(const QString &databaseFile, const QString &connectionName)
    : m_worker(new Worker(databaseFile, connectionName))
{
    m_thread.setObjectName(QStringLiteral("wal-checkpoint"));
    m_worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

WalCheckpointer::~WalCheckpointer()
{
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker] { worker->closeConnection(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void WalCheckpointer::noteCommit()
{
    if (++m_commitsSinceRequest < CommitsPerCheckpoint)
        return;
    requestCheckpoint();
}

void WalCheckpointer::requestCheckpoint()
{
    m_commitsSinceRequest = 0;
    if (m_queued.exchange(true))
        return; // the queued one will see these commits too
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [this, worker] {
        m_queued = false;
        if (worker->checkpoint())
            ++m_completed;
    });
}

} // namespace confab
