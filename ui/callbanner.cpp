#include "callbanner.h"

#include "calls.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace confab {

CallBanner::CallBanner(QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_status(new QLabel(this))
    , m_accept(new QPushButton(this))
    , m_decline(new QPushButton(this))
{
    setObjectName(QStringLiteral("callBanner"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral("#callBanner { background: #e8f4ea; border: 1px solid #9ccfa6;"
                                 " border-radius: 4px; }"
                                 "#callBanner QLabel { background: transparent; }"));
    // The caller's name is remote text: never rich text.
    for (QLabel *label : {m_text, m_status})
        label->setTextFormat(Qt::PlainText);
    m_text->setWordWrap(true);
    QFont bold = m_text->font();
    bold.setBold(true);
    m_text->setFont(bold);
    m_status->setWordWrap(true);
    m_status->hide();
    m_accept->setDefault(true);
    m_accept->setStyleSheet(
        QStringLiteral("QPushButton { background: #2e8b57; color: white; padding: 4px 14px;"
                       " border-radius: 3px; }"
                       "QPushButton:disabled { background: #8fbfa3; }"));
    m_decline->setStyleSheet(
        QStringLiteral("QPushButton { background: #c0392b; color: white; padding: 4px 14px;"
                       " border-radius: 3px; }"));

    auto *texts = new QVBoxLayout;
    texts->addWidget(m_text);
    texts->addWidget(m_status);
    auto *layout = new QHBoxLayout(this);
    layout->addLayout(texts, 1);
    layout->addWidget(m_accept);
    layout->addWidget(m_decline);

    connect(m_accept, &QPushButton::clicked, this, [this] {
        if (m_call)
            emit acceptRequested(m_call->id());
    });
    connect(m_decline, &QPushButton::clicked, this, [this] {
        if (m_call)
            emit declineRequested(m_call->id());
    });
    retranslate();
    hide();
}

void CallBanner::showCall(IncomingCall *call)
{
    if (m_call)
        disconnect(m_call, nullptr, this, nullptr);
    m_call = call;
    if (!call) {
        dismiss();
        return;
    }
    connect(call, &IncomingCall::finished, this, &CallBanner::dismiss);
    connect(call, &QObject::destroyed, this, &CallBanner::dismiss);
    m_status->clear();
    m_status->hide();
    m_accept->setEnabled(true);
    m_decline->setEnabled(true);
    retranslate();
    show();
}

void CallBanner::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #a00;") : QString());
    m_status->setVisible(!text.isEmpty());
}

void CallBanner::dismiss()
{
    if (m_call)
        disconnect(m_call, nullptr, this, nullptr);
    m_call = nullptr;
    hide();
}

void CallBanner::retranslate()
{
    m_accept->setText(tr("Accept"));
    m_decline->setText(tr("Decline"));
    if (!m_call) {
        m_text->clear();
        return;
    }
    const QString name = m_call->caller().name;
    m_text->setText(m_call->isVideo() ? tr("%1 is calling (video)").arg(name)
                                      : tr("%1 is calling").arg(name));
}

void CallBanner::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
}

} // namespace confab
