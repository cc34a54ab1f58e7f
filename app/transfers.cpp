#include "transfers.h"

#include "filedownload.h"
#include "hubconnection.h"
#include "tusupload.h"

#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkProxy>

namespace confab {

namespace {

Transfers::State stateOf(TusUpload::State state)
{
    switch (state) {
    case TusUpload::State::Idle:
    case TusUpload::State::Creating:
    case TusUpload::State::Locating:
    case TusUpload::State::Sending:
        return Transfers::State::Active;
    case TusUpload::State::Waiting:
        return Transfers::State::Waiting;
    case TusUpload::State::Paused:
        return Transfers::State::Paused;
    case TusUpload::State::Finished:
        return Transfers::State::Done;
    case TusUpload::State::Failed:
        return Transfers::State::Failed;
    case TusUpload::State::Cancelled:
        return Transfers::State::Cancelled;
    }
    return Transfers::State::Active;
}

Transfers::State stateOf(FileDownload::State state)
{
    switch (state) {
    case FileDownload::State::Idle:
    case FileDownload::State::Receiving:
        return Transfers::State::Active;
    case FileDownload::State::Waiting:
        return Transfers::State::Waiting;
    case FileDownload::State::Paused:
        return Transfers::State::Paused;
    case FileDownload::State::Finished:
        return Transfers::State::Done;
    case FileDownload::State::Failed:
        return Transfers::State::Failed;
    case FileDownload::State::Cancelled:
        return Transfers::State::Cancelled;
    }
    return Transfers::State::Active;
}

} // namespace

QString transferStateName(Transfers::State state)
{
    switch (state) {
    case Transfers::State::Active:
        return QStringLiteral("active");
    case Transfers::State::Waiting:
        return QStringLiteral("waiting");
    case Transfers::State::Paused:
        return QStringLiteral("paused");
    case Transfers::State::Done:
        return QStringLiteral("done");
    case Transfers::State::Failed:
        return QStringLiteral("failed");
    case Transfers::State::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

Transfers *Transfers::of(HubConnection *connection)
{
    if (auto *existing = connection->findChild<Transfers *>(QString(), Qt::FindDirectChildrenOnly))
        return existing;
    return new Transfers(connection, connection->storageDir());
}

Transfers::Transfers(HubConnection *connection, const QString &storageDir)
    : QObject(connection)
    , m_connection(connection)
    , m_journal(storageDir)
    , m_downloads(storageDir)
    , m_nam(new QNetworkAccessManager(this))
{
    m_nam->setProxy(QNetworkProxy::NoProxy);
    connect(connection, &HubConnection::stateChanged, this, [this](HubConnection::State state) {
        if (state == HubConnection::State::Live)
            resumeUnfinished();
    });
    if (connection->state() == HubConnection::State::Live)
        QMetaObject::invokeMethod(this, &Transfers::resumeUnfinished, Qt::QueuedConnection);
}

Transfers::~Transfers()
{
    // Transfers in flight stop here; the journals keep them for the next start.
    for (Item &item : m_items) {
        if (item.upload)
            item.upload->disconnect(this);
        if (item.download)
            item.download->disconnect(this);
    }
}

int Transfers::addItem(Item item)
{
    const int id = m_nextId++;
    item.info.id = id;
    m_items.insert(id, item);
    m_order.append(id);
    emit added(id);
    return id;
}

int Transfers::upload(const QString &conversationId, const QString &filePath, const QString &name)
{
    const QFileInfo file(filePath);
    PendingUpload record {UploadJournal::hubKey(m_connection->hubUrl()),
                          UploadJournal::memberKey(m_connection->self().name),
                          conversationId,
                          file.absoluteFilePath(),
                          name.isEmpty() ? file.fileName() : name,
                          file.size(),
                          file.lastModified().toMSecsSinceEpoch(),
                          {}};
    return startUpload(record, {});
}

int Transfers::startUpload(const PendingUpload &record, const QUrl &resumeUrl)
{
    Item item;
    item.info.kind = Kind::Upload;
    item.info.conversationId = record.conversation;
    item.info.name = record.fileName;
    item.info.size = record.size;
    item.info.path = record.filePath;
    item.record = record;
    TusUpload::Options options;
    options.filePath = record.filePath;
    options.conversationId = record.conversation;
    options.fileName = record.fileName;
    options.uploadUrl = resumeUrl;
    if (m_chunkBytes > 0)
        options.chunkBytes = m_chunkBytes;
    auto *upload = new TusUpload(m_connection->api(), options, m_nam, this);
    item.upload = upload;
    const int id = addItem(item);
    watchUpload(id, upload);
    upload->start();
    return id;
}

void Transfers::watchUpload(int id, TusUpload *upload)
{
    connect(upload, &TusUpload::created, this, [this, id](const QUrl &url) {
        auto it = m_items.find(id);
        if (it == m_items.end())
            return;
        it->record.uploadUrl = url;
        m_journal.put(it->record);
    });
    connect(upload, &TusUpload::progress, this, [this, id](qint64 sent, qint64 total) {
        auto it = m_items.find(id);
        if (it == m_items.end())
            return;
        it->info.done = sent;
        it->info.size = total;
        emit changed(id);
    });
    connect(upload, &TusUpload::speedChanged, this, [this, id](double speed) {
        auto it = m_items.find(id);
        if (it == m_items.end())
            return;
        it->info.bytesPerSecond = speed;
        emit changed(id);
    });
    connect(upload, &TusUpload::stateChanged, this, [this, id](TusUpload::State state) {
        auto it = m_items.find(id);
        if (it == m_items.end())
            return;
        it->info.state = stateOf(state);
        if (state == TusUpload::State::Failed && it->upload)
            it->info.error = it->upload->error().message;
        // Done, refused for good or abandoned: nothing to resume next time.
        if ((state == TusUpload::State::Finished || state == TusUpload::State::Cancelled
             || (state == TusUpload::State::Failed && it->upload
                 && !it->upload->error().isTransient()))
            && it->record.uploadUrl.isValid())
            m_journal.remove(it->record.uploadUrl);
        emit changed(id);
    });
    connect(upload, &TusUpload::finished, this, [this, id](const QString &fileId, qint64 message) {
        emit uploadFinished(id, fileId, message);
    });
}

int Transfers::download(const QString &conversationId, const FileAttachment &file,
                        const QString &directory)
{
    // A download of this name that stopped (the app quit) is continued, not started anew
    // beside it; its bytes are checked against the file's SHA-256 as any others.
    const QString plain = QDir(directory).filePath(sanitizedFileName(file.name));
    bool continuing = !QFileInfo::exists(plain)
        && QFileInfo::exists(plain + QLatin1StringView(FileDownload::PartSuffix));
    for (const Item &item : std::as_const(m_items)) {
        if (item.download && item.download->targetPath() == plain)
            continuing = false; // that one is still ours
    }
    const PendingDownload record {
        UploadJournal::hubKey(m_connection->hubUrl()),
        UploadJournal::memberKey(m_connection->self().name), conversationId, file,
        QFileInfo(continuing ? plain : uniqueTargetPath(directory, file.name)).absoluteFilePath()};
    // Journalled before the first byte: a quit at any point leaves a .part the next start knows.
    m_downloads.put(record);
    return startDownload(record);
}

int Transfers::startDownload(const PendingDownload &record)
{
    FileDownload::Options options;
    options.fileId = record.file.id;
    options.targetPath = record.targetPath;
    options.expectedSize = record.file.size;
    options.sha256 = record.file.sha256;
    Item item;
    item.info.kind = Kind::Download;
    item.info.conversationId = record.conversation;
    item.info.name = QFileInfo(options.targetPath).fileName();
    item.info.size = record.file.size;
    item.info.path = options.targetPath;
    item.downloadRecord = record;
    auto *download = new FileDownload(m_connection->api(), options, m_nam, this);
    item.download = download;
    const int id = addItem(item);
    watchDownload(id, download);
    download->start();
    return id;
}

void Transfers::watchDownload(int id, FileDownload *download)
{
    connect(download, &FileDownload::progress, this, [this, id](qint64 received, qint64 total) {
        auto it = m_items.find(id);
        if (it == m_items.end())
            return;
        it->info.done = received;
        if (total >= 0)
            it->info.size = total;
        if (it->download)
            it->info.resumedFrom = it->download->resumedFrom();
        emit changed(id);
    });
    connect(download, &FileDownload::speedChanged, this, [this, id](double speed) {
        auto it = m_items.find(id);
        if (it == m_items.end())
            return;
        it->info.bytesPerSecond = speed;
        emit changed(id);
    });
    connect(download, &FileDownload::stateChanged, this, [this, id](FileDownload::State state) {
        auto it = m_items.find(id);
        if (it == m_items.end())
            return;
        it->info.state = stateOf(state);
        if (state == FileDownload::State::Failed && it->download)
            it->info.error = it->download->error().message;
        // The journal lists the downloads the next start can continue: not one that is done or
        // cancelled, nor a failed one whose .part is gone (the file left the hub, or its bytes
        // were not the file's). A failure that kept the .part (no session, a full disk) is
        // tried again next time.
        const QString target = it->downloadRecord.targetPath;
        if (state == FileDownload::State::Finished || state == FileDownload::State::Cancelled
            || (state == FileDownload::State::Failed
                && !QFileInfo::exists(target + QLatin1StringView(FileDownload::PartSuffix))))
            m_downloads.remove(target);
        emit changed(id);
    });
    connect(download, &FileDownload::finished, this, [this, id](const QString &path) {
        auto it = m_items.find(id);
        if (it != m_items.end()) {
            it->info.path = path;
            it->info.name = QFileInfo(path).fileName();
            emit changed(id);
        }
        emit downloadFinished(id, path);
    });
}

void Transfers::pause(int id)
{
    const auto it = m_items.constFind(id);
    if (it == m_items.cend())
        return;
    if (it->upload)
        it->upload->pause();
    if (it->download)
        it->download->pause();
}

void Transfers::resume(int id)
{
    const auto it = m_items.constFind(id);
    if (it == m_items.cend())
        return;
    if (it->upload)
        it->upload->resume();
    if (it->download)
        it->download->resume();
}

void Transfers::cancel(int id)
{
    const auto it = m_items.constFind(id);
    if (it == m_items.cend())
        return;
    if (it->upload)
        it->upload->cancel();
    if (it->download)
        it->download->cancel();
}

void Transfers::dismiss(int id)
{
    auto it = m_items.find(id);
    if (it == m_items.end())
        return;
    const State state = it->info.state;
    if (state == State::Active || state == State::Waiting || state == State::Paused)
        return; // cancel first
    // A failed download dismissed is given up: its .part (and journal entry) go, so that the
    // next start does not bring it back.
    if (state == State::Failed && it->download) {
        it->download->cancel(); // reports its state: the item is looked up again
        it = m_items.find(id);
        if (it == m_items.end())
            return;
    }
    if (it->upload)
        it->upload->deleteLater();
    if (it->download)
        it->download->deleteLater();
    m_items.erase(it);
    m_order.removeOne(id);
    emit removed(id);
}

QList<int> Transfers::ids() const
{
    return m_order;
}

Transfers::Info Transfers::info(int id) const
{
    return m_items.value(id).info;
}

void Transfers::resumeUnfinished()
{
    if (m_resumed)
        return;
    m_resumed = true;
    for (const PendingUpload &record :
         m_journal.pendingFor(m_connection->hubUrl(), m_connection->self().name)) {
        if (!record.matchesFile()) {
            // Changed or gone since: its bytes on the hub are not this file's any more.
            m_journal.remove(record.uploadUrl);
            continue;
        }
        startUpload(record, record.uploadUrl);
    }
    for (const PendingDownload &record :
         m_downloads.pendingFor(m_connection->hubUrl(), m_connection->self().name)) {
        const bool partThere
            = QFileInfo::exists(record.targetPath + QLatin1StringView(FileDownload::PartSuffix));
        if (!partThere && QFileInfo::exists(record.targetPath)) {
            // Finished, and the app quit before the journal heard of it.
            m_downloads.remove(record.targetPath);
            continue;
        }
        startDownload(record); // a .part removed by hand: fetched from the start
    }
}

} // namespace confab
