#pragma once
// The status bar's account of the link to the hub: connected, reconnecting in N s (counting down),
// or unreachable with the reason; plus how many messages wait in the outbox.

#include "hubconnection.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QTimer>

namespace confab {

class ConnectionStatus : public QLabel
{
    Q_OBJECT
public:
    explicit ConnectionStatus(QWidget *parent = nullptr);

    void setState(HubConnection::State state, const QString &reason, int retryInMs);
    void setOutboxSize(int size);
    void setRoomTitle(const QString &title);
    HubConnection::State state() const;

private:
    void refresh();

    HubConnection::State m_state = HubConnection::State::Idle;
    QString m_reason;
    QString m_roomTitle;
    int m_retryInMs = 0;
    int m_outbox = 0;
    QElapsedTimer m_since; // when the retry delay started
    QTimer m_countdown;
};

} // namespace confab
