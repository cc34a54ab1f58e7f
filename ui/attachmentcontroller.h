#pragma once
// Files in one conversation's page: the attach button (a file dialog), files dropped onto the
// page or the composer, an image pasted into the composer (saved as a PNG, then sent), the
// transfers strip, and the timeline's attachments (thumbnails from the hub, a click opens the
// image at full size, Save… downloads into the Downloads folder). The uploads and downloads are
// the connection's Transfers, so they go on while the user looks at another conversation.

#include "fileattachment.h"
#include "thumbnailcache.h"
#include "transfers.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

class QImage;
class QMimeData;
class QToolButton;
class QWidget;

namespace confab {

class Composer;
class Conversation;
class HubConnection;
class MessageView;
class TransferStrip;

class AttachmentController : public QObject
{
    Q_OBJECT
public:
    AttachmentController(QWidget *page, Conversation *conversation, Composer *composer,
                         MessageView *view);

    QToolButton *attachButton() const { return m_attach; }
    TransferStrip *strip() const { return m_strip; }
    Transfers *transfers() const { return m_transfers; }
    ThumbnailCache *thumbnails() const { return m_thumbnails; }

    // Sends these local files to the conversation (what the dialog, a drop and a paste do).
    void sendFiles(const QStringList &paths);
    // Saves the image as a PNG file of its own and sends that.
    bool sendImage(const QImage &image);
    // What Save… does: into this folder (default: the user's Downloads).
    void setDownloadDirectory(const QString &directory) { m_downloads = directory; }
    QString downloadDirectory() const;
    // The attachment of a message shown in the timeline, by file id.
    std::optional<FileAttachment> attachment(const QString &fileId) const;
    void save(const FileAttachment &file);
    void view(const FileAttachment &file);
    // Local files among the data (file URLs), for drops.
    static QStringList localFiles(const QMimeData *data);

    // The connection's thumbnails (one cache per connection, shared by its pages).
    static ThumbnailCache *thumbnailsOf(HubConnection *connection);

signals:
    // Something the user should read near the composer (a folder dropped, a file unreadable).
    void notice(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void chooseFiles();
    void activate(const QString &link);

    QWidget *m_page;
    QPointer<Conversation> m_conversation;
    MessageView *m_view;
    QToolButton *m_attach;
    TransferStrip *m_strip;
    QPointer<Transfers> m_transfers;
    QPointer<ThumbnailCache> m_thumbnails;
    QString m_downloads;
};

} // namespace confab
