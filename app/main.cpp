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

namespace {

int printUsage(FILE *stream)
{
    std::fputs("Usage: confab [--host | --join URL] [--name NAME]   open the window\n"
               "       confab serve [options]    host a room without a window\n"
               "       confab listen [options] URL   print an event stream as JSON lines\n"
               "       confab send URL --name NAME TEXT   post one message\n"
               "       confab join URL --name NAME   chat in the terminal\n"
               "       confab MODE --help        options of a mode\n"
               "       confab --version\n",
               stream);
    return stream == stdout ? 0 : 2;
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

    if (command) {
        QCoreApplication app(argc, argv);
        confab::setApplicationIdentity();
        return command(QCoreApplication::arguments());
    }
    if (std::strcmp(mode, "--version") == 0 || std::strcmp(mode, "-v") == 0) {
        std::printf("confab %s\n", CONFAB_VERSION_STRING);
        return 0;
    }
#ifdef CONFAB_WITH_GUI
    if (std::strcmp(mode, "help") == 0)
        return printUsage(stdout);
    return confab::runDesktop(argc, argv);
#else
    if (std::strcmp(mode, "--help") == 0 || std::strcmp(mode, "-h") == 0
        || std::strcmp(mode, "help") == 0)
        return printUsage(stdout);
    std::fputs("confab: this build has no window (CONFAB_GUI=OFF); use a command-line mode.\n",
               stderr);
    return printUsage(stderr);
#endif
}
