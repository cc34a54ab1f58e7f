// `confab listen`, `confab send` and `confab join`: the join role on the command line.

#include "chatsession.h"
#include "cli.h"
#include "hubapi.h"
#include "messagemodel.h"
#include "protocol.h"
#include "sessionstore.h"
#include "signalwatcher.h"
#include "sseclient.h"
#include "stdinreader.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QQueue>
#include <QTimer>
#include <QUuid>
#include <cstdio>

namespace confab::cli {

namespace {

constexpr int ExitOk = 0;
constexpr int ExitFailure = 1; // the hub said no, or could not be reached
constexpr int ExitUsage = 2; // bad arguments; for `listen` also: not an event stream
constexpr int DrainOutboxTimeoutMs = 10000; // `join` at end of input: wait this long for the outbox
constexpr qint64 MaxPasswordFileBytes = 4096;
constexpr int LinePreviewChars = 30; // of a refused line, so that the user knows which one

void printLine(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream); // one line at a time: scripts and pipes see it at once
}

int usageError(const QCommandLineParser &parser, const QString &message)
{
    printLine(stderr, QStringLiteral("confab: ") + message);
    printLine(stderr, parser.helpText());
    return ExitUsage;
}

// A status text as a sentence: the reconnect note follows it, so it needs its full stop.
QString sentence(const QString &text)
{
    static const QString enders = QStringLiteral(".!?…。！？");
    if (text.isEmpty() || enders.contains(text.back()))
        return text;
    return text + QLatin1Char('.');
}

// Parses "confab MODE ..." (the mode stands in for the program name). Returns an exit code when
// there is nothing more to do (--help, or bad options).
std::optional<int> parseArguments(QCommandLineParser &parser, const QStringList &arguments)
{
    // Our debug chatter would drown the output a user asked for; QT_LOGGING_RULES still wins.
    QLoggingCategory::setFilterRules(QStringLiteral("confab.*.debug=false\nconfab.*.info=false"));
    if (!parser.parse(arguments.mid(1)))
        return usageError(parser, parseErrorText(parser));
    if (parser.isSet(QStringLiteral("help"))) {
        printLine(stdout, parser.helpText());
        return ExitOk;
    }
    return std::nullopt;
}

// The hub's URL argument; when it is not one, *error says so (for usageError()). A hub's address
// has no path: the API lives at fixed paths under it (docs/protocol.md).
std::optional<QUrl> hubUrlArgument(const QString &text, QString *error)
{
    const QUrl url = QUrl::fromUserInput(text);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1StringView("http")
            && url.scheme() != QLatin1StringView("https"))) {
        *error = QCoreApplication::translate("cli", "Not an http(s) URL: %1").arg(text);
        return std::nullopt;
    }
    return url;
}

std::optional<QUrl> hubAddressArgument(const QString &text, QString *error)
{
    auto url = hubUrlArgument(text, error);
    if (!url)
        return std::nullopt;
    if (!url->path().isEmpty() && url->path() != QLatin1StringView("/")) {
        *error = QCoreApplication::translate("cli",
                                             "Not a hub's address: %1. Use the address the host "
                                             "shows, without a path, like "
                                             "http://192.168.1.20:8848/")
                     .arg(text);
        return std::nullopt;
    }
    url->setPath(QStringLiteral("/"));
    url->setQuery(QString());
    url->setFragment(QString());
    return url;
}

QCommandLineOption pinOption()
{
    return QCommandLineOption(
        QStringLiteral("pin"),
        QCoreApplication::translate("cli",
                                    "Connect over https:// and accept only the hub whose "
                                    "certificate has this SHA-256 fingerprint (64 hex digits, "
                                    "as `confab serve` prints it)."),
        QStringLiteral("SHA256HEX"));
}

// --pin's value; false (with *error set) when it is given but not a fingerprint.
bool pinArgument(const QCommandLineParser &parser, const QCommandLineOption &option,
                 std::optional<TlsPin> *pin, QString *error)
{
    if (!parser.isSet(option))
        return true;
    *pin = TlsPin::parse(parser.value(option));
    if (!*pin)
        *error = QCoreApplication::translate("cli", "--pin takes 64 hex digits (SHA-256), not %1")
                     .arg(parser.value(option).left(100));
    return pin->has_value();
}

// Remote text goes to a terminal: control characters (escape sequences!) are made visible
// instead of being interpreted. Line breaks are kept, indented under the first line.
QString terminalSafe(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char('\n'))
            out += QStringLiteral("\n    ");
        else if (c == QLatin1Char('\t'))
            out += c;
        else if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            out += QChar(0xFFFD);
        else
            out += c;
    }
    return out;
}

std::optional<QString> readPassword(const QString &path, QString *error)
{
    if (path.isEmpty())
        return QString();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QCoreApplication::translate("cli", "Cannot read the password file: %1")
                     .arg(file.errorString());
        return std::nullopt;
    }
    const QByteArray bytes = file.read(MaxPasswordFileBytes);
    QString password = QString::fromUtf8(
        bytes.left(bytes.indexOf('\n') < 0 ? bytes.size() : bytes.indexOf('\n')));
    if (password.endsWith(QLatin1Char('\r')))
        password.chop(1);
    return password;
}

struct CommonOptions
{
    QCommandLineOption name {{QStringLiteral("n"), QStringLiteral("name")},
                             QCoreApplication::translate("cli", "Your name in the room."),
                             QStringLiteral("NAME")};
    QCommandLineOption passwordFile {
        QStringLiteral("password-file"),
        QCoreApplication::translate("cli", "Read the room password from FILE (first line)."),
        QStringLiteral("FILE")};
    QCommandLineOption room {QStringLiteral("room"),
                             QCoreApplication::translate("cli", "Room id (default: lobby)."),
                             QStringLiteral("ID"), QString::fromLatin1(protocol::DefaultRoomId)};
    QCommandLineOption stateDir {
        QStringLiteral("state-dir"),
        QCoreApplication::translate("cli",
                                    "Keep the session token and outbox in DIR "
                                    "(default: the user's app data folder)."),
        QStringLiteral("DIR")};

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOptions({name, passwordFile, room, stateDir});
    }

    struct Identity
    {
        QString name;
        QString password;
    };
    // --name (required) and the password from --password-file; on failure *error says why.
    std::optional<Identity> identity(const QCommandLineParser &parser, QString *error) const
    {
        const QString trimmedName = parser.value(name).trimmed();
        if (trimmedName.isEmpty()) {
            *error = QCoreApplication::translate("cli", "--name is required.");
            return std::nullopt;
        }
        const auto password = readPassword(parser.value(passwordFile), error);
        if (!password)
            return std::nullopt;
        return Identity {trimmedName, *password};
    }
};

} // namespace

QString parseErrorText(const QCommandLineParser &parser)
{
    QString text = parser.errorText();
    if (parser.unknownOptionNames().contains(QStringLiteral("password")))
        text += QLatin1Char(' ')
            + QCoreApplication::translate(
                    "cli",
                    "A password on the command line is visible to everyone on this computer: "
                    "write it on the first line of a file and use --password-file FILE.");
    return text;
}

// ---------------------------------------------------------------------------------------------
int runListen(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "cli",
        "Print every event of any text/event-stream URL as one JSON line "
        "{\"type\", \"data\", \"lastEventId\"}.\nWith --name, URL is a hub's address: sign in "
        "and follow the room's events (leaving the room at the end).\nExit status: 0 when the "
        "stream ended (after the allowed reconnections), 1 when it could never be reached or "
        "the hub refused to sign in, 2 when the server answered with something other than an "
        "event stream."));
    parser.addHelpOption();
    parser.addPositionalArgument(
        QStringLiteral("URL"),
        QCoreApplication::translate("cli", "The stream's URL, or with --name the hub's address."));
    const QCommandLineOption reconnects(QStringLiteral("reconnects"),
                                        QCoreApplication::translate("cli",
                                                                    "Reconnect at most N times "
                                                                    "(default: forever)."),
                                        QStringLiteral("N"), QStringLiteral("-1"));
    const QCommandLineOption lastEventId(
        QStringLiteral("last-event-id"),
        QCoreApplication::translate("cli", "Resume after this event ID."), QStringLiteral("ID"));
    const QCommandLineOption header(
        QStringLiteral("header"),
        QCoreApplication::translate("cli",
                                    "Extra request header \"Name: value\" "
                                    "(repeatable)."),
        QStringLiteral("HEADER"));
    const QCommandLineOption pin = pinOption();
    parser.addOptions({reconnects, lastEventId, header, pin});
    const CommonOptions common;
    parser.addOptions({common.name, common.passwordFile, common.room});
    if (const auto early = parseArguments(parser, arguments))
        return *early;

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(parser,
                          QCoreApplication::translate("cli", "listen takes exactly one URL."));
    const bool signingIn = parser.isSet(common.name);
    QString error;
    const auto url = signingIn ? hubAddressArgument(positional.first(), &error)
                               : hubUrlArgument(positional.first(), &error);
    if (!url)
        return usageError(parser, error);
    std::optional<CommonOptions::Identity> identity;
    if (signingIn) {
        identity = common.identity(parser, &error);
        if (!identity)
            return usageError(parser, error);
    }
    bool numberOk = false;
    const int reconnectLimit = parser.value(reconnects).toInt(&numberOk);
    if (!numberOk || reconnectLimit < -1)
        return usageError(parser,
                          QCoreApplication::translate("cli", "--reconnects takes a number."));

    std::optional<TlsPin> tlsPin;
    if (!pinArgument(parser, pin, &tlsPin, &error))
        return usageError(parser, error);

    SseClient client;
    client.setUrl(*url);
    client.setPin(tlsPin);
    client.setReconnectLimit(reconnectLimit);
    client.setLastEventId(parser.value(lastEventId));
    for (const QString &line : parser.values(header)) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon <= 0)
            return usageError(
                parser, QCoreApplication::translate("cli", "Headers look like \"Name: value\"."));
        client.setRawHeader(line.left(colon).trimmed().toUtf8(),
                            line.mid(colon + 1).trimmed().toUtf8());
    }

    int exitCode = ExitOk;
    bool everOpened = false;
    QObject::connect(&client, &SseClient::opened, [&everOpened] { everOpened = true; });
    QObject::connect(&client, &SseClient::eventReceived,
                     [](const QString &type, const QString &data, const QString &id) {
                         const QJsonObject line {{QStringLiteral("type"), type},
                                                 {QStringLiteral("data"), data},
                                                 {QStringLiteral("lastEventId"), id}};
                         printLine(
                             stdout,
                             QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact)));
                     });
    QObject::connect(&client, &SseClient::stateChanged,
                     [](SseClient::State state, const QString &reason, int retryInMs) {
                         if (state == SseClient::State::Open || reason.isEmpty())
                             return;
                         QString line = QStringLiteral("confab listen: ") + sentence(reason);
                         if (retryInMs > 0)
                             line += QLatin1Char(' ') + SseClient::reconnectNote(retryInMs);
                         printLine(stderr, line);
                     });
    const bool hubRoot = url->path().isEmpty() || url->path() == QLatin1StringView("/");
    QObject::connect(
        &client, &SseClient::failed, [&exitCode, hubRoot, signingIn](int, const QString &) {
            // The most likely mistake: a hub's own address, which serves the web page.
            if (hubRoot && !signingIn)
                printLine(
                    stderr,
                    QStringLiteral("confab listen: ")
                        + QCoreApplication::translate(
                            "cli",
                            "To follow a Confab room, add --name NAME (and --password-file FILE "
                            "for a locked room): listen then signs in at this address."));
            exitCode = ExitUsage;
        });

    HubApi api;
    bool stopping = false;
    // Leaves the room (when signed in) before exiting, so that the member does not linger.
    auto finish = [&](int code) {
        if (stopping)
            return;
        stopping = true;
        // Leaving ends the room's streams of this member: that is no news worth a line.
        QObject::disconnect(&client, nullptr, nullptr, nullptr);
        if (api.token().isEmpty()) {
            QCoreApplication::exit(code);
            return;
        }
        api.signOut([code](const ApiResult<HubApi::Nothing> &) { QCoreApplication::exit(code); });
    };
    QObject::connect(&client, &SseClient::closed, [&] {
        if (exitCode == ExitOk && !everOpened)
            exitCode = ExitFailure;
        finish(exitCode);
    });
    SignalWatcher termination;
    QObject::connect(&termination, &SignalWatcher::terminationRequested,
                     [&finish] { finish(ExitOk); });

    if (signingIn) {
        const QString roomId = parser.value(common.room);
        api.setBaseUrl(*url);
        api.setPin(tlsPin);
        api.signIn(
            identity->name, identity->password, roomId,
            [&, roomId](const ApiResult<SessionInfo> &result) {
                if (!result.ok()) {
                    printLine(stderr,
                              QStringLiteral("confab listen: ") + sentence(result.error.message));
                    stopping = true;
                    QCoreApplication::exit(ExitFailure);
                    return;
                }
                api.setToken(result.value->token);
                client.setUrl(api.eventsUrl(roomId));
                client.setRawHeader("Authorization", "Bearer " + result.value->token.toUtf8());
                client.start();
            });
    } else {
        client.start();
    }
    const int code = QCoreApplication::exec();
    client.disconnect();
    return code;
}

// ---------------------------------------------------------------------------------------------
int runSend(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "cli",
        "Post one message to a Confab hub and print its id. The session is kept (in "
        "--state-dir) and reused by the next call with the same name."));
    parser.addHelpOption();
    parser.addPositionalArgument(
        QStringLiteral("URL"),
        QCoreApplication::translate("cli", "The hub, e.g. http://192.168.1.20:8848/"));
    parser.addPositionalArgument(QStringLiteral("TEXT"),
                                 QCoreApplication::translate("cli", "The message."));
    const CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption pin = pinOption();
    parser.addOption(pin);
    if (const auto early = parseArguments(parser, arguments))
        return *early;

    const QStringList positional = parser.positionalArguments();
    if (positional.size() < 2)
        return usageError(parser,
                          QCoreApplication::translate("cli", "send takes a URL and a text."));
    QString error;
    const auto url = hubAddressArgument(positional.first(), &error);
    if (!url)
        return usageError(parser, error);
    const QString text = positional.mid(1).join(QLatin1Char(' '));
    const auto identity = common.identity(parser, &error);
    if (!identity)
        return usageError(parser, error);
    const QString &name = identity->name;
    const QString &password = identity->password;
    const QString roomId = parser.value(common.room);

    std::optional<TlsPin> tlsPin;
    if (!pinArgument(parser, pin, &tlsPin, &error))
        return usageError(parser, error);

    HubApi api;
    api.setBaseUrl(*url);
    api.setPin(tlsPin);
    SessionStore store;
    store.open(parser.value(common.stateDir), *url, roomId, name);
    const QString clientId
        = QStringLiteral("c-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    int exitCode = ExitFailure;

    auto fail = [&exitCode](const ApiError &apiError) {
        printLine(stderr, QStringLiteral("confab send: ") + apiError.message);
        exitCode = ExitFailure;
        QCoreApplication::exit(exitCode);
    };
    std::function<void(bool)> post;
    auto signIn = [&] {
        api.signIn(name, password, roomId, [&](const ApiResult<SessionInfo> &result) {
            if (!result.ok())
                return fail(result.error);
            store.saveSession({result.value->token, result.value->member, result.value->roomTitle});
            post(false);
        });
    };
    // The same clientId on the retry after a re-sign-in: the hub keeps one copy at most.
    post = [&](bool mayReauthenticate) {
        api.postMessage(roomId, text, clientId,
                        [&, mayReauthenticate](const ApiResult<PostedMessage> &result) {
                            if (result.ok()) {
                                printLine(stdout, QString::number(result.value->id));
                                exitCode = ExitOk;
                                QCoreApplication::exit(exitCode);
                            } else if (result.error.httpStatus == 401 && mayReauthenticate) {
                                store.forgetSession();
                                signIn();
                            } else {
                                fail(result.error);
                            }
                        });
    };
    if (const auto saved = store.loadSession()) {
        api.setToken(saved->token);
        QTimer::singleShot(0, [&] { post(true); });
    } else {
        QTimer::singleShot(0, signIn);
    }
    return QCoreApplication::exec();
}

// ---------------------------------------------------------------------------------------------
namespace {

// Prints the room's timeline to the terminal as rows arrive in the session's model.
class TerminalPrinter : public QObject
{
public:
    explicit TerminalPrinter(ChatSession *session)
        : m_session(session)
    {
        MessageModel *model = session->messages();
        connect(model, &QAbstractItemModel::rowsInserted, this,
                [this](const QModelIndex &, int first, int last) { printRows(first, last); });
        connect(model, &QAbstractItemModel::modelReset, this, [this] { m_newestPrinted = 0; });
        connect(session, &ChatSession::stateChanged, this,
                [](ChatSession::State, const QString &reason, int retryInMs) {
                    if (reason.isEmpty())
                        return;
                    QString line = QStringLiteral("* ") + sentence(reason);
                    if (retryInMs > 0)
                        line += QLatin1Char(' ') + SseClient::reconnectNote(retryInMs);
                    printLine(stderr, line);
                });
        connect(session, &ChatSession::typingChanged, this, [](const QStringList &names) {
            if (!names.isEmpty())
                printLine(stderr,
                          QStringLiteral("* ")
                              + ChatSession::tr("%1 typing…")
                                    .arg(terminalSafe(names.join(QStringLiteral(", ")))));
        });
    }

private:
    void printRows(int first, int last)
    {
        const MessageModel *model = m_session->messages();
        for (int row = first; row <= last; ++row) {
            const QModelIndex index = model->index(row);
            const qint64 sequence = index.data(MessageModel::SequenceRole).toLongLong();
            // Pending rows wait for their sequence number; older pages are not replayed here.
            if (sequence <= m_newestPrinted)
                continue;
            m_newestPrinted = sequence;
            const QString time = index.data(MessageModel::TimestampRole)
                                     .toDateTime()
                                     .toString(QStringLiteral("HH:mm"));
            if (index.data(MessageModel::KindRole).value<MessageModel::Kind>()
                == MessageModel::Kind::Notice) {
                printLine(stdout,
                          QStringLiteral("[%1] * %2")
                              .arg(time, terminalSafe(index.data(Qt::DisplayRole).toString())));
            } else {
                printLine(
                    stdout,
                    QStringLiteral("[%1] %2: %3")
                        .arg(time,
                             terminalSafe(index.data(MessageModel::SenderNameRole).toString()),
                             terminalSafe(index.data(MessageModel::TextRole).toString())));
            }
        }
    }

    ChatSession *m_session;
    qint64 m_newestPrinted = 0;
};

// What `join` needs to say which line the hub refused: the length and first characters of the
// lines recently sent, by clientId. Bounded: a refusal comes while its line is in the outbox,
// which never holds more than a few hundred, so older entries can go.
class SentLines
{
public:
    static constexpr int MaxEntries = 1000;

    struct Line
    {
        qsizetype length = 0;
        QString start;
    };

    void add(const QString &clientId, const QString &text)
    {
        m_lines.insert(clientId, {text.size(), text.left(LinePreviewChars)});
        m_order.enqueue(clientId);
        while (m_order.size() > MaxEntries)
            m_lines.remove(m_order.dequeue());
    }
    Line take(const QString &clientId) { return m_lines.take(clientId); }

private:
    QHash<QString, Line> m_lines;
    QQueue<QString> m_order;
};

} // namespace

int runJoin(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "cli",
        "Chat in the terminal: prints the room's messages as they come and sends each line "
        "read from standard input. /quit or end of input leaves (after the outbox is sent)."));
    parser.addHelpOption();
    parser.addPositionalArgument(
        QStringLiteral("URL"),
        QCoreApplication::translate("cli", "The hub, e.g. http://192.168.1.20:8848/"));
    const CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption pin = pinOption();
    parser.addOption(pin);
    if (const auto early = parseArguments(parser, arguments))
        return *early;

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(parser,
                          QCoreApplication::translate("cli", "join takes exactly one URL."));
    QString error;
    const auto url = hubAddressArgument(positional.first(), &error);
    if (!url)
        return usageError(parser, error);
    const auto identity = common.identity(parser, &error);
    if (!identity)
        return usageError(parser, error);
    const QString &name = identity->name;
    const QString &password = identity->password;

    ChatSession session;
    TerminalPrinter printer(&session);
    StdinReader input;
    QTimer drainDeadline;
    drainDeadline.setSingleShot(true);
    bool leaving = false;
    bool everLive = false; // reached the hub at least once
    int notSent = 0; // lines refused (too long for the hub) or dropped (over the reader's cap)
    SentLines sentLines;

    // The outbox is empty: the exit status says whether every line reached the room.
    auto exitAfterDrain = [&] { QCoreApplication::exit(notSent == 0 ? ExitOk : ExitFailure); };
    auto leaveWhenSent = [&] {
        leaving = true;
        if (session.state() == ChatSession::State::Failed) {
            QCoreApplication::exit(ExitFailure);
            return;
        }
        // Not even connected yet (end of input can come at once): wait for the hub as long as
        // for an outbox, so that "nothing to send" never hides "never reached the hub".
        if (everLive && session.outboxSize() == 0) {
            exitAfterDrain();
            return;
        }
        drainDeadline.start(DrainOutboxTimeoutMs);
    };
    QObject::connect(&drainDeadline, &QTimer::timeout, [&] {
        if (!everLive)
            printLine(stderr,
                      QStringLiteral("* ")
                          + QCoreApplication::translate(
                                "cli", "Could not reach the hub at %1; nothing was sent.")
                                .arg(url->toString()));
        else
            printLine(stderr,
                      QStringLiteral("* ")
                          + ChatSession::tr("%n message(s) not sent; they stay in the outbox.",
                                            nullptr, session.outboxSize()));
        QCoreApplication::exit(ExitFailure);
    });
    QObject::connect(&session, &ChatSession::outboxChanged, [&](int size) {
        if (leaving && everLive && size == 0)
            exitAfterDrain();
    });
    QObject::connect(&session, &ChatSession::stateChanged,
                     [&](ChatSession::State state, const QString &, int) {
                         if (state == ChatSession::State::Failed)
                             QCoreApplication::exit(ExitFailure);
                         if (state == ChatSession::State::Live) {
                             everLive = true;
                             if (leaving && session.outboxSize() == 0)
                                 exitAfterDrain();
                         }
                     });
    // The hub refused a line for good (too long for it: the limit is the hub's, so it is the
    // hub that says no). Nothing is cut: the whole line stays unsent, and the user is told.
    QObject::connect(&session, &ChatSession::sendRejected,
                     [&](const QString &clientId, const QString &reason) {
                         ++notSent;
                         const SentLines::Line line = sentLines.take(clientId);
                         printLine(stderr,
                                   QStringLiteral("* ")
                                       + QCoreApplication::translate("cli",
                                                                     "Not sent (%1 characters, "
                                                                     "starting \"%2\"): %3")
                                             .arg(QString::number(line.length),
                                                  terminalSafe(line.start), sentence(reason)));
                         if (leaving && session.outboxSize() == 0)
                             exitAfterDrain();
                     });
    QObject::connect(&input, &StdinReader::overlongLineDropped, [&] {
        ++notSent;
        printLine(stderr,
                  QStringLiteral("* ")
                      + QCoreApplication::translate("cli",
                                                    "Not sent: a line of more than %1 KiB. "
                                                    "Nothing of it was sent; split it into "
                                                    "shorter lines.")
                            .arg(StdinReader::MaxLineBytes / 1024));
    });
    QObject::connect(&input, &StdinReader::lineRead, [&](const QString &line) {
        if (leaving)
            return;
        if (line.trimmed() == QLatin1StringView("/quit")) {
            leaveWhenSent();
            return;
        }
        if (line.trimmed().isEmpty())
            return;
        const QString clientId = session.send(line);
        if (!clientId.isEmpty())
            sentLines.add(clientId, line);
    });
    QObject::connect(&input, &StdinReader::endOfInput, leaveWhenSent);
    SignalWatcher termination;
    QObject::connect(&termination, &SignalWatcher::terminationRequested,
                     [] { QCoreApplication::exit(ExitOk); });

    ChatSession::Options options;
    if (!pinArgument(parser, pin, &options.pin, &error))
        return usageError(parser, error);
    options.hubUrl = *url;
    options.roomId = parser.value(common.room);
    options.name = name;
    options.password = password;
    options.storageDir = parser.value(common.stateDir);
    session.start(options);
    input.start();
    const int code = QCoreApplication::exec();
    session.stop(false);
    return code;
}

} // namespace confab::cli
