#pragma once
// The command-line modes of the one `confab` binary. Each takes the full argument list
// (QCoreApplication::arguments(), program name first, mode second) and returns the exit code.

#include <QStringList>

class QCommandLineParser;

namespace confab::cli {

// The parser's error, with a hint where a common mistake has a better way (--password).
QString parseErrorText(const QCommandLineParser &parser);

int runServe(const QStringList &arguments); // host a room with no window (server/)
int runListen(const QStringList &arguments); // print any SSE stream as JSON lines
int runSend(const QStringList &arguments); // post one message
int runJoin(const QStringList &arguments); // terminal chat
int runSearch(const QStringList &arguments); // search the member's conversations

} // namespace confab::cli
