#pragma once
// The body of one tus PATCH on a plain connection, received on a worker thread: reading the
// socket, appending to the upload's partial file and hashing (SHA-256) were the hub's heaviest
// work while uploads ran (four 1 GiB uploads took chat p99 from 8 to 20 ms: tests/bench/README.md),
// and none of it needs the hub's state. The hub thread starts a transfer and takes over again at
// its end (storing the file, posting the message, answering).
//
// Threads and ownership: an UploadTransfer is no QObject. The hub thread fills it and hands it to
// UploadTransferPool; from then on only the worker touches the hash, the buffer and the
// descriptors, until run() returns. The hub thread reads the results only after that
// (waitUntilDone() or the pool's done call, both of which follow run()'s end), and may at any time
// cancel() or read progress() (atomics). The socket's descriptor is duplicated, so that the hub
// closing its socket (shutdown, a DELETE) can never make the worker read another connection that
// got the same number.
//
// Linux and other UNIX only (poll, eventfd/pipe); elsewhere valid() is false and the PATCH stays on
// the hub thread.

#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <unordered_map>

namespace confab {

class Sha256;

class UploadTransfer
{
public:
    enum class End { Complete, Broken, Stalled, DiskFull, Cancelled };

    // `socketDescriptor` stays the caller's (it is duplicated); `fileDescriptor` (the partial
    // file, open for appending) becomes the transfer's. `hash` covers the file so far.
    UploadTransfer(qintptr socketDescriptor, int fileDescriptor, std::unique_ptr<Sha256> hash,
                   qint64 bodyLength, int stallTimeoutMs);
    ~UploadTransfer();
    UploadTransfer(const UploadTransfer &) = delete;
    UploadTransfer &operator=(const UploadTransfer &) = delete;

    // Whether the descriptors it needs could be made.
    bool valid() const;
    // The worker thread: until the body is whole, the connection breaks or stalls, the disk is
    // full, or cancel().
    void run();
    // Any thread: the worker stops after the piece it is writing, within milliseconds.
    void cancel();
    // Bytes written (and hashed) so far; any thread.
    qint64 progress() const { return m_written.load(std::memory_order_acquire); }

    // Hub thread, once started: blocks until run() has returned.
    void waitUntilDone();
    // After run() returned.
    End end() const { return m_end; }
    std::unique_ptr<Sha256> takeHash();

private:
    // Writes all of it unless the disk refuses; returns what was written.
    qint64 writeAll(const char *bytes, qint64 size);

    int m_socket = -1; // our duplicate
    int m_file = -1;
    int m_wake[2] = {-1, -1}; // a pipe: cancel() writes, the worker's poll() wakes
    std::unique_ptr<Sha256> m_hash;
    qint64 m_remaining = 0;
    int m_stallTimeoutMs = 0;
    std::atomic<qint64> m_written {0};
    std::atomic<bool> m_cancelled {false};
    End m_end = End::Cancelled;
    std::promise<void> m_done;
    std::shared_future<void> m_doneFuture;
};

// At most `MaxTransfers` transfers run at once, each on its own pool thread (a transfer blocks in
// poll() while its client is slow). A PATCH that finds no free thread stays on the hub thread, as
// every PATCH did before: the pool bounds the threads, never the uploads.
class UploadTransferPool : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxTransfers = 4;

    explicit UploadTransferPool(QObject *parent = nullptr);
    // Cancels what still runs and waits for it.
    ~UploadTransferPool() override;

    // Runs the transfer on a free thread; `done` is called on this object's thread after run()
    // returned (unless the transfer was forget()-ed before). False when every thread is busy.
    bool tryStart(const std::shared_ptr<UploadTransfer> &transfer, std::function<void()> done);
    // The caller settled the transfer itself (cancelled and waited): no done call.
    void forget(const std::shared_ptr<UploadTransfer> &transfer);
    int running() const { return int(m_running.size()); }

private:
    QThreadPool m_threads;
    // This object's thread only: each running transfer and its done call (the worker sees neither).
    std::unordered_map<std::shared_ptr<UploadTransfer>, std::function<void()>> m_running;
};

} // namespace confab
