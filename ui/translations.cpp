#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QLoggingCategory>
#include <QTranslator>

Q_LOGGING_CATEGORY(lcTranslations, "confab.ui.translations")

namespace confab {

QString installTranslations(const QString &language)
{
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    QLocale::setDefault(locale);
    auto *app = QCoreApplication::instance();

    // Qt's own strings (standard dialog buttons) from the Qt installation, when present.
    auto *qtTranslator = new QTranslator(app);
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    else
        delete qtTranslator;

    // Ours are embedded as resources (qt_add_translations in ui/CMakeLists.txt).
    auto *translator = new QTranslator(app);
    if (translator->load(locale, QStringLiteral("confab"), QStringLiteral("_"),
                         QStringLiteral(":/i18n"))) {
        QCoreApplication::installTranslator(translator);
        qCDebug(lcTranslations) << "using" << translator->language();
        return translator->language();
    }
    // No translation for this language: English, whose file holds the plural forms.
    if (translator->load(QStringLiteral(":/i18n/confab_en"))) {
        QCoreApplication::installTranslator(translator);
        return QStringLiteral("en");
    }
    delete translator;
    return QStringLiteral("en");
}

} // namespace confab
