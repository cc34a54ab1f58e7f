#include "desktopsettings.h"

#include "protocol.h"

#include <QSettings>
#include <QStandardPaths>

namespace confab {

namespace {

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

} // namespace

QString DesktopSettings::name() const
{
    return QSettings().value(key("user/name")).toString();
}

void DesktopSettings::setName(const QString &name)
{
    QSettings().setValue(key("user/name"), name.trimmed().left(protocol::MaxNameChars));
}

bool DesktopSettings::notificationsEnabled() const
{
    return QSettings().value(key("notifications/enabled"), true).toBool();
}

void DesktopSettings::setNotificationsEnabled(bool enabled)
{
    QSettings().setValue(key("notifications/enabled"), enabled);
}

QString DesktopSettings::language() const
{
    return QSettings().value(key("ui/language")).toString();
}

void DesktopSettings::setLanguage(const QString &language)
{
    QSettings().setValue(key("ui/language"), language);
}

QString DesktopSettings::dataDir() const
{
    const QString dir = QSettings().value(key("storage/dataDir")).toString();
    return dir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) : dir;
}

void DesktopSettings::setDataDir(const QString &dir)
{
    QSettings().setValue(key("storage/dataDir"), dir);
}

QString DesktopSettings::hostTitle() const
{
    return QSettings().value(key("host/title")).toString();
}

void DesktopSettings::setHostTitle(const QString &title)
{
    QSettings().setValue(key("host/title"), title);
}

bool DesktopSettings::memberPanelShown() const
{
    return QSettings().value(key("ui/memberPanelShown"), true).toBool();
}

void DesktopSettings::setMemberPanelShown(bool shown)
{
    QSettings().setValue(key("ui/memberPanelShown"), shown);
}

namespace {
// One key per hub: its URL, in a form QSettings keeps as one key (no '/' group separators).
QString hubKey(const QUrl &hubUrl)
{
    return QStringLiteral("ui/lastConversation/")
        + QString::fromLatin1(
               hubUrl.adjusted(QUrl::StripTrailingSlash)
                   .toEncoded()
                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}
} // namespace

QString DesktopSettings::lastConversation(const QUrl &hubUrl) const
{
    return QSettings().value(hubKey(hubUrl)).toString();
}

void DesktopSettings::setLastConversation(const QUrl &hubUrl, const QString &conversationId)
{
    QSettings().setValue(hubKey(hubUrl), conversationId);
}

quint16 DesktopSettings::hostPort() const
{
    return quint16(QSettings().value(key("host/port"), protocol::DefaultHubPort).toUInt());
}

void DesktopSettings::setHostPort(quint16 port)
{
    QSettings().setValue(key("host/port"), port);
}

quint16 DesktopSettings::lastFreePort() const
{
    return quint16(QSettings().value(key("host/lastFreePort"), 0).toUInt());
}

void DesktopSettings::setLastFreePort(quint16 port)
{
    QSettings().setValue(key("host/lastFreePort"), port);
}

QList<RecentRoom> DesktopSettings::recentRooms() const
{
    QSettings settings;
    QList<RecentRoom> rooms;
    const int count = settings.beginReadArray(key("recentRooms"));
    for (int i = 0; i < qMin(count, MaxRecentRooms); ++i) {
        settings.setArrayIndex(i);
        RecentRoom room {settings.value(key("url")).toUrl(), settings.value(key("room")).toString(),
                         settings.value(key("title")).toString()};
        if (room.hubUrl.isValid())
            rooms.append(room);
    }
    settings.endArray();
    return rooms;
}

void DesktopSettings::addRecentRoom(const RecentRoom &room)
{
    QList<RecentRoom> rooms = recentRooms();
    rooms.removeAll(room);
    rooms.prepend(room);
    if (rooms.size() > MaxRecentRooms)
        rooms.resize(MaxRecentRooms);
    QSettings settings;
    settings.beginWriteArray(key("recentRooms"), int(rooms.size()));
    for (int i = 0; i < rooms.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(key("url"), rooms[i].hubUrl);
        settings.setValue(key("room"), rooms[i].roomId);
        settings.setValue(key("title"), rooms[i].title);
    }
    settings.endArray();
}

} // namespace confab
