#include "stdinreader.h"

#ifdef Q_OS_WIN
#include <QPointer>
#include <QThread>
#include <cstdio>
#else
#include <QSocketNotifier>
#include <cerrno>
#include <unistd.h>
#endif

namespace confab {

StdinReader::StdinReader(QObject *parent)
    : QObject(parent)
{ }

StdinReader::~StdinReader()
{
    // Windows: the reader thread is left to end with the process (it may be blocked in a read;
    // deleting a running QThread would abort).
}

void StdinReader::start()
{
#ifdef Q_OS_WIN
    // The thread may sit in a blocking read until the process exits, so it never touches this
    // object: it posts to a relay that lives as long as the process, and the relay (on the main
    // thread) forwards only while we still exist.
    struct Relay : QObject
    {
        QPointer<StdinReader> reader;
    };
    auto *relay = new Relay;
    relay->reader = this;
    m_thread = QThread::create([relay] {
        char buffer[4096];
        while (std::fgets(buffer, sizeof buffer, stdin)) {
            const QByteArray bytes(buffer);
            QMetaObject::invokeMethod(
                relay,
                [relay, bytes] {
                    if (relay->reader)
                        relay->reader->consume(bytes);
                },
                Qt::QueuedConnection);
        }
        QMetaObject::invokeMethod(
            relay,
            [relay] {
                if (relay->reader)
                    relay->reader->finish();
            },
            Qt::QueuedConnection);
    });
    m_thread->start();
#else
    m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StdinReader::readAvailable);
#endif
}

#ifndef Q_OS_WIN
void StdinReader::readAvailable()
{
    char buffer[4096];
    const ssize_t count = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (count > 0) {
        consume(QByteArray(buffer, qsizetype(count)));
        return;
    }
    if (count < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    m_notifier->setEnabled(false);
    finish();
}
#endif

void StdinReader::consume(const QByteArray &bytes)
{
    m_pending += bytes;
    qsizetype newline;
    while ((newline = m_pending.indexOf('\n')) >= 0) {
        QByteArray line = m_pending.left(newline);
        m_pending.remove(0, newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (!m_overlong)
            emit lineRead(QString::fromUtf8(line));
        m_overlong = false;
    }
    if (m_pending.size() > MaxLineBytes) {
        // Drop this line whole: half a message sent as if it were all would be worse.
        if (!m_overlong)
            emit overlongLineDropped();
        m_overlong = true;
        m_pending.clear();
    }
}

void StdinReader::finish()
{
    if (!m_pending.isEmpty() && !m_overlong)
        emit lineRead(QString::fromUtf8(m_pending));
    m_pending.clear();
    emit endOfInput();
}

} // namespace confab
