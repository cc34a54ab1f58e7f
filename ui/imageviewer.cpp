#include "imageviewer.h"

#include "attachmentview.h"
#include "hubapi.h"

#include <QBuffer>
#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QImageReader>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QVBoxLayout>

namespace confab {

namespace {

constexpr double ScreenShare = 0.8; // the dialog takes at most this much of the screen

} // namespace

ImageViewer::ImageViewer(HubApi *api, const FileAttachment &file, QWidget *parent)
    : QDialog(parent)
    , m_file(file)
    , m_scroll(new QScrollArea(this))
    , m_picture(new QLabel(this))
    , m_save(new QPushButton(tr("Save…"), this))
{
    setObjectName(QStringLiteral("imageViewer"));
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(file.displayName());
    m_picture->setAlignment(Qt::AlignCenter);
    m_picture->setTextFormat(Qt::PlainText);
    m_picture->setText(tr("Loading…"));
    m_scroll->setWidget(m_picture);
    m_scroll->setWidgetResizable(true);
    m_scroll->setAlignment(Qt::AlignCenter);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_save, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_save, &QPushButton::clicked, this, [this] { emit saveRequested(m_file); });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_scroll, 1);
    layout->addWidget(buttons);
    resize(attachmentview::MaxThumbnailWidth * 2, attachmentview::MaxThumbnailHeight * 2);

    if (file.size > MaxImageBytes) {
        showNote(tr("This image is too large to show here (%1). Save it to open it.")
                     .arg(attachmentview::formatSize(file.size)));
        return;
    }
    QPointer<ImageViewer> self(this);
    api->fetchFile(file.id, false, MaxImageBytes, [self](const ApiResult<QByteArray> &result) {
        if (!self)
            return;
        if (!result.ok()) {
            self->showNote(tr("The image could not be fetched: %1").arg(result.error.message));
            return;
        }
        QByteArray bytes = *result.value;
        QBuffer buffer(&bytes);
        QImageReader reader(&buffer);
        const QSize size = reader.size();
        if (!size.isValid() || size.width() > MaxImageSide || size.height() > MaxImageSide) {
            self->showNote(tr("This image cannot be shown here. Save it to open it."));
            return;
        }
        const QImage image = reader.read();
        if (image.isNull()) {
            self->showNote(tr("This image cannot be shown here. Save it to open it."));
            return;
        }
        self->showImage(image);
    });
}

void ImageViewer::showImage(const QImage &image)
{
    m_image = image;
    QSize fit = image.size();
    if (const QScreen *screen
        = this->screen() ? this->screen() : QGuiApplication::primaryScreen()) {
        const QSize available = screen->availableSize() * ScreenShare;
        if (fit.width() > available.width() || fit.height() > available.height())
            fit.scale(available, Qt::KeepAspectRatio);
    }
    m_picture->setPixmap(QPixmap::fromImage(
        fit == image.size() ? image
                            : image.scaled(fit, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    resize(fit + QSize(40, 80));
}

void ImageViewer::showNote(const QString &text)
{
    m_picture->setText(text);
    m_picture->setWordWrap(true);
}

} // namespace confab
