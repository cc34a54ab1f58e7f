// The composition root: makes the store, the bus, the services and the router, wires them, and
// starts and stops them in order. Everything a request does happens in api/ (routes), chat/
// (services), store/ and bus/; nothing here answers a request.

#include "hub.h"

#include "api/routes.h"
#include "bus/localeventbus.h"
#include "chat/callservice.h"
#include "chat/conversationservice.h"
#include "chat/filescookies.h"
#include "chat/identityservice.h"
#include "chat/messageservice.h"
#include "chat/searchservice.h"
#include "files/fileservice.h"
#include "httpserveradapter.h"
#include "hubidentity.h"
#include "passwordcheck.h"
#include "store/sqlitechatstore.h"
#include "tlspolicy.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>

Q_LOGGING_CATEGORY(lcHub, "confab.hub")

namespace confab {

namespace {

bool isValidRoomId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-]{1,32}$"));
    return pattern.match(id).hasMatch();
}

} // namespace

class Hub::Private
{
public:
    Private(Hub *q, HubSettings settings);

    void handle(const HttpRequest &request, PendingResponse &response);
    bool originAllowed(const HttpRequest &request) const;
    QJsonObject tlsHealth() const;

    HubSettings settings;
    PasswordCheck password;
    HubIdentity tlsIdentity; // loaded only when TLS is on
    HubMetrics counters;
    // Declaration order is construction order: each part only uses those above it.
    std::unique_ptr<SqliteChatStore> store;
    std::unique_ptr<LocalEventBus> bus;
    std::unique_ptr<ConversationService> conversations;
    std::unique_ptr<IdentityService> identity;
    std::unique_ptr<MessageService> messages;
    std::unique_ptr<SearchService> search;
    std::unique_ptr<FileService> files;
    std::unique_ptr<FilesCookies> filesCookies;
    std::unique_ptr<CallService> calls;
    std::unique_ptr<HubServices> services;
    std::unique_ptr<Router> router;
    std::unique_ptr<HttpServerAdapter> http;
    bool started = false;
    bool stopped = false;
};

Hub::Private::Private(Hub *q, HubSettings hubSettings)
    : settings(std::move(hubSettings))
    , password(settings.password)
{
    // Keep only the salted hash (PasswordCheck): the hub holds no copy of the clear text.
    settings.password.clear();
    if (settings.roomIds.isEmpty())
        settings.roomIds = {QString::fromLatin1(protocol::DefaultRoomId)};
    static int instanceCounter = 0;
    store
        = std::make_unique<SqliteChatStore>(QStringLiteral("confab-hub-%1").arg(++instanceCounter));
    bus = std::make_unique<LocalEventBus>(settings.maxUnsentBytes, settings.heartbeatMs, &counters);
    conversations = std::make_unique<ConversationService>(*store, *bus, settings.offlineGraceMs,
                                                          settings.typingIntervalMs);
    identity = std::make_unique<IdentityService>(*store, *conversations, password,
                                                 settings.sessionExpiryDays);
    messages = std::make_unique<MessageService>(
        *store, *bus,
        MessageService::Limits {settings.maxTextChars, settings.messagesPerSecond,
                                settings.messageBurst, settings.maxReplayEvents},
        counters);
    search = std::make_unique<SearchService>(store->searchIndex(), *conversations, *identity);
    files = std::make_unique<FileService>(
        store->fileStore(), *messages, *conversations, *identity,
        FileService::Limits {settings.maxFileBytes, settings.maxStorageBytes,
                             settings.maxUploadsPerMember, settings.uploadExpiryMs});
    filesCookies = std::make_unique<FilesCookies>(store->fileStore(), *identity);
    calls = std::make_unique<CallService>(
        *store, *bus, *conversations, *messages,
        CallService::Limits {settings.callRingTimeoutMs, hubdefaults::CallsPerWindow,
                             hubdefaults::CallRateWindowMs, hubdefaults::CallEndedMemoryMs,
                             hubdefaults::MaxSdpBytes},
        counters);
    services = std::make_unique<HubServices>(HubServices {
        settings, *identity, *conversations, *messages, *bus, *store, password, counters,
        [this] { return http ? http->connectionCount() : 0; },
        [this] { return http ? http->refusedCount() : qint64(0); }, [this] { return tlsHealth(); },
        [this] { return http ? http->connections()->tlsHandshakesCompleted() : qint64(0); },
        [this] { return http ? http->connections()->tlsHandshakesFailed() : qint64(0); },
        [this] { return http ? http->connections()->silentClosedCount() : qint64(0); },
        files.get()});

    conversations->setNameLookup([this](const QString &memberId) {
        const Identity *found = identity->findMember(memberId);
        return found ? found->member.name : QString();
    });
    bus->setMemberResolver(
        [this](const QString &conversation) { return conversations->membersOf(conversation); });
    QObject::connect(bus.get(), &EventBus::subscriberLeft, conversations.get(),
                     &ConversationService::streamClosed);
    QObject::connect(identity.get(), &IdentityService::sessionEnded, q,
                     [this](const QString &memberId) { messages->forget(memberId); });
    // A call's events are not in the store: a member's replay takes them from the call service.
    messages->setAddressedEvents([this](const QString &memberId, qint64 afterId) {
        return calls->eventsFor(memberId, afterId);
    });
    QObject::connect(conversations.get(), &ConversationService::memberGone, calls.get(),
                     &CallService::memberGone);
    QObject::connect(conversations.get(), &ConversationService::roomsChanged, q,
                     &Hub::roomsChanged);

    router = std::make_unique<Router>(
        [this](const QByteArray &token) { return identity->authenticate(token); },
        [this](const HttpRequest &request) { return originAllowed(request); });
    addSessionRoutes(*router, *services);
    addRoomRoutes(*router, *services);
    addMessageRoutes(*router, *services);
    addEventRoutes(*router, *services);
    addChannelRoutes(*router, *services);
    addConversationRoutes(*router, *services);
    addOpsRoutes(*router, *services);
    addSearchRoutes(*router, *services, *search);
    addUploadRoutes(*router, *services, *files);
    addFileRoutes(*router, *services, *files, *filesCookies);
    addCallRoutes(*router, *services, *calls);
    addStaticRoutes(*router);
}

void Hub::Private::handle(const HttpRequest &request, PendingResponse &response)
{
    if (stopped) {
        response.reply(HttpReply::error(503, QLatin1StringView(protocol::error::ShuttingDown),
                                        QStringLiteral("The hub is shutting down.")));
        return;
    }
    if (std::optional<HttpReply> answer = tlsPolicyAnswer(settings.tls, request)) {
        response.reply(*answer);
        return;
    }
    bool streamed = false;
    HttpReply reply = router->route(request, response, &streamed);
    reply.headOnly = request.method == "HEAD";
    if (!streamed)
        response.reply(reply);
}

bool Hub::Private::originAllowed(const HttpRequest &request) const
{
    // Browsers always send Host and, for cross-site POSTs, Origin. Native clients may send
    // neither; they are not the threat (a page on another site posting into the room is).
    const QByteArray host = request.header("host");
    if (!host.isEmpty()) {
        const qsizetype bracket = host.lastIndexOf(']');
        const qsizetype colon = host.lastIndexOf(':');
        quint16 hostPort = request.encrypted ? 443 : 80;
        if (colon > bracket) {
            bool ok = false;
            hostPort = host.mid(colon + 1).toUShort(&ok);
            if (!ok)
                return false;
        }
        if (hostPort != http->port())
            return false;
    }
    const QByteArray origin = request.header("origin");
    if (origin.isEmpty())
        return true;
    if (host.isEmpty())
        return false;
    // The page's own origin, in the scheme the request came with (the hub serves both).
    const QByteArray scheme = request.encrypted ? "https://" : "http://";
    return origin.compare(QByteArray(scheme + host), Qt::CaseInsensitive) == 0;
}

QJsonObject Hub::Private::tlsHealth() const
{
    const char *mode = settings.tls == TlsMode::Off ? "off"
        : settings.tls == TlsMode::Required         ? "required"
                                                    : "preferred";
    QJsonObject tls {{QStringLiteral("mode"), QLatin1StringView(mode)}};
    if (settings.tls != TlsMode::Off)
        tls.insert(QStringLiteral("fingerprint"), tlsIdentity.fingerprint());
    return tls;
}

// ------------------------------------------------------------------------------------------------

Hub::Hub(HubSettings settings, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(settings)))
{ }

Hub::~Hub()
{
    // Streams hold QtHttpServer responders: they (in the bus) must go before the HTTP server.
    d->router.reset();
    d->filesCookies.reset();
    d->files.reset();
    d->calls.reset();
    d->search.reset();
    d->messages.reset();
    d->identity.reset();
    d->conversations.reset();
    d->bus.reset();
    d->http.reset();
    d->store->close();
}

bool Hub::start(QString *errorMessage)
{
    if (d->started) {
        if (errorMessage)
            *errorMessage = QStringLiteral("the hub is already started");
        return false;
    }
    for (const QString &id : std::as_const(d->settings.roomIds)) {
        if (!isValidRoomId(id)) {
            if (errorMessage)
                *errorMessage = QStringLiteral("invalid room id: %1").arg(id);
            return false;
        }
    }
    QString dataDir = d->settings.dataDir;
    if (dataDir.isEmpty())
        dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    d->settings.dataDir = dataDir;
    if (d->settings.tls != TlsMode::Off && !d->tlsIdentity.loadOrCreate(dataDir, errorMessage))
        return false;
    if (!d->store->open(dataDir, errorMessage))
        return false;
    d->conversations->load();

    for (const QString &id : std::as_const(d->settings.roomIds)) {
        const QString title = d->settings.title.isEmpty() ? id : d->settings.title;
        if (!d->store->ensureChannel(id, title, QDateTime::currentMSecsSinceEpoch())) {
            if (errorMessage)
                *errorMessage = QStringLiteral("cannot record the channel %1").arg(id);
            d->store->close();
            return false;
        }
        d->conversations->addRoom(id, title);
    }
    d->identity->restore();
    if (!d->files->start(dataDir, errorMessage)) {
        d->store->close();
        return false;
    }
    d->filesCookies->restore(); // after the sessions: a cookie lives only with its session
    d->search->startIndexing();

    GuardedTcpServer::Limits limits;
    limits.maxConnections = d->settings.maxConnections;
    limits.maxHeaderBytes = d->settings.maxHeaderBytes;
    limits.maxBodyBytes = d->settings.maxBodyBytes;
    limits.requestTimeoutMs = d->settings.requestTimeoutMs;
    limits.idleTimeoutMs = d->settings.idleTimeoutMs;
    limits.handshakeTimeoutMs = d->settings.tlsHandshakeTimeoutMs;
    d->http = std::make_unique<HttpServerAdapter>(
        limits, [this](const HttpRequest &request, PendingResponse &response) {
            d->handle(request, response);
        });
    if (d->settings.tls != TlsMode::Off) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(d->tlsIdentity.certificate());
        tls.setPrivateKey(d->tlsIdentity.privateKey());
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients are not asked for certificates
        d->http->enableTls(tls);
    }
    if (!d->http->listen(d->settings.bindAddress, d->settings.port, errorMessage)) {
        d->http.reset();
        d->store->close();
        return false;
    }
    d->started = true;
    qCInfo(lcHub) << "hub serving" << d->settings.roomIds << "on port" << port() << "data in"
                  << d->store->location();
    return true;
}

quint16 Hub::port() const
{
    return d->http ? d->http->port() : 0;
}

void Hub::shutdown(const QString &reason)
{
    if (!d->started || d->stopped)
        return;
    d->stopped = true;
    // Posts waiting for their group commit are stored, answered and published before the bye.
    d->messages->commitPending();
    d->conversations->stop();
    d->search->stopIndexing();
    d->files->stop();
    d->bus->closeAll(PublishableEvent::bye(reason));
    d->http->stopListening();
    d->store->close();
    qCInfo(lcHub) << "hub shut down:" << reason;
}

QList<Hub::RoomSummary> Hub::roomSummaries() const
{
    const std::vector<RoomInfo> rooms = roomInfos(*d->services);
    return QList<RoomSummary>(rooms.begin(), rooms.end());
}

int Hub::connectionCount() const
{
    return d->http ? d->http->connectionCount() : 0;
}

int Hub::subscriberCount() const
{
    return d->bus->subscriberCount();
}

QString Hub::tlsFingerprint() const
{
    return d->settings.tls == TlsMode::Off ? QString() : d->tlsIdentity.fingerprint();
}

QString Hub::dataDirectory() const
{
    return d->settings.dataDir;
}

} // namespace confab
