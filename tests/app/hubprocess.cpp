#include "hubprocess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QThread>

namespace confab::test {

QString confabBinary()
{
    return qEnvironmentVariable("CONFAB_BINARY");
}

HubProcess::HubProcess(QString dataDir, QStringList extraArguments)
    : m_dataDir(std::move(dataDir))
    , m_extraArguments(std::move(extraArguments))
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
}

HubProcess::~HubProcess()
{
    kill();
}

bool HubProcess::start(quint16 port)
{
    const QString binary = confabBinary();
    if (binary.isEmpty()) {
        m_error = QStringLiteral("CONFAB_BINARY is not set");
        return false;
    }
    // A restart may race the old socket's release: try again for a while.
    const QDeadlineTimer deadline(StartTimeoutMs);
    while (!deadline.hasExpired()) {
        QStringList arguments {QStringLiteral("serve"),
                               QStringLiteral("--bind"),
                               QStringLiteral("127.0.0.1"),
                               QStringLiteral("--port"),
                               QString::number(port),
                               QStringLiteral("--data-dir"),
                               m_dataDir,
                               QStringLiteral("--no-announce")};
        arguments += m_extraArguments;
        m_process.start(binary, arguments);
        if (!m_process.waitForStarted(StartTimeoutMs)) {
            m_error = m_process.errorString();
            return false;
        }
        // First stdout line: "listening on http://127.0.0.1:PORT/".
        static const QRegularExpression listening(
            QStringLiteral("listening on http://[^:]+:(\\d+)/"));
        while (!m_process.canReadLine() && m_process.state() == QProcess::Running
               && !deadline.hasExpired())
            m_process.waitForReadyRead(200);
        const QRegularExpressionMatch match
            = listening.match(QString::fromUtf8(m_process.readLine()));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return true;
        }
        m_error = QString::fromUtf8(m_process.readAllStandardError());
        m_process.kill();
        m_process.waitForFinished(5000);
        if (port == 0)
            return false;
        QThread::msleep(200);
    }
    return false;
}

void HubProcess::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(10000);
}

void HubProcess::terminate()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(15000))
        kill();
}

bool HubProcess::isRunning() const
{
    return m_process.state() == QProcess::Running;
}

QUrl HubProcess::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_port));
}

} // namespace confab::test
