#include "hub.h"

#include "eventfanout.h"
#include "httpserveradapter.h"
#include "hubidentity.h"
#include "hubstore.h"
#include "passwordcheck.h"
#include "ssewriter.h"
#include "tlspolicy.h"
#include "tokenbucket.h"

#include <confab/version.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTimer>

#include <cmath>
#include <map>

Q_LOGGING_CATEGORY(lcHub, "confab.hub")

namespace confab {

namespace {

constexpr int TokenBytes = 32; // 256 bits, above the 128 the protocol promises
constexpr int MemberIdBytes = 8;
constexpr qint64 MsPerDay = 24LL * 60 * 60 * 1000;
// last_used is written at most this often per session: a read must not cost a disk write.
constexpr qint64 SessionTouchIntervalMs = 60LL * 60 * 1000;
// A name stays reserved this long after its session is created, even before the member's first
// stream opens, so two people signing in at once cannot both take it.
constexpr qint64 NameReservationMs = 30 * 1000;
constexpr int DefaultHistoryPage = 50;
constexpr int HistoryPageMax = protocol::MaxHistoryPage;

constexpr QLatin1StringView SecurityHeadersCsp(
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'");

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

std::optional<QJsonObject> parseObject(const QByteArray &body)
{
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    for (int i = 0; i < count; ++i)
        bytes[i] = char(QRandomGenerator::system()->bounded(256));
    return bytes;
}

QByteArray hashToken(QByteArrayView token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool isValidRoomId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-]{1,32}$"));
    return pattern.match(id).hasMatch();
}

bool hasControlCharacters(const QString &text)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return true;
    }
    return false;
}

QByteArray contentTypeFor(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1StringView("html"))
        return QByteArrayLiteral("text/html; charset=utf-8");
    if (suffix == QLatin1StringView("js") || suffix == QLatin1StringView("mjs"))
        return QByteArrayLiteral("text/javascript; charset=utf-8");
    if (suffix == QLatin1StringView("css"))
        return QByteArrayLiteral("text/css; charset=utf-8");
    if (suffix == QLatin1StringView("svg"))
        return QByteArrayLiteral("image/svg+xml");
    if (suffix == QLatin1StringView("png"))
        return QByteArrayLiteral("image/png");
    if (suffix == QLatin1StringView("ico"))
        return QByteArrayLiteral("image/x-icon");
    if (suffix == QLatin1StringView("json") || suffix == QLatin1StringView("webmanifest"))
        return QByteArrayLiteral("application/json");
    if (suffix == QLatin1StringView("woff2"))
        return QByteArrayLiteral("font/woff2");
    if (suffix == QLatin1StringView("txt"))
        return QByteArrayLiteral("text/plain; charset=utf-8");
    return QByteArrayLiteral("application/octet-stream");
}

HttpReply unauthorized()
{
    return HttpReply::error(401, QLatin1StringView("unauthorized"),
                            QStringLiteral("A valid session token is needed."));
}

HttpReply notFound()
{
    return HttpReply::error(404, QLatin1StringView("not_found"), QStringLiteral("No such route."));
}

HttpReply unknownRoom()
{
    return HttpReply::error(404, QLatin1StringView("unknown_room"),
                            QStringLiteral("No such room."));
}

HttpReply badJson()
{
    return HttpReply::error(400, QLatin1StringView("bad_json"),
                            QStringLiteral("The body must be a JSON object."));
}

} // namespace

// ------------------------------------------------------------------------------------------------

class Hub::Private
{
public:
    struct Room
    {
        QString id;
        QString title;
        std::unique_ptr<EventFanout> fanout;
    };

    struct MemberState
    {
        Member member;
        QString room;
        QByteArray tokenHash;
        qint64 createdMs = 0;
        qint64 lastUsedMs = 0;
        qint64 lastPersistedUseMs = 0;
        int streams = 0;
        bool online = false;
        bool everStreamed = false;
        qint64 lastTypingMs = 0;
        TokenBucket bucket;
        std::unique_ptr<QTimer> offlineTimer;
    };

    Private(Hub *q, HubSettings settings);

    void handle(const HttpRequest &request, PendingResponse &response);
    HttpReply route(const HttpRequest &request, PendingResponse &response, bool *streamed);

    // routes
    HttpReply createSession(const HttpRequest &request);
    HttpReply endSession(const HttpRequest &request);
    HttpReply listRooms() const;
    HttpReply openStream(const HttpRequest &request, Room &room, PendingResponse &response,
                         bool *streamed);
    HttpReply postMessage(const HttpRequest &request, Room &room);
    HttpReply history(const HttpRequest &request, Room &room);
    HttpReply members(const HttpRequest &request, Room &room);
    HttpReply typing(const HttpRequest &request, Room &room);
    HttpReply health() const;
    QJsonObject tlsHealth() const;
    HttpReply metrics() const;
    HttpReply staticFile(const QString &path) const;

    bool originAllowed(const HttpRequest &request) const;
    MemberState *authenticate(const HttpRequest &request);
    MemberState *authenticateForRoom(const HttpRequest &request, const Room &room);
    bool nameTaken(const QString &room, const QString &name) const;
    void publish(Room &room, const ChatEvent &event);
    void streamOpened(MemberState &member, Room &room);
    void streamClosed(const QString &memberId);
    void addMemberState(const HubStore::Session &session, bool fresh);
    Room *findRoom(const QString &id);

    Hub *q;
    HubSettings settings;
    PasswordCheck password;
    std::unique_ptr<HubStore> store;
    std::unique_ptr<HttpServerAdapter> http;
    HubIdentity identity; // loaded only when TLS is on
    std::map<QString, Room> rooms;
    std::map<QString, MemberState> membersById;
    QHash<QByteArray, QString> memberIdByToken;
    HubMetrics counters;
    QElapsedTimer monotonic;
    bool started = false;
    bool stopped = false;
};

Hub::Private::Private(Hub *hub, HubSettings hubSettings)
    : q(hub)
    , settings(std::move(hubSettings))
    , password(settings.password)
{
    // Keep only the salted hash (PasswordCheck): the hub holds no copy of the clear text.
    settings.password.clear();
    monotonic.start();
    if (settings.roomIds.isEmpty())
        settings.roomIds = {QString::fromLatin1(protocol::DefaultRoomId)};
    static int instanceCounter = 0;
    store = std::make_unique<HubStore>(QStringLiteral("confab-hub-%1").arg(++instanceCounter));
}

Hub::Private::Room *Hub::Private::findRoom(const QString &id)
{
    const auto it = rooms.find(id);
    return it == rooms.end() ? nullptr : &it->second;
}

void Hub::Private::handle(const HttpRequest &request, PendingResponse &response)
{
    if (stopped) {
        response.reply(HttpReply::error(503, QLatin1StringView("shutting_down"),
                                        QStringLiteral("The hub is shutting down.")));
        return;
    }
    if (std::optional<HttpReply> answer = tlsPolicyAnswer(settings.tls, request)) {
        response.reply(*answer);
        return;
    }
    bool streamed = false;
    HttpReply reply = route(request, response, &streamed);
    reply.headOnly = request.method == "HEAD";
    if (!streamed)
        response.reply(reply);
}

HttpReply Hub::Private::route(const HttpRequest &request, PendingResponse &response, bool *streamed)
{
    const QByteArray &method = request.method;
    const QString &path = request.path;
    const bool isGet = method == "GET";
    const bool isPost = method == "POST";
    const auto methodNotAllowed = [](QByteArrayView allow) {
        HttpReply reply = HttpReply::error(405, QLatin1StringView("method_not_allowed"),
                                           QStringLiteral("This route does not take that method."));
        reply.headers.append(qMakePair(QByteArrayLiteral("Allow"), allow.toByteArray()));
        return reply;
    };
    if ((isPost || method == "DELETE" || method == "PUT" || method == "PATCH")
        && !originAllowed(request))
        return HttpReply::error(403, QLatin1StringView("forbidden_origin"),
                                QStringLiteral("Requests from other sites are not accepted."));

    if (path == QLatin1StringView("/healthz"))
        return isGet ? health() : methodNotAllowed("GET");
    if (path == QLatin1StringView("/metrics"))
        return isGet ? metrics() : methodNotAllowed("GET");

    const QString apiPrefix = QLatin1StringView(protocol::ApiPrefix) + QLatin1Char('/');
    if (!path.startsWith(apiPrefix) && path != QLatin1StringView(protocol::ApiPrefix)) {
        if (!isGet && method != "HEAD")
            return methodNotAllowed("GET");
        return staticFile(path);
    }

    const QStringList parts = path.mid(apiPrefix.size()).split(QLatin1Char('/'));
    if (parts.size() == 1 && parts[0] == QLatin1StringView("session")) {
        if (isPost)
            return createSession(request);
        if (method == "DELETE")
            return endSession(request);
        return methodNotAllowed("POST, DELETE");
    }
    if (parts.size() == 1 && parts[0] == QLatin1StringView("rooms"))
        return isGet ? listRooms() : methodNotAllowed("GET");
    if (parts.size() == 3 && parts[0] == QLatin1StringView("rooms")) {
        const QString &what = parts[2];
        const bool known = what == QLatin1StringView("events")
            || what == QLatin1StringView("messages") || what == QLatin1StringView("members")
            || what == QLatin1StringView("typing");
        if (!known)
            return notFound();
        if (what == QLatin1StringView("events") && !isGet)
            return methodNotAllowed("GET");
        if (what == QLatin1StringView("members") && !isGet)
            return methodNotAllowed("GET");
        if (what == QLatin1StringView("typing") && !isPost)
            return methodNotAllowed("POST");
        if (what == QLatin1StringView("messages") && !isGet && !isPost)
            return methodNotAllowed("GET, POST");
        Room *room = findRoom(parts[1]);
        if (!room)
            return unknownRoom();
        if (what == QLatin1StringView("events"))
            return openStream(request, *room, response, streamed);
        if (what == QLatin1StringView("members"))
            return members(request, *room);
        if (what == QLatin1StringView("typing"))
            return typing(request, *room);
        return isPost ? postMessage(request, *room) : history(request, *room);
    }
    return notFound();
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

Hub::Private::MemberState *Hub::Private::authenticate(const HttpRequest &request)
{
    QByteArray token;
    const QByteArray authorization = request.header("authorization");
    if (authorization.startsWith("Bearer ") || authorization.startsWith("bearer "))
        token = authorization.mid(7).trimmed();
    else if (request.query.hasQueryItem(QStringLiteral("token")))
        token = request.query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
    if (token.isEmpty() || token.size() > 256)
        return nullptr;
    const QByteArray tokenHash = hashToken(token);
    const QString memberId = memberIdByToken.value(tokenHash);
    const auto it = membersById.find(memberId);
    if (memberId.isEmpty() || it == membersById.end())
        return nullptr;
    MemberState &member = it->second;
    const qint64 now = nowMs();
    if (now - member.lastUsedMs > settings.sessionExpiryDays * MsPerDay)
        return nullptr;
    member.lastUsedMs = now;
    if (now - member.lastPersistedUseMs > SessionTouchIntervalMs) {
        store->touchSession(tokenHash, now);
        member.lastPersistedUseMs = now;
    }
    return &member;
}

Hub::Private::MemberState *Hub::Private::authenticateForRoom(const HttpRequest &request,
                                                             const Room &room)
{
    MemberState *member = authenticate(request);
    return member && member->room == room.id ? member : nullptr;
}

bool Hub::Private::nameTaken(const QString &room, const QString &name) const
{
    const qint64 now = nowMs();
    for (const auto &entry : membersById) {
        const MemberState &other = entry.second;
        if (other.room != room || other.member.name.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        const bool reserved = !other.everStreamed && now - other.createdMs < NameReservationMs;
        if (other.online || other.streams > 0 || reserved)
            return true;
    }
    return false;
}

void Hub::Private::publish(Room &room, const ChatEvent &event)
{
    room.fanout->publish(sse::frame(toWire(event)));
}

void Hub::Private::addMemberState(const HubStore::Session &session, bool fresh)
{
    MemberState state;
    state.member = session.member;
    state.room = session.room;
    state.tokenHash = session.tokenHash;
    state.createdMs = fresh ? session.createdMs : 0; // a restored session reserves no name
    state.lastUsedMs = session.lastUsedMs;
    state.lastPersistedUseMs = session.lastUsedMs;
    state.bucket = TokenBucket(settings.messagesPerSecond, settings.messageBurst);
    memberIdByToken.insert(session.tokenHash, session.member.id);
    membersById.insert_or_assign(session.member.id, std::move(state));
}

HttpReply Hub::Private::createSession(const HttpRequest &request)
{
    const auto body = parseObject(request.body);
    if (!body)
        return badJson();
    const QJsonValue nameValue = body->value(QLatin1StringView("name"));
    const QJsonValue passwordValue = body->value(QLatin1StringView("password"));
    const QJsonValue roomValue = body->value(QLatin1StringView("room"));
    if (!nameValue.isString() || (!passwordValue.isUndefined() && !passwordValue.isString())
        || (!roomValue.isUndefined() && !roomValue.isString()))
        return HttpReply::error(400, QLatin1StringView("bad_request"),
                                QStringLiteral("Expected {\"name\": string, \"password\"?: string, "
                                               "\"room\"?: string}."));
    const QString roomId = roomValue.isString() ? roomValue.toString()
                                                : QString::fromLatin1(protocol::DefaultRoomId);
    Room *room = findRoom(roomId);
    if (!room)
        return unknownRoom();
    if (!password.matches(passwordValue.toString()))
        return HttpReply::error(401, QLatin1StringView("wrong_password"),
                                QStringLiteral("The room password is wrong."));
    const QString name = nameValue.toString().trimmed();
    if (name.isEmpty() || name.size() > protocol::MaxNameChars || hasControlCharacters(name))
        return HttpReply::error(
            400, QLatin1StringView("bad_name"),
            QStringLiteral("Names are 1 to %1 printable characters.").arg(protocol::MaxNameChars));
    if (nameTaken(room->id, name))
        return HttpReply::error(409, QLatin1StringView("name_taken"),
                                QStringLiteral("Someone online already uses that name."));

    const QByteArray token
        = randomBytes(TokenBytes)
              .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const qint64 now = nowMs();
    HubStore::Session session {
        hashToken(token),
        Member {QStringLiteral("m_") + QString::fromLatin1(randomBytes(MemberIdBytes).toHex()),
                name},
        room->id, now, now};
    PresenceEvent join {PresenceState::Join, session.member, room->id, 0, now};
    if (!store->saveSession(session) || !store->appendPresence(join))
        return HttpReply::error(500, QLatin1StringView("store_failed"),
                                QStringLiteral("The hub could not save the session."));
    addMemberState(session, true);
    qCInfo(lcHub) << "session started for" << name << "in" << room->id;
    publish(*room, join);
    emit q->roomsChanged();

    const QJsonObject reply {
        {QStringLiteral("token"), QString::fromLatin1(token)},
        {QStringLiteral("member"), session.member.toJson()},
        {QStringLiteral("room"),
         QJsonObject {{QStringLiteral("id"), room->id}, {QStringLiteral("title"), room->title}}}};
    return HttpReply::json(201, compactJson(reply));
}

HttpReply Hub::Private::endSession(const HttpRequest &request)
{
    MemberState *member = authenticate(request);
    if (!member)
        return unauthorized();
    Room *room = findRoom(member->room);
    const Member who = member->member;
    PresenceEvent leave {PresenceState::Leave, who, member->room, 0, nowMs()};
    store->deleteSession(member->tokenHash);
    memberIdByToken.remove(member->tokenHash);
    membersById.erase(who.id);
    if (room) {
        if (store->appendPresence(leave))
            publish(*room, leave);
        room->fanout->closeMember(who.id);
    }
    qCInfo(lcHub) << "session ended for" << who.name;
    emit q->roomsChanged();
    return HttpReply::noContent();
}

HttpReply Hub::Private::listRooms() const
{
    QJsonArray list;
    for (const RoomSummary &summary : q->roomSummaries()) {
        list.append(QJsonObject {{QStringLiteral("id"), summary.id},
                                 {QStringLiteral("title"), summary.title},
                                 {QStringLiteral("members"), summary.members},
                                 {QStringLiteral("online"), summary.online},
                                 {QStringLiteral("locked"), summary.locked}});
    }
    return HttpReply::json(200, compactJson({{QStringLiteral("rooms"), list}}));
}

HttpReply Hub::Private::openStream(const HttpRequest &request, Room &room,
                                   PendingResponse &response, bool *streamed)
{
    MemberState *member = authenticateForRoom(request, room);
    if (!member)
        return unauthorized();

    QByteArray lastEventId = request.header("last-event-id");
    if (lastEventId.isEmpty() && request.query.hasQueryItem(QStringLiteral("lastEventId")))
        lastEventId = request.query.queryItemValue(QStringLiteral("lastEventId")).toUtf8();
    lastEventId = lastEventId.trimmed();

    // Single-threaded: replay from the store, then go live. Every event with an id is committed
    // before it is published, and the fan-out gives a new stream only what is published after
    // add(); nothing can be published in between, so there is no gap and no duplicate.
    QByteArray first = sse::retryField(settings.retryMs);
    if (!lastEventId.isEmpty()) {
        bool ok = false;
        const qint64 after = lastEventId.toLongLong(&ok);
        const qint64 newest = store->lastSequence(room.id);
        QString resetReason;
        if (!ok || after < 0)
            resetReason = QStringLiteral("unknown_id");
        else if (after > newest)
            resetReason = QStringLiteral("ahead_of_room");
        else if (newest - after > settings.maxReplayEvents)
            resetReason = QStringLiteral("too_old");
        if (!resetReason.isEmpty()) {
            first += sse::frame(toWire(ResetEvent {room.id, newest, resetReason}));
        } else {
            const std::vector<ChatEvent> events = store->eventsAfter(room.id, after);
            for (const ChatEvent &event : events)
                first += sse::frame(toWire(event));
            counters.eventsReplayed += qint64(events.size());
        }
    }
    std::unique_ptr<EventStream> stream = response.startStream(
        {qMakePair(QByteArrayLiteral("X-Accel-Buffering"), QByteArrayLiteral("no"))}, first);
    if (!stream)
        return HttpReply::error(500, QLatin1StringView("internal"),
                                QStringLiteral("The stream could not be opened."));
    *streamed = true;
    room.fanout->add(std::move(stream), member->member.id);
    streamOpened(*member, room);
    return {};
}

void Hub::Private::streamOpened(MemberState &member, Room &room)
{
    ++member.streams;
    member.everStreamed = true;
    if (member.offlineTimer)
        member.offlineTimer->stop();
    if (member.online)
        return;
    member.online = true;
    publish(room, PresenceEvent {PresenceState::Online, member.member, room.id, 0, nowMs()});
    emit q->roomsChanged();
}

void Hub::Private::streamClosed(const QString &memberId)
{
    const auto it = membersById.find(memberId);
    if (it == membersById.end())
        return;
    MemberState &member = it->second;
    member.streams = std::max(0, member.streams - 1);
    if (member.streams > 0 || stopped)
        return;
    if (!member.offlineTimer) {
        member.offlineTimer = std::make_unique<QTimer>();
        member.offlineTimer->setSingleShot(true);
        QObject::connect(member.offlineTimer.get(), &QTimer::timeout, q, [this, memberId] {
            const auto found = membersById.find(memberId);
            if (found == membersById.end() || found->second.streams > 0 || !found->second.online)
                return;
            found->second.online = false;
            if (Room *room = findRoom(found->second.room))
                publish(*room,
                        PresenceEvent {PresenceState::Offline, found->second.member, room->id, 0,
                                       nowMs()});
            emit q->roomsChanged();
        });
    }
    member.offlineTimer->start(settings.offlineGraceMs);
}

HttpReply Hub::Private::postMessage(const HttpRequest &request, Room &room)
{
    MemberState *member = authenticateForRoom(request, room);
    if (!member)
        return unauthorized();
    const auto body = parseObject(request.body);
    if (!body)
        return badJson();
    const QJsonValue textValue = body->value(QLatin1StringView("text"));
    const QJsonValue clientIdValue = body->value(QLatin1StringView("clientId"));
    if (!textValue.isString() || (!clientIdValue.isUndefined() && !clientIdValue.isString()))
        return HttpReply::error(
            400, QLatin1StringView("bad_request"),
            QStringLiteral("Expected {\"text\": string, \"clientId\": string}."));
    const QString text = textValue.toString();
    const QString clientId = clientIdValue.toString();
    if (text.trimmed().isEmpty())
        return HttpReply::error(400, QLatin1StringView("bad_request"),
                                QStringLiteral("The message is empty."));
    if (text.size() > settings.maxTextChars)
        return HttpReply::error(
            413, QLatin1StringView("text_too_long"),
            QStringLiteral("Messages are limited to %1 characters.").arg(settings.maxTextChars));
    if (clientId.size() > protocol::MaxClientIdChars)
        return HttpReply::error(
            400, QLatin1StringView("bad_request"),
            QStringLiteral("clientId is 1 to %1 characters.").arg(protocol::MaxClientIdChars));
    const auto answer = [](const MessageEvent &message) {
        return HttpReply::json(
            201,
            compactJson({{QStringLiteral("id"), message.id}, {QStringLiteral("ts"), message.ts}}));
    };
    // A retry of a message we already have: same answer, nothing new (and no rate-limit token).
    if (!clientId.isEmpty()) {
        if (const auto existing = store->messageByClientId(room.id, member->member.id, clientId))
            return answer(*existing);
    }
    qint64 retryAfterMs = 0;
    if (!member->bucket.take(monotonic.elapsed(), &retryAfterMs)) {
        HttpReply reply = HttpReply::error(429, QLatin1StringView("rate_limited"),
                                           QStringLiteral("Too many messages; slow down."));
        const qint64 seconds = std::max<qint64>(1, (retryAfterMs + 999) / 1000);
        reply.headers.append(
            qMakePair(QByteArrayLiteral("Retry-After"), QByteArray::number(seconds)));
        return reply;
    }
    MessageEvent message {0, room.id, member->member, text, nowMs(), clientId};
    if (!store->appendMessage(message))
        return HttpReply::error(500, QLatin1StringView("store_failed"),
                                QStringLiteral("The hub could not store the message."));
    ++counters.messages;
    publish(room, message);
    return answer(message);
}

HttpReply Hub::Private::history(const HttpRequest &request, Room &room)
{
    if (!authenticateForRoom(request, room))
        return unauthorized();
    bool ok = true;
    qint64 before = store->lastSequence(room.id) + 1;
    if (request.query.hasQueryItem(QStringLiteral("before")))
        before = request.query.queryItemValue(QStringLiteral("before")).toLongLong(&ok);
    int limit = DefaultHistoryPage;
    if (ok && request.query.hasQueryItem(QStringLiteral("limit")))
        limit = request.query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
    if (!ok || limit < 1 || before < 0)
        return HttpReply::error(400, QLatin1StringView("bad_request"),
                                QStringLiteral("before and limit must be positive numbers."));
    limit = std::min(limit, HistoryPageMax);
    bool hasMore = false;
    QJsonArray events;
    for (const ChatEvent &event : store->eventsBefore(room.id, before, limit, &hasMore)) {
        const WireEvent wire = toWire(event);
        events.append(
            QJsonObject {{QStringLiteral("type"), QString::fromLatin1(wire.type)},
                         {QStringLiteral("data"), QJsonDocument::fromJson(wire.data).object()}});
    }
    return HttpReply::json(
        200,
        compactJson({{QStringLiteral("events"), events}, {QStringLiteral("hasMore"), hasMore}}));
}

HttpReply Hub::Private::members(const HttpRequest &request, Room &room)
{
    if (!authenticateForRoom(request, room))
        return unauthorized();
    QJsonArray list;
    for (const auto &entry : membersById) {
        if (entry.second.room != room.id)
            continue;
        QJsonObject object = entry.second.member.toJson();
        object.insert(QStringLiteral("online"), entry.second.online);
        list.append(object);
    }
    return HttpReply::json(200, compactJson({{QStringLiteral("members"), list}}));
}

HttpReply Hub::Private::typing(const HttpRequest &request, Room &room)
{
    MemberState *member = authenticateForRoom(request, room);
    if (!member)
        return unauthorized();
    const qint64 now = monotonic.elapsed();
    if (member->lastTypingMs == 0 || now - member->lastTypingMs >= settings.typingIntervalMs) {
        member->lastTypingMs = std::max<qint64>(1, now);
        publish(room, TypingEvent {member->member, room.id});
    }
    return HttpReply::noContent();
}

HttpReply Hub::Private::health() const
{
    return HttpReply::json(
        200,
        compactJson({{QStringLiteral("status"), QStringLiteral("ok")},
                     {QStringLiteral("version"), QStringLiteral(CONFAB_VERSION_STRING)},
                     {QStringLiteral("api"), protocol::ApiVersion},
                     {QStringLiteral("tls"), tlsHealth()}}));
}

QJsonObject Hub::Private::tlsHealth() const
{
    const char *mode = settings.tls == TlsMode::Off ? "off"
        : settings.tls == TlsMode::Required         ? "required"
                                                    : "preferred";
    QJsonObject tls {{QStringLiteral("mode"), QLatin1StringView(mode)}};
    if (settings.tls != TlsMode::Off)
        tls.insert(QStringLiteral("fingerprint"), identity.fingerprint());
    return tls;
}

HttpReply Hub::Private::metrics() const
{
    QByteArray text;
    const auto metric
        = [&text](const char *name, const char *type, const char *help, qint64 value) {
              text += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type
                  + '\n' + name + ' ' + QByteArray::number(value) + '\n';
          };
    metric("confab_subscribers", "gauge", "Open event streams.", q->subscriberCount());
    metric("confab_connections", "gauge", "Open TCP connections.", http->connectionCount());
    metric("confab_messages_total", "counter", "Messages stored.", counters.messages);
    metric("confab_events_sent_total", "counter", "Events written to subscribers.",
           counters.eventsSent);
    metric("confab_bytes_sent_total", "counter", "Event-stream bytes written.", counters.bytesSent);
    metric("confab_slow_subscribers_dropped_total", "counter",
           "Subscribers dropped for not reading.", counters.slowDropped);
    metric("confab_events_replayed_total", "counter", "Events replayed from Last-Event-ID.",
           counters.eventsReplayed);
    metric("confab_requests_refused_total", "counter", "Requests refused by the connection guard.",
           http->refusedCount());
    metric("confab_tls_handshakes_total", "counter", "TLS handshakes completed.",
           http->connections()->tlsHandshakesCompleted());
    metric("confab_tls_handshakes_failed_total", "counter",
           "TLS handshakes that failed or timed out (garbage, old protocol versions, stalls).",
           http->connections()->tlsHandshakesFailed());
    metric("confab_connections_silent_closed_total", "counter",
           "Connections closed before they sent a byte.", http->connections()->silentClosedCount());
    return HttpReply {200, QByteArrayLiteral("text/plain; version=0.0.4"), text, {}};
}

HttpReply Hub::Private::staticFile(const QString &path) const
{
    QString relative = QDir::cleanPath(path);
    if (relative == QLatin1StringView("/") || relative.isEmpty())
        relative = QStringLiteral("/index.html");
    if (relative.contains(QLatin1StringView("..")))
        return notFound();
    QFile file(QStringLiteral(":/web") + relative);
    if (!file.open(QIODevice::ReadOnly))
        return notFound();
    HttpReply reply {200, contentTypeFor(relative), file.readAll(), {}};
    reply.headers = {
        qMakePair(QByteArrayLiteral("Content-Security-Policy"),
                  QByteArray(SecurityHeadersCsp.data())),
        qMakePair(QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")),
        qMakePair(QByteArrayLiteral("Referrer-Policy"), QByteArrayLiteral("no-referrer")),
        qMakePair(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")),
    };
    return reply;
}

// ------------------------------------------------------------------------------------------------

Hub::Hub(HubSettings settings, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(settings)))
{ }

Hub::~Hub()
{
    // Streams hold QtHttpServer responders: they must go before the HTTP server.
    d->rooms.clear();
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
    if (d->settings.tls != TlsMode::Off && !d->identity.loadOrCreate(dataDir, errorMessage))
        return false;
    if (!d->store->open(dataDir, errorMessage))
        return false;

    for (const QString &id : std::as_const(d->settings.roomIds)) {
        Private::Room room;
        room.id = id;
        room.title = d->settings.title.isEmpty() ? id : d->settings.title;
        room.fanout = std::make_unique<EventFanout>(d->settings.maxUnsentBytes,
                                                    d->settings.heartbeatMs, &d->counters);
        connect(room.fanout.get(), &EventFanout::subscriberLeft, this,
                [this](const QString &memberId) { d->streamClosed(memberId); });
        d->rooms.emplace(id, std::move(room));
    }
    const qint64 expiredBefore = nowMs() - d->settings.sessionExpiryDays * MsPerDay;
    for (const HubStore::Session &session : d->store->loadSessions(expiredBefore)) {
        if (d->findRoom(session.room))
            d->addMemberState(session, false);
    }

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
        tls.setLocalCertificate(d->identity.certificate());
        tls.setPrivateKey(d->identity.privateKey());
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients are not asked for certificates
        d->http->enableTls(tls);
    }
    if (!d->http->listen(d->settings.bindAddress, d->settings.port, errorMessage)) {
        d->rooms.clear();
        d->http.reset();
        d->store->close();
        return false;
    }
    d->started = true;
    qCInfo(lcHub) << "hub serving" << d->settings.roomIds << "on port" << port() << "data in"
                  << d->store->filePath();
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
    const QByteArray bye = sse::frame(toWire(ByeEvent {reason}));
    for (auto &entry : d->rooms)
        entry.second.fanout->closeAll(bye);
    d->http->stopListening();
    d->store->close();
    qCInfo(lcHub) << "hub shut down:" << reason;
}

QList<Hub::RoomSummary> Hub::roomSummaries() const
{
    QList<RoomSummary> summaries;
    for (const auto &[id, room] : d->rooms) {
        RoomSummary summary {id, room.title, 0, 0, d->password.isSet()};
        for (const auto &entry : d->membersById) {
            if (entry.second.room != id)
                continue;
            ++summary.members;
            if (entry.second.online)
                ++summary.online;
        }
        summaries.append(summary);
    }
    return summaries;
}

int Hub::connectionCount() const
{
    return d->http ? d->http->connectionCount() : 0;
}

int Hub::subscriberCount() const
{
    int count = 0;
    for (const auto &entry : d->rooms)
        count += entry.second.fanout->count();
    return count;
}

QString Hub::tlsFingerprint() const
{
    return d->settings.tls == TlsMode::Off ? QString() : d->identity.fingerprint();
}

QString Hub::dataDirectory() const
{
    return d->settings.dataDir;
}

} // namespace confab
