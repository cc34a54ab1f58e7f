#include "restapi.h"

#include <QJsonArray>

namespace confab {

namespace {

// Doubles hold every id and timestamp we hand out (< 2^53).
qint64 integerField(const QJsonObject &object, QLatin1StringView key)
{
    const QJsonValue value = object.value(key);
    return value.isDouble() ? qint64(value.toDouble()) : 0;
}

// An optional string member: absent is fine, any other type is not.
bool optionalString(const QJsonObject &object, QLatin1StringView key, std::optional<QString> *out)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return true;
    if (!value.isString())
        return false;
    *out = value.toString();
    return true;
}

} // namespace

QJsonObject SessionRequest::toJson() const
{
    QJsonObject object {{QStringLiteral("name"), name}};
    if (password)
        object.insert(QStringLiteral("password"), *password);
    if (room)
        object.insert(QStringLiteral("room"), *room);
    return object;
}

std::optional<SessionRequest> SessionRequest::fromJson(const QJsonObject &object)
{
    SessionRequest request;
    const QJsonValue nameValue = object.value(QLatin1StringView("name"));
    if (!nameValue.isString()
        || !optionalString(object, QLatin1StringView("password"), &request.password)
        || !optionalString(object, QLatin1StringView("room"), &request.room))
        return std::nullopt;
    request.name = nameValue.toString();
    return request;
}

QJsonObject SessionInfo::toJson() const
{
    return QJsonObject {
        {QStringLiteral("token"), token},
        {QStringLiteral("member"), member.toJson()},
        {QStringLiteral("room"),
         QJsonObject {{QStringLiteral("id"), roomId}, {QStringLiteral("title"), roomTitle}}}};
}

std::optional<SessionInfo> SessionInfo::fromJson(const QJsonObject &object)
{
    SessionInfo info;
    info.token = object.value(QLatin1StringView("token")).toString();
    const auto member = Member::fromJson(object.value(QLatin1StringView("member")).toObject());
    if (info.token.isEmpty() || !member)
        return std::nullopt;
    info.member = *member;
    const QJsonObject room = object.value(QLatin1StringView("room")).toObject();
    info.roomId = room.value(QLatin1StringView("id")).toString();
    info.roomTitle = room.value(QLatin1StringView("title")).toString();
    return info;
}

QJsonObject MessageRequest::toJson() const
{
    return QJsonObject {{QStringLiteral("text"), text}, {QStringLiteral("clientId"), clientId}};
}

std::optional<MessageRequest> MessageRequest::fromJson(const QJsonObject &object)
{
    const QJsonValue text = object.value(QLatin1StringView("text"));
    std::optional<QString> clientId;
    if (!text.isString() || !optionalString(object, QLatin1StringView("clientId"), &clientId))
        return std::nullopt;
    return MessageRequest {text.toString(), clientId.value_or(QString())};
}

QJsonObject PostedMessage::toJson() const
{
    return QJsonObject {{QStringLiteral("id"), id}, {QStringLiteral("ts"), ts}};
}

std::optional<PostedMessage> PostedMessage::fromJson(const QJsonObject &object)
{
    const PostedMessage posted {integerField(object, QLatin1StringView("id")),
                                integerField(object, QLatin1StringView("ts"))};
    if (posted.id <= 0)
        return std::nullopt;
    return posted;
}

QJsonObject HistoryPage::toJson() const
{
    QJsonArray list;
    for (const ChatEvent &event : events) {
        const JsonEvent json = toJsonEvent(event);
        list.append(QJsonObject {{QStringLiteral("type"), QString::fromLatin1(json.type)},
                                 {QStringLiteral("data"), json.data}});
    }
    QJsonObject object {{QStringLiteral("events"), list}, {QStringLiteral("hasMore"), hasMore}};
    if (hasNewer)
        object.insert(QStringLiteral("hasNewer"), true);
    return object;
}

std::optional<HistoryPage> HistoryPage::fromJson(const QJsonObject &object)
{
    HistoryPage page;
    page.hasMore = object.value(QLatin1StringView("hasMore")).toBool();
    page.hasNewer = object.value(QLatin1StringView("hasNewer")).toBool();
    const QJsonArray list = object.value(QLatin1StringView("events")).toArray();
    page.events.reserve(size_t(list.size()));
    for (const QJsonValue &value : list) {
        const QJsonObject event = value.toObject();
        // The same decoder as for the stream: history and live events cannot disagree.
        if (auto decoded = fromJsonEvent(event.value(QLatin1StringView("type")).toString(),
                                         event.value(QLatin1StringView("data")).toObject()))
            page.events.push_back(std::move(*decoded));
    }
    return page;
}

QJsonObject memberListToJson(const std::vector<MemberInfo> &members)
{
    QJsonArray list;
    for (const MemberInfo &info : members) {
        QJsonObject object = info.member.toJson();
        object.insert(QStringLiteral("online"), info.online);
        list.append(object);
    }
    return QJsonObject {{QStringLiteral("members"), list}};
}

std::optional<std::vector<MemberInfo>> memberListFromJson(const QJsonObject &object)
{
    std::vector<MemberInfo> members;
    for (const QJsonValue &value : object.value(QLatin1StringView("members")).toArray()) {
        const QJsonObject entry = value.toObject();
        if (const auto member = Member::fromJson(entry))
            members.push_back({*member, entry.value(QLatin1StringView("online")).toBool()});
    }
    return members;
}

QJsonObject roomListToJson(const std::vector<RoomInfo> &rooms)
{
    QJsonArray list;
    for (const RoomInfo &room : rooms) {
        list.append(QJsonObject {{QStringLiteral("id"), room.id},
                                 {QStringLiteral("title"), room.title},
                                 {QStringLiteral("members"), room.members},
                                 {QStringLiteral("online"), room.online},
                                 {QStringLiteral("locked"), room.locked}});
    }
    return QJsonObject {{QStringLiteral("rooms"), list}};
}

std::optional<std::vector<RoomInfo>> roomListFromJson(const QJsonObject &object)
{
    std::vector<RoomInfo> rooms;
    for (const QJsonValue &value : object.value(QLatin1StringView("rooms")).toArray()) {
        const QJsonObject entry = value.toObject();
        rooms.push_back({entry.value(QLatin1StringView("id")).toString(),
                         entry.value(QLatin1StringView("title")).toString(),
                         entry.value(QLatin1StringView("members")).toInt(),
                         entry.value(QLatin1StringView("online")).toInt(),
                         entry.value(QLatin1StringView("locked")).toBool()});
    }
    return rooms;
}

QJsonObject HubSession::toJson() const
{
    QJsonObject object {{QStringLiteral("token"), token},
                        {QStringLiteral("member"), member.toJson()}};
    if (!hubInstance.isEmpty())
        object.insert(QStringLiteral("hubInstance"), hubInstance);
    return object;
}

std::optional<HubSession> HubSession::fromJson(const QJsonObject &object)
{
    const QString token = object.value(QLatin1StringView("token")).toString();
    const auto member = Member::fromJson(object.value(QLatin1StringView("member")).toObject());
    if (token.isEmpty() || !member)
        return std::nullopt;
    return HubSession {token, *member, object.value(QLatin1StringView("hubInstance")).toString()};
}

QJsonObject ChannelRequest::toJson() const
{
    QJsonObject object {{QStringLiteral("title"), title}};
    if (!id.isEmpty())
        object.insert(QStringLiteral("id"), id);
    if (!topic.isEmpty())
        object.insert(QStringLiteral("topic"), topic);
    return object;
}

std::optional<ChannelRequest> ChannelRequest::fromJson(const QJsonObject &object)
{
    const QJsonValue title = object.value(QLatin1StringView("title"));
    std::optional<QString> id;
    std::optional<QString> topic;
    if (!title.isString() || !optionalString(object, QLatin1StringView("id"), &id)
        || !optionalString(object, QLatin1StringView("topic"), &topic))
        return std::nullopt;
    return ChannelRequest {id.value_or(QString()), title.toString(), topic.value_or(QString())};
}

QJsonObject ChannelInfo::toJson() const
{
    return QJsonObject {{QStringLiteral("id"), id},
                        {QStringLiteral("title"), title},
                        {QStringLiteral("topic"), topic},
                        {QStringLiteral("members"), members}};
}

std::optional<ChannelInfo> ChannelInfo::fromJson(const QJsonObject &object)
{
    const QString id = object.value(QLatin1StringView("id")).toString();
    if (id.isEmpty())
        return std::nullopt;
    return ChannelInfo {id, object.value(QLatin1StringView("title")).toString(),
                        object.value(QLatin1StringView("topic")).toString(),
                        object.value(QLatin1StringView("members")).toInt()};
}

QJsonObject channelListToJson(const std::vector<ChannelInfo> &channels)
{
    QJsonArray list;
    for (const ChannelInfo &channel : channels)
        list.append(channel.toJson());
    return QJsonObject {{QStringLiteral("channels"), list}};
}

std::optional<std::vector<ChannelInfo>> channelListFromJson(const QJsonObject &object)
{
    std::vector<ChannelInfo> channels;
    for (const QJsonValue &value : object.value(QLatin1StringView("channels")).toArray()) {
        if (auto channel = ChannelInfo::fromJson(value.toObject()))
            channels.push_back(std::move(*channel));
    }
    return channels;
}

QJsonObject DmRequest::toJson() const
{
    return QJsonObject {{QStringLiteral("member"), member}};
}

std::optional<DmRequest> DmRequest::fromJson(const QJsonObject &object)
{
    const QJsonValue member = object.value(QLatin1StringView("member"));
    if (!member.isString())
        return std::nullopt;
    return DmRequest {member.toString()};
}

QJsonObject ConversationInfo::toJson() const
{
    QJsonObject object {
        {QStringLiteral("id"), id},         {QStringLiteral("kind"), kind},
        {QStringLiteral("title"), title},   {QStringLiteral("lastEventId"), lastEventId},
        {QStringLiteral("unread"), unread}, {QStringLiteral("mentions"), mentions}};
    if (with)
        object.insert(QStringLiteral("with"), with->toJson());
    return object;
}

std::optional<ConversationInfo> ConversationInfo::fromJson(const QJsonObject &object)
{
    ConversationInfo info;
    info.id = object.value(QLatin1StringView("id")).toString();
    info.kind = object.value(QLatin1StringView("kind")).toString();
    if (info.id.isEmpty() || info.kind.isEmpty())
        return std::nullopt;
    info.title = object.value(QLatin1StringView("title")).toString();
    info.lastEventId = integerField(object, QLatin1StringView("lastEventId"));
    info.unread = object.value(QLatin1StringView("unread")).toInt();
    info.mentions = object.value(QLatin1StringView("mentions")).toInt();
    info.with = Member::fromJson(object.value(QLatin1StringView("with")).toObject());
    return info;
}

QJsonObject conversationListToJson(const std::vector<ConversationInfo> &conversations)
{
    QJsonArray list;
    for (const ConversationInfo &conversation : conversations)
        list.append(conversation.toJson());
    return QJsonObject {{QStringLiteral("conversations"), list}};
}

std::optional<std::vector<ConversationInfo>> conversationListFromJson(const QJsonObject &object)
{
    std::vector<ConversationInfo> conversations;
    for (const QJsonValue &value : object.value(QLatin1StringView("conversations")).toArray()) {
        if (auto conversation = ConversationInfo::fromJson(value.toObject()))
            conversations.push_back(std::move(*conversation));
    }
    return conversations;
}

QJsonObject EditRequest::toJson() const
{
    return QJsonObject {{QStringLiteral("text"), text}};
}

std::optional<EditRequest> EditRequest::fromJson(const QJsonObject &object)
{
    const QJsonValue text = object.value(QLatin1StringView("text"));
    if (!text.isString())
        return std::nullopt;
    return EditRequest {text.toString()};
}

QJsonObject ReadRequest::toJson() const
{
    return QJsonObject {{QStringLiteral("upTo"), upTo}};
}

std::optional<ReadRequest> ReadRequest::fromJson(const QJsonObject &object)
{
    const QJsonValue upTo = object.value(QLatin1StringView("upTo"));
    if (!upTo.isDouble() || upTo.toDouble() < 0)
        return std::nullopt;
    return ReadRequest {qint64(upTo.toDouble())};
}

QJsonObject ErrorBody::toJson() const
{
    return QJsonObject {
        {QStringLiteral("error"),
         QJsonObject {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
}

std::optional<ErrorBody> ErrorBody::fromJson(const QJsonObject &object)
{
    const QJsonObject details = object.value(QLatin1StringView("error")).toObject();
    const QJsonValue code = details.value(QLatin1StringView("code"));
    if (!code.isString())
        return std::nullopt;
    return ErrorBody {code.toString(), details.value(QLatin1StringView("message")).toString()};
}

QJsonObject HealthInfo::toJson() const
{
    QJsonObject object {{QStringLiteral("status"), status},
                        {QStringLiteral("version"), version},
                        {QStringLiteral("api"), api},
                        {QStringLiteral("maxTextChars"), maxTextChars}};
    if (!hubInstance.isEmpty())
        object.insert(QStringLiteral("hubInstance"), hubInstance);
    return object;
}

std::optional<HealthInfo> HealthInfo::fromJson(const QJsonObject &object)
{
    const QJsonValue status = object.value(QLatin1StringView("status"));
    if (!status.isString())
        return std::nullopt;
    return HealthInfo {status.toString(), object.value(QLatin1StringView("version")).toString(),
                       object.value(QLatin1StringView("api")).toInt(),
                       object.value(QLatin1StringView("maxTextChars")).toInt(),
                       object.value(QLatin1StringView("hubInstance")).toString()};
}

} // namespace confab
