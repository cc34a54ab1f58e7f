// `confab search URL --name NAME QUERY`: the hub's search (docs/protocol.md, "Search") on the
// command line, one match per line: conversation, sender, time, and the text with each match
// marked «like this». Signs in for the one query (a hub-wide API v2 session) and out again, so the
// name is free at once for the window or `join`.

#include "cli.h"
#include "hubapi.h"
#include "pinnedtls.h"
#include "protocol.h"
#include "searchapi.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>

#include <cstdio>
#include <optional>

namespace confab::cli {

namespace {

constexpr int ExitOk = 0;
constexpr int ExitFailure = 1; // the hub said no, or could not be reached
constexpr int ExitUsage = 2;
constexpr qint64 MaxPasswordFileBytes = 4096;
const QString MarkOpen = QStringLiteral("«");
const QString MarkClose = QStringLiteral("»");

void printLine(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

int usage(const QCommandLineParser &parser, const QString &message)
{
    printLine(stderr, QStringLiteral("confab search: ") + message);
    printLine(stderr, parser.helpText());
    return ExitUsage;
}

// Remote text on a terminal: a line break would break "one match per line", and control
// characters (escape sequences) could rewrite the screen. Both become visible stand-ins.
QString printable(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == u'\n')
            out += QStringLiteral(" ⏎ ");
        else if (c.category() == QChar::Other_Control)
            out += QChar(QChar::ReplacementCharacter);
        else
            out += c;
    }
    return out;
}

// The text with every range between « and »; ranges the text does not hold are ignored (they were
// checked when read, this is the belt to those braces).
QString marked(const SearchHitInfo &hit)
{
    const QString &text = hit.message.text;
    QString out;
    qsizetype at = 0;
    for (const SearchHitInfo::Range &range : hit.ranges) {
        if (range.start < at || range.start + range.length > text.size())
            continue;
        out += printable(text.mid(at, range.start - at)) + MarkOpen
            + printable(text.mid(range.start, range.length)) + MarkClose;
        at = range.start + range.length;
    }
    return out + printable(text.mid(at));
}

QString lineFor(const SearchHitInfo &hit)
{
    const QString where = hit.conversationKind == QLatin1String(protocol::KindDm)
        ? QLatin1Char('@') + hit.conversationTitle
        : QLatin1Char('#') + hit.message.room;
    const QString when = QDateTime::fromMSecsSinceEpoch(hit.message.ts)
                             .toLocalTime()
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    return QStringLiteral("%1  %2  %3  %4")
        .arg(printable(where), printable(hit.message.from.name), when, marked(hit));
}

} // namespace

int runSearch(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "cli",
        "Search the messages of every conversation you are in (or one of them) and print the "
        "matches, newest first, one per line: conversation, sender, time, text with each match "
        "marked «like this». Words must all match; \"quoted phrases\" match as written; any two "
        "or more characters of Chinese or English are found wherever they occur."));
    parser.addHelpOption();
    parser.addPositionalArgument(
        QStringLiteral("URL"),
        QCoreApplication::translate("cli", "The hub, e.g. http://192.168.1.20:8848/"));
    parser.addPositionalArgument(QStringLiteral("QUERY"),
                                 QCoreApplication::translate("cli", "What to look for."));
    const QCommandLineOption name(QStringLiteral("name"),
                                  QCoreApplication::translate("cli", "Your name on the hub."),
                                  QStringLiteral("NAME"));
    const QCommandLineOption passwordFile(
        QStringLiteral("password-file"),
        QCoreApplication::translate("cli", "The hub's password, on the first line of FILE."),
        QStringLiteral("FILE"));
    const QCommandLineOption conversation(
        QStringLiteral("conversation"),
        QCoreApplication::translate("cli", "Only this conversation (a channel id, or dm:...)."),
        QStringLiteral("CID"));
    const QCommandLineOption limit(
        QStringLiteral("limit"),
        QCoreApplication::translate("cli", "At most N matches (1-50, default 20)."),
        QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption before(
        QStringLiteral("before"),
        QCoreApplication::translate("cli", "Only messages older than ID (the next page)."),
        QStringLiteral("ID"));
    const QCommandLineOption pin(
        QStringLiteral("pin"),
        QCoreApplication::translate("cli",
                                    "Accept only the hub with this certificate "
                                    "fingerprint (SHA-256, 64 hex digits); uses https."),
        QStringLiteral("HEX"));
    parser.addOptions({name, passwordFile, conversation, limit, before, pin});
    if (!parser.parse(arguments.mid(1)))
        return usage(parser, parseErrorText(parser));
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(stdout, parser.helpText());
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() < 2)
        return usage(parser, QCoreApplication::translate("cli", "search takes a URL and a query."));
    const QUrl url = QUrl::fromUserInput(positional.first());
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return usage(
            parser,
            QCoreApplication::translate("cli", "%1 is not a hub address.").arg(positional.first()));
    if (!parser.isSet(name))
        return usage(parser, QCoreApplication::translate("cli", "--name is required."));
    std::optional<TlsPin> tlsPin;
    if (parser.isSet(pin)) {
        tlsPin = TlsPin::parse(parser.value(pin));
        if (!tlsPin)
            return usage(parser,
                         QCoreApplication::translate(
                             "cli", "--pin takes a SHA-256 fingerprint: 64 hex digits."));
    }
    QString password;
    if (parser.isSet(passwordFile)) {
        QFile file(parser.value(passwordFile));
        if (!file.open(QIODevice::ReadOnly) || file.size() > MaxPasswordFileBytes)
            return usage(parser,
                         QCoreApplication::translate("cli", "Cannot read %1.")
                             .arg(parser.value(passwordFile)));
        password = QString::fromUtf8(file.readLine()).trimmed();
    }
    HubApi::SearchQuery query;
    query.text = positional.mid(1).join(QLatin1Char(' '));
    query.conversationId = parser.value(conversation);
    bool numbers = true;
    if (parser.isSet(before))
        query.beforeId = parser.value(before).toLongLong(&numbers);
    bool limitOk = true;
    query.limit = parser.value(limit).toInt(&limitOk);
    if (!numbers || !limitOk || query.beforeId < 0 || query.limit < 1)
        return usage(parser,
                     QCoreApplication::translate("cli", "--before and --limit take a number."));

    HubApi api;
    api.setBaseUrl(url);
    api.setPin(tlsPin);
    int exitCode = ExitFailure;
    const auto finish = [&api, &exitCode](int code) {
        exitCode = code;
        // Sign out (the name is free again at once), whatever the search said.
        api.signOutOfHub([](const ApiResult<HubApi::Nothing> &) { QCoreApplication::exit(); });
    };
    api.signInToHub(parser.value(name), password, [&](const ApiResult<HubSession> &session) {
        if (!session.ok()) {
            printLine(stderr, QStringLiteral("confab search: ") + session.error.message);
            QCoreApplication::exit();
            return;
        }
        api.setToken(session.value->token);
        api.search(query, [&](const ApiResult<SearchResults> &results) {
            if (!results.ok()) {
                printLine(stderr, QStringLiteral("confab search: ") + results.error.message);
                return finish(ExitFailure);
            }
            for (const SearchHitInfo &hit : results.value->results)
                printLine(stdout, lineFor(hit));
            if (results.value->results.empty())
                printLine(stderr, QCoreApplication::translate("cli", "No messages match."));
            if (results.value->truncated)
                printLine(stderr,
                          QCoreApplication::translate(
                              "cli", "The hub stopped looking (the search took too long)."));
            if (results.value->hasMore)
                printLine(stderr,
                          QCoreApplication::translate("cli", "More matches: add --before %1.")
                              .arg(results.value->nextBefore));
            finish(ExitOk);
        });
    });
    QCoreApplication::exec();
    return exitCode;
}

} // namespace confab::cli
