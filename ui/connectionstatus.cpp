#include "connectionstatus.h"

namespace confab {

namespace {

constexpr int CountdownTickMs = 1000;
constexpr int MillisecondsPerSecond = 1000;

} // namespace

ConnectionStatus::ConnectionStatus(QWidget *parent)
    : QLabel(parent)
{
    setTextFormat(Qt::PlainText); // the reason can quote the hub
    m_countdown.setInterval(CountdownTickMs);
    connect(&m_countdown, &QTimer::timeout, this, &ConnectionStatus::refresh);
}

HubConnection::State ConnectionStatus::state() const
{
    return m_state;
}

void ConnectionStatus::setState(HubConnection::State state, const QString &reason, int retryInMs)
{
    m_state = state;
    m_reason = reason;
    m_retryInMs = retryInMs;
    m_since.start();
    if (state == HubConnection::State::Reconnecting && retryInMs > 0)
        m_countdown.start();
    else
        m_countdown.stop();
    refresh();
}

void ConnectionStatus::setOutboxSize(int size)
{
    m_outbox = size;
    refresh();
}

void ConnectionStatus::setRoomTitle(const QString &title)
{
    m_roomTitle = title;
    refresh();
}

void ConnectionStatus::refresh()
{
    using State = HubConnection::State;
    QString text;
    switch (m_state) {
    case State::Idle:
        break;
    case State::SigningIn:
        text = tr("Signing in…");
        break;
    case State::Connecting:
        text = tr("Connecting…");
        break;
    case State::Live:
        text = m_roomTitle.isEmpty() ? tr("Connected") : tr("Connected to %1").arg(m_roomTitle);
        break;
    case State::Reconnecting: {
        if (m_retryInMs <= 0) {
            // No retry scheduled (e.g. the host said goodbye): the session's own words say it.
            text = m_reason.isEmpty() ? tr("Connection lost, reconnecting…") : m_reason;
            break;
        }
        const int left = qMax(0, m_retryInMs - int(m_since.elapsed()));
        const int seconds = (left + MillisecondsPerSecond - 1) / MillisecondsPerSecond;
        const QString retry
            = seconds > 0 ? tr("reconnecting in %n s…", nullptr, seconds) : tr("reconnecting…");
        text = m_reason.isEmpty() ? tr("Connection lost, %1").arg(retry)
                                  : tr("Host unreachable (%1), %2").arg(m_reason, retry);
        if (seconds == 0)
            m_countdown.stop();
        break;
    }
    case State::Failed:
        text = tr("Cannot join: %1").arg(m_reason.isEmpty() ? tr("unknown error") : m_reason);
        break;
    }
    if (m_outbox > 0)
        text += tr(" · %n message(s) waiting to be sent", nullptr, m_outbox);
    setText(text);
}

} // namespace confab
