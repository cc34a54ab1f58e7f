#include "qrcodewidget.h"

#include <QPainter>

#ifdef CONFAB_HAVE_QRCODEGEN
#include <qrcodegen.hpp>
#endif

namespace confab {

namespace {
constexpr int QuietZoneModules = 4; // white border the QR standard asks for
constexpr int PreferredSidePx = 180;
constexpr int MinimumSidePx = 120;
} // namespace

QrCodeWidget::QrCodeWidget(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void QrCodeWidget::setText(const QString &text)
{
    m_text = text;
    m_size = 0;
    m_modules.clear();
#ifdef CONFAB_HAVE_QRCODEGEN
    if (!text.isEmpty()) {
        const QByteArray utf8 = text.toUtf8();
        const auto code
            = qrcodegen::QrCode::encodeText(utf8.constData(), qrcodegen::QrCode::Ecc::MEDIUM);
        m_size = code.getSize();
        m_modules.resize(m_size * m_size);
        for (int y = 0; y < m_size; ++y)
            for (int x = 0; x < m_size; ++x)
                m_modules[y * m_size + x] = code.getModule(x, y);
    }
#endif
    setToolTip(text);
    setVisible(m_size > 0);
    update();
}

QString QrCodeWidget::text() const
{
    return m_text;
}

int QrCodeWidget::moduleCount() const
{
    return m_size;
}

bool QrCodeWidget::isDark(int x, int y) const
{
    return x >= 0 && y >= 0 && x < m_size && y < m_size && m_modules[y * m_size + x];
}

QSize QrCodeWidget::sizeHint() const
{
    return {PreferredSidePx, PreferredSidePx};
}

QSize QrCodeWidget::minimumSizeHint() const
{
    return {MinimumSidePx, MinimumSidePx};
}

void QrCodeWidget::paintEvent(QPaintEvent *)
{
    if (m_size == 0)
        return;
    QPainter painter(this);
    const int side = qMin(width(), height());
    const int total = m_size + 2 * QuietZoneModules;
    const int module = qMax(1, side / total);
    const int drawn = module * total;
    const QPoint origin((width() - drawn) / 2, (height() - drawn) / 2);
    // Always dark on white, whatever the palette: scanners expect it.
    painter.fillRect(QRect(origin, QSize(drawn, drawn)), Qt::white);
    for (int y = 0; y < m_size; ++y) {
        for (int x = 0; x < m_size; ++x) {
            if (m_modules[y * m_size + x])
                painter.fillRect(origin.x() + (x + QuietZoneModules) * module,
                                 origin.y() + (y + QuietZoneModules) * module, module, module,
                                 Qt::black);
        }
    }
}

} // namespace confab
