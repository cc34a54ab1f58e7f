// The client library on its own (issue 9): a program that links confab_client and nothing of the
// hub runs without QtHttpServer and QtSql. Linked with --no-as-needed, so every library on its
// link line is loaded: what is loaded here is what confab_client's link line holds.

#include "hubapi.h"
#include "hubconnection.h"
#include "landiscovery.h"
#include "sseclient.h"

#include <QStringList>
#include <QTest>

#ifdef Q_OS_LINUX
#include <link.h>
#endif

using namespace confab;

namespace {

QStringList loadedLibraries()
{
    QStringList names;
#ifdef Q_OS_LINUX
    dl_iterate_phdr(
        [](dl_phdr_info *info, size_t, void *data) {
            static_cast<QStringList *>(data)->append(QString::fromLocal8Bit(info->dlpi_name));
            return 0;
        },
        &names);
#endif
    return names;
}

bool anyContains(const QStringList &names, const QString &part)
{
    for (const QString &name : names) {
        if (name.contains(part))
            return true;
    }
    return false;
}

} // namespace

class TestClientOnly : public QObject
{
    Q_OBJECT
private slots:
    void linksNoHubModules()
    {
#ifndef Q_OS_LINUX
        QSKIP("reads the loaded libraries with dl_iterate_phdr (Linux)");
#endif
        // The client parts are really in this program, not dropped by the linker.
        HubApi api;
        LanDiscovery discovery;
        HubConnection connection;
        QCOMPARE(connection.state(), HubConnection::State::Idle);

        const QStringList libraries = loadedLibraries();
        // The check can see Qt at all: the client's own modules are there.
        QVERIFY2(anyContains(libraries, QStringLiteral("libQt6Network")),
                 qPrintable(libraries.join(u'\n')));
        QVERIFY2(!anyContains(libraries, QStringLiteral("libQt6HttpServer")),
                 qPrintable(libraries.join(u'\n')));
        QVERIFY2(!anyContains(libraries, QStringLiteral("libQt6Sql")),
                 qPrintable(libraries.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestClientOnly)
#include "tst_clientonly.moc"
