// The window mode of the `confab` binary: `confab [--host | --join URL] [--name NAME]`.

#include "desktopentry.h"

#include "applicationidentity.h"
#include "desktopsettings.h"
#include "hubtrustcheck.h"
#include "mainwindow.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QHostAddress>
#include <QLineEdit>
#include <QTimer>
#include <cstdio>

namespace confab {

namespace {

constexpr int UsageExitCode = 2;

int usageError(const QString &message)
{
    std::fprintf(stderr, "confab: %s\n", qUtf8Printable(message));
    return UsageExitCode;
}

// Qt's X11 platform plugin takes "-name NAME" (also spelled "--name") for itself and removes it
// from the arguments before the parser sees them, so ours is read from the untouched argv.
QString nameFromRawArguments(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QString argument = QString::fromLocal8Bit(argv[i]);
        if ((argument == QLatin1StringView("--name") || argument == QLatin1StringView("-name"))
            && i + 1 < argc)
            return QString::fromLocal8Bit(argv[i + 1]);
        if (argument.startsWith(QLatin1StringView("--name=")))
            return argument.mid(int(qstrlen("--name=")));
    }
    return {};
}

} // namespace

int runDesktop(int &argc, char **argv)
{
    const QString rawName = nameFromRawArguments(argc, argv);
    QApplication app(argc, argv);
    setApplicationIdentity();
    useQuietLogging();
    QApplication::setApplicationDisplayName(QStringLiteral("Confab"));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.example.confab"));
    const DesktopSettings settings;
    installTranslations(settings.language());

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "confab::runDesktop", "Chat with people on your network: host a room or join one."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption host(
        QStringLiteral("host"),
        QCoreApplication::translate("confab::runDesktop", "Host a room right away."));
    const QCommandLineOption join(
        QStringLiteral("join"),
        QCoreApplication::translate("confab::runDesktop", "Join the room at URL right away."),
        QStringLiteral("URL"));
    const QCommandLineOption name(
        QStringLiteral("name"),
        QCoreApplication::translate("confab::runDesktop", "Your name in the room."),
        QStringLiteral("NAME"));
    const QCommandLineOption bind(
        QStringLiteral("bind"),
        QCoreApplication::translate(
            "confab::runDesktop",
            "Address a hosted room listens on (default: all; 127.0.0.1 keeps it "
            "on this computer)."),
        QStringLiteral("ADDRESS"));
    const QCommandLineOption port(
        QStringLiteral("port"),
        QCoreApplication::translate("confab::runDesktop", "Port a hosted room listens on."),
        QStringLiteral("PORT"));
    parser.addOptions({host, join, name, bind, port});
    parser.process(app);

    MainWindow window;
    if (parser.isSet(bind)) {
        const QHostAddress address(parser.value(bind));
        if (address.isNull())
            return usageError(
                QCoreApplication::translate("confab::runDesktop", "Not an IP address: %1")
                    .arg(parser.value(bind)));
        window.setHostBindAddress(address);
    }
    window.startDiscovery();
    window.show();

    QString userName = (parser.isSet(name) ? parser.value(name) : rawName).trimmed();
    if (!userName.isEmpty()) // given on the command line: shown on the start page too
        window.startPage()->nameField()->setText(userName);
    if (userName.isEmpty())
        userName = settings.name();
    if (userName.isEmpty())
        userName = loginDisplayName();
    if (parser.isSet(host)) {
        HostRequest request;
        request.name = userName;
        request.title = settings.hostTitle().isEmpty()
            ? QCoreApplication::translate("confab::StartPage", "%1's room").arg(userName)
            : settings.hostTitle();
        request.port
            = parser.isSet(port) ? quint16(parser.value(port).toUInt()) : settings.hostPort();
        QTimer::singleShot(0, &window, [&window, request] { window.hostRoom(request); });
    } else if (parser.isSet(join)) {
        QString fingerprint;
        bool badFingerprint = false;
        const QUrl url = StartPage::parseAddress(parser.value(join), &fingerprint, &badFingerprint);
        if (!url.isValid() || badFingerprint)
            return usageError(
                QCoreApplication::translate("confab::runDesktop", "Not a hub address: %1")
                    .arg(parser.value(join)));
        // As typed on the start page: a #fp= link pins, an address is trust on first use.
        const JoinRequest request(url, QString(), userName);
        QTimer::singleShot(0, &window, [&window, request, fingerprint] {
            HubTrustCheck *trust = window.startPage()->trustCheck();
            if (fingerprint.isEmpty())
                trust->check(request);
            else
                trust->checkAnnounced(request, fingerprint, HubTrustCheck::Source::Link);
        });
    }
    return QApplication::exec();
}

} // namespace confab
