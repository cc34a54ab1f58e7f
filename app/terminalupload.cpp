#include "terminalupload.h"

#include "datasize.h"
#include "tusupload.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <cstdio>

#ifdef Q_OS_WIN
#include <io.h>
#else
#include <unistd.h>
#endif

namespace confab {

namespace {

constexpr int BarWidth = 30;

QString cliText(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

void writeStderr(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

} // namespace

bool TerminalUpload::stderrIsTerminal()
{
#ifdef Q_OS_WIN
    return _isatty(_fileno(stderr)) != 0;
#else
    return isatty(fileno(stderr)) != 0;
#endif
}

QString TerminalUpload::formatBytes(qint64 bytes)
{
    // The rule of every client (datasize.h); the terminal's numbers are the C locale's.
    return formatDataSize(bytes, QLocale::c());
}

TerminalUpload::TerminalUpload(HubApi *api, const QString &stateDir, const QUrl &hubUrl,
                               const QString &member, bool progressBar, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_journal(stateDir)
    , m_hubUrl(hubUrl)
    , m_member(member)
    , m_bar(progressBar && stderrIsTerminal())
    , m_nam(new QNetworkAccessManager(this))
{
    m_nam->setProxy(QNetworkProxy::NoProxy);
}

void TerminalUpload::send(const QString &conversationId, const QString &filePath, Done done)
{
    m_done = std::move(done);
    const QFileInfo info(filePath);
    if (!info.isFile() || !info.isReadable()) {
        Result result;
        result.error = ApiError {-1, QStringLiteral("file_missing"),
                                 info.exists() ? cliText("Cannot read %1").arg(filePath)
                                               : cliText("No such file: %1").arg(filePath),
                                 0};
        finish(result);
        return;
    }
    TusUpload::Options options;
    options.filePath = info.absoluteFilePath();
    options.conversationId = conversationId;
    options.maxRetries = MaxRetriesInARow;
    m_record = PendingUpload {UploadJournal::hubKey(m_hubUrl),
                              UploadJournal::memberKey(m_member),
                              conversationId,
                              options.filePath,
                              info.fileName(),
                              info.size(),
                              info.lastModified().toMSecsSinceEpoch(),
                              {}};
    const auto earlier = m_journal.find(m_hubUrl, m_member, conversationId, options.filePath);
    if (earlier) {
        options.uploadUrl = earlier->uploadUrl;
        m_record.uploadUrl = earlier->uploadUrl;
    }
    auto *upload = new TusUpload(m_api, options, m_nam, this);
    m_upload = upload;
    m_clock.start();
    connect(upload, &TusUpload::created, this, [this](const QUrl &url) {
        m_record.uploadUrl = url;
        m_journal.put(m_record);
    });
    connect(upload, &TusUpload::progress, this, [this](qint64 sent, qint64) {
        if (m_startOffset < 0 && m_upload && m_upload->state() == TusUpload::State::Sending)
            m_startOffset = m_upload->offset();
        drawBar(false);
        Q_UNUSED(sent);
    });
    connect(upload, &TusUpload::retrying, this, [this](const ApiError &error, int delayMs) {
        if (m_barShown)
            writeStderr(QStringLiteral("\n"));
        m_barShown = false;
        writeStderr(cliText("The hub went away (%1); trying again in %2 s.\n")
                        .arg(error.message)
                        .arg((delayMs + 999) / 1000));
    });
    connect(upload, &TusUpload::finished, this, [this](const QString &fileId, qint64 messageId) {
        m_journal.remove(m_record.uploadUrl);
        drawBar(true);
        if (m_barShown)
            writeStderr(QStringLiteral("\n"));
        const double seconds = std::max<qint64>(1, m_clock.elapsed()) / 1000.0;
        const qint64 size = m_upload ? m_upload->size() : 0;
        const qint64 sentNow = size - std::max<qint64>(0, m_startOffset);
        QString line = cliText("Sent %1 (%2) in %3 s")
                           .arg(m_record.fileName, formatBytes(size))
                           .arg(seconds, 0, 'f', 1);
        if (m_startOffset > 0)
            line += cliText(", resumed at %1").arg(formatBytes(m_startOffset));
        if (sentNow > 0)
            line += QStringLiteral(", ") + formatDataRate(double(sentNow) / seconds, QLocale::c());
        writeStderr(line + QStringLiteral(".\n"));
        Result result;
        result.ok = true;
        result.fileId = fileId;
        result.messageId = messageId;
        finish(result);
    });
    connect(upload, &TusUpload::failed, this, [this](const ApiError &error) {
        if (m_barShown)
            writeStderr(QStringLiteral("\n"));
        m_barShown = false;
        // An upload the hub refused for good is not worth resuming; one that only could not
        // reach the hub is (run the command again).
        if (!error.isTransient() && m_record.uploadUrl.isValid())
            m_journal.remove(m_record.uploadUrl);
        if (error.httpStatus == 413) {
            explainLimit(error);
            return;
        }
        Result result;
        result.error = error;
        if (error.httpStatus == 507)
            result.error.message
                = cliText("The hub's file storage is full (%1)").arg(error.message);
        else if (error.isTransient())
            result.error.message
                = cliText("%1. Run the same command again to resume the upload").arg(error.message);
        finish(result);
    });
    if (earlier)
        writeStderr(cliText("Resuming the upload of %1.\n").arg(m_record.fileName));
    upload->start();
}

void TerminalUpload::explainLimit(ApiError error)
{
    // The hub names its limit in OPTIONS (Tus-Max-Size): say it in the user's terms.
    QNetworkRequest request = m_api->authorizedRequest(m_api->uploadsUrl());
    request.setRawHeader("Tus-Resumable", "1.0.0");
    request.setTransferTimeout(HubApi::RequestTimeoutMs);
    QNetworkReply *reply = m_nam->sendCustomRequest(request, "OPTIONS");
    m_api->watch(reply);
    connect(reply, &QNetworkReply::finished, this, [this, reply, error]() mutable {
        reply->deleteLater();
        bool ok = false;
        const qint64 limit = reply->rawHeader("Tus-Max-Size").toLongLong(&ok);
        if (ok)
            error.message
                = cliText("%1 is %2; this hub takes files up to %3")
                      .arg(m_record.fileName, formatBytes(m_record.size), formatBytes(limit));
        Result result;
        result.error = error;
        finish(result);
    });
}

void TerminalUpload::pause()
{
    if (m_upload)
        m_upload->pause();
}

void TerminalUpload::drawBar(bool force)
{
    if (!m_bar || !m_upload)
        return;
    if (!force && m_barClock.isValid() && m_barClock.elapsed() < BarIntervalMs)
        return;
    m_barClock.start();
    const qint64 total = std::max<qint64>(1, m_upload->size());
    const qint64 sent = std::min(m_upload->sent(), total);
    const int filled = int(BarWidth * sent / total);
    const QString bar
        = QString(filled, QLatin1Char('#')) + QString(BarWidth - filled, QLatin1Char('-'));
    const QString speed = m_upload->bytesPerSecond() > 0
        ? formatDataRate(m_upload->bytesPerSecond(), QLocale::c())
        : QString();
    // \r and erase to the end of the line: the bar is redrawn in place.
    writeStderr(QStringLiteral("\r[%1] %2%  %3 / %4  %5\x1b[K")
                    .arg(bar)
                    .arg(int(100 * sent / total), 3)
                    .arg(formatBytes(sent), formatBytes(m_upload->size()), speed));
    m_barShown = true;
}

void TerminalUpload::finish(const Result &result)
{
    if (m_upload)
        m_upload->deleteLater();
    m_upload = nullptr;
    m_barShown = false;
    if (m_done) {
        Done done = std::move(m_done);
        m_done = nullptr;
        done(result);
    }
}

} // namespace confab
