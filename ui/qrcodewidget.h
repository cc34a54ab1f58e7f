#pragma once
// Shows a text (the hub's join URL) as a QR code so a phone can open the hub's web page.

#include <QVector>
#include <QWidget>

namespace confab {

class QrCodeWidget : public QWidget
{
    Q_OBJECT
public:
    explicit QrCodeWidget(QWidget *parent = nullptr);

    void setText(const QString &text);
    QString text() const;
    int moduleCount() const; // 0 when nothing is encoded
    bool isDark(int x, int y) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
    int m_size = 0;
    QVector<bool> m_modules;
};

} // namespace confab
