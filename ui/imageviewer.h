#pragma once
// An image attachment at full size, in a dialog of its own: fetched from the hub (Bearer),
// decoded with limits (the hub checked the type by content, but a huge or broken image is refused
// here too, with a note instead of a picture), scaled down to fit the screen, with Save….

#include "fileattachment.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QPushButton;
class QScrollArea;

namespace confab {

class HubApi;

class ImageViewer : public QDialog
{
    Q_OBJECT
public:
    static constexpr qint64 MaxImageBytes = 64 * 1024 * 1024;
    static constexpr int MaxImageSide = 16384;

    ImageViewer(HubApi *api, const FileAttachment &file, QWidget *parent = nullptr);

    bool hasImage() const { return !m_image.isNull(); }
    QLabel *imageLabel() const { return m_picture; }

signals:
    void saveRequested(const confab::FileAttachment &file);

private:
    void showImage(const QImage &image);
    void showNote(const QString &text);

    FileAttachment m_file;
    QScrollArea *m_scroll;
    QLabel *m_picture;
    QPushButton *m_save;
    QImage m_image;
};

} // namespace confab
