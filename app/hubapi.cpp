#include "hubapi.h"

#include "protocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QUrlQuery>
#include <memory>

Q_LOGGING_CATEGORY(lcHubApi, "confab.hubapi")

namespace confab {

namespace {

constexpr QLatin1StringView NetworkErrorCode("network");

QString roomPath(const QString &roomId, QLatin1StringView tail)
{
    return QStringLiteral("rooms/") + QString::fromLatin1(QUrl::toPercentEncoding(roomId)) + tail;
}

} // namespace

ApiError HubApi::errorFromReply(QNetworkReply *reply, const QByteArray &body)
{
    ApiError error;
    if (const QString refusal = TlsPin::refusalOf(reply); !refusal.isEmpty()) {
        // Not a network error (those are retried): this hub will refuse again.
        error.httpStatus = -1;
        error.code = QStringLiteral("tls_pin_mismatch");
        error.message = refusal;
        return error;
    }
    error.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (error.httpStatus == 0) {
        error.code = NetworkErrorCode;
        error.message = reply->errorString();
        return error;
    }
    if (const auto details = ErrorBody::fromJson(QJsonDocument::fromJson(body).object())) {
        error.code = details->code;
        error.message = details->message.left(500);
    }
    if (error.code.isEmpty())
        error.code = QStringLiteral("http_%1").arg(error.httpStatus);
    if (error.message.isEmpty())
        error.message
            = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().left(100);
    bool ok = false;
    const int retryAfter = reply->rawHeader("Retry-After").toInt(&ok);
    if (ok)
        error.retryAfterSeconds = retryAfter;
    return error;
}

namespace {

ApiError malformed(const QString &what)
{
    return ApiError {-1, QStringLiteral("bad_response"), what, 0};
}

// `{"call": CALL}`, the answer to starting and accepting a call.
std::optional<CallInfo> callFromAnswer(const QJsonObject &answer)
{
    return CallInfo::fromJson(answer.value(QLatin1StringView("call")).toObject());
}

QString encoded(const QString &segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

QString conversationPath(const QString &conversationId, QLatin1StringView tail)
{
    // DM ids hold a colon ("dm:…"): percent-encoded, so that no URL parser takes it for a scheme.
    return QStringLiteral("conversations/") + encoded(conversationId) + tail;
}

// A handler that reads the answer with one of restapi's readers. An answer that is not that shape
// is an error of its own (bad_response), never a value made up from nothing.
template<class T, class Reader>
std::function<void(const QJsonObject *, const ApiError &)> reading(HubApi::Callback<T> done,
                                                                   Reader reader, const char *what)
{
    return
        [done = std::move(done), reader, what](const QJsonObject *answer, const ApiError &error) {
            ApiResult<T> result;
            result.error = error;
            if (answer) {
                result.value = reader(*answer);
                if (!result.value)
                    result.error = malformed(
                        QStringLiteral("The hub's answer is not %1.").arg(QLatin1StringView(what)));
            }
            if (done)
                done(result);
        };
}

std::function<void(const QJsonObject *, const ApiError &)>
nothing(HubApi::Callback<HubApi::Nothing> done)
{
    return [done = std::move(done)](const QJsonObject *answer, const ApiError &error) {
        ApiResult<HubApi::Nothing> result;
        result.error = error;
        if (answer)
            result.value = HubApi::Nothing {};
        if (done)
            done(result);
    };
}

} // namespace

HubApi::HubApi(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
    m_nam->setProxy(QNetworkProxy::NoProxy);
    m_nam->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

void HubApi::setBaseUrl(const QUrl &url)
{
    m_baseUrl = url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment);
    if (!m_baseUrl.path().endsWith(QLatin1Char('/')))
        m_baseUrl.setPath(m_baseUrl.path() + QLatin1Char('/'));
}

QUrl HubApi::baseUrl() const
{
    return m_baseUrl;
}

void HubApi::setToken(const QString &token)
{
    m_token = token;
}

QString HubApi::token() const
{
    return m_token;
}

void HubApi::setMaxResponseBytes(qint64 bytes)
{
    m_maxResponseBytes = bytes;
}

QUrl HubApi::apiUrl(const QString &path) const
{
    // ApiPrefix is absolute ("/api/v1"); keep a base path prefix if the hub sits below one.
    return m_baseUrl.resolved(
        QUrl(QString::fromLatin1(protocol::ApiPrefix).mid(1) + QLatin1Char('/') + path));
}

QUrl HubApi::apiV2Url(const QString &path) const
{
    return m_baseUrl.resolved(
        QUrl(QString::fromLatin1(protocol::ApiV2Prefix).mid(1) + QLatin1Char('/') + path));
}

QUrl HubApi::eventsUrl(const QString &roomId) const
{
    return apiUrl(roomPath(roomId, QLatin1StringView("/events")));
}

void HubApi::call(const QByteArray &method, const QUrl &url, const QJsonObject *body,
                  JsonHandler handler)
{
    QNetworkRequest request(m_pin ? TlsPin::secured(url) : url);
    if (m_pin)
        m_pin->apply(request);
    request.setTransferTimeout(RequestTimeoutMs);
    request.setRawHeader("Accept", "application/json");
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    QByteArray payload;
    if (body) {
        payload = QJsonDocument(*body).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    }
    if (method == "POST" || method == "DELETE" || method == "PUT" || method == "PATCH")
        request.setHeader(QNetworkRequest::ContentLengthHeader, payload.size());
    QNetworkReply *reply = m_nam->sendCustomRequest(request, method, payload);
    if (m_pin)
        m_pin->watch(reply);

    // A hostile or broken server must not make us buffer without end. Past the cap the call ends
    // at once, with our own error, not through the aborted reply's finished().
    auto shared = std::make_shared<JsonHandler>(std::move(handler));
    // readyRead, not downloadProgress: QNAM chokes the latter (at most one per 100 ms, and none
    // for a burst that then goes quiet).
    connect(reply, &QNetworkReply::readyRead, this,
            [this, reply, shared, generation = m_generation, cap = m_maxResponseBytes] {
                if (reply->bytesAvailable() <= cap)
                    return;
                qCWarning(lcHubApi) << "response too large; aborting" << reply->url().path();
                disconnect(reply, nullptr, this, nullptr);
                reply->abort();
                reply->deleteLater();
                QMetaObject::invokeMethod(
                    this,
                    [this, shared, generation] {
                        if (generation == m_generation)
                            (*shared)(nullptr,
                                      ApiError {-1, QStringLiteral("response_too_large"),
                                                QStringLiteral("The hub's answer is too large."),
                                                0});
                    },
                    Qt::QueuedConnection);
            });
    connect(reply, &QNetworkReply::finished, this, [reply, shared] {
        const JsonHandler &complete = *shared;
        reply->deleteLater();
        const QByteArray bytes = reply->readAll();
        if (reply->error() != QNetworkReply::NoError) {
            const ApiError error = errorFromReply(reply, bytes);
            qCDebug(lcHubApi) << reply->operation() << reply->url().path()
                              << "failed:" << error.httpStatus << error.code << error.message;
            complete(nullptr, error);
            return;
        }
        if (bytes.isEmpty()) {
            const QJsonObject empty;
            complete(&empty, {});
            return;
        }
        QJsonParseError parseError {};
        const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            complete(nullptr, malformed(QStringLiteral("The hub's answer is not a JSON object.")));
            return;
        }
        const QJsonObject object = document.object();
        complete(&object, {});
    });
}

void HubApi::signIn(const QString &name, const QString &password, const QString &roomId,
                    Callback<SessionInfo> done)
{
    SessionRequest request {name, std::nullopt, std::nullopt};
    if (!password.isEmpty())
        request.password = password;
    if (!roomId.isEmpty())
        request.room = roomId;
    const QJsonObject body = request.toJson();
    call("POST", apiUrl(QStringLiteral("session")), &body,
         [this, done = std::move(done)](const QJsonObject *answer, const ApiError &error) {
             ApiResult<SessionInfo> result;
             result.error = error;
             if (answer) {
                 if (auto info = SessionInfo::fromJson(*answer)) {
                     m_token = info->token;
                     result.value = std::move(*info);
                 } else {
                     result.error = malformed(
                         QStringLiteral("The hub's session answer lacks a token or member."));
                 }
             }
             done(result);
         });
}

void HubApi::signOut(Callback<Nothing> done)
{
    call("DELETE", apiUrl(QStringLiteral("session")), nullptr,
         [done = std::move(done)](const QJsonObject *answer, const ApiError &error) {
             ApiResult<Nothing> result;
             result.error = error;
             if (answer)
                 result.value = Nothing {};
             if (done)
                 done(result);
         });
}

void HubApi::postMessage(const QString &roomId, const QString &text, const QString &clientId,
                         Callback<PostedMessage> done)
{
    const QJsonObject body = MessageRequest {text, clientId}.toJson();
    call("POST", apiUrl(roomPath(roomId, QLatin1StringView("/messages"))), &body,
         [done = std::move(done)](const QJsonObject *answer, const ApiError &error) {
             ApiResult<PostedMessage> result;
             result.error = error;
             if (answer) {
                 result.value = PostedMessage::fromJson(*answer);
                 if (!result.value)
                     result.error
                         = malformed(QStringLiteral("The hub's answer lacks the message id."));
             }
             done(result);
         });
}

void HubApi::fetchHistory(const QString &roomId, qint64 beforeId, int limit,
                          Callback<HistoryPage> done)
{
    QUrl url = apiUrl(roomPath(roomId, QLatin1StringView("/messages")));
    QUrlQuery query;
    if (beforeId > 0)
        query.addQueryItem(QStringLiteral("before"), QString::number(beforeId));
    query.addQueryItem(QStringLiteral("limit"),
                       QString::number(qBound(1, limit, protocol::MaxHistoryPage)));
    url.setQuery(query);
    call("GET", url, nullptr,
         [done = std::move(done)](const QJsonObject *answer, const ApiError &error) {
             ApiResult<HistoryPage> result;
             result.error = error;
             if (answer)
                 result.value = HistoryPage::fromJson(*answer);
             done(result);
         });
}

void HubApi::fetchMembers(const QString &roomId, Callback<std::vector<MemberInfo>> done)
{
    call("GET", apiUrl(roomPath(roomId, QLatin1StringView("/members"))), nullptr,
         [done = std::move(done)](const QJsonObject *answer, const ApiError &error) {
             ApiResult<std::vector<MemberInfo>> result;
             result.error = error;
             if (answer)
                 result.value = memberListFromJson(*answer);
             done(result);
         });
}

void HubApi::fetchRooms(Callback<std::vector<RoomInfo>> done)
{
    call("GET", apiUrl(QStringLiteral("rooms")), nullptr,
         [done = std::move(done)](const QJsonObject *answer, const ApiError &error) {
             ApiResult<std::vector<RoomInfo>> result;
             result.error = error;
             if (answer)
                 result.value = roomListFromJson(*answer);
             done(result);
         });
}

void HubApi::sendTyping(const QString &roomId, Callback<Nothing> done)
{
    call("POST", apiUrl(roomPath(roomId, QLatin1StringView("/typing"))), nullptr,
         [done = std::move(done)](const QJsonObject *answer, const ApiError &error) {
             ApiResult<Nothing> result;
             result.error = error;
             if (answer)
                 result.value = Nothing {};
             if (done)
                 done(result);
         });
}

QUrl HubApi::memberEventsUrl() const
{
    return apiV2Url(QStringLiteral("events"));
}

void HubApi::signInToHub(const QString &name, const QString &password, Callback<HubSession> done)
{
    SessionRequest request {name, std::nullopt, std::nullopt};
    if (!password.isEmpty())
        request.password = password;
    const QJsonObject body = request.toJson();
    call("POST", apiV2Url(QStringLiteral("session")), &body,
         reading<HubSession>(
             [this, done = std::move(done)](const ApiResult<HubSession> &result) {
                 if (result.ok())
                     m_token = result.value->token;
                 done(result);
             },
             &HubSession::fromJson, "a session with a token and a member"));
}

void HubApi::signOutOfHub(Callback<Nothing> done)
{
    call("DELETE", apiV2Url(QStringLiteral("session")), nullptr, nothing(std::move(done)));
}

void HubApi::fetchHubMembers(Callback<std::vector<MemberInfo>> done)
{
    call("GET", apiV2Url(QStringLiteral("members")), nullptr,
         reading<std::vector<MemberInfo>>(std::move(done), &memberListFromJson, "a member list"));
}

void HubApi::fetchConversationMembers(const QString &conversationId,
                                      Callback<std::vector<MemberInfo>> done)
{
    call("GET", apiV2Url(conversationPath(conversationId, QLatin1StringView("/members"))), nullptr,
         reading<std::vector<MemberInfo>>(std::move(done), &memberListFromJson, "a member list"));
}

void HubApi::fetchChannels(Callback<std::vector<ChannelInfo>> done)
{
    call(
        "GET", apiV2Url(QStringLiteral("channels")), nullptr,
        reading<std::vector<ChannelInfo>>(std::move(done), &channelListFromJson, "a channel list"));
}

void HubApi::createChannel(const ChannelRequest &channel, Callback<ChannelInfo> done)
{
    const QJsonObject body = channel.toJson();
    call("POST", apiV2Url(QStringLiteral("channels")), &body,
         reading<ChannelInfo>(std::move(done), &ChannelInfo::fromJson, "a channel"));
}

void HubApi::joinChannel(const QString &channelId, Callback<ChannelInfo> done)
{
    call("PUT",
         apiV2Url(QStringLiteral("channels/") + encoded(channelId) + QStringLiteral("/members/me")),
         nullptr, reading<ChannelInfo>(std::move(done), &ChannelInfo::fromJson, "a channel"));
}

void HubApi::leaveChannel(const QString &channelId, Callback<Nothing> done)
{
    call("DELETE",
         apiV2Url(QStringLiteral("channels/") + encoded(channelId) + QStringLiteral("/members/me")),
         nullptr, nothing(std::move(done)));
}

void HubApi::openDirectMessage(const QString &memberId, Callback<ConversationInfo> done)
{
    const QJsonObject body = DmRequest {memberId}.toJson();
    call("POST", apiV2Url(QStringLiteral("dms")), &body,
         reading<ConversationInfo>(std::move(done), &ConversationInfo::fromJson, "a conversation"));
}

void HubApi::fetchConversations(Callback<std::vector<ConversationInfo>> done)
{
    call("GET", apiV2Url(QStringLiteral("conversations")), nullptr,
         reading<std::vector<ConversationInfo>>(std::move(done), &conversationListFromJson,
                                                "a conversation list"));
}

void HubApi::postToConversation(const QString &conversationId, const QString &text,
                                const QString &clientId, Callback<PostedMessage> done)
{
    const QJsonObject body = MessageRequest {text, clientId}.toJson();
    call("POST", apiV2Url(conversationPath(conversationId, QLatin1StringView("/messages"))), &body,
         reading<PostedMessage>(std::move(done), &PostedMessage::fromJson, "a message id"));
}

void HubApi::fetchConversationPage(const QString &conversationId, qint64 beforeId, int limit,
                                   Callback<HistoryPage> done)
{
    // 0: the newest page (no `before`).
    fetchConversationPageFrom(conversationId, beforeId > 0 ? "before" : nullptr, beforeId, limit,
                              std::move(done));
}

void HubApi::fetchConversationPageAround(const QString &conversationId, qint64 aroundId, int limit,
                                         Callback<HistoryPage> done)
{
    fetchConversationPageFrom(conversationId, "around", aroundId, limit, std::move(done));
}

void HubApi::fetchConversationPageAfter(const QString &conversationId, qint64 afterId, int limit,
                                        Callback<HistoryPage> done)
{
    fetchConversationPageFrom(conversationId, "after", afterId, limit, std::move(done));
}

void HubApi::fetchConversationPageFrom(const QString &conversationId, const char *anchor,
                                       qint64 anchorId, int limit, Callback<HistoryPage> done)
{
    QUrl url = apiV2Url(conversationPath(conversationId, QLatin1StringView("/messages")));
    QUrlQuery query;
    if (anchor)
        query.addQueryItem(QString::fromLatin1(anchor), QString::number(anchorId));
    query.addQueryItem(QStringLiteral("limit"),
                       QString::number(qBound(1, limit, protocol::MaxHistoryPage)));
    url.setQuery(query);
    call("GET", url, nullptr,
         reading<HistoryPage>(std::move(done), &HistoryPage::fromJson, "a page of history"));
}

void HubApi::search(const SearchQuery &search, Callback<SearchResults> done)
{
    QUrl url = apiV2Url(QStringLiteral("search"));
    QUrlQuery query;
    // Percent-encoded here: QUrlQuery would leave a `+`, which the hub reads as a space.
    query.addQueryItem(QStringLiteral("q"),
                       QString::fromLatin1(QUrl::toPercentEncoding(search.text)));
    if (!search.conversationId.isEmpty())
        query.addQueryItem(QStringLiteral("conversation"), encoded(search.conversationId));
    if (search.beforeId > 0)
        query.addQueryItem(QStringLiteral("before"), QString::number(search.beforeId));
    if (search.limit > 0)
        query.addQueryItem(QStringLiteral("limit"), QString::number(search.limit));
    url.setQuery(query);
    call("GET", url, nullptr,
         reading<SearchResults>(std::move(done), &SearchResults::fromJson, "search results"));
}

void HubApi::editMessage(const QString &conversationId, qint64 messageId, const QString &text,
                         Callback<PostedMessage> done)
{
    const QJsonObject body = EditRequest {text}.toJson();
    call("PATCH",
         apiV2Url(conversationPath(conversationId, QLatin1StringView("/messages/"))
                  + QString::number(messageId)),
         &body, reading<PostedMessage>(std::move(done), &PostedMessage::fromJson, "an event id"));
}

void HubApi::deleteMessage(const QString &conversationId, qint64 messageId,
                           Callback<PostedMessage> done)
{
    call("DELETE",
         apiV2Url(conversationPath(conversationId, QLatin1StringView("/messages/"))
                  + QString::number(messageId)),
         nullptr, reading<PostedMessage>(std::move(done), &PostedMessage::fromJson, "an event id"));
}

void HubApi::markRead(const QString &conversationId, qint64 upTo, Callback<Nothing> done)
{
    const QJsonObject body = ReadRequest {upTo}.toJson();
    call("POST", apiV2Url(conversationPath(conversationId, QLatin1StringView("/read"))), &body,
         nothing(std::move(done)));
}

void HubApi::sendConversationTyping(const QString &conversationId, Callback<Nothing> done)
{
    call("POST", apiV2Url(conversationPath(conversationId, QLatin1StringView("/typing"))), nullptr,
         nothing(std::move(done)));
}

void HubApi::startCall(const QString &calleeId, const QString &media, const QString &deviceId,
                       Callback<CallInfo> done)
{
    const QJsonObject body {{QStringLiteral("callee"), calleeId},
                            {QStringLiteral("media"), media},
                            {QStringLiteral("device"), deviceId}};
    call("POST", apiV2Url(QStringLiteral("calls")), &body,
         reading<CallInfo>(std::move(done), &callFromAnswer, "a call"));
}

void HubApi::fetchCalls(Callback<std::vector<CallInfo>> done)
{
    call("GET", apiV2Url(QStringLiteral("calls")), nullptr,
         reading<std::vector<CallInfo>>(
             std::move(done),
             [](const QJsonObject &answer) -> std::optional<std::vector<CallInfo>> {
                 const QJsonValue list = answer.value(QLatin1StringView("calls"));
                 if (!list.isArray())
                     return std::nullopt;
                 std::vector<CallInfo> calls;
                 for (const QJsonValue &item : list.toArray()) {
                     if (auto info = CallInfo::fromJson(item.toObject()))
                         calls.push_back(std::move(*info));
                 }
                 return calls;
             },
             "a call list"));
}

void HubApi::acceptCall(const QString &callId, const QString &deviceId, Callback<CallInfo> done)
{
    const QJsonObject body {{QStringLiteral("device"), deviceId}};
    call("POST", apiV2Url(QStringLiteral("calls/") + encoded(callId) + QStringLiteral("/accept")),
         &body, reading<CallInfo>(std::move(done), &callFromAnswer, "a call"));
}

void HubApi::declineCall(const QString &callId, Callback<Nothing> done)
{
    call("POST", apiV2Url(QStringLiteral("calls/") + encoded(callId) + QStringLiteral("/decline")),
         nullptr, nothing(std::move(done)));
}

void HubApi::hangupCall(const QString &callId, Callback<Nothing> done)
{
    call("POST", apiV2Url(QStringLiteral("calls/") + encoded(callId) + QStringLiteral("/hangup")),
         nullptr, nothing(std::move(done)));
}

void HubApi::requestHandoff(Callback<HandoffCode> done)
{
    call("POST", apiV2Url(QStringLiteral("session/handoff")), nullptr,
         reading<HandoffCode>(
             std::move(done),
             [](const QJsonObject &answer) -> std::optional<HandoffCode> {
                 const QString code = answer.value(QLatin1StringView("code")).toString();
                 if (code.isEmpty())
                     return std::nullopt;
                 return HandoffCode {code,
                                     qint64(answer.value(QLatin1StringView("expires")).toDouble())};
             },
             "a hand-off code"));
}

void HubApi::redeemHandoff(const QString &code, Callback<HubSession> done)
{
    const QJsonObject body {{QStringLiteral("code"), code}};
    call("POST", apiV2Url(QStringLiteral("session/handoff/redeem")), &body,
         reading<HubSession>(std::move(done), &HubSession::fromJson, "a session"));
}

QUrl HubApi::resolved(const QString &path) const
{
    const QUrl url = m_baseUrl.resolved(QUrl(path));
    return m_pin ? TlsPin::secured(url) : url;
}

QUrl HubApi::uploadsUrl() const
{
    return apiV2Url(QStringLiteral("uploads"));
}

QUrl HubApi::fileUrl(const QString &fileId, bool thumbnail) const
{
    return apiV2Url(QStringLiteral("files/") + encoded(fileId)
                    + (thumbnail ? QStringLiteral("/thumbnail") : QString()));
}

QNetworkRequest HubApi::authorizedRequest(const QUrl &url) const
{
    QNetworkRequest request(m_pin ? TlsPin::secured(url) : url);
    if (m_pin)
        m_pin->apply(request);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    return request;
}

void HubApi::watch(QNetworkReply *reply) const
{
    if (m_pin)
        m_pin->watch(reply);
}

void HubApi::fetchFile(const QString &fileId, bool thumbnail, qint64 maxBytes,
                       Callback<QByteArray> done)
{
    QNetworkRequest request = authorizedRequest(fileUrl(fileId, thumbnail));
    request.setTransferTimeout(RequestTimeoutMs);
    QNetworkReply *reply = m_nam->get(request);
    watch(reply);
    auto shared = std::make_shared<Callback<QByteArray>>(std::move(done));
    connect(reply, &QNetworkReply::readyRead, this,
            [this, reply, shared, generation = m_generation, maxBytes] {
                if (reply->bytesAvailable() <= maxBytes)
                    return;
                disconnect(reply, nullptr, this, nullptr);
                reply->abort();
                reply->deleteLater();
                QMetaObject::invokeMethod(
                    this,
                    [this, shared, generation] {
                        ApiResult<QByteArray> result;
                        result.error = ApiError {-1, QStringLiteral("response_too_large"),
                                                 QStringLiteral("The file is too large."), 0};
                        if (generation == m_generation && *shared)
                            (*shared)(result);
                    },
                    Qt::QueuedConnection);
            });
    connect(reply, &QNetworkReply::finished, this, [reply, shared] {
        reply->deleteLater();
        ApiResult<QByteArray> result;
        const QByteArray bytes = reply->readAll();
        if (reply->error() != QNetworkReply::NoError)
            result.error = errorFromReply(reply, bytes);
        else
            result.value = bytes;
        if (*shared)
            (*shared)(result);
    });
}

void HubApi::abortAll()
{
    ++m_generation;
    const auto replies = m_nam->findChildren<QNetworkReply *>();
    for (QNetworkReply *reply : replies) {
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
}

} // namespace confab
