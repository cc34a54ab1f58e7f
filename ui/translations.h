#pragma once
// Loads the window's translations (and Qt's own, for standard buttons) for a language.

#include <QString>

namespace confab {

// language: "" follows the system locale; otherwise e.g. "zh_CN". Call once, after QApplication.
// Returns the locale name actually used for Confab's strings ("en" when none matched).
QString installTranslations(const QString &language);

} // namespace confab
