#include "chatevent.h"

#include "protocol.h"

#include <QJsonDocument>

namespace confab {

namespace {

// QJsonValue::toInteger() exists only from Qt 6.? on; doubles hold every id we hand out (< 2^53).
qint64 integerField(const QJsonObject &object, QLatin1StringView key)
{
    const QJsonValue value = object.value(key);
    return value.isDouble() ? qint64(value.toDouble()) : 0;
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Appends UTF-8 with `"`, `\` and control characters escaped, as QJsonDocument does.
void appendEscapedUtf8(QByteArray &out, const QByteArray &utf8)
{
    static constexpr char Hex[] = "0123456789abcdef";
    for (const char c : utf8) {
        const auto u = uchar(c);
        if (u >= 0x20 && c != '"' && c != '\\') {
            out += c;
            continue;
        }
        out += '\\';
        switch (c) {
        case '"':
            out += '"';
            break;
        case '\\':
            out += '\\';
            break;
        case '\b':
            out += 'b';
            break;
        case '\f':
            out += 'f';
            break;
        case '\n':
            out += 'n';
            break;
        case '\r':
            out += 'r';
            break;
        case '\t':
            out += 't';
            break;
        default:
            out += "u00";
            out += Hex[u >> 4];
            out += Hex[u & 0xF];
        }
    }
}

// A JSON string as QJsonDocument writes one. A lone surrogate (which UTF-8 cannot carry) is
// written as QJsonDocument writes it, `\udXXX`, not replaced.
void appendJsonString(QByteArray &out, const QString &text)
{
    out += '"';
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (!c.isSurrogate())
            continue;
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            ++i;
            continue;
        }
        appendEscapedUtf8(out, QStringView(text).sliced(start, i - start).toUtf8());
        out += "\\u" + QByteArray::number(c.unicode(), 16);
        start = i + 1;
    }
    appendEscapedUtf8(out, QStringView(text).sliced(start).toUtf8());
    out += '"';
}

template<class... Ts> struct Overloaded : Ts...
{
    using Ts::operator()...;
};
template<class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

} // namespace

QJsonObject Member::toJson() const
{
    return QJsonObject {{QStringLiteral("id"), id}, {QStringLiteral("name"), name}};
}

std::optional<Member> Member::fromJson(const QJsonObject &object)
{
    const QJsonValue id = object.value(QLatin1StringView("id"));
    const QJsonValue name = object.value(QLatin1StringView("name"));
    if (!id.isString() || !name.isString() || id.toString().isEmpty())
        return std::nullopt;
    return Member {id.toString(), name.toString()};
}

QString presenceStateName(PresenceState state)
{
    switch (state) {
    case PresenceState::Join:
        return QStringLiteral("join");
    case PresenceState::Leave:
        return QStringLiteral("leave");
    case PresenceState::Online:
        return QStringLiteral("online");
    case PresenceState::Offline:
        return QStringLiteral("offline");
    }
    return {};
}

std::optional<PresenceState> presenceStateFromName(QStringView name)
{
    for (PresenceState state : {PresenceState::Join, PresenceState::Leave, PresenceState::Online,
                                PresenceState::Offline}) {
        if (name == presenceStateName(state))
            return state;
    }
    return std::nullopt;
}

QJsonObject messageToJson(const MessageEvent &message)
{
    QJsonObject object {
        {QStringLiteral("id"), message.id},
        {QStringLiteral("room"), message.room},
        {QStringLiteral("conversation"), message.room},
        {QStringLiteral("from"), message.from.toJson()},
        {QStringLiteral("text"), message.text},
        {QStringLiteral("ts"), message.ts},
        {QStringLiteral("clientId"), message.clientId},
    };
    if (message.editedTs > 0)
        object.insert(QStringLiteral("edited"), message.editedTs);
    if (message.deleted)
        object.insert(QStringLiteral("deleted"), true);
    if (!message.file.isEmpty())
        object.insert(QStringLiteral("file"), message.file);
    return object;
}

QByteArray messageToCompactJson(const MessageEvent &message)
{
    // The keys in QJsonObject's (sorted) order, so that the bytes are those of
    // QJsonDocument(messageToJson(message)).toJson(Compact) (tst_wireformat compares them).
    QByteArray out;
    out.reserve(message.text.size() + message.from.name.size() + 2 * message.room.size() + 160);
    out += "{\"clientId\":";
    appendJsonString(out, message.clientId);
    out += ",\"conversation\":";
    appendJsonString(out, message.room);
    if (message.deleted)
        out += ",\"deleted\":true";
    if (message.editedTs > 0)
        out += ",\"edited\":" + QByteArray::number(message.editedTs);
    if (!message.file.isEmpty())
        out += ",\"file\":" + QJsonDocument(message.file).toJson(QJsonDocument::Compact);
    out += ",\"from\":{\"id\":";
    appendJsonString(out, message.from.id);
    out += ",\"name\":";
    appendJsonString(out, message.from.name);
    out += "},\"id\":" + QByteArray::number(message.id) + ",\"room\":";
    appendJsonString(out, message.room);
    out += ",\"text\":";
    appendJsonString(out, message.text);
    out += ",\"ts\":" + QByteArray::number(message.ts) + '}';
    return out;
}

std::optional<MessageEvent> messageFromJson(const QJsonObject &object)
{
    const auto from = Member::fromJson(object.value(QLatin1StringView("from")).toObject());
    const QJsonValue text = object.value(QLatin1StringView("text"));
    MessageEvent message;
    message.id = integerField(object, QLatin1StringView("id"));
    if (!from || !text.isString() || message.id <= 0)
        return std::nullopt;
    message.room = object.value(QLatin1StringView("room")).toString();
    if (message.room.isEmpty())
        message.room = object.value(QLatin1StringView("conversation")).toString();
    message.from = *from;
    message.text = text.toString();
    message.ts = integerField(object, QLatin1StringView("ts"));
    message.clientId = object.value(QLatin1StringView("clientId")).toString();
    message.editedTs = integerField(object, QLatin1StringView("edited"));
    message.deleted = object.value(QLatin1StringView("deleted")).toBool();
    message.file = object.value(QLatin1StringView("file")).toObject();
    return message;
}

JsonEvent toJsonEvent(const ChatEvent &event)
{
    using namespace protocol;
    return std::visit(
        Overloaded {
            [](const MessageEvent &m) {
                return JsonEvent {EventMessage, messageToJson(m), m.id};
            },
            [](const PresenceEvent &p) {
                QJsonObject data {{QStringLiteral("state"), presenceStateName(p.state)},
                                  {QStringLiteral("member"), p.member.toJson()},
                                  {QStringLiteral("ts"), p.ts}};
                // API v2's hub-wide online/offline (on member streams) names no conversation.
                if (!p.room.isEmpty()) {
                    data.insert(QStringLiteral("room"), p.room);
                    data.insert(QStringLiteral("conversation"), p.room);
                }
                if (p.isHistory())
                    data.insert(QStringLiteral("id"), p.id);
                return JsonEvent {EventPresence, data, p.isHistory() ? p.id : 0};
            },
            [](const TypingEvent &t) {
                return JsonEvent {EventTyping,
                                  QJsonObject {{QStringLiteral("member"), t.member.toJson()},
                                               {QStringLiteral("room"), t.room},
                                               {QStringLiteral("conversation"), t.room}},
                                  0};
            },
            [](const ResetEvent &r) {
                return JsonEvent {EventReset,
                                  QJsonObject {{QStringLiteral("room"), r.room},
                                               {QStringLiteral("lastId"), r.lastId},
                                               {QStringLiteral("reason"), r.reason}},
                                  0};
            },
            [](const MessageEditedEvent &e) {
                return JsonEvent {EventMessageEdited,
                                  QJsonObject {{QStringLiteral("id"), e.id},
                                               {QStringLiteral("conversation"), e.conversation},
                                               {QStringLiteral("room"), e.conversation},
                                               {QStringLiteral("messageId"), e.messageId},
                                               {QStringLiteral("by"), e.by.toJson()},
                                               {QStringLiteral("text"), e.text},
                                               {QStringLiteral("ts"), e.ts}},
                                  e.id};
            },
            [](const MessageDeletedEvent &e) {
                return JsonEvent {EventMessageDeleted,
                                  QJsonObject {{QStringLiteral("id"), e.id},
                                               {QStringLiteral("conversation"), e.conversation},
                                               {QStringLiteral("room"), e.conversation},
                                               {QStringLiteral("messageId"), e.messageId},
                                               {QStringLiteral("by"), e.by.toJson()},
                                               {QStringLiteral("ts"), e.ts}},
                                  e.id};
            },
            [](const ReadEvent &r) {
                return JsonEvent {EventRead,
                                  QJsonObject {{QStringLiteral("conversation"), r.conversation},
                                               {QStringLiteral("upTo"), r.upTo}},
                                  0};
            },
            [](const ConversationAddedEvent &a) {
                return JsonEvent {
                    EventConversationAdded,
                    QJsonObject {{QStringLiteral("conversation"), a.conversation.toJson()}}, 0};
            },
            [](const ConversationRemovedEvent &r) {
                return JsonEvent {EventConversationRemoved,
                                  QJsonObject {{QStringLiteral("conversation"), r.conversation}},
                                  0};
            },
            [](const ByeEvent &b) {
                return JsonEvent {EventBye, QJsonObject {{QStringLiteral("reason"), b.reason}}, 0};
            },
        },
        event);
}

std::optional<ChatEvent> fromJsonEvent(QStringView type, const QJsonObject &object)
{
    if (type == QLatin1StringView(protocol::EventConversationAdded)) {
        auto conversation = ConversationInfo::fromJson(
            object.value(QLatin1StringView("conversation")).toObject());
        if (!conversation)
            return std::nullopt;
        return ConversationAddedEvent {std::move(*conversation)};
    }
    if (type == QLatin1StringView(protocol::EventConversationRemoved)) {
        const QString conversation = object.value(QLatin1StringView("conversation")).toString();
        if (conversation.isEmpty())
            return std::nullopt;
        return ConversationRemovedEvent {conversation};
    }
    // API v1 names the conversation `room`; v2 events carry both names.
    QString room = object.value(QLatin1StringView("room")).toString();
    if (room.isEmpty())
        room = object.value(QLatin1StringView("conversation")).toString();

    if (type == QLatin1StringView(protocol::EventMessage)) {
        if (auto message = messageFromJson(object))
            return *message;
        return std::nullopt;
    }
    if (type == QLatin1StringView(protocol::EventPresence)) {
        const auto state
            = presenceStateFromName(object.value(QLatin1StringView("state")).toString());
        const auto member = Member::fromJson(object.value(QLatin1StringView("member")).toObject());
        if (!state || !member)
            return std::nullopt;
        PresenceEvent presence {*state, *member, room, 0,
                                integerField(object, QLatin1StringView("ts"))};
        if (presence.isHistory())
            presence.id = integerField(object, QLatin1StringView("id"));
        return presence;
    }
    if (type == QLatin1StringView(protocol::EventTyping)) {
        const auto member = Member::fromJson(object.value(QLatin1StringView("member")).toObject());
        if (!member)
            return std::nullopt;
        return TypingEvent {*member, room};
    }
    if (type == QLatin1StringView(protocol::EventReset))
        return ResetEvent {room, integerField(object, QLatin1StringView("lastId")),
                           object.value(QLatin1StringView("reason")).toString()};
    if (type == QLatin1StringView(protocol::EventMessageEdited)
        || type == QLatin1StringView(protocol::EventMessageDeleted)) {
        const auto by = Member::fromJson(object.value(QLatin1StringView("by")).toObject());
        const qint64 id = integerField(object, QLatin1StringView("id"));
        const qint64 messageId = integerField(object, QLatin1StringView("messageId"));
        const qint64 ts = integerField(object, QLatin1StringView("ts"));
        if (!by || id <= 0 || messageId <= 0)
            return std::nullopt;
        if (type == QLatin1StringView(protocol::EventMessageDeleted))
            return MessageDeletedEvent {id, room, messageId, *by, ts};
        const QJsonValue text = object.value(QLatin1StringView("text"));
        if (!text.isString())
            return std::nullopt;
        return MessageEditedEvent {id, room, messageId, *by, text.toString(), ts};
    }
    if (type == QLatin1StringView(protocol::EventRead))
        return ReadEvent {room, integerField(object, QLatin1StringView("upTo"))};
    if (type == QLatin1StringView(protocol::EventBye))
        return ByeEvent {object.value(QLatin1StringView("reason")).toString()};
    return std::nullopt;
}

WireEvent toWire(const ChatEvent &event)
{
    // Messages are most of what streams and replays carry: written directly, not through a
    // QJsonObject (a 10,000-event replay spent two thirds of its hub time building those).
    if (const auto *message = std::get_if<MessageEvent>(&event))
        return WireEvent {QByteArray(protocol::EventMessage), messageToCompactJson(*message),
                          message->id};
    JsonEvent json = toJsonEvent(event);
    return WireEvent {std::move(json.type), compact(json.data), json.id};
}

std::optional<ChatEvent> fromWire(QStringView type, QStringView data)
{
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(data.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return fromJsonEvent(type, document.object());
}

qint64 eventSequence(const ChatEvent &event)
{
    if (const auto *message = std::get_if<MessageEvent>(&event))
        return message->id;
    if (const auto *edited = std::get_if<MessageEditedEvent>(&event))
        return edited->id;
    if (const auto *deleted = std::get_if<MessageDeletedEvent>(&event))
        return deleted->id;
    if (const auto *presence = std::get_if<PresenceEvent>(&event))
        return presence->isHistory() ? presence->id : 0;
    return 0;
}

} // namespace confab
