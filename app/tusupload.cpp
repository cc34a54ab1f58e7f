#include "tusupload.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMimeDatabase>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <algorithm>

Q_LOGGING_CATEGORY(lcTus, "confab.tus")

namespace confab {

namespace {

constexpr char TusVersion[] = "1.0.0";
constexpr int HttpCreated = 201;

qint64 headerNumber(const QNetworkReply *reply, const char *name)
{
    bool ok = false;
    const qint64 value = reply->rawHeader(name).trimmed().toLongLong(&ok);
    return ok ? value : -1;
}

int statusOf(const QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

ApiError ourError(const QString &code, const QString &message)
{
    return ApiError {-1, code, message, 0};
}

} // namespace

// A window [start, start + length) of an open file as a device of its own, so that one PATCH
// sends exactly its Content-Length from disk, read as the socket wants it.
class FileSlice : public QIODevice
{
public:
    FileSlice(QFile *file, qint64 start, qint64 length, QObject *parent)
        : QIODevice(parent)
        , m_file(file)
        , m_start(start)
        , m_length(length)
    { }

    bool isSequential() const override { return false; }
    qint64 size() const override { return m_length; }
    bool seek(qint64 pos) override
    {
        if (pos < 0 || pos > m_length || !QIODevice::seek(pos))
            return false;
        m_cursor = pos;
        return true;
    }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 wanted = std::min(maxSize, m_length - m_cursor);
        if (wanted <= 0)
            return 0;
        if (!m_file->seek(m_start + m_cursor))
            return -1;
        const qint64 got = m_file->read(data, wanted);
        if (got > 0)
            m_cursor += got;
        return got;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QFile *m_file;
    qint64 m_start;
    qint64 m_length;
    qint64 m_cursor = 0;
};

QByteArray tusMetadata(const QList<QPair<QByteArray, QString>> &pairs)
{
    QByteArray out;
    for (const auto &[key, value] : pairs) {
        if (!out.isEmpty())
            out += ',';
        out += key + ' ' + value.toUtf8().toBase64();
    }
    return out;
}

QString tusStateName(TusUpload::State state)
{
    switch (state) {
    case TusUpload::State::Idle:
        return QStringLiteral("idle");
    case TusUpload::State::Creating:
        return QStringLiteral("creating");
    case TusUpload::State::Locating:
        return QStringLiteral("locating");
    case TusUpload::State::Sending:
        return QStringLiteral("sending");
    case TusUpload::State::Waiting:
        return QStringLiteral("waiting");
    case TusUpload::State::Paused:
        return QStringLiteral("paused");
    case TusUpload::State::Finished:
        return QStringLiteral("finished");
    case TusUpload::State::Failed:
        return QStringLiteral("failed");
    case TusUpload::State::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

TusUpload::TusUpload(HubApi *api, const Options &options, QNetworkAccessManager *nam,
                     QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_options(options)
    , m_nam(nam)
    , m_fileName(options.fileName.isEmpty() ? QFileInfo(options.filePath).fileName()
                                            : options.fileName)
    , m_uploadUrl(options.uploadUrl)
{
    if (!m_nam) {
        m_nam = new QNetworkAccessManager(this);
        m_nam->setProxy(QNetworkProxy::NoProxy);
    }
    m_options.chunkBytes = std::max<qint64>(1, m_options.chunkBytes);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        if (m_uploadUrl.isValid())
            locate();
        else
            create();
    });
}

TusUpload::~TusUpload()
{
    abortCurrent();
}

void TusUpload::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    if (state != State::Sending && state != State::Locating) {
        if (m_speed.stop()) // the next PATCH measures afresh
            emit speedChanged(0);
    }
    emit stateChanged(state);
}

bool TusUpload::openFile()
{
    if (m_file && m_file->isOpen())
        return true;
    m_file = std::make_unique<QFile>(m_options.filePath);
    if (!m_file->open(QIODevice::ReadOnly)) {
        fail(ourError(QStringLiteral("file_unreadable"),
                      tr("Cannot read %1: %2").arg(m_options.filePath, m_file->errorString())));
        return false;
    }
    if (m_size >= 0 && m_file->size() != m_size) {
        fail(ourError(QStringLiteral("file_changed"),
                      tr("%1 changed size during the upload.").arg(m_options.filePath)));
        return false;
    }
    m_size = m_file->size();
    return true;
}

void TusUpload::start()
{
    if (m_state != State::Idle)
        return;
    if (!openFile())
        return;
    emit progress(0, m_size);
    if (m_uploadUrl.isValid())
        locate();
    else
        create();
}

void TusUpload::pause()
{
    switch (m_state) {
    case State::Creating: // the POST runs on: its Location is kept for resume()
    case State::Locating:
    case State::Sending:
    case State::Waiting:
        break;
    default:
        return;
    }
    if (m_state != State::Creating)
        abortCurrent();
    m_retryTimer.stop();
    m_inFlight = 0;
    setState(State::Paused);
    emit progress(m_offset, m_size);
}

void TusUpload::resume()
{
    if (m_state != State::Paused && m_state != State::Failed)
        return;
    if (m_reply) // the POST of a pause during Creating is still on its way; it goes on by itself
        return;
    m_error = {};
    m_failuresInARow = 0;
    m_backoff.reset();
    if (!openFile())
        return;
    if (m_uploadUrl.isValid())
        locate();
    else
        create();
}

void TusUpload::cancel()
{
    if (m_state == State::Finished || m_state == State::Cancelled)
        return;
    const bool creating = m_state == State::Creating;
    if (!creating)
        abortCurrent();
    m_retryTimer.stop();
    m_inFlight = 0;
    setState(State::Cancelled);
    if (!creating && m_uploadUrl.isValid()) {
        // Fire and forget: an upload the hub keeps anyway expires by itself.
        QNetworkReply *reply = send("DELETE", tusRequest(m_uploadUrl));
        connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    }
}

QNetworkRequest TusUpload::tusRequest(const QUrl &url) const
{
    QNetworkRequest request = m_api->authorizedRequest(url);
    request.setRawHeader("Tus-Resumable", TusVersion);
    request.setTransferTimeout(StallTimeoutMs);
    return request;
}

QNetworkReply *TusUpload::send(const QByteArray &method, QNetworkRequest request, QIODevice *body)
{
    if (!body)
        request.setHeader(QNetworkRequest::ContentLengthHeader, 0);
    QNetworkReply *reply = body ? m_nam->sendCustomRequest(request, method, body)
                                : m_nam->sendCustomRequest(request, method, QByteArray());
    m_api->watch(reply);
    return reply;
}

void TusUpload::abortCurrent()
{
    if (QNetworkReply *reply = m_reply) {
        m_reply = nullptr;
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
    if (m_slice) {
        m_slice->deleteLater();
        m_slice = nullptr;
    }
}

void TusUpload::create()
{
    setState(State::Creating);
    QNetworkRequest request = tusRequest(m_api->uploadsUrl());
    request.setRawHeader("Upload-Length", QByteArray::number(m_size));
    QList<QPair<QByteArray, QString>> metadata {{"filename", m_fileName},
                                                {"conversation", m_options.conversationId}};
    // A hint only (the hub decides images by their bytes): what this system calls the file.
    const QString type = !m_options.fileType.isEmpty()
        ? m_options.fileType
        : QMimeDatabase().mimeTypeForFile(m_options.filePath).name();
    if (!type.isEmpty())
        metadata.append({"filetype", type});
    request.setRawHeader("Upload-Metadata", tusMetadata(metadata));
    QNetworkReply *reply = send("POST", request);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        m_reply = nullptr;
        const QByteArray body = reply->readAll();
        if (reply->error() != QNetworkReply::NoError || statusOf(reply) != HttpCreated) {
            if (m_state == State::Cancelled)
                return;
            const ApiError error = reply->error() != QNetworkReply::NoError
                ? HubApi::errorFromReply(reply, body)
                : ourError(QStringLiteral("bad_response"),
                           tr("The hub did not create the upload (HTTP %1).").arg(statusOf(reply)));
            if (m_state == State::Paused && error.isTransient())
                return; // resume() tries again
            handleError(error, false);
            return;
        }
        const QByteArray location = reply->rawHeader("Location");
        if (location.isEmpty()) {
            fail(ourError(QStringLiteral("bad_response"),
                          tr("The hub's answer to a new upload has no Location.")));
            return;
        }
        m_uploadUrl = m_api->resolved(QString::fromUtf8(location));
        m_offset = 0;
        emit created(m_uploadUrl);
        if (m_state == State::Cancelled) {
            QNetworkReply *gone = send("DELETE", tusRequest(m_uploadUrl));
            connect(gone, &QNetworkReply::finished, gone, &QObject::deleteLater);
            return;
        }
        if (m_size == 0 || !reply->rawHeader("Confab-File-Id").isEmpty()) {
            finishFrom(reply);
            return;
        }
        if (m_state == State::Paused)
            return;
        patch();
    });
}

void TusUpload::locate()
{
    setState(State::Locating);
    QNetworkReply *reply = send("HEAD", tusRequest(m_uploadUrl));
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        m_reply = nullptr;
        if (reply->error() != QNetworkReply::NoError) {
            handleError(HubApi::errorFromReply(reply, reply->readAll()), true);
            return;
        }
        const qint64 offset = headerNumber(reply, "Upload-Offset");
        const qint64 length = headerNumber(reply, "Upload-Length");
        if (offset < 0 || offset > m_size) {
            fail(ourError(QStringLiteral("bad_response"),
                          tr("The hub reported no usable offset for the upload.")));
            return;
        }
        if (length >= 0 && length != m_size) {
            fail(ourError(QStringLiteral("file_changed"),
                          tr("%1 is not the file this upload started with (%2 bytes, not %3).")
                              .arg(m_options.filePath)
                              .arg(m_size)
                              .arg(length)));
            return;
        }
        m_offset = offset;
        emit progress(m_offset, m_size);
        patch();
    });
}

void TusUpload::patch()
{
    if (!openFile())
        return;
    m_inFlight = 0;
    const qint64 length = std::min(m_options.chunkBytes, m_size - m_offset);
    m_slice = new FileSlice(m_file.get(), m_offset, length, this);
    m_slice->open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    QNetworkRequest request = tusRequest(m_uploadUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/offset+octet-stream"));
    request.setHeader(QNetworkRequest::ContentLengthHeader, length);
    request.setRawHeader("Upload-Offset", QByteArray::number(m_offset));
    setState(State::Sending);
    if (!m_speed.isRunning())
        m_speed.start(m_offset);
    ++m_patches;
    QNetworkReply *reply = send("PATCH", request, m_slice);
    m_reply = reply;
    connect(reply, &QNetworkReply::uploadProgress, this, [this](qint64 bytesSent, qint64) {
        // Never backwards within one PATCH (QNAM reports 0 again as the request ends).
        if (bytesSent <= m_inFlight)
            return;
        m_inFlight = bytesSent;
        emit progress(sent(), m_size);
        updateSpeed(false);
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onPatchFinished(reply); });
}

void TusUpload::onPatchFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    m_reply = nullptr;
    if (m_slice) {
        m_slice->deleteLater();
        m_slice = nullptr;
    }
    m_inFlight = 0;
    const QByteArray body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError) {
        const ApiError error = HubApi::errorFromReply(reply, body);
        if (error.httpStatus == 409) { // offset_mismatch: ask where the hub is
            locate();
            return;
        }
        handleError(error, true);
        return;
    }
    const qint64 offset = headerNumber(reply, "Upload-Offset");
    if (offset < m_offset || offset > m_size) {
        fail(ourError(QStringLiteral("bad_response"),
                      tr("The hub answered a PATCH without a usable Upload-Offset.")));
        return;
    }
    if (offset > m_offset) {
        m_failuresInARow = 0;
        m_backoff.reset();
    }
    m_offset = offset;
    emit progress(m_offset, m_size);
    updateSpeed(false);
    if (m_offset == m_size) {
        finishFrom(reply);
        return;
    }
    patch();
}

void TusUpload::finishFrom(QNetworkReply *reply)
{
    m_fileId = QString::fromLatin1(reply->rawHeader("Confab-File-Id"));
    m_messageId = qMax<qint64>(0, headerNumber(reply, "Confab-Message-Id"));
    m_offset = m_size;
    m_file.reset();
    updateSpeed(true);
    setState(State::Finished);
    emit progress(m_size, m_size);
    emit finished(m_fileId, m_messageId);
}

void TusUpload::handleError(const ApiError &error, bool mayRecreate)
{
    if (m_state == State::Cancelled || m_state == State::Paused)
        return;
    m_error = error;
    // The hub no longer knows the upload (expired, or gone with its data): start over once.
    if (mayRecreate && !m_recreated && (error.httpStatus == 404 || error.httpStatus == 410)
        && error.code != QLatin1StringView("unknown_conversation")) {
        qCInfo(lcTus) << "upload gone on the hub; starting over" << m_uploadUrl.path();
        m_recreated = true;
        m_uploadUrl.clear();
        m_offset = 0;
        create();
        return;
    }
    if (!error.isTransient()) {
        fail(error);
        return;
    }
    ++m_failuresInARow;
    if (m_options.maxRetries >= 0 && m_failuresInARow > m_options.maxRetries) {
        fail(error);
        return;
    }
    int delay = m_backoff.nextDelayMs(RetryBaseMs);
    delay = std::max(delay, error.retryAfterSeconds * 1000);
    qCInfo(lcTus) << "upload interrupted:" << error.code << error.message << "retry in" << delay;
    setState(State::Waiting);
    emit retrying(error, delay);
    m_retryTimer.start(delay);
}

void TusUpload::fail(const ApiError &error)
{
    abortCurrent();
    m_retryTimer.stop();
    m_error = error;
    m_inFlight = 0;
    setState(State::Failed);
    emit failed(error);
}

void TusUpload::updateSpeed(bool force)
{
    if (m_speed.sample(sent(), force))
        emit speedChanged(m_speed.bytesPerSecond());
}

} // namespace confab
