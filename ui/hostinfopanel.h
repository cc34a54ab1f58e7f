#pragma once
// While hosting: the addresses others use to join, one per LAN address, each over https:// (the
// link carries the hub's fingerprint, #fp=, which Confab pins) and over plain http://, each with
// a copy button; the fingerprint with a sentence on why browsers warn about the https:// one;
// and a QR code of the selected address (the https:// link at first) so a phone can open it.

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

    // urls: the plain http:// addresses; fingerprint: the hub's, empty without TLS.
    void setJoinUrls(const QList<QUrl> &urls, const QString &fingerprint = {});
    QList<QUrl> joinUrls() const;
    QList<QUrl> shownUrls() const; // every row, https:// links first for each address
    QString fingerprint() const;
    QLabel *tlsExplanation() const;
    // The fingerprint alone: monospace, groups of four hex digits, four groups a line (a fixed
    // block that fits the side panel whatever its width), with a copy button.
    QLabel *fingerprintLabel() const;
    static QString fingerprintBlock(const QString &fingerprint);
    QrCodeWidget *qrCode() const;
    void showQrFor(const QUrl &url);

private:
    void addRow(const QUrl &url, int row);

    QList<QUrl> m_urls;
    QList<QUrl> m_shown;
    QString m_fingerprint;
    QGridLayout *m_rows;
    QWidget *m_rowsHost;
    QLabel *m_hint;
    QrCodeWidget *m_qr;
    QLabel *m_tlsNote;
    QLabel *m_fingerprintText;
    QWidget *m_fingerprintRow;
};

} // namespace confab
