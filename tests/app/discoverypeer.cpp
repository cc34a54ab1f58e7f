// A stand-in for the desktop window's LAN side, for tst_landiscovery's multi-process test: it runs
// LanDiscovery with its defaults as MainWindow does and, with --host-bind, hosts a room the way
// the window and `confab serve` do (HubHost: a Hub plus its LanAnnouncer on the default routes).
//
//   discoverypeer [--host-bind ADDR --title TITLE]
//
// Prints "room TITLE URL" once for every room it discovers, on standard output. It stops by
// itself after MaxLifetimeMs (the test kills it sooner).

#include "hubhost.h"
#include "landiscovery.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSet>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>
#include <memory>

using namespace confab;

namespace {

constexpr int MaxLifetimeMs = 120000;

void printLine(const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption hostBind(QStringLiteral("host-bind"),
                                      QStringLiteral("Host a room on ADDR."),
                                      QStringLiteral("ADDR"));
    const QCommandLineOption title(QStringLiteral("title"), QStringLiteral("The room's title."),
                                   QStringLiteral("TITLE"));
    parser.addOptions({hostBind, title});
    parser.process(app);

    QTemporaryDir dataDir;
    HubHost host;
    if (parser.isSet(hostBind)) {
        HubHost::Options options;
        options.bindAddress = QHostAddress(parser.value(hostBind));
        options.port = 0;
        options.title = parser.value(title);
        options.dataDir = dataDir.path();
        options.hostName = QStringLiteral("peer");
        QString error;
        if (!host.start(options, &error)) {
            std::fprintf(stderr, "discoverypeer: %s\n", qPrintable(error));
            return 1;
        }
    }

    LanDiscovery discovery;
    QSet<QString> printed;
    QObject::connect(&discovery, &LanDiscovery::roomsChanged, [&] {
        for (const DiscoveredRoom &room : discovery.rooms()) {
            const QString line = QStringLiteral("room %1 %2")
                                     .arg(room.announce.title, room.announce.url.toString());
            if (!printed.contains(line)) {
                printed.insert(line);
                printLine(line);
            }
        }
    });
    QString error;
    if (!discovery.start(&error)) {
        std::fprintf(stderr, "discoverypeer: cannot discover: %s\n", qPrintable(error));
        return 1;
    }
    printLine(QStringLiteral("ready %1").arg(host.port()));
    QTimer::singleShot(MaxLifetimeMs, &app, &QCoreApplication::quit);
    return QCoreApplication::exec();
}
