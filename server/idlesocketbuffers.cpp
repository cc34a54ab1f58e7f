#include "idlesocketbuffers.h"

#include <QElapsedTimer>
#include <QSslSocket>
#include <QTcpSocket>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace confab {

namespace {
// QIODevice::setOpenMode() is protected; naming it through a class derived from QIODevice gives
// a pointer to the member that may be called on any device (the language's rule for protected
// members named by a derived class). Nothing of this class is ever created.
class OpenModeSetter : public QIODevice
{
public:
    static void set(QIODevice *device, OpenMode mode)
    {
        (device->*(&OpenModeSetter::setOpenMode))(mode);
    }
};
} // namespace

bool releaseIdleBuffers(QIODevice *device)
{
    if (!device || device->openMode() != QIODevice::ReadWrite || device->isTransactionStarted())
        return false;
    const bool readEmpty = device->bytesAvailable() == 0;
    const bool writeEmpty = device->bytesToWrite() == 0;
    if (!readEmpty && !writeEmpty)
        return false;
    // setOpenMode() sets the number of read and write channels to 0 for a direction the mode
    // lacks, which frees that direction's ring buffers; ReadWrite again creates empty ones that
    // allocate on demand (Qt 6.4 to 6.8: QIODevicePrivate::setReadChannelCount/
    // setWriteChannelCount, and the buffer references follow the new buffers).
    const QIODevice::OpenMode kept = readEmpty && writeEmpty ? QIODevice::NotOpen
        : readEmpty                                          ? QIODevice::WriteOnly
                                                             : QIODevice::ReadOnly;
    OpenModeSetter::set(device, kept);
    OpenModeSetter::set(device, QIODevice::ReadWrite);
    return true;
}

bool releaseIdleTlsBuffers(QSslSocket *socket)
{
    if (!socket)
        return false;
    bool released = releaseIdleBuffers(socket);
    // The inner socket is the QSslSocket's only QTcpSocket child (Qt 6.4 to 6.8 create it with the
    // QSslSocket as parent). Not found: only the outer buffers go.
    if (auto *inner = socket->findChild<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly))
        released = releaseIdleBuffers(inner) || released;
    return released;
}

double trimFreedHeap()
{
    QElapsedTimer timer;
    timer.start();
#ifdef __GLIBC__
    malloc_trim(0);
#endif
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace confab
