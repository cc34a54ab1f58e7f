// Entry point of the one `confab` binary: the first argument picks the mode.
//   confab                 the window (host or join), when built with CONFAB_GUI
//   confab serve|listen|send|join ...   command-line modes, no window

#include "applicationidentity.h"
#include "cli.h"
#include "desktopentry.h"

#include <confab/version.h>

#include <QCoreApplication>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

namespace {

int printUsage(FILE *stream)
{
    std::fputs("Usage: confab [--host | --join URL] [--name NAME]   open the window\n"
               "       confab serve [options]    host a room without a window\n"
               "       confab listen [options] URL   print an event stream as JSON lines\n"
               "       confab send URL --name NAME [--to CHANNEL | --dm NAME] TEXT   post one "
               "message\n"
               "       confab join URL --name NAME   chat in the terminal\n"
               "       confab search URL --name NAME QUERY   search your conversations\n"
               "       confab MODE --help        options of a mode\n"
               "       confab --version\n",
               stream);
    return stream == stdout ? 0 : 2;
}

#ifdef CONFAB_WITH_GUI
// The window's own options. Printed here, before any QApplication exists: --help must answer on
// a machine without a display (an ssh session, a server), where creating the window's
// application would abort in Qt's platform plugin.
void printWindowOptions()
{
    std::fputs("\nWindow options:\n"
               "  --host            Host a room right away.\n"
               "  --join URL        Join the room at URL right away.\n"
               "  --name NAME       Your name in the room.\n"
               "  --bind ADDRESS    Address a hosted room listens on (default: all; 127.0.0.1\n"
               "                    keeps it on this computer).\n"
               "  --port PORT       Port a hosted room listens on.\n"
               "  -h, --help        Show this help.\n"
               "  -v, --version     Show the version.\n",
               stdout);
}
#endif

bool isOneOf(const char *argument, std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        if (std::strcmp(argument, name) == 0)
            return true;
    }
    return false;
}

int printVersion()
{
    std::printf("confab %s\n", CONFAB_VERSION_STRING);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    using Command = int (*)(const QStringList &);
    Command command = nullptr;
    if (std::strcmp(mode, "serve") == 0)
        command = confab::cli::runServe;
    else if (std::strcmp(mode, "listen") == 0)
        command = confab::cli::runListen;
    else if (std::strcmp(mode, "send") == 0)
        command = confab::cli::runSend;
    else if (std::strcmp(mode, "join") == 0)
        command = confab::cli::runJoin;
    else if (std::strcmp(mode, "search") == 0)
        command = confab::cli::runSearch;

    if (command) {
        // Each mode's --help starts "Usage: confab join [options] URL": Qt takes the program
        // name from argv[0], which here names the mode too.
        std::string programName = std::string("confab ") + mode;
        std::vector<char *> arguments(argv, argv + argc);
        arguments[0] = programName.data();
        arguments.push_back(nullptr);
        int count = argc;
        // The headless hub runs on Qt's own event loop rather than GLib's: it needs no GLib
        // integration, and GLib's loop costs a wake-up write per posted event, which a hub
        // posts for every TLS write (tests/bench/README.md: TLS p99 at 1000 x 200 msg/s went
        // from 18.7-24.0 ms to 16.4-21.0 ms in alternated runs). A QT_NO_GLIB the user set is
        // left as it is.
        if (command == confab::cli::runServe && !qEnvironmentVariableIsSet("QT_NO_GLIB"))
            qputenv("QT_NO_GLIB", "1");
        QCoreApplication app(count, arguments.data());
        confab::setApplicationIdentity();
        return command(QCoreApplication::arguments());
    }
    // The window's --help and --version anywhere among its arguments (as its parser would take
    // them) are answered without a window.
    for (int i = 1; i < argc; ++i) {
        if (isOneOf(argv[i], {"--join", "--name", "-name", "--bind", "--port"})) {
            ++i; // its value, which may be anything (a name "-v")
            continue;
        }
        if (isOneOf(argv[i], {"--version", "-v"}))
            return printVersion();
        if (isOneOf(argv[i], {"--help", "-h", "-?", "--help-all", "help"})) {
            printUsage(stdout);
#ifdef CONFAB_WITH_GUI
            printWindowOptions();
#endif
            return 0;
        }
    }
#ifdef CONFAB_WITH_GUI
    return confab::runDesktop(argc, argv);
#else
    std::fputs("confab: this build has no window (CONFAB_GUI=OFF); use a command-line mode.\n",
               stderr);
    return printUsage(stderr);
#endif
}
