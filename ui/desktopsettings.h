#pragma once
// The window's persistent preferences (QSettings): who I am, how I want to be told about new
// messages, which language, where data lives, the rooms I joined recently and, per hub, the
// conversation I had open.

#include <QList>
#include <QString>
#include <QUrl>

namespace confab {

struct RecentRoom
{
    QUrl hubUrl;
    QString roomId;
    QString title;

    friend bool operator==(const RecentRoom &a, const RecentRoom &b)
    {
        return a.hubUrl == b.hubUrl && a.roomId == b.roomId;
    }
};

class DesktopSettings
{
public:
    static constexpr int MaxRecentRooms = 8;

    QString name() const; // empty until the user picks one
    void setName(const QString &name);

    bool notificationsEnabled() const;
    void setNotificationsEnabled(bool enabled);

    // "" follows the system; otherwise a locale name such as "en" or "zh_CN".
    QString language() const;
    void setLanguage(const QString &language);

    QString dataDir() const; // never empty: defaults to the app-data location
    void setDataDir(const QString &dir);

    QString hostTitle() const;
    void setHostTitle(const QString &title);
    quint16 hostPort() const;
    void setHostPort(quint16 port);
    // The port a "any free port" (0) hosting was last given, to ask for it again next time.
    quint16 lastFreePort() const;
    void setLastFreePort(quint16 port);

    // The room's member panel (and, while hosting, the join address and QR code) beside the
    // timeline; hidden, the timeline gets the whole width (small windows).
    bool memberPanelShown() const;
    void setMemberPanelShown(bool shown);

    // The conversation open when the window last showed this hub (empty: none yet).
    QString lastConversation(const QUrl &hubUrl) const;
    void setLastConversation(const QUrl &hubUrl, const QString &conversationId);

    QList<RecentRoom> recentRooms() const; // most recent first
    void addRecentRoom(const RecentRoom &room);
};

} // namespace confab
