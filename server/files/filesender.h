#pragma once
// Writes a range of a file to a connection as the connection drains: a few hundred KiB are in
// flight at a time, whatever the file's size (QtHttpServer's responders want the whole body as
// one array). The answer's head is written by the caller (PendingResponse::startRawStream()); the
// connection closes when the range is sent, or is cut when the client stops reading for the
// stall timeout.

#include "httpserveradapter.h"

#include <QFile>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace confab {

class FileSender : public QObject
{
    Q_OBJECT
public:
    // `onSent(bytes)` is told how many body bytes went out, when the sender ends.
    FileSender(std::unique_ptr<EventStream> stream, std::unique_ptr<QFile> file, qint64 offset,
               qint64 length, int stallTimeoutMs, std::function<void(qint64)> onSent);
    ~FileSender() override;

    void start();

private:
    void pump();
    void finish(bool complete);

    std::unique_ptr<EventStream> m_stream;
    std::unique_ptr<QFile> m_file;
    qint64 m_remaining;
    qint64 m_sent = 0;
    QTimer m_stall;
    std::function<void(qint64)> m_onSent;
    bool m_pumpQueued = false;
    bool m_done = false;
};

} // namespace confab
