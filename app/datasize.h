#pragma once
// Sizes and speeds as every client shows them (the window, the terminal's progress bar, and the
// web page's humanSize in resources/web/app.js, which follows the same rule): binary units named
// as such (B, KiB, MiB, GiB, TiB), because the hub's limits are powers of two; one decimal below
// 100 of a unit, none from 100 on ("512 B", "1.5 KiB", "12.3 MiB", "512 MiB", "4.0 GiB"). The
// number follows the locale (decimal comma in German; no group separator: "1023 B"), the unit
// names do not.

#include <QLocale>
#include <QString>

namespace confab {

QString formatDataSize(qint64 bytes, const QLocale &locale = QLocale());
// "1.5 MiB/s"
QString formatDataRate(double bytesPerSecond, const QLocale &locale = QLocale());

} // namespace confab
