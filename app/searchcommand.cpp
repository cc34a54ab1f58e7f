// `confab search URL --name NAME QUERY`: the hub's search (docs/protocol.md, "Search") on the
// command line, one match per line: conversation, sender, time, and the text with each match
// marked «like this». Signs in for the one query (a hub-wide API v2 session) and out again, so the
// name is free at once for the window or `join`.

#include "cli.h"
#include "pinnedtls.h"
#include "protocol.h"
#include "searchapi.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

#include <cstdio>
#include <functional>
#include <optional>

namespace confab::cli {

namespace {

constexpr int ExitOk = 0;
constexpr int ExitFailure = 1; // the hub said no, or could not be reached
constexpr int ExitUsage = 2;
constexpr int RequestTimeoutMs = 15000;
constexpr qint64 MaxPasswordFileBytes = 4096;
constexpr qint64 MaxAnswerBytes = 4 * 1024 * 1024; // 50 results of 4000 characters fit
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

// The hub's `{"error": {"message"}}`, or what went wrong on the way.
QString failureOf(QNetworkReply *reply, const QByteArray &body)
{
    if (const QString pinRefusal = TlsPin::refusalOf(reply); !pinRefusal.isEmpty())
        return pinRefusal;
    const QJsonObject error
        = QJsonDocument::fromJson(body).object().value(QLatin1StringView("error")).toObject();
    const QString message = error.value(QLatin1StringView("message")).toString();
    if (!message.isEmpty())
        return message;
    return reply->errorString();
}

class SearchRun
{
public:
    SearchRun(QUrl base, std::optional<TlsPin> pin)
        : m_base(std::move(base))
        , m_pin(std::move(pin))
    {
        m_nam.setAutoDeleteReplies(true);
        m_nam.setTransferTimeout(RequestTimeoutMs);
    }

    using Done = std::function<void(int status, const QByteArray &body, const QString &failure)>;
    void call(const QByteArray &method, const QString &path, const QUrlQuery &query,
              const QByteArray &body, Done done)
    {
        QUrl url = m_pin ? TlsPin::secured(m_base) : m_base;
        url.setPath(path);
        url.setQuery(query);
        QNetworkRequest request(url);
        if (m_pin)
            m_pin->apply(request);
        if (!m_token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + m_token);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/json"));
        QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
        if (m_pin)
            m_pin->watch(reply);
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, done] {
            const QByteArray answer = reply->read(MaxAnswerBytes);
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            done(status, answer,
                 status >= 200 && status < 300 ? QString() : failureOf(reply, answer));
        });
    }
    void setToken(const QByteArray &token) { m_token = token; }

private:
    QNetworkAccessManager m_nam;
    QUrl m_base;
    std::optional<TlsPin> m_pin;
    QByteArray m_token;
};

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
    QJsonObject signIn {{QStringLiteral("name"), parser.value(name)}};
    if (parser.isSet(passwordFile)) {
        QFile file(parser.value(passwordFile));
        if (!file.open(QIODevice::ReadOnly) || file.size() > MaxPasswordFileBytes)
            return usage(parser,
                         QCoreApplication::translate("cli", "Cannot read %1.")
                             .arg(parser.value(passwordFile)));
        signIn.insert(QStringLiteral("password"), QString::fromUtf8(file.readLine()).trimmed());
    }
    // The query as the hub reads it: every byte outside [A-Za-z0-9-._~] percent-encoded (a `+`
    // too, which a hub reads as a space).
    QUrlQuery query;
    query.addQueryItem(
        QStringLiteral("q"),
        QString::fromLatin1(QUrl::toPercentEncoding(positional.mid(1).join(QLatin1Char(' ')))));
    query.addQueryItem(QStringLiteral("limit"), parser.value(limit));
    if (parser.isSet(conversation))
        query.addQueryItem(
            QStringLiteral("conversation"),
            QString::fromLatin1(QUrl::toPercentEncoding(parser.value(conversation))));
    if (parser.isSet(before))
        query.addQueryItem(QStringLiteral("before"), parser.value(before));

    SearchRun run(url, tlsPin);
    int exitCode = ExitFailure;
    const auto finish = [&run, &exitCode](int code) {
        exitCode = code;
        // Sign out (the name is free again at once), whatever the search said.
        run.call("DELETE", QStringLiteral("/api/v2/session"), {}, {},
                 [](int, const QByteArray &, const QString &) { QCoreApplication::exit(); });
    };
    run.call("POST", QStringLiteral("/api/v2/session"), {},
             QJsonDocument(signIn).toJson(QJsonDocument::Compact),
             [&](int, const QByteArray &body, const QString &failure) {
                 if (!failure.isEmpty()) {
                     printLine(stderr, QStringLiteral("confab search: ") + failure);
                     QCoreApplication::exit();
                     return;
                 }
                 run.setToken(QJsonDocument::fromJson(body)
                                  .object()
                                  .value(QLatin1StringView("token"))
                                  .toString()
                                  .toUtf8());
                 run.call(
                     "GET", QStringLiteral("/api/v2/search"), query, {},
                     [&](int, const QByteArray &answer, const QString &searchFailure) {
                         if (!searchFailure.isEmpty()) {
                             printLine(stderr, QStringLiteral("confab search: ") + searchFailure);
                             return finish(ExitFailure);
                         }
                         const auto results
                             = SearchResults::fromJson(QJsonDocument::fromJson(answer).object());
                         if (!results) {
                             printLine(stderr,
                                       QStringLiteral("confab search: the hub's "
                                                      "answer is not a search result."));
                             return finish(ExitFailure);
                         }
                         for (const SearchHitInfo &hit : results->results)
                             printLine(stdout, lineFor(hit));
                         if (results->results.empty())
                             printLine(stderr,
                                       QCoreApplication::translate("cli", "No messages match."));
                         if (results->truncated)
                             printLine(stderr,
                                       QCoreApplication::translate("cli",
                                                                   "The hub stopped looking (the "
                                                                   "search took too long)."));
                         if (results->hasMore)
                             printLine(stderr,
                                       QCoreApplication::translate("cli",
                                                                   "More matches: add --before %1.")
                                           .arg(results->nextBefore));
                         finish(ExitOk);
                     });
             });
    QCoreApplication::exec();
    return exitCode;
}

} // namespace confab::cli
