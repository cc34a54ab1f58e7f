#include "applicationidentity.h"

#include <confab/version.h>

#include <QCoreApplication>

namespace confab {

void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Confab"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("confab.example.org"));
    QCoreApplication::setApplicationName(QStringLiteral("confab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION_STRING));
}

} // namespace confab
