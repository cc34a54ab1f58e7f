#include "filedownload.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRegularExpression>
#include <algorithm>

Q_LOGGING_CATEGORY(lcDownload, "confab.download")

namespace confab {

namespace {

constexpr qint64 ReadBufferBytes = 4 * 1024 * 1024; // what QNAM may hold before we take it
constexpr qint64 HashChunkBytes = 1024 * 1024;
constexpr int MaxFileNameChars = 200; // under every file system's 255 bytes for most scripts
constexpr int MaxNameAttempts = 10000;
constexpr int HttpOk = 200;
constexpr int HttpPartial = 206;
constexpr int HttpNotFound = 404;
constexpr int HttpUnsatisfiable = 416;

int statusOf(const QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

ApiError ourError(const QString &code, const QString &message)
{
    return ApiError {-1, code, message, 0};
}

// "bytes a-b/total": a and total (-1 when absent or not a number).
std::pair<qint64, qint64> parseContentRange(const QByteArray &value)
{
    static const QRegularExpression pattern(QStringLiteral("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$"));
    const auto match = pattern.match(QString::fromLatin1(value.trimmed()));
    if (!match.hasMatch())
        return {-1, -1};
    bool ok = false;
    const qint64 total = match.captured(3).toLongLong(&ok);
    return {match.captured(1).toLongLong(), ok ? total : -1};
}

} // namespace

QString sanitizedFileName(const QString &name)
{
    QString base = name;
    // Directories are the sender's, not ours: only the last component counts (either separator).
    const qsizetype slash
        = std::max(base.lastIndexOf(QLatin1Char('/')), base.lastIndexOf(QLatin1Char('\\')));
    if (slash >= 0)
        base = base.mid(slash + 1);
    QString out;
    out.reserve(base.size());
    static const QString refused = QStringLiteral("<>:\"|?*");
    for (const QChar c : std::as_const(base)) {
        // Control and format characters (a bidi override can disguise "exe.txt") are dropped.
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            continue;
        out += refused.contains(c) ? QLatin1Char('_') : c;
    }
    // No hidden files, and Windows drops trailing dots and spaces.
    while (!out.isEmpty() && (out.front() == QLatin1Char('.') || out.front().isSpace()))
        out.remove(0, 1);
    while (!out.isEmpty() && (out.back() == QLatin1Char('.') || out.back().isSpace()))
        out.chop(1);
    if (out.size() > MaxFileNameChars) {
        const QString suffix = QFileInfo(out).suffix().left(20);
        out = out.left(MaxFileNameChars - suffix.size() - 1) + QLatin1Char('.') + suffix;
    }
    if (out.isEmpty())
        out = QStringLiteral("file");
    return out;
}

QString uniqueTargetPath(const QString &directory, const QString &name)
{
    const QString clean = sanitizedFileName(name);
    const QDir dir(directory);
    auto taken = [&](const QString &candidate) {
        const QString path = dir.filePath(candidate);
        return QFileInfo::exists(path)
            || QFileInfo::exists(path + QLatin1StringView(FileDownload::PartSuffix));
    };
    if (!taken(clean))
        return dir.filePath(clean);
    const QFileInfo info(clean);
    const QString stem = info.completeBaseName();
    const QString suffix = info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix();
    for (int n = 1; n < MaxNameAttempts; ++n) {
        const QString candidate = QStringLiteral("%1 (%2)%3").arg(stem).arg(n).arg(suffix);
        if (!taken(candidate))
            return dir.filePath(candidate);
    }
    return dir.filePath(clean); // ten thousand copies: let the rename fail with a clear error
}

FileDownload::FileDownload(HubApi *api, const Options &options, QNetworkAccessManager *nam,
                           QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_options(options)
    , m_nam(nam)
{
    if (!m_nam) {
        m_nam = new QNetworkAccessManager(this);
        m_nam->setProxy(QNetworkProxy::NoProxy);
    }
    m_total = options.expectedSize;
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &FileDownload::request);
}

FileDownload::~FileDownload()
{
    abortCurrent();
}

void FileDownload::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    if (state != State::Receiving) {
        if (m_speed.stop())
            emit speedChanged(0);
    }
    emit stateChanged(state);
}

bool FileDownload::hashExistingPart()
{
    m_hash.reset();
    if (!m_part.seek(0))
        return false;
    qint64 left = m_received;
    QByteArray chunk;
    while (left > 0) {
        chunk = m_part.read(std::min(left, HashChunkBytes));
        if (chunk.isEmpty())
            return false;
        m_hash.addData(chunk);
        left -= chunk.size();
    }
    return m_part.seek(m_received);
}

void FileDownload::start()
{
    if (m_state != State::Idle)
        return;
    QDir().mkpath(QFileInfo(m_options.targetPath).absolutePath());
    m_part.setFileName(partPath());
    if (!m_part.open(QIODevice::ReadWrite)) {
        fail(ourError(QStringLiteral("file_unwritable"),
                      tr("Cannot write %1: %2").arg(partPath(), m_part.errorString())));
        return;
    }
    m_received = m_part.size();
    m_continuedPart = m_received > 0;
    if (m_total >= 0 && m_received > m_total) { // not this file's beginning: start over
        m_part.resize(0);
        m_received = 0;
    }
    if (!hashExistingPart()) {
        fail(ourError(QStringLiteral("file_unreadable"),
                      tr("Cannot read %1: %2").arg(partPath(), m_part.errorString())));
        return;
    }
    emit progress(m_received, m_total);
    if (m_total >= 0 && m_received == m_total && m_total > 0) {
        complete();
        return;
    }
    request();
}

void FileDownload::pause()
{
    if (m_state != State::Receiving && m_state != State::Waiting)
        return;
    abortCurrent();
    m_retryTimer.stop();
    m_part.flush();
    setState(State::Paused);
}

void FileDownload::resume()
{
    if (m_state != State::Paused && m_state != State::Failed)
        return;
    if (!m_part.isOpen()) {
        m_state = State::Idle;
        start();
        return;
    }
    m_failuresInARow = 0;
    m_backoff.reset();
    request();
}

void FileDownload::cancel()
{
    if (m_state == State::Finished || m_state == State::Cancelled)
        return;
    abortCurrent();
    m_retryTimer.stop();
    m_part.close();
    QFile::remove(partPath());
    setState(State::Cancelled);
}

void FileDownload::abortCurrent()
{
    if (QNetworkReply *reply = m_reply) {
        m_reply = nullptr;
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
}

void FileDownload::request()
{
    QNetworkRequest request = m_api->authorizedRequest(m_api->fileUrl(m_options.fileId));
    request.setTransferTimeout(StallTimeoutMs);
    // Bytes as stored, never a compressed rendition: the offsets are the file's.
    request.setRawHeader("Accept-Encoding", "identity");
    m_resumedFrom = m_received;
    if (m_received > 0) {
        request.setRawHeader("Range", "bytes=" + QByteArray::number(m_received) + '-');
        const QByteArray etag = !m_etag.isEmpty() ? m_etag
            : !m_options.sha256.isEmpty()         ? '"' + m_options.sha256.toLatin1() + '"'
                                                  : QByteArray();
        if (!etag.isEmpty())
            request.setRawHeader("If-Range", etag);
    }
    m_replyChecked = false;
    setState(State::Receiving);
    m_speed.start(m_received);
    QNetworkReply *reply = m_nam->get(request);
    m_api->watch(reply);
    reply->setReadBufferSize(ReadBufferBytes);
    m_reply = reply;
    connect(reply, &QNetworkReply::readyRead, this, &FileDownload::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onFinished(reply); });
}

void FileDownload::onReadyRead()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    const int status = statusOf(reply);
    if (status != HttpOk && status != HttpPartial)
        return; // an error body: read at the end
    if (!m_replyChecked) {
        m_replyChecked = true;
        m_etag = reply->rawHeader("ETag");
        if (status == HttpPartial) {
            const auto [start, total] = parseContentRange(reply->rawHeader("Content-Range"));
            if (start != m_received) {
                abortCurrent();
                fail(ourError(QStringLiteral("bad_response"),
                              tr("The hub sent another part of the file than asked for.")));
                return;
            }
            if (total >= 0)
                m_total = total;
        } else {
            // The whole file (the hub ignored the range, or the file is not the one we had):
            // the part starts over.
            if (m_received > 0)
                qCInfo(lcDownload) << "range not honoured; starting over" << m_options.fileId;
            m_part.resize(0);
            m_part.seek(0);
            m_received = 0;
            m_hash.reset();
            const qint64 length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
            if (length > 0 || m_total < 0)
                m_total = length;
        }
    }
    const QByteArray bytes = reply->readAll();
    if (bytes.isEmpty())
        return;
    if (m_part.write(bytes) != bytes.size()) {
        const QString why = m_part.errorString();
        abortCurrent();
        fail(ourError(QStringLiteral("file_unwritable"),
                      tr("Cannot write %1: %2").arg(partPath(), why)));
        return;
    }
    m_hash.addData(bytes);
    m_received += bytes.size();
    m_fetched += bytes.size();
    if (m_received > m_resumedFrom) {
        m_failuresInARow = 0;
        m_backoff.reset();
    }
    emit progress(m_received, m_total);
    updateSpeed(false);
}

void FileDownload::onFinished(QNetworkReply *reply)
{
    if (reply != m_reply)
        return;
    onReadyRead(); // whatever is left in the buffer
    if (m_state != State::Receiving) // failed while reading
        return;
    reply->deleteLater();
    m_reply = nullptr;
    m_part.flush();
    if (reply->error() != QNetworkReply::NoError) {
        const ApiError error = HubApi::errorFromReply(reply, reply->readAll());
        if (error.httpStatus == HttpUnsatisfiable && m_received > 0) {
            // The part is as long as the file or longer: check it, or start over.
            if (m_total >= 0 && m_received == m_total) {
                complete();
                return;
            }
            m_part.resize(0);
            m_received = 0;
            m_hash.reset();
            handleError(ourError(QStringLiteral("range_refused"), error.message));
            return;
        }
        handleError(error);
        return;
    }
    if (m_total >= 0 && m_received != m_total) {
        ApiError error;
        error.code = QStringLiteral("network");
        error.message
            = tr("The download ended early (%1 of %2 bytes).").arg(m_received).arg(m_total);
        handleError(error); // status 0: transient, retried from where it stopped
        return;
    }
    complete();
}

bool FileDownload::complete()
{
    m_part.flush();
    m_part.close();
    const QString digest = QString::fromLatin1(m_hash.result().toHex());
    if (!m_options.sha256.isEmpty() && digest.compare(m_options.sha256, Qt::CaseInsensitive) != 0) {
        if (m_continuedPart && !m_startedOver) {
            // The .part we continued was not this file's beginning: fetch the whole file once.
            qCInfo(lcDownload) << "continued part was another file's; starting over";
            m_startedOver = true;
            if (!m_part.open(QIODevice::ReadWrite) || !m_part.resize(0)) {
                fail(ourError(QStringLiteral("file_unwritable"),
                              tr("Cannot write %1: %2").arg(partPath(), m_part.errorString())));
                return false;
            }
            m_received = 0;
            m_hash.reset();
            request();
            return false;
        }
        QFile::remove(partPath());
        fail(ourError(QStringLiteral("checksum_mismatch"),
                      tr("The downloaded file is not the one the hub describes (SHA-256 differs); "
                         "it was discarded.")));
        return false;
    }
    QString target = m_options.targetPath;
    if (QFileInfo::exists(target)) // made since we picked the name: never overwrite
        target = uniqueTargetPath(QFileInfo(target).absolutePath(), QFileInfo(target).fileName());
    if (!QFile::rename(partPath(), target)) {
        fail(ourError(QStringLiteral("file_unwritable"),
                      tr("Cannot move the download to %1.").arg(target)));
        return false;
    }
    m_options.targetPath = target;
    updateSpeed(true);
    setState(State::Finished);
    emit progress(m_received, m_received);
    emit finished(target);
    return true;
}

void FileDownload::handleError(const ApiError &error)
{
    m_error = error;
    if (error.httpStatus == HttpNotFound) {
        // Deleted from the hub, or no longer ours to read (we left its conversation): nothing
        // left to continue, so the bytes so far go too.
        abortCurrent();
        m_part.close();
        QFile::remove(partPath());
        fail(ApiError {error.httpStatus, QStringLiteral("file_gone"),
                       tr("This file is no longer on the hub, or you are no longer in its "
                          "conversation; the partial download was removed."),
                       0});
        return;
    }
    if (!error.isTransient() && error.code != QLatin1StringView("range_refused")) {
        fail(error);
        return;
    }
    ++m_failuresInARow;
    if (m_options.maxRetries >= 0 && m_failuresInARow > m_options.maxRetries) {
        fail(error);
        return;
    }
    const int delay = std::max(m_backoff.nextDelayMs(RetryBaseMs), error.retryAfterSeconds * 1000);
    setState(State::Waiting);
    m_retryTimer.start(delay);
}

void FileDownload::fail(const ApiError &error)
{
    m_retryTimer.stop();
    m_error = error;
    m_part.flush();
    setState(State::Failed);
    emit failed(error);
}

void FileDownload::updateSpeed(bool force)
{
    if (m_speed.sample(m_received, force))
        emit speedChanged(m_speed.bytesPerSecond());
}

} // namespace confab
