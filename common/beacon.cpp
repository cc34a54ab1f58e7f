#include "beacon.h"

#include "protocol.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace confab::beacon {

namespace {

constexpr QLatin1StringView Magic("confab");
constexpr int MaxTitleChars = 64;
constexpr int MaxHostChars = 64;
constexpr QLatin1StringView FingerprintKey("fp");

bool isFingerprint(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{64}$"));
    return pattern.match(text).hasMatch();
}

std::optional<QJsonObject> parse(QByteArrayView datagram)
{
    if (datagram.isEmpty() || datagram.size() > protocol::BeaconMaxBytes)
        return std::nullopt;
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(datagram.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    const QJsonObject object = document.object();
    if (!object.value(Magic).isDouble())
        return std::nullopt;
    return object;
}

} // namespace

QByteArray encodeAnnounce(const BeaconAnnounce &announce)
{
    QJsonObject object {
        {Magic, protocol::ApiVersion},
        {QStringLiteral("kind"), QStringLiteral("announce")},
        {QStringLiteral("room"), announce.roomId},
        {QStringLiteral("title"), announce.title.left(MaxTitleChars)},
        {QStringLiteral("host"), announce.host.left(MaxHostChars)},
        {QStringLiteral("url"), announce.url.toString()},
        {QStringLiteral("members"), announce.members},
        {QStringLiteral("locked"), announce.locked},
    };
    if (!announce.fingerprint.isEmpty())
        object.insert(FingerprintKey, announce.fingerprint.toLower());
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray encodeQuery()
{
    const QJsonObject object {{Magic, protocol::ApiVersion},
                              {QStringLiteral("kind"), QStringLiteral("query")}};
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

std::optional<BeaconAnnounce> decodeAnnounce(QByteArrayView datagram)
{
    const auto object = parse(datagram);
    if (!object
        || object->value(QLatin1StringView("kind")).toString() != QLatin1StringView("announce"))
        return std::nullopt;
    BeaconAnnounce announce;
    announce.apiVersion = object->value(Magic).toInt();
    announce.roomId
        = object->value(QLatin1StringView("room")).toString().left(protocol::MaxRoomIdChars);
    announce.title = object->value(QLatin1StringView("title")).toString().left(MaxTitleChars);
    announce.host = object->value(QLatin1StringView("host")).toString().left(MaxHostChars);
    announce.url = QUrl(object->value(QLatin1StringView("url")).toString(), QUrl::StrictMode);
    announce.members = qMax(0, object->value(QLatin1StringView("members")).toInt());
    announce.locked = object->value(QLatin1StringView("locked")).toBool();
    // A fingerprint that is there must be one: a joiner pins the hub to it.
    if (object->contains(FingerprintKey)) {
        announce.fingerprint = object->value(FingerprintKey).toString();
        if (!isFingerprint(announce.fingerprint))
            return std::nullopt;
    }
    const QString scheme = announce.url.scheme();
    if (!announce.url.isValid() || announce.url.host().isEmpty()
        || (scheme != QLatin1StringView("http") && scheme != QLatin1StringView("https")))
        return std::nullopt;
    return announce;
}

bool isQuery(QByteArrayView datagram)
{
    const auto object = parse(datagram);
    return object
        && object->value(QLatin1StringView("kind")).toString() == QLatin1StringView("query");
}

} // namespace confab::beacon
