#include "datasize.h"

#include <array>
#include <cmath>

namespace confab {

namespace {

constexpr double UnitStep = 1024.0;
constexpr double WholeFrom = 100.0; // from here on no decimal: "512 MiB", not "512.0 MiB"
constexpr std::array<const char *, 5> Units {"B", "KiB", "MiB", "GiB", "TiB"};

} // namespace

QString formatDataSize(qint64 bytes, const QLocale &locale)
{
    double value = double(std::max<qint64>(0, bytes));
    size_t unit = 0;
    while (value >= UnitStep && unit + 1 < Units.size()) {
        value /= UnitStep;
        ++unit;
    }
    int digits = (unit == 0 || value >= WholeFrom) ? 0 : 1;
    // 1023.97 KiB rounds to 1024: shown as the next unit instead.
    if (unit + 1 < Units.size()
        && std::round(value * std::pow(10, digits)) / std::pow(10, digits) >= UnitStep) {
        value /= UnitStep;
        ++unit;
        digits = 1;
    }
    // Never more than four digits: "1023 B", without a group separator.
    QLocale numbers = locale;
    numbers.setNumberOptions(numbers.numberOptions() | QLocale::OmitGroupSeparator);
    return numbers.toString(value, 'f', digits) + QLatin1Char(' ') + QLatin1StringView(Units[unit]);
}

QString formatDataRate(double bytesPerSecond, const QLocale &locale)
{
    return formatDataSize(qint64(std::llround(std::max(0.0, bytesPerSecond))), locale)
        + QStringLiteral("/s");
}

} // namespace confab
