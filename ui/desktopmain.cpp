#include "desktopentry.h"

#include "applicationidentity.h"

#include <QApplication>

namespace confab {

int runDesktop(int &argc, char **argv)
{
    QApplication app(argc, argv);
    setApplicationIdentity();
    return 0;
}

} // namespace confab
