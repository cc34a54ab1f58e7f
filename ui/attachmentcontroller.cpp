#include "attachmentcontroller.h"

#include "attachmentview.h"
#include "composer.h"
#include "conversation.h"
#include "hubconnection.h"
#include "imageviewer.h"
#include "messagedelegate.h"
#include "messagemodel.h"
#include "messageview.h"
#include "thumbnailcache.h"
#include "transfers.h"
#include "transferstrip.h"

#include <QDateTime>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QMimeData>
#include <QStandardPaths>
#include <QStyle>
#include <QToolButton>

namespace confab {

namespace {

constexpr char PastedFolder[] = "/pasted";

HubConnection *connectionOf(Conversation *conversation)
{
    return conversation ? qobject_cast<HubConnection *>(conversation->parent()) : nullptr;
}

} // namespace

ThumbnailCache *AttachmentController::thumbnailsOf(HubConnection *connection)
{
    if (auto *existing
        = connection->findChild<ThumbnailCache *>(QString(), Qt::FindDirectChildrenOnly))
        return existing;
    return new ThumbnailCache(connection->api(), connection);
}

AttachmentController::AttachmentController(QWidget *page, Conversation *conversation,
                                           Composer *composer, MessageView *view)
    : QObject(page)
    , m_page(page)
    , m_conversation(conversation)
    , m_view(view)
    , m_attach(new QToolButton(page))
    , m_strip(new TransferStrip(page))
{
    m_attach->setObjectName(QStringLiteral("attachButton"));
    m_attach->setText(tr("Attach"));
    m_attach->setIcon(page->style()->standardIcon(QStyle::SP_FileIcon));
    m_attach->setToolButtonStyle(Qt::ToolButtonIconOnly);
    m_attach->setToolTip(tr("Send a file (or drop files here, or paste an image)"));
    m_attach->setAccessibleName(tr("Attach a file"));
    HubConnection *connection = connectionOf(conversation);
    m_attach->setEnabled(connection != nullptr);
    if (!connection)
        return;
    m_transfers = Transfers::of(connection);
    m_thumbnails = thumbnailsOf(connection);
    m_strip->setTransfers(m_transfers, conversation->id());
    view->messageDelegate()->setThumbnails(m_thumbnails);
    connect(m_thumbnails, &ThumbnailCache::ready, view->viewport(),
            [viewport = view->viewport()] { viewport->update(); });
    connect(m_attach, &QToolButton::clicked, this, &AttachmentController::chooseFiles);
    connect(composer, &Composer::filesOffered, this, &AttachmentController::sendFiles);
    connect(composer, &Composer::imageOffered, this, &AttachmentController::sendImage);
    connect(view, &MessageView::attachmentActivated, this, &AttachmentController::activate);
    page->setAcceptDrops(true);
    page->installEventFilter(this);
    // A pasted image's file is ours: gone once it is on the hub.
    connect(m_transfers, &Transfers::uploadFinished, this, [this](int id) {
        const QString path = m_transfers->info(id).path;
        const QString pasted = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
            + QLatin1StringView(PastedFolder);
        if (QFileInfo(path).absolutePath() == QFileInfo(pasted).absoluteFilePath())
            QFile::remove(path);
    });
}

QString AttachmentController::downloadDirectory() const
{
    if (!m_downloads.isEmpty())
        return m_downloads;
    QString directory = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    if (directory.isEmpty())
        directory = QDir::homePath();
    return directory;
}

void AttachmentController::chooseFiles()
{
    const QStringList paths = QFileDialog::getOpenFileNames(m_page, tr("Send files"));
    sendFiles(paths);
}

void AttachmentController::sendFiles(const QStringList &paths)
{
    if (!m_transfers || !m_conversation)
        return;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            emit notice(
                tr("%1 is a folder: send the files in it, or a zip of it.").arg(info.fileName()));
            continue;
        }
        // Unreadable files get a row too: its failure says why.
        m_transfers->upload(m_conversation->id(), info.absoluteFilePath());
    }
}

bool AttachmentController::sendImage(const QImage &image)
{
    if (image.isNull() || !m_transfers)
        return false;
    const QString directory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QLatin1StringView(PastedFolder);
    QDir().mkpath(directory);
    const QString stamp
        = QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH.mm.ss.zzz"));
    const QString path = directory + QLatin1Char('/') + tr("Pasted image %1.png").arg(stamp);
    if (!image.save(path, "PNG")) {
        emit notice(tr("The pasted image could not be saved for sending."));
        return false;
    }
    sendFiles({path});
    return true;
}

std::optional<FileAttachment> AttachmentController::attachment(const QString &fileId) const
{
    if (!m_conversation)
        return std::nullopt;
    const MessageModel *model = m_conversation->messages();
    for (int row = model->rowCount() - 1; row >= 0; --row) {
        const QVariant value = model->index(row).data(MessageModel::AttachmentRole);
        if (!value.isValid())
            continue;
        const auto file = value.value<FileAttachment>();
        if (file.id == fileId)
            return file;
    }
    return std::nullopt;
}

void AttachmentController::save(const FileAttachment &file)
{
    if (m_transfers && m_conversation)
        m_transfers->download(m_conversation->id(), file, downloadDirectory());
}

void AttachmentController::view(const FileAttachment &file)
{
    HubConnection *connection = connectionOf(m_conversation);
    if (!connection)
        return;
    auto *viewer = new ImageViewer(connection->api(), file, m_page);
    connect(viewer, &ImageViewer::saveRequested, this, &AttachmentController::save);
    viewer->show();
}

void AttachmentController::activate(const QString &link)
{
    const auto parsed = attachmentview::parseLink(link);
    if (!parsed)
        return;
    const auto file = attachment(parsed->fileId);
    if (!file)
        return;
    if (parsed->action == attachmentview::Action::Save)
        save(*file);
    else
        view(*file);
}

QStringList AttachmentController::localFiles(const QMimeData *data)
{
    QStringList paths;
    if (!data || !data->hasUrls())
        return paths;
    for (const QUrl &url : data->urls()) {
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    }
    return paths;
}

bool AttachmentController::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_page) {
        switch (event->type()) {
        case QEvent::DragEnter:
        case QEvent::DragMove: {
            auto *drag = static_cast<QDropEvent *>(event);
            if (!localFiles(drag->mimeData()).isEmpty()) {
                drag->acceptProposedAction();
                return true;
            }
            break;
        }
        case QEvent::Drop: {
            auto *drop = static_cast<QDropEvent *>(event);
            const QStringList paths = localFiles(drop->mimeData());
            if (!paths.isEmpty()) {
                drop->acceptProposedAction();
                sendFiles(paths);
                return true;
            }
            break;
        }
        default:
            break;
        }
    }
    return QObject::eventFilter(watched, event);
}

} // namespace confab
