#pragma once
// The hub's REST calls (docs/protocol.md, "Routes"), typed. Uses its own QNetworkAccessManager,
// separate from the event stream's, so that a stream never takes a connection a post needs.
// Every call ends in exactly one callback, with either a value or an error; errors carry the
// hub's `{"error": {"code", "message"}}` when there is one.

#include "calls.h"
#include "chatevent.h"
#include "pinnedtls.h"
#include "restapi.h" // the bodies: SessionInfo, PostedMessage, HistoryPage, MemberInfo, RoomInfo
#include "searchapi.h"

#include <QObject>
#include <QUrl>
#include <functional>
#include <optional>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;
class QJsonObject;

namespace confab {

struct ApiError
{
    int httpStatus = 0; // 0: no answer at all (network error, timeout); -1: refused by us
    QString code; // the hub's stable word (e.g. "name_taken"), or "network"
    QString message; // for logs and humans
    int retryAfterSeconds = 0; // from a 429's Retry-After

    bool isNetwork() const { return httpStatus == 0; }
    // Worth trying again later with the same request (nothing was wrong with the request itself).
    bool isTransient() const { return httpStatus == 0 || httpStatus == 429 || httpStatus >= 500; }
};

template<class T> struct ApiResult
{
    std::optional<T> value;
    ApiError error;
    bool ok() const { return value.has_value(); }
};

class HubApi : public QObject
{
    Q_OBJECT
public:
    static constexpr int RequestTimeoutMs = 15000;
    static constexpr qint64 MaxResponseBytes = 16 * 1024 * 1024; // 200 events of 4000 chars fit

    template<class T> using Callback = std::function<void(const ApiResult<T> &)>;
    struct Nothing
    {
    };

    explicit HubApi(QObject *parent = nullptr);

    // The hub's base URL (http://host:port/, a path prefix is kept).
    void setBaseUrl(const QUrl &url);
    // Accept only the hub whose certificate has this fingerprint (and use https://). Calls to
    // another hub fail with code "tls_pin_mismatch" before anything is sent.
    void setPin(const std::optional<TlsPin> &pin) { m_pin = pin; }
    bool isPinned() const { return m_pin.has_value(); }
    QUrl baseUrl() const;
    void setToken(const QString &token);
    QString token() const;
    // Answers larger than this fail with `response_too_large` (default MaxResponseBytes).
    void setMaxResponseBytes(qint64 bytes);

    // URL of the room's event stream (the token goes in a header, not here).
    QUrl eventsUrl(const QString &roomId) const;

    void signIn(const QString &name, const QString &password, const QString &roomId,
                Callback<SessionInfo> done);
    void signOut(Callback<Nothing> done);
    void postMessage(const QString &roomId, const QString &text, const QString &clientId,
                     Callback<PostedMessage> done);
    // beforeId 0: the newest page.
    void fetchHistory(const QString &roomId, qint64 beforeId, int limit,
                      Callback<HistoryPage> done);
    void fetchMembers(const QString &roomId, Callback<std::vector<MemberInfo>> done);
    void fetchRooms(Callback<std::vector<RoomInfo>> done);
    void sendTyping(const QString &roomId, Callback<Nothing> done);

    // ---- API v2 (docs/protocol.md, "API v2: conversations"): one token for the whole hub ----

    // GET /api/v2/events: the member's one stream (every conversation they are in).
    QUrl memberEventsUrl() const;
    // POST /api/v2/session; on success the token is kept for the calls that follow.
    void signInToHub(const QString &name, const QString &password, Callback<HubSession> done);
    // DELETE /api/v2/session: leaves every channel; DMs stay.
    void signOutOfHub(Callback<Nothing> done);
    // GET /api/v2/members: every member with a live session, hub-wide, sorted by name.
    void fetchHubMembers(Callback<std::vector<MemberInfo>> done);
    // GET /api/v2/conversations/{cid}/members: a channel's joined members or a DM's two, sorted
    // by name.
    void fetchConversationMembers(const QString &conversationId,
                                  Callback<std::vector<MemberInfo>> done);
    void fetchChannels(Callback<std::vector<ChannelInfo>> done); // GET /api/v2/channels
    void createChannel(const ChannelRequest &channel, Callback<ChannelInfo> done); // and joins
    void joinChannel(const QString &channelId, Callback<ChannelInfo> done); // PUT …/members/me
    void leaveChannel(const QString &channelId, Callback<Nothing> done); // DELETE …/members/me
    // POST /api/v2/dms: the one conversation with that member (new or existing).
    void openDirectMessage(const QString &memberId, Callback<ConversationInfo> done);
    void fetchConversations(Callback<std::vector<ConversationInfo>> done);
    void postToConversation(const QString &conversationId, const QString &text,
                            const QString &clientId, Callback<PostedMessage> done);
    // beforeId 0: the newest page.
    void fetchConversationPage(const QString &conversationId, qint64 beforeId, int limit,
                               Callback<HistoryPage> done);
    // GET …/messages?around=ID: a page holding that message, about half before and half after
    // it (hasMore: older events exist; hasNewer: newer ones exist).
    void fetchConversationPageAround(const QString &conversationId, qint64 aroundId, int limit,
                                     Callback<HistoryPage> done);
    // GET …/messages?after=ID: the oldest `limit` events newer than that id (hasNewer: more).
    void fetchConversationPageAfter(const QString &conversationId, qint64 afterId, int limit,
                                    Callback<HistoryPage> done);
    struct SearchQuery
    {
        QString text; // the words as the user typed them
        QString conversationId; // empty: every conversation of the member
        qint64 beforeId = 0; // 0: from the newest (else a previous answer's nextBefore)
        int limit = 0; // 0: the hub's default
    };
    // GET /api/v2/search. A refused query is an error with the hub's code (query_too_short,
    // bad_query) and message.
    void search(const SearchQuery &query, Callback<SearchResults> done);
    // PATCH / DELETE …/messages/{id}: answered with the id and ts of the edit/delete event.
    void editMessage(const QString &conversationId, qint64 messageId, const QString &text,
                     Callback<PostedMessage> done);
    void deleteMessage(const QString &conversationId, qint64 messageId,
                       Callback<PostedMessage> done);
    void markRead(const QString &conversationId, qint64 upTo, Callback<Nothing> done);
    void sendConversationTyping(const QString &conversationId, Callback<Nothing> done);

    // ---- Calls (docs/protocol.md, "Calls" and "Hand-off") ----

    // POST /api/v2/calls: rings `calleeId` from this device ("audio" or "video").
    void startCall(const QString &calleeId, const QString &media, const QString &deviceId,
                   Callback<CallInfo> done);
    // GET /api/v2/calls: this member's ringing and active calls.
    void fetchCalls(Callback<std::vector<CallInfo>> done);
    // POST …/accept: the callee takes the call on this device (the browser page does this after a
    // hand-off; the window itself never does).
    void acceptCall(const QString &callId, const QString &deviceId, Callback<CallInfo> done);
    void declineCall(const QString &callId, Callback<Nothing> done); // the callee, while ringing
    void hangupCall(const QString &callId, Callback<Nothing> done); // either party; cancels ringing
    struct HandoffCode
    {
        QString code; // one use, short-lived
        qint64 expires = 0; // ms since the epoch
    };
    // POST /api/v2/session/handoff: a one-time code that signs a browser in as this member.
    void requestHandoff(Callback<HandoffCode> done);
    // POST /api/v2/session/handoff/redeem: the code's session. Unlike signInToHub() the token is
    // not taken for this object's calls (the browser page is the one meant to use it).
    void redeemHandoff(const QString &code, Callback<HubSession> done);
    // ---- Files (docs/protocol.md, "Files"): the transfers make their own requests ----

    // The hub's answer as an ApiError (the pin's refusal, a network error, or the JSON body).
    static ApiError errorFromReply(QNetworkReply *reply, const QByteArray &body);
    // A path the hub handed out (a tus Location) or one of ours, against the hub's base URL.
    QUrl resolved(const QString &path) const;
    QUrl uploadsUrl() const; // /api/v2/uploads
    QUrl fileUrl(const QString &fileId, bool thumbnail = false) const; // /api/v2/files/{fid}
    // A request to url with the pin (https:// and the TLS setup) and the Bearer token applied;
    // watch() its reply. For transfers, which stream bodies this class does not.
    QNetworkRequest authorizedRequest(const QUrl &url) const;
    void watch(QNetworkReply *reply) const;
    // GET a file or its thumbnail whole into memory (at most maxBytes, else `response_too_large`).
    void fetchFile(const QString &fileId, bool thumbnail, qint64 maxBytes,
                   Callback<QByteArray> done);

    // Cancels every call in flight; their callbacks are not called.
    void abortAll();

private:
    using JsonHandler = std::function<void(const QJsonObject *body, const ApiError &error)>;
    QUrl apiUrl(const QString &path) const;
    // GET …/conversations/{cid}/messages with `anchor`=anchorId (before, around, after; none:
    // the newest page) and the limit bounded to the hub's page size.
    void fetchConversationPageFrom(const QString &conversationId, const char *anchor,
                                   qint64 anchorId, int limit, Callback<HistoryPage> done);
    QUrl apiV2Url(const QString &path) const;
    void call(const QByteArray &method, const QUrl &url, const QJsonObject *body,
              JsonHandler handler);

    QNetworkAccessManager *m_nam;
    QUrl m_baseUrl;
    std::optional<TlsPin> m_pin;
    QString m_token;
    qint64 m_maxResponseBytes = MaxResponseBytes;
    quint64 m_generation = 0; // bumped by abortAll(): queued completions from before are dropped
};

} // namespace confab
