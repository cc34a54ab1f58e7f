#include "callbuttons.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QToolButton>

namespace confab {

CallButtons::CallButtons(QWidget *parent)
    : QWidget(parent)
    , m_call(new QToolButton(this))
    , m_video(new QToolButton(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QToolButton *button : {m_call, m_video}) {
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setAutoRaise(true);
        layout->addWidget(button);
    }
    connect(m_call, &QToolButton::clicked, this, [this] {
        if (m_peer)
            emit callRequested(m_peer->id, false);
    });
    connect(m_video, &QToolButton::clicked, this, [this] {
        if (m_peer)
            emit callRequested(m_peer->id, true);
    });
    retranslate();
    setVisible(false);
}

void CallButtons::setPeer(const std::optional<Member> &peer)
{
    m_peer = peer;
    setVisible(peer.has_value() && !peer->id.isEmpty());
    retranslate();
}

void CallButtons::retranslate()
{
    m_call->setText(tr("Call"));
    m_video->setText(tr("Video call"));
    // The name is remote text; a tooltip is plain text unless it looks like rich text, so it is
    // escaped to be sure.
    const QString name = m_peer ? m_peer->name.toHtmlEscaped() : QString();
    m_call->setToolTip(m_peer ? tr("Call %1 (opens in your web browser)").arg(name) : QString());
    m_video->setToolTip(m_peer ? tr("Video call with %1 (opens in your web browser)").arg(name)
                               : QString());
}

void CallButtons::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
}

} // namespace confab
