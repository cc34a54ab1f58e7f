#pragma once
// A real hub for client tests: `$CONFAB_BINARY serve` as a child process on 127.0.0.1, with its
// own data directory. It can be killed hard (SIGKILL) or stopped politely and started again on
// the same port and data, which is what a hub restart looks like to its clients.

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace confab::test {

class HubProcess
{
public:
    static constexpr int StartTimeoutMs = 30000;

    explicit HubProcess(QString dataDir, QStringList extraArguments = {});
    ~HubProcess();

    // port 0: a free one (the first start); restarts pass port() to come back on the same one.
    bool start(quint16 port = 0);
    void kill(); // SIGKILL: no `bye`, no clean close
    void terminate(); // SIGTERM: the hub says `bye` and exits
    bool isRunning() const;

    quint16 port() const { return m_port; }
    QUrl url() const;
    QString errorText() const { return m_error; }

private:
    QString m_dataDir;
    QStringList m_extraArguments;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_error;
};

// The path of the confab binary under test (ctest sets CONFAB_BINARY).
QString confabBinary();

} // namespace confab::test
