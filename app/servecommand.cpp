// `confab serve`: hosts rooms with no window. Logs go to stderr (QLoggingCategory). stdout's first
// line is `listening on http://ADDR:PORT/`, which scripts and tests wait for; with TLS on, one
// more line follows: `tls https://ADDR:PORT/ fingerprint HEX64` (the same port).

#include "cli.h"
#include "hubhost.h"
#include "signalwatcher.h"

#include "hubsettings.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QTimer>

#include <cstdio>
#include <optional>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

Q_LOGGING_CATEGORY(lcServe, "confab.serve")

namespace confab::cli {

namespace {

// After `bye`, give the streams this long to drain before the process exits.
constexpr int ShutdownDrainMs = 2000;
constexpr int DrainPollMs = 20;

// Many subscribers need many descriptors; desktops often start with a soft limit of 1024.
void raiseDescriptorLimit()
{
#ifdef Q_OS_UNIX
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
#endif
}

QString urlText(const QHostAddress &address, quint16 port)
{
    return HubHost::hubUrl(address, port).toString();
}

// "0.0.0.0" is where the hub listens, not an address anyone can open: list the ones that are,
// as the window does while hosting.
void printJoinAddresses(const HubHost &host)
{
    if (!host.boundToAnyAddress())
        return;
    QStringList lines;
    for (const HubHost::JoinAddress &address : host.joinAddresses(false)) {
        if (!address.interfaceName.isEmpty())
            lines.append(
                QStringLiteral("  %1  (%2)").arg(address.url.toString(), address.interfaceName));
    }
    const QString local = host.localUrl().toString();
    if (lines.isEmpty())
        std::printf("%s\n",
                    qUtf8Printable(QCoreApplication::translate(
                                       "serve",
                                       "No network address: only this computer can join, at "
                                       "%1")
                                       .arg(local)));
    else
        std::printf(
            "%s\n%s\n%s\n",
            qUtf8Printable(
                QCoreApplication::translate("serve", "Join from other computers and phones at:")),
            qUtf8Printable(lines.join(QLatin1Char('\n'))),
            qUtf8Printable(
                QCoreApplication::translate("serve", "and on this computer at %1").arg(local)));
}

struct NumberOption
{
    QCommandLineOption option;
    std::function<void(HubSettings &, double)> apply;
    double minimum;
};

} // namespace

int runServe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("serve", "Host chat rooms without a window."));
    parser.addHelpOption();
    const QCommandLineOption bindOption(
        QStringLiteral("bind"),
        QCoreApplication::translate("serve", "Address to listen on (default: all)."),
        QStringLiteral("ADDR"));
    const QCommandLineOption portOption(
        QStringLiteral("port"),
        QCoreApplication::translate("serve", "TCP port (default 8848; 0 picks a free one)."),
        QStringLiteral("PORT"), QString::number(protocol::DefaultHubPort));
    const QCommandLineOption roomOption(
        QStringLiteral("room"),
        QCoreApplication::translate("serve", "Room id to host (repeatable; default lobby)."),
        QStringLiteral("ID"));
    const QCommandLineOption titleOption(
        QStringLiteral("title"), QCoreApplication::translate("serve", "Title shown in room lists."),
        QStringLiteral("TEXT"));
    const QCommandLineOption passwordOption(
        QStringLiteral("password-file"),
        QCoreApplication::translate("serve", "File whose first line is the room password."),
        QStringLiteral("FILE"));
    const QCommandLineOption dataOption(
        QStringLiteral("data-dir"),
        QCoreApplication::translate("serve", "Where the history database lives."),
        QStringLiteral("DIR"));
    const QCommandLineOption noAnnounceOption(
        QStringLiteral("no-announce"),
        QCoreApplication::translate("serve", "Do not announce the rooms on the LAN."));
    const QCommandLineOption tlsOption(
        QStringLiteral("tls"),
        QCoreApplication::translate(
            "serve",
            "preferred: HTTPS and HTTP on the same port (default); required: plain HTTP from "
            "other machines is redirected to https://; off: plain HTTP only."),
        QStringLiteral("MODE"), QStringLiteral("preferred"));
    parser.addOptions({bindOption, portOption, roomOption, titleOption, passwordOption, dataOption,
                       noAnnounceOption, tlsOption});

    const HubSettings defaults;
    const auto number = [](const char *name, const char *help, double fallback) {
        return QCommandLineOption(
            QString::fromLatin1(name),
            QCoreApplication::translate("serve", help)
                + QStringLiteral(" (default %1).").arg(QString::number(fallback, 'g', 15)),
            QStringLiteral("N"), QString::number(fallback, 'g', 15));
    };
    const std::vector<NumberOption> numbers = {
        {number("max-rate", "Messages per second per member; 0 turns the limit off",
                defaults.messagesPerSecond),
         [](HubSettings &s, double v) { s.messagesPerSecond = v; }, 0},
        {number("burst", "Messages a member may send at once before the rate applies",
                defaults.messageBurst),
         [](HubSettings &s, double v) { s.messageBurst = int(v); }, 1},
        {number("max-connections", "Open connections at most", defaults.maxConnections),
         [](HubSettings &s, double v) { s.maxConnections = int(v); }, 1},
        {number("max-body-bytes", "Request body size limit", defaults.maxBodyBytes),
         [](HubSettings &s, double v) { s.maxBodyBytes = int(v); }, 1},
        {number("max-text-chars", "Message length limit", defaults.maxTextChars),
         [](HubSettings &s, double v) { s.maxTextChars = int(v); }, 1},
        {number("max-header-bytes", "Request line plus headers limit", defaults.maxHeaderBytes),
         [](HubSettings &s, double v) { s.maxHeaderBytes = int(v); }, 256},
        {number("heartbeat-ms", "Event-stream heartbeat interval", defaults.heartbeatMs),
         [](HubSettings &s, double v) { s.heartbeatMs = int(v); }, 0},
        {number("slow-cap-bytes", "Unsent bytes after which a subscriber is dropped",
                double(defaults.maxUnsentBytes)),
         [](HubSettings &s, double v) { s.maxUnsentBytes = qint64(v); }, 1024},
        {number("request-timeout-ms", "A request must arrive whole within this",
                defaults.requestTimeoutMs),
         [](HubSettings &s, double v) { s.requestTimeoutMs = int(v); }, 100},
        {number("idle-timeout-ms", "Idle non-stream connections are closed after this",
                defaults.idleTimeoutMs),
         [](HubSettings &s, double v) { s.idleTimeoutMs = int(v); }, 100},
        {number("handshake-timeout-ms", "A TLS handshake must complete within this",
                defaults.tlsHandshakeTimeoutMs),
         [](HubSettings &s, double v) { s.tlsHandshakeTimeoutMs = int(v); }, 100},
        {number("offline-grace-ms", "Delay before a member whose streams closed shows offline",
                defaults.offlineGraceMs),
         [](HubSettings &s, double v) { s.offlineGraceMs = int(v); }, 0},
        {number("max-file-bytes", "The largest file a member may upload, in bytes",
                double(defaults.maxFileBytes)),
         [](HubSettings &s, double v) { s.maxFileBytes = qint64(v); }, 0},
        {number("max-storage-bytes",
                "Stored files plus uploads in progress at most, in bytes (and never past 95 % of "
                "the disk)",
                double(defaults.maxStorageBytes)),
         [](HubSettings &s, double v) { s.maxStorageBytes = qint64(v); }, 0},
        {number("max-uploads", "Unfinished uploads per member at most",
                defaults.maxUploadsPerMember),
         [](HubSettings &s, double v) { s.maxUploadsPerMember = int(v); }, 1},
    };
    for (const NumberOption &entry : numbers)
        parser.addOption(entry.option);

    QStringList args = arguments;
    if (args.size() > 1)
        args.removeAt(1); // the mode word (the program name, args[0], is "confab serve")
    if (!parser.parse(args)) {
        std::fprintf(stderr, "confab serve: %s\n", qUtf8Printable(parseErrorText(parser)));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);

    HubHost::Options options;
    options.port = protocol::DefaultHubPort;
    if (parser.isSet(bindOption)) {
        const QHostAddress address(parser.value(bindOption));
        if (address.isNull()) {
            std::fprintf(stderr, "confab serve: not an address: %s\n",
                         qPrintable(parser.value(bindOption)));
            return 2;
        }
        options.bindAddress = address;
    }
    bool ok = false;
    const uint port = parser.value(portOption).toUInt(&ok);
    if (!ok || port > 65535) {
        std::fprintf(stderr, "confab serve: not a port: %s\n",
                     qPrintable(parser.value(portOption)));
        return 2;
    }
    options.port = quint16(port);
    if (parser.isSet(roomOption))
        options.roomIds = parser.values(roomOption);
    options.title = parser.value(titleOption);
    options.dataDir = parser.value(dataOption);
    options.announce = !parser.isSet(noAnnounceOption);
    const QString tlsMode = parser.value(tlsOption);
    if (tlsMode == QLatin1StringView("preferred")) {
        options.tls = HubHost::Tls::Preferred;
    } else if (tlsMode == QLatin1StringView("required")) {
        options.tls = HubHost::Tls::Required;
    } else if (tlsMode == QLatin1StringView("off")) {
        options.tls = HubHost::Tls::Off;
    } else {
        std::fprintf(stderr, "confab serve: --tls takes preferred, required or off, not %s\n",
                     qPrintable(tlsMode));
        return 2;
    }
    QString error;
    if (parser.isSet(passwordOption)
        && !HubHost::readPasswordFile(parser.value(passwordOption), &options.password, &error)) {
        std::fprintf(stderr, "confab serve: %s\n", qPrintable(error));
        return 2;
    }
    // The limits go straight to the hub's settings, after the options.
    std::vector<std::pair<const NumberOption *, double>> limits;
    for (const NumberOption &entry : numbers) {
        const double value = parser.value(entry.option).toDouble(&ok);
        if (!ok || value < entry.minimum) {
            std::fprintf(stderr, "confab serve: bad value for --%s\n",
                         qPrintable(entry.option.names().constFirst()));
            return 2;
        }
        limits.emplace_back(&entry, value);
    }

    raiseDescriptorLimit();
    HubHost host;
    if (!host.start(options, &error, [&limits](HubSettings &settings) {
            for (const auto &[entry, value] : limits)
                entry->apply(settings, value);
        })) {
        std::fprintf(stderr, "confab serve: %s\n", qPrintable(error));
        return 1;
    }
    // Scripts read this first line; the lines after it are for people.
    std::printf("listening on %s\n", qPrintable(urlText(options.bindAddress, host.port())));
    if (!host.fingerprint().isEmpty()) {
        // 0.0.0.0 is no address anyone can use: the join addresses below work with https:// too.
        if (host.boundToAnyAddress())
            std::printf("tls https:// on the same port, fingerprint %s\n",
                        qPrintable(host.fingerprint()));
        else
            std::printf("tls %s fingerprint %s\n",
                        qPrintable(HubHost::pinnedJoinLink(host.localUrl(), {}).toString()),
                        qPrintable(host.fingerprint()));
    }
    printJoinAddresses(host);
    std::fflush(stdout);

    SignalWatcher signalWatcher;
    QObject::connect(
        &signalWatcher, &SignalWatcher::terminationRequested, &host, [&](int signalNumber) {
            qCInfo(lcServe) << "signal" << signalNumber << "- shutting down";
            host.shutdown(QStringLiteral("The hub is shutting down."));
            // Let the `bye` reach everyone before the sockets go away with the
            // process.
            auto *drain = new QTimer(&host);
            auto *clock = new QElapsedTimer;
            clock->start();
            QObject::connect(drain, &QTimer::timeout, &host, [&host, drain, clock] {
                if (host.connectionCount() == 0 || clock->elapsed() > ShutdownDrainMs) {
                    drain->stop();
                    delete clock;
                    QCoreApplication::quit();
                }
            });
            drain->start(DrainPollMs);
        });
    return QCoreApplication::exec();
}

} // namespace confab::cli
