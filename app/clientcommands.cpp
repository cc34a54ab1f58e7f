// `confab listen`, `confab send` and `confab join`: the join role on the command line.

#include "cli.h"
#include "conversation.h"
#include "conversationlistmodel.h"
#include "hubapi.h"
#include "hubconnection.h"
#include "messagemodel.h"
#include "protocol.h"
#include "sessionstore.h"
#include "signalwatcher.h"
#include "sseclient.h"
#include "stdinreader.h"
#include "terminalupload.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QQueue>
#include <QTimer>
#include <QUuid>
#include <cstdio>
#include <functional>
#include <memory>

namespace confab::cli {

namespace {

constexpr int ExitOk = 0;
constexpr int ExitFailure = 1; // the hub said no, or could not be reached
constexpr int ExitUsage = 2; // bad arguments; for `listen` also: not an event stream
constexpr int ExitInterrupted = 130; // SIGINT/SIGTERM, as shells report a signal's end
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
                             QCoreApplication::translate("cli", "Your name on the hub."),
                             QStringLiteral("NAME")};
    QCommandLineOption passwordFile {
        QStringLiteral("password-file"),
        QCoreApplication::translate("cli", "Read the hub's password from FILE (first line)."),
        QStringLiteral("FILE")};
    // API v1's name for a channel; kept so that scripts written for it go on working.
    QCommandLineOption room {QStringLiteral("room"),
                             QCoreApplication::translate("cli", "The same as --to."),
                             QStringLiteral("ID")};
    QCommandLineOption to {QStringLiteral("to"),
                           QCoreApplication::translate("cli", "The channel (default: lobby)."),
                           QStringLiteral("CHANNEL")};
    QCommandLineOption stateDir {
        QStringLiteral("state-dir"),
        QCoreApplication::translate("cli",
                                    "Keep the session token and outbox in DIR "
                                    "(default: the user's app data folder)."),
        QStringLiteral("DIR")};

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOptions({name, passwordFile, room, to, stateDir});
    }

    // --to, or the older --room, or lobby.
    QString channel(const QCommandLineParser &parser) const
    {
        if (parser.isSet(to))
            return parser.value(to).trimmed();
        if (parser.isSet(room))
            return parser.value(room).trimmed();
        return QString::fromLatin1(protocol::DefaultRoomId);
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
        "and follow your member stream, the events of every conversation you are in (each line "
        "then names its \"conversation\"); --to CHANNEL keeps that channel's only (joining it "
        "first). The session ends when listen does.\nExit status: 0 when the "
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
    parser.addOptions({common.name, common.passwordFile, common.room, common.to});
    if (const auto early = parseArguments(parser, arguments))
        return *early;

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(parser,
                          QCoreApplication::translate("cli", "listen takes exactly one URL."));
    // Only the channel asked for; empty: every conversation of the member.
    const QString onlyConversation
        = parser.isSet(common.to) || parser.isSet(common.room) ? common.channel(parser) : QString();
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
    QObject::connect(&client, &SseClient::opened, [&everOpened, signingIn] {
        // Signed in, the stream carries no line of its own until something happens: say that it
        // is open (on standard error: standard output stays one JSON line per event).
        if (signingIn && !everOpened)
            printLine(stderr,
                      QStringLiteral("confab listen: ")
                          + QCoreApplication::translate("cli", "Connected."));
        everOpened = true;
    });
    QObject::connect(
        &client, &SseClient::eventReceived,
        [signingIn, onlyConversation](const QString &type, const QString &data, const QString &id) {
            QJsonObject line {{QStringLiteral("type"), type},
                              {QStringLiteral("data"), data},
                              {QStringLiteral("lastEventId"), id}};
            if (signingIn) {
                // A member stream mixes conversations: say which one, so that a script need not
                // parse `data` to sort them.
                const QString conversation = QJsonDocument::fromJson(data.toUtf8())
                                                 .object()
                                                 .value(QLatin1StringView("conversation"))
                                                 .toString();
                // Events of no conversation (bye, reset, presence online/offline) always pass.
                if (!onlyConversation.isEmpty() && !conversation.isEmpty()
                    && conversation != onlyConversation)
                    return;
                if (!conversation.isEmpty())
                    line.insert(QStringLiteral("conversation"), conversation);
            }
            printLine(stdout,
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
        api.signOutOfHub(
            [code](const ApiResult<HubApi::Nothing> &) { QCoreApplication::exit(code); });
    };
    QObject::connect(&client, &SseClient::closed, [&] {
        if (exitCode == ExitOk && !everOpened)
            exitCode = ExitFailure;
        finish(exitCode);
    });
    SignalWatcher termination;
    QObject::connect(&termination, &SignalWatcher::terminationRequested,
                     [&finish] { finish(ExitOk); });

    auto refuse = [&](const ApiError &apiError) {
        printLine(stderr, QStringLiteral("confab listen: ") + sentence(apiError.message));
        stopping = true;
        QCoreApplication::exit(ExitFailure);
    };
    auto follow = [&] {
        client.setUrl(api.memberEventsUrl());
        client.setRawHeader("Authorization", "Bearer " + api.token().toUtf8());
        client.start();
    };
    if (signingIn) {
        api.setBaseUrl(*url);
        api.setPin(tlsPin);
        api.signInToHub(
            identity->name, identity->password, [&](const ApiResult<HubSession> &result) {
                if (!result.ok())
                    return refuse(result.error);
                if (onlyConversation.isEmpty()
                    || onlyConversation.startsWith(QLatin1StringView("dm:")))
                    return follow();
                // The channel's events reach the member stream only once they are in it.
                api.joinChannel(onlyConversation, [&](const ApiResult<ChannelInfo> &joined) {
                    if (!joined.ok()) {
                        // Signed in by now: leave the hub as on every other way out.
                        printLine(stderr,
                                  QStringLiteral("confab listen: ")
                                      + sentence(joined.error.message));
                        finish(ExitFailure);
                        return;
                    }
                    follow();
                });
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
        "Post one message to a Confab hub and print its id: to a channel (--to, default lobby; "
        "joined first when you are not in it) or as a direct message to a member (--dm). The "
        "session is kept (in --state-dir) and reused by the next call with the same name, and "
        "by `confab join`. With --file, sends a file instead (resumable: run the same command "
        "again after an interruption and it goes on where it stopped)."));
    parser.addHelpOption();
    parser.addPositionalArgument(
        QStringLiteral("URL"),
        QCoreApplication::translate("cli", "The hub, e.g. http://192.168.1.20:8848/"));
    parser.addPositionalArgument(QStringLiteral("TEXT"),
                                 QCoreApplication::translate("cli", "The message."));
    const CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption fileOption(
        QStringLiteral("file"),
        QCoreApplication::translate("cli",
                                    "Send the file at PATH (a progress bar on stderr when it is "
                                    "a terminal); prints the message's id."),
        QStringLiteral("PATH"));
    parser.addOption(fileOption);
    const QCommandLineOption dm(
        QStringLiteral("dm"),
        QCoreApplication::translate("cli", "Send it as a direct message to the member NAME."),
        QStringLiteral("NAME"));
    parser.addOption(dm);
    const QCommandLineOption pin = pinOption();
    parser.addOption(pin);
    if (const auto early = parseArguments(parser, arguments))
        return *early;

    const QStringList positional = parser.positionalArguments();
    const QString filePath = parser.value(fileOption);
    if (parser.isSet(fileOption) && filePath.isEmpty())
        return usageError(parser, QCoreApplication::translate("cli", "--file takes a path."));
    if (parser.isSet(fileOption) && positional.size() > 1)
        return usageError(parser,
                          QCoreApplication::translate("cli", "Give a text or --file, not both."));
    if (positional.size() < (parser.isSet(fileOption) ? 1 : 2))
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
    const QString dmName = parser.value(dm).trimmed();
    if (parser.isSet(dm) && (parser.isSet(common.to) || parser.isSet(common.room)))
        return usageError(parser,
                          QCoreApplication::translate("cli", "Use --to or --dm, not both."));
    if (parser.isSet(dm) && dmName.isEmpty())
        return usageError(parser, QCoreApplication::translate("cli", "--dm takes a name."));
    const QString channel = common.channel(parser);
    if (channel.isEmpty())
        return usageError(parser, QCoreApplication::translate("cli", "--to takes a channel."));

    std::optional<TlsPin> tlsPin;
    if (!pinArgument(parser, pin, &tlsPin, &error))
        return usageError(parser, error);

    HubApi api;
    api.setBaseUrl(*url);
    api.setPin(tlsPin);
    SessionStore store;
    store.openHub(parser.value(common.stateDir), *url, name);
    const QString clientId
        = QStringLiteral("c-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    int exitCode = ExitFailure;
    if (!filePath.isEmpty() && !QFileInfo(filePath).isFile()) {
        printLine(stderr,
                  QStringLiteral("confab send: ")
                      + QCoreApplication::translate("cli", "No such file: %1.").arg(filePath));
        return ExitUsage;
    }
    TerminalUpload fileSender(&api, parser.value(common.stateDir), *url, name, true);
    SignalWatcher termination;
    QObject::connect(&termination, &SignalWatcher::terminationRequested, [&] {
        // Interrupted: the hub keeps what it has; the same command later resumes from there.
        fileSender.pause();
        printLine(stderr, QString());
        QCoreApplication::exit(ExitInterrupted);
    });

    auto failWith = [&exitCode](const QString &message) {
        printLine(stderr, QStringLiteral("confab send: ") + sentence(message));
        exitCode = ExitFailure;
        QCoreApplication::exit(exitCode);
    };
    auto fail = [&failWith](const ApiError &apiError) { failWith(apiError.message); };
    // Steps, each calling the next; a 401 on the saved token signs in once and starts over.
    std::function<void(bool)> resolve;
    std::function<void(const QString &, bool)> post;
    auto signIn = [&] {
        api.signInToHub(name, password, [&](const ApiResult<HubSession> &result) {
            if (!result.ok())
                return fail(result.error);
            store.saveSession(
                {result.value->token, result.value->member, QString(), result.value->hubInstance});
            resolve(false);
        });
    };
    auto reauthenticate = [&](const ApiError &apiError, bool mayReauthenticate) {
        if (apiError.httpStatus != 401 || !mayReauthenticate)
            return false;
        store.forgetSession();
        signIn();
        return true;
    };
    // The same clientId on every retry: the hub keeps one copy at most.
    // The message (or the file) to the conversation: the same callback either way.
    auto deliver = [&](const QString &conversationId,
                       std::function<void(const ApiResult<PostedMessage> &)> done) {
        if (filePath.isEmpty()) {
            api.postToConversation(conversationId, text, clientId, std::move(done));
            return;
        }
        fileSender.send(conversationId, filePath,
                        [done = std::move(done)](const TerminalUpload::Result &sent) {
                            ApiResult<PostedMessage> result;
                            if (sent.ok)
                                result.value = PostedMessage {sent.messageId, 0};
                            else
                                result.error = sent.error;
                            done(result);
                        });
    };
    post = [&](const QString &conversationId, bool mayReauthenticate) {
        deliver(
            conversationId,
            [&, conversationId, mayReauthenticate](const ApiResult<PostedMessage> &result) {
                if (result.ok()) {
                    printLine(stdout, QString::number(result.value->id));
                    exitCode = ExitOk;
                    QCoreApplication::exit(exitCode);
                    return;
                }
                if (reauthenticate(result.error, mayReauthenticate))
                    return;
                if (result.error.code == QLatin1StringView(protocol::error::NotAMember)) {
                    // Not in that channel (yet): join it, then post.
                    api.joinChannel(conversationId,
                                    [&, conversationId](const ApiResult<ChannelInfo> &joined) {
                                        if (!joined.ok())
                                            return fail(joined.error);
                                        post(conversationId, false);
                                    });
                    return;
                }
                if (result.error.code == QLatin1StringView(protocol::error::UnknownConversation))
                    return failWith(
                        QCoreApplication::translate("cli", "There is no channel “%1” on this hub")
                            .arg(conversationId));
                fail(result.error);
            });
    };
    resolve = [&](bool mayReauthenticate) {
        if (dmName.isEmpty()) {
            post(channel, mayReauthenticate);
            return;
        }
        api.fetchHubMembers(
            [&, mayReauthenticate](const ApiResult<std::vector<MemberInfo>> &members) {
                if (!members.ok()) {
                    if (!reauthenticate(members.error, mayReauthenticate))
                        fail(members.error);
                    return;
                }
                QString memberId;
                for (const MemberInfo &info : *members.value) {
                    if (info.member.name.compare(dmName, Qt::CaseInsensitive) == 0)
                        memberId = info.member.id;
                }
                if (memberId.isEmpty())
                    return failWith(
                        QCoreApplication::translate("cli", "Nobody called “%1” is on this hub")
                            .arg(dmName));
                api.openDirectMessage(memberId, [&](const ApiResult<ConversationInfo> &opened) {
                    if (!opened.ok())
                        return fail(opened.error);
                    post(opened.value->id, false);
                });
            });
    };
    if (const auto saved = store.loadSession()) {
        api.setToken(saved->token);
        QTimer::singleShot(0, [&] { resolve(true); });
    } else {
        QTimer::singleShot(0, signIn);
    }
    return QCoreApplication::exec();
}

// ---------------------------------------------------------------------------------------------
namespace {

// How a conversation is named in the terminal: `#channel`, `@Name` for a DM.
QString labelOf(const ConversationInfo &info)
{
    if (info.kind == QLatin1StringView(protocol::KindDm))
        return QLatin1Char('@') + terminalSafe(info.title);
    return QLatin1Char('#') + terminalSafe(info.id);
}

QString messageLine(const QDateTime &when, const QString &sender, const QString &text)
{
    return QStringLiteral("[%1] %2: %3")
        .arg(when.toString(QStringLiteral("HH:mm")), terminalSafe(sender), terminalSafe(text));
}

// Prints the timeline of the conversation the user is in as rows arrive in its model, and the
// messages of every other conversation as they come, prefixed with where they were said.
class TerminalPrinter : public QObject
{
public:
    explicit TerminalPrinter(HubConnection *connection)
        : m_connection(connection)
    {
        connect(connection, &HubConnection::stateChanged, this,
                [](HubConnection::State, const QString &reason, int retryInMs) {
                    if (reason.isEmpty())
                        return;
                    QString line = QStringLiteral("* ") + sentence(reason);
                    if (retryInMs > 0)
                        line += QLatin1Char(' ') + SseClient::reconnectNote(retryInMs);
                    printLine(stderr, line);
                });
        connect(connection, &HubConnection::messageArrived, this,
                [this](const QString &conversationId, const MessageEvent &message, bool own, bool) {
                    if (conversationId == m_current || own)
                        return;
                    qint64 &printed = m_newestPrinted[conversationId];
                    if (message.id <= printed)
                        return;
                    printed = message.id;
                    printLine(
                        stdout,
                        QStringLiteral("[%1] ").arg(label(conversationId))
                            + messageLine(QDateTime::fromMSecsSinceEpoch(message.ts).toLocalTime(),
                                          message.from.name, message.text));
                });
    }

    QString current() const { return m_current; }
    QString label(const QString &conversationId) const
    {
        if (const auto info = m_connection->conversations()->info(conversationId))
            return labelOf(*info);
        return QLatin1Char('#') + terminalSafe(conversationId);
    }

    // Follows this conversation from now on (its page of history first, once).
    void follow(Conversation *conversation)
    {
        if (m_conversation)
            m_conversation->disconnect(this);
        if (m_model)
            m_model->disconnect(this);
        m_conversation = conversation;
        m_current = conversation->id();
        m_model = conversation->messages();
        m_connection->setActiveConversation(m_current);
        connect(m_model, &QAbstractItemModel::rowsInserted, this,
                [this](const QModelIndex &, int first, int last) { printRows(first, last); });
        connect(m_model, &QAbstractItemModel::modelReset, this,
                [this] { m_newestPrinted[m_current] = 0; });
        connect(m_model, &QAbstractItemModel::dataChanged, this,
                [this](const QModelIndex &topLeft, const QModelIndex &bottomRight,
                       const QList<int> &roles) {
                    if (roles.contains(MessageModel::EditedRole)
                        || roles.contains(MessageModel::DeletedRole))
                        printChanges(topLeft.row(), bottomRight.row());
                });
        connect(conversation, &Conversation::typingChanged, this, [](const QStringList &names) {
            if (!names.isEmpty())
                printLine(stderr,
                          QStringLiteral("* ")
                              + HubConnection::tr("%1 typing…")
                                    .arg(terminalSafe(names.join(QStringLiteral(", ")))));
        });
        printRows(0, m_model->rowCount() - 1);
    }

private:
    void printRows(int first, int last)
    {
        qint64 &newestPrinted = m_newestPrinted[m_current];
        for (int row = first; row <= last; ++row) {
            const QModelIndex index = m_model->index(row);
            const qint64 sequence = index.data(MessageModel::SequenceRole).toLongLong();
            // Pending rows wait for their sequence number; older pages are not replayed here.
            if (sequence <= newestPrinted)
                continue;
            newestPrinted = sequence;
            const QDateTime time = index.data(MessageModel::TimestampRole).toDateTime();
            if (index.data(MessageModel::KindRole).value<MessageModel::Kind>()
                == MessageModel::Kind::Notice) {
                printLine(stdout,
                          QStringLiteral("[%1] * %2")
                              .arg(time.toString(QStringLiteral("HH:mm")),
                                   terminalSafe(index.data(Qt::DisplayRole).toString())));
            } else if (index.data(MessageModel::DeletedRole).toBool()) {
                printLine(stdout,
                          QStringLiteral("[%1] * ").arg(time.toString(QStringLiteral("HH:mm")))
                              + QCoreApplication::translate("cli", "%1 deleted a message.")
                                    .arg(terminalSafe(
                                        index.data(MessageModel::SenderNameRole).toString())));
            } else {
                printLine(stdout,
                          messageLine(time, index.data(MessageModel::SenderNameRole).toString(),
                                      index.data(MessageModel::TextRole).toString()));
            }
        }
    }

    // An edit or delete of a message already printed: say so on a line of its own.
    void printChanges(int first, int last)
    {
        for (int row = first; row <= last; ++row) {
            const QModelIndex index = m_model->index(row);
            const QString sender
                = terminalSafe(index.data(MessageModel::SenderNameRole).toString());
            if (index.data(MessageModel::DeletedRole).toBool())
                printLine(
                    stdout,
                    QStringLiteral("* ")
                        + QCoreApplication::translate("cli", "%1 deleted a message.").arg(sender));
            else
                printLine(
                    stdout,
                    QStringLiteral("* ")
                        + QCoreApplication::translate("cli", "%1 edited a message: %2")
                              .arg(sender,
                                   terminalSafe(index.data(MessageModel::TextRole).toString())));
        }
    }

    HubConnection *m_connection;
    QPointer<Conversation> m_conversation;
    QPointer<MessageModel> m_model;
    QString m_current;
    QHash<QString, qint64> m_newestPrinted; // per conversation
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
        "Chat in the terminal: starts in lobby (or --to CHANNEL), prints the conversation's "
        "messages as they come, those of your other conversations prefixed with [#channel] or "
        "[@name], and sends each line read from standard input.\n"
        "Commands: /join CHANNEL (creates it when there is none), /dm NAME, /list (your "
        "conversations with unread counts), /leave (the channel you are in), /upload PATH (send "
        "a file here), /quit. /quit or end of input leaves (after the outbox and the upload are "
        "sent)."));
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
    const QString startChannel = common.channel(parser);
    if (startChannel.isEmpty())
        return usageError(parser, QCoreApplication::translate("cli", "--to takes a channel."));

    HubConnection connection;
    TerminalPrinter printer(&connection);
    StdinReader input;
    QTimer drainDeadline;
    drainDeadline.setSingleShot(true);
    bool leaving = false;
    bool everLive = false; // reached the hub at least once
    bool started = false; // in the first conversation
    int notSent = 0; // lines refused (too long for the hub) or dropped (over the reader's cap)
    SentLines sentLines;
    QStringList held; // lines typed before the first conversation was there to take them
    const auto say = [](const QString &text) { printLine(stderr, QStringLiteral("* ") + text); };

    // `/upload PATH`: one upload at a time, in the order typed; those typed before the first
    // conversation was there go to the conversation entered first.
    struct QueuedUpload
    {
        QString conversationId; // empty: the current one when its turn comes
        QString path;
    };
    QList<QueuedUpload> uploads;
    std::unique_ptr<TerminalUpload> fileSender; // made once the connection has a token
    std::function<void()> nextUpload;
    auto pendingCount = [&] {
        return connection.outboxSize() + int(held.size()) + int(uploads.size())
            + int(fileSender && fileSender->isBusy());
    };
    // The outbox is empty: the exit status says whether every line reached the hub.
    auto exitAfterDrain = [&] { QCoreApplication::exit(notSent == 0 ? ExitOk : ExitFailure); };
    auto leaveWhenSent = [&] {
        leaving = true;
        if (connection.state() == HubConnection::State::Failed) {
            QCoreApplication::exit(ExitFailure);
            return;
        }
        // Not even connected yet (end of input can come at once): wait for the hub as long as
        // for an outbox, so that "nothing to send" never hides "never reached the hub".
        if (everLive && started && pendingCount() == 0) {
            exitAfterDrain();
            return;
        }
        drainDeadline.start(DrainOutboxTimeoutMs);
    };
    auto sendLine = [&](const QString &line) {
        Conversation *conversation = connection.conversation(printer.current());
        if (!conversation) {
            held.append(line);
            return;
        }
        const QString clientId = conversation->send(line);
        if (!clientId.isEmpty())
            sentLines.add(clientId, line);
    };
    auto enter = [&](const QString &conversationId) {
        Conversation *conversation = connection.conversation(conversationId);
        if (!conversation)
            return false;
        printer.follow(conversation);
        say(QCoreApplication::translate("cli", "Now in %1.").arg(printer.label(conversationId)));
        if (!started) {
            started = true;
            for (const QString &line : std::exchange(held, {}))
                sendLine(line);
            nextUpload();
        }
        return true;
    };
    nextUpload = [&] {
        if (!started || !everLive || uploads.isEmpty() || (fileSender && fileSender->isBusy()))
            return;
        const QueuedUpload upload = uploads.takeFirst();
        const QString conversationId
            = upload.conversationId.isEmpty() ? printer.current() : upload.conversationId;
        if (!fileSender)
            fileSender = std::make_unique<TerminalUpload>(
                connection.api(), parser.value(common.stateDir), *url, identity->name, false);
        say(QCoreApplication::translate("cli", "Uploading %1 to %2…")
                .arg(terminalSafe(upload.path), printer.label(conversationId)));
        fileSender->send(conversationId, upload.path, [&](const TerminalUpload::Result &result) {
            if (result.ok) {
                say(QCoreApplication::translate("cli", "Uploaded (message %1).")
                        .arg(result.messageId));
            } else {
                ++notSent;
                say(QCoreApplication::translate("cli", "Not sent: %1")
                        .arg(sentence(result.error.message)));
            }
            // Called from within the sender: the next one starts once it has let go.
            QTimer::singleShot(0, [&] {
                nextUpload();
                if (leaving && pendingCount() == 0)
                    exitAfterDrain();
            });
        });
    };
    QObject::connect(&drainDeadline, &QTimer::timeout, [&] {
        if (!everLive)
            say(QCoreApplication::translate("cli",
                                            "Could not reach the hub at %1; nothing was sent.")
                    .arg(url->toString()));
        else
            say(HubConnection::tr("%n message(s) not sent; they stay in the outbox.", nullptr,
                                  pendingCount()));
        QCoreApplication::exit(ExitFailure);
    });
    QObject::connect(&connection, &HubConnection::outboxChanged, [&](int) {
        if (leaving && everLive && started && pendingCount() == 0)
            exitAfterDrain();
    });
    QObject::connect(&connection, &HubConnection::stateChanged,
                     [&](HubConnection::State state, const QString &, int) {
                         if (state == HubConnection::State::Failed)
                             QCoreApplication::exit(ExitFailure);
                         if (state == HubConnection::State::Live) {
                             everLive = true;
                             nextUpload();
                         }
                     });
    // The first list: start in the channel asked for (joining it when the member is not in it).
    QObject::connect(&connection, &HubConnection::conversationsLoaded, [&] {
        if (started)
            return;
        if (!enter(startChannel))
            connection.joinChannel(startChannel);
    });
    QObject::connect(
        &connection, &HubConnection::conversationOpened,
        [&](const QString &conversationId, bool created) {
            if (created)
                say(QCoreApplication::translate("cli", "There was no channel %1: created it.")
                        .arg(printer.label(conversationId)));
            enter(conversationId);
            if (leaving && started && pendingCount() == 0)
                exitAfterDrain();
        });
    QObject::connect(&connection, &HubConnection::conversationLeft,
                     [&](const QString &conversationId) {
                         if (conversationId != printer.current())
                             return;
                         say(QCoreApplication::translate("cli", "You left %1.")
                                 .arg(QLatin1Char('#') + terminalSafe(conversationId)));
                         // Somewhere to go on: lobby, or else the first conversation left.
                         if (conversationId != QLatin1StringView(protocol::DefaultRoomId)
                             && enter(QString::fromLatin1(protocol::DefaultRoomId)))
                             return;
                         const auto all = connection.conversations()->all();
                         if (!all.empty())
                             enter(all.front().id);
                         else
                             say(QCoreApplication::translate(
                                 "cli", "You are in no conversation now: /join CHANNEL."));
                     });
    QObject::connect(&connection, &HubConnection::actionFailed,
                     [&](const QString &, const QString &reason) {
                         say(sentence(reason));
                         // Could not even get into the first conversation: nothing to do here.
                         if (!started) {
                             QCoreApplication::exit(ExitFailure);
                         }
                     });
    // The hub refused a line for good (too long for it: the limit is the hub's, so it is the
    // hub that says no). Nothing is cut: the whole line stays unsent, and the user is told.
    QObject::connect(
        &connection, &HubConnection::sendRejected,
        [&](const QString &, const QString &clientId, const QString &reason) {
            ++notSent;
            const SentLines::Line line = sentLines.take(clientId);
            say(QCoreApplication::translate("cli", "Not sent (%1 characters, starting \"%2\"): %3")
                    .arg(QString::number(line.length), terminalSafe(line.start), sentence(reason)));
            if (leaving && pendingCount() == 0)
                exitAfterDrain();
        });
    QObject::connect(&input, &StdinReader::overlongLineDropped, [&] {
        ++notSent;
        say(QCoreApplication::translate("cli",
                                        "Not sent: a line of more than %1 KiB. Nothing of it was "
                                        "sent; split it into shorter lines.")
                .arg(StdinReader::MaxLineBytes / 1024));
    });
    auto listConversations = [&] {
        const auto all = connection.conversations()->all();
        printLine(stdout, QCoreApplication::translate("cli", "Conversations:"));
        for (const ConversationInfo &info : all) {
            QString line
                = (info.id == printer.current() ? QStringLiteral("* ") : QStringLiteral("  "))
                + labelOf(info);
            if (info.unread > 0)
                line += QStringLiteral("  ")
                    + QCoreApplication::translate("cli", "%n unread", nullptr, info.unread);
            if (info.mentions > 0)
                line += QStringLiteral(", ")
                    + QCoreApplication::translate("cli", "%n mention(s)", nullptr, info.mentions);
            printLine(stdout, line);
        }
    };
    QObject::connect(&input, &StdinReader::lineRead, [&](const QString &line) {
        if (leaving)
            return;
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty())
            return;
        // A line starting with "//" is a message that starts with "/".
        if (trimmed.startsWith(QLatin1Char('/')) && !trimmed.startsWith(QStringLiteral("//"))) {
            const qsizetype space = trimmed.indexOf(QLatin1Char(' '));
            const QString command = trimmed.left(space < 0 ? trimmed.size() : space);
            const QString argument = space < 0 ? QString() : trimmed.mid(space + 1).trimmed();
            if (command == QLatin1StringView("/quit")) {
                leaveWhenSent();
            } else if (command == QLatin1StringView("/list")) {
                listConversations();
            } else if (command == QLatin1StringView("/join") && !argument.isEmpty()) {
                const QString channel
                    = argument.startsWith(QLatin1Char('#')) ? argument.mid(1) : argument;
                if (connection.conversations()->rowOf(channel) >= 0)
                    enter(channel);
                else
                    connection.joinOrCreateChannel(channel);
            } else if (command == QLatin1StringView("/dm") && !argument.isEmpty()) {
                connection.openDirectMessageByName(
                    argument.startsWith(QLatin1Char('@')) ? argument.mid(1) : argument);
            } else if (command == QLatin1StringView("/upload") && !argument.isEmpty()) {
                if (fileSender && fileSender->isBusy())
                    say(QCoreApplication::translate(
                        "cli", "An upload is in progress: this one follows when it is done."));
                uploads.append({started ? printer.current() : QString(), argument});
                nextUpload();
            } else if (command == QLatin1StringView("/leave")) {
                const auto info = connection.conversations()->info(printer.current());
                if (info && info->kind == QLatin1StringView(protocol::KindDm))
                    say(QCoreApplication::translate(
                        "cli", "A direct message cannot be left; /join or /dm to go elsewhere."));
                else if (!printer.current().isEmpty())
                    connection.leaveChannel(printer.current());
            } else {
                say(QCoreApplication::translate(
                        "cli",
                        "Unknown command %1. Commands: /join CHANNEL, /dm NAME, /list, "
                        "/leave, /upload PATH, /quit (start a message with // to send a /).")
                        .arg(terminalSafe(command.left(LinePreviewChars))));
            }
            return;
        }
        sendLine(trimmed.startsWith(QStringLiteral("//"))
                     ? line.mid(line.indexOf(QLatin1Char('/')) + 1)
                     : line);
    });
    QObject::connect(&input, &StdinReader::endOfInput, leaveWhenSent);
    SignalWatcher termination;
    QObject::connect(&termination, &SignalWatcher::terminationRequested,
                     [] { QCoreApplication::exit(ExitOk); });

    HubConnection::Options options;
    if (!pinArgument(parser, pin, &options.pin, &error))
        return usageError(parser, error);
    options.hubUrl = *url;
    options.name = identity->name;
    options.password = identity->password;
    options.storageDir = parser.value(common.stateDir);
    connection.start(options);
    input.start();
    const int code = QCoreApplication::exec();
    connection.stop(false);
    return code;
}

} // namespace confab::cli
