#include "applicationidentity.h"

#include "protocol.h"

#include <confab/version.h>

#include <QCoreApplication>
#include <QLoggingCategory>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace confab {

void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Confab"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("confab.example.org"));
    QCoreApplication::setApplicationName(QStringLiteral("confab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION_STRING));
}

void useQuietLogging()
{
    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=false\n*.info=false"));
}

QString fullNameFromGecos(const QString &gecos)
{
    return gecos.section(u',', 0, 0).trimmed();
}

QString loginDisplayName()
{
    QString name;
#ifdef Q_OS_UNIX
    // getpwuid_r: the window may have other threads (Qt's own) that read the passwd database.
    struct passwd entry
    {
    };
    struct passwd *found = nullptr;
    char buffer[4096];
    if (getpwuid_r(getuid(), &entry, buffer, sizeof buffer, &found) == 0 && found) {
        name = fullNameFromGecos(QString::fromLocal8Bit(found->pw_gecos));
        if (name.isEmpty())
            name = QString::fromLocal8Bit(found->pw_name).trimmed();
    }
#endif
    if (name.isEmpty())
        name = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME")).trimmed();
    // Names the hub refuses are no help as a suggestion.
    if (name.size() > protocol::MaxNameChars)
        name = name.left(protocol::MaxNameChars).trimmed();
    for (const QChar c : std::as_const(name)) {
        if (c.category() == QChar::Other_Control)
            return {};
    }
    return name;
}

} // namespace confab
