#pragma once
// "Browse channels…": every channel on the hub (GET /api/v2/channels) with its topic and member
// count; Join (or Open, for one the user is in already). Errors show in the dialog.

#include <QDialog>
#include <QPointer>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace confab {

class HubConnection;

class ChannelBrowser : public QDialog
{
    Q_OBJECT
public:
    explicit ChannelBrowser(HubConnection *connection, QWidget *parent = nullptr);

    QTreeWidget *list() const;
    QLabel *statusLabel() const;
    // Joins the highlighted channel, or opens it when the user is in it already.
    void joinCurrent();

signals:
    void conversationChosen(const QString &conversationId); // one the user is in already

private:
    void reload();
    void updateButton();
    bool isJoined(const QString &channelId) const;
    void showStatus(const QString &text, bool error);

    QPointer<HubConnection> m_connection;
    QTreeWidget *m_list;
    QLabel *m_status;
    QPushButton *m_join;
    bool m_pending = false;
};

} // namespace confab
