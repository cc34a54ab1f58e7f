#include "uploadtransfer.h"

#include "sha256.h"

#include <QByteArray>
#include <QLoggingCategory>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif
#ifdef Q_OS_LINUX
#include <sys/resource.h>
#endif

Q_LOGGING_CATEGORY(lcTransfer, "confab.hub.files.transfer")

namespace confab {

namespace {
// Bytes read off the socket (and written to the file) at a time: the only buffer a transfer holds.
constexpr qint64 PieceBytes = 1024 * 1024;
// A transfer thread's nice value. The hub's event loop (chat, fan-out) comes first: when it and
// the transfers want the same core, its weight is about 28 times a transfer's (1024 against 36).
// Measured on 2 cores (tests/bench/README.md), four 1 GiB uploads while 1000 subscribers get 200
// messages a second: chat p99 18 ms at nice 10, 12.4-12.9 ms at 15, 10.7-11.7 ms at 19; but the
// lower the priority, the more a lone upload loses to whatever else runs on the machine (one
// 1 GiB upload from a local curl: 830-870 MB/s at 10, 250-560 at 15, 270-370 at 19). Linux keeps
// a nice value per thread, within the process's scheduling group (autogroup or cgroup), so other
// processes are not affected; raising it needs no privilege (lowering it again would).
constexpr int TransferNice = 15;

void yieldToEventLoop()
{
#ifdef Q_OS_LINUX
    // Pool threads run nothing but transfers; setting the same value again is harmless.
    setpriority(PRIO_PROCESS, id_t(gettid()), TransferNice);
#endif
}
} // namespace

UploadTransfer::UploadTransfer(qintptr socketDescriptor, int fileDescriptor,
                               std::unique_ptr<Sha256> hash, qint64 bodyLength, int stallTimeoutMs)
    : m_file(fileDescriptor)
    , m_hash(std::move(hash))
    , m_remaining(bodyLength)
    , m_stallTimeoutMs(stallTimeoutMs)
    , m_doneFuture(m_done.get_future().share())
{
#ifdef Q_OS_UNIX
    if (socketDescriptor >= 0)
        m_socket = ::fcntl(int(socketDescriptor), F_DUPFD_CLOEXEC, 0);
    if (::pipe2(m_wake, O_CLOEXEC | O_NONBLOCK) != 0)
        m_wake[0] = m_wake[1] = -1;
#else
    Q_UNUSED(socketDescriptor);
#endif
}

UploadTransfer::~UploadTransfer()
{
#ifdef Q_OS_UNIX
    for (const int descriptor : {m_socket, m_file, m_wake[0], m_wake[1]}) {
        if (descriptor >= 0)
            ::close(descriptor);
    }
#endif
}

bool UploadTransfer::valid() const
{
    return m_socket >= 0 && m_file >= 0 && m_wake[0] >= 0 && m_hash;
}

void UploadTransfer::cancel()
{
    m_cancelled.store(true, std::memory_order_release);
#ifdef Q_OS_UNIX
    const char wake = 1;
    if (m_wake[1] >= 0) {
        // A full pipe has woken the worker already.
        [[maybe_unused]] const ssize_t ignored = ::write(m_wake[1], &wake, 1);
    }
#endif
}

void UploadTransfer::waitUntilDone()
{
    m_doneFuture.wait();
}

std::unique_ptr<Sha256> UploadTransfer::takeHash()
{
    return std::move(m_hash);
}

qint64 UploadTransfer::writeAll(const char *bytes, qint64 size)
{
    qint64 done = 0;
#ifdef Q_OS_UNIX
    while (done < size) {
        const ssize_t wrote = ::write(m_file, bytes + done, size_t(size - done));
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote <= 0)
            break;
        done += wrote;
    }
#else
    Q_UNUSED(bytes);
    Q_UNUSED(size);
#endif
    return done;
}

void UploadTransfer::run()
{
    yieldToEventLoop();
#ifdef Q_OS_UNIX
    // Allocated here and freed when the body is done: a PATCH holds this and nothing else.
    QByteArray buffer(PieceBytes, Qt::Uninitialized);
    m_end = End::Complete;
    while (m_remaining > 0) {
        if (m_cancelled.load(std::memory_order_acquire)) {
            m_end = End::Cancelled;
            break;
        }
        // Read all there is, then wait for more (or the wake-up, or the stall deadline).
        const ssize_t read = ::recv(m_socket, buffer.data(),
                                    size_t(std::min(PieceBytes, m_remaining)), MSG_DONTWAIT);
        if (read > 0) {
            const qint64 wrote = writeAll(buffer.constData(), read);
            // Hashed and counted only as far as the disk took it.
            if (wrote > 0) {
                m_hash->add(QByteArrayView(buffer.constData(), wrote));
                m_remaining -= wrote;
                m_written.fetch_add(wrote, std::memory_order_release);
            }
            if (wrote < read) {
                m_end = End::DiskFull;
                break;
            }
            continue;
        }
        if (read == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            m_end = End::Broken; // the client closed before the end, or the connection failed
            break;
        }
        pollfd waits[2] = {{m_socket, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
        const int ready = ::poll(waits, 2, m_stallTimeoutMs > 0 ? m_stallTimeoutMs : -1);
        if (ready == 0) {
            m_end = End::Stalled;
            break;
        }
        if (ready < 0 && errno != EINTR) {
            m_end = End::Broken;
            break;
        }
        // A readable socket, or a hang-up or error, which the next recv() reports; a wake-up is
        // seen at the top of the loop.
    }
#else
    m_end = End::Broken;
#endif
    m_done.set_value();
}

// --- UploadTransferPool ------------------------------------------------------------------------

UploadTransferPool::UploadTransferPool(QObject *parent)
    : QObject(parent)
{
    m_threads.setMaxThreadCount(MaxTransfers);
}

UploadTransferPool::~UploadTransferPool()
{
    for (const auto &[transfer, done] : m_running)
        transfer->cancel();
    m_threads.waitForDone();
    // The done calls the workers posted are dropped with this object.
}

bool UploadTransferPool::tryStart(const std::shared_ptr<UploadTransfer> &transfer,
                                  std::function<void()> done)
{
    if (!transfer->valid())
        return false;
    // The worker holds the transfer and this pool (alive until every worker has returned: see the
    // destructor), nothing else of the hub's.
    const bool started = m_threads.tryStart([this, transfer] {
        transfer->run();
        QMetaObject::invokeMethod(
            this,
            [this, transfer] {
                const auto it = m_running.find(transfer);
                if (it == m_running.end())
                    return; // forgotten: settled by its owner already
                const std::function<void()> call = std::move(it->second);
                m_running.erase(it);
                call();
            },
            Qt::QueuedConnection);
    });
    if (started) {
        m_running.emplace(transfer, std::move(done));
        qCDebug(lcTransfer) << "transfers running:" << m_running.size();
    }
    return started;
}

void UploadTransferPool::forget(const std::shared_ptr<UploadTransfer> &transfer)
{
    m_running.erase(transfer);
}

} // namespace confab
