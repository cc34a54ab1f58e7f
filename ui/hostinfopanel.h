#pragma once
// While hosting: the address others use to join, one per LAN address, each with a copy button,
// and a QR code of the selected one so a phone can open the hub's web page.

#include <QList>
#include <QUrl>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace confab {

class QrCodeWidget;

class HostInfoPanel : public QWidget
{
    Q_OBJECT
public:
    explicit HostInfoPanel(QWidget *parent = nullptr);

    void setJoinUrls(const QList<QUrl> &urls);
    QList<QUrl> joinUrls() const;
    QrCodeWidget *qrCode() const;
    void showQrFor(const QUrl &url);

private:
    QList<QUrl> m_urls;
    QGridLayout *m_rows;
    QWidget *m_rowsHost;
    QLabel *m_hint;
    QrCodeWidget *m_qr;
};

} // namespace confab
