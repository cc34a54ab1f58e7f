#include "hostinfopanel.h"

#include "hubtrust.h"

#include "hubhost.h"
#include "qrcodewidget.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace confab {

namespace {
constexpr int FieldPaddingPx = 16;
// 64 hex digits as 4 lines of 4 groups of 4: each line 19 monospace characters.
constexpr int FingerprintGroupsPerLine = 4;
} // namespace

HostInfoPanel::HostInfoPanel(QWidget *parent)
    : QWidget(parent)
    , m_rows(new QGridLayout)
    , m_rowsHost(new QWidget(this))
    , m_hint(new QLabel(this))
    , m_qr(new QrCodeWidget(this))
    , m_tlsNote(new QLabel(this))
    , m_fingerprintText(new QLabel(this))
    , m_fingerprintRow(new QWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("<b>Others join at</b>"), this);
    title->setTextFormat(Qt::RichText); // our own fixed string, no remote text
    layout->addWidget(title);
    m_rows->setContentsMargins(0, 0, 0, 0);
    m_rowsHost->setLayout(m_rows);
    layout->addWidget(m_rowsHost);
    m_tlsNote->setWordWrap(true);
    m_tlsNote->setTextFormat(Qt::PlainText);
    m_tlsNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tlsNote->hide();
    layout->addWidget(m_tlsNote);
    // Monospace, never wrapped by the label: a wrap inside a group made it hard to compare.
    m_fingerprintText->setTextFormat(Qt::PlainText);
    m_fingerprintText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fingerprintText->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *copyFingerprint = new QToolButton(m_fingerprintRow);
    copyFingerprint->setText(tr("Copy"));
    copyFingerprint->setToolTip(tr("Copy the fingerprint"));
    connect(copyFingerprint, &QToolButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_fingerprint); });
    auto *fingerprintLayout = new QHBoxLayout(m_fingerprintRow);
    fingerprintLayout->setContentsMargins(0, 0, 0, 0);
    fingerprintLayout->addWidget(m_fingerprintText);
    fingerprintLayout->addStretch();
    fingerprintLayout->addWidget(copyFingerprint, 0, Qt::AlignTop);
    m_fingerprintRow->hide();
    layout->addWidget(m_fingerprintRow);
    m_hint->setWordWrap(true);
    m_hint->setTextFormat(Qt::PlainText);
    m_hint->setText(tr("Scan with a phone to open the room in its browser."));
    layout->addWidget(m_qr, 0, Qt::AlignHCenter);
    layout->addWidget(m_hint);
}

QList<QUrl> HostInfoPanel::joinUrls() const
{
    return m_urls;
}

QrCodeWidget *HostInfoPanel::qrCode() const
{
    return m_qr;
}

void HostInfoPanel::showQrFor(const QUrl &url)
{
    m_qr->setText(url.toString());
    m_hint->setVisible(m_qr->moduleCount() > 0);
}

QList<QUrl> HostInfoPanel::shownUrls() const
{
    return m_shown;
}

QString HostInfoPanel::fingerprint() const
{
    return m_fingerprint;
}

QLabel *HostInfoPanel::tlsExplanation() const
{
    return m_tlsNote;
}

QLabel *HostInfoPanel::fingerprintLabel() const
{
    return m_fingerprintText;
}

QString HostInfoPanel::fingerprintBlock(const QString &fingerprint)
{
    return groupedFingerprint(fingerprint, FingerprintGroupsPerLine);
}

void HostInfoPanel::addRow(const QUrl &url, int row)
{
    auto *field = new QLineEdit(url.toString(), m_rowsHost);
    field->setReadOnly(true);
    field->setCursorPosition(0);
    // The whole address visible: people read it aloud or type it on another device. The link
    // with the fingerprint is copied or scanned, not typed: as wide as the plain address, so
    // that it does not squeeze the conversation.
    field->setMinimumWidth(
        field->fontMetrics().horizontalAdvance(url.adjusted(QUrl::RemoveFragment).toString())
        + FieldPaddingPx);
    field->setToolTip(url.toString());
    auto *copy = new QToolButton(m_rowsHost);
    copy->setText(tr("Copy"));
    copy->setToolTip(tr("Copy this address"));
    connect(copy, &QToolButton::clicked, this,
            [url] { QApplication::clipboard()->setText(url.toString()); });
    auto *qr = new QToolButton(m_rowsHost);
    qr->setText(tr("QR"));
    qr->setToolTip(tr("Show this address as a QR code"));
    connect(qr, &QToolButton::clicked, this, [this, url] { showQrFor(url); });
    m_rows->addWidget(field, row, 0);
    m_rows->addWidget(copy, row, 1);
    m_rows->addWidget(qr, row, 2);
    m_shown.append(url);
}

void HostInfoPanel::setJoinUrls(const QList<QUrl> &urls, const QString &fingerprint)
{
    m_urls = urls;
    m_fingerprint = fingerprint;
    m_shown.clear();
    while (QLayoutItem *item = m_rows->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    int row = 0;
    for (const QUrl &url : urls) {
        // The link with the fingerprint first: Confab pins it, and it is encrypted.
        if (!fingerprint.isEmpty())
            addRow(HubHost::pinnedJoinLink(url, fingerprint), row++);
        addRow(url, row++);
    }
    if (!fingerprint.isEmpty()) {
        m_tlsNote->setText(
            tr("The https:// address is encrypted; browsers warn about it because no authority "
               "vouches for this computer, so check that the fingerprint on the warning page is "
               "this one (browsers write it in capitals, with colons):"));
        m_fingerprintText->setText(fingerprintBlock(fingerprint));
    }
    m_tlsNote->setVisible(!fingerprint.isEmpty());
    m_fingerprintRow->setVisible(!fingerprint.isEmpty());
    showQrFor(m_shown.isEmpty() ? QUrl() : m_shown.first());
}

} // namespace confab
